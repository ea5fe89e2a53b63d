#!/usr/bin/env bash
# Runs every test of SilentCert against a throw-away PostgreSQL that this script starts and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/postgres.sh
. scripts/lib/tools.sh

pg_find_bin
# The tiny bench in the suite runs the view benchmark with wrk where it can (as root it installs it); without wrk, that
# test checks that the benchmark says how to get it.
ensure_wrk || true
work=$(mktemp -d "${TMPDIR:-/tmp}/silentcert-test.XXXXXX")
chmod 755 "$work"
cleanup() { pg_stop "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT

# A test cluster: durability settings off because the cluster is thrown away.
# Many nodes start in parallel test classes, each with its own pools: allow plenty of connections.
pg_start_free "$work/pg" 55400 fsync=off synchronous_commit=off full_page_writes=off max_connections=1000
port="$PG_PORT"
export SILENTCERT_TEST_PG
# Idle connections of nodes a test class has finished with are closed within seconds, not minutes.
SILENTCERT_TEST_PG="$(pg_connection_string "$port" postgres);Connection Idle Lifetime=10;Connection Pruning Interval=5"
echo "test PostgreSQL on 127.0.0.1:$port"

status=0
dotnet test Orleans.sln --nologo -c Release "$@" 2>&1 | tee "$work/test.log" || status=$?
# One closing line over every test project, in the plain form CI reads.
awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Passed:") p += $(i + 1); if ($i == "Failed:") f += $(i + 1); if ($i == "Skipped:") s += $(i + 1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$work/test.log"
exit "$status"
