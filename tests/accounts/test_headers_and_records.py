"""Headers and records: a Content-Security-Policy with nothing inline to allow, signed-in
responses not cached, CSRF rejections in the access log, and an absolute session lifetime."""

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent, AccessLog, Role
from tests.dashboard.dashboard_data import known_portfolio
from tests.factories import HeadFactory, UserFactory

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_pages_carry_a_policy_without_unsafe_inline(client):
    """Every page has a CSP from this site only: no inline scripts or styles allowed."""
    client.force_login(UserFactory(role=Role.PLANNING))
    policy = client.get(reverse("dashboard:index"))["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "Content-Security-Policy" in Client().get(reverse("accounts:login"))


def test_pages_hold_no_inline_script_style_or_handler(client):
    """The dashboard (charts included), lists and sign-in render nothing the policy blocks."""
    known_portfolio()
    client.force_login(UserFactory(role=Role.PLANNING))
    for url in (reverse("dashboard:index"), "/proposals/", "/reviews/", "/reviews/calendar/"):
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_HANDLER.search(html), url
        assert "<style" not in html, url
    assert " style=" not in Client().get(reverse("accounts:login")).content.decode()


def test_signed_in_pages_and_exports_are_private_and_not_stored(client):
    """Cache-Control: private, no-store on pages, downloads and the calendar page."""
    known_portfolio()
    client.force_login(UserFactory(role=Role.PLANNING))
    for url in (
        reverse("dashboard:index"),
        reverse("dashboard:proposals_xlsx"),
        reverse("dashboard:briefing_pdf"),
        "/reviews/calendar/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_a_csrf_rejection_is_a_logged_403(client):
    """A form posted without its CSRF token is refused and recorded like any 403."""
    user = UserFactory(role=Role.PLANNING)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)

    response = strict.post("/accounts/logout/")

    assert response.status_code == 403
    entry = AccessLog.objects.filter(event=AccessEvent.DENIED).get()
    assert entry.user == user and entry.path == "/accounts/logout/"


def test_a_csrf_rejection_of_an_anonymous_sign_in_is_logged_too():
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:login"), {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    assert AccessLog.objects.filter(event=AccessEvent.DENIED, path="/accounts/login/").exists()


def test_a_session_ends_twelve_hours_after_sign_in_however_active(client, settings):
    """Requests every few minutes keep the idle timer alive, not the sign-in past 12 hours."""
    assert settings.GP_SESSION_MAX_AGE_SECONDS == 12 * 3600
    head = HeadFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(head)
        # given: the head works all day, a request every 20 minutes
        for _step in range(35):  # 11 h 40 min
            clock.shift(timezone.timedelta(minutes=20))
            assert client.get("/proposals/").status_code == 200
        # when: the 12th hour passes
        clock.shift(timezone.timedelta(minutes=20))
        response = client.get("/proposals/")
    # then: signed out, and the logout is recorded
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert AccessLog.objects.filter(event=AccessEvent.LOGOUT, user=head).exists()
