"""A real Celery worker process for the tests marked `celery_worker` (the `worker` fixture).

Registered as a plugin by tests/conftest.py, so any test module can ask for `worker`.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from gwangyang_portfolio.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def worker(tmp_path):
    """Start `celery worker` on the test database with a mail log shared across processes."""
    mail_log = tmp_path / "mail.jsonl"
    mail_log.touch()
    celery_app.control.purge()
    db = connection.settings_dict
    login = quote(db["USER"], safe="")
    if db["PASSWORD"]:  # e.g. the role scripts/test.sh creates on a PostgreSQL it installed
        login += ":" + quote(db["PASSWORD"], safe="")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{login}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_EMAIL_BACKEND": "tests.mail_backends.JsonlFileBackend",
        "GP_TEST_MAIL_LOG": str(mail_log),
        "DJANGO_CONN_MAX_AGE": "0",
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115  (closed below)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "gwangyang_portfolio",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--pool",
            "prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname",
            f"gp-test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield mail_log
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    celery_app.control.purge()


def wait_until(predicate, timeout=90.0):
    """Poll the database until `predicate()` holds (a wait, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()
