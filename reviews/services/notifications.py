"""Writes of the in-app notifications: marking them read, and the notices about due-date
change requests (in-app only, no e-mail), created inside the caller's transaction."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User

from ..models import DueDateChangeRequest, DueDateChangeState, Notification


def notification_mark_read(*, notification: Notification, now: datetime.datetime) -> Notification:
    """Mark one notification read (idempotent: the first read time is kept)."""
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User, now: datetime.datetime) -> int:
    """Mark all of `user`'s unread notifications read; return how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now)


def _dates(change: DueDateChangeRequest) -> str:
    old = change.old_due_date.isoformat() if change.old_due_date else _("미정")
    return f"{old} → {change.new_due_date.isoformat()}"


def _subject(change: DueDateChangeRequest) -> str:
    return change.action.description.replace("\n", " ")[:60]


def due_change_notify_requested(change: DueDateChangeRequest) -> list[Notification]:
    """Tell the active planning staff (except the requester) that a request awaits them.

    Call inside the transaction that created `change`; it is rolled back with it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("due_change_notify_requested must run inside the request's transaction")
    action = change.action
    title = _("기한 변경 요청: %(action)s") % {"action": _subject(change)}
    body = _(
        "%(requester)s 님이 후속조치 기한 변경을 요청했습니다.\n"
        "기한: %(dates)s\n사유: %(reason)s\n"
        "기한 변경 요청 화면에서 승인하거나 반려하세요."
    ) % {
        "requester": change.requested_by.display_name,
        "dates": _dates(change),
        "reason": change.reason,
    }
    planners = User.objects.filter(role=Role.PLANNING, is_active=True).exclude(
        pk=change.requested_by_id
    )
    now = timezone.now()
    return Notification.objects.bulk_create(
        Notification(
            user=user,
            title=title[:200],
            body=body,
            url=action.get_absolute_url(),
            due_change=change,
            created_at=now,
        )
        for user in planners.order_by("pk")
    )


def due_change_notify_decided(change: DueDateChangeRequest) -> Notification | None:
    """Tell the requester how their request ended (approved, rejected or withdrawn because
    the action was completed or cancelled), and mark the planning staff's notices of it read.
    Nobody is told of their own doing.

    Call inside the transaction that decided `change`; it is rolled back with it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("due_change_notify_decided must run inside the decision's transaction")
    # The request waits for nobody any more: its "awaits you" notices count as read.
    Notification.objects.filter(due_change=change, read_at__isnull=True).update(
        read_at=change.decided_at or timezone.now()
    )
    requester = change.requested_by
    if change.decided_by_id == requester.pk or not requester.is_active:
        return None
    titles = {
        DueDateChangeState.APPROVED: _("기한 변경 요청이 승인되었습니다: %(action)s"),
        DueDateChangeState.REJECTED: _("기한 변경 요청이 반려되었습니다: %(action)s"),
        DueDateChangeState.WITHDRAWN: _(
            "조치가 완료 또는 취소되어 기한 변경 요청이 철회되었습니다: %(action)s"
        ),
    }
    title = titles[change.state] % {"action": _subject(change)}
    decider = change.decided_by.display_name if change.decided_by else ""
    body = _("기한: %(dates)s\n처리 결과: %(state)s\n처리자: %(decider)s") % {
        "dates": _dates(change),
        "state": change.get_state_display(),
        "decider": decider,
    }
    return Notification.objects.create(
        user=requester,
        title=title[:200],
        body=body,
        url=change.action.get_absolute_url(),
        created_at=change.decided_at or timezone.now(),
    )
