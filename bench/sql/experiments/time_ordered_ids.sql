-- Bench-only experiment (./bench.sh --experiment time_ordered_ids): bookings.id from gen_random_uuid()
-- lands every insert on a random leaf of bookings_pkey and of booking_events_by_booking, and after each
-- checkpoint that costs a full-page image in the WAL per random leaf. A time-ordered UUID (version 7
-- layout: 48-bit Unix milliseconds, then random bits) keeps new ids on the rightmost leaves.
-- PostgreSQL 18 has uuidv7() built in; this SQL version works on 15.
create or replace function booking.uuid_v7()
returns uuid
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
  select encode(
           set_bit(set_bit(
             overlay(uuid_send(gen_random_uuid())
                     placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
                     from 1 for 6),
             52, 1), 53, 1),
           'hex')::uuid
$$;
alter function booking.uuid_v7() owner to booking_owner;
alter table booking.bookings alter column id set default booking.uuid_v7();
