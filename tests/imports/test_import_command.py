"""`manage.py import_report`: the same engine from the command line."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role
from imports.models import ImportRun, ImportState
from imports.tasks import import_apply, import_preview
from projects.models import Department, Proposal
from tests.factories import PillarFactory, PortfolioFactory, UserFactory
from tests.import_files import csv_bytes, row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    portfolio = PortfolioFactory()
    for number in range(1, 6):
        PillarFactory(portfolio=portfolio, number=number, name=f"전략 이름 {number}")
    return portfolio


def run_command(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_report", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_dry_run_reports_and_writes_nothing(portfolio, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(xlsx([row("A-01", "그린수소 생산기지 구축", pillar=2)]))
    output = run_command(str(path), "--dry-run")
    assert "신규 2행 A-01 그린수소 생산기지 구축" in output
    assert "신규 1건, 변경 0건, 변경 없음 0건, 오류 0건" in output
    assert not Proposal.objects.exists()
    assert not ImportRun.objects.exists()


def test_apply_records_the_run_with_the_user(portfolio, tmp_path):
    user = UserFactory(role=Role.PLANNING, username="kim")
    path = tmp_path / "report.csv"
    path.write_bytes(csv_bytes([row("A-01", "사업", lead="새부서")], encoding="cp949"))

    with pytest.raises(CommandError, match="--create-departments"):
        run_command(str(path), "--user", "kim")
    assert not Proposal.objects.exists()

    output = run_command(str(path), "--user", "kim", "--create-departments")
    run = ImportRun.objects.filter(state=ImportState.APPLIED).get()
    assert "적용했습니다: 신규 1건" in output
    assert run.created_by == user and run.applied_by == user
    assert run.encoding in ("CP949", "EUC-KR")
    assert Department.objects.filter(name="새부서").exists()
    assert Proposal.history.get().history_user == user

    again = run_command(str(path), "--user", "kim")
    assert "변경 없음 1건" in again
    assert Proposal.history.count() == 1


def test_sheet_option_and_errors(portfolio, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(xlsx([row("A-01", "사업", pillar=9)]))
    with pytest.raises(CommandError, match="오류가 있어"):
        run_command(str(path), "--dry-run")
    with pytest.raises(CommandError, match="'둘째' 시트가 없습니다"):
        run_command(str(path), "--sheet", "둘째")
    with pytest.raises(CommandError, match="파일이 없습니다"):
        run_command(str(tmp_path / "nope.xlsx"))
    assert not Proposal.objects.exists()


def test_tasks_have_stable_names():
    assert import_preview.name == "projects.import_preview"
    assert import_apply.name == "projects.import_apply"


def test_tasks_ignore_missing_and_finished_runs(portfolio):
    """A task for a run that is gone or already done is a no-op, not an error."""
    import_preview(987654)
    import_apply(987654)
    run = ImportRun.objects.create(
        portfolio=portfolio, file_name="a.xlsx", sha256="0" * 64, state=ImportState.INVALID
    )
    import_preview(run.pk)
    import_apply(run.pk)
    run.refresh_from_db()
    assert run.state == ImportState.INVALID
