-- Demo property for ./run: a small hotel in Lisbon with two room types and a dorm, loaded through the same staff
-- functions the API calls (validation, night settings, inventory events), as booking_owner — the role the migrating
-- user was granted by 202611250001. Idempotent: a room type whose name exists is left as it is (./run reuses its
-- data). The names are DemoProperty's (tools/DevRunner/DemoProperty.cs), which finds the ids by them.
set role booking_owner;

do $$
declare
  v_id    uuid;
  v_today date := (pg_catalog.now() at time zone 'Europe/Lisbon')::date;
begin
  if not exists (select from booking.accommodations a where a.name = 'Harbour View Double') then
    select c.id into v_id from public.create_accommodation('Harbour View Double', 12, 2, 'Europe/Lisbon', 'demo-seed') c;
    perform public.add_accommodation_item(v_id, 'H' || (100 + i), 'demo-seed') from pg_catalog.generate_series(1, 12) i;
  end if;

  if not exists (select from booking.accommodations a where a.name = 'Garden Single') then
    select c.id into v_id from public.create_accommodation('Garden Single', 3, 1, 'Europe/Lisbon', 'demo-seed') c;
    perform public.add_accommodation_item(v_id, 'G' || i, 'demo-seed') from pg_catalog.generate_series(1, 3) i;
    -- a stop-sell to look at in the calendar: two nights of garden works two months ahead
    perform public.add_closure(v_id, v_today + 60, v_today + 62, 'Garden works', 'demo-seed');
  end if;

  if not exists (select from booking.accommodations a where a.name = 'Sea Dorm Bed (unlimited)') then
    perform public.create_accommodation('Sea Dorm Bed (unlimited)', null, 1, 'Europe/Lisbon', 'demo-seed');
  end if;
end
$$;

reset role;
