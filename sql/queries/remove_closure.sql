-- Removes one closure; answers the removed closure. Aliases match ClosureRow.
select true        as "AccommodationExists",
       id          as "Id",
       from_night  as "From",
       to_night    as "To",
       reason      as "Reason",
       created_by  as "CreatedBy",
       created_at  as "CreatedAt"
  from remove_closure(p_accommodation_id => @AccommodationId, p_closure_id => @ClosureId, p_actor => @Actor)
