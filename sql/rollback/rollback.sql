-- =============================================================================================
-- Rollback: removes exactly what sql/migrations created, in reverse order.
--   psql -v ON_ERROR_STOP=1 -d <db> -f sql/rollback/rollback.sql
-- Roles are cluster-wide: they are dropped only when no other database still uses them.
-- =============================================================================================
begin;

-- 202611301002_repack_with_lapsed_holds replaces booking.plan_rooms and booking.assign_by_repacking: dropped below.

-- 202611301001_one_guest_index (its index goes with booking.bookings below)

-- 202611301000_create_bookings_fits_without_greedy, 202611300900_create_bookings_without_group_overhead and
-- 202611300800_api_functions_without_jit change functions created earlier (create_bookings, window_problem, every API
-- function's settings): they go with them below.

-- 202611300701_guest_bookings (its index goes with booking.bookings below)
drop function if exists public.list_guest_bookings(text, integer, timestamptz, uuid);

-- 202611300602_booking_groups (it replaced confirm_booking, create_booking_returning and my_create_booking: dropped below)
drop function if exists public.cancel_booking_group(uuid, text);
drop function if exists public.confirm_booking_group(uuid, text);
drop function if exists public.get_booking_group(uuid, text);
drop function if exists public.create_booking_group(text, uuid[], date[], date[], integer[], text, interval, text);
drop function if exists public.confirm_booking_returning(uuid, text);
drop function if exists booking.owned_group(uuid, text);
drop function if exists booking.owned_booking(uuid, text);
drop function if exists booking.confirm_all(uuid[]);

-- 202611300601_booking_paths_groups (it replaced create_booking_with_atomic_lock and create_booking_placed: dropped below)
drop function if exists public.create_bookings(uuid[], text[], date[], date[], integer[], text[], interval, text, integer[]);
drop function if exists booking.place_accommodation(uuid);
drop function if exists booking.replay_group(text, text, integer[], integer, uuid[], date[], date[], integer[]);
drop function if exists booking.without_refused(uuid[], text[]);
drop function if exists booking.group_refusals(integer[], integer[], text[], text[], text[], text[]);

-- 202611300600_booking_groups_schema (bookings.group_id goes with the bookings table)
alter table if exists booking.bookings drop column if exists group_id;
drop table if exists booking.booking_groups;

-- 202611300505_inventory_grants: privileges go with the functions below.

-- 202611300504_booking_paths_inventory (it replaced request_problem, create_booking_with_atomic_lock, create_bookings,
-- check_availability_many, assign_accommodation_item_atomically and check_for_double_bookings: dropped below)
drop function if exists booking.assign_free_room(uuid, text);
drop function if exists booking.create_booking_placed(uuid, text, date, date, integer, interval, text, text);
drop function if exists booking.first_closed_night(uuid, date, date);
drop function if exists booking.too_many_guests_message(integer);
drop function if exists booking.closed_message(date);
drop function if exists booking.rooms_retire_after(uuid, date);
drop function if exists booking.window_problem(date, date);

-- 202611300503_inventory_api
drop function if exists public.remove_closure(uuid, uuid, text);
drop function if exists public.add_closure(uuid, date, date, text, text);
drop function if exists public.set_item_retirement(uuid, uuid, date, text);
drop function if exists public.add_accommodation_item(uuid, text, text);
drop function if exists public.update_accommodation(uuid, text, boolean, integer, integer, text, text);
drop function if exists public.create_accommodation(text, integer, integer, text, text);
drop function if exists booking.assert_accommodation_settings(text, integer, integer, text, text);
drop function if exists booking.assert_accommodation_exists(uuid);
drop function if exists public.accommodation_night_bookings(uuid, date);
drop function if exists public.search_availability(date, date, integer, uuid[], integer, uuid);
drop function if exists public.accommodation_calendar(uuid, date, date);
drop function if exists public.list_closures(uuid, date);
drop function if exists public.list_accommodation_items(uuid);
drop function if exists public.list_accommodations(integer, text, uuid);
drop function if exists public.get_accommodation(uuid);

-- 202611300502_inventory_helpers (it replaced ensure_nights: dropped below)
drop function if exists booking.assign_by_repacking(uuid);
drop function if exists booking.unplaced_json(uuid[]);
drop function if exists booking.write_rooms(uuid[], uuid[], uuid[], text);
drop function if exists booking.plan_rooms(uuid, date, date, date, uuid[], uuid, date, uuid[]);
drop function if exists booking.stay_cluster(uuid, date, date, date);
drop function if exists booking.apply_night_settings(uuid, date, text, uuid, date);
drop function if exists booking.raise_inventory_conflict(text, jsonb);
drop function if exists booking.release_stale_holds_from(uuid, date);
drop function if exists booking.lock_nights_from(uuid, date);
drop function if exists booking.night_settings(uuid, date, date, uuid, date);
drop function if exists booking.is_time_zone(text);
drop function if exists booking.property_today(text);

-- 202611300501_inventory_schema (its columns and constraints go with the tables below)
drop table if exists booking.inventory_events;
drop table if exists booking.closures;

-- 202611300301_health_probe (its grants on booking_migrations go with that schema, below)
drop function if exists public.booking_schema_version();

-- 202611300103_client_api (the role booking_client goes with the others at the end)
drop function if exists public.my_cancel_booking(uuid);
drop function if exists public.my_confirm_booking(uuid);
drop function if exists public.my_booking(uuid);
drop function if exists public.my_create_booking(uuid, date, date, integer, text);
drop function if exists booking.session_guest();

-- 202611300102_audit_scope (its indexes go with the tables)
drop function if exists public.check_for_double_bookings(date);

-- 202611300101_hardened_functions (it replaced functions of 202611250002 / 0004: dropped below)
drop function if exists booking.raise_not_read_committed();

-- 202611250003_app_role_grants: privileges go with the functions below.

-- 202611250004_batched_bookings (it replaced create_booking_with_atomic_lock, check_availability_with_lock and raise_fully_booked: dropped below)
drop function if exists public.create_bookings(uuid[], text[], date[], date[], integer[], text[], interval, text);
drop function if exists public.check_availability_many(uuid[], date[], date[]);
drop function if exists booking.request_problem(text, date, date, integer, text, text, interval);
drop function if exists booking.fully_booked_message(integer, date);

-- 202611250002_booking_functions
drop function if exists public.check_for_double_bookings();
drop function if exists public.create_booking_returning(uuid, text, date, date, integer, interval, text, text);
drop function if exists public.get_booking(uuid, text);
drop function if exists public.expire_stale_holds(integer);
drop function if exists public.cancel_booking(uuid, text);
drop function if exists public.confirm_booking(uuid, text);
drop function if exists public.assign_accommodation_item_atomically(uuid, text);
drop function if exists public.check_availability_with_lock(uuid, date, date);
drop function if exists public.create_booking_with_atomic_lock(uuid, text, date, date, integer, interval, text, text);
drop function if exists booking.lock_booking_nights(booking.bookings);
drop function if exists booking.release_bookings(uuid[], booking.booking_status);
drop function if exists booking.raise_fully_booked(integer, date);
drop function if exists booking.lock_nights(uuid, date, date);
drop function if exists booking.ensure_nights(uuid, date, date);
drop function if exists booking.assert_bookable_window(date);
drop function if exists booking.assert_valid_stay(date, date);

-- 202611250001_booking_schema
drop table if exists booking.booking_events;
drop function if exists booking.reject_event_change();
drop table if exists booking.night_inventory;
drop table if exists booking.bookings;
drop type if exists booking.booking_status;
drop table if exists booking.accommodation_items;
drop table if exists booking.accommodations;
drop function if exists booking.reject_accommodation_delete(); -- 202611250004: its triggers went with the table

do $$
begin
  if to_regclass('booking.installed_extensions') is not null
     and exists (select from booking.installed_extensions where name = 'btree_gist') then
    drop extension if exists btree_gist;
  end if;
end
$$;
drop table if exists booking.installed_extensions;
drop schema if exists booking;

-- the migration runner's bookkeeping
drop table if exists booking_migrations.applied;
drop schema if exists booking_migrations;

commit;

-- Roles last, outside the transaction: another database of this cluster may still use them.
do $$
declare
  r text;
begin
  foreach r in array array['booking_client', 'booking_app', 'booking_owner'] loop
    if exists (select from pg_roles where rolname = r) then
      begin
        execute format('drop owned by %I', r);
        execute format('drop role %I', r);
      exception when dependent_objects_still_exist or object_in_use then
        raise notice 'role % is still used by another database of this cluster; kept', r;
      end;
    end if;
  end loop;
end
$$;
