# shellcheck shell=bash
# Private PostgreSQL clusters for SilentCert's scripts. Sourced, not run.
# initdb and postgres refuse to run as root: as root they run as the 'postgres' user on a directory it owns.

pg_find_bin() {
  local candidate
  for candidate in "${PG_BIN:-}" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -Vr); do
    if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      PG_BIN="$candidate"
      return 0
    fi
  done
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    PG_BIN="$(pg_config --bindir)"
    return 0
  fi
  echo "PostgreSQL server binaries not found (initdb, pg_ctl)." >&2
  echo "Install them with:  apt-get install postgresql   (Debian/Ubuntu; PostgreSQL 15 or later)" >&2
  echo "or point PG_BIN at the directory that holds initdb, or set ConnectionStrings__Postgres to use an existing server." >&2
  return 1
}

# Runs a PostgreSQL server binary as a user it accepts. As root, from / when the postgres user cannot enter the
# current directory (initdb and pg_ctl warn about it otherwise); pass absolute paths.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if runuser -u postgres -- test -x . 2>/dev/null; then
      runuser -u postgres -- "$@"
    else
      (cd / && runuser -u postgres -- "$@")
    fi
  else
    "$@"
  fi
}

pg_own_dir() {
  mkdir -p "$1"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$1"
    chmod 700 "$1"
  fi
}

pg_free_port() {
  local port
  for port in $(seq "${1:-54320}" 65000); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# pg_start DATA_DIR PORT [extra postgres -c settings...]: creates the cluster on first use, then starts it on PORT.
# Returns 2 when PostgreSQL could not start because PORT is taken, 1 on any other failure.
pg_start() {
  local dir="$1" port="$2"
  shift 2
  pg_own_dir "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    pg_as_owner "$PG_BIN/initdb" -D "$dir" -U silentcert --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/../initdb.log" 2>&1 \
      || { echo "initdb failed; see $dir/../initdb.log" >&2; return 1; }
  fi
  local opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200"
  local setting
  for setting in "$@"; do opts="$opts -c $setting"; done
  # The server log is appended to: remember where this attempt's lines begin.
  local log="$dir/server.log" before=0 errors
  [ -f "$log" ] && before=$(wc -c <"$log")
  errors=$(pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -o "$opts" -l "$log" -w -t 60 start 2>&1 >/dev/null) && return 0
  if [ -f "$log" ] && tail -c +"$((before + 1))" "$log" | grep -qE 'could not bind .*Address already in use|could not create any TCP/IP sockets'; then
    return 2
  fi
  [ -z "$errors" ] || echo "$errors" >&2
  echo "PostgreSQL did not start; see $log" >&2
  return 1
}

# pg_start_free DATA_DIR FIRST_PORT [extra postgres -c settings...]: starts the cluster on the first free port from
# FIRST_PORT on, moving to the next free port when another process takes the chosen one first (a free port can be
# taken between the check and the start, e.g. by a concurrent test run). Sets PG_PORT to the port it started on.
pg_start_free() {
  local dir="$1" port="$2" attempt rc
  shift 2
  PG_PORT=
  for attempt in 1 2 3 4 5; do
    port=$(pg_free_port "$port") || { echo "no free port for PostgreSQL" >&2; return 1; }
    rc=0
    pg_start "$dir" "$port" "$@" || rc=$?
    if [ "$rc" -eq 0 ]; then
      # shellcheck disable=SC2034 # read by the scripts that source this file
      PG_PORT="$port"
      return 0
    fi
    [ "$rc" -eq 2 ] || return 1
    echo "port $port was taken before PostgreSQL could listen on it (attempt $attempt of 5)" >&2
    port=$((port + 1))
  done
  echo "PostgreSQL did not start: every port it tried was taken; see $dir/server.log" >&2
  return 1
}

pg_stop() {
  [ -f "$1/postmaster.pid" ] && pg_as_owner "$PG_BIN/pg_ctl" -D "$1" -m fast -w stop >/dev/null 2>&1
  return 0
}

pg_connection_string() {
  echo "Host=127.0.0.1;Port=$1;Username=silentcert;Database=${2:-silentcert};No Reset On Close=true;Max Auto Prepare=20;Auto Prepare Min Usages=2"
}
