-- =============================================================================================
-- 202611301002_repack_with_lapsed_holds
-- Room plans (booking.plan_rooms) and the re-pack of an assignment (booking.assign_by_repacking) again, for two races
-- found by DatabaseRaceFuzzTests (a 200-caller round answered 23P01 from bookings_item_not_shared):
--   * Every caller of plan_rooms (assignment's re-pack, placing while a room retires, retiring a room) reads the clock,
--     then waits for its locks, then plans; plan_rooms read the clock again and left out holds that had run out in
--     between. Such a hold still has its room until something releases it, so the plan could put another stay in that
--     room, and writing it broke the exclusion constraint. A hold that has run out and still has its room is now
--     planned as pinned to it (InventoryOperationsTests.A_hold_running_out_while_a_repack_waits_for_its_locks_...).
--   * assign_by_repacking read the stay cluster (the window it plans over) before it held every room; an assignment
--     made meanwhile could give a room to a new stay reaching past that window, and the plan, blind past the window,
--     could move a stay into a room held there. The cluster is read again once every room is locked.
-- Same signatures, owners and grants (CREATE OR REPLACE keeps them).
-- =============================================================================================

-- A room for every active stay (ending after p_today) that overlaps [p_from, p_to): started stays with a room
-- keep it (they never move), so do stays not in p_movable; the others are placed in check-in order, each in its
-- current room when that is free, else in a free room in service for its whole stay — first one that no stay still
-- to be placed holds for an overlapping night (so a placement does not push a held room's stay out of it), then
-- any; while a room retires on a future date, among those the one that retires first, so long-lived rooms stay
-- free for long stays. Stays without a room are planned only when p_unassigned is null or lists them (assignment
-- plans the one stay it places; the counts promise the others a room later). item is null for a stay that cannot
-- be placed. A hold that has run out but still has its room (not released yet: the exclusion constraint still counts
-- it) keeps that room, pinned: never moved and never "cannot be placed" (callers read the clock before they wait for
-- their locks, so a hold can run out between their locks and this plan). Reads only; the caller holds the locks and
-- writes the plan.
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
  v_lapsed  boolean[];  -- a hold that has run out and still has its room: it keeps that room
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
         array_agg(y.item_id order by y.ord), array_agg(y.fixed order by y.ord), array_agg(y.next_holder order by y.ord),
         array_agg(y.lapsed order by y.ord)
    into v_ids, v_in, v_out, v_room, v_fixed, v_next, v_lapsed
    from (select x.*, case when x.item_id is not null
                           then pg_catalog.lead(x.ord) over (partition by x.item_id order by x.ord) end as next_holder
            from (select b.id, b.check_in, b.check_out, b.item_id, f.fixed, f.lapsed,
                         row_number() over (order by f.fixed desc, b.check_in, b.check_out, b.id)::integer as ord
                    from booking.bookings b
                   cross join lateral (select b.status = 'pending' and b.hold_expires_at <= v_now as lapsed) l
                   cross join lateral (select b.item_id is not null
                                              and (b.check_in <= p_today or (p_movable is not null and b.id <> all (p_movable))
                                                   or l.lapsed) as fixed,
                                              l.lapsed) f
                   where b.accommodation_id = p_accommodation_id
                     and (b.status = 'confirmed' or (b.status = 'pending' and (b.hold_expires_at > v_now or b.item_id is not null)))
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
      if v_fits or (v_lapsed[s] and k is not null) then
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

  -- With every room locked no room changes hands any more; before, while this call waited for its locks, another
  -- assigner may have given a room to a new stay that reaches past the cluster read above. Plan over the cluster as it
  -- is now, so no stay is moved into a room that a stay outside the window holds (stays of it not locked above are
  -- pinned: plan_rooms keeps the rooms of stays not in p_movable).
  select least(v_from, c.first_night), greatest(v_to, c.last_out) into v_from, v_to
    from booking.stay_cluster(v_booking.accommodation_id, v_today, v_from, v_to) c;

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
