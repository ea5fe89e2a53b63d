#!/usr/bin/env bash
# Benchmarks SilentCert's grain path against a set-based SQL baseline on the same data and the same PostgreSQL, in one
# run (issue 5). Prints 'name: value' lines at the end and, except for --tiny, writes docs/BENCHMARKS.md.
#   scripts/bench.sh           full run: 200,000 people, 12 months of evidence
#   scripts/bench.sh --small   a few minutes: 20,000 people, 3 months
#   scripts/bench.sh --tiny    seconds, to check that the bench still runs (what CI's test suite also does)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/postgres.sh

case "${1:-}" in
  --tiny) people=2000; months=1; size=tiny ;;
  --small) people=20000; months=3; size=small ;;
  "") people=200000; months=12; size=full ;;
  *) echo "usage: scripts/bench.sh [--small|--tiny]" >&2; exit 2 ;;
esac

pg_find_bin
work=$(mktemp -d "${TMPDIR:-/tmp}/silentcert-bench.XXXXXX")
chmod 755 "$work"
cleanup() { pg_stop "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT
# A durable PostgreSQL, as in production: both paths pay for the same fsyncs.
# pg_stat_statements shows where PostgreSQL's time goes (printed with the figures).
pg_start_free "$work/pg" 55500 max_connections=300 shared_preload_libraries=pg_stat_statements
export ConnectionStrings__Postgres
ConnectionStrings__Postgres="$(pg_connection_string "$PG_PORT" postgres)"
export Pseudonym__Key
Pseudonym__Key="$(head -c 32 /dev/urandom | base64)"
export SilentCert__ConfigDirectory="$PWD/cluster-config"

dotnet build src/SilentCert.Cli -c Release --nologo -v quiet -clp:ErrorsOnly >&2
figures="$work/figures.txt"
dotnet src/SilentCert.Cli/bin/Release/net10.0/silentcert.dll bench --people "$people" --months "$months" | tee "$figures"

# A full run goes into docs/BENCHMARKS.md, between its run markers; the analysis around them is written by hand.
if [ "$size" = full ]; then
  run="$work/run.md"
  {
    echo "<!-- run:start -->"
    echo "Measured by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d): $people people, $months months of evidence."
    echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') (durable settings) beside the silo."
    echo
    echo '```'
    cat "$figures"
    echo '```'
    echo "<!-- run:end -->"
  } >"$run"
  awk -v run="$run" '/<!-- run:start -->/ { while ((getline line < run) > 0) print line; skip = 1; next }
                     /<!-- run:end -->/ { skip = 0; next } !skip' docs/BENCHMARKS.md >"$work/BENCHMARKS.md"
  cp "$work/BENCHMARKS.md" docs/BENCHMARKS.md
  echo "written to docs/BENCHMARKS.md" >&2
fi
