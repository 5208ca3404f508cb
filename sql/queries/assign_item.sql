-- @GuestId null = staff (any booking); otherwise the caller must own the booking.
select assign_accommodation_item_atomically(@BookingId, @GuestId)
