"""Reminder rows are planned, stopped and re-planned with the change that causes them."""

import datetime

import pytest
import time_machine
from django.core import mail

from accounts.models import Role
from reviews.models import Notification, Reminder, ReminderKind, ReminderState
from reviews.services import (
    action_cancel,
    action_complete,
    meeting_amend,
    meeting_close,
    reminders_plan_weekly_digest,
)
from reviews.services.reminders import reminders_replan_open_actions
from tests.factories import UserFactory
from tests.reminder_helpers import dispatch_in_process, make_world, pending_keys, seoul, states

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def clock():
    with time_machine.travel(seoul(2026, 6, 15, 17, 0), tick=False) as traveller:
        yield traveller


def test_nothing_is_planned_while_the_meeting_is_open(clock):
    make_world()
    assert not Reminder.objects.exists()


def test_closing_plans_summaries_and_every_action_reminder(clock):
    """Close on Mon 15 June 2026: one summary per owner department and one for the chair."""
    w = make_world()
    meeting_close(meeting=w.meeting, user=w.chair)
    a0, a1, a2 = (a.pk for a in w.actions)
    m, c = w.meeting.pk, w.chair.pk
    d0, d1 = (d.pk for d in w.departments)
    assert pending_keys() == {
        f"close_summary:m{m}:d{d0}",
        f"close_summary:m{m}:d{d1}",
        f"chair_summary:m{m}:u{c}",
        # due Wed 1 July: the 7-days-before and 1-day-before reminders, ...
        f"due_tomorrow:a{a0}:2026-07-01",
        f"before_due:a{a0}:2026-07-01",
        f"overdue:a{a0}:2026-07-01:1",
        f"escalation:a{a0}:2026-07-01:u{c}",
        # due Wed 15 July (two actions, two departments)
        f"before_due:a{a1}:2026-07-15",
        f"due_tomorrow:a{a1}:2026-07-15",
        f"overdue:a{a1}:2026-07-15:1",
        f"escalation:a{a1}:2026-07-15:u{c}",
        f"before_due:a{a2}:2026-07-15",
        f"due_tomorrow:a{a2}:2026-07-15",
        f"overdue:a{a2}:2026-07-15:1",
        f"escalation:a{a2}:2026-07-15:u{c}",
    }
    before = Reminder.objects.get(key=f"before_due:a{a0}:2026-07-01")
    assert before.due_at == seoul(2026, 6, 24, 9, 0)
    assert before.recipient_department_id == d0
    summary = Reminder.objects.get(key=f"chair_summary:m{m}:u{c}")
    assert summary.due_at == seoul(2026, 6, 15, 17, 0) and summary.recipient_id == c


def test_without_a_chair_account_the_deputy_mayors_get_the_chairs_messages(clock):
    w = make_world(dues=((0, 16),))
    w.meeting.chair = None
    w.meeting.save(update_fields=["chair"])
    deputy = UserFactory(role=Role.DEPUTY_MAYOR)
    meeting_close(meeting=w.meeting, user=w.chair)
    recipients = set(
        Reminder.objects.filter(
            kind__in=[ReminderKind.CHAIR_SUMMARY, ReminderKind.ESCALATION]
        ).values_list("recipient_id", flat=True)
    )
    assert recipients == {w.chair.pk, deputy.pk}  # the fixture's chair is a deputy mayor too


def test_completing_an_action_stops_its_reminders_at_once(clock):
    w = make_world()
    meeting_close(meeting=w.meeting, user=w.chair)
    done = action_complete(action=w.actions[0], user=w.heads[0], note="토론회 개최")
    assert pending_keys(action=done) == set()
    assert set(states(action=done).values()) == {ReminderState.CANCELLED}
    assert len(pending_keys(action=w.actions[1])) == 4


def test_cancelling_an_action_stops_its_reminders(clock):
    w = make_world()
    meeting_close(meeting=w.meeting, user=w.chair)
    action_cancel(action=w.actions[1], user=w.chair, reason="사업 폐기")
    assert pending_keys(action=w.actions[1]) == set()


