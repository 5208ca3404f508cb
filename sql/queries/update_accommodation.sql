-- PATCH: null leaves a field unchanged; the capacity changes only with @SetCapacity (then null = unlimited).
-- Aliases match AccommodationRow.
select id               as "Id",
       name             as "Name",
       capacity         as "Capacity",
       max_guests       as "MaxGuests",
       time_zone        as "TimeZone",
       rooms            as "Rooms",
       rooms_in_service as "RoomsInService",
       created_at       as "CreatedAt",
       updated_at       as "UpdatedAt"
  from update_accommodation(
         p_accommodation_id => @AccommodationId,
         p_name             => @Name,
         p_set_capacity     => @SetCapacity,
         p_capacity         => @Capacity,
         p_max_guests       => @MaxGuests,
         p_time_zone        => @TimeZone,
         p_actor            => @Actor)
