#!/usr/bin/env bash
# Issue 12's "before" for the bench (runs 6-8), bench-only and never on main: b31c446 with main's fix of its three
# stale-hold lookups ("b.check_out + 0": their generic plans could take bookings_live_by_check_out and read every live
# booking) and nothing else changed, so both builds keep the same indexes and neither has the plan defect.
#   git worktree add ../before b31c446 && bench/sql/baselines/b31c446_check_out_plus_zero.sh ../before
#   (cd ../before && ./bench.sh --only C,W1,W2,W6)
set -euo pipefail
worktree=${1:?usage: $0 <worktree of b31c446>}
out="$worktree/sql/migrations/202611300302_bench_before_check_out_plus_zero.sql"
{
  echo '-- Bench-only (bench/sql/baselines/b31c446_check_out_plus_zero.sh): b31c446'"'"'s create_booking_with_atomic_lock,'
  echo '-- create_bookings and check_availability_many from 202611300101 with "b.check_out + 0" in their stale-hold lookups.'
  # lines 51-203, 208-496 and 501-568 of 0101 are those three functions
  git -C "$worktree" show b31c446:sql/migrations/202611300101_hardened_functions.sql \
    | sed -n '51,203p;208,496p;501,568p' \
    | sed 's/b\.check_out > /b.check_out + 0 > /'
} > "$out"
echo "wrote $out ($(grep -c 'check_out + 0 >' "$out") lookups changed)"
