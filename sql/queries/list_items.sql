-- The rooms of an accommodation, behind one row that says whether the accommodation exists: "AccommodationExists"
-- is false (and nothing else is returned) for an unknown id; a row with a null "Id" is the marker of an
-- accommodation without rooms. Aliases match ItemRow.
select a.id is not null  as "AccommodationExists",
       i.id              as "Id",
       i.label           as "Label",
       i.retired_from    as "RetiredFrom",
       i.in_service      as "InService",
       i.created_at      as "CreatedAt"
  from (select 1) one
  left join get_accommodation(@AccommodationId) a on true
  left join lateral (select * from list_accommodation_items(a.id) where a.id is not null) i on true
 order by i.label, i.id
