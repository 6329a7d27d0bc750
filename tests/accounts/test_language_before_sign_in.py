"""A visitor chooses the language on the sign-in page; the choice survives signing in."""

import pytest

from tests.browser.conftest import PASSWORD
from tests.factories import HeadFactory

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_can_switch_the_language(client):
    """The language switch answers before sign-in and sets the language cookie."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert response.cookies["django_language"].value == "en"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page


def test_the_language_chosen_before_sign_in_is_kept_after_it(client):
    """Given English chosen on the login page, when the head signs in, the dashboard is English."""
    head = HeadFactory()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    response = client.post(
        "/accounts/login/", {"username": head.username, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user == head
    assert '<html lang="en">' in response.content.decode()


def test_a_next_pointing_at_the_language_switch_is_dropped(client):
    """An old ?next=/i18n/setlang/ link lands on the dashboard, not in a redirect loop."""
    head = HeadFactory()
    response = client.post(
        "/accounts/login/?next=/i18n/setlang/",
        {"username": head.username, "password": PASSWORD, "next": "/i18n/setlang/"},
    )
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/accounts/login/?next=/i18n/setlang/").url == "/"
