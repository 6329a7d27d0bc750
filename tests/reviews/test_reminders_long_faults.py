"""Delivery under long faults: broker outages, mail outages, processes dying after SMTP.

Reclaims count as claims, not attempts; a send attempt is counted before SMTP; a row still
undelivered past the horizon is given up; a delivery that keeps dying is capped. Every row that
ends undelivered leaves one in-app notice per planning staff member.
"""

import collections
import datetime

import pytest
import time_machine
from django.core import mail

from accounts.models import Role
from reviews.models import Notification, Reminder, ReminderKind, ReminderState
from reviews.services import (
    action_complete,
    meeting_close,
    reminder_deliver,
    reminders_claim_due,
)
from reviews.services.reminder_escalation import GIVE_UP, reminders_escalate
from tests.factories import UserFactory
from tests.mail_backends import FlakyLocmemBackend
from tests.reminder_helpers import dispatch_in_process, make_world, seoul

FLAKY = "tests.mail_backends.FlakyLocmemBackend"
CRASH = "tests.mail_backends.CrashAfterSendBackend"
START = seoul(2026, 6, 15, 17, 0)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = FLAKY
    FlakyLocmemBackend.fail_for = set()
    yield FlakyLocmemBackend
    FlakyLocmemBackend.fail_for = set()


def _summaries():
    return Reminder.objects.filter(kind__endswith="summary")


def _counters(rows):
    return set(rows.values_list("state", "attempts", "claims", "restarts"))


def _escalations():
    return Notification.objects.filter(undelivered__isnull=False)


@pytest.mark.django_db
def test_reclaims_count_as_claims_not_attempts(clock):
    # given summaries whose send messages are lost twelve times (a broker outage)
    w = make_world(dues=((0, 16),))
    meeting_close(meeting=w.meeting, user=w.chair)
    for _ in range(12):
        assert len(reminders_claim_due(limit=100)) == 2
        clock.shift(datetime.timedelta(minutes=11))  # past the 10-minute reclaim timeout
    # then no sending attempt was used up
    assert _counters(_summaries()) == {("sending", 0, 12, 0)}
    # and when a send finally runs, it is the first attempt
    assert sorted(dispatch_in_process()) == ["sent", "sent"]
    assert _counters(_summaries()) == {("sent", 1, 13, 0)}
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_long_broker_then_mail_outage_within_the_horizon_still_delivers_once(
    clock, flaky, planner
):
    """A day of lost messages, then a day and a half of the mail server refusing: with the
    default settings the reminders are still sent, once, when the mail server returns."""
    w = make_world(dues=((0, 16),))
    meeting_close(meeting=w.meeting, user=w.chair)
    # a day of broker outage: claimed every hour, every message lost
    for _ in range(24):
        reminders_claim_due(limit=100)
        clock.shift(datetime.timedelta(hours=1))
    # then the broker is back but the mail server refuses both recipients for 36 hours
    flaky.fail_for = {w.chair.email, w.departments[0].email}
    mail_back = START + datetime.timedelta(hours=60)
    outcomes = collections.Counter()
    while _summaries().exclude(state=ReminderState.SENT).exists():
        assert datetime.datetime.now(datetime.UTC) < START + datetime.timedelta(days=3)
        if datetime.datetime.now(datetime.UTC) >= mail_back:
            flaky.fail_for = set()
        outcomes.update(dispatch_in_process())
        clock.shift(datetime.timedelta(minutes=30))
    assert outcomes["sent"] == 2 and outcomes["retry"] > 2 and "failed" not in outcomes
    rows = list(_summaries())
    assert {r.state for r in rows} == {ReminderState.SENT}
    for row in rows:
        # attempts = the refusals + the send; claims also count the lost messages
        assert row.attempts == outcomes["retry"] // 2 + 1
        assert row.claims == 24 + row.attempts and row.restarts == 0
        assert row.first_due_at == START
    ids = collections.Counter(m.extra_headers["Message-ID"] for m in mail.outbox)
    assert len(ids) == 2 and set(ids.values()) == {1}
    assert Notification.objects.filter(user=w.chair).count() == 1
    assert not _escalations().exists()


@pytest.mark.django_db
def test_past_the_horizon_a_reminder_is_given_up_and_planning_told_once(clock, planner):
    other_planner = UserFactory(role=Role.PLANNING)
    UserFactory(role=Role.PLANNING, is_active=False)  # an inactive account is not told
    w = make_world(dues=((0, 16),))
    meeting_close(meeting=w.meeting, user=w.chair)
    reminders_claim_due(limit=100)  # the messages are lost
    # just inside the horizon (3 days) the rows are reclaimed, as usual
    clock.move_to(seoul(2026, 6, 18, 16, 59))
    assert len(reminders_claim_due(limit=100)) == 2
    # the send messages are lost again; the next dispatcher run is past the horizon
    clock.move_to(seoul(2026, 6, 18, 17, 10))
    assert dispatch_in_process() == []
    rows = list(_summaries())
    assert {r.state for r in rows} == {ReminderState.GIVEN_UP}
    assert all("given up" in r.last_error and r.sent_at is None for r in rows)
    assert mail.outbox == [] and not Notification.objects.filter(reminder__isnull=False)
    notices = _escalations()
    assert sorted(notices.values_list("user_id", "undelivered_id")) == sorted(
        (u.pk, r.pk) for u in (planner, other_planner) for r in rows
    )
    chair_notice = notices.get(user=planner, undelivered__kind=ReminderKind.CHAIR_SUMMARY)
    assert w.chair.display_name in chair_notice.title
    assert "보고회 종료 요약(주재자)" in chair_notice.title
    assert "3일" in chair_notice.body and "2026-06-15 17:00" in chair_notice.body
    assert chair_notice.url == w.meeting.get_absolute_url()
    # running again changes nothing: one notice per row and planner
    clock.shift(datetime.timedelta(hours=1))
    assert dispatch_in_process() == []
    assert reminders_escalate([(rows[0], GIVE_UP)]) == 0
    assert notices.count() == 4


