-- 1-20 rooms for one guest, all or none, under one idempotency key (a group the batcher sends alone: BKR02, or a
-- group with no company). Raises the group's refusal. Aliases match BookingRow's properties.
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
       created_at       as "CreatedAt",
       replayed         as "Replayed"
  from create_booking_group(
         p_guest_id          => @GuestId,
         p_accommodation_ids => @AccommodationIds,
         p_check_ins         => @CheckIns,
         p_check_outs        => @CheckOuts,
         p_guests            => @Guests,
         p_idempotency_key   => @IdempotencyKey,
         p_hold_ttl          => @HoldTtl,
         p_status            => 'pending')
