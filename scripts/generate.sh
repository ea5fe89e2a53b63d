#!/usr/bin/env bash
# A synthetic province, deterministic from its seed: enrolments (NDJSON, the API's enrolment bodies) and one evidence
# exchange file per month (CSV, or NDJSON with --format ndjson), e.g.
#   scripts/generate.sh --people 100000 --months 12 --seed 1 --out data/province
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dotnet build "$root/src/SilentCert.Cli" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
exec dotnet "$root/src/SilentCert.Cli/bin/Release/net10.0/silentcert.dll" generate "$@"
