#!/usr/bin/env bash
# Run the app on the embedded default (SQLite + filesystem Celery broker): no server needed.
# Creates .venv, installs the locked dependencies, migrates, loads the article's facts and the
# labelled demo data, then serves http://127.0.0.1:8000 with a Celery worker and beat.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c requirements.lock -e .

export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
export DJANGO_HTTPS="${DJANGO_HTTPS:-0}"
M=".venv/bin/python manage.py"
$M compilemessages -v0 2>/dev/null || echo "(gettext이 없어 번역 파일 컴파일을 건너뜁니다)"
$M migrate --noinput -v0
$M seed
$M load_demo --scale "${GP_DEMO_SCALE:-1}"

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
.venv/bin/celery -A gwangyang_portfolio worker --loglevel=INFO --concurrency=2 &
pids+=($!)
.venv/bin/celery -A gwangyang_portfolio beat --loglevel=INFO &
pids+=($!)
echo "광양시 포트폴리오: http://127.0.0.1:8000  (중지: Ctrl+C)"
$M runserver 127.0.0.1:8000 &
pids+=($!)
wait -n "${pids[@]}"
