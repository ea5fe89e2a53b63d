# shellcheck shell=bash
# Tools SilentCert's scripts need beyond .NET and PostgreSQL. Sourced, not run.

# wrk, the HTTP load tool of the view benchmark, from Debian's packages: installed when missing and this runs as root.
ensure_wrk() {
  command -v wrk >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing wrk (Debian package) for the view benchmark" >&2
    { apt-get install -y -qq wrk || { apt-get update -qq && apt-get install -y -qq wrk; }; } >/dev/null 2>&1
  fi
  command -v wrk >/dev/null 2>&1 && return 0
  echo "wrk is needed for the view benchmark and could not be installed: run  apt-get install wrk  as root" >&2
  return 1
}
