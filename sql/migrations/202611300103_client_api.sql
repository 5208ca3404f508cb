-- =============================================================================================
-- 202611300103_client_api
-- Hardening (issue 15, item 11): a safe set of functions for callers outside the trusted backend.
--
-- The booking_app functions take the guest as an argument and treat a null guest as staff ("any booking"): right for
-- the trusted backend, which passes the verified token subject, and wrong for anyone who can call them directly. A
-- direct caller (PostgREST / Supabase rpc) gets the role booking_client instead, which may execute only these:
--   my_create_booking, my_booking, my_confirm_booking, my_cancel_booking, and check_availability_with_lock.
-- None of them takes a guest: the guest is the subject of the verified JWT the gateway put in the session, as
-- PostgREST does per request (set local role ...; request.jwt.claims = '{"sub": ...}', or request.jwt.claim.sub
-- before PostgREST 10). No subject, no call: BK012. There is no staff path here.
--
-- Safe only where clients cannot set those settings themselves: behind PostgREST / Supabase, which set them from the
-- token it verified, clients can call functions but never run SET. A role that can run arbitrary SQL can set any
-- request.jwt.* value it likes, so never grant booking_client to a login that clients use with raw SQL.
-- =============================================================================================

do $$
begin
  if not exists (select from pg_catalog.pg_roles where rolname = 'booking_client') then
    begin
      create role booking_client nologin;
    exception when duplicate_object or unique_violation then
      null; -- another database of this cluster created it at the same moment
    end;
  end if;
end
$$;
comment on role booking_client is
  'Direct callers (PostgREST / Supabase rpc): may execute only the my_* booking functions and availability; the guest '
  'is the verified JWT subject of the session.';

-- ---------------------------------------------------------------------------------------------
-- booking.session_guest(): the subject of the session's verified claims, or BK012.
-- ---------------------------------------------------------------------------------------------
create or replace function booking.session_guest()
returns text
language plpgsql
stable
as $$
declare
  v_claims text := pg_catalog.current_setting('request.jwt.claims', true);
  v_sub    text;
begin
  if v_claims is not null and v_claims <> '' then
    begin
      if pg_catalog.jsonb_typeof(v_claims::jsonb -> 'sub') = 'string' then
        v_sub := v_claims::jsonb ->> 'sub';
      end if;
    exception when invalid_text_representation then
      v_sub := null; -- not JSON: no verified subject
    end;
  end if;
  if v_sub is null then
    v_sub := nullif(pg_catalog.current_setting('request.jwt.claim.sub', true), '');
  end if;
  -- the HTTP API's rules for a subject: 1 to 200 characters, not blank, no control characters
  if v_sub is null or pg_catalog.btrim(v_sub) = '' or pg_catalog.length(v_sub) > 200 or v_sub ~ '[[:cntrl:]]' then
    raise exception using errcode = 'BK012',
      message = 'No signed-in guest: this call needs the verified subject of a token (request.jwt.claims ->> ''sub'').';
  end if;
  return v_sub;
end
$$;
alter function booking.session_guest() owner to booking_owner;
revoke execute on function booking.session_guest() from public;

-- ---------------------------------------------------------------------------------------------
-- The client functions: the trusted ones, with the session's guest and the defaults the HTTP API uses.
-- ---------------------------------------------------------------------------------------------
create or replace function public.my_create_booking(
  p_accommodation_id uuid,
  p_check_in         date,
  p_check_out        date,
  p_guests           integer default 1,
  p_idempotency_key  text    default null)
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
language sql
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
  select * from public.create_booking_returning(p_accommodation_id, booking.session_guest(), p_check_in, p_check_out, p_guests,
                                                interval '15 minutes', 'pending', p_idempotency_key)
$$;
comment on function public.my_create_booking(uuid, date, date, integer, text) is
  'Holds one room for 15 minutes for the signed-in guest (the session''s verified JWT subject) and returns the booking. '
  'The same idempotency key again returns the first booking. Errors: BK001 fully booked, BK002 unknown accommodation, '
  'BK003 invalid stay, BK007 key reused, BK009 invalid argument, BK011 not at read committed, BK012 no signed-in guest, 55P03 busy.';

create or replace function public.my_booking(p_booking_id uuid)
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
language sql
stable
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
  select * from public.get_booking(p_booking_id, booking.session_guest())
$$;
comment on function public.my_booking(uuid) is
  'One booking of the signed-in guest; no row when it does not exist or is another guest''s. Errors: BK012 no signed-in guest.';

create or replace function public.my_confirm_booking(p_booking_id uuid)
returns text
language sql
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
  select public.confirm_booking(p_booking_id, booking.session_guest())
$$;
comment on function public.my_confirm_booking(uuid) is
  'Confirms a hold of the signed-in guest before it expires. Errors: BK005 hold expired, BK006 not found (or another '
  'guest''s), BK008 cancelled, BK011 not at read committed, BK012 no signed-in guest.';

create or replace function public.my_cancel_booking(p_booking_id uuid)
returns text
language sql
security definer
set search_path = pg_catalog, booking, pg_temp
as $$
  select public.cancel_booking(p_booking_id, booking.session_guest())
$$;
comment on function public.my_cancel_booking(uuid) is
  'Cancels a booking of the signed-in guest and gives its nights back. Idempotent. Errors: BK006 not found (or another '
  'guest''s), BK011 not at read committed, BK012 no signed-in guest.';

-- ---------------------------------------------------------------------------------------------
-- Ownership and grants: booking_client may execute these and availability, nothing else.
-- ---------------------------------------------------------------------------------------------
alter function public.my_create_booking(uuid, date, date, integer, text) owner to booking_owner;
alter function public.my_booking(uuid) owner to booking_owner;
alter function public.my_confirm_booking(uuid) owner to booking_owner;
alter function public.my_cancel_booking(uuid) owner to booking_owner;

revoke execute on function public.my_create_booking(uuid, date, date, integer, text) from public;
revoke execute on function public.my_booking(uuid) from public;
revoke execute on function public.my_confirm_booking(uuid) from public;
revoke execute on function public.my_cancel_booking(uuid) from public;

grant execute on function public.my_create_booking(uuid, date, date, integer, text) to booking_client;
grant execute on function public.my_booking(uuid) to booking_client;
grant execute on function public.my_confirm_booking(uuid) to booking_client;
grant execute on function public.my_cancel_booking(uuid) to booking_client;
grant execute on function public.check_availability_with_lock(uuid, date, date) to booking_client;
