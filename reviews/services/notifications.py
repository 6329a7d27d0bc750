"""Writes of the in-app notifications: marking them read."""

from __future__ import annotations

import datetime

from accounts.models import User

from ..models import Notification


def notification_mark_read(*, notification: Notification, now: datetime.datetime) -> Notification:
    """Mark one notification read (idempotent: the first read time is kept)."""
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User, now: datetime.datetime) -> int:
    """Mark all of `user`'s unread notifications read; return how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now)
