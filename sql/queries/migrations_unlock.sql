select pg_advisory_unlock(@Key)
