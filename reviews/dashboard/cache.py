"""Cache the rendered dashboard under a key that changes whenever the portfolio does.

The key holds a cheap "portfolio version": the newest audit-history row of proposals, follow-ups,
meetings and departments and the newest row id of the main tables. Every write through the
services (and the admin) adds a history row, so the next load after a status update misses the
cache and recomputes. The key also holds the date, the language and the filters. A short timeout
bounds any write that bypasses the history (QuerySet.update, bulk_update, pillar renames).
"""

from __future__ import annotations

import functools
import hashlib

from django.core.cache import cache
from django.db import connection
from django.utils import translation

from projects.models import Department, Pillar, Proposal, StatusUpdate

from ..models import FollowUpAction, Notification, ReviewMeeting

TIMEOUT = 60


@functools.cache
def _version_sql() -> str:
    # Built once: `Model.history` makes a new manager class on every access (django-simple-history).
    # Only max() over primary keys: each is one index probe, so the check costs the same at
    # any portfolio size. Deletes through the ORM also add a history row.
    tables = [
        ("history_id", Proposal.history.model),
        ("history_id", FollowUpAction.history.model),
        ("history_id", ReviewMeeting.history.model),
        ("history_id", Department.history.model),
        ("id", StatusUpdate),
        ("id", FollowUpAction),
        ("id", ReviewMeeting),
        ("id", Proposal),
        ("id", Pillar),
    ]
    parts = ", ".join(
        # Table and column names come from the models, never from input.
        f'(SELECT max("{col}") FROM "{model._meta.db_table}")'  # noqa: S608
        for col, model in tables
    )
    return f"SELECT {parts}"


def portfolio_version(request=None) -> str:
    """Return a string that changes whenever a proposal, update, follow-up or meeting does.

    Given the request, the same round trip also counts the reader's unread notifications and
    stores the count where `reviews.selectors.unread_notification_count` finds it.
    """
    sql, params = _version_sql(), []
    with_unread = request is not None and request.user.is_authenticated
    if with_unread:
        sql += (
            f', (SELECT count(*) FROM "{Notification._meta.db_table}"'  # noqa: S608
            ' WHERE "user_id" = %s AND "read_at" IS NULL)'
        )
        params.append(request.user.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = list(cursor.fetchone())
    if with_unread:
        request._unread_notification_count = row.pop()
    return "|".join("" if v is None else str(v) for v in row)


def cache_key(*, version: str, today, params: list[tuple[str, str]], extra: str = "") -> str:
    raw = "\n".join(
        [version, str(today), translation.get_language() or "", extra]
        + [f"{k}={v}" for k, v in sorted(params)]
    )
    return "dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


def page_cache_key(*, body_key: str, session_key: str | None, unread: int) -> str:
    """Return the key of a whole page for one session: its menu shows the user's own data."""
    raw = f"{body_key}\n{session_key}\n{unread}"
    return "dashboard-page:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(key: str, build):
    """Return the cached value under `key`, or build, store and return it."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value
