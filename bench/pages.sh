#!/usr/bin/env bash
# Benchmark every page against /healthz (no database) in the same gunicorn run, at scale 1 (35
# proposals) and scale 100 (3,500 proposals with their updates, meetings and follow-ups), in a
# scratch PostgreSQL database, with the Redis cache production uses. Needs wrk
# (Debian: apt-get install -y wrk).
#
#   bash bench/pages.sh                 # both scales, results in bench/results.md
#   SCALES="100" DURATION=10 bash bench/pages.sh
#
# Pages (wrk -t2 -c8 each): the dashboard (deputy mayor); the proposal list, plain and searched
# (수소); the list beside the Django admin changelist of the same 25 rows (one superuser for
# both); a proposal's detail (the one with the most updates); 내 부서 of the head with the most
# proposals; the meeting with the most follow-ups. Then a mixed load of 50 signed-in users
# (browse + 1 comment in 20): back to back (bench/wrk_mixed.lua, -c50) and as people who read
# each page 1-3 s (bench/users.py), each for MIXED_DURATION; then status updates
# through the form, in-process (bench/status_updates.py). healthz is measured before and after
# the pages; the ratio uses their mean.
set -euo pipefail
cd "$(dirname "$0")/.."

SCALES=${SCALES:-"1 100"}
DURATION=${DURATION:-15}
MIXED_DURATION=${MIXED_DURATION:-60}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-2}
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
export DJANGO_CACHE_URL="${BENCH_CACHE_URL:-redis://127.0.0.1:6379/8}"
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

run_wrk() {  # run_wrk COOKIE URL → prints the RESULT line
  BENCH_COOKIE="$1" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" \
    -s bench/wrk_report.lua "$2" | grep '^RESULT'
}
field() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

rebuild_db() {  # rebuild_db SCALE
  "$PY" - "$DB" <<'PY'
import sys, psycopg
db = sys.argv[1]
with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
    c.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    c.execute(f'CREATE DATABASE "{db}"')
PY
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py seed -v0 >/dev/null
  "$PY" manage.py load_demo --scale "$1" >/dev/null
  "$PY" manage.py shell -c "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')" 2>/dev/null
}

