-- =============================================================================================
-- test-atomic-booking.sql — plain-psql checks of the booking functions against a migrated database.
--   psql -v ON_ERROR_STOP=1 -d <db> -f sql/tests/test-atomic-booking.sql
-- Runs as a superuser (it arranges data and simulates the passage of time by moving hold expiry),
-- inside one transaction that is rolled back: the database is left as it was. Any broken
-- invariant raises an exception, so psql stops with a non-zero exit status.
-- Concurrency (hundreds of parallel connections) is proven by the C# suite; this script is the
-- quick, dependency-free check an operator can run anywhere psql reaches.
-- =============================================================================================
\set QUIET on
\set VERBOSITY terse
-- results go nowhere; progress comes from \echo and the 'ok - ...' notices
\o /dev/null
begin;

create temp table t_ids (name text primary key, id uuid not null) on commit drop;

create or replace function pg_temp.id(p_name text) returns uuid language sql as $$
  select id from t_ids where name = p_name
$$;

create or replace function pg_temp.expect_sqlstate(p_sql text, p_state text, p_what text) returns void
language plpgsql as $$
begin
  execute p_sql;
  raise exception 'FAIL: % — expected SQLSTATE %, but the call succeeded', p_what, p_state;
exception when others then
  if sqlstate <> p_state then
    raise exception 'FAIL: % — expected SQLSTATE %, got % (%)', p_what, p_state, sqlstate, sqlerrm;
  end if;
  raise notice 'ok - %', p_what;
end
$$;

create or replace function pg_temp.expect(p_ok boolean, p_what text) returns void
language plpgsql as $$
begin
  if p_ok is distinct from true then
    raise exception 'FAIL: %', p_what;
  end if;
  raise notice 'ok - %', p_what;
end
$$;

create or replace function pg_temp.audit_is_empty(p_what text) returns void
language plpgsql as $$
declare
  v_rows integer;
begin
  select count(*) into v_rows from check_for_double_bookings();
  perform pg_temp.expect(v_rows = 0, p_what || ': audit empty (' || v_rows || ' rows)');
end
$$;

-- ---------------------------------------------------------------------------------------------
\echo '# arrange: a 2-room type with 2 items, a 1-room type, an unlimited type'
insert into booking.accommodations (name, total_inventory) values ('psql-test double', 2) returning id \gset double_
insert into t_ids values ('double', :'double_id');
insert into booking.accommodations (name, total_inventory) values ('psql-test single', 1) returning id \gset single_
insert into t_ids values ('single', :'single_id');
insert into booking.accommodations (name, total_inventory) values ('psql-test dorm', null) returning id \gset dorm_
insert into t_ids values ('dorm', :'dorm_id');
insert into booking.accommodation_items (accommodation_id, label)
select pg_temp.id('double'), l from unnest(array['D1', 'D2']) l;
insert into booking.accommodation_items (accommodation_id, label) values (pg_temp.id('single'), 'S1');

-- ---------------------------------------------------------------------------------------------
\echo '# per-night inventory (KNOWN-DEFECTS 1, 2)'
insert into t_ids select 'a13', create_booking_with_atomic_lock(pg_temp.id('double'), 'guest-a', current_date + 10, current_date + 12);
insert into t_ids select 'b35', create_booking_with_atomic_lock(pg_temp.id('double'), 'guest-b', current_date + 12, current_date + 14);
insert into t_ids select 'c15', create_booking_with_atomic_lock(pg_temp.id('double'), 'guest-c', current_date + 10, current_date + 14);
select pg_temp.expect(pg_temp.id('c15') is not null, 'a 1-5 stay fits beside 1-3 and 3-5 with 2 rooms');
select pg_temp.expect_sqlstate(
  format('select create_booking_with_atomic_lock(%L, %L, current_date + 11, current_date + 12)', pg_temp.id('double'), 'guest-d'),
  'BK001', 'a third booking on a full night is refused as fully booked');
select pg_temp.expect(check_availability_with_lock(pg_temp.id('double'), current_date + 10, current_date + 14) = 0,
  'availability is 0 when a night is full');
select pg_temp.expect(check_availability_with_lock(pg_temp.id('double'), current_date + 14, current_date + 16) = 2,
  'availability is the full capacity after the last check-out');
