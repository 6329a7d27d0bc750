"""End to end with a real Celery worker process consuming from Redis."""

import collections
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.db.models import F

from gwangyang_portfolio.celery import app as celery_app
from reviews import tasks
from reviews.models import Notification, Reminder, ReminderKind, ReminderState
from reviews.services import meeting_close, reminders_claim_due
from tests.reminder_helpers import make_world

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


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


def _wait_until(predicate, timeout=90.0):
    """Poll the database until `predicate()` holds (a wait, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()


def test_closing_a_meeting_delivers_each_summary_exactly_once(worker):
    # given a closed meeting with actions of two departments
    w = make_world(held_on=datetime.date.today())
    meeting_close(meeting=w.meeting, user=w.chair)
    summaries = Reminder.objects.filter(
        kind__in=[ReminderKind.CLOSE_SUMMARY, ReminderKind.CHAIR_SUMMARY]
    )
    assert summaries.count() == 3
    # when the beat's dispatch task is queued twice (two beats) through Redis
    tasks.dispatch_due_reminders.delay()
    tasks.dispatch_due_reminders.delay()
    # then the worker sends every summary and records it
    assert _wait_until(lambda: summaries.filter(state=ReminderState.SENT).count() == 3), (
        worker.parent / "worker.log"
    ).read_text()[-4000:]
    # and a further dispatch finds nothing left to send
    tasks.dispatch_due_reminders.delay()
    assert tasks.dispatch_due_reminders() == 0
    lines = [json.loads(line) for line in worker.read_text().splitlines()]
    counts = collections.Counter(line["message_id"] for line in lines)
    assert len(counts) == 3 and set(counts.values()) == {1}
    assert {r.message_id for r in summaries} == set(counts)
    assert sorted(tuple(line["to"]) for line in lines) == sorted(
        [
            (w.departments[0].email, w.heads[0].email),
            (w.departments[1].email, w.heads[1].email),
            (w.chair.email,),
        ]
    )
    assert Notification.objects.count() == 3


def test_rows_claimed_by_a_dead_dispatcher_are_reclaimed_and_sent_once(worker):
    """Claimed rows whose send messages never reached Redis are reclaimed, sent once."""
    # given a dispatcher that claimed every summary and died before enqueueing
    w = make_world(held_on=datetime.date.today())
    meeting_close(meeting=w.meeting, user=w.chair)
    lost = reminders_claim_due(limit=100)
    assert len(lost) == 3
    # ... an hour ago (past the 10-minute sending timeout)
    Reminder.objects.filter(pk__in=lost).update(
        claimed_at=F("claimed_at") - datetime.timedelta(hours=1)
    )
    # when the beat runs again, twice, through the real worker
    tasks.dispatch_due_reminders.delay()
    tasks.dispatch_due_reminders.delay()
    rows = Reminder.objects.filter(pk__in=lost)
    assert _wait_until(lambda: rows.filter(state=ReminderState.SENT).count() == 3), (
        worker.parent / "worker.log"
    ).read_text()[-4000:]
    counts = collections.Counter(
        json.loads(line)["message_id"] for line in worker.read_text().splitlines()
    )
    assert len(counts) == 3 and set(counts.values()) == {1}
    assert set(rows.values_list("attempts", flat=True)) == {2}
