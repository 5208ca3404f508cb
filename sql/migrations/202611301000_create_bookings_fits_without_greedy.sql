-- =============================================================================================
-- 202611301000_create_bookings_fits_without_greedy
-- create_bookings (202611300900) again, with the same answers, locks and lock order. Issue 12 asks that the hot path
-- not lose more than 10 % to inventory operations; bench W1 had still lost 19 %. pgbench (16-request batches) put about
-- 0.1 ms of a 1.45 ms call in the greedy loop, which on an ordinary batch decides nothing: every night has room for
-- every request on it. Now, without stale holds, the lock sweep also checks each night against all of the batch's
-- rooms on it; when every night takes them all, every request is granted whatever the order, and the counters go up
-- in one statement. Otherwise (a night full, closed or placing, or stale holds to release) the greedy loop decides as
-- before, from the rows' values read again under the locks.
-- (A set-based form of the per-request checks was tried as well and kept out: one statement over the batch took
-- 85 µs where the loop takes 45.)
-- =============================================================================================

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
set jit = off
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
  v_fits       boolean;     -- every locked night takes all of the batch's rooms on it: the greedy loop is skipped
  v_locked     integer;
  v_missing_total integer;  -- night rows missing over the batch: none (the usual case) skips the steps that add them
  v_flagged    boolean;     -- some request has a full, closed or placement night: only then the up-front refusals run
  v_unlimited  boolean;     -- some request is for an unlimited accommodation: only then its closures are read
  v_tid        tid[];
  v_demand     integer[];   -- per locked night (no stale holds): how many of the batch's rooms it holds
  v_delta      integer[];
  v_granted    integer[];   -- the requests of the unit being tried whose rooms are already counted
  v_at         integer;
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
  if p_groups is null then
    v_unit := array(select pg_catalog.generate_series(1, v_n));
  else
    select array_agg(u.unit order by u.ord) into v_unit
      from (select r.ord, case when r.grp is null then r.ord::integer
                               else min(r.ord) over (partition by r.grp)::integer end as unit
              from unnest(p_groups) with ordinality as r(grp, ord)) u;
  end if;

  select array_agg(a.id), array_agg(a.total_inventory), array_agg(a.max_guests), array_agg(booking.property_today(a.time_zone)),
         array_agg(a.name)
    into v_known, v_known_cap, v_known_max, v_known_day, v_known_name
    from booking.accommodations a where a.id = any (p_accommodation_ids);

  for i in 1 .. v_n loop
    -- only a group's request can be refused before its own checks (outside groups every step below is its first)
    if p_groups is not null then
      if v_unit[i] <> i then
        -- a group shares one guest and one key (the group's), and has at most 20 rooms
        if p_guest_ids[i] is distinct from p_guest_ids[v_unit[i]]
           or p_idempotency_keys[i] is distinct from p_idempotency_keys[v_unit[i]] then
          v_code[v_unit[i]] := 'BK009';
          v_msg[v_unit[i]] := 'The rooms of a group share one guest and one idempotency key.';
        end if;
      end if;
      -- nested: a condition holding a subquery is run by the executor on every evaluation, even when it is false
      if p_groups[i] is not null and i = v_unit[i] and (select count(*) from unnest(v_unit) u where u = i) > 20 then
        v_code[i] := 'BK009';
        v_msg[i] := 'A group books 1 to 20 rooms.';
      end if;
      continue when v_code[i] is not null;
    end if;
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
  if p_groups is not null then -- without groups both change nothing: a refusal outside a group clears its id itself
    select r.codes, r.messages, r.causes into v_code, v_msg, v_cause from booking.group_refusals(v_unit, p_groups, v_code, v_msg, v_name, v_cause) r;
    v_ids := booking.without_refused(v_ids, v_code);
  end if;

  -- One snapshot: per request, how many night rows are missing, the first full and the first closed night, and
  -- whether a night sends it to the placing path; and the stale holds on any requested night (released below,
  -- under the night locks). The per-request lookups are LATERAL subqueries that cannot be flattened (aggregate,
  -- offset 0), so each is an index range scan whatever the generic plan guesses about the arrays' length.
  select array_agg(x.missing), array_agg(x.full_night), array_agg(x.closed_night), array_agg(x.placement),
         coalesce(sum(x.missing), 0)::integer,
         coalesce(bool_or(x.full_night is not null or x.closed_night is not null or x.placement), false),
         coalesce(bool_or(x.unlimited), false)
    into v_missing, v_full, v_closed, v_place, v_missing_total, v_flagged, v_unlimited
    from (select r.ord,
                 case when r.id is null or r.cap is null then 0 else (r.cout - r.cin) - f.nights end as missing,
                 f.full_night, f.closed_night, f.placement, r.id is not null and r.cap is null as unlimited
            from unnest(v_ids, p_accommodation_ids, p_check_ins, p_check_outs, v_cap) with ordinality as r(id, acc, cin, cout, cap, ord)
            cross join lateral (
              select count(*)::integer as nights,
                     min(n.night) filter (where n.reserved >= n.capacity) as full_night,
                     min(n.night) filter (where n.closed) as closed_night,
                     coalesce(bool_or(n.placement), false) as placement
                from booking.night_inventory n
               where r.id is not null and r.cap is not null
                 and n.accommodation_id = r.acc and n.night >= r.cin and n.night < r.cout) f
           order by r.ord) x; -- sorted once, aggregated in that order
  -- nights without a row yet: their placement flag is still to be computed, from the rooms
  if v_missing_total > 0 then
    for i in 1 .. v_n loop
      if v_ids[i] is not null and v_cap[i] is not null and v_missing[i] > 0 and not v_place[i] then
        v_place[i] := booking.rooms_retire_after(p_accommodation_ids[i],
                                                 v_known_day[array_position(v_known, p_accommodation_ids[i])]);
        v_flagged := v_flagged or v_place[i];
      end if;
    end loop;
  end if;
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

  if v_flagged then
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
  end if;
  if p_groups is not null then -- without groups both change nothing: a refusal outside a group clears its id itself
    select r.codes, r.messages, r.causes into v_code, v_msg, v_cause from booking.group_refusals(v_unit, p_groups, v_code, v_msg, v_name, v_cause) r;
    v_ids := booking.without_refused(v_ids, v_code);
  end if;

  -- Accommodation rows first (the head of the lock order), in id order, in one statement: KEY SHARE on every
  -- unlimited accommodation of the batch (orders it with a closure or a capacity switch) and on every limited one
  -- whose missing night rows this call creates (their settings must be the committed ones). This gate and the next
  -- may count a request refused since the snapshot: the statements they open filter on the requests still standing.
  if v_missing_total > 0 or v_unlimited then
    perform 1
       from booking.accommodations a
      where a.id in (select r.acc
                       from unnest(v_ids, p_accommodation_ids, v_cap, v_missing) as r(id, acc, cap, missing)
                      where r.id is not null and (r.cap is null or r.missing > 0))
      order by a.id
        for key share;
  end if;
  if v_missing_total > 0 then
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
  if v_unlimited then
    for i in 1 .. v_n loop
      continue when v_ids[i] is null or v_cap[i] is not null;
      v_first := booking.first_closed_night(p_accommodation_ids[i], p_check_ins[i], p_check_outs[i]);
      if v_first is not null and p_idempotency_keys[i] is null then
        v_code[i] := 'BK021';
        v_msg[i] := booking.closed_message(v_first);
        v_ids[i] := null;
      end if;
    end loop;
  end if;
  if p_groups is not null then -- without groups both change nothing: a refusal outside a group clears its id itself
    select r.codes, r.messages, r.causes into v_code, v_msg, v_cause from booking.group_refusals(v_unit, p_groups, v_code, v_msg, v_name, v_cause) r;
    v_ids := booking.without_refused(v_ids, v_code);
  end if;

  -- Groups: one row each, its key the group's. A key that booked a group before: that group is the answer (a replay)
  -- when its rooms are the same request, else BK007; no booking of this group is written.
  if p_groups is not null then -- no group rows without groups
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
  end if;

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
  if v_unlimited then
    for i in 1 .. v_n loop
      continue when v_ids[i] is null or v_cap[i] is not null or not (v_ids[i] = any (v_inserted));
      v_first := booking.first_closed_night(p_accommodation_ids[i], p_check_ins[i], p_check_outs[i]);
      if v_first is not null then
        v_code[i] := 'BK021';
        v_msg[i] := booking.closed_message(v_first);
      end if;
    end loop;
  end if;
  if p_groups is not null then -- without groups it changes nothing: no statement per step on the hot path
    select r.codes, r.messages, r.causes into v_code, v_msg, v_cause from booking.group_refusals(v_unit, p_groups, v_code, v_msg, v_name, v_cause) r;
  end if;

  -- Every night row the new bookings and the stale holds cover, sorted and distinct, then locked in that
  -- (accommodation, night) order. Joined from an array, the lock query probes the primary key per night once
  -- the table is large, and reads the whole (small) table otherwise.
  -- Without stale holds (the usual case) bookings is not read at all: this function's plans are generic and
  -- cached per session, so a pooled connection that planned while bookings was small would otherwise scan the
  -- whole table on every call for an empty v_stale (bench W1: 3.8 ms and 960 pages per call after 30 s).
  -- Without stale holds each night also carries the batch's rooms on it (v_demand), for the check under the lock.
  if v_stale is null then
    select array_agg(k.acc), array_agg(k.night), array_agg(k.demand)
      into v_lock_acc, v_night, v_demand
      from (select r.acc, r.cin + g as night, count(*)::integer as demand
              from unnest(v_ids, p_accommodation_ids, p_check_ins, p_check_outs, v_cap, v_code) as r(id, acc, cin, cout, cap, code)
             cross join lateral pg_catalog.generate_series(0, r.cout - r.cin - 1) as g
             where r.id = any (v_inserted) and r.cap is not null and r.code is null
             group by r.acc, r.cin + g
             order by r.acc, r.cin + g) k; -- sorted once, aggregated in that order (as the lock sweep below)
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
  -- below finds its rows by address instead of searching again. v_fits: every night is open, not a placement night
  -- (unless placing) and takes all of the batch's rooms on it; then every request is granted, whatever the order,
  -- and the counters go up by v_demand without the greedy loop (the usual batch). Never true with stale holds.
  select array_agg(l.tid), array_agg(l.demand), count(*)::integer,
         coalesce(bool_and((not l.closed and not (l.placement and not v_placing)
                            and l.reserved + l.demand <= l.capacity) is true), false)
    into v_tid, v_delta, v_locked, v_fits
    from (select n.ctid as tid, n.reserved, n.capacity, n.closed, n.placement, k.demand
            from booking.night_inventory n
            join unnest(v_lock_acc, v_night, v_demand) as k(acc, night, demand) on n.accommodation_id = k.acc and n.night = k.night
           order by n.accommodation_id, n.night
             for update of n) l;
  if v_locked <> coalesce(cardinality(v_night), 0) then
    raise exception 'not every night row of this batch exists';
  end if;
  if v_fits then
    update booking.night_inventory n
       set reserved = n.reserved + d.delta
      from unnest(v_tid, v_delta) as d(tid, delta)
     where n.ctid = d.tid;
  elsif v_locked > 0 then
    -- under the locks taken above: these are the rows' last versions
    select array_agg(n.accommodation_id::text || n.night::text order by n.accommodation_id, n.night),
           array_agg(n.reserved order by n.accommodation_id, n.night), array_agg(n.ctid order by n.accommodation_id, n.night),
           array_agg(n.capacity order by n.accommodation_id, n.night), array_agg(n.closed order by n.accommodation_id, n.night),
           array_agg(n.placement order by n.accommodation_id, n.night)
      into v_key, v_reserved, v_tid, v_capn, v_closedn, v_placen
      from booking.night_inventory n
      join unnest(v_lock_acc, v_night) as k(acc, night) on n.accommodation_id = k.acc and n.night = k.night;
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
  -- rooms is open and still has one, counting the rooms of the group before it. A room granted goes straight into
  -- the counts; when a later room of its group is refused, the group's granted rooms are taken out again. (A request
  -- outside a group is refused before anything is counted for it: one check per night, no copy of the counts.)
  if v_key is not null then
    v_delta := array_fill(0, array[cardinality(v_key)]);
    for m in 1 .. v_n loop
      continue when v_unit[m] <> m;
      v_ok := true;
      v_granted := '{}';
      -- a request outside a group is its own unit: only it is tried for unit m
      for i in m .. case when p_groups is null then m else v_n end loop
        continue when v_unit[i] <> m or v_ids[i] is null or v_cap[i] is null or not (v_ids[i] = any (v_inserted))
                   or v_code[i] is not null;
        j := array_position(v_key, p_accommodation_ids[i]::text || p_check_ins[i]::text);
        k := j + (p_check_outs[i] - p_check_ins[i]) - 1;
        if j is null or v_night[k] is distinct from p_check_outs[i] - 1 then
          raise exception 'night rows of booking % are not all locked', v_ids[i];
        end if;
        v_first := null;
        for j in j .. k loop
          continue when not ((v_placen[j] and not v_placing) or v_closedn[j] or v_reserved[j] + v_delta[j] >= v_capn[j]);
          v_first := v_night[j];
          v_at := j;
          exit;
        end loop;
        if v_first is null then
          for j in k - (p_check_outs[i] - p_check_ins[i]) + 1 .. k loop
            v_delta[j] := v_delta[j] + 1;
          end loop;
          if p_groups is not null then
            v_granted := v_granted || i;
          end if;
        else
          v_ok := false;
          if v_placen[v_at] and not v_placing then
            v_code[i] := 'BKR02';
            v_msg[i] := 'Book this request alone (create_booking_with_atomic_lock, or create_booking_group for a group): a room of this accommodation retires on a future date.';
          elsif v_closedn[v_at] then
            v_code[i] := 'BK021';
            v_msg[i] := booking.closed_message(v_first);
          else
            v_code[i] := 'BK001';
            v_msg[i] := booking.fully_booked_message(v_capn[v_at], v_first);
          end if;
          exit;
        end if;
      end loop;
      if not v_ok then
        foreach i in array v_granted loop
          j := array_position(v_key, p_accommodation_ids[i]::text || p_check_ins[i]::text);
          for j in j .. j + (p_check_outs[i] - p_check_ins[i]) - 1 loop
            v_delta[j] := v_delta[j] - 1;
          end loop;
        end loop;
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
  if cardinality(pg_catalog.array_remove(v_code, null)) > 0 then
    select coalesce(array_agg(r.id), '{}') into v_rejected
      from unnest(v_ids, v_code) as r(id, code)
     where r.code is not null and r.id = any (v_inserted);
    if cardinality(v_rejected) > 0 then
      delete from booking.bookings b where b.id = any (v_rejected);
    end if;
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
  -- Only a request with an id that was not inserted can be one (every inserted id is in v_inserted).
  if cardinality(v_inserted) < cardinality(pg_catalog.array_remove(v_ids, null)) then
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
  end if;

  -- Groups sent twice in this call: the copy gets its twin's answer (the same rooms in any order), as a replay when
  -- the twin was booked; other rooms under the same key are BK007.
  if p_groups is not null then -- only groups have twins
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
  end if;

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

alter function public.create_bookings(uuid[], text[], date[], date[], integer[], text[], interval, text, integer[]) owner to booking_owner;
revoke execute on function public.create_bookings(uuid[], text[], date[], date[], integer[], text[], interval, text, integer[]) from public;
grant execute on function public.create_bookings(uuid[], text[], date[], date[], integer[], text[], interval, text, integer[]) to booking_app;
