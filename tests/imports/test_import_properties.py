"""Property-based tests: malformed rows and files never crash the importer or write a row."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from imports.columns import HEADERS
from imports.models import ImportState
from imports.readers import ImportFileError, read_table
from imports.services import (
    import_run_apply,
    import_run_create,
    import_run_preview,
    import_run_request_apply,
    preview_file,
)
from projects.models import Department, Proposal
from tests.factories import PillarFactory, PortfolioFactory
from tests.import_files import csv_bytes, row, xlsx

PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text openpyxl can store (no control characters, no lone surrogates).
cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40
) | st.sampled_from(
    [
        "",
        "-",
        " ",
        "７",
        "전략 9",
        "1,2,3",
        "2030~2024",
        "국비·금",
        "12.345",
        "신규?",
        "=1+1",
        "ㆍ",
        "１，０００",
        "NaN",
        "1e400",
        "9" * 30,
        "A-01",
    ]
)
cell = (
    st.none()
    | cell_text
    | st.integers(-(10**15), 10**15)
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
)
header = st.sampled_from([*HEADERS, "Title", "budget", "담당자", "", "관리번호 ", "ＴＩＴＬＥ"])


@pytest.fixture
def portfolio(db):
    portfolio = PortfolioFactory()
    for number in range(1, 6):
        PillarFactory(portfolio=portfolio, number=number, name=f"전략 이름 {number}")
    return portfolio


def assert_nothing_written():
    assert not Proposal.objects.exists()
    assert not Department.objects.exists()


@PROPERTY_SETTINGS
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=13), max_size=8))
def test_malformed_rows_in_xlsx_never_crash_and_write_nothing(portfolio, rows):
    """Any cell values under the real headers: a preview or a Korean error, never a crash."""
    preview = preview_file(data=xlsx(rows), file_name="r.xlsx", portfolio=portfolio)
    assert preview.file_error or preview.plan is not None
    if preview.plan is not None:
        for planned in preview.plan.rows:
            assert planned.action in ("new", "changed", "unchanged", "error")
            assert all("행 " in message for message in planned.errors)
    assert_nothing_written()


@PROPERTY_SETTINGS
@given(
    headers=st.lists(header, min_size=1, max_size=8),
    rows=st.lists(st.lists(cell_text, max_size=8), max_size=6),
    encoding=st.sampled_from(["utf-8", "cp949", "utf-16"]),
)
def test_malformed_csv_never_crashes_and_writes_nothing(portfolio, headers, rows, encoding):
    """Shuffled or unknown headers, odd text, any of three encodings."""
    try:
        data = csv_bytes(rows, headers=headers, encoding=encoding)
    except UnicodeEncodeError:
        return  # text CP949 cannot hold; not a file anyone could make
    preview = preview_file(data=data, file_name="r.csv", portfolio=portfolio)
    assert preview.file_error or preview.plan is not None
    assert_nothing_written()


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=2000), name=st.sampled_from(["r.xlsx", "r.csv", "r.txt"]))
def test_random_bytes_only_ever_raise_the_korean_file_error(data, name):
    try:
        read_table(data, name)
    except ImportFileError as exc:
        assert exc.message


VALID = xlsx([row("A-01", "사업", pillar=1, budget="1,000"), row("A-02", "사업 둘")])


@PROPERTY_SETTINGS
@given(
    cut=st.integers(0, len(VALID)),
    flips=st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=5),
)
def test_damaged_workbooks_give_an_error_or_a_preview(portfolio, cut, flips):
    """Truncated or bit-flipped workbooks: a message, never a traceback."""
    damaged = bytearray(VALID[: max(cut, 1)])
    for position, value in flips:
        if position < len(damaged):
            damaged[position] = value
    preview = preview_file(data=bytes(damaged), file_name="r.xlsx", portfolio=portfolio)
    assert preview.file_error or preview.plan is not None
    assert_nothing_written()


@PROPERTY_SETTINGS
@given(rows=st.lists(st.lists(cell, max_size=11), min_size=1, max_size=5))
def test_the_service_records_a_verdict_for_any_rows(portfolio, planner, rows):
    """Through the ImportRun: the state ends ready or invalid (never failed), nothing written."""
    user = planner
    run = import_run_create(portfolio=portfolio, user=user, file_name="r.xlsx", data=xlsx(rows))
    run = import_run_preview(run_id=run.pk)
    assert run.state in (ImportState.READY, ImportState.INVALID)
    assert_nothing_written()


@PROPERTY_SETTINGS
@given(rows=st.lists(st.lists(cell, max_size=11), min_size=1, max_size=5))
@example(rows=[["A-01", 1, "유효한 사업"], ["A-02", "2", "둘째 사업", "새부서"]])
def test_applying_any_rows_writes_all_of_a_valid_file_or_nothing(portfolio, planner, rows):
    """Through apply too: a file with errors is refused and writes nothing; a valid file
    writes exactly its new rows, and applying it again changes nothing."""
    with transaction.atomic():  # each example starts from an empty portfolio
        _apply_and_check(portfolio, planner, xlsx(rows))
        transaction.set_rollback(True)


def _apply_and_check(portfolio, planner, data):
    run = import_run_create(portfolio=portfolio, user=planner, file_name="r.xlsx", data=data)
    run = import_run_preview(run_id=run.pk)
    if run.state == ImportState.INVALID:
        with pytest.raises(ValidationError):
            import_run_request_apply(run=run, user=planner, confirm_new_departments=True)
        assert_nothing_written()
        return
    import_run_request_apply(run=run, user=planner, confirm_new_departments=True)
    applied = import_run_apply(run_id=run.pk)
    assert applied.state == ImportState.APPLIED, applied.message
    assert Proposal.objects.count() == applied.rows_new
    again = import_run_create(portfolio=portfolio, user=planner, file_name="r.xlsx", data=data)
    again = import_run_preview(run_id=again.pk)
    assert again.rows_new == again.rows_changed == 0


def test_a_zip_bomb_shaped_package_is_refused():
    """A zip with a huge entry that is not a workbook is refused as unreadable."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<x/>" * 1000)
    with pytest.raises(ImportFileError):
        read_table(buffer.getvalue(), "r.xlsx")
