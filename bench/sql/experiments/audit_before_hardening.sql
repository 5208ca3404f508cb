-- Bench-only experiment (./bench.sh --only W4 --experiment audit_before_hardening): the audit as it was before
-- 202611300102_audit_scope, for the before/after rows W4u / W4y. Its indexes are dropped and the function gets the
-- old body back: every booking of the history read (cancelled and expired included), two passes over the nights,
-- item overlaps by a self-join. p_from is accepted and ignored: the monitor audited the whole history on every run.
drop index if exists booking.bookings_by_item;
drop index if exists booking.bookings_live_by_check_out;
drop index if exists booking.night_inventory_by_night;

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
