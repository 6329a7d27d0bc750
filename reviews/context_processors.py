"""Template context of the reviews app: the unread notification count for the nav."""

from .selectors import unread_notification_count


def notifications(request):
    """Expose a lazy unread count: one indexed COUNT, only if a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": lambda: unread_notification_count(request)}
