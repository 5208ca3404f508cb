-- =============================================================================================
-- 202611300502_inventory_helpers
-- Internal helpers of the inventory operations and of room assignment (schema booking: booking_app cannot
-- call them). Like the helpers of 202611250002 they carry no SET clause: they run only inside the API
-- functions, which pin search_path, and every name in them is schema-qualified.
--
-- The room guarantee (DESIGN.md §7): for an accommodation with rooms, every active booking can be given one
-- room in service for its whole stay. Per-night counts <= rooms in service promise it while no room retires
-- on a future date: process the stays that have not started by check-in, after the started ones (which never
-- move), and the first free room always fits (a stay starting on night s meets only rooms of stays that
-- contain s, fewer than the rooms in service on s). A future retirement breaks that argument, so while one is
-- pending every booking is given its room when it is made (night_inventory.placement).
-- =============================================================================================

-- The property's calendar date now. Nights are plain dates; "today" is the property's.
create or replace function booking.property_today(p_time_zone text)
returns date
language sql
stable
as $$
  select (pg_catalog.now() at time zone p_time_zone)::date
$$;

-- An IANA zone name PostgreSQL knows ('Europe/Berlin', 'UTC'), not an abbreviation or a POSIX offset string.
create or replace function booking.is_time_zone(p_name text)
returns boolean
language sql
stable
as $$
  select p_name is not null and length(p_name) between 1 and 64
     and (p_name = 'UTC' or p_name ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)+$')
     and exists (select 1 from pg_catalog.pg_timezone_names z where z.name = p_name)
$$;

-- What the night rows [p_from, p_to) of a limited accommodation must say, from the accommodation, its rooms and
-- its closures. p_item / p_item_retired_from answer "as if that room retired from that night (null: in service)",
-- so a retirement can be checked against the nights before the room's row is locked (items come last in the
-- lock order).
create or replace function booking.night_settings(
  p_accommodation_id uuid, p_from date, p_to date,
  p_item uuid default null, p_item_retired_from date default null)
returns table (night date, capacity integer, closed boolean, placement boolean)
language sql
stable
as $$
  with acc as (
    select a.total_inventory, booking.property_today(a.time_zone) as today
      from booking.accommodations a
     where a.id = p_accommodation_id
  ), rooms as (
    select i.active, case when i.id = p_item then p_item_retired_from else i.retired_from end as retired_from
      from booking.accommodation_items i
     where i.accommodation_id = p_accommodation_id
  ), tracked as (
    select count(*) > 0 as has_rooms,
           coalesce(bool_or(r.active and r.retired_from > acc.today), false) as retiring
      from rooms r, acc
  )
  select p_from + g,
         case when t.has_rooms
              then least(acc.total_inventory,
                         (select count(*)::integer from rooms r
                           where r.active and (r.retired_from is null or p_from + g < r.retired_from)))
              else acc.total_inventory end,
         exists (select 1 from booking.closures c
                  where c.accommodation_id = p_accommodation_id and c.nights @> (p_from + g)),
         t.retiring
    from acc, tracked t, pg_catalog.generate_series(0, p_to - p_from - 1) as g
$$;

-- Creates the missing night rows [p_from, p_to) of one limited accommodation, in ascending night order, before
-- the caller holds any night lock. The KEY SHARE lock on the accommodation row orders this with every inventory
-- change (they lock it FOR UPDATE first), so the settings written here are the committed ones.
create or replace function booking.ensure_nights(p_accommodation_id uuid, p_from date, p_to date)
returns void
language plpgsql
as $$
begin
  if (select count(*) from booking.night_inventory n
       where n.accommodation_id = p_accommodation_id and n.night >= p_from and n.night < p_to) < p_to - p_from then
    perform 1 from booking.accommodations a where a.id = p_accommodation_id for key share;
    insert into booking.night_inventory (accommodation_id, night, capacity, closed, placement)
    select p_accommodation_id, s.night, s.capacity, s.closed, s.placement
      from booking.night_settings(p_accommodation_id, p_from, p_to) s
     order by s.night
    on conflict do nothing;
  end if;
end
$$;

-- Locks every night row of the accommodation from p_from on, in night order (inventory changes, re-packing).
create or replace function booking.lock_nights_from(p_accommodation_id uuid, p_from date)
returns void
language plpgsql
as $$
begin
  perform 1
     from booking.night_inventory n
    where n.accommodation_id = p_accommodation_id and n.night >= p_from
    order by n.night
      for update;
