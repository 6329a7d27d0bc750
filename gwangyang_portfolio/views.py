from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache


@login_not_required
@never_cache
def healthz(request):
    """Answer 'ok' without touching the database (load-balancer check, benchmark baseline)."""
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    """Send each user to their starting page."""
    return redirect("projects:proposal_list")
