-- Bench-only baseline, never on main (issue 12, runs 6-8): b31c446's three functions whose stale-hold lookups could take
-- bookings_live_by_check_out in their generic plans and read every live booking, with main's fix ("b.check_out + 0")
-- and nothing else changed, so "before" keeps the same indexes as main and measures the hot path without that defect.
-- Use: git worktree add ../before b31c446 && cp bench/sql/baselines/b31c446_check_out_plus_zero.sql \
--        ../before/sql/migrations/202611300302_bench_before_check_out_plus_zero.sql && (cd ../before && ./bench.sh --only C,W1,W2,W6)
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
  v_now        timestamptz := pg_catalog.clock_timestamp();
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
  -- READ COMMITTED or nothing: see booking.raise_not_read_committed
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    perform booking.raise_not_read_committed();
  end if;
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
         and b.status = 'pending' and b.hold_expires_at <= v_now
         and b.check_in < p_check_out and b.check_out + 0 > p_check_in) s on a.total_inventory is not null
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
  v_n        integer := coalesce(cardinality(p_accommodation_ids), 0);
  v_now      timestamptz := pg_catalog.clock_timestamp();
  v_today    date := (now() at time zone 'UTC')::date;
  v_code     text[];
  v_msg      text[];
  v_ids      uuid[];
  v_cap      integer[];
  v_known    uuid[];
  v_known_cap integer[];
  v_missing  integer[];
  v_full     date[];
  v_stale    uuid[];
  v_inserted uuid[];
  v_key      text[];
  v_night    date[];
  v_reserved integer[];
  v_lock_acc uuid[];
  v_tid      tid[];
  v_delta    integer[];
  v_rejected uuid[] := '{}';
  v_found    booking.bookings;
  v_problem  record;
  v_first    date;
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

  select array_agg(a.id), array_agg(a.total_inventory) into v_known, v_known_cap
    from booking.accommodations a where a.id = any (p_accommodation_ids);

  for i in 1 .. v_n loop
    if p_check_ins[i] is null or p_check_outs[i] is null or not pg_catalog.isfinite(p_check_ins[i])
       or not pg_catalog.isfinite(p_check_outs[i]) or p_check_outs[i] <= p_check_ins[i]
       or p_check_outs[i] - p_check_ins[i] > 365 or p_check_ins[i] < v_today - 1 or p_check_ins[i] > v_today + 730
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
    v_cap[i] := v_known_cap[j];
    v_ids[i] := gen_random_uuid();
  end loop;

  -- One snapshot: per request, how many night rows are missing and the first night already full; and the
  -- stale holds on any requested night (released below, under the night locks). The per-request lookups are
  -- LATERAL subqueries that cannot be flattened (aggregate, offset 0), so each is an index range scan
  -- whatever the generic plan guesses about the arrays' length.
  select array_agg(x.missing order by x.ord), array_agg(x.full_night order by x.ord)
    into v_missing, v_full
    from (select r.ord,
                 case when r.id is null or r.cap is null then 0 else (r.cout - r.cin) - f.nights end as missing,
                 f.full_night
            from unnest(v_ids, p_accommodation_ids, p_check_ins, p_check_outs, v_cap) with ordinality as r(id, acc, cin, cout, cap, ord)
            cross join lateral (
              select count(*)::integer as nights, min(n.night) filter (where n.reserved >= r.cap) as full_night
                from booking.night_inventory n
               where r.id is not null and r.cap is not null
                 and n.accommodation_id = r.acc and n.night >= r.cin and n.night < r.cout) f) x;
  select array_agg(distinct s.id) into v_stale
    from unnest(v_ids, p_accommodation_ids, p_check_ins, p_check_outs, v_cap) as r(id, acc, cin, cout, cap)
    cross join lateral (
      select b.id
        from booking.bookings b
       where b.accommodation_id = r.acc and b.status = 'pending' and b.hold_expires_at <= v_now
         and b.check_in < r.cout and b.check_out + 0 > r.cin
      offset 0) s
   where r.id is not null and r.cap is not null;

  j := 0;
  for i in 1 .. v_n loop
    -- A night seen full in a committed snapshot stays full until a booking on it is released; without a stale
    -- hold to release, refuse now without writing. (Keyed requests go on: a replay must find its booking.)
    if v_full[i] is not null and v_stale is null and p_idempotency_keys[i] is null then
      v_code[i] := 'BK001';
      v_msg[i] := booking.fully_booked_message(v_cap[i], v_full[i]);
      v_ids[i] := null;
    end if;
    j := j + coalesce(v_missing[i], 0);
  end loop;
  if j > 0 then
    -- before any lock is held: an insert meeting another booker's new night row waits for that booker
    insert into booking.night_inventory (accommodation_id, night)
    select distinct r.acc, r.cin + g
      from unnest(v_ids, p_accommodation_ids, p_check_ins, p_check_outs, v_cap) as r(id, acc, cin, cout, cap)
     cross join lateral pg_catalog.generate_series(0, r.cout - r.cin - 1) as g
     where r.id is not null and r.cap is not null
     order by 1, 2
    on conflict do nothing;
  end if;

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
  select array_agg(l.acc::text || l.night::text), array_agg(l.reserved), array_agg(l.tid)
    into v_key, v_reserved, v_tid
    from (select n.accommodation_id as acc, n.night, n.reserved, n.ctid as tid
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

  -- Greedy in request order: a request gets its room when every one of its nights still has one.
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
        if v_reserved[j] + v_delta[j] >= v_cap[i] then
          v_first := v_night[j];
          exit;
        end if;
      end loop;
      if v_first is null then
        for j in k - (p_check_outs[i] - p_check_ins[i]) + 1 .. k loop
          v_delta[j] := v_delta[j] + 1;
        end loop;
      else
        v_code[i] := 'BK001';
        v_msg[i] := booking.fully_booked_message(v_cap[i], v_first);
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
  v_n    integer := coalesce(cardinality(p_accommodation_ids), 0);
  v_code text[];
  v_msg  text[];
  v_text text;
  v_now  timestamptz := pg_catalog.clock_timestamp();
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

  -- Per question: capacity minus the busiest night, where a stale hold (expired, not yet released) no longer
  -- counts. LATERAL subqueries that cannot be flattened: index lookups whatever the generic plan guesses.
  return query
    select r.ord::integer,
           case when r.code is not null or a.id is null then null
                when a.total_inventory is null then 9999
                else greatest(a.total_inventory - coalesce(u.used, 0), 0) end,
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
             and b.check_in < r.cout and b.check_out + 0 > r.cin)
        select max(n.reserved - (select count(*) from stale s where s.check_in <= n.night and s.check_out > n.night))::integer as used
          from booking.night_inventory n
         where n.accommodation_id = r.acc and n.night >= r.cin and n.night < r.cout) u
        on a.total_inventory is not null
     order by r.ord;
end
$$;

