"""A second portfolio (민선8기 공약) with its own proposals, meeting and follow-ups changes none of
the first portfolio's figures, pages or exports; the header's switcher chooses and remembers."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role, User
from projects.models import Portfolio, ProposalStatus
from reviews.models import MeetingState

from ..factories import (
    ActionFactory,
    MeetingFactory,
    PillarFactory,
    PortfolioFactory,
    ProposalFactory,
    UserFactory,
)
from ..pdf_text import pdf_text
from .dashboard_data import known_portfolio
from .test_dashboard_figures import build

# These tests read the context of pages they load more than once.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]
URL = reverse("dashboard:index")


def second_portfolio(known) -> Portfolio:
    """민선8기 공약 (a newer year, so the default for anyone who chose nothing): three proposals
    (one done), a meeting held yesterday with an overdue follow-up for the first's department
    A, and one proposal led by department A."""
    today = timezone.localdate()
    pledges = PortfolioFactory(code="pledges", name="민선8기 공약", year=known.today.year + 1)
    pillar = PillarFactory(portfolio=pledges, name="공약 전략")
    dept_a, _dept_b = known.departments
    done = ProposalFactory(
        portfolio=pledges,
        pillar=pillar,
        lead_department=dept_a,
        status=ProposalStatus.DONE,
        progress=100,
        title="공약 완료",
    )
    ProposalFactory(portfolio=pledges, pillar=pillar, lead_department=dept_a, title="공약 둘")
    ProposalFactory(portfolio=pledges, pillar=pillar, title="공약 셋")
    meeting = MeetingFactory(
        portfolio=pledges, held_on=today - datetime.timedelta(days=1), state=MeetingState.HELD
    )
    MeetingFactory(portfolio=pledges, held_on=today + datetime.timedelta(days=2))
    ActionFactory(
        meeting=meeting,
        owner_department=dept_a,
        proposal=done,
        due_date=today - datetime.timedelta(days=1),
        description="공약 후속조치",
    )
    return pledges


def _snapshot(d):
    return {
        "figures": [(f.key, f.value, f.base) for f in d.figures],
        "since": (d.since, d.since_meeting and d.since_meeting.pk),
        "next": d.next_meeting and d.next_meeting.pk,
        "status": d.status_counts,
        "pillars": [(p and p.pk, cells, total) for p, cells, total in d.pillars],
        "measures": [
            (r.pillar and r.pillar.pk, r.measures.implementation_rate) for r in d.pillar_measures
        ],
        "changes": [c.id for c in d.changed + d.new_proposals],
        "departments": [(r.department, r.open, r.overdue, r.total) for r in d.departments],
        "upcoming": [a.pk for a in d.upcoming],
        "loaded": d.loaded_total,
    }


def _xlsx_rows(content):
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _downloads(client, portfolio):
    """Every export of the dashboard for `portfolio`, as comparable values."""
    q = {"portfolio": portfolio.pk}
    return {
        "briefing": _xlsx_rows(client.get(reverse("dashboard:briefing_xlsx"), q).content),
        "proposals": _xlsx_rows(client.get(reverse("dashboard:proposals_xlsx"), q).content),
        "actions": _xlsx_rows(client.get(reverse("dashboard:actions_xlsx"), q).content),
        "pdf": pdf_text(client.get(reverse("dashboard:briefing_pdf"), q).content),
    }


def test_a_second_portfolio_changes_none_of_the_first_figures():
    """Every figure, list and table of the first portfolio is the same before and after."""
    known = known_portfolio()
    first = known.last_meeting.portfolio
    before = _snapshot(build(portfolio=first))
    pledges = second_portfolio(known)
    assert _snapshot(build(portfolio=first)) == before
    other = build(portfolio=pledges)
    assert other.total == 3 and other.since_meeting.portfolio_id == pledges.pk


def test_a_second_portfolio_changes_none_of_the_first_exports(client):
    """The briefing XLSX and PDF, the proposal and follow-up workbooks are unchanged."""
    known = known_portfolio()
    first = known.last_meeting.portfolio
    client.force_login(UserFactory(role=Role.DEPUTY_MAYOR))
    before = _downloads(client, first)
    pledges = second_portfolio(known)
    after = _downloads(client, first)
    assert after == before
    assert "공약" not in str(after)
    # The second portfolio's own exports hold its rows only.
    theirs = _downloads(client, pledges)
    assert sorted(r[1] for r in theirs["proposals"][1:]) == ["공약 둘", "공약 셋", "공약 완료"]
    assert "민선8기 공약" in theirs["pdf"]


def test_pages_of_the_first_portfolio_show_only_its_rows(client):
    """Dashboard, proposal list, meeting list and 내 부서 of the first hold none of the second."""
    known = known_portfolio()
    first = known.last_meeting.portfolio
    second_portfolio(known)
    client.force_login(known.head)
    q = {"portfolio": first.pk}
    listed = client.get(reverse("projects:proposal_list"), q).context["object_list"]
    assert sorted(p.title for p in listed) == ["넷", "둘", "셋", "하나"]
    meetings = client.get(reverse("reviews:meeting_list"), q).context["object_list"]
    assert {m.portfolio_id for m in meetings} == {first.pk}
    mine = client.get(reverse("dashboard:my_department"), q).context
    assert sorted(p.title for p in mine["proposal_page"]) == ["셋", "하나"]
    assert all(a.meeting.portfolio_id == first.pk for a in mine["action_page"])
    deputy = UserFactory(role=Role.DEPUTY_MAYOR)
    client.force_login(deputy)
    html = client.get(URL, q).content.decode()
    for title in ("공약 완료", "공약 둘", "공약 셋", "공약 후속조치"):
        assert title not in html
    assert ">하나</a>" in html


def test_the_switcher_chooses_remembers_and_defaults_to_the_newest(client):
    """Only with two portfolios is there a switcher; ?portfolio= wins and is remembered."""
    known = known_portfolio()
    first = known.last_meeting.portfolio
    deputy = UserFactory(role=Role.DEPUTY_MAYOR)
    client.force_login(deputy)
    assert 'id="portfolio-select"' not in client.get(URL).content.decode()
    pledges = second_portfolio(known)
    # No choice yet: the newest portfolio (민선8기 공약).
    response = client.get(URL)
    html = response.content.decode()
    assert 'id="portfolio-select"' in html
    assert f'<option value="{pledges.pk}" selected>' in html
    assert User.objects.get(pk=deputy.pk).current_portfolio_id is None
    # Choosing the first (the switcher's GET form) shows it and remembers it.
    html = client.get(URL, {"portfolio": first.pk}).content.decode()
    assert f'<option value="{first.pk}" selected>' in html
    assert User.objects.get(pk=deputy.pk).current_portfolio_id == first.pk
    # Without the parameter, the remembered choice is used on every scoped page.
    html = client.get(URL).content.decode()
    assert f'<option value="{first.pk}" selected>' in html
    assert f"?portfolio={first.pk}" in html  # downloads and links carry it
    listed = client.get(reverse("projects:proposal_list")).context["object_list"]
    assert {p.portfolio_id for p in listed} == {first.pk}
    # An unknown portfolio in the URL falls back to the remembered one and is not saved.
    html = client.get(URL, {"portfolio": 999999}).content.decode()
    assert f'<option value="{first.pk}" selected>' in html
    assert User.objects.get(pk=deputy.pk).current_portfolio_id == first.pk


def test_the_cache_keeps_portfolios_apart(client):
    """Two portfolios' dashboards are cached under different keys: each shows its own."""
    known = known_portfolio()
    first = known.last_meeting.portfolio
    pledges = second_portfolio(known)
    client.force_login(UserFactory(role=Role.DEPUTY_MAYOR))
    for _ in range(2):  # the second round is served from the cache
        mine = client.get(URL, {"portfolio": first.pk}).content.decode()
        theirs = client.get(URL, {"portfolio": pledges.pk}).content.decode()
        assert ">하나</a>" in mine and ">공약 둘</a>" not in mine
        assert ">공약 둘</a>" in theirs and ">하나</a>" not in theirs