end
$$;

-- Releases the stale holds (pending past their expiry) that still count on a night from p_today on. The caller
-- holds the night locks from p_today - 365 on (a stay is at most 365 nights), so every night they give back.
create or replace function booking.release_stale_holds_from(p_accommodation_id uuid, p_today date)
returns integer
language plpgsql
as $$
declare
  v_now timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_ids uuid[];
begin
  select array_agg(b.id order by b.id) into v_ids
    from booking.bookings b
   where b.accommodation_id = p_accommodation_id
     and b.status = 'pending' and b.hold_expires_at <= v_now
     and b.check_out > p_today;
  if v_ids is null then
    return 0;
  end if;
  return booking.release_bookings(v_ids, 'expired');
end
$$;

-- BK023 with the conflicts as JSON in HINT (clients such as Npgsql redact DETAIL by default): the HTTP layer
-- shows them to staff as they are.
create or replace function booking.raise_inventory_conflict(p_message text, p_conflicts jsonb)
returns void
language plpgsql
as $$
begin
  raise exception using errcode = 'BK023', message = p_message, hint = p_conflicts::text;
end
$$;

-- Rewrites capacity / closed / placement of the caller's locked night rows from p_from on, or refuses (BK023)
-- naming the nights whose bookings would no longer fit. Called after stale holds were released, so reserved is
-- exactly the pending and confirmed bookings of the night.
create or replace function booking.apply_night_settings(
  p_accommodation_id uuid, p_from date, p_what text,
  p_item uuid default null, p_item_retired_from date default null)
returns void
language plpgsql
as $$
declare
  v_to        date;
  v_conflicts jsonb;
  v_count     integer;
  v_first     date;
begin
  select max(n.night) + 1 into v_to
    from booking.night_inventory n
   where n.accommodation_id = p_accommodation_id and n.night >= p_from;
  if v_to is null then
    return;
  end if;

  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('night', c.night, 'booked', c.reserved, 'capacity', c.capacity)
                               order by c.night) filter (where c.rn <= 62),
         count(*), min(c.night)
    into v_conflicts, v_count, v_first
    from (select n.night, n.reserved, s.capacity, row_number() over (order by n.night) as rn
            from booking.night_inventory n
            join booking.night_settings(p_accommodation_id, p_from, v_to, p_item, p_item_retired_from) s
              on s.night = n.night
           where n.accommodation_id = p_accommodation_id and n.night >= p_from and n.reserved > s.capacity) c;
  if v_count > 0 then
    perform booking.raise_inventory_conflict(
      pg_catalog.format('%s would leave more bookings than rooms on %s night(s), the first on %s.', p_what, v_count, v_first),
      pg_catalog.jsonb_build_object('nights', v_conflicts, 'count', v_count));
  end if;

  update booking.night_inventory n
     set capacity = s.capacity, closed = s.closed, placement = s.placement
    from booking.night_settings(p_accommodation_id, p_from, v_to, p_item, p_item_retired_from) s
   where n.accommodation_id = p_accommodation_id and n.night = s.night
     and (n.capacity, n.closed, n.placement) is distinct from (s.capacity, s.closed, s.placement);
end
$$;

-- The connected run of overlapping active stays (ending after p_today) around [p_check_in, p_check_out): stays
-- outside it share no night with a stay inside, so a re-pack inside it cannot touch a room used outside it.
create or replace function booking.stay_cluster(
  p_accommodation_id uuid, p_today date, p_check_in date, p_check_out date,
  out first_night date, out last_out date)
language plpgsql
stable
as $$
declare
  v_now timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_min date;
  v_max date;
begin
  first_night := p_check_in;
  last_out := p_check_out;
  loop
    select min(b.check_in), max(b.check_out) into v_min, v_max
      from booking.bookings b
     where b.accommodation_id = p_accommodation_id
       and (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > v_now))
       and b.check_out > greatest(p_today, first_night) and b.check_in < last_out;
    exit when v_min is null or (v_min >= first_night and v_max <= last_out);
    first_night := least(first_night, v_min);
    last_out := greatest(last_out, v_max);
  end loop;
end
$$;

