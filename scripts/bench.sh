#!/usr/bin/env bash
# Benchmarks SilentCert (issue 5) on one PostgreSQL, each part on a fresh database and in a process of its own:
#   ingest     evidence files through the grain path against a set-based SQL baseline on the same records;
#   monthend   the month-end evaluation of people of whom a tenth are overdue, against one SQL UPDATE;
#   reminders  one silo starting on a table of beneficiaries' reminders: start, a full read of the table, memory;
#   view       the person view under a fixed load from wrk, beside /healthz measured the same way.
# Prints 'name: value' lines; a full run also writes them to docs/BENCHMARKS.md.
#   scripts/bench.sh           full run: 100,000 people (3 months of evidence), 1,000,000 reminders, 30 s of load
#   scripts/bench.sh --small   a few minutes: 20,000 people, 1,000,000 reminders, 10 s of load
#   scripts/bench.sh --tiny    under a minute, to check that the bench still runs (the test suite runs a tiny bench too)
#   scripts/bench.sh --small ingest monthend   only the parts named (never written to docs/BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/postgres.sh
. scripts/lib/tools.sh

people=100000; months=3; reminders=1000000; seconds=30; size=full
case "${1:-}" in
  --tiny) people=2000; months=1; reminders=10000; seconds=3; size=tiny; shift ;;
  --small) people=20000; months=3; reminders=1000000; seconds=10; size=small; shift ;;
  -*) echo "usage: scripts/bench.sh [--small|--tiny] [ingest|monthend|reminders|view ...]" >&2; exit 2 ;;
esac
parts="${*:-ingest monthend reminders view}"
for part in $parts; do
  case "$part" in ingest|monthend|reminders|view) ;; *) echo "unknown part: $part (ingest, monthend, reminders, view)" >&2; exit 2 ;; esac
done
[ "$parts" = "ingest monthend reminders view" ] || size=partial

pg_find_bin
case " $parts " in *" view "*) ensure_wrk ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/silentcert-bench.XXXXXX")
chmod 755 "$work"
cleanup() { pg_stop "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT
# A durable PostgreSQL, as in production: both paths pay for the same fsyncs.
# pg_stat_statements shows where PostgreSQL's time goes (printed with the figures).
pg_start_free "$work/pg" 55500 max_connections=300 shared_preload_libraries=pg_stat_statements
export Pseudonym__Key
Pseudonym__Key="$(head -c 32 /dev/urandom | base64)"
export SilentCert__ConfigDirectory="$PWD/cluster-config"

dotnet build src/SilentCert.Cli -c Release --nologo -v quiet -clp:ErrorsOnly >&2
figures="$work/figures.txt"
: >"$figures"
# bench_part NAME ARGS...: one part of the bench, on a fresh database of its own.
bench_part() {
  local db="bench_$1"
  shift
  pg_as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U silentcert "$db"
  ConnectionStrings__Postgres="$(pg_connection_string "$PG_PORT" "$db")" \
    dotnet src/SilentCert.Cli/bin/Release/net10.0/silentcert.dll bench "$@" | tee -a "$figures"
}
for part in $parts; do
  case "$part" in
    ingest) bench_part ingest ingest --people "$people" --months "$months" ;;
    monthend) bench_part monthend monthend --people "$people" ;;
    reminders) bench_part reminders reminders --count "$reminders" ;;
    view) bench_part view view --people "$people" --seconds "$seconds" ;;
  esac
done

# A full run goes into docs/BENCHMARKS.md, between its run markers; the analysis around them is written by hand.
if [ "$size" = full ]; then
  run="$work/run.md"
  {
    echo "<!-- run:start -->"
    echo "Measured by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d): $people people ($months months of evidence), $reminders reminders, ${seconds} s of load per endpoint."
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
