"""Build the sample report files of the importer from the article's facts (one list, not two)."""

from imports.sample_data import CSV, XLSX
from imports.template import report_csv, report_workbook

from . import seed_facts


def sample_rows() -> list[dict]:
    """Return the report rows of the nine proposals the article names (code, title, summary)."""
    return [
        {"관리번호": no, "사업명": title, "사업개요": summary}
        for no, title, _pillar, _department, summary in seed_facts.PROPOSALS
    ]


def sample_report_write() -> tuple:
    """Write the sample report as XLSX and CSV next to the importer; return the two paths."""
    rows = sample_rows()
    XLSX.write_bytes(report_workbook(rows))
    CSV.write_bytes(report_csv(rows))
    return XLSX, CSV
