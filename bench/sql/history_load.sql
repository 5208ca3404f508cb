-- Bench-only: bulk-loads booking history for W4, as superuser, in one statement per table.
-- Rows @From..@To of a deterministic history for one accommodation: stays of 1-7 nights spread over
-- the last three years and the next one; 70 % confirmed, 20 % cancelled, 10 % expired (no pending rows,
-- so no stale holds). Each booking also gets its 'created' event, as the function would write.
with inserted as (
  insert into booking.bookings
    (accommodation_id, guest_id, check_in, check_out, guests, status, created_at, updated_at)
  select @AccommodationId,
         'history-' || g,
         d.check_in,
         d.check_in + 1 + (g % 7),
         1 + (g % 3),
         (case when g % 10 < 7 then 'confirmed' when g % 10 < 9 then 'cancelled' else 'expired' end)::booking.booking_status,
         now() - interval '1 day',
         now() - interval '1 day'
    from generate_series(@From, @To) as g
   cross join lateral (select current_date - 1095 + ((g::bigint * 7919) % 1460)::integer as check_in) as d
  returning id, accommodation_id, created_at
)
insert into booking.booking_events (booking_id, accommodation_id, event, occurred_at)
select id, accommodation_id, 'created', created_at from inserted;
