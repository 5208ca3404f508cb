-- Bench-only: makes the per-night counters of one accommodation match its bookings again after a bulk
-- load, exactly as the booking function would have kept them (pending + confirmed per night), so
-- check_for_double_bookings() stays clean. Runs while nothing else books that accommodation.
insert into booking.night_inventory (accommodation_id, night, reserved)
select b.accommodation_id, b.check_in + i, count(*)
  from booking.bookings b
 cross join lateral generate_series(0, b.check_out - b.check_in - 1) as i
 where b.accommodation_id = @AccommodationId
   and b.status in ('pending', 'confirmed')
 group by 1, 2
on conflict (accommodation_id, night) do update set reserved = excluded.reserved;
