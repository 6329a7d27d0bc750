"""Opening a round: scope, notices through the reminder engine, once per head."""

import collections
import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from reviews.models import Notification, Reminder, ReminderKind
from rounds.models import UpdateRound
from rounds.services import round_open
from tests.factories import ProposalFactory
from tests.reminder_helpers import dispatch_in_process

from .helpers import make_round_world

pytestmark = pytest.mark.django_db


def test_opening_a_round_for_35_proposals_notifies_each_of_15_heads_once():
    """35 proposals over 15 departments: each head gets one in-app notice and one e-mail."""
    # given 35 active proposals over 15 departments, and one already done (out of scope)
    w = make_round_world(departments=15, proposals=35, open_round=False)
    ProposalFactory(
        portfolio=w.portfolio, lead_department=w.heads[0].department, status="done", progress=100
    )
    today = timezone.localdate()
    # when planning opens a round, and the dispatcher runs twice
    round_ = round_open(
        portfolio=w.portfolio,
        name="3분기",
        as_of=today,
        due_date=today + datetime.timedelta(days=10),
        user=w.planner,
    )
    dispatch_in_process()
    dispatch_in_process()
    # then the scope is the 35 active proposals
    assert round_.proposals.count() == 35
    # and every head got exactly one notice, in the app and by e-mail
    opened = Reminder.objects.filter(kind=ReminderKind.ROUND_OPENED)
    assert opened.count() == 15 and set(opened.values_list("state", flat=True)) == {"sent"}
    per_user = collections.Counter(Notification.objects.values_list("user_id", flat=True))
    assert per_user == {h.pk: 1 for h in w.heads}
    assert len(mail.outbox) == 15
    to = collections.Counter(a for m in mail.outbox for a in m.to)
    assert all(to[h.email] == 1 for h in w.heads)
    # and the notice lists the head's own proposals
    first = Notification.objects.get(user=w.heads[0])
    mine = [p for p in w.proposals if p.lead_department_id == w.heads[0].department_id]
    assert all(p.management_no in first.body for p in mine)
    assert "3분기" in first.title


def test_opening_plans_reminders_before_and_after_the_due_date_and_an_escalation(settings):
    """Before-due, overdue and one escalation to the chair per department are planned once."""
    settings.ROUND_REMINDER_BEFORE_DAYS = 3
    settings.ROUND_REMINDER_OVERDUE_EVERY_DAYS = 2
    settings.ROUND_REMINDER_ESCALATE_AFTER_DAYS = 5
    w = make_round_world(departments=2, proposals=4, due_in=20)
    kinds = collections.Counter(Reminder.objects.values_list("kind", flat=True))
    assert kinds[ReminderKind.ROUND_OPENED] == 2
    assert kinds[ReminderKind.ROUND_BEFORE_DUE] == 2
    assert kinds[ReminderKind.ROUND_OVERDUE] >= 2
    assert kinds[ReminderKind.ROUND_ESCALATION] == 1  # one deputy mayor
    assert Reminder.objects.get(kind=ReminderKind.ROUND_ESCALATION).recipient == w.chair


def test_a_round_needs_a_name_and_a_due_date_not_in_the_past():
    """Bad input is refused in Korean and nothing is written."""
    w = make_round_world(open_round=False)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        round_open(
            portfolio=w.portfolio,
            name="",
            as_of=today,
            due_date=today - datetime.timedelta(days=1),
            user=w.planner,
        )
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        round_open(
            portfolio=w.portfolio,
            name="과거",
            as_of=today - datetime.timedelta(days=9),
            due_date=today - datetime.timedelta(days=1),
            user=w.planner,
        )
    assert "오늘" in error.value.message_dict["due_date"][0]
    assert not UpdateRound.objects.exists() and not Reminder.objects.exists()
