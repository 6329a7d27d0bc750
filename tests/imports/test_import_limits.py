"""Hostile files stay within fixed resources: zip bombs, floods of blank lines, NUL bytes,
and a file whose worker keeps dying are refused with a Korean message naming the limit."""

import io
import zipfile

import pytest

from accounts.models import Role
from imports.models import ImportRun, ImportState
from imports.readers import ImportFileError, read_table
from imports.services import import_run_create, import_run_preview
from imports.workers import claim
from projects.models import Department, Proposal
from tests.factories import PillarFactory, PortfolioFactory, UserFactory
from tests.import_files import csv_bytes, row, xlsx

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def portfolio():
    portfolio = PortfolioFactory()
    for number in range(1, 6):
        PillarFactory(portfolio=portfolio, number=number, name=f"전략 {number}")
    return portfolio


def bomb(unpacked_bytes: int) -> bytes:
    """A real report whose sheet XML is padded with whitespace to `unpacked_bytes`: a few
    hundred KB on disk at most."""
    good = zipfile.ZipFile(io.BytesIO(xlsx([row("B-01", "정상 사업", pillar=1)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bad:
        for info in good.infolist():
            content = good.read(info)
            if info.filename == SHEET:
                padding = b" " * (unpacked_bytes - len(content))
                content = content.replace(b"</worksheet>", padding + b"</worksheet>")
            bad.writestr(info.filename, content)
    return out.getvalue()


def preview(portfolio, data, name):
    user = UserFactory(role=Role.PLANNING)
    run = import_run_create(portfolio=portfolio, user=user, file_name=name, data=data)
    return import_run_preview(run_id=run.pk)


def assert_refused_and_nothing_written(run, *phrases):
    assert run.state == ImportState.INVALID
    for phrase in phrases:
        assert phrase in run.message, run.message
    assert run.content is None and run.parsed == {}
    assert not Proposal.objects.exists() and not Department.objects.exists()


def test_a_zip_bomb_is_refused_by_its_unpacked_size_limit(portfolio):
    """An .xlsx of ~120 KB whose sheet unpacks to 120 MB is refused before it is parsed,
    with the 50 MB limit in the message, and nothing is written."""
    data = bomb(120 * 1024 * 1024)
    assert len(data) < 1024 * 1024

    run = preview(portfolio, data, "bomb.xlsx")

    assert_refused_and_nothing_written(run, "50.0MB")


def test_a_zip_bomb_within_the_size_limit_is_refused_by_its_compression_ratio(portfolio):
    """A sheet that unpacks to 20 MB from ~20 KB is refused for its ratio, naming the part."""
    run = preview(portfolio, bomb(20 * 1024 * 1024), "bomb.xlsx")

    assert_refused_and_nothing_written(run, "100배", SHEET)


def test_what_members_really_unpack_to_is_counted(portfolio, settings):
    """With the ratio check out of the way, the size read while unpacking is held to the
    limit too."""
    settings.GP_IMPORT_MAX_RATIO = 1_000_000
    settings.GP_IMPORT_MAX_UNPACKED_BYTES = 5 * 1024 * 1024

    run = preview(portfolio, bomb(8 * 1024 * 1024), "bomb.xlsx")

    assert_refused_and_nothing_written(run, "5.0MB")


def test_a_declared_size_over_the_limit_is_refused_before_anything_is_unpacked(settings):
    """The sizes the archive declares are checked first."""
    settings.GP_IMPORT_MAX_UNPACKED_BYTES = 1024
    with pytest.raises(ImportFileError) as info:
        read_table(xlsx([row("B-01", "사업", pillar=1)]), "small.xlsx")
    assert "압축을 풀면 0.0MB를 넘습니다" in info.value.message


def test_an_ordinary_workbook_passes_the_archive_checks(portfolio):
    """The limits leave a normal report alone."""
    run = preview(portfolio, xlsx([row("B-01", "정상 사업", pillar=1)]), "ok.xlsx")
    assert run.state == ImportState.READY, run.message


def test_a_csv_of_blank_lines_is_refused_at_the_row_cap(portfolio, settings):
    """Blank lines count toward the row cap: a flood of them is refused with the limit named,
    and nothing is written."""
    settings.GP_IMPORT_MAX_ROWS = 50
    data = csv_bytes([row("C-01", "사업", pillar=1)]) + b"\r\n" * 100_000

    run = preview(portfolio, data, "blank.csv")

    assert_refused_and_nothing_written(run, "150행", "50행")


def test_a_csv_with_a_nul_after_the_first_4_kb_names_its_line_and_column(portfolio):
    """A NUL byte past the encoding sniff is a line/column message, not an unexpected error."""
    rows = [row(f"N-{i:03d}", f"사업 {i}", pillar=1) for i in range(200)]
    data = csv_bytes(rows)
    assert len(data) > 4096
    data = data.replace("사업 150".encode(), "사업\x00150".encode())

    run = preview(portfolio, data, "nul.csv")

    assert_refused_and_nothing_written(run, "NUL", "152번째 줄 3번째 칸")


def test_a_run_whose_worker_keeps_dying_is_failed_not_retried_forever(portfolio, settings):
    """Each take-up is counted; after GP_IMPORT_MAX_ATTEMPTS dead workers the run is failed
    with a message instead of being previewed again."""
    settings.GP_IMPORT_MAX_ATTEMPTS = 2
    user = UserFactory(role=Role.PLANNING)
    data = xlsx([row("K-01", "사업", pillar=1)])
    run = import_run_create(portfolio=portfolio, user=user, file_name="k.xlsx", data=data)

    # given: two workers took the run up and died (their lock went with their connection)
    assert claim(run.pk, ImportState.PENDING, ImportState.PREVIEWING, held=True)
    assert claim(run.pk, ImportState.PENDING, ImportState.PREVIEWING, held=True)
    # when: the message is redelivered a third time
    run = import_run_preview(run_id=run.pk)

    run = ImportRun.objects.get(pk=run.pk)
    assert run.state == ImportState.FAILED
    assert run.attempts == 2
    assert "2번 중간에 멈춰" in run.message
    assert run.content is None
    assert not Proposal.objects.exists()


def test_a_control_character_in_a_cell_is_a_row_error_and_nothing_is_written(portfolio):
    """A NUL or other control character in a title or summary names its row and column."""
    data = csv_bytes(
        [
            row("X-01", "제목\x01끝", pillar=1),
            row("X-02", "정상", pillar=1, summary="첫 줄\n둘째\x0b줄"),
            row("X-03", "정상 둘", pillar=1, summary="첫 줄\n둘째 줄"),
        ]
    )

    run = preview(portfolio, data, "ctrl.csv")

    assert run.state == ImportState.INVALID
    errors = [e for r in run.preview["rows"]["error"] for e in r["errors"]]
    assert any(e.startswith("2행 사업명: 제어 문자(U+0001)") for e in errors), errors
    assert any(e.startswith("3행 사업개요: 제어 문자(U+000B)") for e in errors), errors
    assert len(errors) == 2
    assert not Proposal.objects.exists()


def test_a_csv_line_with_a_flood_of_cells_is_refused_naming_the_limit(portfolio):
    """One line of 100,000 separators is refused before it is split; 1,000 trailing empty
    cells are trimmed, not refused."""
    wide = csv_bytes([row("W-01", "사업", pillar=1)]) + b"\r\nW-02," + b"x," * 100_000
    run = preview(portfolio, wide, "wide.csv")
    assert_refused_and_nothing_written(run, "3번째 줄", "500칸까지")

    trailing = csv_bytes([row("W-01", "사업", pillar=1)]) + b"," * 1_000
    assert preview(portfolio, trailing, "trailing.csv").state == ImportState.READY
