-- Rooms free for every night of the stay; 9999 means unlimited.
select check_availability_with_lock(@AccommodationId, @CheckIn, @CheckOut)
