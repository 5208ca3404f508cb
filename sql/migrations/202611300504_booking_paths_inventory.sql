-- =============================================================================================
-- 202611300504_booking_paths_inventory
-- The booking paths learn the inventory operations of 202611300501..0503:
--   * a night row's own capacity / closed / placement decide, on the row the booker has locked (BK001 full,
--     BK021 closed; a placement night sends the booking through create_booking_placed);
--   * "in the past" and the two-year window are judged on the property's calendar (its time zone);
--   * guests above the room type's maxGuests are refused (BK024);
--   * assignment releases the stale holds in its way and, when no room is free for the whole stay, re-packs the
--     stays that have not started (booking.assign_by_repacking), so an accepted booking always gets a room;
--   * the audit also reports nights over the rooms in service, rooms used while out of service, and night
--     settings that drifted from the accommodation, its rooms and its closures.
-- Same lock order as every path (202611300501): accommodation row -> nights -> bookings -> items.
-- =============================================================================================

-- The first reason a booking request is malformed, or (null, null). The bookable window is no longer checked here:
-- it needs the accommodation's time zone (booking.window_problem, after the accommodation is read).
create or replace function booking.request_problem(
  p_guest_id text, p_check_in date, p_check_out date, p_guests integer, p_idempotency_key text,
  p_status text, p_hold_ttl interval, out code text, out message text)
language plpgsql
stable
as $$
begin
  begin
    perform booking.assert_valid_stay(p_check_in, p_check_out);
  exception when sqlstate 'BK003' then
    get stacked diagnostics message = message_text;
    code := 'BK003';
    return;
  end;
  code := 'BK009';
  if p_guest_id is null or length(p_guest_id) not between 1 and 200 then
    message := 'A guest id of 1 to 200 characters is required.';
  elsif p_guests is null or p_guests not between 1 and 50 then
    message := 'Guests must be between 1 and 50.';
  elsif p_status is null or p_status not in ('pending', 'confirmed') then
    message := 'A new booking is either pending or confirmed.';
  elsif p_status = 'pending' and (p_hold_ttl is null or p_hold_ttl <= interval '0' or p_hold_ttl > interval '1 day') then
    message := 'A hold lasts more than 0 seconds and at most 1 day.';
  elsif p_idempotency_key is not null and length(p_idempotency_key) not between 1 and 200 then
    message := 'An idempotency key has 1 to 200 characters.';
  else
    code := null;
  end if;
end
$$;

-- The bookable window on the property's calendar: arrivals from its today up to two years ahead.
create or replace function booking.window_problem(p_check_in date, p_today date)
returns text
language sql
immutable
as $$
  select case
           when p_check_in < p_today then
             pg_catalog.format('Check-in %s is in the past (it is %s at the property).', p_check_in, p_today)
           when p_check_in > p_today + 730 then
             pg_catalog.format('Check-in %s is more than two years ahead.', p_check_in)
         end
$$;

-- Whether a room of the accommodation retires after p_today: the placement flag of a night row not written yet.
create or replace function booking.rooms_retire_after(p_accommodation_id uuid, p_today date)
returns boolean
language sql
stable
as $$
  select exists (select 1 from booking.accommodation_items i
                  where i.accommodation_id = p_accommodation_id and i.active and i.retired_from > p_today)
$$;

create or replace function booking.closed_message(p_night date)
returns text
language sql
immutable
as $$
  select pg_catalog.format('This accommodation is closed on %s: no new bookings that night.', p_night)
$$;

create or replace function booking.too_many_guests_message(p_max_guests integer)
returns text
language sql
immutable
as $$
  select case p_max_guests when 1 then 'A room of this type sleeps one guest.'
         else pg_catalog.format('A room of this type sleeps at most %s guests.', p_max_guests) end
$$;

-- The first night of [p_check_in, p_check_out) an unlimited accommodation is closed on, or null.
create or replace function booking.first_closed_night(p_accommodation_id uuid, p_check_in date, p_check_out date)
returns date
language sql
stable
as $$
  select min(greatest(lower(c.nights), p_check_in))
    from booking.closures c
   where c.accommodation_id = p_accommodation_id and c.nights && daterange(p_check_in, p_check_out, '[)')
$$;

-- ---------------------------------------------------------------------------------------------
-- create_booking_placed: the booking path while a room of the accommodation retires on a future date. Per-night
-- counts then no longer promise a room, so the booking gets its room in the same transaction, re-packing the
-- stays that have not started, or is refused (BK022). The accommodation row is locked first, so bookings of such
-- an accommodation take turns; arguments were validated by the caller.
-- ---------------------------------------------------------------------------------------------
create or replace function booking.create_booking_placed(
  p_accommodation_id uuid, p_guest_id text, p_check_in date, p_check_out date, p_guests integer,
  p_hold_ttl interval, p_status text, p_idempotency_key text)
returns uuid
language plpgsql
as $$
declare
  v_now timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_acc       booking.accommodations;
  v_today     date;
  v_existing  booking.bookings;
  v_night     record;
  v_id        uuid;
  v_item      uuid;
  v_ids       uuid[];
  v_old       uuid[];
  v_new       uuid[];
  v_unplaced  uuid[];
  v_problem   text;
