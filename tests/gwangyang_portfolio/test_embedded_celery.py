"""Embedded mode runs the same Celery code as production: a real worker on the filesystem
broker and SQLite delivers a reminder planned by closing a meeting."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CLOSE_AND_ENQUEUE = """
import datetime
from django.utils import timezone
from accounts.models import User
from projects.models import Portfolio
from reviews.models import FollowUpAction, Reminder
from reviews.services import action_create, meeting_close, meeting_create
from reviews.tasks import dispatch_due_reminders
planner = User.objects.get(username="planning")
head = User.objects.get(username="head01")
today = timezone.localdate()
meeting = meeting_create(
    portfolio=Portfolio.objects.get(), title="임베디드 점검 보고회",
    held_on=today - datetime.timedelta(days=1), user=planner,
)
action_create(
    meeting=meeting, kind=FollowUpAction._meta.get_field("kind").choices[0][0],
    description="기업 정보 공유", owner_department=head.department,
    due_date=today + datetime.timedelta(days=14), user=planner,
)
meeting_close(meeting=meeting, user=planner)
assert Reminder.objects.filter(state="pending").exists()
dispatch_due_reminders.delay()
print("ENQUEUED", Reminder.objects.count())
"""

COUNT_SENT = """
from django.utils import timezone
from reviews.models import Reminder
due = Reminder.objects.filter(due_at__lte=timezone.now())
print("SENT", due.filter(state="sent").count(), due.count())
"""


@pytest.mark.celery_worker
def test_a_worker_on_the_filesystem_broker_sends_the_close_summary(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_"))}
    env.update(
        DJANGO_DEBUG="1",
        GP_VAR_DIR=str(tmp_path),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
    )

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    for command in (["migrate", "--noinput", "-v0"], ["seed"], ["load_demo"]):
        manage(*command)
    assert "ENQUEUED" in manage("shell", "-c", CLOSE_AND_ENQUEUE)

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "gwangyang_portfolio",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = next(
                x for x in manage("shell", "-c", COUNT_SENT).splitlines() if x[:4] == "SENT"
            )
            sent, total = line.split()[1:3]
            if int(sent) and sent == total:
                break
            time.sleep(2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert int(sent) >= 1 and sent == total, (sent, total)
    mails = list((tmp_path / "mail").glob("*.log"))
    assert mails, "the worker wrote no e-mail"
    assert "Message-ID: <reminder-" in "".join(p.read_text() for p in mails)
