-- =============================================================================================
-- 202611300701_guest_bookings
-- "My bookings": one guest's bookings, newest first, one keyset page at a time (GET /api/bookings, the web
-- app's guest page). A read: takes no lock, so it never waits on bookers and never makes them wait.
--
-- Errors: BK009 invalid argument (no guest).
-- =============================================================================================

-- ---------------------------------------------------------------------------------------------
-- Index. Without it the list reads every booking of every guest. Its cost: one more index entry for every
-- new row version that is not a HOT update — each insert, and the status changes (they touch the pending
-- index's predicate, so they are not HOT anyway). Its own columns never change.
-- Built in the migration's transaction: on a large bookings table that blocks writes to it while it builds
-- (CREATE INDEX CONCURRENTLY cannot run in a transaction). To avoid that, build it concurrently by hand first,
-- with the same name and columns: this statement then does nothing.
-- ---------------------------------------------------------------------------------------------
create index if not exists bookings_by_guest_newest
  on booking.bookings (guest_id, created_at, id);

-- ---------------------------------------------------------------------------------------------
-- list_guest_bookings: newest first by (created_at, id); pass the last row's created_at and id for the
-- next page. Status reads 'expired' once a pending hold has run out, as in get_booking.
-- ---------------------------------------------------------------------------------------------
create or replace function public.list_guest_bookings(
  p_guest_id          text,
  p_limit             integer     default 20,
  p_before_created_at timestamptz default null,
  p_before_id         uuid        default null)
returns table (
  id               uuid,
  accommodation_id uuid,
  guest_id         text,
  check_in         date,
  check_out        date,
  guests           integer,
  status           text,
  hold_expires_at  timestamptz,
  item_id          uuid,
  created_at       timestamptz)
language plpgsql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
declare
  v_limit constant integer := least(greatest(coalesce(p_limit, 20), 1), 200);
begin
  if p_guest_id is null or length(p_guest_id) not between 1 and 200 then
    raise exception using errcode = 'BK009', message = 'A guest id (1 to 200 characters) is required.';
  end if;
  if (p_before_created_at is null) <> (p_before_id is null) then
    raise exception using errcode = 'BK009', message = 'Give both p_before_created_at and p_before_id, or neither.';
  end if;

  -- Two statements, so a next page seeks straight to its cursor: in one statement with "p_before_id is null or
  -- (created_at, id) < (…)" the generic plan can only filter, reading every newer booking of the guest first.
  if p_before_id is null then
    return query
      select b.id, b.accommodation_id, b.guest_id, b.check_in, b.check_out, b.guests,
             case when b.status = 'pending' and b.hold_expires_at <= now() then 'expired' else b.status::text end,
             b.hold_expires_at, b.item_id, b.created_at
        from booking.bookings b
       where b.guest_id = p_guest_id
       order by b.created_at desc, b.id desc
       limit v_limit;
  else
    return query
      select b.id, b.accommodation_id, b.guest_id, b.check_in, b.check_out, b.guests,
             case when b.status = 'pending' and b.hold_expires_at <= now() then 'expired' else b.status::text end,
             b.hold_expires_at, b.item_id, b.created_at
        from booking.bookings b
       where b.guest_id = p_guest_id
         and (b.created_at, b.id) < (p_before_created_at, p_before_id)
       order by b.created_at desc, b.id desc
       limit v_limit;
  end if;
end
$$;
alter function public.list_guest_bookings(text, integer, timestamptz, uuid) owner to booking_owner;
comment on function public.list_guest_bookings(text, integer, timestamptz, uuid) is
  'One guest''s bookings, newest first by (created_at, id), at most 200 per page; pass the last row''s created_at '
  'and id for the next page. Takes no lock. Errors: BK009.';

revoke execute on function public.list_guest_bookings(text, integer, timestamptz, uuid) from public;
grant execute on function public.list_guest_bookings(text, integer, timestamptz, uuid) to booking_app;
