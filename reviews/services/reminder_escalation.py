"""Reminders that end undelivered: marked failed or given up, and planning staff told in-app.

Nothing fails silently: every row that ends 'failed' or 'given_up' leaves one in-app notice per
active planning staff member (unique per user and reminder, so running this twice is harmless)
saying which reminder to whom could not be delivered and why. See docs/meetings-and-reminders.md.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User

from ..models import Notification, Reminder, ReminderState

logger = logging.getLogger(__name__)

# The reasons recorded on the row (last_error, for the admin) and told to planning staff.
GIVE_UP = "give_up"
ATTEMPTS = "attempts"
RESTARTS = "restarts"
NO_RECIPIENTS = "no_recipients"
ERROR = "error"

_LOG_LINES = {
    GIVE_UP: "given up: undelivered {days} days after its first due time",
    ATTEMPTS: "attempts exhausted ({attempts})",
    RESTARTS: "restarts exhausted ({restarts} deliveries died mid-way)",
    NO_RECIPIENTS: "no recipients",
    ERROR: "failed",
}


def _reason_text(reason: str, reminder: Reminder) -> str:
    texts = {
        GIVE_UP: _("처음 발송 예정 시각에서 %(days)s일이 지나도록 보내지 못해 발송을 포기했습니다.")
        % {"days": settings.REMINDER_GIVE_UP_AFTER_DAYS},
        ATTEMPTS: _("메일 발송을 %(n)s번 시도했지만 모두 실패했습니다.") % {"n": reminder.attempts},
        RESTARTS: _("발송 작업이 %(n)s번 도중에 중단되어 더 시도하지 않습니다.")
        % {"n": reminder.restarts},
        NO_RECIPIENTS: _("받는 사람(메일 주소나 계정)이 없습니다."),
        ERROR: _("발송 중 오류가 났습니다."),
    }
    return texts[reason]


def _recipient_text(reminder: Reminder) -> str:
    if reminder.recipient_id:
        return reminder.recipient.display_name
    return reminder.recipient_department.name


def _url(reminder: Reminder) -> str:
    if reminder.action_id:
        return reminder.action.get_absolute_url()
    if reminder.meeting_id:
        return reminder.meeting.get_absolute_url()
    return ""


def _notice(reminder: Reminder, reason: str, user: User, now: datetime.datetime) -> Notification:
    recipient = _recipient_text(reminder)
    first_due = timezone.localtime(reminder.first_due_at or reminder.due_at)
    title = _("알림 발송 실패: %(kind)s → %(to)s") % {
        "kind": reminder.get_kind_display(),
        "to": recipient,
    }
    body = _(
        "다음 알림을 보내지 못했습니다.\n"
        "종류: %(kind)s\n받는 곳: %(to)s\n처음 발송 예정: %(due)s\n"
        "사유: %(reason)s\n마지막 오류: %(error)s\n"
        "메일 시도 %(attempts)s회, 발송 배정 %(claims)s회.\n"
        "받는 곳에 직접 연락하거나 관리 화면의 알림(키 %(key)s)을 확인하세요."
    ) % {
        "kind": reminder.get_kind_display(),
        "to": recipient,
        "due": f"{first_due:%Y-%m-%d %H:%M}",
        "reason": _reason_text(reason, reminder),
        "error": reminder.last_error or "-",
        "attempts": reminder.attempts,
        "claims": reminder.claims,
        "key": reminder.key,
    }
    return Notification(
        user=user,
        undelivered=reminder,
        title=title[:200],
        body=body,
        url=_url(reminder)[:300],
        created_at=now,
    )


def reminders_escalate(
    pairs: Iterable[tuple[Reminder, str]], *, now: datetime.datetime | None = None
) -> int:
    """Tell the active planning staff that each (reminder, reason) could not be delivered.

    Call inside the transaction that ended the rows; idempotent (unique per user and row).
    Return the number of notices written.
    """
    pairs = list(pairs)
    if not pairs:
        return 0
    now = now or timezone.now()
    planners = list(User.objects.filter(role=Role.PLANNING, is_active=True).order_by("pk"))
    for reminder, reason in pairs:
        logger.warning(
            "reminder %s (%s) not delivered: %s; %s",
            reminder.pk,
            reminder.key,
            reason,
            reminder.last_error,
        )
    if not planners:
        logger.error("%s undelivered reminders and no active planning staff to tell", len(pairs))
        return 0
    told = set(
        Notification.objects.filter(undelivered__in=[r for r, _reason in pairs]).values_list(
            "user_id", "undelivered_id"
        )
    )
    notices = [
        _notice(r, reason, u, now)
        for r, reason in pairs
        for u in planners
        if (u.pk, r.pk) not in told
    ]
    # ON CONFLICT DO NOTHING as well: two concurrent escalations of one row still tell once.
    Notification.objects.bulk_create(notices, ignore_conflicts=True)
    return len(notices)


def mark_undelivered(reminder: Reminder, reason: str) -> None:
    """Set the row failed (or given up) with the reason in last_error; the caller saves."""
    reminder.state = ReminderState.GIVEN_UP if reason == GIVE_UP else ReminderState.FAILED
    reminder.started_at = None
    line = _LOG_LINES[reason].format(
        days=settings.REMINDER_GIVE_UP_AFTER_DAYS,
        attempts=reminder.attempts,
        restarts=reminder.restarts,
    )
    reminder.last_error = f"{reminder.last_error}\n{line}".strip()[:2000]


END_FIELDS = ["state", "started_at", "last_error", "restarts", "attempts"]


def end_undelivered(reminder: Reminder, reason: str, *, now: datetime.datetime) -> str:
    """Mark a locked row failed (or given up) with the reason, and escalate it; return the
    outcome ('failed' or 'given_up'). Call inside the transaction holding the row lock."""
    mark_undelivered(reminder, reason)
    reminder.save(update_fields=END_FIELDS)
    reminders_escalate([(reminder, reason)], now=now)
    return str(reminder.state)


def past_horizon(reminder: Reminder, now: datetime.datetime) -> bool:
    """Whether the row is still undelivered too long after its first due time."""
    first_due = reminder.first_due_at or reminder.due_at
    return now - first_due > datetime.timedelta(days=settings.REMINDER_GIVE_UP_AFTER_DAYS)


@transaction.atomic
def reminders_give_up_expired(*, now: datetime.datetime, limit: int) -> int:
    """Give up (and escalate) rows past the horizon that are waiting to be (re)claimed: pending,
    or 'sending' past the reclaim timeout. Concurrent dispatchers skip each other's rows."""
    cutoff = now - datetime.timedelta(days=settings.REMINDER_GIVE_UP_AFTER_DAYS)
    stuck = now - datetime.timedelta(seconds=settings.REMINDER_SENDING_TIMEOUT_SECONDS)
    rows = list(
        Reminder.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            Q(state=ReminderState.PENDING) | Q(state=ReminderState.SENDING, claimed_at__lt=stuck),
            Q(first_due_at__lt=cutoff) | Q(first_due_at__isnull=True, due_at__lt=cutoff),
        )
        .select_related("recipient", "recipient_department", "action", "meeting")
        .order_by("pk")[:limit]
    )
    for reminder in rows:
        mark_undelivered(reminder, GIVE_UP)
    Reminder.objects.bulk_update(rows, END_FIELDS)
    reminders_escalate([(r, GIVE_UP) for r in rows], now=now)
    return len(rows)
