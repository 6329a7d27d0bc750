"""Writes for accounts: the access log."""

import logging

from .models import AccessEvent, AccessLog, User

logger = logging.getLogger("gwangyang.access")


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(
    *, event: AccessEvent, request=None, user: User | None = None, username: str = ""
) -> AccessLog:
    """Record an access event with time, user and address, and log it."""
    if user is not None and getattr(user, "is_authenticated", False):
        username = user.get_username()
    else:
        user = None
    entry = AccessLog.objects.create(
        event=event,
        user=user,
        username=username[:150],
        ip_address=_client_ip(request),
        path=(request.path[:500] if request is not None else ""),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
    )
    logger.info(
        "access event=%s user=%s ip=%s path=%s", event, username, entry.ip_address, entry.path
    )
    return entry
