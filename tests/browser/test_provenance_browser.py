"""The detail page's source marks, read in real Chromium: accessible, and on a phone."""

import pytest
from django.core.management import call_command

from accounts.models import Role
from projects.models import Proposal
from tests.factories import UserFactory

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_source_marks_are_text_and_pass_axe(page, live_server):
    """A seeded proposal whose title shortens the article shows the phrase, in text."""
    call_command("seed", verbosity=0)
    deputy = UserFactory(role=Role.DEPUTY_MAYOR, first_name="부시장")
    login(page, live_server, deputy)
    proposal = Proposal.objects.get(management_no="기사-08")
    page.goto(f"{live_server.url}{proposal.get_absolute_url()}")
    body = page.locator("main").inner_text()
    assert "기사 표현 축약 2023-07-26" in body
    assert "정부 연구기관을 유치하고" in body
    assert "기사에 기록 없음" in body
    footer = page.locator("footer").inner_text()
    assert "광주일보 2023-07-26 기사" in footer and "아직 가져오지 않았습니다" in footer
    assert_accessible(page)
