"""Provenance per field: each field's current value says where it came from, and the detail
page shows it beside the field, in text."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import pagecache
from projects.models import DataSource, Proposal
from projects.provenance import FieldSource, row_badge, source_mark
from projects.services import proposal_create, proposal_update, proposal_update_status
from tests.factories import DepartmentFactory, HeadFactory, PillarFactory

pytestmark = pytest.mark.django_db


def test_a_person_creating_a_proposal_is_its_source(portfolio, planner):
    """Created in the app by a person: every stated field is their entry, dated now."""
    proposal = proposal_create(
        portfolio=portfolio, management_no="N-01", title="새 사업", summary="개요", user=planner
    )
    sources = proposal.field_sources
    assert set(sources) == {"title", "summary"}
    assert sources["title"]["source"] == FieldSource.EDIT
    assert sources["title"]["user"] == planner.pk and sources["title"]["by"] == "기획"
    assert sources["title"]["at"][:10] == timezone.localdate().isoformat()


def test_an_edit_marks_only_the_changed_fields_as_that_persons(portfolio, head):
    """Given a report row, when a head changes its budget, then only the budget is theirs."""
    proposal = proposal_create(
        portfolio=portfolio,
        management_no="R-01",
        title="보고서 사업",
        budget_million=100,
        data_source=DataSource.REPORT,
    )
    assert proposal.field_sources["budget_million"]["source"] == FieldSource.REPORT
    proposal = proposal_update(
        proposal=proposal, user=head, expected_version=proposal.version, budget_million=250
    )
    proposal.refresh_from_db()
    assert proposal.field_sources["budget_million"]["source"] == FieldSource.EDIT
    assert proposal.field_sources["budget_million"]["user"] == head.pk
    assert proposal.field_sources["title"]["source"] == FieldSource.REPORT
    mark = source_mark(proposal.field_sources["budget_million"])
    assert mark.text == f"{head.display_name} 수정 {timezone.localdate().isoformat()}"


def test_an_edit_of_an_inferred_field_ends_the_inference(portfolio, head):
    pillar = PillarFactory(portfolio=portfolio, number=1)
    other = PillarFactory(portfolio=portfolio, number=2)
    proposal = proposal_create(
        portfolio=portfolio,
        management_no="기사-03",
        title="항만 3대 기본계획 변경",
        pillar=pillar,
        inferred_fields=["pillar"],
        data_source=DataSource.ARTICLE,
    )
    assert proposal.field_sources["pillar"]["source"] == FieldSource.INFERRED
    proposal_update(proposal=proposal, user=head, expected_version=1, pillar=other)
    proposal.refresh_from_db()
    assert proposal.inferred_fields == []
    assert proposal.field_sources["pillar"]["source"] == FieldSource.EDIT


def test_a_status_update_marks_state_as_the_authors_at_its_time(proposal, head):
    """Status, confidence and progress become the author's, dated with the update."""
    at = timezone.now() - datetime.timedelta(days=3)
    proposal_update_status(
        proposal=proposal,
        user=head,
        expected_version=proposal.version,
        status="on_track",
        progress=30,
        confidence=4,
        at=at,
    )
    proposal.refresh_from_db()
    for fact in ("status", "confidence", "progress"):
        entry = proposal.field_sources[fact]
        assert entry["source"] == FieldSource.EDIT and entry["user"] == head.pk
        assert entry["at"][:10] == timezone.localtime(at).date().isoformat()


def test_a_demo_status_update_is_marked_demo(proposal, head):
    proposal_update_status(
        proposal=proposal,
        user=head,
        expected_version=proposal.version,
        status="partial",
        progress=20,
        is_demo=True,
    )
    proposal.refresh_from_db()
    assert proposal.field_sources["status"]["source"] == FieldSource.DEMO


