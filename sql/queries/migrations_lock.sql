select pg_advisory_lock(@Key)
