"""Account abuse: a lock-out holds one username at one address; many addresses slow a
username without locking it; planning staff unlock; users change their own password, must
replace one set by someone else, and a new password renews the calendar token; the token is
kept out of gunicorn's access log."""

import datetime
import types

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent, AccessLog, Role
from accounts.services import user_create, user_set_password
from gwangyang_portfolio.gunicorn_logging import RedactingLogger, redact
from reviews.services.calendar import calendar_token_rotate
from tests.factories import HeadFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "광양-항만-물류-2026!"


def sign_in(username, password=PASSWORD, ip="10.0.0.1", client=None):
    client = client or Client(REMOTE_ADDR=ip)
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )
    return client, response


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_stranger_locks_out_only_their_own_address():
    """Five wrong passwords from one address lock that address, not the owner's."""
    head = HeadFactory()
    for _ in range(5):
        sign_in(head.username, "wrong-password", ip="203.0.113.9")
    stranger, response = sign_in(head.username, PASSWORD, ip="203.0.113.9")
    assert not signed_in(stranger)  # locked there, even with the right password

    owner, response = sign_in(head.username, PASSWORD, ip="10.0.0.1")
    assert response.status_code == 302 and signed_in(owner)


def test_many_addresses_slow_a_username_but_do_not_lock_it():
    """After 20 failures from 20 addresses, one try a minute: refused with the wait in
    Korean (and not counted), then the owner gets in a minute later."""
    head = HeadFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for n in range(20):
            sign_in(head.username, "wrong-password", ip=f"198.51.100.{n + 1}")
        failures = sum(a.failures_since_start for a in AccessAttempt.objects.all())
        assert failures == 20

        clock.shift(datetime.timedelta(seconds=5))
        owner, response = sign_in(head.username, PASSWORD, ip="10.0.0.1")
        assert not signed_in(owner)
        assert "55초 뒤에 다시 시도해 주세요" in response.content.decode()
        assert sum(a.failures_since_start for a in AccessAttempt.objects.all()) == failures

        clock.shift(datetime.timedelta(seconds=56))
        owner, response = sign_in(head.username, PASSWORD, ip="10.0.0.1")
        assert response.status_code == 302 and signed_in(owner)


def test_planning_staff_unlock_an_address_lock_and_others_cannot(planner):
    head = HeadFactory()
    for _ in range(5):
        sign_in(head.username, "wrong-password", ip="10.0.0.7")
    other = Client()
    other.force_login(UserFactory(role=Role.VIEWER))
    assert other.post(reverse("accounts:user_unlock", args=[head.pk])).status_code == 403

    staff = Client()
    staff.force_login(planner)
    staff.post(reverse("accounts:user_unlock", args=[head.pk]))

    client, _response = sign_in(head.username, PASSWORD, ip="10.0.0.7")
    assert signed_in(client)


def test_a_user_changes_their_own_password_and_the_access_log_records_it():
    head = HeadFactory()
    client = Client()
    client.force_login(head)
    url = reverse("accounts:password_change")

    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "1234", "new_password2": "1234"}
    )
    assert weak.status_code == 200 and "비밀번호" in weak.content.decode()
    response = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    head.refresh_from_db()
    assert head.check_password(NEW_PASSWORD)
    assert signed_in(client)  # this session stays signed in
    assert AccessLog.objects.filter(event=AccessEvent.PASSWORD_CHANGED, user=head).count() == 1


def test_a_password_set_by_planning_staff_must_be_changed_at_the_next_sign_in(planner):
    """Reset by planning staff: every page leads to the change form until it is changed."""
    head = HeadFactory()
    user_set_password(user=head, password=NEW_PASSWORD, by=planner)
    head.refresh_from_db()
    assert head.must_change_password

    client, _response = sign_in(head.username, NEW_PASSWORD)
    change = reverse("accounts:password_change")
    assert client.get("/proposals/")["Location"] == change
    assert client.get(reverse("dashboard:index"))["Location"] == change
    assert client.get(change).status_code == 200

    client.post(
        change,
        {
            "old_password": NEW_PASSWORD,
            "new_password1": "새-비밀번호-나만-앎",
            "new_password2": "새-비밀번호-나만-앎",
        },
    )
    head.refresh_from_db()
    assert not head.must_change_password
    assert client.get("/proposals/").status_code == 200


def test_an_account_created_by_planning_staff_must_change_its_password(planner):
    user = user_create(
        username="new.official", password=NEW_PASSWORD, role=Role.VIEWER, created_by=planner
    )
    assert user.must_change_password


def test_a_new_password_renews_the_calendar_token():
    """Reset by planning staff or changed by the owner: the old feed address stops working."""
    head = HeadFactory()
    planner = UserFactory(role=Role.PLANNING)
    first = calendar_token_rotate(user=head).token
    old_url = reverse("reviews:calendar_feed", args=[first])
    assert Client().get(old_url).status_code == 200

    user_set_password(user=head, password=NEW_PASSWORD, by=planner)
    head.calendar_feed_token.refresh_from_db()
    second = head.calendar_feed_token.token
    assert second != first
    assert Client().get(old_url).status_code == 404

    client = Client()
    client.force_login(head)
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": NEW_PASSWORD,
            "new_password1": "또-다른-비밀번호-77",
            "new_password2": "또-다른-비밀번호-77",
        },
    )
    head.calendar_feed_token.refresh_from_db()
    assert head.calendar_feed_token.token not in (first, second)


def test_gunicorn_access_log_atoms_never_hold_the_calendar_token():
    """The compose file's gunicorn logger class redacts the token in request line, path and
    referrer; other paths are unchanged."""
    token = "AbC123-secret_token"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/reviews/calendar/{token}.ics?x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": f"/reviews/calendar/{token}.ics",
        "QUERY_STRING": "x=1",
        "HTTP_REFERER": f"https://portfolio.example.kr/reviews/calendar/{token}.ics",
        "REMOTE_ADDR": "10.0.0.1",
    }
    response = types.SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = types.SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    logger = RedactingLogger.__new__(RedactingLogger)
    logger.cfg = types.SimpleNamespace(access_log_format="", is_ssl=False)

    atoms = logger.atoms(response, request, environ, datetime.timedelta(seconds=1))

    assert token not in repr(atoms)
    assert atoms["r"] == "GET /reviews/calendar/[redacted].ics?x=1 HTTP/1.1"
    assert redact("/reviews/calendar/new-token/") == "/reviews/calendar/new-token/"
    assert redact("/proposals/12/") == "/proposals/12/"
