#!/usr/bin/env bash
# Loads an evidence exchange file (CSV or NDJSON with the API's evidence fields) into a running cluster:
#   scripts/ingest.sh data/province/evidence-2026-01.csv [--rejects FILE]
# It joins the cluster as an Orleans client, so it needs the nodes' database and pseudonym key: the same
# ConnectionStrings__Postgres and Pseudonym__Key as the nodes. Next to a node started by scripts/run.sh it finds that
# node's private PostgreSQL and development key by itself.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/lib/postgres.sh"
if [ -z "${ConnectionStrings__Postgres:-}" ] && [ -f "$root/data/pg.port" ]; then
  export ConnectionStrings__Postgres
  ConnectionStrings__Postgres="$(pg_connection_string "$(cat "$root/data/pg.port")" silentcert)"
fi
if [ -z "${Pseudonym__Key:-}" ] && [ -f "$root/data/pseudonym.key" ]; then
  export Pseudonym__KeyFile="${Pseudonym__KeyFile:-$root/data/pseudonym.key}"
fi
export SilentCert__ConfigDirectory="${SilentCert__ConfigDirectory:-$root/cluster-config}"
dotnet build "$root/src/SilentCert.Cli" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
exec dotnet "$root/src/SilentCert.Cli/bin/Release/net10.0/silentcert.dll" ingest "$@"
