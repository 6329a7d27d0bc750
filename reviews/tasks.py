"""Celery jobs of the reminders: thin wrappers over reviews.services (reminders, reminder_delivery).

The database decides what is due; tasks carry only IDs and are safe to run twice.
"""

from __future__ import annotations

import collections
import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from .services import reminder_delivery, reminders

logger = logging.getLogger(__name__)

# A lost database connection is worth a quick retry; anything else is a bug or a recorded
# failure on the row itself.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)
# Acknowledged after the work, put back if the process dies, a few quick retries on a lost
# database connection: the options of every delivery task.
RELIABLE = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_DB_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 60,
    "max_retries": 3,
}


def _enqueue_sends(ids: list[int]) -> None:
    size = max(1, settings.REMINDER_SEND_BATCH)
    for start in range(0, len(ids), size):
        send_reminders.delay(ids[start : start + size])


@shared_task(
    name="reviews.dispatch_due_reminders",
    **RELIABLE,
)
def dispatch_due_reminders() -> int:
    """Claim due reminder rows in bounded batches and enqueue one send task per
    REMINDER_SEND_BATCH rows."""
    total = 0
    for _ in range(settings.REMINDER_DISPATCH_MAX_BATCHES):
        ids = reminder_delivery.reminders_claim_due(
            limit=settings.REMINDER_DISPATCH_BATCH, on_claimed=_enqueue_sends
        )
        total += len(ids)
        if len(ids) < settings.REMINDER_DISPATCH_BATCH:
            break
    if total:
        logger.info("claimed %s reminders", total)
    return total


@shared_task(
    name="reviews.send_reminders",
    **RELIABLE,
)
def send_reminders(reminder_ids: list[int]) -> dict:
    """Deliver a batch of claimed reminders (e-mails over one SMTP connection + in-app
    notifications), each at most once per claim; return how many ended how."""
    outcomes = reminder_delivery.reminders_deliver(ids=reminder_ids, isolate=_enqueue_singles)
    return dict(collections.Counter(outcomes.values()))


def _enqueue_singles(ids: list[int]) -> None:
    """Rows of a batch whose delivery died mid-way: one task each from now on."""
    for reminder_id in ids:
        send_reminders.delay([reminder_id])


@shared_task(
    name="reviews.send_reminder",
    **RELIABLE,
)
def send_reminder(reminder_id: int) -> str:
    """Deliver one claimed reminder (kept for messages queued before the batch task)."""
    outcome = reminder_delivery.reminder_deliver(reminder_id=reminder_id)
    if outcome == "missing":
        logger.info("reminder %s no longer exists", reminder_id)
    return outcome


@shared_task(name="reviews.plan_weekly_digest", acks_late=True, reject_on_worker_lost=True)
def plan_weekly_digest() -> int:
    """Plan this week's digest row for each chair (the dispatcher sends it)."""
    return reminders.reminders_plan_weekly_digest()


@shared_task(name="reviews.replan_open_actions", acks_late=True, reject_on_worker_lost=True)
def replan_open_actions() -> int:
    """Top up the reminder plan of every open action (a daily safety net)."""
    return reminders.reminders_replan_open_actions()
