-- =============================================================================================
-- 202611300503_inventory_api
-- The staff API: room types (accommodations), rooms (items), closures, and the reads a front desk needs
-- (calendar, search). Every change locks the accommodation row first (the head of the global lock order),
-- then its night rows in night order, then bookings, then rooms; refuses (BK023, with the nights or bookings
-- in the way as JSON in HINT) rather than leave a night over capacity or a booking without a room; and
-- writes an inventory event. The HTTP layer checks the staff role and passes the token subject as p_actor.
--
-- Errors: BK002 unknown accommodation, BK003 invalid dates, BK009 invalid argument, BK023 conflicts with
-- bookings, BK025 unknown room or closure, 55P03 busy.
-- =============================================================================================

-- ---------------------------------------------------------------------------------------------
-- Reads
-- ---------------------------------------------------------------------------------------------
create or replace function public.get_accommodation(p_accommodation_id uuid)
returns table (
  id               uuid,
  name             text,
  capacity         integer,
  max_guests       integer,
  time_zone        text,
  rooms            integer,
  rooms_in_service integer,
  created_at       timestamptz,
  updated_at       timestamptz)
language sql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
  select a.id, a.name, a.total_inventory, a.max_guests, a.time_zone,
         (select count(*)::integer from booking.accommodation_items i where i.accommodation_id = a.id),
         (select count(*)::integer from booking.accommodation_items i
           where i.accommodation_id = a.id and i.active
             and (i.retired_from is null or i.retired_from > booking.property_today(a.time_zone))),
         a.created_at, a.updated_at
    from booking.accommodations a
   where a.id = p_accommodation_id
$$;

-- Keyset paging by (name, id): pass the last row's name and id to get the next page.
create or replace function public.list_accommodations(
  p_limit integer default 50, p_after_name text default null, p_after_id uuid default null)
returns table (
  id               uuid,
  name             text,
  capacity         integer,
  max_guests       integer,
  time_zone        text,
  rooms            integer,
  rooms_in_service integer,
  created_at       timestamptz,
  updated_at       timestamptz)
language sql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
  select g.*
    from (select a.id from booking.accommodations a
           where p_after_id is null or (a.name, a.id) > (p_after_name, p_after_id)
           order by a.name, a.id
           limit least(greatest(coalesce(p_limit, 50), 1), 200)) page
   cross join lateral public.get_accommodation(page.id) g
   order by g.name, g.id
$$;

create or replace function booking.assert_accommodation_exists(p_accommodation_id uuid)
returns void
language plpgsql
stable
as $$
begin
  if not exists (select 1 from booking.accommodations a where a.id = p_accommodation_id) then
    raise exception using errcode = 'BK002', message = 'This accommodation does not exist.';
  end if;
end
$$;

create or replace function public.list_accommodation_items(p_accommodation_id uuid)
returns table (id uuid, accommodation_id uuid, label text, retired_from date, in_service boolean, created_at timestamptz)
language plpgsql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
#variable_conflict use_column
begin
  perform booking.assert_accommodation_exists(p_accommodation_id);
  return query
    select i.id, i.accommodation_id, i.label, i.retired_from,
           i.active and (i.retired_from is null or i.retired_from > booking.property_today(a.time_zone)),
           i.created_at
      from booking.accommodation_items i
      join booking.accommodations a on a.id = i.accommodation_id
     where i.accommodation_id = p_accommodation_id
     order by i.label, i.id;
end
$$;

create or replace function public.list_closures(p_accommodation_id uuid, p_from date default null)
returns table (id uuid, accommodation_id uuid, from_night date, to_night date, reason text, created_by text, created_at timestamptz)
language plpgsql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
#variable_conflict use_column
begin
  perform booking.assert_accommodation_exists(p_accommodation_id);
  return query
    select c.id, c.accommodation_id, lower(c.nights), upper(c.nights), c.reason, c.created_by, c.created_at
      from booking.closures c
     where c.accommodation_id = p_accommodation_id
       and (p_from is null or upper(c.nights) > p_from)
     order by lower(c.nights), c.id;
