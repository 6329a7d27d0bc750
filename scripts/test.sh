#!/usr/bin/env bash
# Run the whole test suite against PostgreSQL and Redis over real connections, with real
# headless Chromium for the browser tests. Sets up everything it needs on a fresh Debian machine
# (installs and starts PostgreSQL, Redis and Chromium when they are missing) and fails loudly,
# saying what to install, where it cannot. Extra arguments go to pytest.
#
#   bash scripts/test.sh           the whole suite
#   bash scripts/test.sh --fast    the fast lane: everything but the tests marked browser,
#                                  celery_worker and subprocess (see pyproject.toml's markers)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/services.sh
. scripts/lib/services.sh  # fail, as_root, apt_install, ensure_postgres, ensure_redis
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3

FAST_LANE=(-m "not browser and not celery_worker and not subprocess")
PYTEST_ARGS=()
for arg in "$@"; do
  if [ "$arg" = "--fast" ]; then PYTEST_ARGS+=("${FAST_LANE[@]}"); else PYTEST_ARGS+=("$arg"); fi
done

# --- Python environment ---------------------------------------------------------------------
# pip runs only when the dependency files changed since the last install (a stamp in .venv).
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
mkdir -p var
DEPS_STAMP=$(cat pyproject.toml requirements.lock | sha256sum | cut -d" " -f1)
if [ "$(cat .venv/.gp-deps 2>/dev/null)" != "$DEPS_STAMP" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >var/pip-install.log 2>&1 || true
  .venv/bin/python -m pip install -q -c requirements.lock -e ".[dev]" >>var/pip-install.log 2>&1 \
    || { cat var/pip-install.log; fail "installing the Python dependencies failed."; }
  echo "$DEPS_STAMP" >.venv/.gp-deps
fi

# --- Services: PostgreSQL 127.0.0.1:5432 and Redis 127.0.0.1:6379 ---------------------------
# Exports DATABASE_URL and CELERY_BROKER_URL. A URL set by the caller is only checked; otherwise a
# server that is down is started, and one that is missing is installed (scripts/lib/services.sh).
ensure_postgres
ensure_redis

# --- Headless Chromium (Debian's package; Playwright cannot download browsers here) ---------
export GP_CHROMIUM="${GP_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$GP_CHROMIUM" ]; then
  echo "Installing Debian's chromium for the browser tests."
  apt_install chromium || fail "could not install Debian's chromium; the browser tests need it."
fi
[ -x "$GP_CHROMIUM" ] || fail "Chromium not found at $GP_CHROMIUM."

# --- Environment of the test run ------------------------------------------------------------
export DJANGO_DEBUG=0
export DJANGO_HTTPS=0
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-test-only-secret-key-not-for-production-use}"
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost,testserver}"
export GP_VAR_DIR="${GP_VAR_DIR:-$PWD/var/test}"
export DJANGO_ALLOW_ASYNC_UNSAFE=true  # Playwright's sync API runs an event loop in the test thread.

# The compiled catalogue is committed; recompile only where GNU gettext is installed.
if command -v msgfmt >/dev/null; then .venv/bin/python manage.py compilemessages -v0; fi
.venv/bin/python manage.py collectstatic --noinput -v0

set +e
.venv/bin/python -m pytest "${PYTEST_ARGS[@]}"
rc=$?
set -e
if [ $rc -eq 5 ]; then fail "pytest collected no tests: the suite is missing or the selection is empty."; fi
exit $rc