-- A room for every active stay (ending after p_today) that overlaps [p_from, p_to): started stays with a room
-- keep it (they never move), so do stays not in p_movable; the others are placed in check-in order, each in its
-- current room when that is free, else in a free room in service for its whole stay — first one that no stay still
-- to be placed holds for an overlapping night (so a placement does not push a held room's stay out of it), then
-- any; while a room retires on a future date, among those the one that retires first, so long-lived rooms stay
-- free for long stays. Stays without a room are planned only when p_unassigned is null or lists them (assignment
-- plans the one stay it places; the counts promise the others a room later). item is null for a stay that cannot
-- be placed. Reads only; the caller holds the locks and writes the plan.
create or replace function booking.plan_rooms(
  p_accommodation_id uuid, p_today date, p_from date, p_to date,
  p_movable uuid[] default null,
  p_item uuid default null, p_item_retired_from date default null,
  p_unassigned uuid[] default null)
returns table (booking_id uuid, current_item uuid, item uuid, pinned boolean)
language plpgsql
stable
as $$
declare
  v_now     timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_items   uuid[];
  v_retired date[];
  v_active  boolean[];
  v_busy    date[];
  v_tight   boolean;
  -- the stays, in processing order
  v_ids     uuid[];
  v_in      date[];
  v_out     date[];
  v_room    uuid[];
  v_fixed   boolean[];
  v_next    integer[];  -- the next stay (in processing order) that holds the same room
  v_holder  integer[];  -- per room: the first stay still to be placed that holds it
  v_fits    boolean;
  v_pick    integer;
  v_clean   integer;
  v_free    boolean;
  n         integer;
  s         integer;
  c         integer;
  k         integer;
begin
  select array_agg(i.id order by i.label, i.id),
         array_agg(case when i.id = p_item then p_item_retired_from else i.retired_from end order by i.label, i.id),
         array_agg(i.active order by i.label, i.id)
    into v_items, v_retired, v_active
    from booking.accommodation_items i
   where i.accommodation_id = p_accommodation_id;
  v_items := coalesce(v_items, '{}');
  v_busy := array_fill('-infinity'::date, array[greatest(cardinality(v_items), 1)]);
  v_tight := exists (select 1 from unnest(v_retired, v_active) as x(d, a) where x.a and x.d > p_today);

  select array_agg(y.id order by y.ord), array_agg(y.check_in order by y.ord), array_agg(y.check_out order by y.ord),
         array_agg(y.item_id order by y.ord), array_agg(y.fixed order by y.ord), array_agg(y.next_holder order by y.ord)
    into v_ids, v_in, v_out, v_room, v_fixed, v_next
    from (select x.*, case when x.item_id is not null
                           then pg_catalog.lead(x.ord) over (partition by x.item_id order by x.ord) end as next_holder
            from (select b.id, b.check_in, b.check_out, b.item_id, f.fixed,
                         row_number() over (order by f.fixed desc, b.check_in, b.check_out, b.id)::integer as ord
                    from booking.bookings b
                   cross join lateral (select b.item_id is not null
                                              and (b.check_in <= p_today or (p_movable is not null and b.id <> all (p_movable))) as fixed) f
                   where b.accommodation_id = p_accommodation_id
                     and (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > v_now))
                     and b.check_out > greatest(p_today, p_from) and b.check_in < p_to
                     and (b.item_id is not null or p_unassigned is null or b.id = any (p_unassigned))) x) y;
  n := coalesce(cardinality(v_ids), 0);
  v_holder := array_fill(null::integer, array[greatest(cardinality(v_items), 1)]);
  for s in reverse n .. 1 loop
    k := array_position(v_items, v_room[s]);
    if k is not null then
      v_holder[k] := s;
    end if;
  end loop;

  for s in 1 .. n loop
    v_pick := null;
    k := array_position(v_items, v_room[s]);
    v_fits := k is not null and v_active[k] and (v_retired[k] is null or v_retired[k] >= v_out[s]);
    if v_fixed[s] then
      if v_fits then
        v_pick := k;
      end if;
    elsif v_fits and v_busy[k] <= v_in[s] then
      v_pick := k;
    else
      v_clean := null;
      for k in 1 .. cardinality(v_items) loop
        continue when not v_active[k] or v_busy[k] > v_in[s]
                  or (v_retired[k] is not null and v_retired[k] < v_out[s]);
        -- held for an overlapping night by a stay still to be placed? Stays are placed in check-in order, so the
        -- first such holder of the room is the only one that can start before this stay ends.
        c := v_holder[k];
        v_free := c is null or v_in[c] >= v_out[s];
        if v_pick is null
           or (v_tight and coalesce(v_retired[k], 'infinity') < coalesce(v_retired[v_pick], 'infinity')) then
          v_pick := k;
        end if;
        if v_free and (v_clean is null
                       or (v_tight and coalesce(v_retired[k], 'infinity') < coalesce(v_retired[v_clean], 'infinity'))) then
          v_clean := k;
          exit when not v_tight;
        end if;
      end loop;
      v_pick := coalesce(v_clean, v_pick);
    end if;
    if v_pick is not null then
      v_busy[v_pick] := greatest(v_busy[v_pick], v_out[s]);
    end if;
    k := array_position(v_items, v_room[s]);
    if k is not null and v_holder[k] = s then
      v_holder[k] := v_next[s];
    end if;
    booking_id := v_ids[s];
    current_item := v_room[s];
    item := v_items[v_pick];
    pinned := v_fixed[s];
    return next;
  end loop;
