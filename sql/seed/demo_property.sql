-- Demo property for ./run: a small hotel with two room types and a dorm. Idempotent (fixed ids).
insert into booking.accommodations (id, name, total_inventory) values
  ('11111111-1111-4111-8111-111111111111', 'Harbour View Double', 12),
  ('22222222-2222-4222-8222-222222222222', 'Garden Single', 3),
  ('33333333-3333-4333-8333-333333333333', 'Sea Dorm Bed (unlimited)', null)
on conflict (id) do nothing;

insert into booking.accommodation_items (accommodation_id, label)
select '11111111-1111-4111-8111-111111111111', 'H' || (100 + i) from generate_series(1, 12) i
on conflict (accommodation_id, label) do nothing;

insert into booking.accommodation_items (accommodation_id, label)
select '22222222-2222-4222-8222-222222222222', 'G' || i from generate_series(1, 3) i
on conflict (accommodation_id, label) do nothing;
