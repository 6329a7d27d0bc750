"""The proposal list's filters, search, sorting and pagination, all kept in the URL."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.filters import ProposalFilterSet
from projects.models import Proposal
from tests.factories import (
    DepartmentFactory,
    PillarFactory,
    PortfolioFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _filter(**params):
    return ProposalFilterSet(params, queryset=Proposal.objects.all()).qs


def test_korean_substring_search_finds_a_longer_word():
    """'수소' finds '그린수소 생산기지' by title and a proposal whose summary mentions it."""
    green = ProposalFactory(title="그린수소 생산기지 구축")
    by_summary = ProposalFactory(title="항만 물류", summary="액화수소 운송 거점")
    ProposalFactory(title="섬진강 관광벨트")
    assert set(_filter(q="수소")) == {green, by_summary}


def test_blank_search_returns_everything():
    """Whitespace in the search box does not filter."""
    ProposalFactory.create_batch(3)
    assert _filter(q="   ").count() == 3


def test_department_filter_matches_lead_or_supporting_department_once():
    """A department sees proposals it leads and those it supports, each once."""
    dept = DepartmentFactory()
    led = ProposalFactory(lead_department=dept)
    supported = ProposalFactory()
    supported.supporting_departments.add(dept, DepartmentFactory())
    ProposalFactory()
    result = list(_filter(department=dept.pk))
    assert sorted(p.pk for p in result) == sorted([led.pk, supported.pk])


def test_status_filter_accepts_several_statuses():
    """Several statuses combine with OR."""
    a = ProposalFactory(status="on_track")
    b = ProposalFactory(status="on_hold")
    ProposalFactory(status="reviewing")
    qs = ProposalFilterSet({"status": ["on_track", "on_hold"]}, queryset=Proposal.objects.all()).qs
    assert set(qs) == {a, b}


def test_pillar_and_confidence_filters():
    """Pillar and confidence narrow the list."""
    pillar = PillarFactory()
    hit = ProposalFactory(portfolio=pillar.portfolio, pillar=pillar, confidence=2)
    ProposalFactory(portfolio=pillar.portfolio, pillar=pillar, confidence=5)
    ProposalFactory(confidence=2)
    assert list(_filter(pillar=pillar.pk, confidence=2)) == [hit]


def test_stale_filter_finds_proposals_not_updated_for_n_days():
    """stale_days=30 keeps proposals older than 30 days and never-updated ones."""
    now = timezone.now()
    old = ProposalFactory(last_update_at=now - datetime.timedelta(days=45))
    never = ProposalFactory(last_update_at=None)
    ProposalFactory(last_update_at=now - datetime.timedelta(days=3))
    assert set(_filter(stale_days=30)) == {old, never}


def test_ordering_by_progress_descending():
    """'-progress' puts the most advanced proposal first."""
    ProposalFactory(progress=10)
    top = ProposalFactory(progress=90)
    assert _filter(ordering="-progress").first() == top


def test_list_page_keeps_filters_in_the_url_across_pages(client):
    """The next-page link carries the filters, so a filtered view can be bookmarked."""
    client.force_login(UserFactory())
    dept = DepartmentFactory()
    ProposalFactory.create_batch(30, lead_department=dept, title="수소 시범 사업")
    response = client.get(
        reverse("projects:proposal_list"),
        {"q": "수소", "department": dept.pk, "status": ["reviewing"], "ordering": "title"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["paginator"].count == 30
    assert len(response.context["object_list"]) == 25
    assert f"department={dept.pk}" in html and "status=reviewing" in html
    assert "page=2" in html
    page2 = client.get(
        reverse("projects:proposal_list"),
        {"q": "수소", "department": dept.pk, "status": ["reviewing"], "page": 2},
    )
    assert len(page2.context["object_list"]) == 5


def test_list_page_renders_the_filter_form_with_labels(client):
    """Each filter has a label (status checkboxes are grouped in a fieldset)."""
    client.force_login(UserFactory())
    html = client.get(reverse("projects:proposal_list")).content.decode()
    for label in ("검색어", "전략", "부서(주관·협조)", "추진 신뢰도", "N일 이상 미갱신", "정렬"):
        assert label in html
    assert "<legend>추진 상태</legend>" in html


def test_the_list_shows_one_portfolio_and_its_filter_chooses_it(client):
    """The list holds the request's portfolio only (the newest by default, ?portfolio=
    otherwise); the form's 사업군 field offers every portfolio, with no "all" choice, and the
    pillar filter offers the chosen portfolio's pillars only."""
    first = ProposalFactory(title="미래 신성장 사업")
    pledges = PortfolioFactory(code="pledges", name="민선8기 공약", year=2030)
    pledge_pillar = PillarFactory(portfolio=pledges)
    pledge = ProposalFactory(portfolio=pledges, pillar=pledge_pillar, title="공약 사업")
    client.force_login(UserFactory())
    url = reverse("projects:proposal_list")
    response = client.get(url)
    assert list(response.context["object_list"]) == [pledge]
    form = response.context["filter"].form
    assert [c[0] for c in form.fields["portfolio"].choices] == [
        str(pledges.pk),
        str(first.portfolio_id),
    ]
    assert list(form.fields["pillar"].queryset) == [pledge_pillar]
    response = client.get(url, {"portfolio": first.portfolio_id})
    assert list(response.context["object_list"]) == [first]
    # Another portfolio's pillar is refused, not silently mixed in.
    response = client.get(url, {"portfolio": first.portfolio_id, "pillar": pledge_pillar.pk})
    assert list(response.context["object_list"]) == []
    assert response.context["filter"].errors
