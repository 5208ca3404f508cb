-- A new accommodation (capacity null = unlimited), logged as an inventory event by @Actor. Aliases match AccommodationRow.
select id               as "Id",
       name             as "Name",
       capacity         as "Capacity",
       max_guests       as "MaxGuests",
       time_zone        as "TimeZone",
       rooms            as "Rooms",
       rooms_in_service as "RoomsInService",
       created_at       as "CreatedAt",
       updated_at       as "UpdatedAt"
  from create_accommodation(
         p_name       => @Name,
         p_capacity   => @Capacity,
         p_max_guests => @MaxGuests,
         p_time_zone  => @TimeZone,
         p_actor      => @Actor)
