#!/usr/bin/env bash
# Start the web, worker and beat commands of docker-compose.yml outside Docker, against the
# local PostgreSQL and Redis, and check that each comes up. Used by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG=0 DJANGO_HTTPS=0
export DJANGO_SECRET_KEY="smoke-test-secret-key-$(date +%s)-not-for-production"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="${SMOKE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/gwangyang_smoke}"
export CELERY_BROKER_URL="${SMOKE_BROKER_URL:-redis://127.0.0.1:6379/2}"
export GP_VAR_DIR="$PWD/var/smoke"
mkdir -p "$GP_VAR_DIR"
PORT=${SMOKE_PORT:-8765}
log="$GP_VAR_DIR"

.venv/bin/python - <<'PY'
import psycopg
with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
    c.execute("DROP DATABASE IF EXISTS gwangyang_smoke WITH (FORCE)")
    c.execute("CREATE DATABASE gwangyang_smoke")
PY
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed
.venv/bin/python manage.py collectstatic --noinput -v0

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
.venv/bin/gunicorn gwangyang_portfolio.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 >"$log/web.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A gwangyang_portfolio worker --loglevel=INFO --concurrency=1 -n smoke@%h >"$log/worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A gwangyang_portfolio beat --loglevel=INFO --schedule "$GP_VAR_DIR/beat-schedule" >"$log/beat.log" 2>&1 &
pids+=($!)

ok=""
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 \
     && .venv/bin/celery -A gwangyang_portfolio inspect ping -d "smoke@$(hostname)" >/dev/null 2>&1 \
     && grep -q "beat: Starting" "$log/beat.log"; then ok=1; break; fi
  sleep 1
done
if [ -z "$ok" ]; then
  echo "SMOKE FAILED"; tail -20 "$log"/web.log "$log"/worker.log "$log"/beat.log; exit 1
fi
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/proposals/")
[ "$code" = 302 ] || { echo "anonymous /proposals/ should redirect to login, got $code"; exit 1; }
curl -fsS "http://127.0.0.1:$PORT/accounts/login/" | grep -q '로그인' || { echo "login page broken"; exit 1; }
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/static/css/app.css" || { echo "static files not served"; exit 1; }
echo "smoke: web, worker and beat are up against PostgreSQL and Redis"
