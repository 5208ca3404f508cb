-- =============================================================================================
-- 202611250003_app_role_grants
-- booking_app may EXECUTE the public API and nothing else: no table access, no internal helpers.
-- Functions are created EXECUTE-able by PUBLIC by default, so revoke first, then grant.
-- =============================================================================================

revoke all on all tables in schema booking from public, booking_app;
revoke all on all sequences in schema booking from public, booking_app;
revoke execute on all functions in schema booking from public, booking_app;

revoke execute on function public.create_booking_with_atomic_lock(uuid, text, date, date, integer, interval, text, text) from public;
revoke execute on function public.create_booking_returning(uuid, text, date, date, integer, interval, text, text) from public;
revoke execute on function public.check_availability_with_lock(uuid, date, date) from public;
revoke execute on function public.assign_accommodation_item_atomically(uuid, text) from public;
revoke execute on function public.confirm_booking(uuid, text) from public;
revoke execute on function public.cancel_booking(uuid, text) from public;
revoke execute on function public.expire_stale_holds(integer) from public;
revoke execute on function public.get_booking(uuid, text) from public;
revoke execute on function public.check_for_double_bookings() from public;

grant execute on function public.create_booking_with_atomic_lock(uuid, text, date, date, integer, interval, text, text) to booking_app;
grant execute on function public.create_booking_returning(uuid, text, date, date, integer, interval, text, text) to booking_app;
grant execute on function public.check_availability_with_lock(uuid, date, date) to booking_app;
grant execute on function public.assign_accommodation_item_atomically(uuid, text) to booking_app;
grant execute on function public.confirm_booking(uuid, text) to booking_app;
grant execute on function public.cancel_booking(uuid, text) to booking_app;
grant execute on function public.expire_stale_holds(integer) to booking_app;
grant execute on function public.get_booking(uuid, text) to booking_app;
grant execute on function public.check_for_double_bookings() to booking_app;
