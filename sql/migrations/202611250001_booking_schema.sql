-- =============================================================================================
-- 202611250001_booking_schema
-- Roles, schema, tables and indexes of the booking inventory.
--
-- Invariants (DESIGN.md §1):
--   per night: active bookings covering a night <= accommodations.total_inventory (NULL = unlimited)
--   per item:  no two active bookings with overlapping stays share an accommodation item
-- "Active" means confirmed, or pending with a hold that has not expired yet.
-- =============================================================================================

-- ---------------------------------------------------------------------------------------------
-- Roles. booking_owner owns every object (SECURITY DEFINER functions run as it, not as a
-- superuser); booking_app is what the application logs in as (or is granted to the login role):
-- it may only EXECUTE the public API functions.
-- ---------------------------------------------------------------------------------------------
-- Roles are cluster-wide while the runner's advisory lock is per database: a migration of another
-- database may create them at the same moment, so "already exists" is success here.
do $$
declare
  r text;
begin
  foreach r in array array['booking_owner', 'booking_app'] loop
    if not exists (select from pg_catalog.pg_roles where rolname = r) then
      begin
        execute pg_catalog.format('create role %I nologin', r);
      exception when duplicate_object or unique_violation then
        null;
      end;
    end if;
  end loop;
end
$$;

-- The migrating user must be able to hand objects to booking_owner.
do $$
begin
  if not pg_catalog.pg_has_role(current_user, 'booking_owner', 'MEMBER') then
    execute pg_catalog.format('grant booking_owner to %I', current_user);
  end if;
end
$$;

create schema if not exists booking authorization booking_owner;
comment on schema booking is 'Booking inventory: tables and internal helpers. Not reachable by booking_app.';
revoke all on schema booking from public;

-- ---------------------------------------------------------------------------------------------
-- btree_gist backs the per-item exclusion constraint (uuid = together with daterange &&).
-- Remember whether we installed it, so the rollback drops only what we created.
-- ---------------------------------------------------------------------------------------------
create table if not exists booking.installed_extensions (
  name text primary key
);
alter table booking.installed_extensions owner to booking_owner;

do $$
begin
  if not exists (select from pg_catalog.pg_extension where extname = 'btree_gist') then
    create extension btree_gist with schema booking;
    insert into booking.installed_extensions (name) values ('btree_gist') on conflict do nothing;
  end if;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Accommodations and their items
-- ---------------------------------------------------------------------------------------------
create table if not exists booking.accommodations (
  id              uuid primary key default gen_random_uuid(),
  name            text not null check (length(name) between 1 and 200),
  total_inventory integer check (total_inventory is null or total_inventory >= 0),
  created_at      timestamptz not null default now()
);
alter table booking.accommodations owner to booking_owner;
comment on table booking.accommodations is
  'A sellable room type. total_inventory rooms per night; NULL means unlimited (availability reports 9999).';

create table if not exists booking.accommodation_items (
  id               uuid primary key default gen_random_uuid(),
  accommodation_id uuid not null references booking.accommodations (id) on delete cascade,
  label            text not null check (length(label) between 1 and 100),
  active           boolean not null default true,
  unique (accommodation_id, label),
  -- lets bookings reference (accommodation, item) so an item can only serve its own accommodation
  unique (accommodation_id, id)
);
alter table booking.accommodation_items owner to booking_owner;
comment on table booking.accommodation_items is 'One physical room of an accommodation.';

-- ---------------------------------------------------------------------------------------------
-- Bookings
-- ---------------------------------------------------------------------------------------------
do $$
begin
  if not exists (select from pg_catalog.pg_type t join pg_catalog.pg_namespace n on n.oid = t.typnamespace
                  where n.nspname = 'booking' and t.typname = 'booking_status') then
    create type booking.booking_status as enum ('pending', 'confirmed', 'cancelled', 'expired');
  end if;
end
$$;
alter type booking.booking_status owner to booking_owner;

