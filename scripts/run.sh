#!/usr/bin/env bash
# Starts one SilentCert node at http://127.0.0.1:5080 (override with Urls=...).
# With no ConnectionStrings__Postgres in the environment it starts a private PostgreSQL under ./data/pg, creating it
# on first run, and stops it when the node stops. Any configuration key can be overridden from the environment
# (Clock__Mode=Manual, Clock__Start=..., SilentCert__Topology=multi-node, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
started_pg=
root=$(pwd)
. scripts/lib/postgres.sh

data="$root/data"
mkdir -p "$data"
chmod 755 "$data"

if [ -z "${ConnectionStrings__Postgres:-}" ]; then
  pg_find_bin
  if [ -f "$data/pg/postmaster.pid" ] && [ -f "$data/pg.port" ] && pg_as_owner "$PG_BIN/pg_ctl" -D "$data/pg" status >/dev/null 2>&1; then
    port=$(cat "$data/pg.port")
    echo "using the private PostgreSQL already running on 127.0.0.1:$port"
  else
    port=$(pg_free_port 55432)
    pg_start "$data/pg" "$port"
    echo "$port" >"$data/pg.port"
    started_pg=1
    echo "private PostgreSQL on 127.0.0.1:$port (data in $data/pg)"
  fi
  export ConnectionStrings__Postgres
  ConnectionStrings__Postgres="$(pg_connection_string "$port" silentcert)"
fi

export Urls="${Urls:-http://127.0.0.1:5080}"
export Pseudonym__KeyFile="${Pseudonym__KeyFile:-$data/pseudonym.key}"
export SilentCert__ConfigDirectory="${SilentCert__ConfigDirectory:-$root/cluster-config}"

dotnet build src/SilentCert.Gateway -c Release --nologo -v quiet -clp:ErrorsOnly
echo "SilentCert node starting on $Urls (dashboard: $Urls/dashboard, OpenAPI: $Urls/openapi/v1.json)"
dotnet src/SilentCert.Gateway/bin/Release/net10.0/SilentCert.Gateway.dll &
node=$!
# Ctrl+C or a TERM stops the node first, then the private PostgreSQL this script started.
stop() { kill -TERM "$node" 2>/dev/null || true; }
trap stop INT TERM
status=0
wait "$node" || status=$?
if kill -0 "$node" 2>/dev/null; then wait "$node" || status=$?; fi
[ -n "$started_pg" ] && pg_stop "$data/pg"
exit "$status"