begin
  select * into v_acc from booking.accommodations a where a.id = p_accommodation_id for update;
  v_today := booking.property_today(v_acc.time_zone);
  v_problem := booking.window_problem(p_check_in, v_today);
  if v_problem is not null then
    raise exception using errcode = 'BK003', message = v_problem;
  end if;

  if p_idempotency_key is not null then
    select * into v_existing from booking.bookings b
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

  perform booking.ensure_nights(p_accommodation_id, p_check_in, p_check_out);
  perform booking.lock_nights_from(p_accommodation_id, v_today - 365);
  perform booking.release_stale_holds_from(p_accommodation_id, v_today);
  select min(n.night) filter (where n.closed) as closed_night,
         min(n.night) filter (where n.reserved >= n.capacity) as full_night
    into v_night
    from booking.night_inventory n
   where n.accommodation_id = p_accommodation_id and n.night >= p_check_in and n.night < p_check_out;
  if v_night.closed_night is not null
     and (v_night.full_night is null or v_night.closed_night <= v_night.full_night) then
    raise exception using errcode = 'BK021', message = booking.closed_message(v_night.closed_night);
  end if;
  if v_night.full_night is not null then
    perform booking.raise_fully_booked(
      (select n.capacity from booking.night_inventory n
        where n.accommodation_id = p_accommodation_id and n.night = v_night.full_night), v_night.full_night);
  end if;

  insert into booking.bookings
    (accommodation_id, guest_id, check_in, check_out, guests, status, hold_expires_at, idempotency_key, created_at, updated_at)
  values
    (p_accommodation_id, p_guest_id, p_check_in, p_check_out, p_guests, p_status::booking.booking_status,
     case when p_status = 'pending' then v_now + p_hold_ttl end, p_idempotency_key, v_now, v_now)
  returning id into v_id;
  insert into booking.booking_events (booking_id, accommodation_id, event, detail)
  values (v_id, p_accommodation_id, 'created', pg_catalog.jsonb_build_object('status', p_status, 'placed', true));
  update booking.night_inventory n
     set reserved = n.reserved + 1
   where n.accommodation_id = p_accommodation_id and n.night >= p_check_in and n.night < p_check_out;

  -- bookings, then rooms; then one plan for every stay from today on, written whole (first assignments too)
  perform 1 from booking.bookings b
   where b.accommodation_id = p_accommodation_id
     and (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > v_now))
     and b.check_out > v_today
   order by b.id
     for update;
  perform 1 from booking.accommodation_items i where i.accommodation_id = p_accommodation_id order by i.id for update;
  select array_agg(p.booking_id) filter (where p.item is distinct from p.current_item and p.item is not null),
         array_agg(p.current_item) filter (where p.item is distinct from p.current_item and p.item is not null),
         array_agg(p.item) filter (where p.item is distinct from p.current_item and p.item is not null),
         (array_agg(p.item) filter (where p.booking_id = v_id))[1],
         array_agg(p.booking_id) filter (where p.item is null)
    into v_ids, v_old, v_new, v_item, v_unplaced
    from booking.plan_rooms(p_accommodation_id, v_today, v_today, 'infinity') p;
  if v_item is null or v_unplaced is not null then
    raise exception using errcode = 'BK022',
      message = 'No single room is free for every night of this stay: try other dates or split the stay.';
  end if;
  perform booking.write_rooms(v_ids, v_old, v_new, 'placed_at_booking');
  return v_id;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- create_booking_with_atomic_lock: same contract and statement count, per-night settings on the locked rows.
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
  v_now timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_nights       integer;
  v_capacity     integer;
  v_max_guests   integer;
  v_today        date;
  v_rows         integer;
  v_existing     booking.bookings;
  v_stale        uuid[];
  v_lock_from    date;
  v_lock_to      date;
  v_full_night   date;
  v_closed_night date;
  v_placement    boolean;
  v_taken        integer;
  v_tids         tid[];
  v_id           uuid;
  v_problem      record;
  v_text         text;
begin
  -- READ COMMITTED or nothing: see booking.raise_not_read_committed
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
  -- The common case is checked inline (a nested call costs more than the check); request_problem words the
  -- error when something is off. Nothing is computed from the dates before they are known to be finite.
  if p_check_in is null or p_check_out is null or not pg_catalog.isfinite(p_check_in)
     or not pg_catalog.isfinite(p_check_out) or p_check_out <= p_check_in or p_check_out - p_check_in > 365
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
  v_nights := p_check_out - p_check_in;

  -- One snapshot answers: the accommodation and its calendar, the stale holds on these nights (released below
  -- under the night locks), the first full and the first closed night, whether a room of it retires on a future
  -- date (placement), and whether all night rows exist yet.
  select a.total_inventory, a.max_guests, booking.property_today(a.time_zone),
         s.ids, least(p_check_in, s.first_in), greatest(p_check_out, s.last_out),
         f.full_night, f.closed_night, f.placement, f.nights
    into v_capacity, v_max_guests, v_today, v_stale, v_lock_from, v_lock_to,
         v_full_night, v_closed_night, v_placement, v_rows
    from booking.accommodations a
    left join lateral (
      select array_agg(b.id) as ids, min(b.check_in) as first_in, max(b.check_out) as last_out
        from booking.bookings b
       where b.accommodation_id = a.id
         and b.status = 'pending' and b.hold_expires_at <= v_now
         and b.check_in < p_check_out and b.check_out > p_check_in) s on a.total_inventory is not null
    left join lateral (
      select count(*)::integer as nights,
             min(n.night) filter (where n.reserved >= n.capacity) as full_night,
             min(n.night) filter (where n.closed) as closed_night,
             coalesce(bool_or(n.placement), false) as placement
        from booking.night_inventory n
       where n.accommodation_id = a.id and n.night >= p_check_in and n.night < p_check_out) f on a.total_inventory is not null
   where a.id = p_accommodation_id;
  if not found then
    raise exception using errcode = 'BK002', message = 'This accommodation does not exist.';
  end if;
  v_text := booking.window_problem(p_check_in, v_today);
  if v_text is not null then
    raise exception using errcode = 'BK003', message = v_text;
  end if;
  if p_guests > v_max_guests then
    raise exception using errcode = 'BK024', message = booking.too_many_guests_message(v_max_guests);
  end if;

  if v_capacity is not null and v_rows < v_nights and not v_placement then
    -- nights without a row yet: their placement flag is still to be computed, from the rooms
    v_placement := booking.rooms_retire_after(p_accommodation_id, v_today);
  end if;

  if v_capacity is null then
    -- Unlimited: no night rows. The KEY SHARE lock orders this booking with a closure or a switch to a limited
    -- capacity (they lock the row FOR UPDATE first).
    perform 1 from booking.accommodations a where a.id = p_accommodation_id for key share;
  elsif v_placement then
    return booking.create_booking_placed(p_accommodation_id, p_guest_id, p_check_in, p_check_out, p_guests,
                                         p_hold_ttl, p_status, p_idempotency_key);
  else
    -- A night closed or full in a committed snapshot stays so until an inventory change or a release, which this
    -- read would see: refuse without writing. A keyed request goes on, so that a replay still finds its booking.
    if v_stale is null and p_idempotency_key is null and (v_full_night is not null or v_closed_night is not null) then
      if v_closed_night is not null and (v_full_night is null or v_closed_night <= v_full_night) then
        raise exception using errcode = 'BK021', message = booking.closed_message(v_closed_night);
      end if;
      perform booking.raise_fully_booked(
        (select n.capacity from booking.night_inventory n
          where n.accommodation_id = p_accommodation_id and n.night = v_full_night), v_full_night);
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
      (accommodation_id, guest_id, check_in, check_out, guests, status, hold_expires_at, idempotency_key, created_at, updated_at)
    values
      (p_accommodation_id, p_guest_id, p_check_in, p_check_out, p_guests, p_status::booking.booking_status,
       case when p_status = 'pending' then v_now + p_hold_ttl end, p_idempotency_key, v_now, v_now)
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

  if v_capacity is null then
    v_closed_night := booking.first_closed_night(p_accommodation_id, p_check_in, p_check_out);
    if v_closed_night is not null then
      raise exception using errcode = 'BK021', message = booking.closed_message(v_closed_night);
    end if;
    return v_id;
  end if;

  if v_stale is not null then
    perform booking.lock_nights(p_accommodation_id, v_lock_from, v_lock_to);
    perform booking.release_bookings(v_stale, 'expired');
  end if;
  if v_nights = 1 then
    -- one row: the UPDATE takes its lock and re-checks the night on the newest row version
    update booking.night_inventory n
       set reserved = n.reserved + 1
     where n.accommodation_id = p_accommodation_id and n.night = p_check_in
       and n.reserved < n.capacity and not n.closed and not n.placement;
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
     where n.ctid = any (v_tids) and n.reserved < n.capacity and not n.closed and not n.placement;
    get diagnostics v_taken = row_count;
  end if;
  if v_taken < v_nights then
    select min(n.night) filter (where n.reserved >= n.capacity), min(n.night) filter (where n.closed),
           coalesce(bool_or(n.placement), false)
      into v_full_night, v_closed_night, v_placement
      from booking.night_inventory n
     where n.accommodation_id = p_accommodation_id and n.night >= p_check_in and n.night < p_check_out;
    if v_placement then
      -- a room retirement committed while we waited for the nights: book again, on the placing path
      raise exception using errcode = '40001',
        message = 'The rooms of this accommodation changed during the booking; retry.';
    end if;
    if v_closed_night is not null and (v_full_night is null or v_closed_night <= v_full_night) then
      raise exception using errcode = 'BK021', message = booking.closed_message(v_closed_night);
    end if;
    perform booking.raise_fully_booked(
      (select n.capacity from booking.night_inventory n
        where n.accommodation_id = p_accommodation_id and n.night = v_full_night), v_full_night);
  end if;

  return v_id;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- create_bookings: the batched form. Per request the same checks and errors as the single call, plus BKR02
