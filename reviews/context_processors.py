"""Template context of the reviews app: the unread notification count for the nav."""

from .models import Notification


def notifications(request):
    """Expose a lazy unread count: one indexed COUNT, only if a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    cache: dict[str, int] = {}

    def count():
        if "n" not in cache:
            cache["n"] = Notification.objects.filter(user=user, read_at__isnull=True).count()
        return cache["n"]

    return {"unread_notification_count": count}
