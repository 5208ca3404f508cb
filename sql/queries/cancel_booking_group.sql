-- Cancels every booking of a group and gives their nights back; idempotent.
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
  from cancel_booking_group(@GroupId, @GuestId)
