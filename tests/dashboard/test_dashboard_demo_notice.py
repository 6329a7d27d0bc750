"""Demo rows are never passed off as the city's: the dashboard and the briefing say how many
of their proposals are demo (invented) data, and say nothing when none are."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from projects.models import DataSource, Proposal
from tests.dashboard.dashboard_data import known_portfolio
from tests.factories import UserFactory
from tests.pdf_text import pdf_author, pdf_text

pytestmark = pytest.mark.django_db
PAGE_NOTICE = "이 화면의 사업 4건 중 1건은 데모(가상) 자료입니다."
BRIEFING_NOTICE = "이 브리핑의 사업 4건 중 1건은 데모(가상) 자료입니다."
DEMO_AUTHOR = "광양시 포트폴리오 (데모 자료 포함)"


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory(role=Role.DEPUTY_MAYOR))
    return client


def _with_one_demo_row():
    known = known_portfolio()
    demo = known.proposals[3]
    Proposal.objects.filter(pk=demo.pk).update(
        data_source=DataSource.DEMO, title=f"[데모] {demo.title}"
    )
    return known


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _cells(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    return [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]


def test_dashboard_says_how_many_proposals_are_demo(signed_in):
    """With a demo row in scope, the page says '4건 중 1건은 데모(가상) 자료'."""
    _with_one_demo_row()
    html = signed_in.get(reverse("dashboard:index")).content.decode()
    assert PAGE_NOTICE in " ".join(html.split())
    assert 'class="demo-notice" role="note"' in html


def test_dashboard_filtered_to_real_rows_has_no_notice(signed_in):
    """The notice counts only the proposals in scope: a pillar without demo rows shows none."""
    known = _with_one_demo_row()
    html = signed_in.get(
        reverse("dashboard:index"), {"pillar": known.pillars[0].pk}
    ).content.decode()
    assert "데모(가상) 자료입니다" not in html


def test_dashboard_without_demo_rows_has_no_notice(signed_in):
    """A portfolio of real rows only carries no demo notice."""
    known_portfolio()
    html = signed_in.get(reverse("dashboard:index")).content.decode()
    assert "데모(가상) 자료입니다" not in html and "demo-notice" not in html


def test_pdf_briefing_states_the_demo_share_and_author(signed_in):
    """The PDF briefing shows the notice on the page and names the author as including demo."""
    _with_one_demo_row()
    pdf = signed_in.get(reverse("dashboard:briefing_pdf")).content
    assert _squeeze(BRIEFING_NOTICE) in _squeeze(pdf_text(pdf))
    assert pdf_author(pdf) == DEMO_AUTHOR


def test_pdf_briefing_of_real_rows_has_no_notice(signed_in):
    """Without demo rows the PDF carries no notice and its author is the city."""
    known_portfolio()
    pdf = signed_in.get(reverse("dashboard:briefing_pdf")).content
    text = pdf_text(pdf)
    assert "점검브리핑" in _squeeze(text)  # the reader works: the title is found
    assert "데모" not in text
    assert pdf_author(pdf) == "광양시"


def test_xlsx_briefing_states_the_demo_share_and_author(signed_in):
    """The XLSX briefing has the notice in a cell and the demo author in its properties."""
    _with_one_demo_row()
    content = signed_in.get(reverse("dashboard:briefing_xlsx")).content
    assert BRIEFING_NOTICE in _cells(content)
    assert load_workbook(io.BytesIO(content)).properties.creator == DEMO_AUTHOR


def test_xlsx_briefing_of_real_rows_has_no_notice(signed_in):
    """Without demo rows no cell mentions demo data."""
    known_portfolio()
    content = signed_in.get(reverse("dashboard:briefing_xlsx")).content
    assert not [cell for cell in _cells(content) if "데모" in cell]
    assert load_workbook(io.BytesIO(content)).properties.creator == "광양시"