end
$$;

-- One row per night of [p_from, p_to) (at most 366): rooms on sale, active bookings (stale holds no longer count),
-- rooms free, closed. Unlimited accommodations: capacity null, available 9999 unless closed. Reads one snapshot,
-- takes no lock.
create or replace function public.accommodation_calendar(p_accommodation_id uuid, p_from date, p_to date)
returns table (night date, capacity integer, booked integer, available integer, closed boolean)
language plpgsql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
declare
  v_now timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_capacity integer;
begin
  if p_from is null or p_to is null or not pg_catalog.isfinite(p_from) or not pg_catalog.isfinite(p_to)
     or p_to <= p_from or p_to - p_from > 366 then
    raise exception using errcode = 'BK003', message = 'A calendar covers 1 to 366 nights: from before to.';
  end if;
  select a.total_inventory into v_capacity from booking.accommodations a where a.id = p_accommodation_id;
  if not found then
    raise exception using errcode = 'BK002', message = 'This accommodation does not exist.';
  end if;

  if v_capacity is null then
    return query
      with active as materialized (
        select b.check_in, b.check_out
          from booking.bookings b
         where b.accommodation_id = p_accommodation_id
           and (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > v_now))
           and b.check_in < p_to and b.check_out > p_from)
      select p_from + g, null::integer,
             (select count(*)::integer from active x where x.check_in <= p_from + g and x.check_out > p_from + g),
             case when c.closed then 0 else 9999 end, c.closed
        from pg_catalog.generate_series(0, p_to - p_from - 1) as g
       cross join lateral (select exists (select 1 from booking.closures c
                                           where c.accommodation_id = p_accommodation_id
                                             and c.nights @> (p_from + g)) as closed) c
       order by 1;
    return;
  end if;

  return query
    with stale as materialized (
      select b.check_in, b.check_out
        from booking.bookings b
       where b.accommodation_id = p_accommodation_id and b.status = 'pending' and b.hold_expires_at <= v_now
         and b.check_in < p_to and b.check_out > p_from)
    select s.night, coalesce(n.capacity, s.capacity),
           coalesce(n.reserved, 0) - (select count(*)::integer from stale x where x.check_in <= s.night and x.check_out > s.night),
           case when coalesce(n.closed, s.closed) then 0
                else greatest(coalesce(n.capacity, s.capacity) - coalesce(n.reserved, 0)
                              + (select count(*)::integer from stale x where x.check_in <= s.night and x.check_out > s.night), 0) end,
           coalesce(n.closed, s.closed)
      from booking.night_settings(p_accommodation_id, p_from, p_to) s
      left join booking.night_inventory n on n.accommodation_id = p_accommodation_id and n.night = s.night
     order by s.night;
end
$$;

-- Every accommodation (or those in p_accommodation_ids) with a room free on every night of the stay for p_guests
-- guests, by id; keyset paging with p_after. Same answer per accommodation as check_availability_many.
create or replace function public.search_availability(
  p_check_in date, p_check_out date, p_guests integer default 1,
  p_accommodation_ids uuid[] default null, p_limit integer default 50, p_after uuid default null)
returns table (id uuid, name text, max_guests integer, time_zone text, capacity integer, available integer)
language plpgsql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
#variable_conflict use_column
declare
  v_ids   uuid[];
  v_after uuid := p_after;
  v_left  integer := least(greatest(coalesce(p_limit, 50), 1), 200);
  v_found integer;
