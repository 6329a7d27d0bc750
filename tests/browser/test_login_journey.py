"""A person signs in through real Chromium and sees the portfolio."""

import pytest

from tests.factories import HeadFactory, ProposalFactory

from .conftest import PASSWORD, assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_visitor_sees_only_the_login_page(page, live_server):
    page.goto(f"{live_server.url}/proposals/")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("heading", name="로그인").is_visible()
    assert_accessible(page)


def test_head_logs_in_and_sees_the_proposals(page, live_server):
    head = HeadFactory()
    ProposalFactory(title="그린수소 생산기지 구축", lead_department=head.department)
    login(page, live_server, head)
    page.goto(f"{live_server.url}/proposals/")
    assert page.get_by_role("link", name="그린수소 생산기지 구축").is_visible()
    assert_accessible(page)


def test_wrong_password_shows_a_korean_message(page, live_server):
    head = HeadFactory()
    login(page, live_server, head, password="wrong-password-123")
    assert page.get_by_role("alert").is_visible()
    assert "/accounts/login/" in page.url


def test_switching_to_english_before_signing_in_keeps_english(page, live_server):
    """Log out → choose English → sign in: the head's page is in English, with no redirect loop."""
    head = HeadFactory()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("언어").select_option("en")
    page.get_by_role("button", name="변경").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url and "setlang" not in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Username").fill(head.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url and "setlang" not in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Log out").is_visible()
