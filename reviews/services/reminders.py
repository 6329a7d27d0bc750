"""Reminder rows: plan them with the change that causes them, claim due ones, deliver them.

The database is the source of truth. A row is planned in the same transaction as the action
or meeting change that causes it; a dispatcher claims due rows under `FOR UPDATE SKIP LOCKED`
and marks them 'sending'; delivery locks the row, re-checks it is still wanted, creates the
in-app notifications (unique per user and reminder), sends the e-mail with the row's stable
Message-ID and marks it 'sent' in one transaction. See docs/meetings-and-reminders.md.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Callable, Iterable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Role, User

from ..models import (
    ActionState,
    FollowUpAction,
    MeetingState,
    Notification,
    Reminder,
    ReminderKind,
    ReminderState,
    ReviewMeeting,
)
from .reminder_messages import compose
from .reminder_rules import Rules, action_slots, digest_week_key, overdue_slot, send_at
from .reminder_rules import working_day_on_or_after as _working_day

logger = logging.getLogger(__name__)

# Errors of the mail transport that a later attempt may not meet again.
TRANSIENT_SEND_ERRORS = (smtplib.SMTPException, OSError)
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
            old.state = ReminderState.PENDING
            old.recipient_department_id = row.recipient_department_id
            to_update.append(old)
    if to_create:
        Reminder.objects.bulk_create(to_create, batch_size=1000, ignore_conflicts=True)
    if to_update:
        Reminder.objects.bulk_update(
            to_update,
            ["state", "due_at", "attempts", "last_error", "recipient_department"],
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
    actions = list(
        meeting.actions.filter(state=ActionState.OPEN).select_related("meeting", "meeting__chair")
    )
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
                .filter(state=ActionState.OPEN, meeting__state=MeetingState.CLOSED, pk__gt=last_pk)
                .select_related("meeting", "meeting__chair")
                .order_by("pk")[:chunk]
            )
            if not batch:
                return total
            total += reminders_replan_for_actions(batch)
            last_pk = batch[-1].pk


# --- Delivery --------------------------------------------------------------------------------


def reminders_claim_due(
    *,
    limit: int,
    now: datetime.datetime | None = None,
    on_claimed: Callable[[list[int]], None] | None = None,
) -> list[int]:
    """Claim up to `limit` due rows (and 'sending' rows stuck past the timeout).

    Claimed rows become 'sending' with claimed_at set and attempts + 1; `on_claimed(ids)` runs
    only after the claim commits. Concurrent dispatchers skip each other's locked rows.
    """
    now = now or timezone.now()
    stuck = now - datetime.timedelta(seconds=settings.REMINDER_SENDING_TIMEOUT_SECONDS)
    with transaction.atomic():
        ids = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(
                Q(state=ReminderState.PENDING, due_at__lte=now)
                | Q(state=ReminderState.SENDING, claimed_at__lt=stuck)
            )
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Reminder.objects.filter(pk__in=ids).update(
                state=ReminderState.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
            if on_claimed is not None:
                transaction.on_commit(partial(on_claimed, ids))
    return ids


def _still_wanted(reminder: Reminder, action: FollowUpAction | None) -> bool:
    if action is None:
        return reminder.kind not in ACTION_KINDS
    return (
        action.state == ActionState.OPEN
        and action.due_date == reminder.planned_for_due
        and action.meeting.state == MeetingState.CLOSED
    )


def _plan_next_overdue(reminder: Reminder, action: FollowUpAction | None, today) -> None:
    if (
        reminder.kind != ReminderKind.OVERDUE
        or action is None
        or not _still_wanted(reminder, action)
    ):
        return
    rules = Rules.from_settings()
    after = max(today, timezone.localdate(reminder.due_at)) + datetime.timedelta(days=1)
    _n, slot = overdue_slot(action.due_date, on_or_after=after, rules=rules)
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=slot.kind,
                key=f"{slot.kind}:a{action.pk}:{slot.suffix}",
                action=action,
                meeting_id=action.meeting_id,
                recipient_department_id=action.owner_department_id,
                planned_for_due=action.due_date,
                due_at=send_at(slot.send_on, rules),
            )
        ],
        ignore_conflicts=True,
    )


def _deliver_locked(reminder_id: int, now: datetime.datetime) -> str:
    head = Reminder.objects.filter(pk=reminder_id).values("action_id").first()
    if head is None:
        return "missing"
    action = None
    if head["action_id"]:
        # Lock order: action, then reminder, the same as the action services use, so a
        # completion and a delivery of the same action serialise instead of racing.
        action = (
            FollowUpAction.objects.select_for_update(no_key=True, of=("self",))
            .select_related("meeting", "owner_department", "proposal")
            .get(pk=head["action_id"])
        )
    reminder = (
        Reminder.objects.select_for_update(of=("self",))
        .select_related("recipient", "recipient_department", "meeting", "meeting__chair")
        .get(pk=reminder_id)
    )
    if reminder.state != ReminderState.SENDING:
        return "skipped"
    if action is not None:
        reminder.action = action
    fields = ["state", "last_error"]
    if not _still_wanted(reminder, action):
        reminder.state, reminder.last_error = ReminderState.CANCELLED, ""
        reminder.save(update_fields=fields)
        return "cancelled"
    if reminder.attempts > settings.REMINDER_MAX_ATTEMPTS:
        reminder.state = ReminderState.FAILED
        reminder.last_error = (reminder.last_error + "\nattempts exhausted").strip()
        reminder.save(update_fields=fields)
        _plan_next_overdue(reminder, action, timezone.localdate(now))
        return "failed"
    message = compose(reminder, now=now)
    if not message.users and not message.emails:
        reminder.state, reminder.last_error = ReminderState.FAILED, "no recipients"
        reminder.save(update_fields=fields)
        return "failed"
    Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                reminder=reminder,
                title=message.subject[:200],
                body=message.body,
                url=message.url,
                created_at=now,
            )
            for user in message.users
        ],
        ignore_conflicts=True,
    )
    if message.emails:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            to=message.emails,
            headers={"Message-ID": reminder.message_id},
        ).send()
    reminder.state, reminder.sent_at, reminder.last_error = ReminderState.SENT, now, ""
    if message.emails:
        reminder.recipient_email = message.emails[0][:254]
        fields.append("recipient_email")
    reminder.save(update_fields=[*fields, "sent_at"])
    _plan_next_overdue(reminder, action, timezone.localdate(now))
    return "sent"


def reminder_deliver(*, reminder_id: int, now: datetime.datetime | None = None) -> str:
    """Deliver one claimed reminder; return 'sent', 'cancelled', 'skipped', 'retry', 'failed'.

    A transport error puts the row back to 'pending' with a back-off (never 'sent'); any other
    error marks it 'failed' with the error recorded. Database errors propagate to the caller.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _deliver_locked(reminder_id, now)
    except DatabaseError:
        raise
    except TRANSIENT_SEND_ERRORS as exc:
        return reminder_record_failure(reminder_id=reminder_id, error=exc, transient=True, now=now)
    except Exception as exc:
        logger.exception("reminder %s: delivery failed", reminder_id)
        return reminder_record_failure(reminder_id=reminder_id, error=exc, transient=False, now=now)


def retry_delay(attempts: int) -> datetime.timedelta:
    """Return the wait before attempt `attempts + 1`: base × 2^(attempts-1), capped."""
    seconds = settings.REMINDER_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return datetime.timedelta(seconds=min(seconds, settings.REMINDER_RETRY_MAX_SECONDS))


@transaction.atomic
def reminder_record_failure(
    *, reminder_id: int, error: BaseException, transient: bool, now: datetime.datetime
) -> str:
    """Record a failed attempt: back to 'pending' after a back-off, or 'failed' for good."""
    reminder = Reminder.objects.select_for_update().filter(pk=reminder_id).first()
    if reminder is None or reminder.state != ReminderState.SENDING:
        return "skipped"
    reminder.last_error = f"{type(error).__name__}: {error}"[:2000]
    if transient and reminder.attempts < settings.REMINDER_MAX_ATTEMPTS:
        reminder.state = ReminderState.PENDING
        reminder.due_at = now + retry_delay(reminder.attempts)
        reminder.claimed_at = None
        outcome = "retry"
    else:
        reminder.state = ReminderState.FAILED
        outcome = "failed"
    reminder.save(update_fields=["state", "due_at", "claimed_at", "last_error"])
    return outcome
