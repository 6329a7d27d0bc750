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
    assert set(rows.values_list("attempts", flat=True)) == {2}
