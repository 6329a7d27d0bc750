"""The iCalendar feed of meetings and follow-up due dates, and its per-user secret token."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from accounts.models import Role, User

from ..models import CalendarFeedToken, FollowUpAction, ReviewMeeting
from ..records import _new_token

HOST = "gwangyang-portfolio"


@transaction.atomic
def calendar_token_rotate(*, user: User) -> CalendarFeedToken:
    """Issue a new feed token for `user`; the previous address stops working."""
    token, _created = CalendarFeedToken.objects.update_or_create(
        user=user, defaults={"token": _new_token(), "created_at": timezone.now()}
    )
    return token


def _actions_for(user: User):
    qs = FollowUpAction.objects.open().filter(due_date__isnull=False)
    if user.role == Role.DEPARTMENT_HEAD:
        qs = qs.filter(owner_department_id=user.department_id)
    return qs.select_related("owner_department", "meeting").order_by("due_date", "pk")


def calendar_feed(*, user: User, today: datetime.date, months_back: int = 12) -> bytes:
    """Return the feed: meetings of the last year onwards, and open actions' due dates.

    A department head sees the due dates of their department's actions; others see all.
    UIDs are stable so calendar apps update events instead of duplicating them.
    """
    site = settings.SITE_URL.rstrip("/")
    cal = Calendar()
    cal.add("prodid", "-//Gwangyang City//Portfolio//KO")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("광양시 신성장 사업 보고회·후속조치"))
    cal.add("x-wr-timezone", "Asia/Seoul")
    since = today - datetime.timedelta(days=31 * months_back)
    stamp = timezone.now()
    for meeting in ReviewMeeting.objects.filter(held_on__gte=since).order_by("held_on"):
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{HOST}")
        event.add("summary", f"[{_('보고회')}] {meeting.title}")
        event.add("dtstart", meeting.held_on)
        event.add("dtend", meeting.held_on + datetime.timedelta(days=1))
        event.add("dtstamp", stamp)
        if meeting.location:
            event.add("location", meeting.location)
        event.add("url", site + meeting.get_absolute_url())
        cal.add_component(event)
    for action in _actions_for(user):
        event = Event()
        event.add("uid", f"action-{action.pk}@{HOST}")
        owner = action.owner_department.name if action.owner_department_id else _("담당 미지정")
        event.add("summary", f"[{_('후속조치 기한')}] {action.get_kind_display()} · {owner}")
        event.add("description", action.description)
        event.add("dtstart", action.due_date)
        event.add("dtend", action.due_date + datetime.timedelta(days=1))
        event.add("dtstamp", stamp)
        event.add("url", site + action.get_absolute_url())
        cal.add_component(event)
    return cal.to_ical()
