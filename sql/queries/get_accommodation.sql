-- One accommodation (room type). No row when unknown. Aliases match AccommodationRow's properties.
select id               as "Id",
       name             as "Name",
       capacity         as "Capacity",
       max_guests       as "MaxGuests",
       time_zone        as "TimeZone",
       rooms            as "Rooms",
       rooms_in_service as "RoomsInService",
       created_at       as "CreatedAt",
       updated_at       as "UpdatedAt"
  from get_accommodation(@AccommodationId)
