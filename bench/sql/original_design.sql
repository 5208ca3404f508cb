-- Bench-only: the ORIGINAL design, kept as a labelled reference for ./bench. Never installed by the
-- migrations and never reachable by booking_app.
--
-- Shape of the original: lock the accommodation row, count bookings overlapping the requested range,
-- insert. One change was needed so it runs at all (KNOWN-DEFECTS 1: `select count(*) ... for update`
-- is rejected by PostgreSQL): the row is locked first, then counted. The per-range count (defect 2)
-- is kept, it is the original's semantics and costs the same as a per-night count here.
-- Its bookings go to a table of their own, so the product's counters and audit stay untouched.
create schema if not exists bench_original;

create table bench_original.bookings (
  id               uuid primary key default gen_random_uuid(),
  accommodation_id uuid not null references booking.accommodations (id),
  guest_id         text not null,
  check_in         date not null,
  check_out        date not null,
  guests           integer not null default 1,
  status           text not null default 'pending' check (status in ('pending', 'confirmed', 'cancelled')),
  created_at       timestamptz not null default now(),
  check (check_out > check_in)
);
-- the index the overlap count needs; without it every booking would scan the whole table
create index bookings_by_accommodation_dates on bench_original.bookings (accommodation_id, check_in, check_out);

create function bench_original.create_booking(
  p_accommodation_id uuid, p_guest_id text, p_check_in date, p_check_out date)
returns uuid
language plpgsql
set search_path = pg_catalog, bench_original, booking, pg_temp
as $$
declare
  v_capacity integer;
  v_taken    integer;
  v_id       uuid;
begin
  -- the one lock of the original: every booking of an accommodation queues on its row
  select a.total_inventory into v_capacity
    from booking.accommodations a where a.id = p_accommodation_id
     for update;
  if not found then
    raise exception using errcode = 'BK002', message = 'This accommodation does not exist.';
  end if;

  select count(*) into v_taken
    from bench_original.bookings b
   where b.accommodation_id = p_accommodation_id
     and b.status in ('pending', 'confirmed')
     and b.check_in < p_check_out and b.check_out > p_check_in;
  if v_capacity is not null and v_taken >= v_capacity then
    raise exception using errcode = 'BK001', message = 'Fully booked.';
  end if;

  insert into bench_original.bookings (accommodation_id, guest_id, check_in, check_out)
  values (p_accommodation_id, p_guest_id, p_check_in, p_check_out)
  returning id into v_id;
  return v_id;
end
$$;

-- The original's own oversell check, per night (it has no counters to drift).
create function bench_original.oversold_nights()
returns bigint
language sql
stable
set search_path = pg_catalog, bench_original, booking, pg_temp
as $$
  select count(*) from (
    select b.accommodation_id, b.check_in + i as night, count(*) as booked
      from bench_original.bookings b
     cross join lateral generate_series(0, b.check_out - b.check_in - 1) as i
     where b.status in ('pending', 'confirmed')
     group by 1, 2
  ) n
  join booking.accommodations a on a.id = n.accommodation_id
  where a.total_inventory is not null and n.booked > a.total_inventory
$$;