-- ("book this request alone") for a request on an accommodation a room of which retires on a future date: the
-- placing path locks the accommodation row first, which a batch cannot do once it holds night locks. The
-- HTTP hosts' batcher resends such a request with create_booking_with_atomic_lock.
-- ---------------------------------------------------------------------------------------------
create or replace function public.create_bookings(
  p_accommodation_ids uuid[],
  p_guest_ids         text[],
  p_check_ins         date[],
  p_check_outs        date[],
  p_guests            integer[],
  p_idempotency_keys  text[],
  p_hold_ttl          interval default interval '15 minutes',
  p_status            text     default 'pending')
returns table (
  ordinal          integer,
  error_code       text,
  error_message    text,
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
set lock_timeout = '2s'
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_now timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_n          integer := coalesce(cardinality(p_accommodation_ids), 0);
  v_code       text[];
  v_msg        text[];
  v_ids        uuid[];
  v_cap        integer[];
  v_known      uuid[];
  v_known_cap  integer[];
  v_known_max  integer[];
  v_known_day  date[];
  v_missing    integer[];
  v_full       date[];
  v_closed     date[];
  v_place      boolean[];
  v_stale      uuid[];
  v_inserted   uuid[];
  v_key        text[];
  v_night      date[];
  v_reserved   integer[];
  v_capn       integer[];
  v_closedn    boolean[];
  v_placen     boolean[];
  v_lock_acc   uuid[];
  v_tid        tid[];
  v_delta      integer[];
  v_rejected   uuid[] := '{}';
  v_found      booking.bookings;
  v_problem    record;
  v_text       text;
  v_first      date;
  v_why        text;
  i integer;
  j integer;
  k integer;
begin
  -- READ COMMITTED or nothing: see booking.raise_not_read_committed
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
  if v_n = 0 then
    return;
  end if;
  if cardinality(p_guest_ids) is distinct from v_n or cardinality(p_check_ins) is distinct from v_n
     or cardinality(p_check_outs) is distinct from v_n or cardinality(p_guests) is distinct from v_n
     or cardinality(p_idempotency_keys) is distinct from v_n then
    raise exception using errcode = 'BK009', message = 'Every request array must have the same length.';
  end if;
  v_code := array_fill(null::text, array[v_n]);
  v_msg  := v_code;
  v_ids  := array_fill(null::uuid, array[v_n]);
  v_cap  := array_fill(null::integer, array[v_n]);

  select array_agg(a.id), array_agg(a.total_inventory), array_agg(a.max_guests), array_agg(booking.property_today(a.time_zone))
    into v_known, v_known_cap, v_known_max, v_known_day
    from booking.accommodations a where a.id = any (p_accommodation_ids);

  for i in 1 .. v_n loop
    if p_check_ins[i] is null or p_check_outs[i] is null or not pg_catalog.isfinite(p_check_ins[i])
       or not pg_catalog.isfinite(p_check_outs[i]) or p_check_outs[i] <= p_check_ins[i]
       or p_check_outs[i] - p_check_ins[i] > 365
       or p_guest_ids[i] is null or length(p_guest_ids[i]) not between 1 and 200
       or p_guests[i] is null or p_guests[i] not between 1 and 50
       or (p_idempotency_keys[i] is not null and length(p_idempotency_keys[i]) not between 1 and 200)
       or p_status is null or p_status not in ('pending', 'confirmed')
       or (p_status = 'pending' and (p_hold_ttl is null or p_hold_ttl <= interval '0' or p_hold_ttl > interval '1 day')) then
      select * into v_problem from booking.request_problem(p_guest_ids[i], p_check_ins[i], p_check_outs[i], p_guests[i],
                                                           p_idempotency_keys[i], p_status, p_hold_ttl);
      if v_problem.code is not null then
        v_code[i] := v_problem.code;
        v_msg[i] := v_problem.message;
        continue;
      end if;
    end if;
    j := array_position(v_known, p_accommodation_ids[i]);
    if j is null then
      v_code[i] := 'BK002';
      v_msg[i] := 'This accommodation does not exist.';
      continue;
    end if;
    v_text := booking.window_problem(p_check_ins[i], v_known_day[j]);
    if v_text is not null then
      v_code[i] := 'BK003';
      v_msg[i] := v_text;
      continue;
    end if;
    if p_guests[i] > v_known_max[j] then
      v_code[i] := 'BK024';
      v_msg[i] := booking.too_many_guests_message(v_known_max[j]);
      continue;
    end if;
    v_cap[i] := v_known_cap[j];
    v_ids[i] := gen_random_uuid();
  end loop;

  -- One snapshot: per request, how many night rows are missing, the first full and the first closed night, and
  -- whether a night sends it to the placing path; and the stale holds on any requested night (released below,
  -- under the night locks). The per-request lookups are LATERAL subqueries that cannot be flattened (aggregate,
  -- offset 0), so each is an index range scan whatever the generic plan guesses about the arrays' length.
  select array_agg(x.missing order by x.ord), array_agg(x.full_night order by x.ord),
         array_agg(x.closed_night order by x.ord), array_agg(x.placement order by x.ord)
    into v_missing, v_full, v_closed, v_place
    from (select r.ord,
                 case when r.id is null or r.cap is null then 0 else (r.cout - r.cin) - f.nights end as missing,
                 f.full_night, f.closed_night, f.placement
            from unnest(v_ids, p_accommodation_ids, p_check_ins, p_check_outs, v_cap) with ordinality as r(id, acc, cin, cout, cap, ord)
            cross join lateral (
              select count(*)::integer as nights,
                     min(n.night) filter (where n.reserved >= n.capacity) as full_night,
                     min(n.night) filter (where n.closed) as closed_night,
                     coalesce(bool_or(n.placement), false) as placement
                from booking.night_inventory n
               where r.id is not null and r.cap is not null
                 and n.accommodation_id = r.acc and n.night >= r.cin and n.night < r.cout) f) x;
  -- nights without a row yet: their placement flag is still to be computed, from the rooms
  for i in 1 .. v_n loop
    if v_ids[i] is not null and v_cap[i] is not null and v_missing[i] > 0 and not v_place[i] then
      v_place[i] := booking.rooms_retire_after(p_accommodation_ids[i],
                                               v_known_day[array_position(v_known, p_accommodation_ids[i])]);
    end if;
  end loop;
  select array_agg(distinct s.id) into v_stale
    from unnest(v_ids, p_accommodation_ids, p_check_ins, p_check_outs, v_cap) as r(id, acc, cin, cout, cap)
    cross join lateral (
      select b.id
        from booking.bookings b
       where b.accommodation_id = r.acc and b.status = 'pending' and b.hold_expires_at <= v_now
         and b.check_in < r.cout and b.check_out > r.cin
      offset 0) s
   where r.id is not null and r.cap is not null;

  j := 0;
  for i in 1 .. v_n loop
    continue when v_ids[i] is null or v_cap[i] is null;
    if v_place[i] then
      v_code[i] := 'BKR02';
      v_msg[i] := 'Book this request alone (create_booking_with_atomic_lock): a room of this accommodation retires on a future date.';
      v_ids[i] := null;
      continue;
    end if;
    -- A night seen full or closed in a committed snapshot stays so until a release or an inventory change; without
    -- a stale hold to release, refuse now without writing. (Keyed requests go on: a replay must find its booking.)
    if (v_full[i] is not null or v_closed[i] is not null) and v_stale is null and p_idempotency_keys[i] is null then
      if v_closed[i] is not null and (v_full[i] is null or v_closed[i] <= v_full[i]) then
        v_code[i] := 'BK021';
        v_msg[i] := booking.closed_message(v_closed[i]);
      else
        v_code[i] := 'BK001';
        v_msg[i] := booking.fully_booked_message(
          (select n.capacity from booking.night_inventory n
            where n.accommodation_id = p_accommodation_ids[i] and n.night = v_full[i]), v_full[i]);
      end if;
      v_ids[i] := null;
      continue;
    end if;
    j := j + coalesce(v_missing[i], 0);
  end loop;

  -- Accommodation rows first (the head of the lock order), in id order, in one statement: KEY SHARE on every
  -- unlimited accommodation of the batch (orders it with a closure or a capacity switch) and on every limited one
  -- whose missing night rows this call creates (their settings must be the committed ones).
  perform 1
     from booking.accommodations a
    where a.id in (select r.acc
                     from unnest(v_ids, p_accommodation_ids, v_cap, v_missing) as r(id, acc, cap, missing)
                    where r.id is not null and (r.cap is null or r.missing > 0))
    order by a.id
      for key share;
  if j > 0 then
    -- before any night lock is held: an insert meeting another booker's new night row waits for that booker
    insert into booking.night_inventory (accommodation_id, night, capacity, closed, placement)
    select distinct on (r.acc, s.night) r.acc, s.night, s.capacity, s.closed, s.placement
      from unnest(v_ids, p_accommodation_ids, p_check_ins, p_check_outs, v_cap, v_missing) as r(id, acc, cin, cout, cap, missing)
     cross join lateral booking.night_settings(r.acc, r.cin, r.cout) s
     where r.id is not null and r.cap is not null and r.missing > 0
     order by r.acc, s.night
    on conflict do nothing;
  end if;

  -- Unlimited accommodations have no night rows: a closure is read from the closures (under the KEY SHARE lock).
  for i in 1 .. v_n loop
    continue when v_ids[i] is null or v_cap[i] is not null;
    v_first := booking.first_closed_night(p_accommodation_ids[i], p_check_ins[i], p_check_outs[i]);
    if v_first is not null and p_idempotency_keys[i] is null then
      v_code[i] := 'BK021';
      v_msg[i] := booking.closed_message(v_first);
      v_ids[i] := null;
    end if;
  end loop;

  -- Rows first, night locks after: the locks are then held only for the decision, the counters and the commit.
  -- Keys in (guest, key) order, so two batches replaying the same keys wait in one order.
  with inserted as (
    insert into booking.bookings
      (id, accommodation_id, guest_id, check_in, check_out, guests, status, hold_expires_at, idempotency_key, created_at, updated_at)
    select r.id, r.acc, r.guest, r.cin, r.cout, r.guests, p_status::booking.booking_status,
           case when p_status = 'pending' then v_now + p_hold_ttl end, r.idem, v_now, v_now
      from unnest(v_ids, p_accommodation_ids, p_guest_ids, p_check_ins, p_check_outs, p_guests, p_idempotency_keys)
             as r(id, acc, guest, cin, cout, guests, idem)
     where r.id is not null
     order by r.guest, r.idem
    on conflict (guest_id, idempotency_key) where idempotency_key is not null do nothing
    returning id
  )
  select coalesce(array_agg(inserted.id), '{}') into v_inserted from inserted;

  -- A keyed request on a closed night of an unlimited accommodation that is not a replay: refused now.
  for i in 1 .. v_n loop
    continue when v_ids[i] is null or v_cap[i] is not null or not (v_ids[i] = any (v_inserted));
    v_first := booking.first_closed_night(p_accommodation_ids[i], p_check_ins[i], p_check_outs[i]);
    if v_first is not null then
      v_code[i] := 'BK021';
      v_msg[i] := booking.closed_message(v_first);
      v_rejected := v_rejected || v_ids[i];
    end if;
  end loop;

  -- Every night row the new bookings and the stale holds cover, sorted and distinct, then locked in that
  -- (accommodation, night) order. Joined from an array, the lock query probes the primary key per night once
  -- the table is large, and reads the whole (small) table otherwise.
  if v_stale is null then
    select array_agg(k.acc order by k.acc, k.night), array_agg(k.night order by k.acc, k.night)
      into v_lock_acc, v_night
      from (select distinct r.acc, r.cin + g as night
              from unnest(v_ids, p_accommodation_ids, p_check_ins, p_check_outs, v_cap) as r(id, acc, cin, cout, cap)
             cross join lateral pg_catalog.generate_series(0, r.cout - r.cin - 1) as g
             where r.id = any (v_inserted) and r.cap is not null) k;
  else
    select array_agg(k.acc order by k.acc, k.night), array_agg(k.night order by k.acc, k.night)
      into v_lock_acc, v_night
      from (select r.acc, r.cin + g as night
              from unnest(v_ids, p_accommodation_ids, p_check_ins, p_check_outs, v_cap) as r(id, acc, cin, cout, cap)
             cross join lateral pg_catalog.generate_series(0, r.cout - r.cin - 1) as g
             where r.id = any (v_inserted) and r.cap is not null
            union
            select b.accommodation_id, b.check_in + g
              from booking.bookings b
             cross join lateral pg_catalog.generate_series(0, b.check_out - b.check_in - 1) as g
             where b.id = any (v_stale)) k;
  end if;
  -- The row addresses (ctid) of locked rows cannot change until this transaction ends: the counter update
  -- below finds its rows by address instead of searching again.
  select array_agg(l.acc::text || l.night::text), array_agg(l.reserved), array_agg(l.tid),
         array_agg(l.capacity), array_agg(l.closed), array_agg(l.placement)
    into v_key, v_reserved, v_tid, v_capn, v_closedn, v_placen
    from (select n.accommodation_id as acc, n.night, n.reserved, n.ctid as tid, n.capacity, n.closed, n.placement
            from booking.night_inventory n
            join unnest(v_lock_acc, v_night) as k(acc, night) on n.accommodation_id = k.acc and n.night = k.night
           order by n.accommodation_id, n.night
             for update of n) l;
  if cardinality(v_key) is distinct from cardinality(v_night) then
    raise exception 'not every night row of this batch exists';
  end if;

  if v_stale is not null then
    perform booking.release_bookings(v_stale, 'expired');
    -- released holds gave nights back (new row versions): read the counters and addresses again
    select array_agg(n.reserved order by n.accommodation_id, n.night), array_agg(n.ctid order by n.accommodation_id, n.night)
      into v_reserved, v_tid
      from booking.night_inventory n
      join unnest(v_lock_acc, v_night) as k(acc, night) on n.accommodation_id = k.acc and n.night = k.night;
  end if;

  -- Greedy in request order: a request gets its room when every one of its nights is open and still has one.
  if v_key is not null then
    v_delta := array_fill(0, array[cardinality(v_key)]);
    for i in 1 .. v_n loop
      continue when v_ids[i] is null or v_cap[i] is null or not (v_ids[i] = any (v_inserted));
      j := array_position(v_key, p_accommodation_ids[i]::text || p_check_ins[i]::text);
      k := j + (p_check_outs[i] - p_check_ins[i]) - 1;
      if j is null or v_night[k] is distinct from p_check_outs[i] - 1 then
        raise exception 'night rows of booking % are not all locked', v_ids[i];
      end if;
      v_first := null;
      for j in j .. k loop
        if v_placen[j] then
          v_why := 'place';
        elsif v_closedn[j] then
          v_why := 'closed';
        elsif v_reserved[j] + v_delta[j] >= v_capn[j] then
          v_why := 'full';
        else
          continue;
        end if;
        v_first := v_night[j];
        exit;
      end loop;
      if v_first is null then
        for j in k - (p_check_outs[i] - p_check_ins[i]) + 1 .. k loop
          v_delta[j] := v_delta[j] + 1;
        end loop;
      else
        if v_why = 'place' then
          v_code[i] := 'BKR02';
          v_msg[i] := 'Book this request alone (create_booking_with_atomic_lock): a room of this accommodation retires on a future date.';
        elsif v_why = 'closed' then
          v_code[i] := 'BK021';
          v_msg[i] := booking.closed_message(v_first);
        else
          v_code[i] := 'BK001';
          v_msg[i] := booking.fully_booked_message(v_capn[j], v_first);
        end if;
        v_rejected := v_rejected || v_ids[i];
      end if;
    end loop;

    update booking.night_inventory n
       set reserved = n.reserved + d.delta
      from unnest(v_tid, v_delta) as d(tid, delta)
     where d.delta > 0 and n.ctid = d.tid;
  end if;

  if cardinality(v_rejected) > 0 then
    delete from booking.bookings b where b.id = any (v_rejected);
  end if;
  insert into booking.booking_events (booking_id, accommodation_id, event, detail)
  select r.id, r.acc, 'created', pg_catalog.jsonb_build_object('status', p_status)
    from unnest(v_ids, p_accommodation_ids) as r(id, acc)
   where r.id = any (v_inserted) and not r.id = any (v_rejected);

  -- Replays: the key was taken, by an earlier call (return its booking) or earlier in this batch.
  for i in 1 .. v_n loop
    continue when v_ids[i] is null or v_ids[i] = any (v_inserted);
    select * into v_found from booking.bookings b
     where b.guest_id = p_guest_ids[i] and b.idempotency_key = p_idempotency_keys[i];
    if not found then
      -- its twin earlier in this batch was refused: so is this one
      for j in 1 .. i - 1 loop
        if p_guest_ids[j] = p_guest_ids[i] and p_idempotency_keys[j] = p_idempotency_keys[i] then
          v_code[i] := v_code[j];
          v_msg[i] := v_msg[j];
          exit;
        end if;
      end loop;
      v_ids[i] := null;
    elsif (v_found.accommodation_id, v_found.check_in, v_found.check_out, v_found.guests)
          is distinct from (p_accommodation_ids[i], p_check_ins[i], p_check_outs[i], p_guests[i]) then
      v_code[i] := 'BK007';
      v_msg[i] := 'This idempotency key was already used for a different booking request.';
      v_ids[i] := null;
    else
      v_ids[i] := v_found.id;
    end if;
  end loop;

  -- a fresh snapshot: it sees the rows this call inserted
  return query
    select r.ord::integer, r.code, r.msg, b.id, b.accommodation_id, b.guest_id, b.check_in, b.check_out, b.guests,
           b.status::text, b.hold_expires_at, b.item_id, b.created_at
      from unnest(v_ids, v_code, v_msg) with ordinality as r(id, code, msg, ord)
      left join lateral (select * from booking.bookings b where r.code is null and b.id = r.id offset 0) b on true
     order by r.ord;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- check_availability_many: per question, the rooms free on every night of the stay, each night by its own
-- capacity; a closed night counts as 0. Nights without a row (nothing booked yet) have what the accommodation
-- and its rooms give them; rooms in service never increase with the date, so the stay's last night bounds them.
-- Takes no lock and reads one snapshot per call.
-- ---------------------------------------------------------------------------------------------
create or replace function public.check_availability_many(
  p_accommodation_ids uuid[],
  p_check_ins         date[],
  p_check_outs        date[])
returns table (ordinal integer, available integer, error_code text, error_message text)
language plpgsql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_now timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_n    integer := coalesce(cardinality(p_accommodation_ids), 0);
  v_code text[];
  v_msg  text[];
  v_text text;
  i      integer;
begin
  if cardinality(p_check_ins) is distinct from v_n or cardinality(p_check_outs) is distinct from v_n then
    raise exception using errcode = 'BK009', message = 'Every request array must have the same length.';
  end if;
  if v_n = 0 then
    return;
  end if;
  v_code := array_fill(null::text, array[v_n]);
  v_msg := v_code;
  for i in 1 .. v_n loop
    if p_check_ins[i] is null or p_check_outs[i] is null or not pg_catalog.isfinite(p_check_ins[i])
       or not pg_catalog.isfinite(p_check_outs[i]) or p_check_outs[i] <= p_check_ins[i]
       or p_check_outs[i] - p_check_ins[i] > 365 then
      begin
        perform booking.assert_valid_stay(p_check_ins[i], p_check_outs[i]);
      exception when sqlstate 'BK003' then
        get stacked diagnostics v_text = message_text;
        v_code[i] := 'BK003';
        v_msg[i] := v_text;
      end;
    end if;
  end loop;

  -- LATERAL subqueries that cannot be flattened: index lookups whatever the generic plan guesses.
  return query
    select r.ord::integer,
           case when r.code is not null or a.id is null then null
                when a.total_inventory is null then
                  case when booking.first_closed_night(r.acc, r.cin, r.cout) is null then 9999 else 0 end
                else greatest(least(u.free,
                                    case when coalesce(u.nights, 0) < r.cout - r.cin
                                         then (select s.capacity from booking.night_settings(r.acc, r.cout - 1, r.cout) s) end), 0) end,
           coalesce(r.code, case when a.id is null then 'BK002' end),
           coalesce(r.msg, case when a.id is null then 'This accommodation does not exist.' end)
      from unnest(p_accommodation_ids, p_check_ins, p_check_outs, v_code, v_msg) with ordinality as r(acc, cin, cout, code, msg, ord)
      left join lateral (select a.id, a.total_inventory from booking.accommodations a where a.id = r.acc offset 0) a
        on r.code is null
      left join lateral (
        -- materialized: the expired holds are looked up once per question, not once per night
        with stale as materialized (
          select b.check_in, b.check_out
            from booking.bookings b
           where b.accommodation_id = r.acc and b.status = 'pending' and b.hold_expires_at <= v_now
             -- "+ 0": the stale holds come from bookings_pending_by_accommodation, never from
             -- bookings_live_by_check_out (every live booking ending after the check-in, on a hot property)
             and b.check_in < r.cout and b.check_out + 0 > r.cin)
        select min(case when n.closed then 0
                        else n.capacity - n.reserved
                             + (select count(*) from stale s where s.check_in <= n.night and s.check_out > n.night)::integer
                   end) as free,
               count(*)::integer as nights
          from booking.night_inventory n
         where n.accommodation_id = r.acc and n.night >= r.cin and n.night < r.cout) u
        on a.total_inventory is not null
     order by r.ord;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- assign_accommodation_item_atomically: first the easy way (a room free for the whole stay, FOR UPDATE SKIP
-- LOCKED, after releasing the stale holds that keep rooms in this stay); when there is none, re-pack the stays
-- that have not started (booking.assign_by_repacking). The easy way runs in a subtransaction that is rolled back
-- whole, its locks included, before the re-pack takes the accommodation row: the lock order holds on both ways.
-- ---------------------------------------------------------------------------------------------
create or replace function booking.assign_free_room(p_booking_id uuid, p_guest_id text)
returns uuid
language plpgsql
as $$
declare
  v_now timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_booking   booking.bookings;
  v_capacity  integer;
  v_stale     uuid[];
  v_lock_from date;
  v_lock_to   date;
  v_item      uuid;
  v_tried     uuid[] := '{}';
  v_wait      boolean := false;
begin
  select * into v_booking from booking.bookings b where b.id = p_booking_id;
  -- Stale holds keep their rooms (the exclusion constraint still sees them) until released: release the ones with
  -- a room in this stay, their nights first.
  select array_agg(b.id), min(b.check_in), max(b.check_out) into v_stale, v_lock_from, v_lock_to
    from booking.bookings b
   where b.accommodation_id = v_booking.accommodation_id
     and b.status = 'pending' and b.hold_expires_at <= v_now and b.item_id is not null
     and b.check_in < v_booking.check_out and b.check_out > v_booking.check_in and b.id <> p_booking_id;
  if v_stale is not null then
    select a.total_inventory into v_capacity from booking.accommodations a where a.id = v_booking.accommodation_id;
    if v_capacity is not null then
      perform booking.lock_nights(v_booking.accommodation_id, v_lock_from, v_lock_to);
    end if;
    perform booking.release_bookings(v_stale, 'expired');
  end if;

  select * into v_booking from booking.bookings b where b.id = p_booking_id for update;
  -- judged on the row version it has locked, by a fresh reading of the clock (it may have waited for the lock)
  if v_booking.status = 'expired' or (v_booking.status = 'pending' and v_booking.hold_expires_at <= pg_catalog.clock_timestamp()) then
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
    -- First pass skips rooms other assigners hold, so they spread over different rooms without waiting. Only
    -- when that finds nothing do we wait for held rooms: one may turn out free for us. Each candidate is tried in
    -- a subtransaction, so a rejected one is unlocked at once: an assigner never holds one room while waiting
    -- for another, and assigners cannot deadlock.
    v_item := null;
    begin
      if not v_wait then
        select i.id into v_item
          from booking.accommodation_items i
         where i.accommodation_id = v_booking.accommodation_id and i.active
           and (i.retired_from is null or i.retired_from >= v_booking.check_out)
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
           and (i.retired_from is null or i.retired_from >= v_booking.check_out)
           and i.id <> all (v_tried)
           and not exists (select 1 from booking.bookings o
                            where o.item_id = i.id and o.status in ('pending', 'confirmed')
                              and o.stay && v_booking.stay)
         order by i.label, i.id
         limit 1
           for update of i;
      end if;

      if v_item is not null then
        -- The candidate was chosen on this statement's snapshot; an assigner that held the room until just now
        -- may have given it to an overlapping stay. Re-check on a fresh snapshot.
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
  v_now timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_booking booking.bookings;
begin
  -- READ COMMITTED or nothing: see booking.raise_not_read_committed
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
  select * into v_booking from booking.bookings b where b.id = p_booking_id;
  if not found or (p_guest_id is not null and v_booking.guest_id <> p_guest_id) then
    raise exception using errcode = 'BK006', message = 'This booking does not exist.';
  end if;
  if v_booking.status = 'expired' or (v_booking.status = 'pending' and v_booking.hold_expires_at <= v_now) then
    raise exception using errcode = 'BK005', message = 'The hold on this booking has expired.';
  end if;
  if v_booking.status <> all (array['pending', 'confirmed']::booking.booking_status[]) then
    raise exception using errcode = 'BK008',
      message = pg_catalog.format('A %s booking cannot get a room.', v_booking.status);
  end if;

  begin
    return booking.assign_free_room(p_booking_id, p_guest_id);
  exception when sqlstate 'BK004' then
    null; -- rolled back, locks released: re-pack from the head of the lock order
  end;
  return booking.assign_by_repacking(p_booking_id);
end
$$;

-- ---------------------------------------------------------------------------------------------
-- check_for_double_bookings(p_from): 202611300102's audit (its scope, running sums and clock) with the inventory:
-- a night is over when its active bookings exceed the night row's own capacity (which keeps the capacity the night
-- had) or the rooms in service that night; a booking may not sit in a room retired during its stay; and a night row
-- from today on must say what the accommodation, its rooms and its closures say. Closures are not findings.
-- ---------------------------------------------------------------------------------------------
create or replace function public.check_for_double_bookings(p_from date default null)
returns table (
  issue            text,
  accommodation_id uuid,
  night            date,
  item_id          uuid,
  booking_ids      uuid[],
  booked           integer,
  capacity         integer,
  recorded         integer)
