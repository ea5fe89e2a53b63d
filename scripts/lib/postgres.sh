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

# Runs a PostgreSQL server binary as a user it accepts.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
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

# pg_start DATA_DIR PORT [extra postgres -c settings...]: creates the cluster on first use, then starts it.
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
  pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -o "$opts" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { echo "PostgreSQL did not start; see $dir/server.log" >&2; return 1; }
}

pg_stop() {
  [ -f "$1/postmaster.pid" ] && pg_as_owner "$PG_BIN/pg_ctl" -D "$1" -m fast -w stop >/dev/null 2>&1
  return 0
}

pg_connection_string() {
  echo "Host=127.0.0.1;Port=$1;Username=silentcert;Database=${2:-silentcert};No Reset On Close=true;Max Auto Prepare=20;Auto Prepare Min Usages=2"
}
