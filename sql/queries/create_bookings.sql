-- Many booking requests in one transaction (BookingBatcher): one row per room, in request order; either
-- the booking (ErrorCode null) or the SQLSTATE and message the single call would have raised. Rooms with the same
-- @Groups number are one group (all or none, one guest and key); null = a booking on its own.
-- Dapper splits each row at "Id" into the outcome and the BookingRow (null when refused).
select ordinal          as "Ordinal",
       error_code       as "ErrorCode",
       error_message    as "ErrorMessage",
       id               as "Id",
       accommodation_id as "AccommodationId",
       guest_id         as "GuestId",
       check_in         as "CheckIn",
       check_out        as "CheckOut",
       guests           as "Guests",
       status           as "Status",
       hold_expires_at  as "HoldExpiresAt",
       item_id          as "ItemId",
       created_at       as "CreatedAt",
       group_id         as "GroupId",
       replayed         as "Replayed"
  from create_bookings(
         p_accommodation_ids => @AccommodationIds,
         p_guest_ids         => @GuestIds,
         p_check_ins         => @CheckIns,
         p_check_outs        => @CheckOuts,
         p_guests            => @Guests,
         p_idempotency_keys  => @IdempotencyKeys,
         p_hold_ttl          => @HoldTtl,
         p_status            => 'pending',
         p_groups            => @Groups)