begin
  perform booking.assert_valid_stay(p_check_in, p_check_out);
  if p_guests is null or p_guests not between 1 and 50 then
    raise exception using errcode = 'BK009', message = 'Guests must be between 1 and 50.';
  end if;
  if cardinality(p_accommodation_ids) > 200 then
    raise exception using errcode = 'BK009', message = 'Ask for at most 200 accommodations at once.';
  end if;

  -- Candidates in id order, availability asked 200 at a time until the page is full.
  loop
    select array_agg(c.id order by c.id) into v_ids
      from (select a.id from booking.accommodations a
             where a.max_guests >= p_guests
               and (p_accommodation_ids is null or a.id = any (p_accommodation_ids))
               and (v_after is null or a.id > v_after)
             order by a.id
             limit 200) c;
    exit when v_ids is null;
    return query
      select a.id, a.name, a.max_guests, a.time_zone, a.total_inventory, q.available
        from public.check_availability_many(v_ids,
               array_fill(p_check_in, array[cardinality(v_ids)]), array_fill(p_check_out, array[cardinality(v_ids)])) q
        join booking.accommodations a on a.id = v_ids[q.ordinal]
       where q.available > 0
       order by a.id
       limit v_left;
    get diagnostics v_found = row_count;
    v_left := v_left - v_found;
    exit when v_left <= 0 or cardinality(v_ids) < 200;
    v_after := v_ids[cardinality(v_ids)];
  end loop;
end
$$;

-- The active bookings on one night (staff board).
create or replace function public.accommodation_night_bookings(p_accommodation_id uuid, p_night date)
returns table (id uuid, guest_id text, check_in date, check_out date, guests integer, status text,
               hold_expires_at timestamptz, item_id uuid, item_label text)
language plpgsql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
#variable_conflict use_column
declare
  v_now timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
begin
  perform booking.assert_accommodation_exists(p_accommodation_id);
  return query
    select b.id, b.guest_id, b.check_in, b.check_out, b.guests, b.status::text, b.hold_expires_at, b.item_id, i.label
      from booking.bookings b
      left join booking.accommodation_items i on i.id = b.item_id
     where b.accommodation_id = p_accommodation_id
       and (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > v_now))
       and b.check_in <= p_night and b.check_out > p_night
     order by b.check_in, b.id;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Accommodations
-- ---------------------------------------------------------------------------------------------
create or replace function booking.assert_accommodation_settings(
  p_name text, p_capacity integer, p_max_guests integer, p_time_zone text, p_actor text)
returns void
language plpgsql
stable
as $$
begin
  if p_name is null or length(btrim(p_name)) = 0 or length(p_name) > 200 then
    raise exception using errcode = 'BK009', message = 'A name of 1 to 200 characters is required.';
  end if;
  if p_capacity is not null and p_capacity not between 0 and 100000 then
    raise exception using errcode = 'BK009', message = 'Capacity is a number of rooms from 0 to 100000, or null for unlimited.';
  end if;
  if p_max_guests is null or p_max_guests not between 1 and 50 then
    raise exception using errcode = 'BK009', message = 'maxGuests must be between 1 and 50.';
  end if;
  if not booking.is_time_zone(p_time_zone) then
    raise exception using errcode = 'BK009',
      message = pg_catalog.format('%s is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC).', coalesce(p_time_zone, 'null'));
  end if;
  if p_actor is null or length(p_actor) not between 1 and 200 then
    raise exception using errcode = 'BK009', message = 'An actor of 1 to 200 characters is required.';
  end if;
end
$$;

create or replace function public.create_accommodation(
  p_name text, p_capacity integer, p_max_guests integer default 50, p_time_zone text default 'UTC',
  p_actor text default null)
returns table (
  id               uuid,
  name             text,
  capacity         integer,
  max_guests       integer,
  time_zone        text,
  rooms            integer,
  rooms_in_service integer,
  created_at       timestamptz,
  updated_at       timestamptz)
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
declare
  v_id uuid;
begin
  -- READ COMMITTED or nothing: see booking.raise_not_read_committed
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
  perform booking.assert_accommodation_settings(p_name, p_capacity, p_max_guests, p_time_zone, p_actor);
  insert into booking.accommodations (name, total_inventory, max_guests, time_zone)
  values (btrim(p_name), p_capacity, p_max_guests, p_time_zone)
  returning accommodations.id into v_id;
  insert into booking.inventory_events (accommodation_id, event, actor, detail)
  values (v_id, 'accommodation_created', p_actor, pg_catalog.jsonb_build_object(
    'name', btrim(p_name), 'capacity', p_capacity, 'maxGuests', p_max_guests, 'timeZone', p_time_zone));
  return query select * from public.get_accommodation(v_id);
