-- The bookings of a group; @GuestId null = staff (any group). BK006 when it is not there (or not the guest's).
select group_id         as "GroupId",
       id               as "Id",
       accommodation_id as "AccommodationId",
       guest_id         as "GuestId",
       check_in         as "CheckIn",
       check_out        as "CheckOut",
       guests           as "Guests",
       status           as "Status",
       hold_expires_at  as "HoldExpiresAt",
       item_id          as "ItemId",
       created_at       as "CreatedAt"
  from get_booking_group(@GroupId, @GuestId)
