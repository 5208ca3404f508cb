-- =============================================================================================
-- 202611300600_booking_groups_schema
-- Group bookings (issue 13): several rooms in one request, all or none, under one idempotency key. A group is a
-- row of its own; its bookings point at it and stay bookings like any other (one room each, addressable alone).
-- The group's idempotency key lives on the group: its bookings carry none, so the (guest, key) index of bookings
-- never sees a group's key twice.
-- =============================================================================================

create table if not exists booking.booking_groups (
  id              uuid primary key default gen_random_uuid(),
  guest_id        text not null check (length(guest_id) between 1 and 200),
  idempotency_key text check (idempotency_key is null or length(idempotency_key) between 1 and 200),
  rooms           integer not null check (rooms between 1 and 20),
  created_at      timestamptz not null default now()
);
alter table booking.booking_groups owner to booking_owner;
comment on table booking.booking_groups is
  'Several rooms booked in one request, all or none: its bookings have group_id = id. The idempotency key covers the group.';
create unique index if not exists booking_groups_guest_idempotency_key
  on booking.booking_groups (guest_id, idempotency_key) where idempotency_key is not null;

alter table booking.bookings add column if not exists group_id uuid references booking.booking_groups (id);
create index if not exists bookings_by_group on booking.bookings (group_id) where group_id is not null;
