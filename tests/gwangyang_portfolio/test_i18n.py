"""Korean first, English through Django's i18n."""

import pytest
from django.conf import settings

from tests.factories import HeadFactory

pytestmark = pytest.mark.django_db


def test_korean_is_the_default_language(client):
    head = HeadFactory()
    client.force_login(head)
    page = client.get("/proposals/")
    assert settings.LANGUAGE_CODE == "ko" and settings.TIME_ZONE == "Asia/Seoul"
    assert '<html lang="ko">' in page.content.decode()
    assert "사업 목록" in page.content.decode()


def test_a_user_can_switch_to_english(client):
    head = HeadFactory()
    client.force_login(head)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/proposals/"})
    assert response.status_code == 302
    page = client.get("/proposals/").content.decode()
    assert '<html lang="en">' in page
    assert "Proposals" in page
    assert "사업 목록" not in page


def test_the_language_menu_names_each_language_in_itself(client):
    """A reader finds their own language whatever the page's language is."""
    from django.utils import translation

    from tests.factories import UserFactory

    client.force_login(UserFactory())
    for language in ("ko", "en"):
        with translation.override(language):
            client.cookies["django_language"] = language
            page = client.get("/proposals/").content.decode()
        menu = page.split('id="language-select"', 1)[1].split("</select>", 1)[0]
        assert ">한국어<" in menu and ">English<" in menu, language
