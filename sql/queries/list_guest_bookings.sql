-- One page of the caller's bookings, newest first. Aliases match BookingRow.
select id               as "Id",
       accommodation_id as "AccommodationId",
       guest_id         as "GuestId",
       check_in         as "CheckIn",
       check_out        as "CheckOut",
       guests           as "Guests",
       status           as "Status",
       hold_expires_at  as "HoldExpiresAt",
       item_id          as "ItemId",
       created_at       as "CreatedAt"
  from list_guest_bookings(p_guest_id => @GuestId, p_limit => @Limit,
                           p_before_created_at => @BeforeCreatedAt, p_before_id => @BeforeId)
