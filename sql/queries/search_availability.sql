-- Accommodations with a room free on every night of the stay for @Guests guests (maxGuests >= guests), by id,
-- after @After; only those in @AccommodationIds when given. available 9999 = unlimited. Aliases match AvailableAccommodationRow.
select id          as "Id",
       name        as "Name",
       max_guests  as "MaxGuests",
       time_zone   as "TimeZone",
       available   as "Available"
  from search_availability(
         p_check_in          => @CheckIn,
         p_check_out         => @CheckOut,
         p_guests            => @Guests,
         p_accommodation_ids => @AccommodationIds::uuid[],
         p_limit             => @Limit,
         p_after             => @After)
