-- One page of accommodations by (name, id), after the cursor's (name, id) when given. Aliases match AccommodationRow.
select id               as "Id",
       name             as "Name",
       capacity         as "Capacity",
       max_guests       as "MaxGuests",
       time_zone        as "TimeZone",
       rooms            as "Rooms",
       rooms_in_service as "RoomsInService",
       created_at       as "CreatedAt",
       updated_at       as "UpdatedAt"
  from list_accommodations(p_limit => @Limit, p_after_name => @AfterName, p_after_id => @AfterId)
