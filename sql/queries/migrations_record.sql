insert into booking_migrations.applied (version, name, checksum) values (@Version, @Name, @Checksum)
