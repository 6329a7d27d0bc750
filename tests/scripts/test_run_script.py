"""scripts/run.sh, the first start: the address is printed once the server answers, on the port
the user chose; a port that is taken is refused before anything starts."""

import os
import queue
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
BANNER = "Gwangyang Portfolio: http://127.0.0.1:"

pytestmark = pytest.mark.subprocess


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fresh_shell_env(tmp_path, **extra) -> dict:
    """The environment of someone who just cloned the repository: no servers configured."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "CELERY_", "DJANGO_", "GP_"))
    }
    env.update(GP_VAR_DIR=str(tmp_path / "var"), **extra)
    return env


def _healthz_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_the_banner_appears_only_once_healthz_answers(tmp_path):
    """Given a free port, run.sh --port N prints a short console and then the address, at a
    moment when /healthz on that port already answers; the full logs are under var/log/."""
    port = _free_port()
    proc = subprocess.Popen(
        ["bash", "scripts/run.sh", "--port", str(port)],
        cwd=ROOT,
        env=_fresh_shell_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # the script and its worker, beat and server: one group to stop
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
    console = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                assert proc.poll() is None, "run.sh exited early:\n" + "".join(console)
                continue
            console.append(line)
            if BANNER in line:
                # when: the banner is read; then: the server answers at that very moment
                assert _healthz_answers(port), "banner printed before /healthz answered"
                break
        else:
            pytest.fail("no banner within 4 minutes:\n" + "".join(console))
        assert f"{BANNER}{port}" in console[-1]
        before_banner = [x for x in console[:-1] if x.strip()]
        assert len(before_banner) <= 6, "".join(console)  # one line per step and process
        assert not any("INFO" in x or "WARNING" in x for x in console), "".join(console)
        logs = tmp_path / "var" / "log"
        assert "Starting development server" in (logs / "web.log").read_text()
        for name in ("worker.log", "beat.log", "web.log", "setup.log"):
            text = (logs / name).read_text()
            assert "No hostname was supplied" not in text, name
            assert "AXES: BEGIN" not in text, name
            assert "superuser privileges" not in text, name
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_a_taken_port_is_refused_in_korean_and_english_before_anything_starts(tmp_path):
    """GP_PORT set to a port something listens on: a clear message, a non-zero exit, and no
    worker, beat or server started."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            ["bash", "scripts/run.sh"],
            cwd=ROOT,
            env=_fresh_shell_env(tmp_path, GP_PORT=str(port)),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode != 0
    assert f"포트 {port}" in result.stderr and "이미 다른 프로그램이 쓰고 있어" in result.stderr
    assert f"Port {port} is already in use" in result.stderr
    assert "--port" in result.stderr
    logs = tmp_path / "var" / "log"
    assert not (logs / "web.log").exists() and not (logs / "worker.log").exists()


def test_a_port_that_is_not_a_number_is_refused(tmp_path):
    """--port abc: a message in both languages and exit code 2."""
    result = subprocess.run(
        ["bash", "scripts/run.sh", "--port", "abc"],
        cwd=ROOT,
        env=_fresh_shell_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "포트는" in result.stderr and "the port must be" in result.stderr
