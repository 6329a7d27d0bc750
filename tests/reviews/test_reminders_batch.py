"""Batched delivery: one send task per batch of rows, one SMTP connection, a fixed number of
queries per batch, and every guarantee of the per-row path kept."""

import collections
import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from gwangyang_portfolio.celery import app as celery_app
from reviews import tasks
from reviews.models import (
    FollowUpAction,
    Notification,
    Reminder,
    ReminderKind,
    ReminderState,
)
from reviews.services import reminder_send, reminders_claim_due, reminders_deliver
from tests.factories import ActionFactory, HeadFactory, MeetingFactory, UserFactory
from tests.mail_backends import BreakAfterBackend

BREAKING = "tests.mail_backends.BreakAfterBackend"


def _due_rows(n: int, *, departments: int = 4, summaries: int = 0) -> list[Reminder]:
    """`n` due before-due reminders of open actions spread over `departments` departments (each
    with a head), plus `summaries` chair summaries of meetings; none sent yet."""
    now = datetime.datetime.now(datetime.UTC)
    chair = UserFactory(role=Role.DEPUTY_MAYOR, email="chair@example.invalid")
    heads = [HeadFactory() for _ in range(departments)]
    meeting = MeetingFactory(chair=chair, state="closed", closed_at=now)
    rows = []
    for i in range(n):
        action = ActionFactory(meeting=meeting, owner_department=heads[i % departments].department)
        rows.append(
            Reminder(
                kind=ReminderKind.BEFORE_DUE,
                key=f"before_due:a{action.pk}:batch",
                action=action,
                meeting=meeting,
                recipient_department=action.owner_department,
                planned_for_due=action.due_date,
                due_at=now - datetime.timedelta(minutes=1, seconds=i),
            )
        )
    for i in range(summaries):
        rows.append(
            Reminder(
                kind=ReminderKind.CHAIR_SUMMARY,
                key=f"chair_summary:m{meeting.pk}:u{chair.pk}:{i}",
                meeting=meeting,
                recipient=chair,
                due_at=now - datetime.timedelta(minutes=1),
            )
        )
    return Reminder.objects.bulk_create(rows)


def _queries_to_deliver(n: int) -> tuple[int, dict]:
    _due_rows(n, summaries=2)
    ids = reminders_claim_due(limit=1000)
    assert len(ids) == n + 2
    with CaptureQueriesContext(connection) as ctx:
        outcomes = reminders_deliver(ids=ids)
    return len(ctx.captured_queries), outcomes


@pytest.mark.django_db
def test_queries_per_batch_do_not_grow_with_the_batch():
    small, small_outcomes = _queries_to_deliver(4)
    Reminder.objects.all().delete()
    large, large_outcomes = _queries_to_deliver(60)
    assert set(small_outcomes.values()) == set(large_outcomes.values()) == {"sent"}
    assert small == large <= 20
    assert len(mail.outbox) == 4 + 2 + 60 + 2


@pytest.mark.django_db
def test_a_batch_writes_every_notice_and_sends_over_one_connection(settings):
    settings.EMAIL_BACKEND = BREAKING  # counts the connections it opens
    BreakAfterBackend.reset(break_after=None)
    rows = _due_rows(12, departments=3)
    ids = reminders_claim_due(limit=100)
    assert set(reminders_deliver(ids=ids).values()) == {"sent"}
    assert BreakAfterBackend.opened == 1 and len(mail.outbox) == 12
    for row in Reminder.objects.filter(pk__in=[r.pk for r in rows]):
        assert row.state == ReminderState.SENT and row.attempts == 1 and row.started_at is None
        assert row.recipient_email == row.recipient_department.email
        head = row.recipient_department.head
        assert list(Notification.objects.filter(reminder=row).values_list("user", flat=True)) == [
            head.pk
        ]
    # a redelivered send message finds the rows sent and does nothing
    assert set(reminders_deliver(ids=ids).values()) == {"skipped"}
    assert len(mail.outbox) == 12


