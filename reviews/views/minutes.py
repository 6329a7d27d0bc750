"""Minutes of a meeting (printable page and PDF) and the iCalendar feed."""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import hooks
from ..minutes_pdf import minutes_pdf
from ..models import CalendarFeedToken, ReviewMeeting
from ..services.calendar import calendar_feed, calendar_token_rotate


def _meeting(pk):
    return get_object_or_404(
        ReviewMeeting.objects.select_related("chair", "portfolio").prefetch_related(
            "attending_departments",
            "reviews__proposal__lead_department",
            "actions__owner_department",
            "actions__proposal",
            "amendments__amended_by",
        ),
        pk=pk,
    )


def meeting_minutes(request, pk):
    """The meeting's record as a printable page (print CSS hides the site chrome), with the
    annex of attached files (별첨) registered by the apps above (`hooks.minutes_annex`)."""
    meeting = _meeting(pk)
    context = {"object": meeting, "annex": hooks.minutes_annex(meeting)}
    return render(request, "reviews/reviewmeeting_minutes.html", context)


def meeting_minutes_pdf(request, pk):
    """The same record as a PDF (reportlab, built-in Korean CID font: works offline)."""
    meeting = _meeting(pk)
    buffer = io.BytesIO()
    minutes_pdf(meeting, buffer, annex=hooks.minutes_annex(meeting))
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}-minutes.pdf"'
    return response


def calendar_subscribe(request):
    """Show the user's secret feed address, to paste into a calendar app."""
    token = CalendarFeedToken.objects.filter(user=request.user).first()
    feed_url = None
    if token is not None:
        feed_url = settings.SITE_URL.rstrip("/") + reverse(
            "reviews:calendar_feed", args=[token.token]
        )
    return render(request, "reviews/calendar_subscribe.html", {"feed_url": feed_url})


@require_POST
def calendar_token_new(request):
    calendar_token_rotate(user=request.user)
    messages.success(request, _("새 구독 주소를 만들었습니다. 이전 주소는 더 이상 쓸 수 없습니다."))
    return redirect("reviews:calendar_subscribe")


@login_not_required
@never_cache
def calendar_feed_view(request, token):
    """Serve the iCalendar feed of the token's owner; an unknown token is a 404."""
    row = CalendarFeedToken.objects.select_related("user").filter(token=token).first()
    if row is None or not row.user.is_active:
        raise Http404
    # Calendar apps send their own Accept-Language, not the official's: the feed is in Korean.
    with translation.override(settings.LANGUAGE_CODE):
        body = calendar_feed(user=row.user, today=timezone.localdate())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="gwangyang-portfolio.ics"'
    return response
