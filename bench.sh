#!/usr/bin/env bash
# ./bench.sh [--quick] [--results DIR]
# (Named bench.sh because bench/ is the folder holding the project, its SQL and its results.)
# Builds the benchmark in Release and runs every workload of issue 5 in one run against one PostgreSQL:
# its own durable local cluster (fsync and synchronous_commit on), or the superuser connection string in
# BOOKING_BENCH_CONNECTION_STRING. Writes bench/results/latest.md + latest.png (--quick: latest-quick.*).
set -euo pipefail
cd "$(dirname "$0")"
dotnet build bench/BookingFunctions.Bench/BookingFunctions.Bench.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
exec dotnet bench/BookingFunctions.Bench/bin/Release/net10.0/BookingFunctions.Bench.dll "$@"
