"""End to end with a real Celery worker process consuming from Redis."""

import collections
import datetime
import json

import pytest
from django.db.models import F

from reviews import tasks
from reviews.models import Notification, Reminder, ReminderKind, ReminderState
from reviews.services import meeting_close, reminders_claim_due
from tests.celery_worker import wait_until
from tests.reminder_helpers import make_world

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


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
    assert wait_until(lambda: summaries.filter(state=ReminderState.SENT).count() == 3), (
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
    assert wait_until(lambda: rows.filter(state=ReminderState.SENT).count() == 3), (
        worker.parent / "worker.log"
    ).read_text()[-4000:]
    counts = collections.Counter(
        json.loads(line)["message_id"] for line in worker.read_text().splitlines()
    )
    assert len(counts) == 3 and set(counts.values()) == {1}
    assert set(rows.values_list("attempts", "claims", "restarts")) == {(1, 2, 0)}


def _mail_counts(worker):
    return collections.Counter(
        json.loads(line)["message_id"] for line in worker.read_text().splitlines()
    )


def test_a_reminder_claimed_through_a_long_outage_is_delivered_once(worker):
    """Rows claimed and reclaimed many times while the broker lost every message keep all
    their attempts: when the broker is back, the real worker sends each once."""
    w = make_world(held_on=datetime.date.today())
    meeting_close(meeting=w.meeting, user=w.chair)
    for _ in range(10):  # ten claims whose messages never arrived, 11 minutes apart
        lost = reminders_claim_due(limit=100)
        assert len(lost) == 3
        Reminder.objects.filter(pk__in=lost).update(
            claimed_at=F("claimed_at") - datetime.timedelta(minutes=11)
        )
    tasks.dispatch_due_reminders.delay()
    rows = Reminder.objects.filter(pk__in=lost)
    assert wait_until(lambda: rows.filter(state=ReminderState.SENT).count() == 3), (
        worker.parent / "worker.log"
    ).read_text()[-4000:]
    counts = _mail_counts(worker)
    assert len(counts) == 3 and set(counts.values()) == {1}
    assert set(rows.values_list("attempts", "claims", "restarts")) == {(1, 11, 0)}


@pytest.fixture
def dying_worker(monkeypatch, request):
    """A real worker whose pool process dies (os._exit) right after each SMTP send; Celery
    requeues the task (reject_on_worker_lost). Two restarts allowed per reminder."""
    monkeypatch.setenv("GP_TEST_MAIL_DIE", "1")
    monkeypatch.setenv("REMINDER_MAX_RESTARTS", "2")
    return request.getfixturevalue("worker")


def test_a_worker_dying_after_smtp_is_capped_and_planning_told(dying_worker, planner):
    # given closed-meeting summaries, and a worker process that dies after every SMTP send
    w = make_world(held_on=datetime.date.today())
    meeting_close(meeting=w.meeting, user=w.chair)
    tasks.dispatch_due_reminders.delay()
    rows = Reminder.objects.filter(kind__endswith="summary").order_by("pk")
    # then the batch's first message goes out and the process dies; the requeued batch task
    # hands each row to a task of its own, and each row's restarts count its deaths until
    # the cap fails it instead of looping
    assert wait_until(lambda: rows.filter(state=ReminderState.FAILED).count() == 3), (
        dying_worker.parent / "worker.log"
    ).read_text()[-4000:]
    counts = _mail_counts(dying_worker)
    # the first row was in flight when the batch died: one more send than the others
    assert [counts[r.message_id] for r in rows] == [3, 2, 2]
    assert {r.restarts for r in rows} == {3}
    assert all(r.attempts >= counts[r.message_id] for r in rows)
    assert all("restarts exhausted" in r.last_error for r in rows)
    # planning staff are told once per row; the recipients' notices are never doubled
    assert Notification.objects.filter(user=planner, undelivered__in=rows).count() == 3
    assert Notification.objects.filter(reminder__in=rows).count() == 3
