-- =============================================================================================
-- 202611300602_booking_groups
-- Guests (issue 13):
--   * group bookings as one SQL call: create_booking_group books 1-20 rooms all or none (create_bookings with one
--     group), and the group is read, confirmed and cancelled whole (get/confirm/cancel_booking_group);
--   * late confirmation: confirming a hold that expired takes its nights again when every night still has a room
--     (in the lock order, all rooms of a group or none) and confirms it, recorded as a 'confirmed' event with
--     detail {"late": true}; otherwise BK005 as before. A late confirm racing a booker for the last room: the
--     night locks decide, one of them gets it;
--   * honest replays: create_booking_returning answers whether the booking is a replay of an earlier call with the
--     same key (replayed), as create_bookings does.
-- Lock order as everywhere (202611300501): accommodation rows -> nights -> bookings -> items.
-- Errors: BK005 hold expired and the room is gone, BK006 booking / group not found (or not the caller's), BK008 a
-- cancelled booking, BK011 not at read committed, BK022 no room for the whole stay (a room retires), 55P03 busy.
-- =============================================================================================

-- ---------------------------------------------------------------------------------------------
-- booking.confirm_all: confirm these bookings, all or none. In time: confirmed. Expired (released): their nights
-- taken again where every night still has a room (stale holds on them released first), else BK005 naming the
-- night. Pending past expiry but not released yet: still counted, so confirmed as they are. Returns which were late.
-- ---------------------------------------------------------------------------------------------
create or replace function booking.confirm_all(p_ids uuid[])
returns table (booking_id uuid, late boolean)
language plpgsql
as $$
#variable_conflict use_column
declare
  v_now      timestamptz := pg_catalog.clock_timestamp(); -- one clock reading per call, see 202611300101
  v_late     uuid[];
  v_done     uuid[] := '{}';
  v_regime   uuid[];
  v_lock_acc uuid[];
  v_night    date[];
  v_stale    uuid[];
  v_booking  record;
  v_full     record;
begin
  -- cancelled members refuse the whole call
  if exists (select 1 from booking.bookings b where b.id = any (p_ids) and b.status = 'cancelled') then
    raise exception using errcode = 'BK008', message = 'This booking was cancelled and cannot be confirmed.';
  end if;

  -- In time: one statement, no night lock (the holds still count). A member that expired meanwhile, or was already
  -- late, goes the late way below.
  if not exists (select 1 from booking.bookings b
                  where b.id = any (p_ids) and (b.status = 'expired' or (b.status = 'pending' and b.hold_expires_at <= v_now))) then
    with confirmed as (
      update booking.bookings b
         set status = 'confirmed', updated_at = now()
       where b.id = any (p_ids) and b.status = 'pending' and b.hold_expires_at > pg_catalog.clock_timestamp()
      returning b.id, b.accommodation_id
    )
    insert into booking.booking_events (booking_id, accommodation_id, event)
    select c.id, c.accommodation_id, 'confirmed' from confirmed c;
    if not exists (select 1 from booking.bookings b where b.id = any (p_ids) and b.status <> 'confirmed') then
      return query select x.id, false from unnest(p_ids) as x(id);
      return;
    end if;
  end if;
  select array_agg(b.id) into v_late from booking.bookings b where b.id = any (p_ids) and b.status <> 'confirmed';

  -- Late: the accommodations a room of which retires later first (their bookings get rooms), then every night of the
  -- late stays and of the stale holds on them, in (accommodation, night) order, then the bookings.
  select array_agg(distinct b.accommodation_id order by b.accommodation_id) into v_regime
    from booking.bookings b
    join booking.accommodations a on a.id = b.accommodation_id
   where b.id = any (v_late) and a.total_inventory is not null
     and booking.rooms_retire_after(a.id, booking.property_today(a.time_zone));
  if v_regime is not null then
    perform 1 from booking.accommodations a where a.id = any (v_regime) order by a.id for update;
  end if;
  select array_agg(distinct s.id) into v_stale
    from booking.bookings l
    join booking.bookings s on s.accommodation_id = l.accommodation_id and s.status = 'pending' and s.hold_expires_at <= v_now
                          and s.check_in < l.check_out and s.check_out > l.check_in and not (s.id = any (p_ids))
   where l.id = any (v_late);
  select array_agg(k.acc order by k.acc, k.night), array_agg(k.night order by k.acc, k.night)
    into v_lock_acc, v_night
    from (select distinct b.accommodation_id as acc, b.check_in + g as night
            from booking.bookings b
            join booking.accommodations a on a.id = b.accommodation_id and a.total_inventory is not null
           cross join lateral pg_catalog.generate_series(0, b.check_out - b.check_in - 1) as g
           where b.id = any (v_late) or b.id = any (v_stale)) k;
  if v_lock_acc is not null then
    perform 1
       from booking.night_inventory n
       join unnest(v_lock_acc, v_night) as k(acc, night) on n.accommodation_id = k.acc and n.night = k.night
      order by n.accommodation_id, n.night
        for update of n;
  end if;
  if v_stale is not null then
    perform booking.release_bookings(v_stale, 'expired');
  end if;
  perform 1 from booking.bookings b where b.id = any (p_ids) order by b.id for update;

  -- On the locked rows: a member cancelled meanwhile refuses; a released one needs a room on each of its nights
  -- (counting the other released members of the call); a closed night counts as none.
  if exists (select 1 from booking.bookings b where b.id = any (p_ids) and b.status = 'cancelled') then
    raise exception using errcode = 'BK008', message = 'This booking was cancelled and cannot be confirmed.';
  end if;
  select w.night, w.closed, w.hold_expires_at into v_full
    from (select x.hold_expires_at, x.check_in + g as night, a.total_inventory,
                 case when a.total_inventory is null
                      then booking.first_closed_night(x.accommodation_id, x.check_in + g, x.check_in + g + 1) is not null
                      else coalesce(n.closed, false) end as closed,
                 coalesce(n.reserved, 0) + count(*) over (partition by x.accommodation_id, x.check_in + g) as wanted,
                 n.capacity
            from booking.bookings x
            join booking.accommodations a on a.id = x.accommodation_id
           cross join lateral pg_catalog.generate_series(0, x.check_out - x.check_in - 1) as g
            left join booking.night_inventory n on n.accommodation_id = x.accommodation_id and n.night = x.check_in + g
           where x.id = any (p_ids) and x.status = 'expired') w
   where w.closed or (w.total_inventory is not null and w.wanted > coalesce(w.capacity, w.total_inventory))
   order by w.night
   limit 1;
  if found then
    raise exception using errcode = 'BK005',
      message = pg_catalog.format(
        case when v_full.closed
             then 'The hold on this booking expired at %s and %s is closed to new bookings; book other dates.'
             else 'The hold on this booking expired at %s and the room was taken on %s; book again.' end,
        to_char(v_full.hold_expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), v_full.night);
  end if;

  -- take the nights of the released ones again; a room one held that another stay took meanwhile is given up
  update booking.night_inventory n
     set reserved = n.reserved + t.taken
    from (select x.accommodation_id as acc, x.check_in + g as night, count(*)::integer as taken
            from booking.bookings x
            join booking.accommodations a on a.id = x.accommodation_id and a.total_inventory is not null
           cross join lateral pg_catalog.generate_series(0, x.check_out - x.check_in - 1) as g
           where x.id = any (p_ids) and x.status = 'expired'
           group by 1, 2) t
   where n.accommodation_id = t.acc and n.night = t.night;
  update booking.bookings b
     set item_id = null
   where b.id = any (p_ids) and b.status = 'expired' and b.item_id is not null
     and exists (select 1 from booking.bookings o
                  where o.item_id = b.item_id and o.id <> b.id and o.stay && b.stay and o.status in ('pending', 'confirmed'));

  for v_booking in
    update booking.bookings b
       set status = 'confirmed', updated_at = now()
     where b.id = any (p_ids) and b.status in ('pending', 'expired')
    returning b.id, b.accommodation_id, b.hold_expires_at, b.hold_expires_at <= v_now as late
  loop
    insert into booking.booking_events (booking_id, accommodation_id, event, detail)
    values (v_booking.id, v_booking.accommodation_id, 'confirmed',
            case when v_booking.late
                 then pg_catalog.jsonb_build_object('late', true, 'hold_expired_at', v_booking.hold_expires_at)
                 else '{}'::jsonb end);
    if v_booking.late then
      v_done := v_done || v_booking.id;
    end if;
  end loop;
  if v_regime is not null then
    perform booking.place_accommodation(r.acc) from unnest(v_regime) as r(acc);
  end if;
  return query select x.id, x.id = any (v_done) from unnest(p_ids) as x(id);
end
$$;

-- ---------------------------------------------------------------------------------------------
-- confirm_booking: same contract ('confirmed', idempotent), and a late confirmation takes the room again when it
-- is still free. confirm_booking_returning answers with the booking and whether it was confirmed late.
-- ---------------------------------------------------------------------------------------------
create or replace function booking.owned_booking(p_booking_id uuid, p_guest_id text)
returns booking.bookings
language plpgsql
stable
as $$
declare
  v_booking booking.bookings;
begin
  select * into v_booking from booking.bookings b where b.id = p_booking_id;
  if not found or (p_guest_id is not null and v_booking.guest_id <> p_guest_id) then
    raise exception using errcode = 'BK006', message = 'This booking does not exist.';
  end if;
  return v_booking;
end
$$;

create or replace function public.confirm_booking(p_booking_id uuid, p_guest_id text default null)
returns text
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '2s'
as $$
begin
  -- READ COMMITTED or nothing: see booking.raise_not_read_committed
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
  perform booking.owned_booking(p_booking_id, p_guest_id);
  perform booking.confirm_all(array[p_booking_id]);
  return 'confirmed';
end
$$;

create or replace function public.confirm_booking_returning(p_booking_id uuid, p_guest_id text default null)
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
  created_at       timestamptz,
  late             boolean)
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '2s'
as $$
#variable_conflict use_column
declare
  v_late boolean;