end
$$;

-- PATCH: null leaves a field as it is; capacity changes only with p_set_capacity (null then means unlimited).
-- Lowering the capacity is refused (BK023) while any night from the property's today on holds more bookings,
-- releasing stale holds first. Switching between limited and unlimited needs an accommodation without active
-- bookings (and, to unlimited, without rooms).
create or replace function public.update_accommodation(
  p_accommodation_id uuid,
  p_name             text    default null,
  p_set_capacity     boolean default false,
  p_capacity         integer default null,
  p_max_guests       integer default null,
  p_time_zone        text    default null,
  p_actor            text    default null)
returns table (
  id               uuid,
  name             text,
  capacity         integer,
  max_guests       integer,
  time_zone        text,
  rooms            integer,
  rooms_in_service integer,
  created_at       timestamptz,
  updated_at       timestamptz)
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '5s'
as $$
declare
  v_now timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_old      booking.accommodations;
  v_new      booking.accommodations;
  v_today    date;
  v_changes  jsonb := '{}';
begin
  -- READ COMMITTED or nothing: see booking.raise_not_read_committed
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
  select * into v_old from booking.accommodations a where a.id = p_accommodation_id for update;
  if not found then
    raise exception using errcode = 'BK002', message = 'This accommodation does not exist.';
  end if;
  v_new := v_old;
  v_new.name := coalesce(btrim(p_name), v_old.name);
  v_new.max_guests := coalesce(p_max_guests, v_old.max_guests);
  v_new.time_zone := coalesce(p_time_zone, v_old.time_zone);
  if p_set_capacity then
    v_new.total_inventory := p_capacity;
  end if;
  perform booking.assert_accommodation_settings(v_new.name, v_new.total_inventory, v_new.max_guests, v_new.time_zone, p_actor);
  -- the earlier of the two calendars' today, so a time zone change cannot skip a night
  v_today := least(booking.property_today(v_old.time_zone), booking.property_today(v_new.time_zone));

  if (v_new.total_inventory is null) <> (v_old.total_inventory is null) then
    if exists (select 1 from booking.bookings b
                where b.accommodation_id = p_accommodation_id
                  and (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > v_now))) then
      perform booking.raise_inventory_conflict(
        'Switching between limited and unlimited capacity needs an accommodation without active bookings.',
        pg_catalog.jsonb_build_object('count', (select count(*) from booking.bookings b
                                                    where b.accommodation_id = p_accommodation_id
                                                      and (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > v_now)))));
    end if;
    if v_new.total_inventory is null and exists (select 1 from booking.accommodation_items i where i.accommodation_id = p_accommodation_id) then
      perform booking.raise_inventory_conflict(
        'An accommodation with rooms cannot have unlimited capacity: its rooms are the limit.',
        pg_catalog.jsonb_build_object('rooms', (select count(*) from booking.accommodation_items i where i.accommodation_id = p_accommodation_id)));
    end if;
    -- no active booking: only stale holds are left to release; the counters start again from zero
    perform booking.lock_nights_from(p_accommodation_id, '-infinity');
    perform booking.release_bookings(array(select b.id from booking.bookings b
                                            where b.accommodation_id = p_accommodation_id and b.status = 'pending'
                                            order by b.id), 'expired');
    delete from booking.night_inventory n where n.accommodation_id = p_accommodation_id;
    update booking.accommodations a set total_inventory = v_new.total_inventory where a.id = p_accommodation_id;
  elsif v_new.total_inventory is distinct from v_old.total_inventory then
    perform booking.lock_nights_from(p_accommodation_id, v_today - 365);
    perform booking.release_stale_holds_from(p_accommodation_id, v_today);
    update booking.accommodations a set total_inventory = v_new.total_inventory where a.id = p_accommodation_id;
    perform booking.apply_night_settings(p_accommodation_id, v_today,
      pg_catalog.format('A capacity of %s', v_new.total_inventory));
  end if;

  if v_new.name is distinct from v_old.name then
    v_changes := v_changes || pg_catalog.jsonb_build_object('name', pg_catalog.jsonb_build_array(v_old.name, v_new.name));
  end if;
  if v_new.total_inventory is distinct from v_old.total_inventory then
    v_changes := v_changes || pg_catalog.jsonb_build_object('capacity', pg_catalog.jsonb_build_array(v_old.total_inventory, v_new.total_inventory));
  end if;
  if v_new.max_guests is distinct from v_old.max_guests then
    v_changes := v_changes || pg_catalog.jsonb_build_object('maxGuests', pg_catalog.jsonb_build_array(v_old.max_guests, v_new.max_guests));
  end if;
  if v_new.time_zone is distinct from v_old.time_zone then
    v_changes := v_changes || pg_catalog.jsonb_build_object('timeZone', pg_catalog.jsonb_build_array(v_old.time_zone, v_new.time_zone));
  end if;
  if v_changes <> '{}' then
    update booking.accommodations a
       set name = v_new.name, max_guests = v_new.max_guests, time_zone = v_new.time_zone, updated_at = now()
     where a.id = p_accommodation_id;
    insert into booking.inventory_events (accommodation_id, event, actor, detail)
    values (p_accommodation_id, 'accommodation_changed', p_actor, v_changes);
  end if;
  return query select * from public.get_accommodation(p_accommodation_id);
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Rooms (items)
-- ---------------------------------------------------------------------------------------------
-- A new room is in service from now on. The first room of an accommodation makes its rooms the limit (capacity
-- = least(capacity, rooms in service)), so it is refused (BK023) while a night from today on holds more
-- bookings than that.
create or replace function public.add_accommodation_item(p_accommodation_id uuid, p_label text, p_actor text)
returns table (id uuid, accommodation_id uuid, label text, retired_from date, in_service boolean, created_at timestamptz)
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '5s'
as $$
declare
  v_acc   booking.accommodations;
  v_today date;
  v_id    uuid;