select pg_temp.expect(check_availability_with_lock(pg_temp.id('dorm'), current_date + 10, current_date + 14) = 9999,
  'availability is 9999 for an unlimited accommodation');
select pg_temp.audit_is_empty('valid bookings at full capacity');

-- ---------------------------------------------------------------------------------------------
\echo '# check-out day is the next check-in day'
insert into t_ids select 's1', create_booking_with_atomic_lock(pg_temp.id('single'), 'guest-s1', current_date + 20, current_date + 22);
insert into t_ids select 's2', create_booking_with_atomic_lock(pg_temp.id('single'), 'guest-s2', current_date + 22, current_date + 23);
select pg_temp.expect(assign_accommodation_item_atomically(pg_temp.id('s1')) = assign_accommodation_item_atomically(pg_temp.id('s2')),
  'back-to-back stays share the single room and its item');

-- ---------------------------------------------------------------------------------------------
\echo '# item assignment respects dates (KNOWN-DEFECTS 3)'
insert into t_ids select 'sept', create_booking_with_atomic_lock(pg_temp.id('single'), 'guest-sept', current_date + 200, current_date + 203);
insert into t_ids select 'july', create_booking_with_atomic_lock(pg_temp.id('single'), 'guest-july', current_date + 150, current_date + 153);
select pg_temp.expect(assign_accommodation_item_atomically(pg_temp.id('sept')) = assign_accommodation_item_atomically(pg_temp.id('july')),
  'an item used later in the year is given to an earlier booking');
select pg_temp.expect(assign_accommodation_item_atomically(pg_temp.id('a13')) <> assign_accommodation_item_atomically(pg_temp.id('c15')),
  'overlapping stays get different items');
select pg_temp.expect(assign_accommodation_item_atomically(pg_temp.id('a13')) = assign_accommodation_item_atomically(pg_temp.id('a13')),
  'assigning twice returns the same item');
select pg_temp.expect(assign_accommodation_item_atomically(pg_temp.id('b35')) = assign_accommodation_item_atomically(pg_temp.id('a13')),
  'a stay starting on another''s check-out day takes over its item');
insert into t_ids select 'dorm1', create_booking_with_atomic_lock(pg_temp.id('dorm'), 'guest-dorm', current_date + 10, current_date + 11);
select pg_temp.expect_sqlstate(
  format('select assign_accommodation_item_atomically(%L)', pg_temp.id('dorm1')),
  'BK004', 'no free item is its own error');

-- ---------------------------------------------------------------------------------------------
\echo '# errors have their own SQLSTATEs'
select pg_temp.expect_sqlstate(
  'select create_booking_with_atomic_lock(gen_random_uuid(), ''g'', current_date + 1, current_date + 2)',
  'BK002', 'an unknown accommodation is refused');
select pg_temp.expect_sqlstate(
  format('select create_booking_with_atomic_lock(%L, ''g'', current_date + 5, current_date + 5)', pg_temp.id('dorm')),
  'BK003', 'an empty stay is refused');
select pg_temp.expect_sqlstate(
  format('select create_booking_with_atomic_lock(%L, ''g'', current_date + 5, current_date + 400)', pg_temp.id('dorm')),
  'BK003', 'a stay over 365 nights is refused');
select pg_temp.expect_sqlstate(
  format('select create_booking_with_atomic_lock(%L, ''g'', current_date - 10, current_date - 8)', pg_temp.id('dorm')),
  'BK003', 'a stay in the past is refused');

-- ---------------------------------------------------------------------------------------------
\echo '# idempotency'
insert into t_ids select 'idem', create_booking_with_atomic_lock(pg_temp.id('dorm'), 'guest-i', current_date + 30, current_date + 31, 1, '15 minutes', 'pending', 'key-1');
select pg_temp.expect(create_booking_with_atomic_lock(pg_temp.id('dorm'), 'guest-i', current_date + 30, current_date + 31, 1, '15 minutes', 'pending', 'key-1') = pg_temp.id('idem'),
  'the same guest and key return the first booking');
select pg_temp.expect_sqlstate(
  format('select create_booking_with_atomic_lock(%L, ''guest-i'', current_date + 30, current_date + 32, 1, ''15 minutes'', ''pending'', ''key-1'')', pg_temp.id('dorm')),
  'BK007', 'the same key for a different stay is refused');

