-- Bench-only experiment (./bench.sh --experiment insert_before_lock): proposed change to
-- create_booking_with_atomic_lock. Every booker of a night queues on that night's row lock and holds it
-- until its commit is flushed, so on a hot night the work done while holding it is serial. Today that work
-- includes inserting the booking (5 index entries) and its event; here both happen before lock_nights,
-- leaving only the stale-hold release, the full-night check and the counter update under the lock.
-- Same semantics: a refused booking raises BK001 and the whole call rolls back, as before.
create or replace function public.create_booking_with_atomic_lock(
  p_accommodation_id uuid,
  p_guest_id         text,
  p_check_in         date,
  p_check_out        date,
  p_guests           integer  default 1,
  p_hold_ttl         interval default interval '15 minutes',
  p_status           text     default 'pending',
  p_idempotency_key  text     default null)
returns uuid
language plpgsql
security definer
set search_path = pg_catalog, booking, pg_temp
set lock_timeout = '2s'
as $$
declare
  v_capacity   integer;
  v_existing   booking.bookings;
  v_stale      uuid[];
  v_lock_from  date;
  v_lock_to    date;
  v_full_night date;
  v_id         uuid;
begin
  perform booking.assert_valid_stay(p_check_in, p_check_out);
  perform booking.assert_bookable_window(p_check_in);
  if p_guest_id is null or length(p_guest_id) not between 1 and 200 then
    raise exception using errcode = 'BK009', message = 'A guest id of 1 to 200 characters is required.';
  end if;
  if p_guests is null or p_guests not between 1 and 50 then
    raise exception using errcode = 'BK009', message = 'Guests must be between 1 and 50.';
  end if;
  if p_status is null or p_status not in ('pending', 'confirmed') then
    raise exception using errcode = 'BK009', message = 'A new booking is either pending or confirmed.';
  end if;
  if p_status = 'pending' and (p_hold_ttl is null or p_hold_ttl <= interval '0' or p_hold_ttl > interval '1 day') then
    raise exception using errcode = 'BK009', message = 'A hold lasts more than 0 seconds and at most 1 day.';
  end if;

  if p_idempotency_key is not null then
    if length(p_idempotency_key) not between 1 and 200 then
      raise exception using errcode = 'BK009', message = 'An idempotency key has 1 to 200 characters.';
    end if;
    -- Same (guest, key) callers queue here; the winner's row is visible to the next statement.
    perform pg_catalog.pg_advisory_xact_lock(
      pg_catalog.hashtextextended('booking-idempotency:' || p_guest_id || ':' || p_idempotency_key, 0));
    select * into v_existing
      from booking.bookings b
     where b.guest_id = p_guest_id and b.idempotency_key = p_idempotency_key;
    if found then
      if (v_existing.accommodation_id, v_existing.check_in, v_existing.check_out, v_existing.guests)
         is distinct from (p_accommodation_id, p_check_in, p_check_out, p_guests) then
        raise exception using errcode = 'BK007',
          message = 'This idempotency key was already used for a different booking request.';
      end if;
      return v_existing.id;
    end if;
  end if;

  select a.total_inventory into v_capacity from booking.accommodations a where a.id = p_accommodation_id;
  if not found then
    raise exception using errcode = 'BK002', message = 'This accommodation does not exist.';
  end if;

  -- EXPERIMENT: the booking row and its event are written before the night locks are taken, so the
  -- critical section (locks held until the commit is flushed) only checks and bumps the counters. On
  -- "fully booked" the exception rolls both back. The new row is invisible to others until commit and
  -- takes no lock another booker waits on (same-key replays are already serialized above).
  insert into booking.bookings
    (accommodation_id, guest_id, check_in, check_out, guests, status, hold_expires_at, idempotency_key)
  values
    (p_accommodation_id, p_guest_id, p_check_in, p_check_out, p_guests, p_status::booking.booking_status,
     case when p_status = 'pending' then now() + p_hold_ttl end, p_idempotency_key)
  returning id into v_id;

  insert into booking.booking_events (booking_id, accommodation_id, event, detail)
  values (v_id, p_accommodation_id, 'created', pg_catalog.jsonb_build_object('status', p_status));

  if v_capacity is not null then
    -- Stale holds on these nights are released here; their own nights join the lock range so all
    -- night rows are still taken in one ascending sweep.
    select array_agg(b.id), least(p_check_in, min(b.check_in)), greatest(p_check_out, max(b.check_out))
      into v_stale, v_lock_from, v_lock_to
      from booking.bookings b
     where b.accommodation_id = p_accommodation_id
       and b.status = 'pending' and b.hold_expires_at <= now()
       and b.check_in < p_check_out and b.check_out > p_check_in;

    perform booking.lock_nights(p_accommodation_id, v_lock_from, v_lock_to);
    if v_stale is not null then
      perform booking.release_bookings(v_stale, 'expired');
    end if;

    select n.night into v_full_night
      from booking.night_inventory n
     where n.accommodation_id = p_accommodation_id
       and n.night >= p_check_in and n.night < p_check_out
       and n.reserved >= v_capacity
     order by n.night
     limit 1;
    if found then
      raise exception using errcode = 'BK001',
        message = case v_capacity
                    when 0 then pg_catalog.format('No rooms are on sale on %s.', v_full_night)
                    when 1 then pg_catalog.format('The only room is taken on %s.', v_full_night)
                    else pg_catalog.format('All %s rooms are taken on %s.', v_capacity, v_full_night)
                  end,
        detail = pg_catalog.format('night=%s capacity=%s', v_full_night, v_capacity);
    end if;
  end if;

  if v_capacity is not null then
    update booking.night_inventory n
       set reserved = n.reserved + 1
     where n.accommodation_id = p_accommodation_id
       and n.night >= p_check_in and n.night < p_check_out;
  end if;

  return v_id;
end
$$;
alter function public.create_booking_with_atomic_lock(uuid, text, date, date, integer, interval, text, text) owner to booking_owner;