begin
  -- READ COMMITTED or nothing: see booking.raise_not_read_committed
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
  select * into v_acc from booking.accommodations a where a.id = p_accommodation_id for update;
  if not found then
    raise exception using errcode = 'BK002', message = 'This accommodation does not exist.';
  end if;
  if p_label is null or length(btrim(p_label)) = 0 or length(p_label) > 100 then
    raise exception using errcode = 'BK009', message = 'A room label of 1 to 100 characters is required.';
  end if;
  if p_actor is null or length(p_actor) not between 1 and 200 then
    raise exception using errcode = 'BK009', message = 'An actor of 1 to 200 characters is required.';
  end if;
  if v_acc.total_inventory is null then
    perform booking.raise_inventory_conflict(
      'An accommodation with unlimited capacity has no rooms to track: set a capacity first.', '{}'::jsonb);
  end if;
  if exists (select 1 from booking.accommodation_items i
              where i.accommodation_id = p_accommodation_id and i.label = btrim(p_label)) then
    perform booking.raise_inventory_conflict(
      pg_catalog.format('This accommodation already has a room labelled %s.', btrim(p_label)),
      pg_catalog.jsonb_build_object('label', btrim(p_label)));
  end if;
  v_today := booking.property_today(v_acc.time_zone);

  perform booking.lock_nights_from(p_accommodation_id, v_today - 365);
  perform booking.release_stale_holds_from(p_accommodation_id, v_today);
  insert into booking.accommodation_items (accommodation_id, label)
  values (p_accommodation_id, btrim(p_label))
  returning accommodation_items.id into v_id;
  perform booking.apply_night_settings(p_accommodation_id, v_today, 'Tracking rooms (the first room)');

  insert into booking.inventory_events (accommodation_id, event, actor, detail)
  values (p_accommodation_id, 'item_added', p_actor, pg_catalog.jsonb_build_object('itemId', v_id, 'label', btrim(p_label)));
  return query select * from public.list_accommodation_items(p_accommodation_id) x where x.id = v_id;