language plpgsql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
set plan_cache_mode = force_custom_plan
set jit = off
as $$
#variable_conflict use_column
declare
  -- one clock reading for the whole audit: a hold is active in every part of it or in none
  v_now  timestamptz := pg_catalog.clock_timestamp();
  v_from date := coalesce(p_from, '-infinity'::date);
begin
  return query
  with live as materialized (
    select b.id, b.accommodation_id, b.check_in, b.check_out, b.item_id,
           b.status = 'confirmed' or b.hold_expires_at > v_now as active
      from booking.bookings b
     where b.status in ('pending', 'confirmed') and b.check_out > v_from
  ), rooms as materialized (
    select i.accommodation_id, i.id, i.active, i.retired_from
      from booking.accommodation_items i
  ), counted as (
    -- the accommodations whose nights are counted: limited ones (capacity, counters) and any with rooms
    select acc.id, acc.total_inventory
      from booking.accommodations acc
     where acc.total_inventory is not null or exists (select 1 from rooms r where r.accommodation_id = acc.id)
  ), per_night as (
    -- per night what the counters must say (held: pending + confirmed) and what counts now (booked: stale holds
    -- excluded), by a running sum over check-in / check-out dates (see 202611300102)
    select s.accommodation_id, s.starts + i as night, s.held::integer as held, s.booked::integer as booked, s.capacity
      from (select d.accommodation_id, d.day as starts,
                   pg_catalog.lead(d.day) over w as ends,
                   sum(d.held) over w as held, sum(d.booked) over w as booked, d.capacity
              from (select e.accommodation_id, e.day, sum(e.held) as held, sum(e.booked) as booked, c.total_inventory as capacity
                      from (select l.accommodation_id, l.check_in as day, 1 as held, l.active::integer as booked from live l
                            union all
                            select l.accommodation_id, l.check_out, -1, -l.active::integer from live l) e
                      join counted c on c.id = e.accommodation_id
                     group by 1, 2, c.total_inventory) d
            window w as (partition by d.accommodation_id order by d.day)) s
     cross join lateral pg_catalog.generate_series(0, s.ends - s.starts - 1) as i
     where s.held > 0 and s.starts + i >= v_from
  ), limits as (
    select n.accommodation_id, n.night, n.held, n.booked, n.capacity is not null as limited,
           coalesce(ni.capacity, n.capacity) as capacity,
           case when exists (select 1 from rooms r where r.accommodation_id = n.accommodation_id)
                then (select count(*)::integer from rooms r
                       where r.accommodation_id = n.accommodation_id and r.active
                         and (r.retired_from is null or n.night < r.retired_from)) end as in_service
      from per_night n
      left join booking.night_inventory ni on ni.accommodation_id = n.accommodation_id and ni.night = n.night
  ), assigned as (
    select l.id, l.accommodation_id, l.item_id, l.check_in, l.check_out,
           max(l.check_out) over (partition by l.item_id order by l.check_in, l.id
                                  rows between unbounded preceding and 1 preceding) as earlier_out
      from live l
     where l.active and l.item_id is not null
  ), today as (
    select acc.id, greatest(booking.property_today(acc.time_zone), v_from) as from_night, acc.total_inventory
      from booking.accommodations acc
     where acc.total_inventory is not null
  )
  select 'oversold_night'::text, n.accommodation_id, n.night, null::uuid,
         (select array_agg(l.id order by l.id)
            from live l
           where l.active and l.accommodation_id = n.accommodation_id and l.check_in <= n.night and l.check_out > n.night),
         n.booked, n.capacity, null::integer
    from limits n
   where n.limited and n.booked > n.capacity
  union all
  select 'night_over_rooms'::text, n.accommodation_id, n.night, null::uuid,
         (select array_agg(l.id order by l.id)
            from live l
           where l.active and l.accommodation_id = n.accommodation_id and l.check_in <= n.night and l.check_out > n.night),
         n.booked, n.in_service, null::integer
    from limits n
   where n.booked > n.in_service
  union all
  select 'item_double_assigned'::text, y.accommodation_id, y.check_in, y.item_id,
         array[least(x.id, y.id), greatest(x.id, y.id)], 2, null::integer, null::integer
    from assigned y
    join assigned x on x.item_id = y.item_id and (x.check_in, x.id) < (y.check_in, y.id) and x.check_out > y.check_in
   where y.check_in < y.earlier_out
  union all
  -- a booking in a room that is out of service on one of its nights
  select 'item_out_of_service'::text, a.accommodation_id, greatest(a.check_in, coalesce(r.retired_from, a.check_in)), a.item_id,
         array[a.id], 1, null::integer, null::integer
    from assigned a
    join rooms r on r.id = a.item_id
   where not r.active or (r.retired_from is not null and r.retired_from < a.check_out)
  union all
  select 'counter_drift'::text, coalesce(h.accommodation_id, ni.accommodation_id), coalesce(h.night, ni.night), null::uuid,
         null::uuid[], coalesce(h.held, 0), null::integer, coalesce(ni.reserved, 0)
    from (select l.accommodation_id, l.night, l.held from limits l where l.limited) h
    full join (select n.accommodation_id, n.night, n.reserved
                 from booking.night_inventory n
                where n.night >= v_from) ni on ni.accommodation_id = h.accommodation_id and ni.night = h.night
   where coalesce(h.held, 0) <> coalesce(ni.reserved, 0)
  union all
  -- a night row from the property's today on whose capacity or closed flag disagrees with the accommodation, its rooms
  -- and its closures (booked = what it should say, recorded = what it says; -1 for a closed flag)
  select 'night_settings_drift'::text, x.accommodation_id, x.night, null::uuid, null::uuid[],
         case when x.expected_capacity <> x.capacity then x.expected_capacity else -1 end, null::integer,
         case when x.expected_capacity <> x.capacity then x.capacity else -1 end
    from (select ni.accommodation_id, ni.night, ni.capacity, ni.closed,
                 case when not exists (select 1 from rooms r where r.accommodation_id = ni.accommodation_id) then t.total_inventory
                      else least(t.total_inventory,
                                 (select count(*)::integer from rooms r
                                   where r.accommodation_id = ni.accommodation_id and r.active
                                     and (r.retired_from is null or ni.night < r.retired_from))) end as expected_capacity,
                 exists (select 1 from booking.closures c
                          where c.accommodation_id = ni.accommodation_id and c.nights @> ni.night) as expected_closed
            from booking.night_inventory ni
            join today t on t.id = ni.accommodation_id
           where ni.night >= t.from_night) x
   where x.expected_capacity <> x.capacity or x.expected_closed <> x.closed
  order by 1, 2, 3;
end
$$;
comment on function public.check_for_double_bookings(date) is
  'Audit, recomputed from the tables themselves. oversold_night: active bookings on a night exceed its capacity (the '
  'night row''s). night_over_rooms: more active bookings than rooms in service that night. item_double_assigned: two '
  'active bookings with overlapping stays share a room. item_out_of_service: an active booking in a room retired (or '
  'inactive) during its stay. counter_drift: a night counter (recorded) differs from the pending+confirmed bookings on '
  'it (booked). night_settings_drift: a night row from today on disagrees with the accommodation, its rooms and '
  'closures. Closures are not findings. Empty when healthy. p_from: only nights from it on; null = the whole history.';