end
$$;

-- Writes room changes: p_ids get p_items (their rooms before: p_from_items, null = first assignment). Rooms are
-- emptied first, so swaps inside one plan never meet the exclusion constraint half-done. Logs item_moved /
-- item_assigned. The caller holds the rows' locks.
create or replace function booking.write_rooms(p_ids uuid[], p_from_items uuid[], p_items uuid[], p_reason text)
returns integer
language plpgsql
as $$
declare
  v_count integer;
begin
  if coalesce(cardinality(p_ids), 0) = 0 then
    return 0;
  end if;
  update booking.bookings b
     set item_id = null
   where b.id = any (p_ids) and b.item_id is not null;
  with written as (
    update booking.bookings b
       set item_id = m.item, updated_at = now()
      from unnest(p_ids, p_from_items, p_items) as m(id, from_item, item)
     where b.id = m.id
    returning b.id, b.accommodation_id, m.from_item, m.item
  ), logged as (
    insert into booking.booking_events (booking_id, accommodation_id, event, detail)
    select w.id, w.accommodation_id,
           case when w.from_item is null then 'item_assigned' else 'item_moved' end,
           case when w.from_item is null
                then pg_catalog.jsonb_build_object('item_id', w.item, 'reason', p_reason)
                else pg_catalog.jsonb_build_object('from_item_id', w.from_item, 'item_id', w.item, 'reason', p_reason) end
      from written w
  )
  select count(*) into v_count from written;
  return v_count;
end
$$;

-- Stays (JSON) that a plan could not place, for BK004 / BK022 / BK023 details.
create or replace function booking.unplaced_json(p_ids uuid[])
returns jsonb
language sql
stable
as $$
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'bookingId', b.id, 'checkIn', b.check_in, 'checkOut', b.check_out, 'itemId', b.item_id) order by b.check_in, b.id), '[]')
    from booking.bookings b
   where b.id = any (p_ids)
$$;

-- Re-packs the active stays around one booking so that it gets a room (its own plan, written), taking the locks
-- in the global order: accommodation row (serializes re-packs of one accommodation) -> nights of the stale holds
-- it releases -> the cluster's bookings -> every room of the accommodation. Returns the booking's room, or
-- raises BK004 when no packing places it (only possible while a room retires on a future date, or for data
-- written around the functions).
create or replace function booking.assign_by_repacking(p_booking_id uuid)
returns uuid
language plpgsql
as $$
declare
  v_now timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_booking   booking.bookings;
  v_capacity  integer;
  v_today     date;
  v_from      date;
  v_to        date;
  v_stale     uuid[];
  v_lock_from date;
  v_lock_to   date;
  v_movable   uuid[];
  v_item      uuid;
  v_ids       uuid[];
  v_old       uuid[];
  v_new       uuid[];
  v_unplaced  uuid[];
