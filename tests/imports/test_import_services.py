"""Preview and apply through the services: diffs, atomicity, idempotence, audit history."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accounts.models import Role
from imports import apply as apply_module
from imports.models import ImportRun, ImportState
from imports.sample_data import CSV, XLSX
from imports.services import (
    import_run_apply,
    import_run_create,
    import_run_preview,
    import_run_request_apply,
)
from projects.models import DataSource, Department, Pillar, Portfolio, Proposal
from tests.factories import DepartmentFactory, PillarFactory, PortfolioFactory, UserFactory
from tests.import_files import row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    portfolio = PortfolioFactory()
    for number in range(1, 6):
        PillarFactory(portfolio=portfolio, number=number, name=f"전략 이름 {number}")
    return portfolio


def preview(portfolio, user, data, name="report.xlsx", **kwargs) -> ImportRun:
    run = import_run_create(portfolio=portfolio, user=user, file_name=name, data=data, **kwargs)
    return import_run_preview(run_id=run.pk)


def apply(run, user, confirm=False) -> ImportRun:
    import_run_request_apply(run=run, user=user, confirm_new_departments=confirm)
    return import_run_apply(run_id=run.pk)


def import_file(portfolio, user, data, **kwargs) -> ImportRun:
    run = preview(portfolio, user, data)
    assert run.state == ImportState.READY, run.message or run.preview
    return apply(run, user, **kwargs)


FIRST = [
    row(
        "A-01",
        "그린수소 생산기지 구축",
        pillar=2,
        lead="기후에너지과",
        support="항만물류과",
        budget="12,500",
        period="2024~2030",
        funding="국비·시비",
        origin="신규",
    ),
    row("A-02", "항만 3대 기본계획 변경", pillar=1, lead="항만물류과"),
]


def test_apply_creates_proposals_departments_and_links(portfolio, planner):
    """A first import creates every row, the confirmed departments and supporting links."""
    run = preview(portfolio, planner, xlsx(FIRST))
    assert (run.state, run.rows_new, run.departments_new) == (ImportState.READY, 2, 2)
    assert run.preview["new_departments"] == ["기후에너지과", "항만물류과"]

    run = apply(run, planner, confirm=True)

    assert run.state == ImportState.APPLIED
    assert run.applied_by == planner and run.applied_at is not None
    assert run.content is None
    first = Proposal.objects.get(management_no="A-01")
    assert first.pillar.number == 2
    assert first.lead_department.name == "기후에너지과"
    assert [d.name for d in first.supporting_departments.all()] == ["항만물류과"]
    assert first.budget_million == Decimal("12500.0")
    assert (first.start_year, first.end_year) == (2024, 2030)
    assert first.fund_national and first.fund_city and not first.fund_province
    assert first.origin == "new"
    assert first.data_source == DataSource.REPORT
    assert Department.objects.filter(name__in=["기후에너지과", "항만물류과"]).count() == 2


def test_every_change_appears_in_the_audit_history(portfolio, planner):
    """Created and changed proposals get history rows with the user and the run's number."""
    DepartmentFactory(name="기후에너지과")
    DepartmentFactory(name="항만물류과")
    run = import_file(portfolio, planner, xlsx(FIRST))
    created = Proposal.history.filter(history_type="+")
    assert created.count() == 2
    assert {h.history_user_id for h in created} == {planner.pk}
    assert {h.history_change_reason for h in created} == {f"보고서 가져오기 #{run.pk}"}

    changed = [dict(FIRST[0], **{"사업명": "그린수소 생산기지 구축(수정)"}), FIRST[1]]
    second = import_file(portfolio, planner, xlsx(changed))
    updates = Proposal.history.filter(history_type="~")
    assert updates.count() == 1
    update = updates.get()
    assert update.title == "그린수소 생산기지 구축(수정)"
    assert update.version == 2
    assert update.history_user_id == planner.pk
    assert update.history_change_reason == f"보고서 가져오기 #{second.pk}"


def test_new_departments_need_confirmation(portfolio, planner):
    """Without the checkbox the run stays ready and nothing is written."""
    run = preview(portfolio, planner, xlsx(FIRST))
    with pytest.raises(ValidationError) as info:
        import_run_request_apply(run=run, user=planner, confirm_new_departments=False)
    assert "confirm_new_departments" in info.value.message_dict
    run.refresh_from_db()
    assert run.state == ImportState.READY
    assert not Proposal.objects.exists() and not Department.objects.exists()


def test_reapplying_the_same_file_changes_nothing(portfolio, planner):
    """The second run previews every row as unchanged and writes no proposal or history."""
    data = xlsx(FIRST)
    import_file(portfolio, planner, data, confirm=True)
    versions = dict(Proposal.objects.values_list("management_no", "version"))
    history = Proposal.history.count()

    again = preview(portfolio, planner, data)
    assert (again.rows_new, again.rows_changed, again.rows_unchanged) == (0, 0, 2)
    assert any("이미" in n and "적용" in n for n in again.preview["notices"])
    again = apply(again, planner)

    assert again.state == ImportState.APPLIED
    assert Proposal.history.count() == history
    assert dict(Proposal.objects.values_list("management_no", "version")) == versions


