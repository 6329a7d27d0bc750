"""The audit history records supporting departments (협조부서): services, admin, import, page."""

import pytest
from django.urls import reverse

from accounts.models import Role
from imports.services import (
    import_run_apply,
    import_run_create,
    import_run_preview,
    import_run_request_apply,
)
from projects.history import proposal_audit
from projects.models import Proposal
from projects.services import proposal_create, proposal_update, proposal_update_status
from tests.admin_forms import form_data
from tests.factories import (
    DepartmentFactory,
    PillarFactory,
    PortfolioFactory,
    ProposalFactory,
    UserFactory,
)
from tests.import_files import row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_client(client, head):
    client.force_login(head)
    return client


@pytest.fixture
def departments(db):
    return {name: DepartmentFactory(name=name) for name in ("환경과", "항만과", "투자유치과")}


def snapshot(record) -> list[str]:
    """The supporting departments a historical record holds, by name."""
    return sorted(record.supporting_departments.values_list("department__name", flat=True))


def changes_of(entry) -> dict:
    return {c.label: (c.old, c.new) for c in entry.changes}


def test_editing_supporting_departments_writes_one_record_by_the_editor(
    proposal, head, departments
):
    """One edit, one record: the new departments, the editor, and old → new on the page."""
    d = departments
    proposal_update(
        proposal=proposal,
        user=head,
        expected_version=1,
        supporting_departments=[d["환경과"], d["항만과"]],
    )
    before = proposal.history.count()
    proposal_update(
        proposal=proposal,
        user=head,
        expected_version=2,
        title="새 사업명",
        supporting_departments=[d["환경과"], d["투자유치과"]],
    )
    assert proposal.history.count() == before + 1
    record = proposal.history.latest()
    assert (record.history_type, record.history_user, record.version) == ("~", head, 3)
    assert snapshot(record) == ["투자유치과", "환경과"]

    entry = proposal_audit(proposal)[0]
    assert entry.user == head
    assert changes_of(entry) == {
        "사업명": (proposal.title, "새 사업명"),
        "협조부서": ("항만과, 환경과", "투자유치과, 환경과"),  # by name
    }


def test_removing_every_supporting_department_shows_none(proposal, head, departments):
    proposal_update(
        proposal=proposal,
        user=head,
        expected_version=1,
        supporting_departments=[departments["항만과"]],
    )
    proposal_update(proposal=proposal, user=head, expected_version=2, supporting_departments=[])
    assert snapshot(proposal.history.latest()) == []
    entries = proposal_audit(proposal)
    assert changes_of(entries[0]) == {"협조부서": ("항만과", "없음")}
    assert changes_of(entries[1]) == {"협조부서": ("없음", "항만과")}


def test_creating_with_supporting_departments_writes_one_creation_record(
    portfolio, head, departments
):
    proposal = proposal_create(
        portfolio=portfolio,
        management_no="A-01",
        title="사업",
        user=head,
        supporting_departments=[departments["항만과"], departments["환경과"]],
    )
    record = proposal.history.get()
    assert (record.history_type, record.history_user) == ("+", head)
    assert snapshot(record) == ["항만과", "환경과"]


def test_a_status_update_keeps_the_departments_and_shows_no_change_to_them(
    proposal, head, departments
):
    """Later records carry the set along, so only real changes appear in the audit."""
    proposal_update(
        proposal=proposal,
        user=head,
        expected_version=1,
        supporting_departments=[departments["환경과"]],
    )
    proposal_update_status(
        proposal=proposal, user=head, expected_version=2, status="on_track", progress=10
    )
    record = proposal.history.latest()
    assert snapshot(record) == ["환경과"]
    assert "협조부서" not in changes_of(proposal_audit(proposal)[0])


def test_the_detail_page_shows_the_supporting_department_change(
    head_client, proposal, head, departments
):
    d = departments
    proposal_update(
        proposal=proposal,
        user=head,
        expected_version=1,
        supporting_departments=[d["환경과"], d["항만과"]],
    )
    proposal_update(
        proposal=proposal,
        user=head,
        expected_version=2,
        supporting_departments=[d["환경과"], d["투자유치과"]],
    )
    html = head_client.get(proposal.get_absolute_url()).content.decode()
    assert "협조부서: <del>항만과, 환경과</del> → <ins>투자유치과, 환경과</ins>" in html
    assert "협조부서: <del>없음</del> → <ins>항만과, 환경과</ins>" in html


