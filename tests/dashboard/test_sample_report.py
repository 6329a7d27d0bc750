"""The importer's sample report is built from the article's facts, not from a second list."""

import csv
import io

from openpyxl import load_workbook

from dashboard.sample_report import sample_rows
from imports.sample_data import CSV, XLSX


def _csv_rows() -> list[dict]:
    text = CSV.read_bytes().decode("utf-8-sig")
    return [{k: v for k, v in row.items() if v} for row in csv.DictReader(io.StringIO(text))]


def _xlsx_rows() -> list[dict]:
    sheet = load_workbook(XLSX, read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in values[0]]
    return [
        {k: v for k, v in zip(header, row, strict=False) if v not in (None, "")}
        for row in values[1:]
        if any(v not in (None, "") for v in row)
    ]


def test_the_committed_sample_files_hold_exactly_the_articles_nine_proposals():
    """Run `manage.py make_sample_report` when the seed facts change; this test says when."""
    expected = sample_rows()
    assert len(expected) == 9
    assert _csv_rows() == expected
    assert _xlsx_rows() == expected
