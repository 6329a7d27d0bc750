"""Delivery of reminder rows: claimed once, retried on failure, reclaimed when stuck."""

import collections
import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection

from gwangyang_portfolio.celery import app as celery_app
from reviews import tasks
from reviews.models import Notification, Reminder, ReminderKind, ReminderState
from reviews.services import meeting_close, reminder_deliver, reminders_claim_due
from tests.factories import MeetingFactory, UserFactory
from tests.mail_backends import FlakyLocmemBackend
from tests.reminder_helpers import dispatch_in_process, make_world, seoul

FLAKY = "tests.mail_backends.FlakyLocmemBackend"


@pytest.fixture
def clock():
    with time_machine.travel(seoul(2026, 6, 15, 17, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def eager_celery():
    old = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old


def _message_ids(outbox):
    return collections.Counter(m.extra_headers["Message-ID"] for m in outbox)


def test_task_names_are_pinned():
    """Beat entries and queued messages refer to these names; renaming them loses work."""
    assert tasks.dispatch_due_reminders.name == "reviews.dispatch_due_reminders"
    assert tasks.send_reminder.name == "reviews.send_reminder"
    assert tasks.plan_weekly_digest.name == "reviews.plan_weekly_digest"
    assert tasks.replan_open_actions.name == "reviews.replan_open_actions"
    assert tasks.send_reminder.acks_late and tasks.send_reminder.reject_on_worker_lost


def test_beat_schedule_names_existing_tasks(settings):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"reviews.dispatch_due_reminders", "reviews.plan_weekly_digest"} <= names
    assert names <= set(celery_app.tasks)


@pytest.mark.django_db
def test_dispatch_task_enqueues_sends_only_after_commit(
    clock, eager_celery, django_capture_on_commit_callbacks
):
    """The send tasks run from on_commit callbacks, never inside the claiming transaction."""
    w = make_world()
    meeting_close(meeting=w.meeting, user=w.chair)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.dispatch_due_reminders() == 3
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 3
    assert set(
        Reminder.objects.filter(kind__endswith="summary").values_list("state", flat=True)
    ) == {ReminderState.SENT}


@pytest.mark.django_db
def test_summaries_reach_each_department_and_the_chair_once(clock):
    w = make_world()
    meeting_close(meeting=w.meeting, user=w.chair)
    dispatch_in_process()
    dispatch_in_process()
    recipients = sorted(tuple(m.to) for m in mail.outbox)
    d0, d1 = w.departments
    assert recipients == sorted(
        [
            (d0.email, w.heads[0].email),
            (d1.email, w.heads[1].email),
            (w.chair.email,),
        ]
    )
    assert max(_message_ids(mail.outbox).values()) == 1
    dept_mail = next(m for m in mail.outbox if d0.email in m.to)
    assert "] 조치 0 (" in dept_mail.body and "] 조치 2 (" not in dept_mail.body
    assert Notification.objects.filter(user=w.heads[0]).count() == 1
    assert Notification.objects.filter(user=w.chair).count() == 1


@pytest.mark.django_db
def test_each_mail_has_an_html_part_saying_the_same_with_a_link(clock, settings):
    """Plain text for any mail program, HTML with lists and a link button; values escaped."""
    settings.SITE_URL = "https://portfolio.example.kr"
    w = make_world()
    w.actions[0].description = '<script>alert("x")</script> 기업 정보 공유'
    w.actions[0].save(update_fields=["description"])
    meeting_close(meeting=w.meeting, user=w.chair)
    dispatch_in_process()
    dept_mail = next(m for m in mail.outbox if w.departments[0].email in m.to)
    (html, mimetype), *_ = dept_mail.alternatives
    assert mimetype == "text/html"
    assert '<html lang="ko">' in html
    assert f'href="https://portfolio.example.kr{w.meeting.get_absolute_url()}"' in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 기업 정보 공유" in html
    assert "<script>" not in html
    assert html.count("<li>") == dept_mail.body.count("\n- ")
    assert dept_mail.subject in html


@pytest.mark.django_db
def test_failed_sends_are_retried_later_none_lost_none_doubled(clock, settings):
    """The mail server refuses one department: its row backs off; the others are sent once."""
    settings.EMAIL_BACKEND = FLAKY
    w = make_world()
    meeting_close(meeting=w.meeting, user=w.chair)
    refused = w.departments[0].email
    FlakyLocmemBackend.fail_for = {refused}
    try:
        outcomes = dispatch_in_process()
        assert sorted(outcomes) == ["retry", "sent", "sent"]
        row = Reminder.objects.get(
            kind=ReminderKind.CLOSE_SUMMARY, recipient_department=w.departments[0]
        )
        assert row.state == ReminderState.PENDING and row.attempts == 1
        assert "SMTPRecipientsRefused" in row.last_error
        assert row.due_at == seoul(2026, 6, 15, 17, 1)  # 60 s back-off
        # the in-app notice is committed before SMTP is tried: the refusal does not undo it
        assert Notification.objects.filter(reminder=row, user=w.heads[0]).count() == 1
        # still failing a minute later: the back-off doubles
        clock.move_to(seoul(2026, 6, 15, 17, 1))
        assert dispatch_in_process() == ["retry"]
        row.refresh_from_db()
        assert row.attempts == 2 and row.due_at == seoul(2026, 6, 15, 17, 3)
        # not due yet: nothing happens before the back-off ends
        clock.move_to(seoul(2026, 6, 15, 17, 2))
        assert dispatch_in_process() == []
        FlakyLocmemBackend.fail_for = set()
        clock.move_to(seoul(2026, 6, 15, 17, 3))
        assert dispatch_in_process() == ["sent"]
    finally:
        FlakyLocmemBackend.fail_for = set()
    assert len(mail.outbox) == 3
    assert max(_message_ids(mail.outbox).values()) == 1
    assert Reminder.objects.filter(kind__endswith="summary", state=ReminderState.SENT).count() == 3
    # three attempts, still one notice per user
    assert Notification.objects.filter(user=w.heads[0]).count() == 1


@pytest.mark.django_db
def test_a_send_that_keeps_failing_ends_failed_not_sent(clock, settings):
    settings.EMAIL_BACKEND = FLAKY
    settings.REMINDER_MAX_ATTEMPTS = 3
    w = make_world(dues=((0, 16),))
    meeting_close(meeting=w.meeting, user=w.chair)
    FlakyLocmemBackend.fail_for = {w.chair.email}
    try:
        for minute in (0, 5, 10, 20):
            clock.move_to(seoul(2026, 6, 15, 17, minute))
            dispatch_in_process()
    finally:
        FlakyLocmemBackend.fail_for = set()
    row = Reminder.objects.get(kind=ReminderKind.CHAIR_SUMMARY)
    assert row.state == ReminderState.FAILED and row.attempts == 3 and row.sent_at is None


@pytest.mark.django_db
def test_rows_stuck_in_sending_are_reclaimed_after_the_timeout(clock, settings):
    """A worker died after claiming: the row is claimed again only after the timeout."""
    settings.REMINDER_SENDING_TIMEOUT_SECONDS = 600
    w = make_world(dues=((0, 16),))
    meeting_close(meeting=w.meeting, user=w.chair)
    lost = reminders_claim_due(limit=100)  # claimed, never delivered
    assert len(lost) == 2
    clock.move_to(seoul(2026, 6, 15, 17, 9, 59))
    assert reminders_claim_due(limit=100) == []
    clock.move_to(seoul(2026, 6, 15, 17, 10, 1))
    assert sorted(dispatch_in_process()) == ["sent", "sent"]
    # the reclaim is counted as a claim, not as a sending attempt
    assert set(Reminder.objects.filter(pk__in=lost).values_list("attempts", "claims")) == {(1, 2)}
    # the original (late) send task finally runs: it finds the row sent and does nothing
    assert reminder_deliver(reminder_id=lost[0]) == "skipped"
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_racing_send_each_of_1000_reminders_once(eager_celery):
    """Two beat dispatchers in two threads (two connections) over 1,000 due rows."""
    chair = UserFactory(email="chair@example.invalid")
    meeting = MeetingFactory(
        chair=chair, state="closed", closed_at=datetime.datetime.now(datetime.UTC)
    )
    now = datetime.datetime.now(datetime.UTC)
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=ReminderKind.CHAIR_SUMMARY,
                key=f"race:{i}",
                meeting=meeting,
                recipient=chair,
                due_at=now - datetime.timedelta(seconds=i),
            )
            for i in range(1000)
        ]
    )
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

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(claimed) == 1000
    assert Reminder.objects.filter(state=ReminderState.SENT).count() == 1000
    ids = _message_ids(mail.outbox)
    assert len(ids) == 1000 and set(ids.values()) == {1}
    assert Notification.objects.filter(user=chair).count() == 1000
