-- =============================================================================================
-- 202611300601_booking_paths_groups
-- The booking paths learn groups and replays (issue 13), on top of 202611300504:
--   * create_bookings books groups (requests with the same p_groups number): all rooms or none, one guest and one
--     idempotency key (booking_groups), a refusal that names the room type; each row also says its group_id and
--     whether it is a replay of an earlier call (replayed); with booking.placing = 'on' (create_booking_group) it
--     books rooms of accommodations a room of which retires later and places them;
--   * create_booking_with_atomic_lock marks a replay in the transaction-local setting booking.replayed, which
--     create_booking_returning reports (202611300602);
--   * the placing path's last step is one helper (booking.place_accommodation), shared with late confirmations.
-- Same lock order as every path (202611300501).
-- =============================================================================================

-- ---------------------------------------------------------------------------------------------
-- Helpers of create_bookings' groups and of the placing path
-- ---------------------------------------------------------------------------------------------
-- The first refusal of a group's member is the whole group's: every member gets its code and message, and its cause:
-- the room type whose room was refused, which create_bookings names in a refusal about that room's nights, window or
-- occupancy ("Harbour View Double: All 12 rooms are taken on 2026-12-24."). Called after each refusing step, so the
-- messages stay raw here and the name is added once, to the answer. Requests outside groups keep theirs.
create or replace function booking.group_refusals(
  p_units integer[], p_groups integer[], p_codes text[], p_messages text[], p_names text[], p_causes text[],
  out codes text[], out messages text[], out causes text[])
language plpgsql
immutable
as $$
declare
  v_code  text[];
  v_msg   text[];
  v_cause text[];
  i       integer;
  u       integer;
begin
  codes := p_codes;
  messages := p_messages;
  causes := p_causes;
  if p_groups is null then
    return;
  end if;
  v_code := array_fill(null::text, array[cardinality(p_codes)]);
  v_msg := v_code;
  v_cause := v_code;
  for i in 1 .. cardinality(p_codes) loop
    u := p_units[i];
    if p_groups[i] is not null and p_codes[i] is not null and v_code[u] is null then
      v_code[u] := p_codes[i];
      v_msg[u] := p_messages[i];
      v_cause[u] := coalesce(p_causes[i], p_names[i]);
    end if;
  end loop;
  for i in 1 .. cardinality(p_codes) loop
    if p_groups[i] is not null and v_code[p_units[i]] is not null then
      codes[i] := v_code[p_units[i]];
      messages[i] := v_msg[p_units[i]];
      causes[i] := v_cause[p_units[i]];
    end if;
  end loop;
end
$$;

-- The ids of the requests not refused (null where a code is set).
create or replace function booking.without_refused(p_ids uuid[], p_codes text[])
returns uuid[]
language sql
immutable
as $$
  select array_agg(case when c.code is null then c.id end order by c.ord)
    from unnest(p_ids, p_codes) with ordinality as c(id, code, ord)
$$;

-- A group key that booked before: the group, and its bookings matched to the requests of unit p_unit (by accommodation,
-- stay and guests), aligned with the request arrays; booking_ids is null when the rooms asked are not the rooms booked.
create or replace function booking.replay_group(
  p_guest_id text, p_idempotency_key text, p_units integer[], p_unit integer,
  p_accommodation_ids uuid[], p_check_ins date[], p_check_outs date[], p_guests integer[],
  out group_id uuid, out booking_ids uuid[])
language plpgsql
stable
as $$
declare
  v_asked  integer[];
  v_booked uuid[];
  i        integer;
begin
  select g.id into group_id from booking.booking_groups g where g.guest_id = p_guest_id and g.idempotency_key = p_idempotency_key;
  select array_agg(r.ord::integer order by r.acc, r.cin, r.cout, r.guests, r.ord) into v_asked
    from unnest(p_units, p_accommodation_ids, p_check_ins, p_check_outs, p_guests) with ordinality as r(unit, acc, cin, cout, guests, ord)
   where r.unit = p_unit;
  select array_agg(b.id order by b.accommodation_id, b.check_in, b.check_out, b.guests, b.id) into v_booked
    from booking.bookings b
   where b.group_id = replay_group.group_id;
  if cardinality(v_asked) is distinct from cardinality(v_booked) then
    return;
  end if;
  booking_ids := array_fill(null::uuid, array[cardinality(p_units)]);
  for i in 1 .. cardinality(v_asked) loop
    if not exists (select 1 from booking.bookings b
                    where b.id = v_booked[i] and b.accommodation_id = p_accommodation_ids[v_asked[i]]
                      and b.check_in = p_check_ins[v_asked[i]] and b.check_out = p_check_outs[v_asked[i]]
                      and b.guests = p_guests[v_asked[i]]) then
      booking_ids := null;
      return;
    end if;
    booking_ids[v_asked[i]] := v_booked[i];
  end loop;
