-- The newest applied migration version, for GET /api/health (the app role cannot read booking_migrations itself).
select booking_schema_version()
