#!/usr/bin/env bash
# Benchmark the review dashboard against /healthz (no database) in the same gunicorn run, at
# scale 1 (35 proposals) and scale 100 (3,500 proposals with their updates, meetings and
# follow-ups), in a scratch PostgreSQL database. Needs wrk (Debian: apt-get install -y wrk).
#
#   bash bench/dashboard.sh            # both scales, results in bench/results.md
#   SCALES="100" DURATION=30 bash bench/dashboard.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SCALES=${SCALES:-"1 100"}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-2}
GTHREADS=${GTHREADS:-1}  # gunicorn threads per worker; 1 = sync workers
PORT=${BENCH_PORT:-8795}
DB=${BENCH_DB:-gwangyang_bench}
OUT=${BENCH_OUT:-bench/results.md}

command -v wrk >/dev/null || { echo "ERROR: wrk is missing (apt-get install -y wrk)." >&2; exit 1; }
[ -x .venv/bin/python ] || { echo "ERROR: run scripts/test.sh once to create .venv." >&2; exit 1; }

export DJANGO_DEBUG=0 DJANGO_HTTPS=0
export DJANGO_SECRET_KEY="bench-only-secret-key-$(date +%s)-not-for-production"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export CELERY_BROKER_URL="${BENCH_BROKER_URL:-redis://127.0.0.1:6379/9}"
export GP_VAR_DIR="$PWD/var/bench"
export DJANGO_LOG_LEVEL=WARNING
mkdir -p "$GP_VAR_DIR"
PY=.venv/bin/python
BASE="http://127.0.0.1:$PORT"

gunicorn_pid=""
stop_server() {
  if [ -n "$gunicorn_pid" ]; then kill "$gunicorn_pid" 2>/dev/null || true; wait "$gunicorn_pid" 2>/dev/null || true; fi
  gunicorn_pid=""
}
trap stop_server EXIT

run_wrk() {  # run_wrk URL → prints the RESULT line
  BENCH_COOKIE="$COOKIE" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" \
    -s bench/wrk_report.lua "$1" | grep '^RESULT'
}

field() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }

echo "| scale | proposals | endpoint | req/s | p50 ms | p95 ms | p99 ms | errors |" >"$OUT.tmp"
echo "|---|---|---|---|---|---|---|---|" >>"$OUT.tmp"
summary=""
"$PY" manage.py collectstatic --noinput -v0
for scale in $SCALES; do
  echo "== scale $scale: building the portfolio in $DB"
  "$PY" - "$DB" <<'PY'
import sys, psycopg
db = sys.argv[1]
with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
    c.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    c.execute(f'CREATE DATABASE "{db}"')
PY
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py seed -v0 >/dev/null
  "$PY" manage.py load_demo --scale "$scale" >/dev/null
  "$PY" manage.py shell -c "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')" 2>/dev/null
  proposals=$("$PY" manage.py shell -c "from projects.models import Proposal; print(Proposal.objects.count())" 2>/dev/null | tail -1)
  # A signed-in session for the demo deputy mayor, made the way Django's login makes one.
  COOKIE=$("$PY" manage.py shell 2>/dev/null <<'PY' | tail -1
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
user = User.objects.get(username="deputy")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "accounts.backends.UserBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.set_expiry(24 * 3600)
session.save()
print(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
PY
)
  .venv/bin/gunicorn gwangyang_portfolio.wsgi:application --bind "127.0.0.1:$PORT" \
    --workers "$WORKERS" --threads "$GTHREADS" --access-logfile /dev/null --error-logfile "$GP_VAR_DIR/gunicorn.log" &
  gunicorn_pid=$!
  for _ in $(seq 1 60); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/reviews/dashboard/")
  [ "$code" = 200 ] || { echo "ERROR: dashboard answered $code (session not accepted?)" >&2; exit 1; }
  # Cold renders (cache misses): every sort order is its own cache entry.
  cold=$(for s in department -department open -open late -late total -total; do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: $COOKIE" "$BASE/reviews/dashboard/?sort=$s"
  done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]*1000}')
  for w in 1 2; do curl -s -o /dev/null -H "Cookie: $COOKIE" "$BASE/reviews/dashboard/"; done
  health=$(COOKIE="" run_wrk "$BASE/healthz")
  dash=$(run_wrk "$BASE/reviews/dashboard/")
  stop_server
  for pair in "healthz:$health" "dashboard:$dash"; do
    name=${pair%%:*}; line=${pair#*:}
    echo "| $scale | $proposals | $name | $(field "$line" rps) | $(field "$line" p50_ms) | $(field "$line" p95_ms) | $(field "$line" p99_ms) | $(field "$line" errors) |" >>"$OUT.tmp"
  done
  ratio=$(awk -v a="$(field "$dash" rps)" -v b="$(field "$health" rps)" 'BEGIN {printf "%.2f", a / b}')
  summary+="| $scale | $proposals | $ratio | $(field "$dash" p50_ms) | $cold |"$'\n'
  echo "   healthz:   $health"
  echo "   dashboard: $dash   (cold render median ${cold} ms)"
done

{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) CPU(s); gunicorn $WORKERS workers × $GTHREADS thread(s); wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s."
  echo
  cat "$OUT.tmp"
  echo
  echo "| scale | proposals | dashboard ÷ healthz throughput | dashboard p50 ms | cold render (cache miss) median ms |"
  echo "|---|---|---|---|---|"
  printf "%s" "$summary"
} >"$OUT"
rm -f "$OUT.tmp"
cat "$OUT"