def test_preview_lists_field_by_field_changes_and_missing_proposals(portfolio, planner):
    """A changed row shows old → new per field; proposals not in the file are listed, kept."""
    import_file(portfolio, planner, xlsx(FIRST), confirm=True)
    revised = [
        row(
            "A-01",
            "그린수소 생산기지 구축",
            pillar="전략 이름 3",
            budget="13,000",
            support="항만물류과, 기업지원과",
            funding="국비",
        ),
    ]
    run = preview(portfolio, planner, xlsx(revised))

    assert (run.rows_changed, run.rows_missing, run.departments_new) == (1, 1, 1)
    changes = {
        c["label"]: (c["old"], c["new"]) for c in run.preview["rows"]["changed"][0]["changes"]
    }
    assert changes == {
        "전략": ("2. 전략 이름 2", "3. 전략 이름 3"),
        "협조부서": ("항만물류과", "항만물류과, 기업지원과"),
        "총사업비(백만원)": ("12,500", "13,000"),
        "재원": ("국비·시비", "국비"),
    }
    assert run.preview["missing"] == [{"key": "A-02", "title": "항만 3대 기본계획 변경"}]

    apply(run, planner, confirm=True)
    first = Proposal.objects.get(management_no="A-01")
    assert first.pillar.number == 3
    assert sorted(d.name for d in first.supporting_departments.all()) == [
        "기업지원과",
        "항만물류과",
    ]
    assert first.lead_department.name == "기후에너지과", "a blank cell keeps the stored value"
    assert Proposal.objects.filter(management_no="A-02").exists(), "never deleted"


def test_a_file_with_errors_cannot_be_applied_and_writes_nothing(portfolio, planner):
    rows = [row("A-01", "사업", pillar=7), row("A-02", "사업 둘")]
    run = preview(portfolio, planner, xlsx(rows))
    assert run.state == ImportState.INVALID
    assert run.rows_error == 1
    assert run.preview["rows"]["error"][0]["errors"] == ['2행 전략: "7"은 없는 전략입니다.']
    with pytest.raises(ValidationError):
        import_run_request_apply(run=run, user=planner, confirm_new_departments=True)
    assert not Proposal.objects.exists()


def test_an_unreadable_file_is_recorded_with_its_message(portfolio, planner):
    run = preview(portfolio, planner, b"not a workbook")
    assert run.state == ImportState.INVALID
    assert "xlsx 통합문서가 아닙니다" in run.message
    assert run.preview == {"file_error": run.message}
    assert run.content is None


def test_apply_is_all_or_nothing(portfolio, planner, monkeypatch):
    """A failure after the proposals were written rolls everything back and says so."""

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(apply_module, "_sync_supporting", explode)
    run = preview(portfolio, planner, xlsx(FIRST))
    run = apply(run, planner, confirm=True)

    assert run.state == ImportState.FAILED
    assert "아무것도 바꾸지 않았습니다" in run.message
    assert not Proposal.objects.exists()
    assert not Department.objects.exists()
    assert not Proposal.history.exists()


def test_apply_refuses_when_the_database_moved_on_since_the_preview(portfolio, planner):
    """If someone edits a proposal after the preview, nothing is written and a new preview
    is shown for the admin to check."""
    import_file(portfolio, planner, xlsx(FIRST), confirm=True)
    run = preview(portfolio, planner, xlsx([dict(FIRST[1], **{"사업명": "새 이름"})]))
    Proposal.objects.filter(management_no="A-02").update(title="다른 사람이 바꾼 이름")

    run = apply(run, planner)

    assert run.state == ImportState.READY
    assert "미리보기 이후 자료가 바뀌어" in run.message
    assert Proposal.objects.get(management_no="A-02").title == "다른 사람이 바꾼 이름"
    change = run.preview["rows"]["changed"][0]["changes"][0]
    assert (change["old"], change["new"]) == ("다른 사람이 바꾼 이름", "새 이름")


def test_a_run_is_applied_once(portfolio, planner):
    """A second apply of the same run (double click, retried task) is refused."""
    run = import_file(portfolio, planner, xlsx(FIRST), confirm=True)
    with pytest.raises(ValidationError):
        import_run_request_apply(run=run, user=planner, confirm_new_departments=True)
    assert import_run_apply(run_id=run.pk).state == ImportState.APPLIED
    assert Proposal.objects.count() == 2


def test_stating_an_inferred_field_clears_the_inference(portfolio, planner):
    """A pillar the app had inferred, now stated by the report, loses its '추정' mark."""
    proposal = Proposal.objects.create(
        portfolio=portfolio,
        management_no="기사-03",
        title="항만 3대 기본계획 변경",
        pillar=Pillar.objects.get(portfolio=portfolio, number=1),
        inferred_fields=["pillar"],
    )
    run = preview(portfolio, planner, xlsx([row("기사-03", "항만 3대 기본계획 변경", pillar=1)]))
    assert run.rows_changed == 1
    change = run.preview["rows"]["changed"][0]["changes"][0]
    assert change["old"] == "1. 전략 이름 1 (추정)"
    apply(run, planner)
    proposal.refresh_from_db()
    assert proposal.inferred_fields == []
    assert proposal.version == 2


