"""Cache the rendered dashboard under a key that changes whenever the portfolio does.

The key holds the portfolio version (`version.py`): one row that database triggers move on
every write to a table the dashboard reads, whatever makes the write. The next load after a
status update therefore misses the cache and recomputes. The key also holds the date, the
language and the filters. The timeout matters too: "not updated for N days" is measured from
the current time, not the date, so a cached body may be at most TIMEOUT seconds behind on it.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils import translation

from . import version

TIMEOUT = 60


def portfolio_version(request=None) -> str:
    """Return the portfolio version string (one query at any portfolio size).

    Given the request, the same round trip also counts the reader's unread notifications and
    stores the count where `reviews.selectors.unread_notification_count` finds it.
    """
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    value, unread = version.read(unread_for_user_id=user.pk if signed_in else None)
    if signed_in:
        request._unread_notification_count = unread
    return value


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
