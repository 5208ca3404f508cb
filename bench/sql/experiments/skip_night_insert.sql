-- Bench-only experiment (./bench.sh --experiment skip_night_insert): proposed change to booking.lock_nights.
-- Today every booking runs INSERT ... ON CONFLICT DO NOTHING over its nights before locking them. Once a
-- night row exists (every night after its first sale), that INSERT still checks the unique index and, when
-- another booker has updated the row and not yet committed, waits for that booker's transaction; then the
-- FOR UPDATE queues on the same row a second time. Here a plain snapshot count (no locks, no waits) skips
-- the INSERT when every night row already exists. The lock order is unchanged: the insert path is the
-- original one, the fast path is its ascending FOR UPDATE alone.
create or replace function booking.lock_nights(p_accommodation_id uuid, p_from date, p_to date)
returns void
language plpgsql
set search_path = pg_catalog, booking, pg_temp
as $$
begin
  if (select count(*) from booking.night_inventory n
       where n.accommodation_id = p_accommodation_id
         and n.night >= p_from and n.night < p_to) < p_to - p_from then
    insert into booking.night_inventory (accommodation_id, night)
    select p_accommodation_id, p_from + i
      from pg_catalog.generate_series(0, p_to - p_from - 1) as i
     order by i
    on conflict do nothing;
  end if;

  perform 1
     from booking.night_inventory n
    where n.accommodation_id = p_accommodation_id
      and n.night >= p_from and n.night < p_to
    order by n.night
      for update;
end
$$;
alter function booking.lock_nights(uuid, date, date) owner to booking_owner;
