"""The words a new user meets: the sign-in errors, the lock-out rule as configured, the
in-app notification and the chair's name."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from accounts.models import Role
from reviews.forms import MeetingPlanForm
from reviews.services.reminder_messages import PREFIX, Message
from tests.factories import HeadFactory, PortfolioFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_wrong_password_is_told_in_plain_korean(client):
    """Not Django's '올바른 사용자 이름와/과 비밀번호': the field is called 아이디."""
    head = HeadFactory()
    response = client.post(
        "/accounts/login/", {"username": head.username, "password": "wrong-password-123"}
    )
    page = response.content.decode()
    assert "아이디 또는 비밀번호가 올바르지 않습니다." in page
    assert "사용자 이름" not in page


def test_the_login_page_states_the_configured_lock_out(client, settings):
    """The failure limit and the cool-off come from settings, not a hard-coded '30분'."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=45)
    page = client.get("/accounts/login/").content.decode()
    assert "비밀번호를 3회 잘못 입력하면 45분 동안 로그인할 수 없습니다." in page


def test_the_lock_out_page_reads_the_cool_off_and_leads_back(settings):
    """The lock-out page names the configured minutes and links back to the login page."""
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    request = RequestFactory().get("/accounts/login/")
    request.user = AnonymousUser()
    page = render_to_string("accounts/locked_out.html", request=request)
    assert "로그인이 15분 동안 잠겼습니다" in page
    assert "30분" not in page
    assert 'href="/accounts/login/"' in page


def test_a_notification_reads_like_an_app_not_an_email(settings):
    """Short title without the e-mail prefix; the body without the bare address."""
    settings.SITE_URL = "http://127.0.0.1:8000"
    message = Message(
        subject=f"{PREFIX}후속조치 기한 7일 전",
        body="기한이 다가옵니다.\n\nhttp://127.0.0.1:8000/reviews/actions/1/",
        url="/reviews/actions/1/",
    )
    assert message.app_title() == "후속조치 기한 7일 전"
    assert message.app_body() == "기한이 다가옵니다."


def test_the_chair_is_named_once():
    """'부시장(데모)', not '부시장(데모) (부시장)'."""
    UserFactory(role=Role.DEPUTY_MAYOR, first_name="부시장(데모)", last_name="")
    form = MeetingPlanForm(portfolio=PortfolioFactory())
    labels = [label for _value, label in form.fields["chair"].choices]
    assert "부시장(데모)" in labels
    assert not any("(부시장)" in str(label) for label in labels)
