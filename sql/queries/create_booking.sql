-- One room of an accommodation, held for @HoldTtl; the same (guest, idempotency key) returns the first booking.
select create_booking_with_atomic_lock(
  p_accommodation_id => @AccommodationId,
  p_guest_id         => @GuestId,
  p_check_in         => @CheckIn,
  p_check_out        => @CheckOut,
  p_guests           => @Guests,
  p_hold_ttl         => @HoldTtl,
  p_status           => 'pending',
  p_idempotency_key  => @IdempotencyKey)
