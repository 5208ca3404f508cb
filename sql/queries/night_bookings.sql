-- The active bookings on one night (staff board), behind one row that says whether the accommodation exists (see
-- list_items.sql). Aliases match NightBookingRow.
select a.id is not null   as "AccommodationExists",
       b.id               as "Id",
       b.guest_id         as "GuestId",
       b.check_in         as "CheckIn",
       b.check_out        as "CheckOut",
       b.guests           as "Guests",
       b.status           as "Status",
       b.hold_expires_at  as "HoldExpiresAt",
       b.item_id          as "ItemId",
       b.item_label       as "ItemLabel"
  from (select 1) one
  left join get_accommodation(@AccommodationId) a on true
  left join lateral (select * from accommodation_night_bookings(a.id, @Night) where a.id is not null) b on true
 order by b.check_in, b.id
