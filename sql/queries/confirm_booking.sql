-- @GuestId null = staff (any booking). Answers with the booking; Late: its hold had expired and its nights were
-- taken again (a late confirmation). BK005 when the room is gone.
select id               as "Id",
       accommodation_id as "AccommodationId",
       guest_id         as "GuestId",
       check_in         as "CheckIn",
       check_out        as "CheckOut",
       guests           as "Guests",
       status           as "Status",
       hold_expires_at  as "HoldExpiresAt",
       item_id          as "ItemId",
       created_at       as "CreatedAt",
       late             as "Late"
  from confirm_booking_returning(@BookingId, @GuestId)