end
$$;

-- Retires a room from a night on (p_retired_from, at or after the property's today), or returns it to service
-- (null). Nights from then on must still have a room for every booking (else BK023 with the nights), and every
-- active stay must still get a room: the room's future stays move (item_moved events) or, when no packing places
-- them (a started stay never moves), BK023 names the stays in the way. While a room retires on a future date,
-- every active booking of the accommodation holds its room (night_inventory.placement).
create or replace function public.set_item_retirement(
  p_accommodation_id uuid, p_item_id uuid, p_retired_from date, p_actor text)
returns table (id uuid, accommodation_id uuid, label text, retired_from date, in_service boolean, created_at timestamptz,
               moved jsonb)
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '5s'
as $$
declare
  v_now timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_acc      booking.accommodations;
  v_item     booking.accommodation_items;
  v_today    date;
  v_regime   boolean;
  v_ids      uuid[];
  v_old      uuid[];
  v_new      uuid[];
  v_unplaced uuid[];
  v_moved    jsonb;
begin
  -- READ COMMITTED or nothing: see booking.raise_not_read_committed
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
  select * into v_acc from booking.accommodations a where a.id = p_accommodation_id for update;
  if not found then
    raise exception using errcode = 'BK002', message = 'This accommodation does not exist.';
  end if;
  select * into v_item from booking.accommodation_items i where i.id = p_item_id and i.accommodation_id = p_accommodation_id;
  if not found then
    raise exception using errcode = 'BK025', message = 'This room does not exist.';
  end if;
  if p_actor is null or length(p_actor) not between 1 and 200 then
    raise exception using errcode = 'BK009', message = 'An actor of 1 to 200 characters is required.';
  end if;
  v_today := booking.property_today(v_acc.time_zone);
  if p_retired_from is not null and (not pg_catalog.isfinite(p_retired_from) or p_retired_from < v_today) then
    raise exception using errcode = 'BK003',
      message = pg_catalog.format('A room can be retired from today (%s) on, not from %s.', v_today, p_retired_from);
  end if;
  if p_retired_from is not distinct from v_item.retired_from then
    return query select x.*, '[]'::jsonb from public.list_accommodation_items(p_accommodation_id) x where x.id = p_item_id;
    return;
  end if;

  -- nights first (their counts must still fit), then the bookings to move, then the rooms
  perform booking.lock_nights_from(p_accommodation_id, v_today - 365);
  perform booking.release_stale_holds_from(p_accommodation_id, v_today);
  perform booking.apply_night_settings(p_accommodation_id, v_today,
    pg_catalog.format('Retiring room %s from %s', v_item.label, p_retired_from), p_item_id, p_retired_from);

  perform 1 from booking.bookings b
   where b.accommodation_id = p_accommodation_id
     and (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > v_now))
     and b.check_out > v_today
   order by b.id
     for update;
  perform 1 from booking.accommodation_items i where i.accommodation_id = p_accommodation_id order by i.id for update;

  -- Every stay from today on, placed with the room retired. While a room retires on a future date every booking
  -- holds its room, so then the plan is written for all of them (first assignments included); otherwise only
  -- the moves of stays that already had a room.
  v_regime := (p_retired_from is not null and p_retired_from > v_today)
              or exists (select 1 from booking.accommodation_items i
                          where i.accommodation_id = p_accommodation_id and i.id <> p_item_id
                            and i.active and i.retired_from > v_today);
  select array_agg(p.booking_id) filter (where p.item is distinct from p.current_item and p.item is not null
                                            and (v_regime or p.current_item is not null)),
         array_agg(p.current_item) filter (where p.item is distinct from p.current_item and p.item is not null
                                              and (v_regime or p.current_item is not null)),
         array_agg(p.item) filter (where p.item is distinct from p.current_item and p.item is not null
                                      and (v_regime or p.current_item is not null)),
         array_agg(p.booking_id) filter (where p.item is null)
    into v_ids, v_old, v_new, v_unplaced
    from booking.plan_rooms(p_accommodation_id, v_today, v_today, 'infinity', null, p_item_id, p_retired_from) p;
  if v_unplaced is not null then
    perform booking.raise_inventory_conflict(
      pg_catalog.format('Retiring room %s from %s would leave %s booking(s) without a room for their whole stay.',
                        v_item.label, p_retired_from, cardinality(v_unplaced)),
      pg_catalog.jsonb_build_object('bookings', booking.unplaced_json(v_unplaced)));
  end if;

  update booking.accommodation_items i set retired_from = p_retired_from where i.id = p_item_id;
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('bookingId', m.id, 'fromItemId', m.from_item, 'itemId', m.item)
                                       order by m.id), '[]')
    into v_moved
    from unnest(v_ids, v_old, v_new) as m(id, from_item, item);
  perform booking.write_rooms(v_ids, v_old, v_new, case when p_retired_from is null then 'room_returned' else 'room_retired' end);

  insert into booking.inventory_events (accommodation_id, event, actor, detail)
  values (p_accommodation_id, case when p_retired_from is null then 'item_returned' else 'item_retired' end, p_actor,
          pg_catalog.jsonb_build_object('itemId', p_item_id, 'label', v_item.label, 'retiredFrom', p_retired_from,
                                        'moved', v_moved));
  return query select x.*, v_moved from public.list_accommodation_items(p_accommodation_id) x where x.id = p_item_id;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Closures (stop-sell)