def test_a_conflict_message_lists_the_supporting_department_change(
    head_client, proposal, head, departments
):
    """Someone else's change of departments is named in the refused editor's message."""
    proposal_update(
        proposal=proposal,
        user=head,
        expected_version=1,
        supporting_departments=[departments["항만과"]],
    )
    response = head_client.post(
        reverse("projects:proposal_update_status", args=[proposal.pk]),
        {"version": "1", "status": "on_track", "confidence": "4", "progress": "10"},
    )
    assert response.status_code == 409
    assert "협조부서 <del>없음</del> → <ins>항만과</ins>" in response.content.decode()


def test_admin_edit_and_creation_write_one_record_each(admin_client, admin_user, departments):
    """The admin goes through the service on edit; a new proposal gets one creation record."""
    portfolio = PortfolioFactory()
    pillar = PillarFactory(portfolio=portfolio)
    response = admin_client.post(
        reverse("admin:projects_proposal_add"),
        {
            "portfolio": portfolio.pk,
            "management_no": "ADM-1",
            "title": "관리자 등록 사업",
            "pillar": pillar.pk,
            "supporting_departments": [departments["항만과"].pk],
            "data_source": "manual",
            "inferred_fields": "[]",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    proposal = Proposal.objects.get(management_no="ADM-1")
    record = proposal.history.get()
    assert (record.history_type, record.history_user) == ("+", admin_user)
    assert snapshot(record) == ["항만과"]

    url = reverse("admin:projects_proposal_change", args=[proposal.pk])
    data = form_data(admin_client.get(url))
    data["supporting_departments"] = [str(departments["환경과"].pk)]
    assert admin_client.post(url, data).status_code == 302
    assert proposal.history.count() == 2
    record = proposal.history.latest()
    assert (record.history_user, snapshot(record)) == (admin_user, ["환경과"])
    assert changes_of(proposal_audit(proposal)[0]) == {"협조부서": ("항만과", "환경과")}


def _import(portfolio, user, rows):
    run = import_run_create(portfolio=portfolio, user=user, file_name="r.xlsx", data=xlsx(rows))
    run = import_run_preview(run_id=run.pk)
    import_run_request_apply(run=run, user=user, confirm_new_departments=True)
    return import_run_apply(run_id=run.pk)


def test_an_import_records_the_supporting_departments_it_sets(departments):
    """Created and changed rows' records hold their departments; the audit shows old → new."""
    planner = UserFactory(role=Role.PLANNING)
    portfolio = PortfolioFactory()
    PillarFactory(portfolio=portfolio, number=1)
    _import(
        portfolio,
        planner,
        [
            row("A-01", "사업 하나", pillar=1, support="환경과, 항만과"),
            row("A-02", "사업 둘", pillar=1, support="항만과"),
        ],
    )
    first = Proposal.objects.get(management_no="A-01")
    assert snapshot(first.history.get()) == ["항만과", "환경과"]

    second = _import(
        portfolio,
        planner,
        [
            row("A-01", "사업 하나", pillar=1, support="환경과, 투자유치과"),
            row("A-02", "사업 둘(수정)", pillar=1),  # 협조부서 left blank: kept as it is
        ],
    )
    record = first.history.latest()
    assert (record.history_type, record.history_user) == ("~", planner)
    assert record.history_change_reason == f"보고서 가져오기 #{second.pk}"
    assert snapshot(record) == ["투자유치과", "환경과"]
    entry = proposal_audit(first)[0]
    assert changes_of(entry) == {"협조부서": ("항만과, 환경과", "투자유치과, 환경과")}

    other = Proposal.objects.get(management_no="A-02")
    assert snapshot(other.history.latest()) == ["항만과"]
    assert changes_of(proposal_audit(other)[0]) == {"사업명": ("사업 둘", "사업 둘(수정)")}


def test_proposals_without_links_get_records_without_departments(departments):
    """A bulk record of a proposal with no supporting departments holds none (no stray rows)."""
    planner = UserFactory(role=Role.PLANNING)
    portfolio = PortfolioFactory()
    PillarFactory(portfolio=portfolio, number=1)
    ProposalFactory(portfolio=portfolio).supporting_departments.add(departments["환경과"])
    _import(portfolio, planner, [row("B-01", "연결 없는 사업", pillar=1)])
    assert snapshot(Proposal.objects.get(management_no="B-01").history.get()) == []
