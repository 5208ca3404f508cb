-- Closes the nights [@From, @To) to new bookings. "Bookings" is jsonb: the active bookings already on those nights,
-- [{bookingId, guestId, checkIn, checkOut, status}]. Aliases match ClosureRow.
select true              as "AccommodationExists",
       id                as "Id",
       from_night        as "From",
       to_night          as "To",
       reason            as "Reason",
       created_by        as "CreatedBy",
       created_at        as "CreatedAt",
       bookings::text    as "Bookings"
  from add_closure(p_accommodation_id => @AccommodationId, p_from => @From, p_to => @To, p_reason => @Reason,
                   p_actor => @Actor)
