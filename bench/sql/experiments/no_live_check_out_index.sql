-- Bench-only experiment (./bench.sh --only W1 --experiment no_live_check_out_index): what the audit's index on the
-- check-out of pending and confirmed bookings (202611300102_audit_scope) costs the booking path, measured by its
-- absence. Every new booking and every confirm adds one entry to it.
drop index if exists booking.bookings_live_by_check_out;
