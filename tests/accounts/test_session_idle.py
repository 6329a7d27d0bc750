"""Idle sessions end after 30 minutes; the expiry moves forward with use."""

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.factories import HeadFactory

pytestmark = pytest.mark.django_db


def test_idle_timeout_is_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_activity_moves_the_expiry_forward_and_idleness_ends_the_session(client):
    head = HeadFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(head)
        assert client.get("/proposals/").status_code == 200
    first_expiry = Session.objects.get().expire_date
    # given: the head keeps working for 20 minutes
    with time_machine.travel(start + timezone.timedelta(minutes=20), tick=False):
        assert client.get("/proposals/").status_code == 200
    later_expiry = Session.objects.get().expire_date
    assert later_expiry - first_expiry == timezone.timedelta(minutes=20)
    # when: 31 minutes pass without a request
    with time_machine.travel(start + timezone.timedelta(minutes=51, seconds=1), tick=False):
        response = client.get("/proposals/")
    # then: the session is over
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_requests_within_a_minute_do_not_write_the_session(client, django_assert_num_queries):
    head = HeadFactory()
    client.force_login(head)
    client.get("/healthz")
    client.get("/proposals/")
    before = Session.objects.get().expire_date
    client.get("/proposals/")
    assert Session.objects.get().expire_date == before