def test_provenance_is_queryable():
    """One query answers "which proposals have a department from the report"."""
    portfolio = PillarFactory().portfolio
    dept = DepartmentFactory()
    proposal_create(
        portfolio=portfolio,
        management_no="R-02",
        title="보고서 사업",
        lead_department=dept,
        data_source=DataSource.REPORT,
    )
    proposal_create(portfolio=portfolio, management_no="E-01", title="직접 입력", user=None)
    found = Proposal.objects.filter(field_sources__lead_department__source=FieldSource.REPORT)
    assert list(found.values_list("management_no", flat=True)) == ["R-02"]


def test_the_row_badge_follows_the_fields(portfolio, head):
    """'기사 확인' only while every value is the article's and the title its exact words."""
    proposal = proposal_create(
        portfolio=portfolio,
        management_no="기사-03",
        title="항만 3대 기본계획 변경",
        summary="요약",
        data_source=DataSource.ARTICLE,
        source={
            "title": {"source": "article", "at": "2023-07-26", "verbatim": True},
            "summary": {"source": "article", "at": "2023-07-26", "verbatim": False},
        },
    )
    assert row_badge(proposal) == "article"
    proposal = proposal_update(proposal=proposal, user=head, expected_version=1, budget_million=300)
    assert row_badge(proposal) == "mixed"


def test_the_detail_page_shows_each_fields_source_in_text(client, portfolio, head):
    proposal = proposal_create(
        portfolio=portfolio,
        management_no="R-03",
        title="보고서 사업",
        lead_department=head.department,
        data_source=DataSource.REPORT,
        source={"title": {"source": "report", "at": "2024-05-01", "run": 3}},
    )
    proposal = proposal_update(proposal=proposal, user=head, expected_version=1, budget_million=120)
    client.force_login(head)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "보고서 2024-05-01 가져오기 #3" in page
    assert f"{head.display_name} 수정 {timezone.localdate().isoformat()}" in page
    assert 'class="visually-hidden">출처' in page  # read out, not only seen


@pytest.mark.parametrize("editors", [1, 10])
def test_detail_query_count_does_not_grow_with_sources(
    client, portfolio, django_assert_num_queries, editors
):
    """Sources are on the row: more editors and marked fields cost no extra query."""
    heads = [HeadFactory() for _ in range(editors)]
    proposal = proposal_create(
        portfolio=portfolio, management_no="Q-01", title="사업", data_source=DataSource.REPORT
    )
    fields = ["summary", "notes", "partner_ministry", "partner_companies", "budget_million"]
    for i, editor in enumerate(heads):
        name = fields[i % len(fields)]
        value = 10 + i if name == "budget_million" else f"값 {i}"
        proposal = proposal_update(
            proposal=proposal, user=editor, expected_version=proposal.version, **{name: value}
        )
    viewer = heads[0]
    client.force_login(viewer)
    url = reverse("projects:proposal_detail", args=[proposal.pk])
    client.get(url)  # session settles
    pagecache.clear()  # bodies are cached (core.pagecache): measure a miss
    # user with version + unread count, footer sources, the access check, proposal + its
    # prefetches, audit trail, and the rounds' panel (a submission awaiting confirmation).
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(url).status_code == 200
    # A hit (the whole page, cached for this session): user with version + unread count
    # (core.user_row), the access check.
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200


DETAIL_QUERIES = 12


def test_an_update_can_name_the_report_and_its_run(portfolio, planner):
    """A writer on the report's behalf (e.g. linking a report row) passes one entry."""
    from projects.provenance import source_entry

    proposal = proposal_create(portfolio=portfolio, management_no="L-01", title="사업")
    entry = source_entry(FieldSource.REPORT, at="2025-03-02", run=7)
    proposal = proposal_update(
        proposal=proposal, user=planner, expected_version=1, notes="보고서 비고", source=entry
    )
    assert proposal.field_sources["notes"] == {"source": "report", "at": "2025-03-02", "run": 7}
    assert proposal.field_sources["title"]["source"] == FieldSource.EDIT
