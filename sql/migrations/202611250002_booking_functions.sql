-- =============================================================================================
-- 202611250002_booking_functions
-- Every inventory decision, made inside PostgreSQL with row locks.
--
-- Error contract (SQLSTATE, raised with a message a guest can read):
--   BK001 fully booked (names the first full night)     BK006 booking not found (or not the caller's)
--   BK002 unknown accommodation                         BK007 idempotency key reused for another request
--   BK003 invalid stay (dates)                          BK008 booking is in a state that forbids this
--   BK004 no free item for every night of the stay      BK009 invalid argument (guests, guest id, ttl ...)
--   BK005 hold expired                                  55P03 lock_timeout hit: busy, retry
--
-- Lock order, the same on every path (deadlock freedom):
--   night_inventory rows of one accommodation in ascending night order
--   -> bookings rows -> accommodation_items rows (assignment only, SKIP LOCKED first).
-- All functions expect READ COMMITTED (the default): each statement sees what committed before it.
-- =============================================================================================

-- ---------------------------------------------------------------------------------------------
-- Internal helpers (schema booking: booking_app has no USAGE, so it cannot call them). They carry no
-- SET search_path of their own: they only run inside the API functions, which pin it, and every name
-- in them is schema-qualified; a SET clause would cost a configuration save/restore on every call.
-- ---------------------------------------------------------------------------------------------
create or replace function booking.assert_valid_stay(p_check_in date, p_check_out date)
returns void
language plpgsql
immutable
as $$
begin
  if p_check_in is null or p_check_out is null then
    raise exception using errcode = 'BK003', message = 'Check-in and check-out dates are required.';
  end if;
  if p_check_in = '-infinity'::date or p_check_out = 'infinity'::date or p_check_in = 'infinity'::date
     or p_check_out = '-infinity'::date then
    raise exception using errcode = 'BK003', message = 'Check-in and check-out must be calendar dates.';
  end if;
  if p_check_out <= p_check_in then
    raise exception using errcode = 'BK003', message = 'Check-out must be after check-in.';
  end if;
  if p_check_out - p_check_in > 365 then
    raise exception using errcode = 'BK003', message = 'A stay can be at most 365 nights.';
  end if;
end
$$;

-- Bookable window: no arrivals before yesterday (UTC), so a guest east of UTC can still book
-- "tonight"; no arrivals more than two years ahead.
create or replace function booking.assert_bookable_window(p_check_in date)
returns void
language plpgsql
stable
as $$
declare
  v_today date := (now() at time zone 'UTC')::date;
begin
  if p_check_in < v_today - 1 then
    raise exception using errcode = 'BK003', message = pg_catalog.format('Check-in %s is in the past.', p_check_in);
  end if;
  if p_check_in > v_today + 730 then
    raise exception using errcode = 'BK003',
      message = pg_catalog.format('Check-in %s is more than two years ahead.', p_check_in);
  end if;
end
$$;

-- Creates the missing night rows [p_from, p_to) of one accommodation, in ascending night order, before
-- the caller holds any night lock. Only when some are missing: an INSERT ... ON CONFLICT that meets a row
-- another booker has updated waits for that booker to finish, and the caller would then wait again.
create or replace function booking.ensure_nights(p_accommodation_id uuid, p_from date, p_to date)
returns void
language plpgsql
as $$
begin
  if (select count(*) from booking.night_inventory n
       where n.accommodation_id = p_accommodation_id and n.night >= p_from and n.night < p_to) < p_to - p_from then
    insert into booking.night_inventory (accommodation_id, night)
    select p_accommodation_id, p_from + i
      from pg_catalog.generate_series(0, p_to - p_from - 1) as i
     order by i
    on conflict do nothing;
  end if;
end
$$;

-- Locks the night rows [p_from, p_to) of one accommodation in ascending night order, creating missing
-- ones first. Every path that takes more than one night lock goes through here: one order, no deadlock.
create or replace function booking.lock_nights(p_accommodation_id uuid, p_from date, p_to date)
returns void
language plpgsql
as $$
begin
  perform booking.ensure_nights(p_accommodation_id, p_from, p_to);
  perform 1
     from booking.night_inventory n
    where n.accommodation_id = p_accommodation_id
      and n.night >= p_from and n.night < p_to
    order by n.night
      for update;
end
$$;

-- Moves active bookings to p_new_status ('expired' or 'cancelled'), gives their nights back and logs
-- the change. The caller must already hold the night locks of every booking in p_ids.
-- 'expired' only touches holds whose expiry has passed; a concurrent confirm wins or loses on the
-- booking row lock, and the WHERE clause is re-checked on the row version it finally sees.
create or replace function booking.release_bookings(p_ids uuid[], p_new_status booking.booking_status)
returns integer
language plpgsql
as $$
declare
  v_released integer;
begin
  with released as (
    update booking.bookings b
       set status = p_new_status, updated_at = now()
     where b.id = any (p_ids)
       and (   (p_new_status = 'expired'   and b.status = 'pending' and b.hold_expires_at <= now())
            or (p_new_status = 'cancelled' and b.status in ('pending', 'confirmed')))
    returning b.id, b.accommodation_id, b.check_in, b.check_out
  ), nights as (
    select r.accommodation_id, r.check_in + i as night, count(*)::integer as n
      from released r
     cross join lateral pg_catalog.generate_series(0, r.check_out - r.check_in - 1) as i
     group by 1, 2
  ), give_back as (
    update booking.night_inventory ni
       set reserved = ni.reserved - nights.n
      from nights
     where ni.accommodation_id = nights.accommodation_id and ni.night = nights.night
  ), logged as (
    insert into booking.booking_events (booking_id, accommodation_id, event)
    select r.id, r.accommodation_id, p_new_status::text from released r
  )
  select count(*) into v_released from released;
  return v_released;
end
$$;

-- Nights of the stay whose night row is locked, for paths that change an existing booking.
create or replace function booking.lock_booking_nights(p_booking booking.bookings)
returns void
language plpgsql
as $$
begin
  if exists (select 1 from booking.accommodations a
              where a.id = p_booking.accommodation_id and a.total_inventory is not null) then
    perform booking.lock_nights(p_booking.accommodation_id, p_booking.check_in, p_booking.check_out);
  end if;
end
$$;

-- BK001 with a message a guest can read, naming the first full night.
create or replace function booking.raise_fully_booked(p_capacity integer, p_night date)
returns void
language plpgsql
as $$
begin
  raise exception using errcode = 'BK001',
    message = case p_capacity
                when 0 then pg_catalog.format('No rooms are on sale on %s.', p_night)
                when 1 then pg_catalog.format('The only room is taken on %s.', p_night)
                else pg_catalog.format('All %s rooms are taken on %s.', p_capacity, p_night)
              end,
    detail = pg_catalog.format('night=%s capacity=%s', p_night, p_capacity);
end
$$;

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
-- Every statement here is a key lookup or a short range scan whatever the data: a generic plan is always
-- right, and re-planning each call (which skewed statistics can trigger) costs more than the work.
set plan_cache_mode = force_generic_plan
as $$
declare
  v_capacity   integer;
  v_existing   booking.bookings;
  v_stale      uuid[];
  v_lock_from  date;
  v_lock_to    date;
  v_full_night date;
  v_id         uuid;
begin
  -- The common case is checked inline (a nested function call per check costs more than the check);
  -- the helpers only run to raise the precise error.
  if p_check_in is null or p_check_out is null or not pg_catalog.isfinite(p_check_in)
     or not pg_catalog.isfinite(p_check_out) or p_check_out <= p_check_in or p_check_out - p_check_in > 365
     or p_check_in < (now() at time zone 'UTC')::date - 1 or p_check_in > (now() at time zone 'UTC')::date + 730 then
    perform booking.assert_valid_stay(p_check_in, p_check_out);
    perform booking.assert_bookable_window(p_check_in);
  end if;
  if p_guest_id is null or length(p_guest_id) not between 1 and 200 then
    raise exception using errcode = 'BK009', message = 'A guest id of 1 to 200 characters is required.';
  end if;
  if p_guests is null or p_guests not between 1 and 50 then
    raise exception using errcode = 'BK009', message = 'Guests must be between 1 and 50.';
  end if;
  if p_status is null or p_status not in ('pending', 'confirmed') then
    raise exception using errcode = 'BK009', message = 'A new booking is either pending or confirmed.';
  end if;
  if p_status = 'pending' and (p_hold_ttl is null or p_hold_ttl <= interval '0' or p_hold_ttl > interval '1 day') then
    raise exception using errcode = 'BK009', message = 'A hold lasts more than 0 seconds and at most 1 day.';
  end if;

  if p_idempotency_key is not null then
    if length(p_idempotency_key) not between 1 and 200 then
      raise exception using errcode = 'BK009', message = 'An idempotency key has 1 to 200 characters.';
    end if;
    -- Same (guest, key) callers queue here; the winner's row is visible to the next statement.
    perform pg_catalog.pg_advisory_xact_lock(
      pg_catalog.hashtextextended('booking-idempotency:' || p_guest_id || ':' || p_idempotency_key, 0));
    select * into v_existing
      from booking.bookings b
     where b.guest_id = p_guest_id and b.idempotency_key = p_idempotency_key;
    if found then
      if (v_existing.accommodation_id, v_existing.check_in, v_existing.check_out, v_existing.guests)
         is distinct from (p_accommodation_id, p_check_in, p_check_out, p_guests) then
        raise exception using errcode = 'BK007',
          message = 'This idempotency key was already used for a different booking request.';
      end if;
      return v_existing.id;
    end if;
  end if;

  select a.total_inventory into v_capacity from booking.accommodations a where a.id = p_accommodation_id;
  if not found then
    raise exception using errcode = 'BK002', message = 'This accommodation does not exist.';
  end if;

  if v_capacity is not null then
    -- One snapshot for both questions: which stale holds sit on these nights (released below; their
    -- nights join the lock range so all night rows are still taken in one ascending sweep), and is a night
    -- already full with no stale hold to free a room? Then refuse without writing or locking anything:
    -- a committed full night stays full until a booking on it is released, which this read would see.
    with stale as (
      select b.id, b.check_in, b.check_out
        from booking.bookings b
       where b.accommodation_id = p_accommodation_id
         and b.status = 'pending' and b.hold_expires_at <= now()
         and b.check_in < p_check_out and b.check_out > p_check_in
    )
    select (select array_agg(s.id) from stale s),
           least(p_check_in, (select min(s.check_in) from stale s)),
           greatest(p_check_out, (select max(s.check_out) from stale s)),
           (select n.night
              from booking.night_inventory n
             where n.accommodation_id = p_accommodation_id
               and n.night >= p_check_in and n.night < p_check_out
               and n.reserved >= v_capacity
               and not exists (select 1 from stale)
             order by n.night
             limit 1)
      into v_stale, v_lock_from, v_lock_to, v_full_night;
    if v_full_night is not null then
      perform booking.raise_fully_booked(v_capacity, v_full_night);
    end if;
  end if;

  -- The booking row and its event are written before the night locks are taken, so the locks are held
  -- only for the check, the counter update and the commit. A refusal below rolls them back.
  insert into booking.bookings
    (accommodation_id, guest_id, check_in, check_out, guests, status, hold_expires_at, idempotency_key)
  values
    (p_accommodation_id, p_guest_id, p_check_in, p_check_out, p_guests, p_status::booking.booking_status,
     case when p_status = 'pending' then now() + p_hold_ttl end, p_idempotency_key)
  returning id into v_id;
  insert into booking.booking_events (booking_id, accommodation_id, event, detail)
  values (v_id, p_accommodation_id, 'created', pg_catalog.jsonb_build_object('status', p_status));

  if v_capacity is not null then
    if v_stale is null and p_check_out - p_check_in = 1 then
      -- One night, nothing stale: the UPDATE takes the single row lock and re-checks the capacity on the
      -- newest row version, so the lock is held for this statement and the commit only.
      if not exists (select 1 from booking.night_inventory n
                      where n.accommodation_id = p_accommodation_id and n.night = p_check_in) then
        insert into booking.night_inventory (accommodation_id, night) values (p_accommodation_id, p_check_in)
        on conflict do nothing;
      end if;
      update booking.night_inventory n
         set reserved = n.reserved + 1
       where n.accommodation_id = p_accommodation_id and n.night = p_check_in
         and n.reserved < v_capacity;
      if not found then
        perform booking.raise_fully_booked(v_capacity, p_check_in);
      end if;
    else
      perform booking.lock_nights(p_accommodation_id, v_lock_from, v_lock_to);
      if v_stale is not null then
        perform booking.release_bookings(v_stale, 'expired');
      end if;
      -- all nights are locked: count only where there is room, and refuse if any night had none
      with taken as (
        update booking.night_inventory n
           set reserved = n.reserved + 1
         where n.accommodation_id = p_accommodation_id
           and n.night >= p_check_in and n.night < p_check_out
           and n.reserved < v_capacity
        returning n.night
      )
      select min(p_check_in + i) into v_full_night
        from pg_catalog.generate_series(0, p_check_out - p_check_in - 1) as i
       where p_check_in + i not in (select t.night from taken t);
      if v_full_night is not null then
        perform booking.raise_fully_booked(v_capacity, v_full_night);
      end if;
    end if;
  end if;

  return v_id;
end
$$;
comment on function public.create_booking_with_atomic_lock(uuid, text, date, date, integer, interval, text, text) is
  'Books one room for [check_in, check_out) atomically: locks the nights in order, releases stale holds, '
  'checks every night, inserts. Returns the booking id; the same (guest, idempotency key) returns the first '
  'booking. Errors: BK001 fully booked, BK002 unknown accommodation, BK003 invalid stay, BK007 key reused, '
  'BK009 invalid argument, 55P03 busy.';

-- ---------------------------------------------------------------------------------------------
-- check_availability_with_lock: the name is kept from the original API; it takes no lock.
-- STABLE, so the whole computation reads the caller's one snapshot and never waits on bookers.
-- ---------------------------------------------------------------------------------------------
create or replace function public.check_availability_with_lock(
  p_accommodation_id uuid,
  p_check_in         date,
  p_check_out        date)
returns integer
language plpgsql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
-- Measured (bench W4): with skewed statistics plpgsql re-planned these queries on every call and the
-- function's time tripled as history grew; the generic plan is a short index range scan at any size.
set plan_cache_mode = force_generic_plan
as $$
declare
  v_capacity integer;
  v_used     integer;
begin
  perform booking.assert_valid_stay(p_check_in, p_check_out);
  select a.total_inventory into v_capacity from booking.accommodations a where a.id = p_accommodation_id;
  if not found then
    raise exception using errcode = 'BK002', message = 'This accommodation does not exist.';
  end if;
  if v_capacity is null then
    return 9999;
  end if;

  with stale as (
    select b.check_in, b.check_out
      from booking.bookings b
     where b.accommodation_id = p_accommodation_id
       and b.status = 'pending' and b.hold_expires_at <= now()
       and b.check_in < p_check_out and b.check_out > p_check_in
  )
  select coalesce(max(n.reserved - (select count(*) from stale s
                                      where s.check_in <= n.night and s.check_out > n.night)), 0)
    into v_used
    from booking.night_inventory n
   where n.accommodation_id = p_accommodation_id
     and n.night >= p_check_in and n.night < p_check_out;

  return greatest(v_capacity - v_used, 0);
end
$$;
comment on function public.check_availability_with_lock(uuid, date, date) is
  'Rooms free for every night of [check_in, check_out): capacity minus the busiest night; 0 when full, '
  '9999 when unlimited. Reads one snapshot and takes no lock, so it never waits on bookers.';

-- ---------------------------------------------------------------------------------------------
-- assign_accommodation_item_atomically
-- ---------------------------------------------------------------------------------------------
create or replace function public.assign_accommodation_item_atomically(
  p_booking_id uuid,
  p_guest_id   text default null)
returns uuid
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '2s'
as $$
declare
  v_booking booking.bookings;
  v_item    uuid;
  v_tried   uuid[] := '{}';
  v_wait    boolean := false;
begin
  select * into v_booking from booking.bookings b where b.id = p_booking_id for update;
  if not found or (p_guest_id is not null and v_booking.guest_id <> p_guest_id) then
    raise exception using errcode = 'BK006', message = 'This booking does not exist.';
  end if;
  if v_booking.status = 'expired' or (v_booking.status = 'pending' and v_booking.hold_expires_at <= now()) then
    raise exception using errcode = 'BK005', message = 'The hold on this booking has expired.';
  end if;
  if v_booking.status <> all (array['pending', 'confirmed']::booking.booking_status[]) then
    raise exception using errcode = 'BK008',
      message = pg_catalog.format('A %s booking cannot get a room.', v_booking.status);
  end if;
  if v_booking.item_id is not null then
    return v_booking.item_id;
  end if;

  loop
    -- First pass skips items other assigners hold, so they spread over different items without
    -- waiting. Only when that finds nothing do we wait for held items: one may turn out free for us.
    -- Each candidate is tried in a subtransaction, so a rejected one is unlocked at once: an
    -- assigner never holds one item while waiting for another, and assigners cannot deadlock.
    v_item := null;
    begin
      if not v_wait then
        select i.id into v_item
          from booking.accommodation_items i
         where i.accommodation_id = v_booking.accommodation_id and i.active
           and i.id <> all (v_tried)
           and not exists (select 1 from booking.bookings o
                            where o.item_id = i.id and o.status in ('pending', 'confirmed')
                              and o.stay && v_booking.stay)
         order by i.label, i.id
         limit 1
           for update of i skip locked;
      else
        select i.id into v_item
          from booking.accommodation_items i
         where i.accommodation_id = v_booking.accommodation_id and i.active
           and i.id <> all (v_tried)
           and not exists (select 1 from booking.bookings o
                            where o.item_id = i.id and o.status in ('pending', 'confirmed')
                              and o.stay && v_booking.stay)
         order by i.label, i.id
         limit 1
           for update of i;
      end if;

      if v_item is not null then
        -- The candidate was chosen on this statement's snapshot; an assigner that held the item
        -- until just now may have given it to an overlapping stay. Re-check on a fresh snapshot.
        if exists (select 1 from booking.bookings o
                    where o.item_id = v_item and o.status in ('pending', 'confirmed')
                      and o.stay && v_booking.stay) then
          raise exception using errcode = 'BKR01', message = 'item taken meanwhile';
        end if;
        update booking.bookings set item_id = v_item, updated_at = now() where id = v_booking.id;
        insert into booking.booking_events (booking_id, accommodation_id, event, detail)
        values (v_booking.id, v_booking.accommodation_id, 'item_assigned', pg_catalog.jsonb_build_object('item_id', v_item));
        return v_item;
      end if;
    exception when sqlstate 'BKR01' then
      v_tried := v_tried || v_item;
      continue;
    end;

    if v_wait then
      raise exception using errcode = 'BK004',
        message = 'No room of this type is free for every night of this stay.';
    end if;
    v_wait := true;
  end loop;
end
$$;
comment on function public.assign_accommodation_item_atomically(uuid, text) is
  'Gives an active booking one item free for all its nights (FOR UPDATE SKIP LOCKED, then a re-check). '
  'Idempotent for an assigned booking. p_guest_id, when given, must own the booking. '
  'Errors: BK004 no free item, BK005 hold expired, BK006 not found, BK008 cancelled, 55P03 busy.';

-- ---------------------------------------------------------------------------------------------
-- Lifecycle: confirm, cancel, expire
-- ---------------------------------------------------------------------------------------------
create or replace function public.confirm_booking(p_booking_id uuid, p_guest_id text default null)
returns text
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '2s'
as $$
declare
  v_booking booking.bookings;
begin
  update booking.bookings b
     set status = 'confirmed', updated_at = now()
   where b.id = p_booking_id
     and (p_guest_id is null or b.guest_id = p_guest_id)
     and b.status = 'pending' and b.hold_expires_at > now()
  returning * into v_booking;
  if found then
    insert into booking.booking_events (booking_id, accommodation_id, event)
    values (v_booking.id, v_booking.accommodation_id, 'confirmed');
    return 'confirmed';
  end if;

  select * into v_booking from booking.bookings b where b.id = p_booking_id;
  if not found or (p_guest_id is not null and v_booking.guest_id <> p_guest_id) then
    raise exception using errcode = 'BK006', message = 'This booking does not exist.';
  end if;
  case v_booking.status
    when 'confirmed' then
      return 'confirmed';
    when 'cancelled' then
      raise exception using errcode = 'BK008', message = 'This booking was cancelled and cannot be confirmed.';
    else
      -- expired, or pending past its expiry: a payment for it must be refunded or re-booked, never dropped
      raise exception using errcode = 'BK005',
        message = pg_catalog.format('The hold on this booking expired at %s; book again.',
                                    to_char(v_booking.hold_expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
  end case;
end
$$;
comment on function public.confirm_booking(uuid, text) is
  'Confirms a pending hold before it expires. Idempotent for a confirmed booking. '
  'Errors: BK005 hold expired, BK006 not found, BK008 cancelled.';

create or replace function public.cancel_booking(p_booking_id uuid, p_guest_id text default null)
returns text
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '2s'
as $$
declare
  v_booking booking.bookings;
begin
  select * into v_booking from booking.bookings b where b.id = p_booking_id;
  if not found or (p_guest_id is not null and v_booking.guest_id <> p_guest_id) then
    raise exception using errcode = 'BK006', message = 'This booking does not exist.';
  end if;
  if v_booking.status in ('cancelled', 'expired') then
    return v_booking.status::text;
  end if;

  perform booking.lock_booking_nights(v_booking);
  if booking.release_bookings(array[p_booking_id], 'cancelled') = 1 then
    return 'cancelled';
  end if;
  -- someone else released it between our read and our lock
  select b.status::text from booking.bookings b where b.id = p_booking_id into v_booking.status;
  return v_booking.status::text;
end
$$;
comment on function public.cancel_booking(uuid, text) is
  'Cancels a booking and gives its nights back in the same transaction. Idempotent. Errors: BK006 not found.';

create or replace function public.expire_stale_holds(p_limit integer default 500)
returns integer
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '2s'
as $$
declare
  v_hold    booking.bookings;
  v_expired integer := 0;
begin
  -- Ordered by (accommodation, check-in): the night locks taken across iterations only ever grow
  -- in (accommodation, night) order, the same global order bookers use.
  for v_hold in
    select * from booking.bookings b
     where b.status = 'pending' and b.hold_expires_at <= now()
     order by b.accommodation_id, b.check_in
     limit greatest(p_limit, 1)
  loop
    perform booking.lock_booking_nights(v_hold);
    v_expired := v_expired + booking.release_bookings(array[v_hold.id], 'expired');
  end loop;
  return v_expired;
end
$$;
comment on function public.expire_stale_holds(integer) is
  'Marks up to p_limit pending holds past their expiry as expired and gives their nights back. Returns the count.';

-- ---------------------------------------------------------------------------------------------
-- get_booking: a booking as the API shows it (status 'expired' once a hold has run out).
-- ---------------------------------------------------------------------------------------------
create or replace function public.get_booking(p_booking_id uuid, p_guest_id text default null)
returns table (
  id               uuid,
  accommodation_id uuid,
  guest_id         text,
  check_in         date,
  check_out        date,
  guests           integer,
  status           text,
  hold_expires_at  timestamptz,
  item_id          uuid,
  created_at       timestamptz)
language sql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
  select b.id, b.accommodation_id, b.guest_id, b.check_in, b.check_out, b.guests,
         case when b.status = 'pending' and b.hold_expires_at <= now() then 'expired' else b.status::text end,
         b.hold_expires_at, b.item_id, b.created_at
    from booking.bookings b
   where b.id = p_booking_id
     and (p_guest_id is null or b.guest_id = p_guest_id)
$$;
comment on function public.get_booking(uuid, text) is
  'One booking; with p_guest_id, only when that guest owns it (no row otherwise).';

-- ---------------------------------------------------------------------------------------------
-- create_booking_returning: create_booking_with_atomic_lock and get_booking in one round trip, for the
-- HTTP layer. Two statements on purpose: the second one's fresh snapshot sees the row the first inserted
-- (a single statement wrapping both would read the booking table as it was before the insert).
-- ---------------------------------------------------------------------------------------------
create or replace function public.create_booking_returning(
  p_accommodation_id uuid,
  p_guest_id         text,
  p_check_in         date,
  p_check_out        date,
  p_guests           integer  default 1,
  p_hold_ttl         interval default interval '15 minutes',
  p_status           text     default 'pending',
  p_idempotency_key  text     default null)
returns table (
  id               uuid,
  accommodation_id uuid,
  guest_id         text,
  check_in         date,
  check_out        date,
  guests           integer,
  status           text,
  hold_expires_at  timestamptz,
  item_id          uuid,
  created_at       timestamptz)
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
declare
  v_id uuid;
begin
  v_id := public.create_booking_with_atomic_lock(p_accommodation_id, p_guest_id, p_check_in, p_check_out,
                                                 p_guests, p_hold_ttl, p_status, p_idempotency_key);
  return query select * from public.get_booking(v_id, p_guest_id);
end
$$;
comment on function public.create_booking_returning(uuid, text, date, date, integer, interval, text, text) is
  'create_booking_with_atomic_lock, answering with the booking row (as get_booking) instead of its id. Same errors.';

-- ---------------------------------------------------------------------------------------------
-- check_for_double_bookings: the audit, recomputed from the bookings table itself.
-- ---------------------------------------------------------------------------------------------
create or replace function public.check_for_double_bookings()
returns table (
  issue            text,
  accommodation_id uuid,
  night            date,
  item_id          uuid,
  booking_ids      uuid[],
  booked           integer,
  capacity         integer,
  recorded         integer)
language sql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
  with active as (
    select b.id, b.accommodation_id, b.check_in, b.check_out, b.stay, b.item_id
      from booking.bookings b
     where b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > now())
  ), active_nights as (
    select a.accommodation_id, a.check_in + i as night, array_agg(a.id order by a.id) as ids, count(*)::integer as booked
      from active a
     cross join lateral pg_catalog.generate_series(0, a.check_out - a.check_in - 1) as i
     group by 1, 2
  ), held_nights as (
    -- what the counters must say: every pending or confirmed booking until it is released
    select b.accommodation_id, b.check_in + i as night, count(*)::integer as held
      from booking.bookings b
      join booking.accommodations acc on acc.id = b.accommodation_id and acc.total_inventory is not null
     cross join lateral pg_catalog.generate_series(0, b.check_out - b.check_in - 1) as i
     where b.status in ('pending', 'confirmed')
     group by 1, 2
  )
  select 'oversold_night', n.accommodation_id, n.night, null::uuid, n.ids, n.booked, acc.total_inventory, null::integer
    from active_nights n
    join booking.accommodations acc on acc.id = n.accommodation_id
   where acc.total_inventory is not null and n.booked > acc.total_inventory
  union all
  select 'item_double_assigned', x.accommodation_id, greatest(x.check_in, y.check_in), x.item_id,
         array[x.id, y.id], 2, null::integer, null::integer
    from active x
    join active y on y.item_id = x.item_id and x.id < y.id and x.stay && y.stay
  union all
  select 'counter_drift', coalesce(h.accommodation_id, ni.accommodation_id), coalesce(h.night, ni.night), null::uuid,
         null::uuid[], coalesce(h.held, 0), null::integer, coalesce(ni.reserved, 0)
    from held_nights h
    full join booking.night_inventory ni on ni.accommodation_id = h.accommodation_id and ni.night = h.night
   where coalesce(h.held, 0) <> coalesce(ni.reserved, 0)
  order by 1, 2, 3
$$;
comment on function public.check_for_double_bookings() is
  'Audit. oversold_night: active bookings on a night exceed capacity (booking_ids = that night''s bookings). '
  'item_double_assigned: two active bookings with overlapping stays share an item. counter_drift: a night '
  'counter (recorded) differs from the pending+confirmed bookings on it (booked). Empty when healthy.';

-- Every function runs as booking_owner, never as the migrating (often super) user.
alter function booking.assert_valid_stay(date, date) owner to booking_owner;
alter function booking.assert_bookable_window(date) owner to booking_owner;
alter function booking.ensure_nights(uuid, date, date) owner to booking_owner;
alter function booking.lock_nights(uuid, date, date) owner to booking_owner;
alter function booking.raise_fully_booked(integer, date) owner to booking_owner;
alter function booking.release_bookings(uuid[], booking.booking_status) owner to booking_owner;
alter function booking.lock_booking_nights(booking.bookings) owner to booking_owner;
alter function public.create_booking_with_atomic_lock(uuid, text, date, date, integer, interval, text, text) owner to booking_owner;
alter function public.create_booking_returning(uuid, text, date, date, integer, interval, text, text) owner to booking_owner;
alter function public.check_availability_with_lock(uuid, date, date) owner to booking_owner;
alter function public.assign_accommodation_item_atomically(uuid, text) owner to booking_owner;
alter function public.confirm_booking(uuid, text) owner to booking_owner;
alter function public.cancel_booking(uuid, text) owner to booking_owner;
alter function public.expire_stale_holds(integer) owner to booking_owner;
alter function public.get_booking(uuid, text) owner to booking_owner;
alter function public.check_for_double_bookings() owner to booking_owner;
