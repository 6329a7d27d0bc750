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
# The compiled English catalogue is committed; recompile only where GNU gettext is installed.
if command -v msgfmt >/dev/null; then $M compilemessages -v0; fi
$M migrate --noinput -v0
$M seed
$M load_demo --scale "${GP_DEMO_SCALE:-1}"

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
# The worker and beat are supervised: a process that dies (killed for memory, or a worker
# that exits after a broker outage) is started again (scripts/lib/supervise.sh).
# shellcheck source=lib/supervise.sh
. scripts/lib/supervise.sh
( supervise worker .venv/bin/celery -A gwangyang_portfolio worker --loglevel=INFO --concurrency=2 ) &
pids+=($!)
( supervise beat .venv/bin/celery -A gwangyang_portfolio beat --loglevel=INFO ) &
pids+=($!)
(sleep 4; echo; echo "광양시 포트폴리오: http://127.0.0.1:8000  (중지: Ctrl+C)"
 echo "데모 로그인: planning(기획 담당), deputy(부시장), viewer(열람자), head01…head15(부서장)"
 echo "비밀번호(데모 계정 공통): gwangyang-demo-2023") &
$M runserver 127.0.0.1:8000 &
pids+=($!)
wait -n "${pids[@]}"
