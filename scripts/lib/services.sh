# shellcheck shell=bash
# PostgreSQL and Redis for the test suite. Sourced by scripts/test.sh (run from the project root)
# and by tests/scripts/test_test_script_services.py.
#
# ensure_postgres and ensure_redis leave DATABASE_URL and CELERY_BROKER_URL exported, pointing at
# a server that accepts the login, or stop with a message that says what to install and which
# variable points the tests elsewhere. The rules:
#   - A URL the user set is only checked: nothing is installed or started for it.
#   - A server that is already installed is used as it is: started if it is down, never
#     reconfigured, no role or database added.
#   - A missing server is installed from Debian's packages (as root, or through sudo) and listens
#     on 127.0.0.1 only. PostgreSQL's authentication stays Debian's default (a password over TCP):
#     on a cluster installed here the script creates the role `gwangyang` (LOGIN CREATEDB, not a
#     superuser; pytest-django creates the test database) with a generated password, and the
#     database `gwangyang`. The URL with the password is kept in $GP_SERVICES_DIR/database-url.
#
# Hooks for tests: GP_PG_PROBE and GP_REDIS_PROBE replace the probes (a command given a URL),
# GP_SERVICES_DIR moves var/services, GP_SERVICE_WAIT is how many seconds a start may take.

GP_SERVICES_DIR="${GP_SERVICES_DIR:-var/services}"
GP_SERVICE_WAIT="${GP_SERVICE_WAIT:-20}"
PG_DEFAULT_URL="postgres://postgres@127.0.0.1:5432/gwangyang"
REDIS_DEFAULT_URL="redis://127.0.0.1:6379/1"
PG_MARK="$GP_SERVICES_DIR/postgres-installed-here"
PG_SAVED_URL="$GP_SERVICES_DIR/database-url"

PG_HELP="Install it yourself:
  sudo apt-get install -y postgresql
or point the tests at a PostgreSQL server you already have (a role with CREATEDB):
  DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/gwangyang bash scripts/test.sh"
REDIS_HELP="Install it yourself:
  sudo apt-get install -y redis-server
or point the tests at a Redis server you already have:
  CELERY_BROKER_URL=redis://HOST:6379/1 bash scripts/test.sh"

fail() { echo "ERROR: $*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }
as_root() { if is_root; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
as_postgres() { if is_root; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
redact() { printf '%s' "$1" | sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#'; }

# Why this script cannot install Debian packages here; prints nothing (and fails) if it can.
cannot_install() {
  if ! command -v apt-get >/dev/null; then
    echo "apt-get was not found (the script installs Debian's packages)"
  elif ! is_root && ! command -v sudo >/dev/null; then
    echo "not running as root, and sudo was not found"
  else
    return 1
  fi
}

_apt_updated=
apt_install() {
  if [ -z "$_apt_updated" ]; then
    as_root apt-get update -qq >/dev/null || true
    _apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Retry a command once a second for up to GP_SERVICE_WAIT seconds; returns its last status.
wait_for() {
  local i
  for ((i = 1; i < GP_SERVICE_WAIT; i++)); do
    "$@" && return 0
    sleep 1
  done
  "$@"
}

# --- Probes: exit 0 = the login works, 2 = a server answers but refuses it, 1 = nothing answers --
_PROBE_PY='
import socket, sys
from urllib.parse import urlsplit

kind, url = sys.argv[1:]
parts = urlsplit(url)
try:
    if kind == "pg":
        import psycopg
        try:
            psycopg.connect(url, connect_timeout=3).close()
        except psycopg.OperationalError:  # the database may not exist yet: pytest creates its own
            psycopg.connect(url, dbname="postgres", connect_timeout=3).close()
    elif parts.scheme in ("redis", "rediss"):
        import redis
        redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3).ping()
    else:
        import kombu
        kombu.Connection(url, connect_timeout=3).ensure_connection(max_retries=1)
except Exception:
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port), 3).close()
    except (OSError, TypeError):
        sys.exit(1)
    sys.exit(2)
'
pg_up() {
  if [ -n "${GP_PG_PROBE:-}" ]; then "$GP_PG_PROBE" "$1"; else .venv/bin/python -c "$_PROBE_PY" pg "$1" 2>/dev/null; fi
}
redis_up() {
  if [ -n "${GP_REDIS_PROBE:-}" ]; then "$GP_REDIS_PROBE" "$1"; else .venv/bin/python -c "$_PROBE_PY" redis "$1" 2>/dev/null; fi
}

# --- PostgreSQL -------------------------------------------------------------------------------
# Export DATABASE_URL as the first login that works: the default one, then the one saved when this
# script installed the server. Returns like a probe.
pg_pick_url() {
  local url rc=1 r
  for url in "$PG_DEFAULT_URL" "$(cat "$PG_SAVED_URL" 2>/dev/null || true)"; do
    [ -n "$url" ] || continue
    r=0
    pg_up "$url" || r=$?
    if [ "$r" = 0 ]; then
      export DATABASE_URL="$url"
      return 0
    fi
    if [ "$r" = 2 ]; then rc=2; fi
  done
  return "$rc"
}

# "VERSION NAME" of the Debian cluster on port 5432 (empty if there is none).
pg_cluster() { pg_lsclusters -h 2>/dev/null | awk '$3 == 5432 { print $1, $2; exit }'; }

pg_install() {
  local why ver name
  if why=$(cannot_install); then
    fail "PostgreSQL is not installed and this script cannot install it: $why.
$PG_HELP"
  fi
  echo "PostgreSQL is not installed; installing Debian's postgresql (listening on 127.0.0.1 only)."
  apt_install postgresql || fail "apt-get could not install postgresql.
$PG_HELP"
  mkdir -p "$GP_SERVICES_DIR"
  echo "scripts/test.sh installed PostgreSQL on this machine." >"$PG_MARK"
  read -r ver name <<<"$(pg_cluster)" || true
  if [ -z "${ver:-}" ]; then
    ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -1)
    name=main
    as_root pg_createcluster --port 5432 "$ver" "$name" || fail "pg_createcluster $ver $name failed."
  fi
  as_root pg_conftool "$ver" "$name" set listen_addresses 127.0.0.1 \
    || fail "could not set listen_addresses on the new cluster $ver/$name."
  as_root pg_ctlcluster "$ver" "$name" restart || fail "could not start the new cluster $ver/$name."
  pg_prepare
}

# The role and database the tests use, on a cluster this script installed (never on another one).
pg_prepare() {
  local pw
  pw=$(sed -n 's#^postgres://gwangyang:\([0-9a-f]*\)@.*#\1#p' "$PG_SAVED_URL" 2>/dev/null || true)
  if [ -z "$pw" ]; then pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n'); fi
  echo "Creating the PostgreSQL role gwangyang (CREATEDB; password in $PG_SAVED_URL) and its database."
  (cd / && as_postgres psql -q -v ON_ERROR_STOP=1 -d postgres) <<SQL || fail "creating the role gwangyang failed."
SELECT 'CREATE ROLE gwangyang' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gwangyang')\gexec
ALTER ROLE gwangyang WITH LOGIN CREATEDB NOSUPERUSER PASSWORD '$pw';
SELECT 'CREATE DATABASE gwangyang OWNER gwangyang' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'gwangyang')\gexec
SQL
  mkdir -p "$GP_SERVICES_DIR"
  (umask 077 && echo "postgres://gwangyang:$pw@127.0.0.1:5432/gwangyang" >"$PG_SAVED_URL")
}