-- ---------------------------------------------------------------------------------------------
-- Closes the nights [p_from, p_to) (from the property's today on, at most two years ahead) to new bookings.
-- Existing bookings stay; the ones on those nights are returned so staff can contact the guests.
create or replace function public.add_closure(
  p_accommodation_id uuid, p_from date, p_to date, p_reason text, p_actor text)
returns table (id uuid, accommodation_id uuid, from_night date, to_night date, reason text, created_by text,
               created_at timestamptz, bookings jsonb)
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '5s'
as $$
declare
  v_now timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_acc   booking.accommodations;
  v_today date;
  v_id    uuid;
begin
  -- READ COMMITTED or nothing: see booking.raise_not_read_committed
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
  select * into v_acc from booking.accommodations a where a.id = p_accommodation_id for update;
  if not found then
    raise exception using errcode = 'BK002', message = 'This accommodation does not exist.';
  end if;
  v_today := booking.property_today(v_acc.time_zone);
  if p_from is null or p_to is null or not pg_catalog.isfinite(p_from) or not pg_catalog.isfinite(p_to) or p_to <= p_from then
    raise exception using errcode = 'BK003', message = 'A closure needs a first night (from) before its end (to).';
  end if;
  if p_from < v_today then
    raise exception using errcode = 'BK003',
      message = pg_catalog.format('A closure starts today (%s) or later, not on %s.', v_today, p_from);
  end if;
  if p_to > v_today + 731 then
    raise exception using errcode = 'BK003', message = 'A closure ends at most two years ahead.';
  end if;
  if p_reason is null or length(btrim(p_reason)) = 0 or length(p_reason) > 500 then
    raise exception using errcode = 'BK009', message = 'A reason of 1 to 500 characters is required.';
  end if;
  if p_actor is null or length(p_actor) not between 1 and 200 then
    raise exception using errcode = 'BK009', message = 'An actor of 1 to 200 characters is required.';
  end if;

  insert into booking.closures (accommodation_id, nights, reason, created_by)
  values (p_accommodation_id, daterange(p_from, p_to, '[)'), btrim(p_reason), p_actor)
  returning closures.id into v_id;
  if v_acc.total_inventory is not null then
    -- the closed nights get rows (a booker meeting a missing one computes it from the closures anyway)
    perform booking.ensure_nights(p_accommodation_id, p_from, p_to);
    perform booking.lock_nights(p_accommodation_id, p_from, p_to);
    update booking.night_inventory n set closed = true
     where n.accommodation_id = p_accommodation_id and n.night >= p_from and n.night < p_to and not n.closed;
  end if;

  insert into booking.inventory_events (accommodation_id, event, actor, detail)
  values (p_accommodation_id, 'closure_added', p_actor, pg_catalog.jsonb_build_object(
    'closureId', v_id, 'from', p_from, 'to', p_to, 'reason', btrim(p_reason)));
  return query
    select c.id, c.accommodation_id, lower(c.nights), upper(c.nights), c.reason, c.created_by, c.created_at,
           (select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                     'bookingId', b.id, 'guestId', b.guest_id, 'checkIn', b.check_in, 'checkOut', b.check_out,
                     'status', b.status) order by b.check_in, b.id), '[]')
              from booking.bookings b
             where b.accommodation_id = p_accommodation_id
               and (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > v_now))
               and b.check_in < p_to and b.check_out > p_from)
      from booking.closures c
     where c.id = v_id;
