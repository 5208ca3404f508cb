-- =============================================================================================
-- 202611300505_inventory_grants
-- Owners and grants of the inventory operations: every function runs as booking_owner; booking_app may
-- EXECUTE the public ones and nothing else (internal helpers stay unreachable).
-- =============================================================================================

alter function booking.request_problem(text, date, date, integer, text, text, interval) owner to booking_owner;
alter function booking.window_problem(date, date) owner to booking_owner;
alter function booking.rooms_retire_after(uuid, date) owner to booking_owner;
alter function booking.closed_message(date) owner to booking_owner;
alter function booking.too_many_guests_message(integer) owner to booking_owner;
alter function booking.first_closed_night(uuid, date, date) owner to booking_owner;
alter function booking.create_booking_placed(uuid, text, date, date, integer, interval, text, text) owner to booking_owner;
alter function booking.assign_free_room(uuid, text) owner to booking_owner;
alter function public.create_booking_with_atomic_lock(uuid, text, date, date, integer, interval, text, text) owner to booking_owner;
alter function public.create_bookings(uuid[], text[], date[], date[], integer[], text[], interval, text) owner to booking_owner;
alter function public.check_availability_many(uuid[], date[], date[]) owner to booking_owner;
alter function public.assign_accommodation_item_atomically(uuid, text) owner to booking_owner;
alter function public.check_for_double_bookings(date) owner to booking_owner;

revoke execute on all functions in schema booking from public, booking_app;

do $$
declare
  f text;
begin
  foreach f in array array[
    'public.get_accommodation(uuid)',
    'public.list_accommodations(integer, text, uuid)',
    'public.list_accommodation_items(uuid)',
    'public.list_closures(uuid, date)',
    'public.accommodation_calendar(uuid, date, date)',
    'public.search_availability(date, date, integer, uuid[], integer, uuid)',
    'public.accommodation_night_bookings(uuid, date)',
    'public.create_accommodation(text, integer, integer, text, text)',
    'public.update_accommodation(uuid, text, boolean, integer, integer, text, text)',
    'public.add_accommodation_item(uuid, text, text)',
    'public.set_item_retirement(uuid, uuid, date, text)',
    'public.add_closure(uuid, date, date, text, text)',
    'public.remove_closure(uuid, uuid, text)']
  loop
    execute pg_catalog.format('revoke execute on function %s from public', f);
    execute pg_catalog.format('grant execute on function %s to booking_app', f);
  end loop;
end
$$;

comment on function public.get_accommodation(uuid) is 'One accommodation (room type) as the staff API shows it; no row when unknown.';
comment on function public.list_accommodations(integer, text, uuid) is
  'Accommodations by (name, id), at most 200 per page; pass the last row''s name and id for the next page.';
comment on function public.list_accommodation_items(uuid) is 'The rooms of an accommodation, with their retirement and whether they are in service today.';
comment on function public.list_closures(uuid, date) is 'Closures of an accommodation that end after p_from (all when null).';
comment on function public.accommodation_calendar(uuid, date, date) is
  'Per night of [p_from, p_to) (at most 366): capacity, active bookings, rooms free, closed. Takes no lock. Errors: BK002, BK003.';
comment on function public.search_availability(date, date, integer, uuid[], integer, uuid) is
  'Accommodations with a room free on every night for p_guests guests (maxGuests >= guests), by id, paged by p_after. '
  'Errors: BK003, BK009.';
comment on function public.accommodation_night_bookings(uuid, date) is 'The active bookings on one night of an accommodation (staff board).';
comment on function public.create_accommodation(text, integer, integer, text, text) is
  'Creates an accommodation (capacity null = unlimited) with an occupancy limit and an IANA time zone. Errors: BK009.';
comment on function public.update_accommodation(uuid, text, boolean, integer, integer, text, text) is
  'Changes name, capacity (with p_set_capacity), maxGuests, time zone. Lowering the capacity below what a night '
  'from today holds is refused. Errors: BK002, BK009, BK023 (HINT: the nights as JSON), 55P03.';
comment on function public.add_accommodation_item(uuid, text, text) is
  'Adds a room in service from now on. Errors: BK002, BK009, BK023 (first room below the bookings, unlimited, label taken).';
comment on function public.set_item_retirement(uuid, uuid, date, text) is
  'Retires a room from a night on (null: back in service), moving its future stays to free rooms in the same '
  'transaction. Errors: BK002, BK003, BK009, BK023 (HINT: nights or bookings in the way), BK025, 55P03.';
comment on function public.add_closure(uuid, date, date, text, text) is
  'Closes the nights [p_from, p_to) to new bookings (BK021 for bookers); returns the existing bookings on them. '
  'Errors: BK002, BK003, BK009, 55P03.';
comment on function public.remove_closure(uuid, uuid, text) is 'Removes a closure. Errors: BK002, BK025, 55P03.';
comment on function public.create_booking_with_atomic_lock(uuid, text, date, date, integer, interval, text, text) is
  'Books one room for [check_in, check_out) atomically: locks the nights in order, releases stale holds, '
  'checks every night (capacity, closure) on its locked row, inserts. Returns the booking id; the same (guest, '
  'idempotency key) returns the first booking. Errors: BK001 fully booked, BK002 unknown accommodation, BK003 '
  'invalid stay or outside the property''s window, BK007 key reused, BK009 invalid argument, BK021 closed, BK022 '
  'no single room for the whole stay (while a room retires), BK024 too many guests, 55P03 busy, 40001 retry.';
comment on function public.create_bookings(uuid[], text[], date[], date[], integer[], text[], interval, text) is
  'create_booking_with_atomic_lock for many requests in one transaction: one row per request (ordinal = its '
  'position), either the booking (error_code null) or the SQLSTATE and message the single call would raise; '
  'BKR02 = send this request alone. Requests are granted in array order. Only a failure of the whole call '
  '(55P03 busy) raises.';
comment on function public.check_availability_many(uuid[], date[], date[]) is
  'check_availability_with_lock for many questions in one call: one row per question (ordinal = its position), '
  'either available (0 when full or closed, 9999 unlimited) or the SQLSTATE and message the single call would raise.';
comment on function public.assign_accommodation_item_atomically(uuid, text) is
  'Gives an active booking one room in service and free for all its nights (FOR UPDATE SKIP LOCKED, then a '
  're-check); when none is, re-packs the stays that have not started (started stays never move). Idempotent for an '
  'assigned booking. Errors: BK004 no packing places it, BK005 hold expired, BK006 not found, BK008 cancelled, 55P03.';