ensure_postgres() {
  local rc=0 ver name
  if [ -n "${DATABASE_URL:-}" ]; then
    pg_up "$DATABASE_URL" || fail "PostgreSQL at DATABASE_URL=$(redact "$DATABASE_URL") does not answer or refuses the login. Nothing is installed or started while DATABASE_URL is set."
    export DATABASE_URL
    return 0
  fi
  pg_pick_url || rc=$?
  if [ "$rc" = 1 ] && command -v pg_ctlcluster >/dev/null; then
    read -r ver name <<<"$(pg_cluster)" || true
    [ -n "${ver:-}" ] || fail "PostgreSQL is installed but has no cluster on port 5432. Create one:
  sudo pg_createcluster --start VERSION main
or point the tests at a PostgreSQL server you already have (a role with CREATEDB):
  DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/gwangyang bash scripts/test.sh"
    echo "PostgreSQL is not answering; starting cluster $ver/$name as it is configured."
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || true
    rc=0
    wait_for pg_pick_url || rc=$?
  elif [ "$rc" = 1 ]; then
    pg_install
    rc=0
    wait_for pg_pick_url || rc=$?
  fi
  if [ "$rc" = 2 ] && [ -f "$PG_MARK" ]; then  # the cluster this script installed lost its role
    pg_prepare
    rc=0
    pg_pick_url || rc=$?
  fi
  case "$rc" in
    0) ;;
    2) fail "PostgreSQL at 127.0.0.1:5432 refuses the tests' login (user postgres without a password). This script does not change a server it did not install.
Point the tests at it with a role that has CREATEDB:
  DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:5432/gwangyang bash scripts/test.sh" ;;
    *) fail "PostgreSQL does not answer at 127.0.0.1:5432.
$PG_HELP" ;;
  esac
}

# --- Redis ------------------------------------------------------------------------------------
ensure_redis() {
  local rc=0 why
  if [ -n "${CELERY_BROKER_URL:-}" ]; then
    redis_up "$CELERY_BROKER_URL" || fail "the broker at CELERY_BROKER_URL=$(redact "$CELERY_BROKER_URL") does not answer. Nothing is installed or started while CELERY_BROKER_URL is set."
    export CELERY_BROKER_URL
    return 0
  fi
  export CELERY_BROKER_URL="$REDIS_DEFAULT_URL"
  redis_up "$CELERY_BROKER_URL" || rc=$?
  if [ "$rc" = 1 ] && ! command -v redis-server >/dev/null; then
    if why=$(cannot_install); then
      fail "Redis is not installed and this script cannot install it: $why.
$REDIS_HELP"
    fi
    echo "Redis is not installed; installing Debian's redis-server."
    apt_install redis-server || fail "apt-get could not install redis-server.
$REDIS_HELP"
    rc=0
    redis_up "$CELERY_BROKER_URL" || rc=$?  # Debian's service, if the package started it
  fi
  if [ "$rc" = 1 ]; then
    echo "Redis is not answering; starting redis-server on 127.0.0.1:6379 (no persistence)."
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
    rc=0
    wait_for redis_up "$CELERY_BROKER_URL" || rc=$?
  fi
  case "$rc" in
    0) ;;
    2) fail "Redis at 127.0.0.1:6379 refuses the tests' connection (a password?). This script does not change a server it did not install.
Point the tests at it:
  CELERY_BROKER_URL=redis://:PASSWORD@127.0.0.1:6379/1 bash scripts/test.sh" ;;
    *) fail "Redis does not answer at 127.0.0.1:6379.
$REDIS_HELP" ;;
  esac
}