@pytest.mark.django_db
def test_a_send_task_running_after_the_horizon_gives_up_instead_of_sending(clock, planner):
    """A backlog: claimed in time, but the send task only runs after the horizon."""
    w = make_world(dues=((0, 16),))
    meeting_close(meeting=w.meeting, user=w.chair)
    ids = reminders_claim_due(limit=100)
    clock.move_to(seoul(2026, 6, 18, 17, 1))
    assert [reminder_deliver(reminder_id=i) for i in ids] == ["given_up", "given_up"]
    assert mail.outbox == []
    assert _escalations().filter(user=planner).count() == 2


@pytest.mark.django_db
def test_a_process_dying_after_smtp_is_counted_and_capped(clock, settings, planner):
    """The SMTP server accepts the message, then the process dies before 'sent' commits.
    Celery requeues the task (reject_on_worker_lost) or the timeout reclaims the row; each
    restart is counted, and past REMINDER_MAX_RESTARTS the row fails and planning is told."""
    settings.EMAIL_BACKEND = CRASH
    settings.REMINDER_MAX_RESTARTS = 2
    w = make_world(dues=((0, 16),))
    meeting_close(meeting=w.meeting, user=w.chair)
    row = Reminder.objects.get(kind=ReminderKind.CHAIR_SUMMARY)
    assert row.pk in reminders_claim_due(limit=100)
    # the first delivery and a requeued one die after SMTP
    for _ in range(2):
        with pytest.raises(SystemExit):
            reminder_deliver(reminder_id=row.pk)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.restarts) == (ReminderState.SENDING, 2, 1)
    # the message is lost this time; the timeout reclaims the row and that delivery dies too
    clock.shift(datetime.timedelta(minutes=11))
    assert row.pk in reminders_claim_due(limit=100)
    with pytest.raises(SystemExit):
        reminder_deliver(reminder_id=row.pk)
    # the next requeue is past the cap: the row fails instead of sending again
    assert reminder_deliver(reminder_id=row.pk) == "failed"
    row.refresh_from_db()
    assert (row.state, row.attempts, row.restarts, row.claims) == ("failed", 3, 3, 2)
    assert "restarts exhausted" in row.last_error
    chair_mail = [m for m in mail.outbox if m.to == [w.chair.email]]
    assert len(chair_mail) == 3  # the same message, recognisable by its Message-ID
    assert {m.extra_headers["Message-ID"] for m in chair_mail} == {row.message_id}
    assert Notification.objects.filter(user=w.chair).count() == 1  # never doubled
    assert list(_escalations().values_list("user_id", "undelivered_id")) == [(planner.pk, row.pk)]
    assert "중단" in _escalations().get().body
    # a late requeue of the same message finds the row failed and does nothing
    assert reminder_deliver(reminder_id=row.pk) == "skipped"


@pytest.mark.django_db
def test_attempts_exhausted_fails_visibly(clock, settings, flaky, planner):
    settings.REMINDER_MAX_ATTEMPTS = 3
    w = make_world(dues=((0, 16),))
    meeting_close(meeting=w.meeting, user=w.chair)
    flaky.fail_for = {w.chair.email}
    for minute in (0, 5, 10, 20):
        clock.move_to(seoul(2026, 6, 15, 17, minute))
        dispatch_in_process()
    row = Reminder.objects.get(kind=ReminderKind.CHAIR_SUMMARY)
    assert (row.state, row.attempts, row.sent_at) == (ReminderState.FAILED, 3, None)
    assert "SMTPRecipientsRefused" in row.last_error and "attempts exhausted" in row.last_error
    notice = _escalations().get(user=planner)
    assert notice.undelivered == row and "3번" in notice.body


@pytest.mark.django_db
def test_a_cancelled_reminder_is_not_escalated(clock, planner):
    """No longer wanted is not a failure: a completed action's reminder is cancelled quietly."""
    w = make_world(dues=((0, 16),))
    meeting_close(meeting=w.meeting, user=w.chair)
    dispatch_in_process()
    action = w.actions[0]
    clock.move_to(seoul(2026, 6, 24, 9, 0))  # the before-due reminder is due
    ids = reminders_claim_due(limit=100)
    assert ids
    action.refresh_from_db()
    action_complete(action=action, user=w.chair, note="완료")
    assert {reminder_deliver(reminder_id=i) for i in ids} <= {"skipped", "cancelled"}
    assert not _escalations().exists()
