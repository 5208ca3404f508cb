-- Experiment: no foreign key from bookings to accommodations. Each booking insert otherwise runs the
-- RI check, a KEY SHARE lock on the accommodation row; with every booker of one property taking it at
-- once, PostgreSQL turns those locks into MultiXacts on that one row.
alter table booking.bookings drop constraint bookings_accommodation_id_fkey;
