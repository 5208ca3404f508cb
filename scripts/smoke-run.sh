#!/usr/bin/env bash
# End-to-end check of ./run the way a new user meets it: start, paste the printed curl commands, Ctrl-C,
# start again on the same data, and the clear messages for a bad environment. As root it also starts a fresh
# clone that sits in a folder no other user may enter (the data then lives under /var/lib/bookingfunctions), and
# repeats the core check as an unprivileged user in a fresh clone. Prints "ok - ..." lines and a final
# "smoke: N passed, N failed" line; exits non-zero when anything failed.
#   scripts/smoke-run.sh            everything
#   scripts/smoke-run.sh --core     start / curl / restart only (used for the non-root pass)
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
pass=0
fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); [ -n "${2:-}" ] && sed 's/^/    /' "$2" | tail -n 40; }
check() { local what=$1 log=$2; shift 2; if "$@"; then ok "$what"; else not_ok "$what" "$log"; fi; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
data=$(mktemp -d /tmp/bookingfunctions-smoke.XXXXXX)
chmod 755 "$data"
http_port=$(free_port)
run_pid=""
cleanup() { [ -n "$run_pid" ] && kill -TERM "$run_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$data" "${private:-}" "${private_data:-}" "${clone:-}"; }
trap cleanup EXIT

start_run() { # $1 = log file
  BOOKING_DATA_DIR="$data/data" BOOKING_HTTP_PORT=$http_port ./run >"$1" 2>&1 &
  run_pid=$!
  for _ in $(seq 1 240); do
    grep -q "Ctrl-C stops" "$1" 2>/dev/null && return 0
    kill -0 "$run_pid" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}
stop_run() { # what Ctrl-C does; a background job of a script ignores SIGINT, so send SIGTERM (same shutdown path)
  kill -TERM "$run_pid"
  for _ in $(seq 1 60); do
    kill -0 "$run_pid" 2>/dev/null || { wait "$run_pid"; local rc=$?; run_pid=""; [ "$rc" -eq 0 ] || return 1; ! pgrep -f "$data/data/postgres" >/dev/null; return; }
    sleep 0.5
  done
  return 1
}
printed_commands() { sed -n '/^Try it/,/^Ctrl-C/p' "$1" | grep -E '^(curl|BOOKING=)'; }

log1="$data/run1.log"
check "./run starts the API and prints a token and curl commands" "$log1" start_run "$log1"
eval "$(grep -E '^export (STAFF_)?TOKEN=' "$log1")"
export TOKEN STAFF_TOKEN
out="$data/curl.out"
bash -c "set -e; $(printed_commands "$log1"); echo \"BOOKING=\$BOOKING\"" >"$out" 2>&1
check "the printed availability command answers" "$out" grep -q '"available":' "$out"
check "the printed booking command books a room" "$out" grep -Eq '^booked [0-9a-f-]{36}$' "$out"
check "the printed confirm command confirms it" "$out" grep -q '"status":"confirmed"' "$out"
check "the printed staff calendar command shows the demo hotel's nights" "$out" grep -q '"capacity":12,"booked":' "$out"
check "the printed staff rooms command lists the demo rooms" "$out" grep -q '"label":"G1"' "$out"
booking=$(sed -n 's/^BOOKING=//p' "$out")
web="$data/web.out"
curl -s "http://127.0.0.1:$http_port/" >"$web"
check "the guest page is served at / (the printed web app address)" "$web" grep -q '<title>Book a room' "$web"
curl -s -X POST "http://127.0.0.1:$http_port/dev/sign-in" -H 'Content-Type: application/json' -d '{"name":"smoke-staff","staff":true}' >"$web"
check "the pages' development sign-in gives a token under ./run" "$web" grep -q '"token":"eyJ' "$web"
check "Ctrl-C stops the API and its database" "$log1" stop_run

log2="$data/run2.log"
check "a second ./run starts on the same data" "$log2" start_run "$log2"
curl -s "http://127.0.0.1:$http_port/api/bookings/$booking" -H "Authorization: Bearer $TOKEN" >"$out"
check "the booking made before the restart is still there" "$out" grep -q "\"id\":\"$booking\"" "$out"

if [ "$mode" = all ]; then
  log3="$data/taken.log"
  BOOKING_DATA_DIR="$data/data2" BOOKING_HTTP_PORT=$http_port ./run >"$log3" 2>&1
  rc=$?
  check "a taken port is refused in words, not a stack trace" "$log3" \
    bash -c "[ $rc -eq 2 ] && grep -q 'already in use' '$log3' && ! grep -q '   at ' '$log3'"
fi
check "the second run stops cleanly too" "$log2" stop_run

if [ "$mode" = all ]; then
  log4="$data/nobin.log"
  PG_BIN=/nonexistent BOOKING_DATA_DIR="$data/data3" BOOKING_HTTP_PORT=$(free_port) ./run >"$log4" 2>&1
  rc=$?
  check "missing PostgreSQL binaries say how to install them or use a connection string" "$log4" \
    bash -c "[ $rc -eq 2 ] && grep -q 'apt-get install' '$log4' && grep -q 'BOOKING_DB_CONNECTION_STRING' '$log4' && ! grep -q '   at ' '$log4'"

  log5="$data/unreachable.log"
  BOOKING_DB_CONNECTION_STRING="Host=127.0.0.1;Port=1;Username=nobody;Password=x;Database=booking;Timeout=3" \
    BOOKING_HTTP_PORT=$(free_port) ./run >"$log5" 2>&1
  rc=$?
  check "an unreachable connection string is named in the error" "$log5" \
    bash -c "[ $rc -eq 2 ] && grep -q 'Cannot reach PostgreSQL at 127.0.0.1:1' '$log5' && ! grep -q '   at ' '$log5'"

  if [ "$(id -u)" -eq 0 ]; then
    # Root, in a fresh clone inside a folder no other user may enter (like root's home, mode 700), no BOOKING_DATA_DIR:
    # the PostgreSQL service user cannot reach .data there, so ./run must put the data where it can and say where.
    private=$(mktemp -d /tmp/bookingfunctions-smoke-private.XXXXXX)
    chmod 700 "$private"
    git clone -q . "$private/clone"
    log6="$data/private.log"
    BOOKING_HTTP_PORT=$http_port "$private/clone/run" >"$log6" 2>&1 &
    run_pid=$!
    started=1
    for _ in $(seq 1 1200); do # a fresh clone builds first: minutes on a busy machine
      grep -q "Ctrl-C stops" "$log6" 2>/dev/null && { started=0; break; }
      kill -0 "$run_pid" 2>/dev/null || break
      sleep 0.5
    done
    private_data=$(sed -n 's/^Data folder: \(\/var\/lib\/bookingfunctions\/[0-9a-f]*\) .*/\1/p' "$log6" | head -n 1)
    check "as root in a clone under a mode-700 folder, ./run starts and says its data is under /var/lib/bookingfunctions" "$log6" \
      bash -c "[ $started -eq 0 ] && [ -n '$private_data' ] && grep -q '^  Data: *$private_data' '$log6'"
    hotel=$(sed -n 's/^export HOTEL=\([0-9a-f-]*\) .*/\1/p' "$log6" | head -n 1)
    curl -s "http://127.0.0.1:$http_port/api/accommodations/$hotel/availability?checkIn=$(date -u -d '+20 days' +%F)&checkOut=$(date -u -d '+21 days' +%F)" >"$out"
    check "that API answers the printed availability command" "$out" grep -q '"available":' "$out"
    stopped=1
    if [ -n "$run_pid" ]; then
      kill -TERM "$run_pid"
      for _ in $(seq 1 60); do
        kill -0 "$run_pid" 2>/dev/null || { wait "$run_pid"; stopped=$?; run_pid=""; break; }
        sleep 0.5
      done
    fi
    leftover=0
    pgrep -f "${private_data:-/nonexistent}/postgres" >/dev/null && leftover=1
    check "and Ctrl-C stops it and its database" "$log6" bash -c "[ $stopped -eq 0 ] && [ $leftover -eq 0 ]"
    [ -n "$private_data" ] && rm -rf "$private_data"
    rm -rf "$private"

    user=bookingsmoke
    id -u "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
    # a directory of this run's own: ./test of other checkouts may run this at the same time
    clone=$(mktemp -d "/tmp/bookingfunctions-smoke-$user.XXXXXX")
    git clone -q . "$clone" && mkdir -p "$clone/scripts" && cp scripts/smoke-run.sh "$clone/scripts/" && chown -R "$user" "$clone"
    nonroot="$data/nonroot.log"
    runuser -u "$user" -- env HOME="/home/$user" PATH="$PATH" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
      bash "$clone/scripts/smoke-run.sh" --core >"$nonroot" 2>&1
    rc=$?
    check "as a non-root user in a fresh clone, ./run starts, serves the curl commands and restarts on its data" "$nonroot" \
      bash -c "[ $rc -eq 0 ] && grep -q 'smoke: [1-9][0-9]* passed, 0 failed' '$nonroot'"
    rm -rf "$clone"
  fi
fi

echo "smoke: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
