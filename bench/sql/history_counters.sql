-- Bench-only: makes the per-night rows of one accommodation match its bookings again after a bulk load,
-- exactly as the booking function would have kept them: pending + confirmed per night, and capacity /
-- closure / placement from booking.night_settings (the same source booking.ensure_nights writes from),
-- so check_for_double_bookings() stays clean. Runs while nothing else books that accommodation.
with counts as (
  select b.check_in + i as night, count(*)::integer as reserved
    from booking.bookings b
   cross join lateral generate_series(0, b.check_out - b.check_in - 1) as i
   where b.accommodation_id = @AccommodationId
     and b.status in ('pending', 'confirmed')
   group by 1
), span as (
  select min(night) as first_night, max(night) + 1 as after_last from counts
)
insert into booking.night_inventory (accommodation_id, night, reserved, capacity, closed, placement)
select @AccommodationId, c.night, c.reserved, s.capacity, s.closed, s.placement
  from counts c
  join span on true
  join booking.night_settings(@AccommodationId, span.first_night, span.after_last) s on s.night = c.night
 order by c.night
on conflict (accommodation_id, night) do update set reserved = excluded.reserved;
