-- The API functions answer one request (or one batch) in a millisecond or two, on generic plans cached per session.
-- With PostgreSQL's JIT on (the default, jit_above_cost = 100000), a plan whose *estimated* cost passes that line —
-- e.g. a branch over a large bookings table that never runs — is compiled again on every execution: bench W4 measured
-- availability at 1M bookings at 19 ms a call, all CPU, 9 buffers. JIT pays off for long analytic queries, which
-- these are not. The audit has run without it since 202611300102 (JIT was half of its time at 1M bookings); the
-- expiry run (expire_stale_holds, a maintenance sweep) keeps the server's setting.
do $$
declare
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure
      from pg_catalog.pg_proc p
     where p.pronamespace = 'public'::regnamespace
       and p.proowner = 'booking_owner'::regrole
       and p.proname <> 'expire_stale_holds'
     order by p.oid
  loop
    execute pg_catalog.format('alter function %s set jit = off', f);
  end loop;
end
$$;
