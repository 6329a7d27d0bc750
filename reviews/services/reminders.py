"""Reminder rows: plan them in the same transaction as the change that causes them.

The database is the source of truth: a row per message to send, unique by its natural key, so
planning twice never plans twice. Delivery lives in `reminder_delivery.py`. See
docs/meetings-and-reminders.md.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User

from ..models import (
    ActionState,
    FollowUpAction,
    MeetingState,
    Reminder,
    ReminderKind,
    ReminderState,
    ReviewMeeting,
)
from .reminder_rules import Rules, action_slots, digest_week_key, send_at
from .reminder_rules import working_day_on_or_after as _working_day

ACTION_KINDS = (
    ReminderKind.BEFORE_DUE,
    ReminderKind.DUE_TOMORROW,
    ReminderKind.OVERDUE,
    ReminderKind.ESCALATION,
)


def chair_recipients(meeting: ReviewMeeting | None = None) -> list[User]:
    """Return who receives the chair's messages: the meeting's chair, else the deputy mayors."""
    if meeting is not None and meeting.chair_id and meeting.chair.is_active:
        return [meeting.chair]
    return list(User.objects.filter(role=Role.DEPUTY_MAYOR, is_active=True).order_by("pk"))


def _action_rows(
    action: FollowUpAction, chairs: list[User], today: datetime.date, rules: Rules
) -> list[Reminder]:
    rows = []
    for slot in action_slots(action.due_date, today=today, rules=rules):
        base = f"{slot.kind}:a{action.pk}:{slot.suffix}"
        common = dict(
            kind=slot.kind,
            action=action,
            meeting_id=action.meeting_id,
            planned_for_due=action.due_date,
            due_at=send_at(slot.send_on, rules),
        )
        if slot.to_chair:
            rows += [Reminder(key=f"{base}:u{c.pk}", recipient=c, **common) for c in chairs]
        elif action.owner_department_id:
            rows.append(
                Reminder(key=base, recipient_department_id=action.owner_department_id, **common)
            )
    return rows


def reminders_replan_for_actions(
    actions: Iterable[FollowUpAction], *, now: datetime.datetime | None = None
) -> int:
    """Bring the planned reminders of `actions` in line with their state and due date.

    Call inside the transaction that changed the actions. Pending rows of a done or cancelled
    action, or planned for another due date, are cancelled; missing rows are created; a
    cancelled row that is wanted again is revived. Rows already sent are never touched.
    Return the number of rows created or revived.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    rules = Rules.from_settings()
    actions = list(actions)
    if not actions:
        return 0
    ids = [a.pk for a in actions]
    chairs_by_meeting: dict[int, list[User]] = {}
    wanted: dict[str, Reminder] = {}
    for action in actions:
        if action.state != ActionState.OPEN or action.meeting.state != MeetingState.CLOSED:
            continue
        if action.meeting_id not in chairs_by_meeting:
            chairs_by_meeting[action.meeting_id] = chair_recipients(action.meeting)
        for row in _action_rows(action, chairs_by_meeting[action.meeting_id], today, rules):
            wanted[row.key] = row
    current = {a.pk: a for a in actions}
    stale_ids = []
    existing: dict[str, Reminder] = {}
    for row in Reminder.objects.filter(action_id__in=ids, kind__in=ACTION_KINDS):
        existing[row.key] = row
        action = current[row.action_id]
        if row.state == ReminderState.PENDING and (
            action.state != ActionState.OPEN or row.planned_for_due != action.due_date
        ):
            stale_ids.append(row.pk)
    if stale_ids:
        Reminder.objects.filter(pk__in=stale_ids, state=ReminderState.PENDING).update(
            state=ReminderState.CANCELLED
        )
    to_create, to_update = [], []
    for key, row in wanted.items():
        old = existing.get(key)
        if old is None:
            to_create.append(row)
        elif old.state == ReminderState.CANCELLED or (
            old.state == ReminderState.PENDING
            and old.recipient_department_id != row.recipient_department_id
        ):
            if old.state == ReminderState.CANCELLED:
                old.due_at, old.attempts, old.last_error = row.due_at, 0, ""
                old.first_due_at, old.restarts = None, 0  # a new plan: horizon and caps anew
            old.state = ReminderState.PENDING
            old.recipient_department_id = row.recipient_department_id
            to_update.append(old)
    if to_create:
        Reminder.objects.bulk_create(to_create, batch_size=1000, ignore_conflicts=True)
    if to_update:
        Reminder.objects.bulk_update(
            to_update,
            [
                "state",
                "due_at",
                "attempts",
                "first_due_at",
                "restarts",
                "last_error",
                "recipient_department",
            ],
            batch_size=1000,
        )
    return len(to_create) + len(to_update)


def reminders_replan_for_action(action: FollowUpAction) -> int:
    """Re-plan one action's reminders (call after its due date, owner or state changed)."""
    return reminders_replan_for_actions([action])


def reminders_cancel_for_action(action: FollowUpAction) -> int:
    """Cancel every pending reminder of `action`; return how many were cancelled."""
    return Reminder.objects.filter(action=action, state=ReminderState.PENDING).update(
        state=ReminderState.CANCELLED
    )


def reminders_plan_for_meeting_close(
    meeting: ReviewMeeting, *, now: datetime.datetime | None = None
) -> int:
    """Plan the close summaries (one per owner department, one per chair) and action reminders.

    Call inside the transaction that closes the meeting. Return the number of rows planned.
    """
    now = now or timezone.now()
    actions = list(meeting.actions.open().select_related("meeting", "meeting__chair"))
    departments = sorted({a.owner_department_id for a in actions if a.owner_department_id})
    rows = [
        Reminder(
            kind=ReminderKind.CLOSE_SUMMARY,
            key=f"close_summary:m{meeting.pk}:d{dept_id}",
            meeting=meeting,
            recipient_department_id=dept_id,
            due_at=now,
        )
        for dept_id in departments
    ] + [
        Reminder(
            kind=ReminderKind.CHAIR_SUMMARY,
            key=f"chair_summary:m{meeting.pk}:u{chair.pk}",
            meeting=meeting,
            recipient=chair,
            due_at=now,
        )
        for chair in chair_recipients(meeting)
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows) + reminders_replan_for_actions(actions, now=now)


def reminders_plan_weekly_digest(*, now: datetime.datetime | None = None) -> int:
    """Plan this ISO week's digest for each chair (at most one per chair and week)."""
    now = now or timezone.now()
    rules = Rules.from_settings()
    today = timezone.localdate(now)
    due_at = max(send_at(_working_day(today, rules), rules), now)
    week = digest_week_key(today)
    rows = [
        Reminder(
            kind=ReminderKind.WEEKLY_DIGEST,
            key=f"weekly_digest:u{chair.pk}:{week}",
            recipient=chair,
            due_at=due_at,
        )
        for chair in chair_recipients(None)
    ]
    keys = [r.key for r in rows]
    existing = set(Reminder.objects.filter(key__in=keys).values_list("key", flat=True))
    # ON CONFLICT DO NOTHING: two beats planning at once still make one row per key.
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(set(keys) - existing)


def reminders_replan_open_actions(*, chunk: int = 500) -> int:
    """Sweep every open action of a closed meeting and top up its plan (daily safety net)."""
    total, last_pk = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                FollowUpAction.objects.select_for_update(of=("self",))
                .open()
                .filter(meeting__state=MeetingState.CLOSED, pk__gt=last_pk)
                .select_related("meeting", "meeting__chair")
                .order_by("pk")[:chunk]
            )
            if not batch:
                return total
            total += reminders_replan_for_actions(batch)
            last_pk = batch[-1].pk
