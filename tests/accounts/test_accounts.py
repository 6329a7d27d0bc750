"""Accounts: creation by planning staff, password rules, lock-out, idle sessions, access log."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent, AccessLog, Role, User
from accounts.services import access_log_record, user_assign, user_create
from tests.factories import DepartmentFactory, HeadFactory, UserFactory

PASSWORD = "correct-horse-battery"
pytestmark = pytest.mark.django_db


def _login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


# --- user_create / user_assign ------------------------------------------------------------


def test_user_create_rejects_a_password_shorter_than_ten_characters():
    """A 9-character password is refused with a Korean message on the password field."""
    with pytest.raises(ValidationError) as caught:
        user_create(username="kim", password="abc12345!", role=Role.VIEWER)
    assert "password" in caught.value.message_dict
    assert any("10" in m for m in caught.value.message_dict["password"])
    assert not User.objects.filter(username="kim").exists()


def test_user_create_rejects_common_and_numeric_passwords():
    """Django's validators apply: an all-digit password is refused."""
    with pytest.raises(ValidationError) as caught:
        user_create(username="lee", password="1234567890123", role=Role.VIEWER)
    assert "password" in caught.value.message_dict


def test_user_create_makes_a_head_the_head_of_a_headless_department():
    """A new head can sign in and becomes the head of record of a department without one."""
    department = DepartmentFactory()
    user = user_create(
        username="park",
        password="gwangyang-Port-2024",
        role=Role.DEPARTMENT_HEAD,
        department=department,
        first_name="박부서장",
    )
    department.refresh_from_db()
    assert department.head == user
    assert user.check_password("gwangyang-Port-2024")


def test_user_create_refuses_a_head_without_a_department():
    """A department head needs a department; the error sits on that field."""
    with pytest.raises(ValidationError) as caught:
        user_create(username="choi", password="gwangyang-Port-2024", role=Role.DEPARTMENT_HEAD)
    assert "department" in caught.value.message_dict


def test_user_assign_changes_role_and_department():
    """Planning can move an account to another department as its head."""
    user = UserFactory()
    department = DepartmentFactory()
    user_assign(user=user, role=Role.DEPARTMENT_HEAD, department=department)
    user.refresh_from_db()
    assert (user.role, user.department) == (Role.DEPARTMENT_HEAD, department)


# --- account pages ---------------------------------------------------------------------------


def test_planning_creates_a_head_account_through_the_page(client):
    """Planning staff create an account and assign its department and role in a page."""
    client.force_login(UserFactory(role=Role.PLANNING))
    department = DepartmentFactory()
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "jung",
            "first_name": "정부서장",
            "role": Role.DEPARTMENT_HEAD,
            "department": department.pk,
            "password1": "gwangyang-Port-2024",
            "password2": "gwangyang-Port-2024",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="jung")
    assert (user.role, user.department) == (Role.DEPARTMENT_HEAD, department)


def test_account_page_shows_password_errors_next_to_the_field(client):
    """A short password comes back with a Korean error beside the password field; no account."""
    client.force_login(UserFactory(role=Role.PLANNING))
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "han",
            "first_name": "한",
            "role": Role.VIEWER,
            "password1": "short1!",
            "password2": "short1!",
        },
    )
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert "비밀번호는 너무 짧습니다" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.filter(username="han").exists()


# --- lock-out by username (django-axes) ------------------------------------------------------


def test_five_failures_lock_the_username_with_a_korean_page(client):
    """After 5 wrong passwords the account is locked, even for the right password."""
    head = HeadFactory()
    responses = [_login(client, head.username, "wrong-password-x") for _ in range(5)]
    assert responses[3].status_code == 200  # still the login form with an error
    assert responses[4].status_code == 429
    assert "로그인이 잠시 잠겼습니다" in responses[4].content.decode()
    locked = _login(client, head.username)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessLog.objects.filter(event=AccessEvent.LOCKED_OUT, username=head.username).exists()


def test_lock_out_is_by_username_not_by_address(client):
    """Another official behind the same NAT address can still sign in."""
    victim, colleague = HeadFactory(), HeadFactory()
    for _ in range(5):
        _login(client, victim.username, "wrong-password-x")
    response = _login(client, colleague.username)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


# --- idle sessions -------------------------------------------------------------------------


