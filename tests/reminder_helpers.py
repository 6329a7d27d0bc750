"""Shared set-up of the reminder tests: a meeting with two owner departments and a chair."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from accounts.models import Role, User
from projects.models import Department
from reviews.models import FollowUpAction, Reminder, ReminderState, ReviewMeeting
from reviews.services import action_create, reminder_deliver, reminders_claim_due

from .factories import HeadFactory, MeetingFactory, UserFactory

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SEOUL)


@dataclass
class World:
    chair: User
    heads: list[User]
    departments: list[Department]
    meeting: ReviewMeeting
    actions: list[FollowUpAction]


def make_world(*, held_on=datetime.date(2026, 6, 15), dues=((0, 16), (0, 30), (1, 30))) -> World:
    """A held meeting chaired by a deputy mayor; actions (dept index, days after meeting)."""
    chair = UserFactory(role=Role.DEPUTY_MAYOR, email="chair@example.invalid")
    heads = [HeadFactory(), HeadFactory()]
    departments = [h.department for h in heads]
    meeting = MeetingFactory(held_on=held_on, chair=chair, state="held")
    actions = [
        action_create(
            meeting=meeting,
            kind="expert_forum",
            description=f"조치 {i}",
            owner_department=departments[dept],
            due_date=held_on + datetime.timedelta(days=days),
            user=chair,
        )
        for i, (dept, days) in enumerate(dues)
    ]
    return World(chair, heads, departments, meeting, actions)


def dispatch_in_process(now=None, limit=100) -> list[str]:
    """Claim and deliver everything due, as the beat task and the send task would."""
    outcomes = []
    while ids := reminders_claim_due(limit=limit, now=now):
        outcomes += [reminder_deliver(reminder_id=i, now=now) for i in ids]
    return outcomes


def states(**filters) -> dict[str, str]:
    return dict(Reminder.objects.filter(**filters).values_list("key", "state"))


def pending_keys(**filters) -> set[str]:
    return set(
        Reminder.objects.filter(state=ReminderState.PENDING, **filters).values_list(
            "key", flat=True
        )
    )