@pytest.mark.django_db
def test_a_transport_error_mid_batch_leaves_the_unsent_rows_retryable(settings):
    """The connection drops at the third message: two are sent, the third is retried after a
    back-off (its attempt counted), the untried rest wait with it without an attempt spent."""
    settings.EMAIL_BACKEND = BREAKING
    BreakAfterBackend.reset(break_after=2)
    _due_rows(6, departments=6)
    ids = reminders_claim_due(limit=100)
    outcomes = reminders_deliver(ids=ids)
    assert collections.Counter(outcomes.values()) == {"sent": 2, "retry": 4}
    rows = list(Reminder.objects.filter(pk__in=ids).order_by("pk"))
    assert [r.state for r in rows] == ["sent"] * 2 + ["pending"] * 4
    assert [r.attempts for r in rows] == [1, 1, 1, 0, 0, 0]
    assert "SMTPServerDisconnected" in rows[2].last_error
    assert len({r.due_at for r in rows[2:]}) == 1 and rows[2].due_at > rows[0].sent_at
    assert all(r.started_at is None and r.claimed_at is None for r in rows[2:])
    # the notices were committed before SMTP: all six departments' heads have theirs
    assert Notification.objects.filter(reminder__in=rows).count() == 6
    # the mail server is back after the back-off: each row is sent once, none twice
    BreakAfterBackend.reset(break_after=None)
    later = rows[2].due_at + datetime.timedelta(seconds=1)
    ids = reminders_claim_due(limit=100, now=later)
    assert sorted(ids) == [r.pk for r in rows[2:]]
    assert set(reminders_deliver(ids=ids, now=later).values()) == {"sent"}
    message_ids = collections.Counter(m.extra_headers["Message-ID"] for m in mail.outbox)
    assert len(message_ids) == 6 and set(message_ids.values()) == {1}
    assert Notification.objects.filter(reminder__in=rows).count() == 6


@pytest.mark.django_db
def test_a_row_completed_between_prepare_and_send_is_cancelled_not_sent(monkeypatch):
    """The send phase re-checks under the lock: an action whose due date moved meanwhile is
    not mailed for the old date."""
    rows = _due_rows(3, departments=1)
    ids = reminders_claim_due(limit=100)
    done = rows[1].action
    original = reminder_send.send

    def complete_then_send(ready, now, outcomes):
        FollowUpAction.objects.filter(pk=done.pk).update(
            due_date=F("due_date") + datetime.timedelta(days=7)
        )
        return original(ready, now, outcomes)

    monkeypatch.setattr(reminder_send, "send", complete_then_send)
    outcomes = reminders_deliver(ids=ids)
    assert outcomes[rows[1].pk] == "cancelled"
    assert {outcomes[rows[0].pk], outcomes[rows[2].pk]} == {"sent"}
    assert len(mail.outbox) == 2
    assert Reminder.objects.get(pk=rows[1].pk).state == ReminderState.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_racing_over_batches_send_each_reminder_once(settings):
    """Two beat dispatchers (two threads, two connections) over 600 action reminders of six
    departments and 20 summaries, each enqueuing send tasks of 25 rows (run eagerly)."""
    settings.REMINDER_SEND_BATCH = 25
    settings.REMINDER_DISPATCH_BATCH = 100
    old = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    rows = _due_rows(600, departments=6, summaries=20)
    barrier = threading.Barrier(2)
    claimed: list[int] = []
    errors: list[BaseException] = []

    def dispatcher():
        try:
            barrier.wait()
            while n := tasks.dispatch_due_reminders():
                claimed.append(n)
        except BaseException as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=dispatcher) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old
    assert errors == []
    assert sum(claimed) == 620
    assert Reminder.objects.filter(state=ReminderState.SENT).count() == 620
    assert set(Reminder.objects.values_list("attempts", "claims", "restarts")) == {(1, 1, 0)}
    message_ids = collections.Counter(m.extra_headers["Message-ID"] for m in mail.outbox)
    assert len(message_ids) == 620 and set(message_ids.values()) == {1}
    per_user = collections.Counter(Notification.objects.values_list("user_id", "reminder_id"))
    assert len(per_user) == 620 and set(per_user.values()) == {1}
    assert len(rows) == 620


def test_the_batch_send_task_is_pinned():
    assert tasks.send_reminders.name == "reviews.send_reminders"
    assert tasks.send_reminders.acks_late and tasks.send_reminders.reject_on_worker_lost


@pytest.mark.django_db
def test_a_batch_whose_process_died_is_split_into_single_deliveries(
    settings, django_capture_on_commit_callbacks
):
    """The process died after the batch's first SMTP send: the requeued batch hands each row
    to a delivery of its own (`isolate`), so one poisonous row cannot sink the others."""
    rows = _due_rows(3, departments=3)
    ids = reminders_claim_due(limit=100)
    settings.EMAIL_BACKEND = "tests.mail_backends.CrashAfterSendBackend"
    with pytest.raises(SystemExit):
        reminders_deliver(ids=ids)
    assert len(mail.outbox) == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    isolated: list[list[int]] = []
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = reminders_deliver(ids=ids, isolate=isolated.append)
    assert set(outcomes.values()) == {"isolated"} and isolated == [sorted(ids)]
    for reminder_id in isolated[0]:
        assert reminders_deliver(ids=[reminder_id]) == {reminder_id: "sent"}
    counts = collections.Counter(m.extra_headers["Message-ID"] for m in mail.outbox)
    assert [counts[r.message_id] for r in rows] == [2, 1, 1]
    assert set(Reminder.objects.values_list("state", "restarts")) == {("sent", 1)}
