-- One room of an accommodation, held for @HoldTtl, answered with the booking row in the same round trip;
-- the same (guest, idempotency key) returns the first booking (Replayed: true). Aliases match BookingRow's properties.
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
       replayed         as "Replayed"
  from create_booking_returning(
         p_accommodation_id => @AccommodationId,
         p_guest_id         => @GuestId,
         p_check_in         => @CheckIn,
         p_check_out        => @CheckOut,
         p_guests           => @Guests,
         p_hold_ttl         => @HoldTtl,
         p_status           => 'pending',
         p_idempotency_key  => @IdempotencyKey)
