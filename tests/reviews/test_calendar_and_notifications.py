"""The iCalendar feed behind a per-user secret, and the in-app notification list."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from accounts.models import Role
from reviews.models import CalendarFeedToken, Notification
from reviews.services.calendar import calendar_token_rotate
from tests.factories import ActionFactory, HeadFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


def _events(response):
    cal = Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_feed_is_readable_with_the_token_and_without_a_login(client):
    head = HeadFactory()
    meeting = MeetingFactory(title="보고회", held_on=datetime.date.today())
    mine = ActionFactory(meeting=meeting, owner_department=head.department)
    theirs = ActionFactory(meeting=meeting)
    token = calendar_token_rotate(user=head).token
    response = client.get(reverse("reviews:calendar_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response)
    assert f"meeting-{meeting.pk}@gwangyang-portfolio" in events
    assert f"action-{mine.pk}@gwangyang-portfolio" in events
    assert f"action-{theirs.pk}@gwangyang-portfolio" not in events  # a head sees own dept
    assert events[f"action-{mine.pk}@gwangyang-portfolio"].decoded("dtstart") == mine.due_date


def test_unknown_or_rotated_token_is_404(client):
    user = UserFactory(role=Role.PLANNING)
    old = calendar_token_rotate(user=user).token
    new = calendar_token_rotate(user=user).token
    assert old != new and CalendarFeedToken.objects.count() == 1
    assert client.get(reverse("reviews:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("reviews:calendar_feed", args=["nope"])).status_code == 404
    assert client.get(reverse("reviews:calendar_feed", args=[new])).status_code == 200


def test_subscribe_page_issues_a_token(client):
    user = UserFactory()
    client.force_login(user)
    assert "구독 주소 만들기" in client.get(reverse("reviews:calendar_subscribe")).content.decode()
    client.post(reverse("reviews:calendar_token_new"))
    token = CalendarFeedToken.objects.get(user=user).token
    assert token in client.get(reverse("reviews:calendar_subscribe")).content.decode()


def test_unread_count_in_the_nav_and_mark_read(client):
    user, other = UserFactory(), UserFactory()
    mine = Notification.objects.create(user=user, title="기한 알림", url="/reviews/meetings/")
    Notification.objects.create(user=user, title="둘째 알림")
    theirs = Notification.objects.create(user=other, title="남의 알림")
    client.force_login(user)
    page = client.get(reverse("reviews:notification_list")).content.decode()
    assert 'class="nav-count">2<' in page and "남의 알림" not in page
    response = client.post(reverse("reviews:notification_read", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/reviews/meetings/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.post(reverse("reviews:notification_read", args=[theirs.pk])).status_code == 404
    client.post(reverse("reviews:notification_read_all"))
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_notification_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    Notification.objects.bulk_create([Notification(user=user, title=f"n{i}") for i in range(2)])
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("reviews:notification_list"))
    Notification.objects.bulk_create([Notification(user=user, title=f"m{i}") for i in range(25)])
    with django_assert_max_num_queries(10) as large:
        client.get(reverse("reviews:notification_list"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_feed_window_uses_the_seoul_date_not_the_process_clock(client, monkeypatch):
    """At 01:30 in Seoul (16:30 UTC the day before) the 12-month window starts from the Seoul
    date even when the worker process's own clock zone is UTC."""
    import time

    import time_machine

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        with time_machine.travel(datetime.datetime(2026, 7, 1, 16, 30, tzinfo=datetime.UTC)):
            seoul_today = datetime.date(2026, 7, 2)
            since = seoul_today - datetime.timedelta(days=31 * 12)
            inside = MeetingFactory(held_on=since)
            outside = MeetingFactory(held_on=since - datetime.timedelta(days=1))
            token = calendar_token_rotate(user=UserFactory(role=Role.PLANNING)).token
            events = _events(client.get(reverse("reviews:calendar_feed", args=[token])))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert f"meeting-{inside.pk}@gwangyang-portfolio" in events
    assert f"meeting-{outside.pk}@gwangyang-portfolio" not in events