begin
  select * into v_booking from booking.bookings b where b.id = p_booking_id;
  select a.total_inventory, booking.property_today(a.time_zone) into v_capacity, v_today
    from booking.accommodations a
   where a.id = v_booking.accommodation_id
     for update;

  select c.first_night, c.last_out into v_from, v_to
    from booking.stay_cluster(v_booking.accommodation_id, v_today, v_booking.check_in, v_booking.check_out) c;

  -- Stale holds keep their rooms until released (the exclusion constraint still sees them): release those in the
  -- cluster, their nights first.
  select array_agg(b.id), min(b.check_in), max(b.check_out) into v_stale, v_lock_from, v_lock_to
    from booking.bookings b
   where b.accommodation_id = v_booking.accommodation_id
     and b.status = 'pending' and b.hold_expires_at <= v_now and b.item_id is not null
     and b.check_in < v_to and b.check_out > v_from;
  if v_stale is not null then
    if v_capacity is not null then
      perform booking.lock_nights(v_booking.accommodation_id, v_lock_from, v_lock_to);
    end if;
    perform booking.release_bookings(v_stale, 'expired');
  end if;

  -- The cluster's bookings, by id (the booking itself among them), then every room.
  select array_agg(l.id order by l.id) into v_movable
    from (select b.id
            from booking.bookings b
           where b.accommodation_id = v_booking.accommodation_id
             and (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > v_now))
             and b.check_out > greatest(v_today, v_from) and b.check_in < v_to
           order by b.id
             for update) l;
  perform 1 from booking.accommodation_items i
   where i.accommodation_id = v_booking.accommodation_id
   order by i.id
     for update;

  select * into v_booking from booking.bookings b where b.id = p_booking_id;
  if v_booking.item_id is not null then
    return v_booking.item_id;  -- someone assigned it while we waited
  end if;
  if not (v_booking.id = any (v_movable)) then
    -- its hold ran out while we waited for the locks
    raise exception using errcode = 'BK005', message = 'The hold on this booking has expired.';
  end if;

  select array_agg(p.booking_id) filter (where p.item is distinct from p.current_item and p.item is not null
                                            and (p.current_item is not null or p.booking_id = p_booking_id)),
         array_agg(p.current_item) filter (where p.item is distinct from p.current_item and p.item is not null
                                              and (p.current_item is not null or p.booking_id = p_booking_id)),
         array_agg(p.item) filter (where p.item is distinct from p.current_item and p.item is not null
                                      and (p.current_item is not null or p.booking_id = p_booking_id)),
         array_agg(p.booking_id) filter (where p.item is null),
         (array_agg(p.item) filter (where p.booking_id = p_booking_id))[1]
    into v_ids, v_old, v_new, v_unplaced, v_item
    from booking.plan_rooms(v_booking.accommodation_id, v_today, v_from, v_to, v_movable,
                            p_unassigned => array[p_booking_id]) p;

  -- Write nothing unless every stay that has a room keeps one: a plan that places the booking by displacing
  -- another would only move the problem (possible only for data written around the functions).
  if v_item is null or v_unplaced is not null then
    raise exception using errcode = 'BK004',
      message = 'No room of this type is free for every night of this stay.',
      hint = pg_catalog.jsonb_build_object('bookings', booking.unplaced_json(coalesce(v_unplaced, array[p_booking_id])))::text;
  end if;
  -- a stay the plan could not place keeps what it has; only the plan's placements are written
  perform booking.write_rooms(v_ids, v_old, v_new, 'repack');
  return v_item;
end
$$;

alter function booking.property_today(text) owner to booking_owner;
alter function booking.is_time_zone(text) owner to booking_owner;
alter function booking.night_settings(uuid, date, date, uuid, date) owner to booking_owner;
alter function booking.ensure_nights(uuid, date, date) owner to booking_owner;
alter function booking.lock_nights_from(uuid, date) owner to booking_owner;
alter function booking.release_stale_holds_from(uuid, date) owner to booking_owner;
alter function booking.raise_inventory_conflict(text, jsonb) owner to booking_owner;
alter function booking.apply_night_settings(uuid, date, text, uuid, date) owner to booking_owner;
alter function booking.stay_cluster(uuid, date, date, date) owner to booking_owner;
alter function booking.plan_rooms(uuid, date, date, date, uuid[], uuid, date, uuid[]) owner to booking_owner;
alter function booking.write_rooms(uuid[], uuid[], uuid[], text) owner to booking_owner;
alter function booking.unplaced_json(uuid[]) owner to booking_owner;
alter function booking.assign_by_repacking(uuid) owner to booking_owner;

revoke execute on all functions in schema booking from public;
