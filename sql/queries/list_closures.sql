-- The closures of an accommodation ending after @From (all when null), behind one row that says whether the
-- accommodation exists (see list_items.sql). Aliases match ClosureRow.
select a.id is not null  as "AccommodationExists",
       c.id              as "Id",
       c.from_night      as "From",
       c.to_night        as "To",
       c.reason          as "Reason",
       c.created_by      as "CreatedBy",
       c.created_at      as "CreatedAt"
  from (select 1) one
  left join get_accommodation(@AccommodationId) a on true
  left join lateral (select * from list_closures(a.id, @From::date) where a.id is not null) c on true
 order by c.from_night, c.id