begin
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
  perform booking.owned_booking(p_booking_id, p_guest_id);
  select c.late into v_late from booking.confirm_all(array[p_booking_id]) c;
  return query select g.*, v_late from public.get_booking(p_booking_id, p_guest_id) g;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- create_booking_returning: the booking row and whether it is a replay (create_booking_with_atomic_lock says so in
-- the transaction-local setting booking.replayed).
-- ---------------------------------------------------------------------------------------------
drop function if exists public.my_create_booking(uuid, date, date, integer, text);
drop function if exists public.create_booking_returning(uuid, text, date, date, integer, interval, text, text);

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
  created_at       timestamptz,
  replayed         boolean)
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
#variable_conflict use_column
declare
  v_id uuid;
begin
  perform pg_catalog.set_config('booking.replayed', 'off', true);
  v_id := public.create_booking_with_atomic_lock(p_accommodation_id, p_guest_id, p_check_in, p_check_out,
                                                 p_guests, p_hold_ttl, p_status, p_idempotency_key);
  return query select g.*, coalesce(pg_catalog.current_setting('booking.replayed', true), 'off') = 'on'
                 from public.get_booking(v_id, p_guest_id) g;
end
$$;

-- the client API's create (202611300103), over the new row shape
create or replace function public.my_create_booking(
  p_accommodation_id uuid,
  p_check_in         date,
  p_check_out        date,
  p_guests           integer default 1,
  p_idempotency_key  text    default null)
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
  created_at       timestamptz,
  replayed         boolean)
