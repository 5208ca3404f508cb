-- Retires a room from @RetiredFrom on (null: back in service), moving its future stays in the same transaction.
-- "Moved" is jsonb: [{bookingId, fromItemId, itemId}]. Aliases match ItemRow.
select true           as "AccommodationExists",
       id             as "Id",
       label          as "Label",
       retired_from   as "RetiredFrom",
       in_service     as "InService",
       created_at     as "CreatedAt",
       moved::text    as "Moved"
  from set_item_retirement(
         p_accommodation_id => @AccommodationId,
         p_item_id          => @ItemId,
         p_retired_from     => @RetiredFrom,
         p_actor            => @Actor)
