#!/usr/bin/env bash
# Run the whole test suite against PostgreSQL and Redis over real connections, with real
# headless Chromium for the browser tests. Sets up everything it needs on a fresh machine and
# fails loudly if a service is missing. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3

fail() { echo "ERROR: $*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

# --- Python environment ---------------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip
mkdir -p var
.venv/bin/python -m pip install -q -c requirements.lock -e ".[dev]" >var/pip-install.log 2>&1 \
  || { cat var/pip-install.log; fail "installing the Python dependencies failed."; }

# --- Services: PostgreSQL 127.0.0.1:5432 and Redis 127.0.0.1:6379 ---------------------------
pg_up() { .venv/bin/python -c "import psycopg; psycopg.connect('host=127.0.0.1 port=5432 user=postgres dbname=postgres', connect_timeout=3).close()" 2>/dev/null; }
redis_up() { .venv/bin/python -c "import redis; redis.Redis(host='127.0.0.1', port=6379, socket_timeout=3).ping()" 2>/dev/null; }
if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is not answering; starting it."
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 20); do pg_up && break; sleep 1; done
  fi
  pg_up || fail "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres). Install and start it."
fi
if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "Redis is not answering; starting it."
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
    for _ in $(seq 1 20); do redis_up && break; sleep 1; done
  fi
  redis_up || fail "Redis is not reachable at 127.0.0.1:6379. Install and start it."
fi

# --- Headless Chromium (Debian's package; Playwright cannot download browsers here) ---------
export GP_CHROMIUM="${GP_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$GP_CHROMIUM" ]; then
  echo "Installing Debian's chromium for the browser tests."
  as_root apt-get update -qq >/dev/null || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    || fail "could not install Debian's chromium; the browser tests need it."
fi
[ -x "$GP_CHROMIUM" ] || fail "Chromium not found at $GP_CHROMIUM."

# --- Environment of the test run ------------------------------------------------------------
export DJANGO_DEBUG=0
export DJANGO_HTTPS=0
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-test-only-secret-key-not-for-production-use}"
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost,testserver}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/gwangyang}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/1}"
export GP_VAR_DIR="${GP_VAR_DIR:-$PWD/var/test}"
export DJANGO_ALLOW_ASYNC_UNSAFE=true  # Playwright's sync API runs an event loop in the test thread.

# The compiled catalogue is committed; recompile only where GNU gettext is installed.
if command -v msgfmt >/dev/null; then .venv/bin/python manage.py compilemessages -v0; fi
.venv/bin/python manage.py collectstatic --noinput -v0

set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ $rc -eq 5 ]; then fail "pytest collected no tests: the suite is missing or the selection is empty."; fi
exit $rc
