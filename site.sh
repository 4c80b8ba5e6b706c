#!/usr/bin/env bash
# Builds the companion's site into _site/: installs Graphviz and Chromium if missing, restores the
# local tools (docfx), builds the port, the figures and DocGen, then runs DocGen's stages (load,
# index, graph, weave, reference, render, site/docfx) and prints each stage's time. Safe to run again: a
# rebuild after editing a chapter needs no clean, and a failed build leaves _site/ as it was.
#   ./site.sh                 build
#   ./site.sh --serve         build, then serve _site/ on http://127.0.0.1:8080 (PORT=... to change)
#   ./site.sh --skip-build    reuse what ./test.sh already built (Release)
set -euo pipefail
cd "$(dirname "$0")"
serve=0
skip_build=0
for arg in "$@"; do
  case "$arg" in
    --serve) serve=1 ;;
    --skip-build) skip_build=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "site.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

now() { date +%s%N; }
t0=$(now)
last=$t0
mark() {
  local t
  t=$(now)
  printf 'site.sh: %-14s %7.2f s\n' "$1" "$(( (t - last) / 1000000 ))e-3"
  last=$t
}

if [ "$skip_build" -eq 0 ]; then
  ./scripts/prerequisites.sh
  mark prerequisites
  dotnet tool restore >/dev/null
  mark tool-restore
  dotnet build tools/Figures/Figures.csproj -c Release -nologo -v quiet
  # Published, not just built: the publish step compiles DocGen and Roslyn ahead of time
  # (ReadyToRun, see tools/DocGen/DocGen.csproj), which halves a cold run of the stages.
  dotnet publish tools/DocGen/DocGen.csproj -c Release -o tools/DocGen/bin/Release/publish -nologo -v quiet
  mark build
fi
docgen=tools/DocGen/bin/Release/publish/LinuxVm.DocGen.dll
if [ ! -f "$docgen" ]; then
  echo "site.sh: $docgen is missing; run ./site.sh without --skip-build (or ./test.sh) first" >&2
  exit 2
fi
dotnet "$docgen" build --configuration Release
last=$(now)
printf 'site.sh: %-14s %7.2f s\n' total "$(( (last - t0) / 1000000 ))e-3"

if [ "$serve" -eq 1 ]; then
  port="${PORT:-8080}"
  echo "site.sh: serving _site/ on http://127.0.0.1:$port (Ctrl-C stops)"
  exec dotnet tool run docfx -- serve _site --hostname 127.0.0.1 --port "$port"
fi
