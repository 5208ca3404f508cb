#!/usr/bin/env bash
# Builds the real Azure Functions app (BookingFunctions.csproj) with the isolated-worker packages.
# Not part of ./test or CI: those must not depend on the worker packages, which this project's machines
# were not expected to restore. Where they do restore (this machine's mirror served them on 2026-11-25),
# this proves the adapters compile against the real API, not only against the stand-in in
# tests/FunctionsAdapters.CompileCheck.
set -euo pipefail
cd "$(dirname "$0")/.."
if dotnet build BookingFunctions.csproj -c Release -nologo "$@"; then
  echo "Azure Functions app built with the real worker packages."
else
  echo "The Azure Functions app did not build here (see above): usually the worker packages are not on this NuGet source." >&2
  exit 1
fi
