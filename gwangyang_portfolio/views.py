from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.defaults import permission_denied as django_permission_denied

from accounts.models import AccessEvent
from accounts.services import access_log_record
from projects.permissions import can_view_dashboard, can_view_my_department


@login_not_required
@never_cache
def healthz(request):
    """Answer 'ok' without touching the database (load-balancer check, benchmark baseline)."""
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    """Send each user to their starting page: heads to their department, others to the dashboard."""
    if can_view_my_department(request.user):
        return redirect("projects:my_department")
    if can_view_dashboard(request.user):
        return redirect("reviews:dashboard")
    return redirect("projects:proposal_list")


def permission_denied(request, exception=None):
    """Log every permission denial to the access log, then answer 403."""
    access_log_record(event=AccessEvent.DENIED, request=request, user=request.user)
    return django_permission_denied(request, exception, template_name="403.html")