def test_sample_report_matches_the_seeded_article_facts():
    """Imported over `manage.py seed`, the sample report (xlsx and csv) changes nothing."""
    call_command("seed")
    portfolio = Portfolio.objects.get()
    user = UserFactory(role=Role.PLANNING)
    for path in (XLSX, CSV):
        run = preview(portfolio, user, path.read_bytes(), name=path.name)
        assert (run.state, run.rows_unchanged, run.rows_total) == (ImportState.READY, 9, 9)


def test_sample_report_creates_the_nine_article_proposals(portfolio, planner):
    run = import_file(portfolio, planner, XLSX.read_bytes(), confirm=False)
    assert run.rows_new == 9
    assert Proposal.objects.filter(pillar__isnull=True, lead_department__isnull=True).count() == 9


def test_data_source_of_new_proposals_is_recorded(portfolio, planner):
    run = preview(portfolio, planner, xlsx([row("A-01", "사업")]), data_source=DataSource.ARTICLE)
    apply(run, planner)
    assert Proposal.objects.get().data_source == DataSource.ARTICLE


# --- Query counts: they do not grow with the number of rows ---------------------------------------


def big_file(n: int, dept: str = "부서") -> bytes:
    return xlsx(
        [
            row(
                f"Q-{i:04d}",
                f"사업 {i}",
                pillar=i % 5 + 1,
                lead=f"{dept}{i % 7}",
                support=f"{dept}{(i + 1) % 7}, {dept}{(i + 2) % 7}",
                budget=i * 10,
                period="2024~2030",
            )
            for i in range(n)
        ]
    )


def changed_file(n: int, dept: str = "부서") -> bytes:
    return xlsx(
        [
            row(f"Q-{i:04d}", f"사업 {i} 수정", pillar=(i + 1) % 5 + 1, support=f"{dept}{i % 7}")
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("size", [35, 350])
def test_preview_and_apply_query_counts_do_not_grow_with_rows(
    size, portfolio, planner, django_assert_max_num_queries
):
    """Create then update 35 or 350 rows: the same fixed budget of queries holds for both."""
    for i in range(7):
        DepartmentFactory(name=f"부서{i}")
    data = big_file(size)
    run = import_run_create(portfolio=portfolio, user=planner, file_name="r.xlsx", data=data)
    with django_assert_max_num_queries(23):
        run = import_run_preview(run_id=run.pk)
    assert run.rows_new == size
    import_run_request_apply(run=run, user=planner, confirm_new_departments=False)
    with django_assert_max_num_queries(23):
        run = import_run_apply(run_id=run.pk)
    assert run.state == ImportState.APPLIED

    run = import_run_create(
        portfolio=portfolio, user=planner, file_name="r2.xlsx", data=changed_file(size)
    )
    with django_assert_max_num_queries(23):
        run = import_run_preview(run_id=run.pk)
    assert run.rows_changed == size
    import_run_request_apply(run=run, user=planner, confirm_new_departments=False)
    with django_assert_max_num_queries(23):
        run = import_run_apply(run_id=run.pk)
    assert run.state == ImportState.APPLIED
    assert Proposal.history.filter(history_type="~").count() == size


def test_query_counts_are_equal_at_35_and_350_rows(planner):
    """Each phase (preview and apply, create and update) runs the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def phases(size: int) -> list[int]:
        portfolio = PortfolioFactory(code=f"p{size}")
        for number in range(1, 6):
            PillarFactory(portfolio=portfolio, number=number, name=f"전략 {number}")
        counts = []
        prefix = f"부서{size}-"
        for data in (big_file(size, prefix), changed_file(size, prefix)):
            run = import_run_create(portfolio=portfolio, user=planner, file_name="r", data=b"")
            ImportRun.objects.filter(pk=run.pk).update(content=data, file_name="r.xlsx")
            with CaptureQueriesContext(connection) as preview_queries:
                run = import_run_preview(run_id=run.pk)
            import_run_request_apply(run=run, user=planner, confirm_new_departments=True)
            with CaptureQueriesContext(connection) as apply_queries:
                import_run_apply(run_id=run.pk)
            counts += [len(preview_queries), len(apply_queries)]
        return counts

    small, large = phases(35), phases(350)
    assert small == large
    assert max(small) <= 23  # two take and release the run's worker lock, one counts the attempt


def test_the_templates_example_row_cannot_be_imported_as_report_data(portfolio, planner):
    """Left in by mistake, the template's '예시-01' row is an error, and nothing is written."""
    rows = [row("예시-01", "[예시] 작성 예시", pillar=1), row("A-01", "실제 사업", pillar=1)]
    run = preview(portfolio, planner, xlsx(rows))
    assert run.state != ImportState.READY
    assert "작성 예시 행입니다" in str(run.preview)
    assert not Proposal.objects.exists()
