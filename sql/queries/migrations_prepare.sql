-- Bookkeeping for the migration runner (dropped by sql/rollback/rollback.sql).
create schema if not exists booking_migrations;
create table if not exists booking_migrations.applied (
  version    text primary key,
  name       text not null,
  checksum   text not null,
  applied_at timestamptz not null default now()
);
