"""Planning staff help an official who forgot a password or locked themselves out."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccessEvent, AccessLog, Role
from tests.factories import HeadFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "광양-항만-물류-2026!"


def _login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.fixture
def planner(planner, client):
    """Planning staff, signed in on `client` (the shared `planner`, logged in)."""
    client.force_login(planner)
    return planner


def test_planning_sets_a_new_password_that_works_and_ends_other_sessions(client, planner):
    head = HeadFactory()
    elsewhere = Client()
    elsewhere.force_login(head)
    url = reverse("accounts:user_password", args=[head.pk])
    assert client.get(reverse("accounts:user_assign", args=[head.pk])).content.decode().count(url)
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    head.refresh_from_db()
    assert head.check_password(NEW_PASSWORD)
    assert elsewhere.get(reverse("projects:proposal_list")).status_code == 302  # signed out
    assert _login(Client(), head.username, NEW_PASSWORD).status_code == 302
    entry = AccessLog.objects.get(event=AccessEvent.PASSWORD_SET)
    assert entry.user == planner and str(head.pk) in entry.path


def test_a_weak_password_is_refused_in_korean_and_nothing_changes(client, planner):
    head = HeadFactory()
    response = client.post(
        reverse("accounts:user_password", args=[head.pk]),
        {"new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "비밀번호" in page and "짧습니다" in page
    head.refresh_from_db()
    assert head.check_password(PASSWORD)
    assert not AccessLog.objects.filter(event=AccessEvent.PASSWORD_SET).exists()


def test_unlock_lets_a_locked_out_official_sign_in_again(client, planner):
    head = HeadFactory()
    stranger = Client()
    for _ in range(5):
        _login(stranger, head.username, "wrong-password-x")
    assert _login(stranger, head.username).status_code == 429
    page = client.get(reverse("accounts:user_assign", args=[head.pk])).content.decode()
    assert re.search(r"최근 로그인 실패 [56]회", page) and "로그인 잠금 해제" in page
    assert "지금 로그인이 잠겨 있습니다" in page
    response = client.post(reverse("accounts:user_unlock", args=[head.pk]), follow=True)
    assert "로그인 잠금을 풀었습니다" in response.content.decode()
    assert _login(Client(), head.username).status_code == 302
    assert AccessLog.objects.filter(event=AccessEvent.UNLOCKED, user=planner).exists()


def test_unlock_is_post_only(client, planner):
    head = HeadFactory()
    assert client.get(reverse("accounts:user_unlock", args=[head.pk])).status_code == 405


@pytest.mark.parametrize("who", ["self", "superuser", "head", "deputy"])
def test_only_planning_staff_and_never_on_themselves_or_a_superuser(client, who):
    planner = UserFactory(role=Role.PLANNING)
    target = HeadFactory()
    actor = planner
    if who == "self":
        target = planner
    elif who == "superuser":
        target = UserFactory(is_superuser=True, is_staff=True)
    elif who == "head":
        actor = HeadFactory()
    else:
        actor = UserFactory(role=Role.DEPUTY_MAYOR)
    client.force_login(actor)
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.get(reverse("accounts:user_password", args=[target.pk])).status_code == 403
    assert client.post(reverse("accounts:user_password", args=[target.pk]), data).status_code == 403
    assert client.post(reverse("accounts:user_unlock", args=[target.pk])).status_code == 403
    target.refresh_from_db()
    assert not target.check_password(NEW_PASSWORD)