language sql
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
  select * from public.create_booking_returning(p_accommodation_id, booking.session_guest(), p_check_in, p_check_out, p_guests,
                                                interval '15 minutes', 'pending', p_idempotency_key)
$$;

-- ---------------------------------------------------------------------------------------------
-- Groups
-- ---------------------------------------------------------------------------------------------
create or replace function booking.owned_group(p_group_id uuid, p_guest_id text)
returns uuid[]
language plpgsql
stable
as $$
declare
  v_ids uuid[];
begin
  select array_agg(b.id order by b.id) into v_ids
    from booking.booking_groups g
    join booking.bookings b on b.group_id = g.id
   where g.id = p_group_id and (p_guest_id is null or g.guest_id = p_guest_id);
  if v_ids is null then
    raise exception using errcode = 'BK006', message = 'This booking group does not exist.';
  end if;
  return v_ids;
end
$$;

-- Books 1-20 rooms for one guest, all or none, under one idempotency key; a refusal is the first member's, its
-- message naming the room type. A room type a room of which retires on a future date: its accommodation rows are
-- locked first (all of the group's, in id order) and the group is booked on the placing path.
create or replace function public.create_booking_group(
  p_guest_id          text,
  p_accommodation_ids uuid[],
  p_check_ins         date[],
  p_check_outs        date[],
  p_guests            integer[],
  p_idempotency_key   text     default null,
  p_hold_ttl          interval default interval '15 minutes',
  p_status            text     default 'pending')
returns table (
  group_id         uuid,
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
  replayed         boolean)
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '2s'
as $$
#variable_conflict use_column
declare
  v_n     integer := coalesce(cardinality(p_accommodation_ids), 0);
  v_place boolean;
  v_first record;
begin
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
  if v_n not between 1 and 20 then
    raise exception using errcode = 'BK009', message = 'A group books 1 to 20 rooms.';
  end if;
  select exists (select 1 from booking.accommodations a
                  where a.id = any (p_accommodation_ids) and a.total_inventory is not null
                    and booking.rooms_retire_after(a.id, booking.property_today(a.time_zone))) into v_place;
  if v_place then
    perform 1 from booking.accommodations a where a.id = any (p_accommodation_ids) order by a.id for update;
  end if;
  perform pg_catalog.set_config('booking.placing', case when v_place then 'on' else 'off' end, true);
  -- the rows come in request order; a refusal is every member's, so the first one met is the group's answer (and
  -- raising it discards the rows returned so far with everything this call wrote)
  for v_first in
    select * from public.create_bookings(p_accommodation_ids, array_fill(p_guest_id, array[v_n]), p_check_ins, p_check_outs,
                                         p_guests, array_fill(p_idempotency_key, array[v_n]), p_hold_ttl, p_status,
                                         array_fill(1, array[v_n]))
  loop
    if v_first.error_code is not null then
      raise exception using errcode = v_first.error_code, message = v_first.error_message;
    end if;
    group_id := v_first.group_id;
    id := v_first.id;
    accommodation_id := v_first.accommodation_id;
    guest_id := v_first.guest_id;
    check_in := v_first.check_in;
    check_out := v_first.check_out;
    guests := v_first.guests;
    status := v_first.status;
    hold_expires_at := v_first.hold_expires_at;
    item_id := v_first.item_id;
    created_at := v_first.created_at;
    replayed := v_first.replayed;
    return next;
  end loop;
  perform pg_catalog.set_config('booking.placing', 'off', true);
end
$$;

-- The group's bookings, as get_booking shows each ('expired' once a hold has run out). BK006 when the group does not
-- exist or is not the guest's.
create or replace function public.get_booking_group(p_group_id uuid, p_guest_id text default null)
returns table (
  group_id         uuid,
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
stable
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
#variable_conflict use_column
begin
  return query
    select p_group_id, g.*
      from unnest(booking.owned_group(p_group_id, p_guest_id)) as x(id)
     cross join lateral public.get_booking(x.id, null) g
     order by g.check_in, g.accommodation_id, g.id;
end
$$;

-- Confirms every booking of the group, all or none; late members take their rooms again when still free (late = true).
create or replace function public.confirm_booking_group(p_group_id uuid, p_guest_id text default null)
returns table (
  group_id         uuid,
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
  late             boolean)
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '2s'
as $$
#variable_conflict use_column
declare
  v_ids  uuid[];
  v_late uuid[];
begin
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
  v_ids := booking.owned_group(p_group_id, p_guest_id);
  select array_agg(c.booking_id) filter (where c.late) into v_late from booking.confirm_all(v_ids) c;
  -- a statement of its own: its snapshot sees the confirmations
  return query
    select p_group_id, g.*, g.id = any (coalesce(v_late, '{}'))
      from unnest(v_ids) as x(id)
     cross join lateral public.get_booking(x.id, null) g
     order by g.check_in, g.accommodation_id, g.id;
end
$$;

-- Cancels every booking of the group and gives their nights back, in one transaction. Idempotent.
create or replace function public.cancel_booking_group(p_group_id uuid, p_guest_id text default null)
returns table (
  group_id         uuid,
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
as $$
#variable_conflict use_column
declare
  v_ids uuid[];
begin
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
  v_ids := booking.owned_group(p_group_id, p_guest_id);
  -- every night of the group's limited stays, in (accommodation, night) order, then the bookings
  perform 1
     from booking.night_inventory n
     join (select distinct b.accommodation_id as acc, b.check_in + g as night
             from booking.bookings b
             join booking.accommodations a on a.id = b.accommodation_id and a.total_inventory is not null
            cross join lateral pg_catalog.generate_series(0, b.check_out - b.check_in - 1) as g
            where b.id = any (v_ids) and b.status in ('pending', 'confirmed')) k
       on n.accommodation_id = k.acc and n.night = k.night
    order by n.accommodation_id, n.night
      for update of n;
  perform booking.release_bookings(v_ids, 'cancelled');
  return query select * from public.get_booking_group(p_group_id, null);
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Owners, grants, comments
-- ---------------------------------------------------------------------------------------------
alter function booking.confirm_all(uuid[]) owner to booking_owner;
alter function booking.owned_booking(uuid, text) owner to booking_owner;
alter function booking.owned_group(uuid, text) owner to booking_owner;
alter function public.confirm_booking(uuid, text) owner to booking_owner;
alter function public.confirm_booking_returning(uuid, text) owner to booking_owner;
alter function public.create_booking_returning(uuid, text, date, date, integer, interval, text, text) owner to booking_owner;
alter function public.my_create_booking(uuid, date, date, integer, text) owner to booking_owner;
alter function public.create_booking_group(text, uuid[], date[], date[], integer[], text, interval, text) owner to booking_owner;
alter function public.get_booking_group(uuid, text) owner to booking_owner;
alter function public.confirm_booking_group(uuid, text) owner to booking_owner;
alter function public.cancel_booking_group(uuid, text) owner to booking_owner;

revoke execute on all functions in schema booking from public, booking_app;
revoke execute on function public.confirm_booking_returning(uuid, text) from public;
revoke execute on function public.create_booking_returning(uuid, text, date, date, integer, interval, text, text) from public;
revoke execute on function public.my_create_booking(uuid, date, date, integer, text) from public;
revoke execute on function public.create_booking_group(text, uuid[], date[], date[], integer[], text, interval, text) from public;
revoke execute on function public.get_booking_group(uuid, text) from public;
revoke execute on function public.confirm_booking_group(uuid, text) from public;
revoke execute on function public.cancel_booking_group(uuid, text) from public;
grant execute on function public.confirm_booking_returning(uuid, text) to booking_app;
grant execute on function public.create_booking_returning(uuid, text, date, date, integer, interval, text, text) to booking_app;
grant execute on function public.create_booking_group(text, uuid[], date[], date[], integer[], text, interval, text) to booking_app;
grant execute on function public.get_booking_group(uuid, text) to booking_app;
grant execute on function public.confirm_booking_group(uuid, text) to booking_app;
grant execute on function public.cancel_booking_group(uuid, text) to booking_app;
grant execute on function public.my_create_booking(uuid, date, date, integer, text) to booking_client;

comment on function public.confirm_booking(uuid, text) is
  'Confirms a booking; idempotent. A hold that expired is confirmed late when every night still has a room (its '
  'nights taken again in the lock order; event detail {"late": true}), else BK005. Errors: BK005, BK006, BK008, BK011.';
comment on function public.confirm_booking_returning(uuid, text) is
  'confirm_booking, answering with the booking row (as get_booking) and late: whether the hold had expired. Same errors.';
comment on function public.create_booking_returning(uuid, text, date, date, integer, interval, text, text) is
  'create_booking_with_atomic_lock, answering with the booking row (as get_booking) and replayed: true when the '
  'idempotency key had booked it in an earlier call. Same errors.';
comment on function public.my_create_booking(uuid, date, date, integer, text) is
  'Holds one room for 15 minutes for the signed-in guest (the session''s verified JWT subject) and returns the booking '
  '(replayed: the same key had booked it before). Errors: as create_booking_with_atomic_lock, BK012 no signed-in guest.';
comment on function public.create_booking_group(text, uuid[], date[], date[], integer[], text, interval, text) is
  'Books 1-20 rooms (same or different accommodations and dates) for one guest, all or none, in one transaction; one '
  'idempotency key covers the group (replayed = true for a replay). Errors: the first refused room''s (BK001 naming '
  'the room type and night, BK002, BK003, BK007, BK009, BK021, BK022, BK024), BK011, 55P03.';
comment on function public.get_booking_group(uuid, text) is 'The bookings of a group (p_guest_id: only the guest''s). BK006 otherwise.';
comment on function public.confirm_booking_group(uuid, text) is
  'Confirms every booking of a group, all or none; late ones take their rooms again when free (late = true). '
  'Errors: BK005, BK006, BK008, BK011, BK022, 55P03.';
comment on function public.cancel_booking_group(uuid, text) is
  'Cancels every booking of a group and gives their nights back. Idempotent. Errors: BK006, BK011, 55P03.';
