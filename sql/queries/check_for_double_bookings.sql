select issue            as "Issue",
       accommodation_id as "AccommodationId",
       night            as "Night",
       item_id          as "ItemId",
       booking_ids      as "BookingIds",
       booked           as "Booked",
       capacity         as "Capacity",
       recorded         as "Recorded"
  from check_for_double_bookings(case when @DaysBack::integer is null then null
                                     else (now() at time zone 'UTC')::date - @DaysBack::integer end)
