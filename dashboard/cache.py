"""The data version every cached page is keyed on (`core.pagecache`), read from the portfolio
version row (`version.py`): database triggers move it on every write to a table the pages read,
whatever makes the write, so the next load after a status update misses the cache and rebuilds.
"""

from __future__ import annotations

from core import user_row

from . import version

VERSION = "gp_portfolio_version"  # core.user_row: read with the signed-in user's row


def portfolio_version(request=None) -> str:
    """Return the portfolio version string.

    A signed-in user's row was read with it (core.user_row): no query. Otherwise one query at
    any portfolio size, which, given a signed-in request, also counts the reader's unread
    notifications and stores the count where `reviews.selectors.unread_notification_count`
    finds it.
    """
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    if signed_in:
        value = user_row.value(user, VERSION)
        if value is not user_row.MISSING:
            return str(value)
    value, unread = version.read(unread_for_user_id=user.pk if signed_in else None)
    if signed_in:
        request._unread_notification_count = unread
    return value
