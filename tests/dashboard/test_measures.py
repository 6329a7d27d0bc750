"""이행률, 완료율 and 평균 진척률 are computed from statuses and progress, per pillar too; every
rate names its denominator, and a portfolio with fewer proposals loaded than its source states
says so ("35개 중 9개 등록")."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from projects.models import ProposalStatus

from ..factories import PillarFactory, PortfolioFactory, ProposalFactory, UserFactory
from ..pdf_text import pdf_text
from .dashboard_data import known_portfolio
from .test_dashboard_figures import build, figures

pytestmark = pytest.mark.django_db
URL = reverse("dashboard:index")


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory(role=Role.DEPUTY_MAYOR))
    return client


def _one_of_each_status():
    """Seven proposals, one per status, progress 10, 20, … 70 (완료 gets 100)."""
    portfolio = PortfolioFactory()
    pillar = PillarFactory(portfolio=portfolio)
    for i, status in enumerate(ProposalStatus):
        progress = 100 if status == ProposalStatus.DONE else 10 * (i + 1)
        ProposalFactory(portfolio=portfolio, pillar=pillar, status=status, progress=progress)
    return portfolio


def test_implementation_rate_counts_done_on_track_and_done_continuing():
    """이행률 = (완료 + 정상추진 + 이행후계속추진) ÷ 전체 = 3/7; 완료율 = (완료 + 이행후계속추진)
    ÷ 전체 = 2/7; 평균 진척률 = the sum of progress ÷ 7."""
    portfolio = _one_of_each_status()
    d = build(portfolio=portfolio)
    values = {key: value for key, (value, _base, _delta) in figures(d).items()}
    assert values["total"] == 7
    assert values["implementation_rate"] == 42.9
    assert values["done_rate"] == 28.6
    assert values["on_track_rate"] == 14.3
    # Progress: reviewing 10, on_track 20, partial 30, on_hold 40, dropped 50, done 100,
    # done_continuing 70 → 320 / 7.
    assert values["avg_progress"] == 45.7
    assert d.measures.implemented == 3 and d.measures.done == 2


def test_measures_per_pillar_on_the_known_portfolio():
    """Pillar one (partial 50, done 100) and pillar two (on_track 20, reviewing 0)."""
    known = known_portfolio()
    d = build()
    rows = {
        row.pillar.pk: (
            row.measures.total,
            row.measures.implementation_rate,
            row.measures.done_rate,
            row.measures.avg_progress,
        )
        for row in d.pillar_measures
    }
    one, two = known.pillars
    assert rows == {one.pk: (2, 50.0, 50.0, 75.0), two.pk: (2, 50.0, 0.0, 10.0)}
    assert (d.measures.implementation_rate, d.measures.done_rate) == (50.0, 25.0)


def test_page_states_the_formula_and_the_per_pillar_rates(signed_in):
    """The page shows 이행률 beside 완료율, its formula, and the per-pillar table."""
    known = known_portfolio()
    html = signed_in.get(URL).content.decode()
    assert "이행률 = (완료 + 정상추진 + 이행후계속추진) ÷ 등록된 사업 수 × 100" in html
    table = html[html.index('id="h-pillar-measures"') :]
    table = table[: table.index("</section>")]
    one = known.pillars[0]
    row = table[table.index(f"{one.number}. {one.name}") :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r'<td[^>]*class="num">([^<]*)<', row)
    assert cells == [
        "2",
        "50.0%",
        "50.0%",
        "75.0%",
    ]
    assert "등록된 4건 기준" in html


def test_fewer_loaded_than_stated_is_said_plainly(signed_in):
    """With 9 of a stated 35 loaded, the page says "35개 중 9개 등록" and each rate's basis."""
    portfolio = PortfolioFactory()
    portfolio.stated_total = 35
    portfolio.save()
    pillar = PillarFactory(portfolio=portfolio)
    for _ in range(9):
        ProposalFactory(portfolio=portfolio, pillar=pillar)
    html = signed_in.get(URL).content.decode()
    assert "35개 중 9개 등록" in html
    assert html.count("등록된 9건 기준") == 4  # 이행률, 완료율, 정상추진 비율, 평균 진척률
    assert "출처상 전체 35개가 아님" in html
    # The notice counts the portfolio's proposals, whatever the filters narrow the rates to.
    html = signed_in.get(URL, {"status": "on_track"}).content.decode()
    assert "35개 중 9개 등록" in html
    # The briefing says it too.
    xlsx = signed_in.get(reverse("dashboard:briefing_xlsx")).content
    text = " ".join(
        str(c)
        for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True)
        for c in row
        if c
    )
    assert "35개 중 9개 등록" in text and "등록된 9건 기준" in text
    assert "35개 중 9개 등록" in pdf_text(signed_in.get(reverse("dashboard:briefing_pdf")).content)


def test_no_notice_once_every_stated_proposal_is_loaded(signed_in):
    """A portfolio with its stated total loaded (or none stated) shows no coverage notice."""
    portfolio = PortfolioFactory()
    portfolio.stated_total = 2
    portfolio.save()
    ProposalFactory.create_batch(2, portfolio=portfolio)
    assert "개 등록" not in signed_in.get(URL).content.decode()


def test_no_rate_over_no_proposal(signed_in):
    """An empty portfolio shows "–" for every rate, never 0% or an error."""
    portfolio = PortfolioFactory()
    PillarFactory(portfolio=portfolio)
    d = build(portfolio=portfolio)
    values = {key: value for key, (value, _b, _d) in figures(d).items()}
    assert values["total"] == 0
    for key in ("implementation_rate", "done_rate", "on_track_rate", "avg_progress"):
        assert values[key] is None
    assert [r.measures.implementation_rate for r in d.pillar_measures] == [None]
    response = signed_in.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "등록된 사업이 없어 계산할 수 없습니다" in html
    assert "0.0%" not in html[html.index('id="h-figures"') : html.index('id="h-status"')]
    xlsx = load_workbook(io.BytesIO(signed_in.get(reverse("dashboard:briefing_xlsx")).content))
    rows = [r[:2] for r in xlsx.active.iter_rows(values_only=True)]
    assert ("이행률", "–") in rows and ("완료율", "–") in rows


def test_briefing_holds_the_measures_per_pillar(signed_in):
    """The briefing workbook has 이행률 beside 완료율 and a per-pillar table."""
    known = known_portfolio()
    xlsx = load_workbook(io.BytesIO(signed_in.get(reverse("dashboard:briefing_xlsx")).content))
    rows = [list(r) for r in xlsx.active.iter_rows(values_only=True)]
    assert ["이행률", "50.0%", "66.7%", "-16.7%p"] in [r[:4] for r in rows]
    one = known.pillars[0]
    assert [f"{one.number}. {one.name}", 2, "50.0%", "50.0%", "75.0%"] in [r[:5] for r in rows]