-- ---------------------------------------------------------------------------------------------
\echo '# holds expire, cancel releases, a late confirmation keeps a free room and is refused a taken one (KNOWN-DEFECTS 6, 8)'
-- time passes: the hold on the single room in 20..22 runs out
update booking.bookings set hold_expires_at = now() - interval '1 second' where id = pg_temp.id('s1');
select pg_temp.expect(check_availability_with_lock(pg_temp.id('single'), current_date + 20, current_date + 22) = 1,
  'an expired hold no longer counts');
insert into t_ids select 's3', create_booking_with_atomic_lock(pg_temp.id('single'), 'guest-s3', current_date + 21, current_date + 22);
select pg_temp.expect((select status::text from booking.bookings where id = pg_temp.id('s1')) = 'expired',
  'the next booker releases the stale hold in its own transaction');
select pg_temp.expect_sqlstate(format('select confirm_booking(%L)', pg_temp.id('s1')),
  'BK005', 'confirming an expired hold whose room was taken is refused');
select pg_temp.expect(confirm_booking(pg_temp.id('s3')) = 'confirmed', 'a live hold can be confirmed');
select pg_temp.expect(cancel_booking(pg_temp.id('s3')) = 'cancelled', 'a confirmed booking can be cancelled');
select pg_temp.expect(check_availability_with_lock(pg_temp.id('single'), current_date + 21, current_date + 22) = 1,
  'cancelling gives the night back');
select pg_temp.expect(confirm_booking(pg_temp.id('s1')) = 'confirmed',
  'a late payment for a released hold whose room is free again keeps the room');
select pg_temp.expect(check_availability_with_lock(pg_temp.id('single'), current_date + 20, current_date + 22) = 0,
  'the late confirmation took its nights again');
select pg_temp.expect((select (detail ->> 'late')::boolean from booking.booking_events
                        where booking_id = pg_temp.id('s1') and event = 'confirmed'), 'the event log says it was late');
update booking.bookings set hold_expires_at = now() - interval '1 second' where id = pg_temp.id('s2');
select pg_temp.expect(expire_stale_holds() >= 1, 'expire_stale_holds releases stale holds');
select pg_temp.audit_is_empty('after expiry and cancellation');

-- ---------------------------------------------------------------------------------------------
\echo '# the application role may only execute the API (KNOWN-DEFECTS 5, 7)'
set local role booking_app;
select pg_temp.expect_sqlstate(
  'insert into booking.bookings (accommodation_id, guest_id, check_in, check_out, guests, status) values (gen_random_uuid(), ''x'', current_date, current_date + 1, 1, ''confirmed'')',
  '42501', 'booking_app cannot insert bookings directly');
select pg_temp.expect_sqlstate('update booking.night_inventory set reserved = 0', '42501', 'booking_app cannot change counters');
select pg_temp.expect_sqlstate('select booking.lock_nights(gen_random_uuid(), current_date, current_date + 1)', '42501',
  'booking_app cannot call internal helpers');
select pg_temp.expect(check_availability_with_lock(:'dorm_id', current_date + 1, current_date + 2) = 9999,
  'booking_app can call the API');
reset role;
select pg_temp.expect(
  (select bool_and(p.prosecdef and coalesce(array_to_string(p.proconfig, ',') like 'search_path=pg_catalog, booking, pg_temp%', false))
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.proname in ('create_booking_with_atomic_lock', 'check_availability_with_lock',
      'assign_accommodation_item_atomically', 'check_for_double_bookings', 'confirm_booking', 'cancel_booking',
      'expire_stale_holds', 'get_booking', 'create_booking_returning', 'create_bookings', 'check_availability_many')),
  'every API function is SECURITY DEFINER with a pinned search_path');

-- ---------------------------------------------------------------------------------------------
\echo '# the audit sees corruption made behind the functions'' back (KNOWN-DEFECTS 4)'
insert into booking.bookings (accommodation_id, guest_id, check_in, check_out, guests, status)
values (pg_temp.id('double'), 'sneaky', current_date + 11, current_date + 12, 1, 'confirmed');
select pg_temp.expect((select count(*) from check_for_double_bookings() where issue = 'oversold_night') = 1,
  'one oversold night is reported');
select pg_temp.expect((select count(*) from check_for_double_bookings() where issue = 'counter_drift') = 1,
  'the counter drift on that night is reported');

rollback;
\echo '# all checks passed'
