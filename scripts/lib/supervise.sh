# supervise NAME COMMAND...: run COMMAND in the background of this function and start it
# again whenever it exits (a crash, a kill, an exit after a broker outage), after
# GP_RESTART_DELAY seconds (default 3). TERM or INT to the supervisor stops COMMAND and the
# supervisor. Run it in a subshell: `( supervise worker celery ... ) &`.
# Each start is announced on stderr with its process id: "[supervise] NAME started PID".
supervise() {
  local name=$1
  shift
  local child=""
  trap 'if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi; exit 0' TERM INT
  while true; do
    "$@" &
    child=$!
    echo "[supervise] $name started $child" >&2
    local status=0
    wait "$child" || status=$?
    echo "[supervise] $name exited with status $status; restarting in ${GP_RESTART_DELAY:-3} s" >&2
    sleep "${GP_RESTART_DELAY:-3}" &
    wait $! || true
  done
}
