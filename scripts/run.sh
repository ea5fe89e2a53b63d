#!/usr/bin/env bash
# Starts one SilentCert node at http://127.0.0.1:5080 (override with Urls=...).
# With no ConnectionStrings__Postgres in the environment it starts a private PostgreSQL under ./data/pg (as root, under
# /var/tmp when the postgres user cannot reach ./data), creating it on first run, and stops it when this script ends.
# Any configuration key can be overridden from the environment (Clock__Mode=Manual, Clock__Start=...,
# SilentCert__Topology=multi-node, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
started_pg=
build=
node=
root=$(pwd)
. scripts/lib/postgres.sh

data="$root/data"
mkdir -p "$data"
chmod 755 "$data"
pgdir="$data/pg"

# However this script ends (the node stopped, the build failed, Ctrl+C): stop the build or the node if one still
# runs, then the private PostgreSQL if this script started it. The exit status stays the node's (or the build's).
on_exit() {
  local status=$? child
  trap - INT TERM
  for child in "$build" "$node"; do
    if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
      kill -TERM "$child" 2>/dev/null || true
      wait "$child" 2>/dev/null || true
    fi
  done
  if [ -n "$started_pg" ]; then pg_stop "$pgdir"; fi
  exit "$status"
}
# Ctrl+C or a TERM: before the node runs, exit (through on_exit); once it runs, forward a TERM to it and let the
# wait below collect its status.
on_signal() {
  if [ -n "$node" ]; then
    kill -TERM "$node" 2>/dev/null || true
  else
    exit "$1"
  fi
}
trap on_exit EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

if [ -z "${ConnectionStrings__Postgres:-}" ]; then
  pg_find_bin
  # As root the cluster belongs to the postgres user. When that user cannot reach ./data (a clone under /root, say),
  # the cluster goes in a directory of its own under /var/tmp named after this clone's path; the rest stays in ./data.
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$data" 2>/dev/null; then
    pghome="/var/tmp/silentcert-pg-$(pwd -P | sha256sum | cut -c1-12)"
    if [ -L "$pghome" ] || { [ -e "$pghome" ] && [ "$(stat -c %U "$pghome")" != postgres ]; }; then
      echo "$pghome does not belong to the postgres user; remove it or set ConnectionStrings__Postgres" >&2
      exit 1
    fi
    pg_own_dir "$pghome"
    pgdir="$pghome/pg"
    echo "the postgres user cannot reach $data: the private PostgreSQL cluster is in $pgdir"
  fi
  if [ -f "$pgdir/postmaster.pid" ] && [ -f "$data/pg.port" ] && pg_as_owner "$PG_BIN/pg_ctl" -D "$pgdir" status >/dev/null 2>&1; then
    port=$(cat "$data/pg.port")
    echo "using the private PostgreSQL already running on 127.0.0.1:$port"
  else
    started_pg=1
    # On failure nothing of ours runs: do not stop a server that another run of this script may have started.
    pg_start_free "$pgdir" 55432 || { started_pg=; exit 1; }
    port="$PG_PORT"
    echo "$port" >"$data/pg.port"
    echo "private PostgreSQL on 127.0.0.1:$port (data in $pgdir)"
  fi
  export ConnectionStrings__Postgres
  ConnectionStrings__Postgres="$(pg_connection_string "$port" silentcert)"
fi

export Urls="${Urls:-http://127.0.0.1:5080}"
export Pseudonym__KeyFile="${Pseudonym__KeyFile:-$data/pseudonym.key}"
export SilentCert__ConfigDirectory="${SilentCert__ConfigDirectory:-$root/cluster-config}"

# In the background so that Ctrl+C or a TERM stops the script at once (dotnet build may finish its work despite a
# Ctrl+C; on_exit stops it instead).
dotnet build src/SilentCert.Gateway -c Release --nologo -v quiet -clp:ErrorsOnly &
build=$!
status=0
wait "$build" || status=$?
build=
[ "$status" -eq 0 ] || exit "$status"
echo "SilentCert node starting on $Urls (dashboard: $Urls/dashboard, OpenAPI: $Urls/openapi/v1.json)"
dotnet src/SilentCert.Gateway/bin/Release/net10.0/SilentCert.Gateway.dll &
node=$!
status=0
wait "$node" || status=$?
# A signal interrupts the wait (status above 128) after on_signal has sent the node a TERM: wait again until the node
# has gone, for its own status (bash keeps it after the node has exited).
while [ "$status" -gt 128 ] && kill -0 "$node" 2>/dev/null; do status=0; wait "$node" || status=$?; done
if [ "$status" -gt 128 ]; then status=0; wait "$node" || status=$?; fi
node=
exit "$status"