create table if not exists booking.bookings (
  id               uuid primary key default gen_random_uuid(),
  accommodation_id uuid not null references booking.accommodations (id),
  guest_id         text not null check (length(guest_id) between 1 and 200),
  check_in         date not null,
  check_out        date not null,
  -- half-open: the check-out day is the next guest's check-in day
  stay             daterange generated always as (daterange(check_in, check_out, '[)')) stored,
  guests           integer not null check (guests between 1 and 50),
  status           booking.booking_status not null,
  hold_expires_at  timestamptz,
  item_id          uuid,
  idempotency_key  text check (idempotency_key is null or length(idempotency_key) between 1 and 200),
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  constraint bookings_stay_not_empty check (check_out > check_in),
  constraint bookings_pending_has_expiry check (status <> 'pending' or hold_expires_at is not null),
  constraint bookings_item_of_same_accommodation
    foreign key (accommodation_id, item_id) references booking.accommodation_items (accommodation_id, id),
  -- the last line of defence behind assign_accommodation_item_atomically
  constraint bookings_item_not_shared
    exclude using gist (item_id with =, stay with &&)
    where (item_id is not null and status in ('pending', 'confirmed'))
);
alter table booking.bookings owner to booking_owner;
comment on table booking.bookings is
  'One room of an accommodation for the nights [check_in, check_out). pending holds expire at hold_expires_at.';

create unique index if not exists bookings_guest_idempotency_key
  on booking.bookings (guest_id, idempotency_key) where idempotency_key is not null;
-- Stale-hold lookups stay cheap however long the history: only pending rows are indexed.
-- (expire_stale_holds scans this small index whole; no second index on expiry alone, and no index a
-- function does not use: each one is one more write on every booking.)
create index if not exists bookings_pending_by_accommodation
  on booking.bookings (accommodation_id, hold_expires_at) where status = 'pending';

-- ---------------------------------------------------------------------------------------------
-- Per-night counters: one row per (limited accommodation, night) that was ever booked.
-- reserved = number of bookings with status pending or confirmed covering the night (stale holds
-- included until released). The rows are also the lock targets: bookers lock them in night order.
-- ---------------------------------------------------------------------------------------------
create table if not exists booking.night_inventory (
  accommodation_id uuid not null references booking.accommodations (id) on delete cascade,
  night            date not null,
  reserved         integer not null default 0 check (reserved >= 0),
  primary key (accommodation_id, night)
) with (fillfactor = 70); -- room for HOT updates: reserved is not indexed
alter table booking.night_inventory owner to booking_owner;
comment on table booking.night_inventory is
  'Per-night booked count and lock target of a limited accommodation; kept in the booking transaction.';

-- ---------------------------------------------------------------------------------------------
-- Append-only event log
-- ---------------------------------------------------------------------------------------------
create table if not exists booking.booking_events (
  id               bigint generated always as identity primary key,
  booking_id       uuid not null,
  accommodation_id uuid not null,
  event            text not null check (event in ('created', 'confirmed', 'cancelled', 'expired', 'item_assigned')),
  occurred_at      timestamptz not null default now(),
  detail           jsonb not null default '{}'::jsonb
);
alter table booking.booking_events owner to booking_owner;
comment on table booking.booking_events is 'Append-only history of every booking state change.';
create index if not exists booking_events_by_booking on booking.booking_events (booking_id);

create or replace function booking.reject_event_change() returns trigger
language plpgsql
set search_path = pg_catalog, booking, pg_temp
as $$
begin
  raise exception using errcode = 'BK099', message = 'booking_events is append-only';
end
$$;
alter function booking.reject_event_change() owner to booking_owner;

drop trigger if exists booking_events_append_only on booking.booking_events;
create trigger booking_events_append_only
  before update or delete on booking.booking_events
  for each row execute function booking.reject_event_change();
drop trigger if exists booking_events_no_truncate on booking.booking_events;
create trigger booking_events_no_truncate
  before truncate on booking.booking_events
  for each statement execute function booking.reject_event_change();