def test_session_ends_after_the_configured_idle_time(client, settings):
    """With no request for longer than SESSION_COOKIE_AGE, the next request must log in."""
    settings.SESSION_COOKIE_AGE = 600
    head = HeadFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, head.username)
        assert client.get(reverse("projects:proposal_list")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(seconds=601), tick=False):
        response = client.get(reverse("projects:proposal_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_activity_keeps_the_session_alive(client, settings):
    """A request within the idle window pushes the expiry forward."""
    settings.SESSION_COOKIE_AGE = 600
    head = HeadFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, head.username)
    with time_machine.travel(start + datetime.timedelta(seconds=400), tick=False):
        assert client.get(reverse("projects:proposal_list")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(seconds=900), tick=False):
        assert client.get(reverse("projects:proposal_list")).status_code == 200


# --- access log ------------------------------------------------------------------------------


def test_login_failed_login_and_logout_are_logged_with_time_user_and_address(client):
    """Each sign-in event leaves a row with time, user and IP address."""
    head = HeadFactory()
    before = timezone.now()
    _login(client, head.username, "wrong-password-x")
    _login(client, head.username)
    client.post(reverse("accounts:logout"))
    rows = list(AccessLog.objects.order_by("at", "id"))
    assert [r.event for r in rows] == [
        AccessEvent.LOGIN_FAILED,
        AccessEvent.LOGIN,
        AccessEvent.LOGOUT,
    ]
    assert all(r.username == head.username for r in rows)
    assert all(r.ip_address == "127.0.0.1" for r in rows)
    assert all(r.at >= before for r in rows)
    assert rows[0].user is None and rows[1].user == head and rows[2].user == head


def test_a_permission_denial_is_logged_with_user_path_and_address(client):
    """A head opening another department's status form gets 403 and a 'denied' row."""
    from tests.factories import ProposalFactory

    head = HeadFactory()
    foreign = ProposalFactory()
    client.force_login(head)
    url = reverse("projects:proposal_update_status", args=[foreign.pk])
    assert client.get(url).status_code == 403
    row = AccessLog.objects.get(event=AccessEvent.DENIED)
    assert (row.user, row.path, row.ip_address) == (head, url, "127.0.0.1")


# --- retention -------------------------------------------------------------------------------


def _log_at(days_ago: int) -> AccessLog:
    return AccessLog.objects.create(
        event=AccessEvent.LOGIN,
        username="old",
        at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_prune_access_log_keeps_every_row_younger_than_a_year():
    """Pruning at 365 days deletes only rows older than that."""
    old, recent = _log_at(400), _log_at(300)
    call_command("prune_access_log", "--days", "365")
    assert not AccessLog.objects.filter(pk=old.pk).exists()
    assert AccessLog.objects.filter(pk=recent.pk).exists()


def test_prune_access_log_refuses_less_than_a_year():
    """Asking to keep fewer than 365 days is refused and deletes nothing."""
    row = _log_at(200)
    with pytest.raises(CommandError):
        call_command("prune_access_log", "--days", "100")
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_planning_staff_cannot_change_their_own_or_a_superusers_account(client):
    """Planning staff cannot lock themselves or an administrator out: 403, nothing changes."""
    planner = UserFactory(role=Role.PLANNING)
    admin = UserFactory(role=Role.VIEWER, is_superuser=True, is_staff=True)
    client.force_login(planner)
    for account in (planner, admin):
        url = reverse("accounts:user_assign", args=[account.pk])
        assert client.get(url).status_code == 403
        response = client.post(url, {"role": Role.VIEWER, "is_active": ""})
        assert response.status_code == 403
        account.refresh_from_db()
        assert account.is_active
    planner.refresh_from_db()
    assert planner.role == Role.PLANNING


@pytest.mark.parametrize(("behind_proxy", "expected"), [(False, "10.0.0.5"), (True, "203.0.113.9")])
def test_access_log_trusts_forwarded_addresses_only_behind_a_proxy(
    rf, settings, behind_proxy, expected
):
    """A client cannot fake its address unless a declared proxy set the header."""
    settings.BEHIND_PROXY = behind_proxy
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    entry = access_log_record(event=AccessEvent.LOGIN_FAILED, request=request, username="x")
    assert entry.ip_address == expected
