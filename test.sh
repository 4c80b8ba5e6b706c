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
# site.sh --skip-build runs the published (ReadyToRun) DocGen, so publish it first.
[ $# -eq 0 ] && { { dotnet publish tools/DocGen/DocGen.csproj -c Release -o tools/DocGen/bin/Release/publish -nologo -v quiet &&
  ./site.sh --skip-build; } || site=$?; }
dotnet test LinuxVm.slnx -c Release --no-build -nologo "$@"
exit "$site"