def test_moving_the_due_date_replans_and_never_duplicates(clock):
    """Due 1 July → 20 July: old rows cancelled, new rows planned; a repeat changes nothing."""
    w = make_world()
    meeting_close(meeting=w.meeting, user=w.chair)
    action = w.actions[0]
    meeting_amend(
        meeting=w.meeting,
        user=w.chair,
        reason="기한 연장 승인",
        target=action,
        due_date=D(2026, 7, 20),
    )
    a = action.pk
    assert pending_keys(action=action) == {
        f"before_due:a{a}:2026-07-20",
        f"due_tomorrow:a{a}:2026-07-20",
        f"overdue:a{a}:2026-07-20:1",
        f"escalation:a{a}:2026-07-20:u{w.chair.pk}",
    }
    assert Reminder.objects.filter(action=action, state=ReminderState.CANCELLED).count() == 4
    count = Reminder.objects.count()
    reminders_replan_open_actions()
    assert Reminder.objects.count() == count
    # moving it back revives the cancelled rows instead of adding new ones
    meeting_amend(
        meeting=w.meeting,
        user=w.chair,
        reason="원래 기한으로",
        target=action,
        due_date=D(2026, 7, 1),
    )
    assert Reminder.objects.count() == count
    assert f"before_due:a{a}:2026-07-01" in pending_keys(action=action)


def test_changing_the_owner_readdresses_pending_reminders(clock):
    w = make_world()
    meeting_close(meeting=w.meeting, user=w.chair)
    meeting_amend(
        meeting=w.meeting,
        user=w.chair,
        reason="담당 변경",
        target=w.actions[0],
        owner_department=w.departments[1],
    )
    owners = set(
        Reminder.objects.filter(action=w.actions[0], state=ReminderState.PENDING)
        .exclude(kind=ReminderKind.ESCALATION)
        .values_list("recipient_department_id", flat=True)
    )
    assert owners == {w.departments[1].pk}


def test_reminders_go_out_on_their_day_and_overdue_ones_repeat(clock):
    """Nothing dated goes out early; each overdue reminder sent plans the next one."""
    w = make_world(dues=((0, 16),))  # due Wed 1 July 2026
    meeting_close(meeting=w.meeting, user=w.chair)
    assert dispatch_in_process().count("sent") == 2  # the two close summaries
    clock.move_to(seoul(2026, 6, 24, 8, 59))
    assert dispatch_in_process() == []
    clock.move_to(seoul(2026, 6, 24, 9, 0))
    assert dispatch_in_process() == ["sent"]
    clock.move_to(seoul(2026, 7, 2, 9, 0))
    assert dispatch_in_process() == ["sent", "sent"]  # due tomorrow (30 June, late) + overdue 1
    a = w.actions[0].pk
    assert f"overdue:a{a}:2026-07-01:2" in pending_keys()
    assert Reminder.objects.get(key=f"overdue:a{a}:2026-07-01:2").due_at == seoul(
        2026, 7, 6, 9, 0
    )  # 5 July is a Sunday
    clock.move_to(seoul(2026, 7, 8, 9, 0))
    outcome = dispatch_in_process()
    assert sorted(outcome) == ["sent", "sent"]  # overdue 2 (Mon 6th) caught up + escalation
    escalation = Reminder.objects.get(kind=ReminderKind.ESCALATION)
    assert escalation.state == ReminderState.SENT
    assert Notification.objects.filter(reminder=escalation, user=w.chair).count() == 1
    assert any("장기 지연" in m.subject and m.to == ["chair@example.invalid"] for m in mail.outbox)


def test_a_reminder_claimed_before_completion_is_not_sent(clock):
    """Completion after the claim but before delivery cancels instead of sending."""
    from reviews.services import reminder_deliver, reminders_claim_due

    w = make_world(dues=((0, 16),))
    meeting_close(meeting=w.meeting, user=w.chair)
    dispatch_in_process()
    clock.move_to(seoul(2026, 6, 24, 9, 0))
    (claimed,) = reminders_claim_due(limit=10)
    action_complete(action=w.actions[0], user=w.heads[0], note="완료")
    outbox = len(mail.outbox)
    assert reminder_deliver(reminder_id=claimed) == "cancelled"
    assert len(mail.outbox) == outbox
    assert Reminder.objects.get(pk=claimed).state == ReminderState.CANCELLED


def test_weekly_digest_is_planned_once_per_chair_and_week(clock):
    w = make_world()
    assert reminders_plan_weekly_digest() == 1
    assert reminders_plan_weekly_digest() == 0
    digest = Reminder.objects.get(kind=ReminderKind.WEEKLY_DIGEST)
    assert digest.key == f"weekly_digest:u{w.chair.pk}:2026-W25"
    assert dispatch_in_process() == ["sent"]
    assert "주간 후속조치 요약" in mail.outbox[-1].subject
