-- One row per night of [@From, @To): rooms on sale (null: unlimited), active bookings, rooms free (9999: unlimited),
-- closed. Takes no lock. Aliases match CalendarRow.
select night     as "Night",
       capacity  as "Capacity",
       booked    as "Booked",
       available as "Available",
       closed    as "Closed"
  from accommodation_calendar(@AccommodationId, @From, @To)
