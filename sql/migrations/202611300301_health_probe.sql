-- =============================================================================================
-- 202611300301_health_probe
-- GET /api/health asks whether the database schema is the one this build of the app expects. The app role may
-- only EXECUTE API functions (it cannot read booking_migrations.applied), so the answer is one more SECURITY
-- DEFINER function that returns the newest applied migration version and nothing else.
-- =============================================================================================

-- ---------------------------------------------------------------------------------------------
-- booking_owner, whom the function runs as, may read the migration runner's bookkeeping (read only).
-- ---------------------------------------------------------------------------------------------
grant usage on schema booking_migrations to booking_owner;
grant select on booking_migrations.applied to booking_owner;

-- ---------------------------------------------------------------------------------------------
-- booking_schema_version(): client-callable, read-only, no arguments.
-- ---------------------------------------------------------------------------------------------
create or replace function public.booking_schema_version()
returns text
language sql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
  select max(version) from booking_migrations.applied
$$;

alter function public.booking_schema_version() owner to booking_owner;
comment on function public.booking_schema_version() is
  'The newest migration version recorded in booking_migrations.applied (yyyyMMddHHmm), for health probes. '
  'Read only; reveals nothing but the version.';

revoke execute on function public.booking_schema_version() from public;
grant execute on function public.booking_schema_version() to booking_app;
