-- =============================================================================================
-- 202611300101_hardened_functions
-- Hardening (issue 15), the booking functions' part:
--   infinite dates  'infinity' / '-infinity' are dates a caller can send: the night count is computed only
--                   after validation, so they are BK003 like every other invalid stay (was 22008).
-- Same error contract, lock order and statement counts as 202611250004.
-- =============================================================================================

-- ---------------------------------------------------------------------------------------------
-- create_booking_with_atomic_lock
-- ---------------------------------------------------------------------------------------------
create or replace function public.create_booking_with_atomic_lock(
  p_accommodation_id uuid,
  p_guest_id         text,
  p_check_in         date,
  p_check_out        date,
  p_guests           integer  default 1,
  p_hold_ttl         interval default interval '15 minutes',
  p_status           text     default 'pending',
  p_idempotency_key  text     default null)
returns uuid
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '2s'
set plan_cache_mode = force_generic_plan
as $$
declare
  v_nights     integer;
  v_capacity   integer;
  v_rows       integer;
  v_existing   booking.bookings;
  v_stale      uuid[];
  v_lock_from  date;
  v_lock_to    date;
  v_full_night date;
  v_taken      integer;
  v_tids       tid[];
  v_id         uuid;
  v_problem    record;
begin
  -- The common case is checked inline (a nested call costs more than the check); request_problem, shared
  -- with create_bookings, words the error when something is off.
  if p_check_in is null or p_check_out is null or not pg_catalog.isfinite(p_check_in)
     or not pg_catalog.isfinite(p_check_out) or p_check_out <= p_check_in or p_check_out - p_check_in > 365
     or p_check_in < (now() at time zone 'UTC')::date - 1 or p_check_in > (now() at time zone 'UTC')::date + 730
     or p_guest_id is null or length(p_guest_id) not between 1 and 200
     or p_guests is null or p_guests not between 1 and 50
     or p_status is null or p_status not in ('pending', 'confirmed')
     or (p_status = 'pending' and (p_hold_ttl is null or p_hold_ttl <= interval '0' or p_hold_ttl > interval '1 day'))
     or (p_idempotency_key is not null and length(p_idempotency_key) not between 1 and 200) then
    select * into v_problem
      from booking.request_problem(p_guest_id, p_check_in, p_check_out, p_guests, p_idempotency_key, p_status, p_hold_ttl);
    if v_problem.code is not null then
      raise exception using errcode = v_problem.code, message = v_problem.message;
    end if;
  end if;
  -- only now: 'infinity' is a date, and subtracting it raises 22008 instead of the BK003 above
  v_nights := p_check_out - p_check_in;

  -- One snapshot answers: does the accommodation exist, which stale holds sit on these nights (released below
  -- under the night locks), which night is already full, and do all night rows exist yet.
  select a.total_inventory, s.ids, least(p_check_in, s.first_in), greatest(p_check_out, s.last_out), f.full_night, f.nights
    into v_capacity, v_stale, v_lock_from, v_lock_to, v_full_night, v_rows
    from booking.accommodations a
    left join lateral (
      select array_agg(b.id) as ids, min(b.check_in) as first_in, max(b.check_out) as last_out
        from booking.bookings b
       where b.accommodation_id = a.id
         and b.status = 'pending' and b.hold_expires_at <= now()
         and b.check_in < p_check_out and b.check_out > p_check_in) s on a.total_inventory is not null
    left join lateral (
      select count(*)::integer as nights, min(n.night) filter (where n.reserved >= a.total_inventory) as full_night
        from booking.night_inventory n
       where n.accommodation_id = a.id and n.night >= p_check_in and n.night < p_check_out) f on a.total_inventory is not null
   where a.id = p_accommodation_id;
  if not found then
    raise exception using errcode = 'BK002', message = 'This accommodation does not exist.';
  end if;

  if v_capacity is not null then
    -- A night full in a committed snapshot stays full until a booking on it is released: refuse without
    -- writing. A keyed request goes on instead, so that a replay still finds its booking (below).
    if v_stale is null and v_full_night is not null and p_idempotency_key is null then
      perform booking.raise_fully_booked(v_capacity, v_full_night);
    end if;
    if v_rows < v_nights then
      perform booking.ensure_nights(p_accommodation_id, p_check_in, p_check_out);
    end if;
  end if;

  -- The booking row and its event are written before the night locks are taken, so the locks are held only
  -- for the check, the counter update and the commit. A refusal below rolls them back. The unique index on
  -- (guest, key) queues a concurrent replay behind this insert and then turns it into "do nothing".
  with inserted as (
    insert into booking.bookings
      (accommodation_id, guest_id, check_in, check_out, guests, status, hold_expires_at, idempotency_key)
    values
      (p_accommodation_id, p_guest_id, p_check_in, p_check_out, p_guests, p_status::booking.booking_status,
       case when p_status = 'pending' then now() + p_hold_ttl end, p_idempotency_key)
    on conflict (guest_id, idempotency_key) where idempotency_key is not null do nothing
    returning id
  ), logged as (
    insert into booking.booking_events (booking_id, accommodation_id, event, detail)
    select i.id, p_accommodation_id, 'created', pg_catalog.jsonb_build_object('status', p_status) from inserted i
  )
  select i.id into v_id from inserted i;

  if v_id is null then
    select * into v_existing
      from booking.bookings b
     where b.guest_id = p_guest_id and b.idempotency_key = p_idempotency_key;
    if (v_existing.accommodation_id, v_existing.check_in, v_existing.check_out, v_existing.guests)
       is distinct from (p_accommodation_id, p_check_in, p_check_out, p_guests) then
      raise exception using errcode = 'BK007',
        message = 'This idempotency key was already used for a different booking request.';
    end if;
    return v_existing.id;
  end if;

  if v_capacity is not null then
    if v_stale is not null then
      perform booking.lock_nights(p_accommodation_id, v_lock_from, v_lock_to);
      perform booking.release_bookings(v_stale, 'expired');
    end if;
    if v_nights = 1 then
      -- one row: the UPDATE takes its lock and re-checks the capacity on the newest row version
      update booking.night_inventory n
         set reserved = n.reserved + 1
       where n.accommodation_id = p_accommodation_id and n.night = p_check_in
         and n.reserved < v_capacity;
      get diagnostics v_taken = row_count;
    else
      -- Lock the nights in ascending order (the order every path uses), then count where there is room. Two
      -- statements: the second one's snapshot sees the row versions the first one locked, so it finds them by
      -- address (ctid, fixed while locked) instead of searching the accommodation's nights again.
      select array_agg(l.tid) into v_tids
        from (select n.ctid as tid
                from booking.night_inventory n
               where n.accommodation_id = p_accommodation_id and n.night >= p_check_in and n.night < p_check_out
               order by n.night
                 for update) l;
      update booking.night_inventory n
         set reserved = n.reserved + 1
       where n.ctid = any (v_tids) and n.reserved < v_capacity;
      get diagnostics v_taken = row_count;
    end if;
    if v_taken < v_nights then
      select min(n.night) into v_full_night
        from booking.night_inventory n
       where n.accommodation_id = p_accommodation_id and n.night >= p_check_in and n.night < p_check_out
         and n.reserved >= v_capacity;
      perform booking.raise_fully_booked(v_capacity, v_full_night);
    end if;
  end if;

  return v_id;
end
$$;
