select cancel_booking(@BookingId, @GuestId)
