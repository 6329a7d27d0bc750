"""The in-app notification list and marking notifications read."""

from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from ..models import Notification
from ..services.notifications import notification_mark_read, notifications_mark_all_read


class NotificationListView(ListView):
    template_name = "reviews/notification_list.html"
    paginate_by = 30

    def get_queryset(self):
        return Notification.objects.filter(user=self.request.user)


@require_POST
def notification_read(request, pk):
    """Mark one of the user's notifications read, then follow its link (or go back)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(notification=notification, now=timezone.now())
    target = request.POST.get("next") or notification.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("reviews:notification_list")
    return redirect(target)


@require_POST
def notification_read_all(request):
    notifications_mark_all_read(user=request.user, now=timezone.now())
    return redirect("reviews:notification_list")
