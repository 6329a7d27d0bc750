"""Reviews' answers to events of the layers below."""

from django.dispatch import receiver
from django.utils import timezone

from accounts.signals import password_replaced

from .records import CalendarFeedToken, _new_token


@receiver(password_replaced, dispatch_uid="reviews.rotate_calendar_token")
def _rotate_calendar_token(sender, user, **kwargs):
    """A new password, by its owner or planning staff, renews the calendar feed's secret
    address: whoever knew the old password may have copied the old address."""
    CalendarFeedToken.objects.filter(user=user).update(
        token=_new_token(), created_at=timezone.now()
    )
