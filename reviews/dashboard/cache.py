"""Cache the rendered dashboard under a key that changes whenever the portfolio does.

The key holds a cheap "portfolio version": the newest audit-history row of proposals, follow-ups,
meetings and departments, the newest status update and follow-up ids, and the newest proposal
change. Every write through the services adds a history row, so the next load after a status
update misses the cache and recomputes. A short timeout bounds any write that bypasses history.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import connection
from django.utils import translation

from projects.models import Department, Pillar, Proposal, StatusUpdate

from ..models import FollowUpAction, ReviewMeeting

TIMEOUT = 60


def _version_sql() -> str:
    tables = [
        ("max(history_id)", Proposal.history.model._meta.db_table),
        ("max(history_id)", FollowUpAction.history.model._meta.db_table),
        ("max(history_id)", ReviewMeeting.history.model._meta.db_table),
        ("max(history_id)", Department.history.model._meta.db_table),
        ("max(id)", StatusUpdate._meta.db_table),
        ("max(id)", FollowUpAction._meta.db_table),
        ("max(id)", ReviewMeeting._meta.db_table),
        ("max(id)", Proposal._meta.db_table),
        ("count(*)", Proposal._meta.db_table),
        ("max(updated_at)", Proposal._meta.db_table),
        ("count(*)", Pillar._meta.db_table),
    ]
    parts = ", ".join(f'(SELECT {expr} FROM "{table}")' for expr, table in tables)
    return f"SELECT {parts}"


def portfolio_version() -> str:
    """Return a string that changes whenever a proposal, update, follow-up or meeting does."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        row = cursor.fetchone()
    return "|".join("" if v is None else str(v) for v in row)


def cache_key(*, version: str, today, params: list[tuple[str, str]], extra: str = "") -> str:
    raw = "\n".join(
        [version, str(today), translation.get_language() or "", extra]
        + [f"{k}={v}" for k, v in sorted(params)]
    )
    return "dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(key: str, build):
    """Return the cached value under `key`, or build, store and return it."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value
