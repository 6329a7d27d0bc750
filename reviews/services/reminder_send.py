"""Phase 3 of a batch delivery (see `reminder_batch.py`): send the prepared e-mails over one
SMTP connection and record every row's outcome in one transaction, with the rows locked.

A transport error about one message (a refused recipient) puts that row back to 'pending'
with a back-off and the batch goes on; a connection-level error does the same for that row
and stops: the rows not tried yet go back to 'pending' with the same wait and without an
attempt counted. Any other error fails that row (and planning staff are told).
"""

from __future__ import annotations

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection

from ..models import FollowUpAction, Reminder, ReminderState
from .reminder_batch import end, lock_actions, plan_next_overdue, still_wanted
from .reminder_escalation import ATTEMPTS, ERROR

logger = logging.getLogger(__name__)

# Errors of the mail transport that a later attempt may not meet again.
TRANSIENT_SEND_ERRORS = (smtplib.SMTPException, OSError)
# Of those, the ones about one message: the connection is still good for the next.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
RETRY_FIELDS = ["state", "due_at", "claimed_at", "started_at", "last_error", "attempts"]


def retry_delay(attempts: int) -> datetime.timedelta:
    """Return the wait before attempt `attempts + 1`: base × 2^(attempts-1), capped."""
    seconds = settings.REMINDER_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return datetime.timedelta(seconds=min(seconds, settings.REMINDER_RETRY_MAX_SECONDS))


def relock(ready: list) -> list[tuple[Reminder, FollowUpAction | None, object]]:
    """Lock the prepared rows again (actions first) and refresh what may have changed since:
    the row's state and its action."""
    actions = lock_actions({r.pk: r.action_id for r, _a, _m in ready}, "meeting")
    states = dict(
        Reminder.objects.select_for_update(of=("self",))
        .filter(pk__in=[r.pk for r, _a, _m in ready])
        .order_by("pk")
        .values_list("pk", "state")
    )
    result = []
    for reminder, _old, message in ready:
        reminder.state = states.get(reminder.pk, ReminderState.CANCELLED)
        action = actions.get(reminder.action_id)
        if action is not None:
            reminder.action = action
        result.append((reminder, action, message))
    return result


def _email(reminder: Reminder, message, connection) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        to=message.emails,
        headers={"Message-ID": reminder.message_id},
        connection=connection,
    )
    email.attach_alternative(message.html(), "text/html")
    return email


def send(ready: list, now, outcomes: dict) -> None:
    """Phase 3: send over one connection and record every row's outcome in one transaction."""
    sent, retry, failed, untried = [], [], [], []
    connection = get_connection()
    broken = opened = False
    try:
        for reminder, action, message in relock(ready):
            if reminder.state != ReminderState.SENDING:
                outcomes[reminder.pk] = "skipped"
                continue
            if not still_wanted(reminder, action):
                failed.append((reminder, action, None))  # None: cancelled, not a failure
                continue
            if broken and message.emails:
                untried.append(reminder)
                continue
            try:
                if message.emails:
                    if not opened:  # one connection for the batch, opened at the first e-mail
                        connection.open()
                        opened = True
                    _email(reminder, message, connection).send()
            except TRANSIENT_SEND_ERRORS as exc:
                reminder.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                retry.append((reminder, action))
                broken = not isinstance(exc, MESSAGE_ERRORS)
                continue
            except Exception as exc:
                logger.exception("reminder %s: sending failed", reminder.pk)
                reminder.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                failed.append((reminder, action, ERROR))
                continue
            sent.append((reminder, action, message))
    finally:
        try:
            connection.close()
        except TRANSIENT_SEND_ERRORS:
            logger.warning("closing the SMTP connection failed", exc_info=True)
    _record(sent, retry, failed, untried, now, outcomes)


def _mark_sent(rows: list[Reminder], now) -> None:
    """One UPDATE for the batch (Django's bulk_update builds a CASE per row and field, which
    costs more CPU than the whole send)."""
    if db_connection.vendor != "postgresql":  # the embedded mode's SQLite
        Reminder.objects.bulk_update(
            rows, ["state", "sent_at", "last_error", "started_at", "recipient_email"]
        )
        return
    table = Reminder._meta.db_table
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET state = %s, sent_at = %s, last_error = '', "  # noqa: S608
            "started_at = NULL, recipient_email = v.email "
            "FROM unnest(%s::bigint[], %s::varchar[]) AS v(id, email) WHERE r.id = v.id",
            [
                ReminderState.SENT,
                now,
                [r.pk for r in rows],
                [r.recipient_email for r in rows],
            ],
        )


def _record(sent, retry, failed, untried, now, outcomes: dict) -> None:
    for reminder, _a, message in sent:
        reminder.state, reminder.sent_at = ReminderState.SENT, now
        reminder.last_error, reminder.started_at = "", None
        if message.emails:
            reminder.recipient_email = message.emails[0][:254]
        outcomes[reminder.pk] = "sent"
    if sent:
        _mark_sent([r for r, _a, _m in sent], now)
    backoff = now
    later = []
    for reminder, action in retry:
        if reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            failed.append((reminder, action, ATTEMPTS))
            continue
        reminder.state, reminder.claimed_at, reminder.started_at = ReminderState.PENDING, None, None
        reminder.due_at = now + retry_delay(reminder.attempts)
        backoff = max(backoff, reminder.due_at)
        later.append(reminder)
        outcomes[reminder.pk] = "retry"
    for reminder in untried:  # never tried: its attempt is given back; waits like the others
        reminder.state, reminder.claimed_at, reminder.started_at = ReminderState.PENDING, None, None
        reminder.attempts -= 1
        reminder.due_at = backoff
        later.append(reminder)
        outcomes[reminder.pk] = "retry"
    if later:
        Reminder.objects.bulk_update(later, RETRY_FIELDS)
    cancelled = [r.pk for r, _a, reason in failed if reason is None]
    if cancelled:
        Reminder.objects.filter(pk__in=cancelled).update(
            state=ReminderState.CANCELLED, last_error="", started_at=None
        )
        outcomes.update({pk: "cancelled" for pk in cancelled})
    end([f for f in failed if f[2] is not None], now, outcomes)
    plan_next_overdue([(r, a) for r, a, _m in sent], now)
