#!/usr/bin/env bash
# Runs every test of the project: the port's unit and property tests, the chapter exercises,
# DocGen's tests and the site tests in headless Chromium.
#   ./test.sh                      everything (builds the site first: a broken chapter fails here)
#   ./test.sh --filter Chapter=3   one chapter's exercises (any dotnet test filter works)
set -euo pipefail
cd "$(dirname "$0")"
./scripts/prerequisites.sh
dotnet tool restore >/dev/null
dotnet build LinuxVm.slnx -c Release -nologo -v quiet
site=0
[ $# -eq 0 ] && { ./site.sh --skip-build || site=$?; }
dotnet test LinuxVm.slnx -c Release --no-build -nologo "$@"
exit "$site"
