-- A new room, in service from now on. Aliases match ItemRow.
select true         as "AccommodationExists",
       id           as "Id",
       label        as "Label",
       retired_from as "RetiredFrom",
       in_service   as "InService",
       created_at   as "CreatedAt"
  from add_accommodation_item(p_accommodation_id => @AccommodationId, p_label => @Label, p_actor => @Actor)
