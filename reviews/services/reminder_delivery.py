"""Reminder delivery: claim due rows, deliver each once, record failures with a back-off.

A dispatcher gives up rows past the horizon, then claims due rows under
`FOR UPDATE SKIP LOCKED` and marks them 'sending'; delivery (`reminder_batch.py`) takes a
batch of them up, re-checks each is still wanted, writes the in-app notifications and counts
the attempts in a transaction of its own, committed before any e-mail is tried; then, locked
again, it sends the e-mails with the rows' stable Message-IDs over one SMTP connection and
marks the rows 'sent' in one transaction. Planning lives in `reminders.py`. See
docs/meetings-and-reminders.md.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Reminder, ReminderState
from . import reminder_batch, reminder_send
from .reminder_escalation import reminders_give_up_expired
from .reminder_send import retry_delay

logger = logging.getLogger(__name__)

__all__ = ["reminder_deliver", "reminders_claim_due", "reminders_deliver", "retry_delay"]


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


def reminders_deliver(
    *,
    ids: list[int],
    now: datetime.datetime | None = None,
    isolate: Callable[[list[int]], None] | None = None,
) -> dict:
    """Deliver a batch of claimed reminders; return {id: outcome}, the outcome one of 'sent',
    'cancelled', 'skipped', 'retry', 'failed', 'given_up', 'missing' or 'isolated'.

    `isolate(ids)`, given for a batch of several rows, receives after the take-up commits the
    rows whose earlier delivery died mid-way, to be delivered one by one (see `take_up`).

    The number of queries does not grow with the batch (bar kinds registered by upper apps,
    which word each row themselves). A transport error puts that row back to 'pending' with a
    back-off (never 'sent'); any other error marks it 'failed' with the error recorded and
    planning staff told. Database errors propagate to the caller (the task retries).
    """
    now = now or timezone.now()
    ids = sorted(set(ids))
    outcomes: dict = {}
    with transaction.atomic():
        taken = reminder_batch.take_up(
            ids, now, outcomes, isolate=isolate if len(ids) > 1 else None
        )
    if taken:
        with transaction.atomic():
            ready = reminder_batch.prepare(taken, now, outcomes)
        if ready:
            with transaction.atomic():
                reminder_send.send(ready, now, outcomes)
    return outcomes


def reminder_deliver(*, reminder_id: int, now: datetime.datetime | None = None) -> str:
    """Deliver one claimed reminder (a batch of one); return its outcome."""
    return reminders_deliver(ids=[reminder_id], now=now)[reminder_id]
