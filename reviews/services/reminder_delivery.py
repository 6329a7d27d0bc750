"""Reminder delivery: claim due rows, deliver each once, record failures with a back-off.

A dispatcher claims due rows under `FOR UPDATE SKIP LOCKED` and marks them 'sending';
delivery locks the row, re-checks it is still wanted and creates the in-app notifications
(unique per user and reminder) in a transaction of their own, committed before any e-mail is
tried; then, locked again, it sends the e-mail with the row's stable Message-ID and marks the
row 'sent' in one transaction. Planning lives in `reminders.py`. See docs/meetings-and-reminders.md.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import (
    ActionState,
    FollowUpAction,
    MeetingState,
    Notification,
    Reminder,
    ReminderKind,
    ReminderState,
)
from .reminder_escalation import (
    ATTEMPTS,
    ERROR,
    GIVE_UP,
    NO_RECIPIENTS,
    RESTARTS,
    end_undelivered,
    past_horizon,
    reminders_give_up_expired,
)
from .reminder_kinds import handler_for
from .reminder_messages import compose
from .reminder_rules import Rules, overdue_slot, send_at
from .reminders import ACTION_KINDS

logger = logging.getLogger(__name__)

# Errors of the mail transport that a later attempt may not meet again.
TRANSIENT_SEND_ERRORS = (smtplib.SMTPException, OSError)


def reminders_claim_due(
    *,
    limit: int,
    now: datetime.datetime | None = None,
    on_claimed: Callable[[list[int]], None] | None = None,
) -> list[int]:
    """Claim up to `limit` due rows (and 'sending' rows stuck past the timeout).

    Rows past the give-up horizon are given up first (and planning staff told). Claimed rows
    become 'sending' with claimed_at set and claims + 1 (attempts are counted at the send);
    `on_claimed(ids)` runs only after the claim commits. Concurrent dispatchers skip each
    other's locked rows.
    """
    now = now or timezone.now()
    reminders_give_up_expired(now=now, limit=limit)
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
                state=ReminderState.SENDING,
                claimed_at=now,
                claims=F("claims") + 1,
                first_due_at=Coalesce(F("first_due_at"), F("due_at")),
            )
            if on_claimed is not None:
                transaction.on_commit(partial(on_claimed, ids))
    return ids


def _still_wanted(reminder: Reminder, action: FollowUpAction | None) -> bool:
    if action is None:
        handler = handler_for(reminder.kind)
        if handler is not None:
            return handler.still_wanted(reminder)
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


def _lock_rows(reminder_id: int):
    """Lock the reminder (and its action first); return (reminder, action) or None."""
    head = Reminder.objects.filter(pk=reminder_id).values("action_id").first()
    if head is None:
        return None
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
    if action is not None:
        reminder.action = action
    return reminder, action


def _write_notices(reminder: Reminder, message, now: datetime.datetime) -> None:
    """The in-app notices of `reminder`: one per user, however often this runs."""
    Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                reminder=reminder,
                # In the app: a short title and the words; the "열기" link goes to `url`.
                title=message.app_title()[:200],
                body=message.app_body(),
                url=message.url,
                created_at=now,
            )
            for user in message.users
        ],
        ignore_conflicts=True,
    )


def _take_up(reminder_id: int, now: datetime.datetime) -> str | None:
    """Mark the row taken up by this task (committed first). A take-up that finds the mark
    of an earlier one that never recorded an outcome follows a process that died mid-way
    (a Celery requeue or a reclaim): it is counted in `restarts`."""
    reminder = Reminder.objects.select_for_update().filter(pk=reminder_id).first()
    if reminder is None:
        return "missing"
    if reminder.state != ReminderState.SENDING:
        return "skipped"
    if reminder.started_at is not None:
        reminder.restarts += 1
    reminder.started_at = reminder.claimed_at = now
    reminder.save(update_fields=["started_at", "claimed_at", "restarts"])
    return None


def _prepare_locked(reminder_id: int, now: datetime.datetime):
    """Check the row is still to be sent, write its in-app notices and count the attempt;
    return (outcome, None) when it ends here, else (None, message). The caller commits this
    before any e-mail is tried: a mail outage never holds back or rolls back a notice, and a
    crash after the SMTP send still counts its attempt."""
    rows = _lock_rows(reminder_id)
    if rows is None:
        return "missing", None
    reminder, action = rows
    if reminder.state != ReminderState.SENDING:
        return "skipped", None
    if not _still_wanted(reminder, action):
        reminder.state, reminder.last_error, reminder.started_at = ReminderState.CANCELLED, "", None
        reminder.save(update_fields=["state", "last_error", "started_at"])
        return "cancelled", None
    reason = None
    if past_horizon(reminder, now):
        reason = GIVE_UP
    elif reminder.restarts > settings.REMINDER_MAX_RESTARTS:
        reason = RESTARTS
    elif reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        reason = ATTEMPTS
    message = None if reason else compose(reminder, now=now)
    if message is not None and not message.users and not message.emails:
        reason = NO_RECIPIENTS
    if reason:
        outcome = end_undelivered(reminder, reason, now=now)
        _plan_next_overdue(reminder, action, timezone.localdate(now))
        return outcome, None
    _write_notices(reminder, message, now)
    if message.emails:
        reminder.attempts += 1
        reminder.save(update_fields=["attempts"])
    return None, message


def _send_locked(reminder_id: int, message, now: datetime.datetime) -> str:
    rows = _lock_rows(reminder_id)
    if rows is None:
        return "missing"
    reminder, action = rows
    if reminder.state != ReminderState.SENDING:
        return "skipped"
    fields = ["state", "last_error", "started_at"]
    reminder.last_error, reminder.started_at = "", None
    if not _still_wanted(reminder, action):
        reminder.state = ReminderState.CANCELLED
        reminder.save(update_fields=fields)
        return "cancelled"
    if message.emails:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            to=message.emails,
            headers={"Message-ID": reminder.message_id},
        )
        email.attach_alternative(message.html(), "text/html")
        email.send()
        reminder.recipient_email = message.emails[0][:254]
        fields.append("recipient_email")
    reminder.state, reminder.sent_at = ReminderState.SENT, now
    reminder.save(update_fields=[*fields, "sent_at"])
    _plan_next_overdue(reminder, action, timezone.localdate(now))
    return "sent"


def reminder_deliver(*, reminder_id: int, now: datetime.datetime | None = None) -> str:
    """Deliver one claimed reminder; return 'sent', 'cancelled', 'skipped', 'retry', 'failed',
    'given_up' or 'missing'.

    Three transactions: the take-up mark; the checks, notices and attempt count (committed
    before SMTP); the send and 'sent'. A transport error puts the row back to 'pending' with
    a back-off (never 'sent'); any other error marks it 'failed' with the error recorded and
    planning staff told. Database errors propagate to the caller.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            outcome = _take_up(reminder_id, now)
        if outcome is not None:
            return outcome
        with transaction.atomic():
            outcome, message = _prepare_locked(reminder_id, now)
        if outcome is not None:
            return outcome
        with transaction.atomic():
            return _send_locked(reminder_id, message, now)
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
    """Record a failed attempt: back to 'pending' after a back-off, or 'failed' for good (and
    planning staff told)."""
    reminder = Reminder.objects.select_for_update().filter(pk=reminder_id).first()
    if reminder is None or reminder.state != ReminderState.SENDING:
        return "skipped"
    reminder.last_error = f"{type(error).__name__}: {error}"[:2000]
    if not transient or reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        return end_undelivered(reminder, ATTEMPTS if transient else ERROR, now=now)
    reminder.state = ReminderState.PENDING
    reminder.due_at = now + retry_delay(reminder.attempts)
    reminder.claimed_at = reminder.started_at = None
    reminder.save(update_fields=["state", "due_at", "claimed_at", "started_at", "last_error"])
    return "retry"
