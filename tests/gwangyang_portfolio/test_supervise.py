"""scripts/run.sh supervises the Celery worker and beat: a worker that dies (SIGKILL, as the
kernel's OOM killer or a crash on a broker outage would) is started again and answers."""

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gwangyang_portfolio.celery import app as celery_app

pytestmark = [pytest.mark.celery_worker, pytest.mark.subprocess]
ROOT = Path(__file__).resolve().parents[2]
STARTED = re.compile(r"\[supervise\] worker started (\d+)")


def started_pids(log: Path) -> list[int]:
    return [int(pid) for pid in STARTED.findall(log.read_text())]


def wait_until(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError("timed out")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_killed_worker_is_started_again_and_answers(tmp_path):
    name = f"gp-supervise-{os.getpid()}@{socket.gethostname()}"
    worker = [
        sys.executable, "-m", "celery", "-A", "gwangyang_portfolio", "worker",
        "--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel", "WARNING", "--hostname", name,
    ]  # fmt: skip
    script = ". scripts/lib/supervise.sh; supervise worker " + shlex.join(worker)
    log = tmp_path / "supervisor.log"
    with open(log, "w") as out:
        supervisor = subprocess.Popen(
            ["bash", "-c", script],
            cwd=ROOT,
            env={**os.environ, "GP_RESTART_DELAY": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:

        def answers():
            return celery_app.control.ping(destination=[name], timeout=1.0)

        # given: the supervised worker is up and answers
        wait_until(answers)
        first = started_pids(log)[0]
        # when: it is killed outright
        os.kill(first, signal.SIGKILL)
        # then: the supervisor starts another, which answers
        wait_until(lambda: len(started_pids(log)) >= 2)
        second = started_pids(log)[1]
        assert second != first and alive(second)
        wait_until(answers)
        assert "worker exited with status 137" in log.read_text()
    finally:
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=30)
    # Stopping the supervisor stops its worker too.
    wait_until(lambda: not any(alive(pid) for pid in started_pids(log)), seconds=20)
