select version, checksum from booking_migrations.applied order by version
