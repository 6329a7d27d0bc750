"""The data version every cached page is keyed on (`core.pagecache`), read from the portfolio
version row (`version.py`): database triggers move it on every write to a table the pages read,
whatever makes the write, so the next load after a status update misses the cache and rebuilds.
"""

from __future__ import annotations

from . import version


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