end
$$;

create or replace function public.remove_closure(p_accommodation_id uuid, p_closure_id uuid, p_actor text)
returns table (id uuid, accommodation_id uuid, from_night date, to_night date, reason text, created_by text, created_at timestamptz)
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '5s'
as $$
declare
  v_acc     booking.accommodations;
  v_closure booking.closures;
begin
  -- READ COMMITTED or nothing: see booking.raise_not_read_committed
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
  select * into v_acc from booking.accommodations a where a.id = p_accommodation_id for update;
  if not found then
    raise exception using errcode = 'BK002', message = 'This accommodation does not exist.';
  end if;
  if p_actor is null or length(p_actor) not between 1 and 200 then
    raise exception using errcode = 'BK009', message = 'An actor of 1 to 200 characters is required.';
  end if;
  delete from booking.closures c
   where c.id = p_closure_id and c.accommodation_id = p_accommodation_id
  returning * into v_closure;
  if not found then
    raise exception using errcode = 'BK025', message = 'This closure does not exist.';
  end if;
  if v_acc.total_inventory is not null then
    perform booking.lock_nights(p_accommodation_id, lower(v_closure.nights), upper(v_closure.nights));
    update booking.night_inventory n
       set closed = exists (select 1 from booking.closures c
                             where c.accommodation_id = p_accommodation_id and c.nights @> n.night)
     where n.accommodation_id = p_accommodation_id
       and n.night >= lower(v_closure.nights) and n.night < upper(v_closure.nights);
  end if;
  insert into booking.inventory_events (accommodation_id, event, actor, detail)
  values (p_accommodation_id, 'closure_removed', p_actor, pg_catalog.jsonb_build_object(
    'closureId', v_closure.id, 'from', lower(v_closure.nights), 'to', upper(v_closure.nights), 'reason', v_closure.reason));
  return query select v_closure.id, v_closure.accommodation_id, lower(v_closure.nights), upper(v_closure.nights),
                      v_closure.reason, v_closure.created_by, v_closure.created_at;
end
$$;

alter function booking.assert_accommodation_settings(text, integer, integer, text, text) owner to booking_owner;
alter function booking.assert_accommodation_exists(uuid) owner to booking_owner;
alter function public.get_accommodation(uuid) owner to booking_owner;
alter function public.list_accommodations(integer, text, uuid) owner to booking_owner;
alter function public.list_accommodation_items(uuid) owner to booking_owner;
alter function public.list_closures(uuid, date) owner to booking_owner;
alter function public.accommodation_calendar(uuid, date, date) owner to booking_owner;
alter function public.search_availability(date, date, integer, uuid[], integer, uuid) owner to booking_owner;
alter function public.accommodation_night_bookings(uuid, date) owner to booking_owner;
alter function public.create_accommodation(text, integer, integer, text, text) owner to booking_owner;
alter function public.update_accommodation(uuid, text, boolean, integer, integer, text, text) owner to booking_owner;
alter function public.add_accommodation_item(uuid, text, text) owner to booking_owner;
alter function public.set_item_retirement(uuid, uuid, date, text) owner to booking_owner;
alter function public.add_closure(uuid, date, date, text, text) owner to booking_owner;
alter function public.remove_closure(uuid, uuid, text) owner to booking_owner;
