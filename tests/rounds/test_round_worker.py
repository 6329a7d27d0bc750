"""A round's opening notice delivered by a real Celery worker consuming from Redis."""

import collections
import json

import pytest

from reviews import tasks
from reviews.models import Notification, Reminder, ReminderKind, ReminderState
from tests.celery_worker import wait_until

from .helpers import make_round_world

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_delivers_each_round_notice_once(worker):
    # given an open round over 3 departments
    w = make_round_world(departments=3, proposals=5)
    opened = Reminder.objects.filter(kind=ReminderKind.ROUND_OPENED)
    assert opened.count() == 3
    # when the beat's dispatch is queued twice through Redis
    tasks.dispatch_due_reminders.delay()
    tasks.dispatch_due_reminders.delay()
    # then the worker (which registered the rounds' kinds at start-up) sends each notice once
    assert wait_until(lambda: opened.filter(state=ReminderState.SENT).count() == 3), (
        worker.parent / "worker.log"
    ).read_text()[-4000:]
    lines = [json.loads(line) for line in worker.read_text().splitlines()]
    counts = collections.Counter(line["message_id"] for line in lines)
    assert len(counts) == 3 and set(counts.values()) == {1}
    assert collections.Counter(Notification.objects.values_list("user_id", flat=True)) == {
        h.pk: 1 for h in w.heads
    }
    assert all(w.round.name in line["subject"] for line in lines)
