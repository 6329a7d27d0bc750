"""Briefing downloads: XLSX opens with openpyxl and holds the figures; the PDF is one A4 page."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from tests.dashboard.dashboard_data import known_portfolio
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory(role=Role.PLANNING))
    return client


def _sheet_values(content):
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    return workbook, [[c for c in row] for row in sheet.iter_rows(values_only=True)]


def test_briefing_xlsx_holds_the_headline_figures(signed_in):
    """The one-page workbook lists 완료율 and the others with now, then and the change."""
    known_portfolio()
    response = signed_in.get(reverse("dashboard:briefing_xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="briefing-')
    workbook, rows = _sheet_values(response.content)
    assert ["완료율", "25.0%", "33.3%", "-8.3%p"] in [r[:4] for r in rows]
    assert ["평균 진척률", "42.5%", "46.7%", "-4.2%p"] in [r[:4] for r in rows]
    assert ["진행 중 후속조치", "3", "3", "0"] in [r[:4] for r in rows]
    sheet = workbook.worksheets[0]
    assert sheet.page_setup.fitToHeight == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage


def test_briefing_pdf_is_a_single_page(signed_in):
    """The PDF starts with %PDF and has exactly one page, even with long tables."""
    known_portfolio()
    response = signed_in.get(reverse("dashboard:briefing_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page[^s]", response.content)) == 1


def test_proposals_xlsx_follows_the_list_filters(signed_in):
    """The proposal export holds one row per proposal under the list's own filter names."""
    known = known_portfolio()
    response = signed_in.get(reverse("dashboard:proposals_xlsx"), {"pillar": known.pillars[0].pk})
    _wb, rows = _sheet_values(response.content)
    assert rows[0][:2] == ["관리번호", "사업명"]
    assert sorted(r[1] for r in rows[1:]) == ["둘", "하나"]


def test_follow_ups_xlsx_marks_overdue_and_follows_the_department_filter(signed_in):
    """The follow-up export holds the chosen department's actions, overdue ones marked."""
    known = known_portfolio()
    dept_a = known.departments[0]
    response = signed_in.get(reverse("dashboard:actions_xlsx"), {"lead_department": dept_a.pk})
    _wb, rows = _sheet_values(response.content)
    body = rows[1:]
    assert len(body) == 2
    assert {r[5] for r in body} == {"가부서"}
    assert sorted(r[8] or "" for r in body) == ["", "예"]


def test_downloads_need_a_login(client):
    """Anonymous requests for any download are sent to the login page."""
    for name in ("briefing_xlsx", "briefing_pdf", "proposals_xlsx", "actions_xlsx"):
        response = client.get(reverse(f"dashboard:{name}"))
        assert response.status_code == 302
