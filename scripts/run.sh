#!/usr/bin/env bash
# Run the app on the embedded default (SQLite + filesystem Celery broker): no server needed.
# Creates .venv, installs the locked dependencies (only when pyproject.toml or requirements.lock
# changed), migrates, loads the article's facts and the labelled demo data, then serves the app
# with a Celery worker and beat. The console shows one line per step and process, then the
# address once the server answers /healthz; the full output of each goes to var/log/.
#
#   bash scripts/run.sh [--port N]     (or GP_PORT=N; default 8000)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3

PORT="${GP_PORT:-8000}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="${2:-}"; shift 2 || shift ;;
    --port=*) PORT="${1#*=}"; shift ;;
    -h | --help) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "알 수 없는 옵션 / unknown option: $1 (bash scripts/run.sh --port N)" >&2; exit 2 ;;
  esac
done
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
  echo "포트는 1~65535 사이의 숫자여야 합니다 / the port must be a number from 1 to 65535: '$PORT'" >&2
  exit 2
fi

LOG_DIR="${GP_VAR_DIR:-var}/log"
mkdir -p "$LOG_DIR"
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
export DJANGO_HTTPS="${DJANGO_HTTPS:-0}"
export GP_SITE_URL="${GP_SITE_URL:-http://127.0.0.1:$PORT}"  # links in notifications and e-mail
M=".venv/bin/python manage.py"

# --- Steps -----------------------------------------------------------------------------------
# Exit (non-zero) with a message in Korean and English if something already listens on the port.
ensure_port_free() {
  if "$PY" - "$PORT" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as runserver binds
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
EOF
  then
    {
      echo "포트 $PORT 은(는) 이미 다른 프로그램이 쓰고 있어 시작하지 않았습니다."
      echo "  다른 포트로 시작하세요: bash scripts/run.sh --port $((PORT + 1))  (또는 GP_PORT=$((PORT + 1)))"
      echo "Port $PORT is already in use, so nothing was started."
      echo "  Start on another port: bash scripts/run.sh --port $((PORT + 1))  (or GP_PORT=$((PORT + 1)))"
    } >&2
    exit 1
  fi
}

# pip runs only when the dependency files changed since the last install. scripts/test.sh's
# stamp (.venv/.gp-deps, with the dev extras) counts too: it installs a superset.
install_dependencies() {
  if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
  local stamp
  stamp=$(cat pyproject.toml requirements.lock | sha256sum | cut -d" " -f1)
  if [ "$(cat .venv/.gp-deps 2>/dev/null)" = "$stamp" ] \
    || [ "$(cat .venv/.gp-deps-run 2>/dev/null)" = "$stamp" ]; then
    return
  fi
  echo "• 의존성 설치 중 / installing dependencies (기록 $LOG_DIR/pip-install.log)"
  .venv/bin/python -m pip install -q --upgrade pip >"$LOG_DIR/pip-install.log" 2>&1 || true
  .venv/bin/python -m pip install -q -c requirements.lock -e . >>"$LOG_DIR/pip-install.log" 2>&1 \
    || { cat "$LOG_DIR/pip-install.log" >&2; echo "의존성 설치 실패 / installing failed" >&2; exit 1; }
  echo "$stamp" >.venv/.gp-deps-run
}

# Migrate, load the article's facts and the labelled demo data.
prepare_data() {
  local log="$LOG_DIR/setup.log"
  {
    # The compiled English catalogue is committed; recompile only where GNU gettext is installed.
    if command -v msgfmt >/dev/null; then $M compilemessages -v0; fi
    $M migrate --noinput -v0
    $M seed
    $M load_demo --scale "${GP_DEMO_SCALE:-1}"
  } >"$log" 2>&1 || { tail -n 30 "$log" >&2; echo "준비 실패 / setup failed: $log" >&2; exit 1; }
  echo "• 데이터베이스와 데모 자료 준비 완료 / database and demo data ready ($log)"
}

pids=()
any_alive() {
  local p
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done
  return 1
}
# Stop every process started here: TERM, up to 10 s for a warm shutdown, then KILL.
cleanup() {
  trap - EXIT INT TERM
  [ ${#pids[@]} -gt 0 ] || return 0
  kill "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 20); do
    any_alive || break
    sleep 0.5
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}

# One function per process: started in the background, output to var/log/<name>.log.
# The worker and beat are supervised: a process that dies (killed for memory, or a worker that
# exits after a broker outage) is started again (scripts/lib/supervise.sh).
# shellcheck source=lib/supervise.sh
. scripts/lib/supervise.sh
start_worker() {
  # Celery warns when run as root; the script's user is the machine's, so the warning only adds noise.
  ( PYTHONWARNINGS="ignore:You're running the worker with superuser privileges" \
    supervise worker .venv/bin/celery -A gwangyang_portfolio -q worker --loglevel=INFO \
    --concurrency=2 ) >"$LOG_DIR/worker.log" 2>&1 &
  pids+=($!)
  echo "• Celery worker   (감시 pid $!, 기록 $LOG_DIR/worker.log)"
}

start_beat() {
  ( supervise beat .venv/bin/celery -A gwangyang_portfolio -q beat --loglevel=INFO ) \
    >"$LOG_DIR/beat.log" 2>&1 &
  pids+=($!)
  echo "• Celery beat     (감시 pid $!, 기록 $LOG_DIR/beat.log)"
}

start_web() {
  $M runserver --noreload "127.0.0.1:$PORT" >"$LOG_DIR/web.log" 2>&1 &
  WEB_PID=$!
  pids+=("$WEB_PID")
  echo "• 웹 서버 / web    (pid $WEB_PID, 기록 $LOG_DIR/web.log)"
}

# True once GET /healthz answers 200 (bash's /dev/tcp: no curl needed).
healthz_answers() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$PORT" || exit 1
    printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    read -r -t 2 status <&3 && [[ "$status" == *" 200 "* ]]
  ) 2>/dev/null
}

wait_until_ready() {
  for _ in $(seq 1 240); do
    if healthz_answers; then return 0; fi
    if ! kill -0 "$WEB_PID" 2>/dev/null; then
      tail -n 20 "$LOG_DIR/web.log" >&2
      echo "웹 서버가 시작하지 못했습니다 / the web server did not start ($LOG_DIR/web.log)" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "웹 서버가 2분 안에 응답하지 않았습니다 / no answer in 2 minutes ($LOG_DIR/web.log)" >&2
  exit 1
}

print_banner() {
  echo
  echo "광양시 포트폴리오 / Gwangyang Portfolio: http://127.0.0.1:$PORT  (중지 / stop: Ctrl+C)"
  echo "데모 로그인: planning(기획 담당), deputy(부시장), viewer(열람자), head01…head15(부서장)"
  echo "비밀번호(데모 계정 공통): gwangyang-demo-2023"
}

# --- Run -------------------------------------------------------------------------------------
ensure_port_free
install_dependencies
prepare_data
ensure_port_free  # still free after the setup?
trap 'cleanup; exit 130' INT TERM
trap cleanup EXIT
start_worker
start_beat
start_web
wait_until_ready
print_banner
set +e
wait -n "${pids[@]}"
rc=$?
echo "프로세스 하나가 멈춰 모두 중지합니다 / a process stopped, stopping all (기록: $LOG_DIR/)" >&2
exit $rc
