-- Bench-only experiment (./bench.sh --experiment availability_generic_plan): W4 showed availability
-- getting slower with history while its statements' execution time did not move, which points at
-- per-call planning (plpgsql chose custom plans once the statistics showed one accommodation owning most
-- rows). A generic plan is planned once per connection and reused.
alter function public.check_availability_with_lock(uuid, date, date) set plan_cache_mode = force_generic_plan;