end
$$;

-- The placing path's last step for one accommodation (a room of it retires on a future date): every active stay from
-- today on gets a room, moving the stays that have not started where needed, or BK022. The caller holds the
-- accommodation row (FOR UPDATE) and the night locks; this takes the bookings (by id) and then the rooms.
create or replace function booking.place_accommodation(p_accommodation_id uuid)
returns void
language plpgsql
as $$
declare
  v_today    date;
  v_ids      uuid[];
  v_old      uuid[];
  v_new      uuid[];
  v_unplaced uuid[];
  v_now      timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
begin
  select booking.property_today(a.time_zone) into v_today from booking.accommodations a where a.id = p_accommodation_id;
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
         array_agg(p.booking_id) filter (where p.item is null)
    into v_ids, v_old, v_new, v_unplaced
    from booking.plan_rooms(p_accommodation_id, v_today, v_today, 'infinity') p;
  if v_unplaced is not null then
    raise exception using errcode = 'BK022',
      message = 'No single room is free for every night of this stay: try other dates or split the stay.',
      hint = pg_catalog.jsonb_build_object('bookings', booking.unplaced_json(v_unplaced))::text;
  end if;
  perform booking.write_rooms(v_ids, v_old, v_new, 'placed_at_booking');
end
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
      -- create_booking_returning tells its caller "this is a replay" (transaction-local)
      perform pg_catalog.set_config('booking.replayed', 'on', true);
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
  perform booking.place_accommodation(p_accommodation_id);
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
         -- "+ 0": not an index condition, so the generic plan finds the stale holds in bookings_pending_by_accommodation
         -- (accommodation, expiry) and never in bookings_live_by_check_out, which on a hot property's analyzed table
         -- reads every live booking ending after the check-in (pgbench, 40k holds on one property: 73 ms → 0.1 ms)
         and b.check_in < p_check_out and b.check_out + 0 > p_check_in) s on a.total_inventory is not null
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
    -- create_booking_returning tells its caller "this is a replay" (transaction-local)
    perform pg_catalog.set_config('booking.replayed', 'on', true);
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
-- create_bookings: the batched form, used by the HTTP hosts' BookingBatcher. Per request the same checks and
-- errors as the single call. Requests with the same p_groups number form one group (issue 13): all its rooms or
-- none, one guest and one idempotency key for the group (kept in booking.booking_groups), the first refusal of a
-- member is the whole group's (its message names the room type). A request that is not in a group is a group of
-- one. All night rows of the batch are locked in one ascending sweep and the groups are granted greedily in the
-- order of their first request, so a batch never sells a night twice and groups never deadlock.
-- BKR02 ("book this request alone") answers a request, or a whole group, on an accommodation a room of which
-- retires on a future date: the placing path locks the accommodation row first, which a batch holding night locks
-- cannot; the HTTP hosts' batcher resends it alone (create_booking_returning / create_booking_group). Called with the
-- transaction-local setting booking.placing = 'on' (create_booking_group does, after locking those accommodations)
-- such requests are booked here and placed in rooms at once (BK022 when no packing places them: the call fails).
-- Output adds group_id and replayed (the request's key, or its group's, had booked before: this is that booking).
-- ---------------------------------------------------------------------------------------------
drop function if exists public.create_bookings(uuid[], text[], date[], date[], integer[], text[], interval, text);

