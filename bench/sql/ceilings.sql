-- Bench-only: the two commit ceilings of this server (never installed by the migrations).
-- random_rows: one-statement transactions on random rows of a large table never wait on each other,
--   so their rate is what this server can commit with group commit (fsync per batch of commits).
-- hot_row: every transaction updates the same row, so each one holds the row lock until its commit
--   is flushed: the ceiling for work that is fully serialized on one lock.
create schema if not exists bench_ceiling;

create table bench_ceiling.random_rows (
  id integer primary key,
  n  bigint  not null default 0
) with (fillfactor = 70); -- HOT updates, as night_inventory gets

insert into bench_ceiling.random_rows (id) select g from generate_series(1, @Rows) as g;

create table bench_ceiling.hot_row (
  id integer primary key,
  n  bigint  not null default 0
) with (fillfactor = 70);

insert into bench_ceiling.hot_row (id) values (1);
