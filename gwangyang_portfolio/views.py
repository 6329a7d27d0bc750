from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.defaults import permission_denied as django_permission_denied

from accounts.models import AccessEvent
from accounts.services import access_log_record


@login_not_required
@never_cache
def healthz(request):
    """Answer 'ok' without touching the database (load-balancer check, benchmark baseline)."""
    return HttpResponse("ok", content_type="text/plain")


def permission_denied(request, exception=None):
    """Log every permission denial to the access log, then answer 403."""
    access_log_record(event=AccessEvent.DENIED, request=request, user=request.user)
    return django_permission_denied(request, exception, template_name="403.html")