create or replace function public.create_bookings(
  p_accommodation_ids uuid[],
  p_guest_ids         text[],
  p_check_ins         date[],
  p_check_outs        date[],
  p_guests            integer[],
  p_idempotency_keys  text[],
  p_hold_ttl          interval  default interval '15 minutes',
  p_status            text      default 'pending',
  p_groups            integer[] default null)
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
  created_at       timestamptz,
  group_id         uuid,
  replayed         boolean)
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '2s'
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_now        timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_n          integer := coalesce(cardinality(p_accommodation_ids), 0);
  v_placing    boolean := coalesce(pg_catalog.current_setting('booking.placing', true), '') = 'on';
  v_unit       integer[];   -- per request: its group (the lowest ordinal of its members); itself when alone
  v_code       text[];
  v_msg        text[];
  v_ids        uuid[];
  v_cap        integer[];
  v_name       text[];
  v_cause      text[];      -- per request of a refused group: the room type whose room was refused
  v_gid        uuid[];      -- per request: its group's row (booking_groups.id)
  v_replay     boolean[];
  v_known      uuid[];
  v_known_cap  integer[];
  v_known_max  integer[];
  v_known_day  date[];
  v_known_name text[];
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
  v_try        integer[];
  v_rejected   uuid[] := '{}';
  v_new_groups uuid[] := '{}';
  v_group_id   uuid;
  v_twin       integer[];   -- per request: the unit of the same group sent earlier in this call
  v_twin_unit  integer;
  v_mine       integer[];
  v_theirs     integer[];
  v_found      booking.bookings;
  v_problem    record;
  v_text       text;
  v_first      date;
  v_why        text;
  v_ok         boolean;
  v_group      record;
  v_placed     record;
  i integer;
  j integer;
  k integer;
  m integer;
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
     or cardinality(p_idempotency_keys) is distinct from v_n
     or (p_groups is not null and cardinality(p_groups) is distinct from v_n) then
    raise exception using errcode = 'BK009', message = 'Every request array must have the same length.';
  end if;
  v_code := array_fill(null::text, array[v_n]);
  v_msg  := v_code;
  v_name := v_code;
  v_cause := v_code;
  v_twin := array_fill(null::integer, array[v_n]);
  v_ids  := array_fill(null::uuid, array[v_n]);
  v_gid  := v_ids;
  v_cap  := array_fill(null::integer, array[v_n]);
  v_replay := array_fill(false, array[v_n]);
  -- a request's unit: the first request of its group, or itself
  select array_agg(u.unit order by u.ord) into v_unit
    from (select r.ord, case when r.grp is null then r.ord::integer
                             else min(r.ord) over (partition by r.grp)::integer end as unit
            from unnest(coalesce(p_groups, array_fill(null::integer, array[v_n]))) with ordinality as r(grp, ord)) u;

  select array_agg(a.id), array_agg(a.total_inventory), array_agg(a.max_guests), array_agg(booking.property_today(a.time_zone)),
         array_agg(a.name)
    into v_known, v_known_cap, v_known_max, v_known_day, v_known_name
    from booking.accommodations a where a.id = any (p_accommodation_ids);

  for i in 1 .. v_n loop
    if v_unit[i] <> i then
      -- a group shares one guest and one key (the group's), and has at most 20 rooms
      if p_guest_ids[i] is distinct from p_guest_ids[v_unit[i]]
         or p_idempotency_keys[i] is distinct from p_idempotency_keys[v_unit[i]] then
        v_code[v_unit[i]] := 'BK009';
        v_msg[v_unit[i]] := 'The rooms of a group share one guest and one idempotency key.';
      end if;
    end if;
    if p_groups is not null and p_groups[i] is not null and i = v_unit[i]
       and (select count(*) from unnest(v_unit) u where u = i) > 20 then
      v_code[i] := 'BK009';
      v_msg[i] := 'A group books 1 to 20 rooms.';
    end if;
    continue when v_code[i] is not null;
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
    v_name[i] := v_known_name[j];
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
  if p_groups is not null then -- without groups it changes nothing: no statement per step on the hot path
    select r.codes, r.messages, r.causes into v_code, v_msg, v_cause from booking.group_refusals(v_unit, p_groups, v_code, v_msg, v_name, v_cause) r;
  end if;
  v_ids := booking.without_refused(v_ids, v_code);

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
         and b.check_in < r.cout and b.check_out + 0 > r.cin -- "+ 0": see create_booking_with_atomic_lock
      offset 0) s
   where r.id is not null and r.cap is not null;
  if v_placing then
    -- placing: every stale hold of those accommodations from today on is released (it may keep a room the plan needs)
    select array_agg(distinct x.id) into v_stale
      from (select unnest(v_stale) as id
            union
            select b.id
              from unnest(v_ids, p_accommodation_ids, v_place) as r(id, acc, place)
              join booking.accommodations a on a.id = r.acc
              join booking.bookings b on b.accommodation_id = r.acc
             where r.id is not null and r.place and b.status = 'pending' and b.hold_expires_at <= v_now
               and b.check_out > booking.property_today(a.time_zone)) x;
  end if;

  j := 0;
  for i in 1 .. v_n loop
    continue when v_ids[i] is null or v_cap[i] is null;
    if v_place[i] and not v_placing then
      v_code[i] := 'BKR02';
      v_msg[i] := 'Book this request alone (create_booking_with_atomic_lock, or create_booking_group for a group): a room of this accommodation retires on a future date.';
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
  end loop;
  if p_groups is not null then -- without groups it changes nothing: no statement per step on the hot path
    select r.codes, r.messages, r.causes into v_code, v_msg, v_cause from booking.group_refusals(v_unit, p_groups, v_code, v_msg, v_name, v_cause) r;
  end if;
  v_ids := booking.without_refused(v_ids, v_code);
  for i in 1 .. v_n loop
    if v_ids[i] is not null and v_cap[i] is not null then
      j := j + coalesce(v_missing[i], 0);
    end if;
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
  if p_groups is not null then -- without groups it changes nothing: no statement per step on the hot path
    select r.codes, r.messages, r.causes into v_code, v_msg, v_cause from booking.group_refusals(v_unit, p_groups, v_code, v_msg, v_name, v_cause) r;
  end if;
  v_ids := booking.without_refused(v_ids, v_code);

  -- Groups: one row each, its key the group's. A key that booked a group before: that group is the answer (a replay)
  -- when its rooms are the same request, else BK007; no booking of this group is written.
  for v_group in
    select u.unit, p_guest_ids[u.unit] as guest, p_idempotency_keys[u.unit] as idem, count(*)::integer as rooms
      from unnest(v_unit, v_ids) with ordinality as u(unit, id, ord)
     where p_groups is not null and p_groups[u.ord] is not null and u.id is not null
     group by u.unit
     order by p_guest_ids[u.unit], p_idempotency_keys[u.unit]
  loop
    insert into booking.booking_groups (guest_id, idempotency_key, rooms, created_at)
    values (v_group.guest, v_group.idem, v_group.rooms, v_now)
    on conflict (guest_id, idempotency_key) where idempotency_key is not null do nothing
    returning booking_groups.id into v_group_id;
    if v_group_id is null
       and (select g.id from booking.booking_groups g where g.guest_id = v_group.guest and g.idempotency_key = v_group.idem)
           = any (v_new_groups) then
      -- the same key twice in this call: its twin decides (below, once the twin's answer is known)
      select u.unit into v_twin_unit
        from unnest(v_unit, v_gid) as u(unit, gid)
       where u.gid = (select g.id from booking.booking_groups g where g.guest_id = v_group.guest and g.idempotency_key = v_group.idem)
       limit 1;
      for i in 1 .. v_n loop
        if v_unit[i] = v_group.unit then
          v_twin[i] := v_twin_unit;
          v_ids[i] := null;
        end if;
      end loop;
    elsif v_group_id is null then
      select * into v_placed from booking.replay_group(v_group.guest, v_group.idem, v_unit, v_group.unit,
                                                       p_accommodation_ids, p_check_ins, p_check_outs, p_guests);
      for i in 1 .. v_n loop
        continue when v_unit[i] <> v_group.unit;
        v_gid[i] := v_placed.group_id;
        if v_placed.booking_ids is null then
          v_code[i] := 'BK007';
          v_msg[i] := 'This idempotency key was already used for a different booking request.';
          v_ids[i] := null;
        else
          v_ids[i] := v_placed.booking_ids[i];
          v_replay[i] := true;
        end if;
      end loop;
    else
      v_new_groups := v_new_groups || v_group_id;
      for i in 1 .. v_n loop
        if v_unit[i] = v_group.unit then
          v_gid[i] := v_group_id;
        end if;
      end loop;
    end if;
  end loop;

  -- Rows first, night locks after: the locks are then held only for the decision, the counters and the commit.
  -- Keys in (guest, key) order, so two batches replaying the same keys wait in one order. A group's bookings carry
  -- its id and no key of their own.
  with inserted as (
    insert into booking.bookings
      (id, accommodation_id, guest_id, check_in, check_out, guests, status, hold_expires_at, idempotency_key, group_id,
       created_at, updated_at)
    select r.id, r.acc, r.guest, r.cin, r.cout, r.guests, p_status::booking.booking_status,
           case when p_status = 'pending' then v_now + p_hold_ttl end, case when r.gid is null then r.idem end, r.gid,
           v_now, v_now
      from unnest(v_ids, p_accommodation_ids, p_guest_ids, p_check_ins, p_check_outs, p_guests, p_idempotency_keys, v_gid, v_replay)
             as r(id, acc, guest, cin, cout, guests, idem, gid, replay)
     where r.id is not null and not r.replay
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
    end if;
  end loop;
  if p_groups is not null then -- without groups it changes nothing: no statement per step on the hot path
    select r.codes, r.messages, r.causes into v_code, v_msg, v_cause from booking.group_refusals(v_unit, p_groups, v_code, v_msg, v_name, v_cause) r;
  end if;

  -- Every night row the new bookings and the stale holds cover, sorted and distinct, then locked in that
  -- (accommodation, night) order. Joined from an array, the lock query probes the primary key per night once
  -- the table is large, and reads the whole (small) table otherwise.
  -- Without stale holds (the usual case) bookings is not read at all: this function's plans are generic and
  -- cached per session, so a pooled connection that planned while bookings was small would otherwise scan the
  -- whole table on every call for an empty v_stale (bench W1: 3.8 ms and 960 pages per call after 30 s).
  if v_stale is null then
    select array_agg(k.acc order by k.acc, k.night), array_agg(k.night order by k.acc, k.night)
      into v_lock_acc, v_night
      from (select distinct r.acc, r.cin + g as night
              from unnest(v_ids, p_accommodation_ids, p_check_ins, p_check_outs, v_cap, v_code) as r(id, acc, cin, cout, cap, code)
             cross join lateral pg_catalog.generate_series(0, r.cout - r.cin - 1) as g
             where r.id = any (v_inserted) and r.cap is not null and r.code is null) k;
  else
    select array_agg(k.acc order by k.acc, k.night), array_agg(k.night order by k.acc, k.night)
      into v_lock_acc, v_night
      from (select r.acc, r.cin + g as night
              from unnest(v_ids, p_accommodation_ids, p_check_ins, p_check_outs, v_cap, v_code) as r(id, acc, cin, cout, cap, code)
             cross join lateral pg_catalog.generate_series(0, r.cout - r.cin - 1) as g
             where r.id = any (v_inserted) and r.cap is not null and r.code is null
            union
            select b.accommodation_id, b.check_in + g
              from unnest(v_stale) as s(id)
              join booking.bookings b on b.id = s.id
             cross join lateral pg_catalog.generate_series(0, b.check_out - b.check_in - 1) as g) k;
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

  -- Greedy in the order of the groups' first requests: a group gets its rooms when every night of every one of its
  -- rooms is open and still has one, counting the rooms of the group before it.
  if v_key is not null then
    v_delta := array_fill(0, array[cardinality(v_key)]);
    for m in 1 .. v_n loop
      continue when v_unit[m] <> m;
      v_try := v_delta;
      v_ok := true;
      for i in m .. v_n loop
        continue when v_unit[i] <> m or v_ids[i] is null or v_cap[i] is null or not (v_ids[i] = any (v_inserted))
                   or v_code[i] is not null;
        j := array_position(v_key, p_accommodation_ids[i]::text || p_check_ins[i]::text);
        k := j + (p_check_outs[i] - p_check_ins[i]) - 1;
        if j is null or v_night[k] is distinct from p_check_outs[i] - 1 then
          raise exception 'night rows of booking % are not all locked', v_ids[i];
        end if;
        v_first := null;
        for j in j .. k loop
          if v_placen[j] and not v_placing then
            v_why := 'place';
          elsif v_closedn[j] then
            v_why := 'closed';
          elsif v_reserved[j] + v_try[j] >= v_capn[j] then
            v_why := 'full';
          else
            continue;
          end if;
          v_first := v_night[j];
          exit;
        end loop;
        if v_first is null then
          for j in k - (p_check_outs[i] - p_check_ins[i]) + 1 .. k loop
            v_try[j] := v_try[j] + 1;
          end loop;
        else
          v_ok := false;
          if v_why = 'place' then
            v_code[i] := 'BKR02';
            v_msg[i] := 'Book this request alone (create_booking_with_atomic_lock, or create_booking_group for a group): a room of this accommodation retires on a future date.';
          elsif v_why = 'closed' then
            v_code[i] := 'BK021';
            v_msg[i] := booking.closed_message(v_first);
          else
            v_code[i] := 'BK001';
            v_msg[i] := booking.fully_booked_message(v_capn[j], v_first);
          end if;
          exit;
        end if;
      end loop;
      if v_ok then
        v_delta := v_try;
      end if;
    end loop;
    if p_groups is not null then -- without groups it changes nothing: no statement per step on the hot path
      select r.codes, r.messages, r.causes into v_code, v_msg, v_cause from booking.group_refusals(v_unit, p_groups, v_code, v_msg, v_name, v_cause) r;
    end if;

    update booking.night_inventory n
       set reserved = n.reserved + d.delta
      from unnest(v_tid, v_delta) as d(tid, delta)
     where d.delta > 0 and n.ctid = d.tid;
  end if;

  -- the inserted rows of refused requests (and groups) go again, and so do the rows of groups this call refused
  select coalesce(array_agg(r.id), '{}') into v_rejected
    from unnest(v_ids, v_code) as r(id, code)
   where r.code is not null and r.id = any (v_inserted);
  if cardinality(v_rejected) > 0 then
    delete from booking.bookings b where b.id = any (v_rejected);
  end if;
  -- a group this call created and then refused goes too (a refusal is every member's, so no booking points at it)
  if cardinality(v_new_groups) > 0 then
    delete from booking.booking_groups g
     where g.id = any (select r.gid from unnest(v_gid, v_code) as r(gid, code)
                        where r.code is not null and r.gid = any (v_new_groups));
  end if;

  -- placing: the new bookings of accommodations a room of which retires later get their rooms now
  if v_placing then
    for v_placed in
      select distinct r.acc
        from unnest(v_ids, p_accommodation_ids, v_place, v_code) as r(id, acc, place, code)
       where r.id = any (v_inserted) and r.place and r.code is null
       order by r.acc
    loop
      perform booking.place_accommodation(v_placed.acc);
    end loop;
  end if;

  insert into booking.booking_events (booking_id, accommodation_id, event, detail)
  select r.id, r.acc, 'created',
         case when r.gid is null then pg_catalog.jsonb_build_object('status', p_status)
              else pg_catalog.jsonb_build_object('status', p_status, 'group_id', r.gid) end
    from unnest(v_ids, p_accommodation_ids, v_code, v_gid) as r(id, acc, code, gid)
   where r.id = any (v_inserted) and r.code is null;

  -- Replays of single requests: the key was taken, by an earlier call (return its booking) or earlier in this batch.
  for i in 1 .. v_n loop
    continue when v_ids[i] is null or v_code[i] is not null or v_ids[i] = any (v_inserted) or v_replay[i] or v_gid[i] is not null;
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
      -- booked by an earlier call, or by its twin earlier in this batch: either way not by this request
      v_replay[i] := true;
    end if;
  end loop;

  -- Groups sent twice in this call: the copy gets its twin's answer (the same rooms in any order), as a replay when
  -- the twin was booked; other rooms under the same key are BK007.
  for v_group in
    select distinct t.unit, t.twin from unnest(v_unit, v_twin) as t(unit, twin) where t.twin is not null
  loop
    select array_agg(x.ord order by x.acc, x.cin, x.cout, x.guests, x.ord) into v_mine
      from unnest(v_unit, p_accommodation_ids, p_check_ins, p_check_outs, p_guests) with ordinality as x(unit, acc, cin, cout, guests, ord)
     where x.unit = v_group.unit;
    select array_agg(x.ord order by x.acc, x.cin, x.cout, x.guests, x.ord) into v_theirs
      from unnest(v_unit, p_accommodation_ids, p_check_ins, p_check_outs, p_guests) with ordinality as x(unit, acc, cin, cout, guests, ord)
     where x.unit = v_group.twin;
    v_ok := cardinality(v_mine) = cardinality(v_theirs);
    if v_ok then
      for k in 1 .. cardinality(v_mine) loop
        v_ok := v_ok and (p_accommodation_ids[v_mine[k]], p_check_ins[v_mine[k]], p_check_outs[v_mine[k]], p_guests[v_mine[k]])
                         = (p_accommodation_ids[v_theirs[k]], p_check_ins[v_theirs[k]], p_check_outs[v_theirs[k]], p_guests[v_theirs[k]]);
      end loop;
    end if;
    for k in 1 .. cardinality(v_mine) loop
      if v_ok then
        v_code[v_mine[k]] := v_code[v_theirs[k]];
        v_msg[v_mine[k]] := v_msg[v_theirs[k]];
        v_cause[v_mine[k]] := v_cause[v_theirs[k]];
        v_ids[v_mine[k]] := v_ids[v_theirs[k]];
        v_replay[v_mine[k]] := v_code[v_theirs[k]] is null;
      else
        v_code[v_mine[k]] := 'BK007';
        v_msg[v_mine[k]] := 'This idempotency key was already used for a different booking request.';
      end if;
    end loop;
  end loop;

  -- a fresh snapshot: it sees the rows this call inserted
  return query
    select r.ord::integer, r.code,
           case when r.cause is not null and r.code in ('BK001', 'BK003', 'BK021', 'BK022', 'BK024')
                then r.cause || ': ' || r.msg else r.msg end,
           b.id, b.accommodation_id, b.guest_id, b.check_in, b.check_out, b.guests,
           -- as get_booking shows it: a replayed hold that has run out is expired
           case when b.status = 'pending' and b.hold_expires_at <= pg_catalog.clock_timestamp() then 'expired' else b.status::text end,
           b.hold_expires_at, b.item_id, b.created_at, b.group_id, r.replay
      from unnest(v_ids, v_code, v_msg, v_replay, v_cause) with ordinality as r(id, code, msg, replay, cause, ord)
      left join lateral (select * from booking.bookings b where r.code is null and b.id = r.id offset 0) b on true
     order by r.ord;
end
$$;

alter function booking.group_refusals(integer[], integer[], text[], text[], text[], text[]) owner to booking_owner;
alter function booking.without_refused(uuid[], text[]) owner to booking_owner;
alter function booking.replay_group(text, text, integer[], integer, uuid[], date[], date[], integer[]) owner to booking_owner;
alter function booking.place_accommodation(uuid) owner to booking_owner;
alter function booking.create_booking_placed(uuid, text, date, date, integer, interval, text, text) owner to booking_owner;
alter function public.create_booking_with_atomic_lock(uuid, text, date, date, integer, interval, text, text) owner to booking_owner;
alter function public.create_bookings(uuid[], text[], date[], date[], integer[], text[], interval, text, integer[]) owner to booking_owner;

revoke execute on all functions in schema booking from public, booking_app;
revoke execute on function public.create_bookings(uuid[], text[], date[], date[], integer[], text[], interval, text, integer[]) from public;
grant execute on function public.create_bookings(uuid[], text[], date[], date[], integer[], text[], interval, text, integer[]) to booking_app;

comment on function public.create_bookings(uuid[], text[], date[], date[], integer[], text[], interval, text, integer[]) is
  'create_booking_with_atomic_lock for many requests in one transaction: one row per request (ordinal = its '
  'position), either the booking (error_code null) or the SQLSTATE and message the single call would raise; '
  'BKR02 = send this request alone. Requests with the same p_groups number are one group: all rooms or none, one '
  'guest and one idempotency key (booking_groups). Groups are granted in the order of their first request. '
  'replayed: the booking was made by an earlier call with that key. Only a failure of the whole call (55P03 busy) raises.';
