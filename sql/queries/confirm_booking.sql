select confirm_booking(@BookingId, @GuestId)