{
  echo "| scale | page | req/s | ÷ healthz | p50 ms | p95 ms | p99 ms | KB | errors |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >"$OUT.tmp"
"$PY" manage.py collectstatic --noinput -v0
for scale in $SCALES; do
  echo "== scale $scale: building the portfolio in $DB"
  rebuild_db "$scale"
  redis-cli -u "$DJANGO_CACHE_URL" flushdb >/dev/null
  eval "$("$PY" bench/page_targets.py)"
  .venv/bin/gunicorn gwangyang_portfolio.wsgi:application --bind "127.0.0.1:$PORT" \
    --workers "$WORKERS" --access-logfile /dev/null --error-logfile "$GP_VAR_DIR/gunicorn.log" &
  gunicorn_pid=$!
  for _ in $(seq 1 60); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.5; done

  # name|cookie|path
  pages=(
    "dashboard (deputy)|$COOKIE_DEPUTY|/reviews/dashboard/"
    "proposal list (deputy)|$COOKIE_DEPUTY|/proposals/"
    "list, search 수소 (deputy)|$COOKIE_DEPUTY|/proposals/?q=%EC%88%98%EC%86%8C"
    "proposal list (superuser)|$COOKIE_ADMIN|/proposals/"
    "admin changelist, same 25 rows (superuser)|$COOKIE_ADMIN|$URL_ADMIN"
    "proposal detail (deputy)|$COOKIE_DEPUTY|$URL_DETAIL"
    "내 부서 ($HEAD_PROPOSALS proposals)|$COOKIE_HEAD|/proposals/my-department/"
    "meeting detail (deputy)|$COOKIE_DEPUTY|$URL_MEETING"
  )
  for entry in "${pages[@]}"; do  # each must answer 200, then warm its cache
    IFS='|' read -r name cookie path <<<"$entry"
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$BASE$path")
    [ "$code" = 200 ] || { echo "ERROR: $name ($path) answered $code" >&2; exit 1; }
    curl -s -o /dev/null -H "Cookie: $cookie" "$BASE$path"
  done
  h1=$(run_wrk "" "$BASE/healthz")
  results=()
  for entry in "${pages[@]}"; do
    IFS='|' read -r name cookie path <<<"$entry"
    size=$(curl -s -H "Cookie: $cookie" "$BASE$path" | wc -c)
    results+=("$name|$(run_wrk "$cookie" "$BASE$path")|$size")
    echo "   $name: ${results[-1]#*|}"
  done
  h2=$(run_wrk "" "$BASE/healthz")
  health=$(awk -v a="$(field "$h1" rps)" -v b="$(field "$h2" rps)" 'BEGIN {printf "%.1f", (a + b) / 2}')
  echo "| $scale | healthz (mean of before/after) | $health | 1.00 | $(field "$h1" p50_ms) | $(field "$h1" p95_ms) | $(field "$h1" p99_ms) | 0 | 0 |" >>"$OUT.tmp"
  for result in "${results[@]}"; do
    IFS='|' read -r name line size <<<"$result"
    echo "| $scale | $name | $(field "$line" rps) | $(ratio "$(field "$line" rps)" "$health") | $(field "$line" p50_ms) | $(field "$line" p95_ms) | $(field "$line" p99_ms) | $((size / 1024)) | $(field "$line" errors) |" >>"$OUT.tmp"
  done
  # 50 signed-in users clicking back to back (closed loop, no think time). A think time in wrk
  # (its delay()) holds a connection open and idle before the request, and a sync worker that
  # accepted it waits on it: that measures wrk, not the app, so the mix runs without one.
  mixed=$(BENCH_SESSIONS="$MIXED_SESSIONS" wrk -t"$THREADS" -c50 -d"${MIXED_DURATION}s" \
    -s bench/wrk_mixed.lua "$BASE/" | grep '^RESULT')
  echo "   mixed load: $mixed"
  echo "| $scale | mixed load: 50 users back to back, 1 comment in 20 (${MIXED_DURATION}s) | $(field "$mixed" rps) | $(ratio "$(field "$mixed" rps)" "$health") | $(field "$mixed" p50_ms) | $(field "$mixed" p95_ms) | $(field "$mixed" p99_ms) | | $(field "$mixed" errors) |" >>"$OUT.tmp"
  # The same 50 people reading each page 1-3 s before the next, connecting only to ask.
  people=$("$PY" bench/users.py --base "$BASE" --sessions "$MIXED_SESSIONS" --users 50 \
    --duration "$MIXED_DURATION" --think 1 3)
  echo "   50 people, think 1-3 s: $people"
  echo "| $scale | mixed load: 50 people, think 1-3 s, 1 comment in 20 (${MIXED_DURATION}s, bench/users.py) | $(field "$people" rps) | $(ratio "$(field "$people" rps)" "$health") | $(field "$people" p50_ms) | $(field "$people" p95_ms) | $(field "$people" p99_ms) | | $(field "$people" errors) |" >>"$OUT.tmp"
  # The same people, whose saves are status updates instead of comments: each update moves the
  # data version, so every page is rebuilt after it.
  updates=$("$PY" bench/users.py --base "$BASE" --sessions "$MIXED_SESSIONS" --users 50 \
    --duration "$MIXED_DURATION" --think 1 3 --save-every 20 --status-every 20)
  echo "   50 people, status updates: $updates"
  echo "| $scale | mixed load: 50 people, think 1-3 s, 1 status update (form + save) in 20 (${MIXED_DURATION}s, bench/users.py) | $(field "$updates" rps) | $(ratio "$(field "$updates" rps)" "$health") | $(field "$updates" p50_ms) | $(field "$updates" p95_ms) | $(field "$updates" p99_ms) | | $(field "$updates" errors) |" >>"$OUT.tmp"
  stop_server
  writes=$("$PY" bench/status_updates.py --count 300)
  echo "   status updates: $writes"
  echo "| $scale | status update through the form, in-process ($(field "$writes" queries) queries each) | $(field "$writes" per_s) | | $(field "$writes" p50_ms) | $(field "$writes" p95_ms) | | | 0 |" >>"$OUT.tmp"
done

{
  echo "## Pages (bench/pages.sh)"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) CPU(s); gunicorn $WORKERS sync workers; Redis cache; wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s per page (warm cache)."
  echo
  cat "$OUT.tmp"
  echo
} >"$OUT.pages"
rm -f "$OUT.tmp"
# Keep the other sections of the results file (import memory, reminders…), replace this one.
if [ -f "$OUT" ]; then
  awk '/^## Pages \(bench\/pages.sh\)/{skip=1; next} /^## /{skip=0} !skip' "$OUT" >"$OUT.rest"
else
  : >"$OUT.rest"
fi
cat "$OUT.pages" "$OUT.rest" >"$OUT"
rm -f "$OUT.pages" "$OUT.rest"
sed -n '/^## Pages/,/^## [^P]/p' "$OUT"
