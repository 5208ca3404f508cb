-- =============================================================================================
-- 202611300501_inventory_schema
-- Inventory operations (issue 12): room types get an occupancy limit and a time zone, rooms can be retired
-- from a date, nights can be closed (stop-sell), and every inventory change is an event.
--
-- Per-night settings live on the night rows, next to the counter they bound, so a booker checks them on the
-- very row it has locked:
--   capacity  = rooms on sale that night: total_inventory, or fewer when the room type has rooms (items) and
--               fewer of them are in service that night
--   closed    = a closure covers the night: new bookings are refused, existing ones stay
--   placement = a room of this type retires on a future date: bookings are given their room when they are
--               made (see 202611300503), because per-night counts alone no longer promise a room
-- Inventory changes update these columns under the night locks; a booker that creates a missing night row
-- computes them while holding a KEY SHARE lock on the accommodation row, which every inventory change locks
-- FOR UPDATE first. So a night row never disagrees with the change that committed before it was read.
--
-- The one global lock order, used by every path (booking, batch, confirm/cancel, assignment, inventory):
--   accommodation row -> night rows in (accommodation, night) order -> booking rows (by id) -> item rows
-- A path that may need a lock earlier in the order takes it first.
-- =============================================================================================

-- ---------------------------------------------------------------------------------------------
-- Accommodations: occupancy limit, property time zone, and the last future retirement of one of its rooms
-- ---------------------------------------------------------------------------------------------
alter table booking.accommodations
  add column if not exists max_guests integer not null default 50,
  add column if not exists time_zone text not null default 'UTC',
  add column if not exists updated_at timestamptz not null default now();

do $$
begin
  if not exists (select from pg_catalog.pg_constraint where conname = 'accommodations_max_guests_range') then
    alter table booking.accommodations
      add constraint accommodations_max_guests_range check (max_guests between 1 and 50);
  end if;
  if not exists (select from pg_catalog.pg_constraint where conname = 'accommodations_time_zone_length') then
    alter table booking.accommodations
      add constraint accommodations_time_zone_length check (length(time_zone) between 1 and 64);
  end if;
end
$$;

comment on column booking.accommodations.max_guests is 'Most guests one room of this type sleeps (a booking may not exceed it).';
comment on column booking.accommodations.time_zone is
  'IANA time zone of the property: "today", "in the past" and "started" are judged there. Nights stay plain dates.';

-- ---------------------------------------------------------------------------------------------
-- Items (rooms): in service on night n when active and (retired_from is null or n < retired_from)
-- ---------------------------------------------------------------------------------------------
alter table booking.accommodation_items
  add column if not exists retired_from date,
  add column if not exists created_at timestamptz not null default now();
comment on column booking.accommodation_items.retired_from is
  'First night the room is out of service (null: in service). Set through set_item_retirement, which moves '
  'the room''s future bookings or refuses.';

-- ---------------------------------------------------------------------------------------------
-- Night rows: per-night capacity, closure and placement flags (see the header)
-- ---------------------------------------------------------------------------------------------
alter table booking.night_inventory
  add column if not exists capacity integer,
  add column if not exists closed boolean not null default false,
  add column if not exists placement boolean not null default false;

-- Existing rows: capacity from the accommodation and, for room types with rooms, the rooms in service.
update booking.night_inventory n
   set capacity = coalesce(
         least(a.total_inventory,
               case when exists (select 1 from booking.accommodation_items i where i.accommodation_id = a.id)
                    then (select count(*)::integer from booking.accommodation_items i
                           where i.accommodation_id = a.id and i.active
                             and (i.retired_from is null or n.night < i.retired_from)) end),
         n.reserved)
  from booking.accommodations a
 where a.id = n.accommodation_id and n.capacity is null;
alter table booking.night_inventory alter column capacity set not null;

-- The last line of defence behind every path that counts a booking or lowers a capacity.
do $$
begin
  if not exists (select from pg_catalog.pg_constraint where conname = 'night_inventory_within_capacity') then
    alter table booking.night_inventory
      add constraint night_inventory_within_capacity check (reserved <= capacity) not valid;
    begin
      alter table booking.night_inventory validate constraint night_inventory_within_capacity;
    exception when check_violation then
      -- an existing oversell stays visible in the audit; new rows and every update are checked from now on
      raise notice 'night_inventory_within_capacity: existing rows over capacity were left as they are (see the audit)';
    end;
  end if;
end
$$;
comment on column booking.night_inventory.capacity is 'Rooms on sale that night (total_inventory, or fewer rooms in service).';
comment on column booking.night_inventory.closed is 'A closure covers the night: new bookings are refused.';
comment on column booking.night_inventory.placement is
  'A room of this type retires on a future date: a booking on this night is given its room when it is made.';

-- ---------------------------------------------------------------------------------------------
-- Closures (stop-sell): half-open ranges of nights on which no new booking is accepted
-- ---------------------------------------------------------------------------------------------
create table if not exists booking.closures (
  id               uuid primary key default gen_random_uuid(),
  accommodation_id uuid not null references booking.accommodations (id),
  nights           daterange not null,
  reason           text not null check (length(reason) between 1 and 500),
  created_by       text not null check (length(created_by) between 1 and 200),
  created_at       timestamptz not null default now(),
  constraint closures_nights_bounded check (
    not isempty(nights) and lower_inc(nights) and not upper_inc(nights)
    and not lower_inf(nights) and not upper_inf(nights))
);
alter table booking.closures owner to booking_owner;
comment on table booking.closures is
  'Stop-sell: the nights [lower, upper) of an accommodation refuse new bookings (BK021). Existing bookings stay.';
create index if not exists closures_by_accommodation on booking.closures using gist (accommodation_id, nights);

-- ---------------------------------------------------------------------------------------------
-- Inventory events: append-only, like booking_events
-- ---------------------------------------------------------------------------------------------
create table if not exists booking.inventory_events (
  id               bigint generated always as identity primary key,
  accommodation_id uuid not null,
  event            text not null check (event in (
                     'accommodation_created', 'accommodation_changed', 'item_added', 'item_retired',
                     'item_returned', 'closure_added', 'closure_removed')),
  actor            text not null,
  occurred_at      timestamptz not null default now(),
  detail           jsonb not null default '{}'::jsonb
);
alter table booking.inventory_events owner to booking_owner;
comment on table booking.inventory_events is 'Append-only history of every inventory change (who, what, when).';
create index if not exists inventory_events_by_accommodation on booking.inventory_events (accommodation_id, id);

drop trigger if exists inventory_events_append_only on booking.inventory_events;
create trigger inventory_events_append_only
  before update or delete on booking.inventory_events
  for each row execute function booking.reject_event_change();
drop trigger if exists inventory_events_no_truncate on booking.inventory_events;
create trigger inventory_events_no_truncate
  before truncate on booking.inventory_events
  for each statement execute function booking.reject_event_change();

-- Bookings gain one event kind: a room move made by assignment or by retiring a room.
alter table booking.booking_events drop constraint if exists booking_events_event_check;
alter table booking.booking_events add constraint booking_events_event_check
  check (event in ('created', 'confirmed', 'cancelled', 'expired', 'item_assigned', 'item_moved'));
