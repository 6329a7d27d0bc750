"""Delivering a batch of claimed reminders in three transactions, with a fixed number of
queries however many rows the batch holds.

1. Take-up: lock the rows, mark them taken (`started_at`); a row found already taken follows
   a delivery whose process died mid-way and counts a restart. Committed first.
2. Prepare: lock the actions, then the rows; cancel what is no longer wanted, end (and
   escalate) what is past the horizon or out of restarts or attempts, compose the rest, write
   every in-app notice and count one attempt per e-mail about to be sent. Committed before
   any e-mail is tried.
3. Send (`reminder_send.py`): lock actions and rows again, re-check, send each e-mail over
   one SMTP connection, and mark the sent rows 'sent' in the same transaction.
"""

from __future__ import annotations

import datetime
import logging
from functools import partial

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Case, F, PositiveSmallIntegerField, When
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
    END_FIELDS,
    ERROR,
    GIVE_UP,
    NO_RECIPIENTS,
    RESTARTS,
    mark_undelivered,
    past_horizon,
    reminders_escalate,
)
from .reminder_kinds import handler_for
from .reminder_messages import ComposeMemo, compose
from .reminder_rules import Rules, overdue_slot, send_at
from .reminders import ACTION_KINDS

logger = logging.getLogger(__name__)


def still_wanted(reminder: Reminder, action: FollowUpAction | None) -> bool:
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


def plan_next_overdue(rows: list[tuple[Reminder, FollowUpAction | None]], now) -> None:
    """Plan the overdue reminder after each overdue row just finished (one INSERT)."""
    rules, today, new = Rules.from_settings(), timezone.localdate(now), []
    for reminder, action in rows:
        if reminder.kind != ReminderKind.OVERDUE or action is None:
            continue
        if not still_wanted(reminder, action):
            continue
        after = max(today, timezone.localdate(reminder.due_at)) + datetime.timedelta(days=1)
        _n, slot = overdue_slot(action.due_date, on_or_after=after, rules=rules)
        new.append(
            Reminder(
                kind=slot.kind,
                key=f"{slot.kind}:a{action.pk}:{slot.suffix}",
                action=action,
                meeting_id=action.meeting_id,
                recipient_department_id=action.owner_department_id,
                planned_for_due=action.due_date,
                due_at=send_at(slot.send_on, rules),
            )
        )
    if new:
        Reminder.objects.bulk_create(new, ignore_conflicts=True)


def take_up(ids: list[int], now, outcomes: dict, *, isolate=None) -> dict[int, int | None]:
    """Phase 1: return {id: action_id} of the rows taken up (still 'sending').

    With `isolate` (a batch of several rows), rows found taken up already — their delivery
    died mid-way — are not delivered here: `isolate(ids)` runs after the commit (the task
    enqueues one delivery per row), so one row that kills its process cannot take the rest of
    a batch down with it, and each row's restarts count its own deaths.
    """
    rows = list(
        Reminder.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "state", "action_id", "started_at")
    )
    taken = {pk: action for pk, state, action, _s in rows if state == ReminderState.SENDING}
    for pk in ids:
        outcomes[pk] = "skipped" if pk not in taken else None
    outcomes.update({pk: "missing" for pk in set(ids) - {r[0] for r in rows}})
    restarted = [pk for pk, _st, _a, started in rows if pk in taken and started is not None]
    if isolate is not None and restarted:
        for pk in restarted:
            del taken[pk]
            outcomes[pk] = "isolated"
        transaction.on_commit(partial(isolate, restarted))
    if taken:
        Reminder.objects.filter(pk__in=list(taken)).update(
            restarts=Case(
                When(started_at__isnull=False, then=F("restarts") + 1),
                default=F("restarts"),
                output_field=PositiveSmallIntegerField(),
            ),
            started_at=now,
            claimed_at=now,
        )
    return taken


def lock_actions(taken: dict[int, int | None], *related: str) -> dict[int, FollowUpAction]:
    """Lock the batch's actions in id order, as the action services do (action, then row)."""
    action_ids = sorted({a for a in taken.values() if a})
    if not action_ids:
        return {}
    return {
        a.pk: a
        for a in FollowUpAction.objects.select_for_update(no_key=True, of=("self",))
        .select_related(*related)
        .filter(pk__in=action_ids)
        .order_by("pk")
    }


def lock(taken: dict[int, int | None]) -> list[tuple[Reminder, FollowUpAction | None]]:
    """Lock the actions, then the rows (loaded with what composing them needs)."""
    actions = lock_actions(taken, "meeting", "owner_department", "proposal")
    reminders = (
        Reminder.objects.select_for_update(of=("self",))
        .select_related("recipient", "recipient_department", "meeting", "meeting__chair")
        .filter(pk__in=list(taken))
        .order_by("pk")
    )
    pairs = []
    for reminder in reminders:
        action = actions.get(reminder.action_id)
        if action is not None:
            reminder.action = action
        pairs.append((reminder, action))
    return pairs


def _end_reason(reminder: Reminder, now) -> str | None:
    if past_horizon(reminder, now):
        return GIVE_UP
    if reminder.restarts > settings.REMINDER_MAX_RESTARTS:
        return RESTARTS
    if reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        return ATTEMPTS
    return None


def prepare(taken, now, outcomes: dict) -> list:
    """Phase 2: return [(reminder, action, message)] to send; everything else is ended here."""
    pairs = lock(taken)
    memo = ComposeMemo()
    memo.prime([r for r, _a in pairs])
    ready, cancelled, ended = [], [], []
    for reminder, action in pairs:
        if reminder.state != ReminderState.SENDING:
            outcomes[reminder.pk] = "skipped"
            continue
        if not still_wanted(reminder, action):
            cancelled.append(reminder.pk)
            outcomes[reminder.pk] = "cancelled"
            continue
        reason, message = _end_reason(reminder, now), None
        if reason is None:
            try:
                message = compose(reminder, now=now, memo=memo)
            except DatabaseError:
                raise
            except Exception as exc:  # a bug in the words: this row fails, visibly
                logger.exception("reminder %s: composing failed", reminder.pk)
                reminder.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                reason = ERROR
        if reason is None and not message.users and not message.emails:
            reason = NO_RECIPIENTS
        if reason:
            ended.append((reminder, action, reason))
            continue
        ready.append((reminder, action, message))
    if cancelled:
        Reminder.objects.filter(pk__in=cancelled).update(
            state=ReminderState.CANCELLED, last_error="", started_at=None
        )
    end(ended, now, outcomes)
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
            for reminder, _a, message in ready
            for user in message.users
        ],
        ignore_conflicts=True,
    )
    mailing = [r for r, _a, m in ready if m.emails]
    if mailing:  # counted and committed before the SMTP send: a crash after it still counts
        Reminder.objects.filter(pk__in=[r.pk for r in mailing]).update(attempts=F("attempts") + 1)
        for reminder in mailing:
            reminder.attempts += 1
    return ready


def end(ended: list, now, outcomes: dict) -> None:
    """Mark rows failed / given up, tell planning staff, plan the next overdue reminder."""
    if not ended:
        return
    for reminder, _action, reason in ended:
        mark_undelivered(reminder, reason)
        outcomes[reminder.pk] = str(reminder.state)
    Reminder.objects.bulk_update([r for r, _a, _x in ended], END_FIELDS)
    reminders_escalate([(r, reason) for r, _a, reason in ended], now=now)
    plan_next_overdue([(r, a) for r, a, _x in ended], now)
