"""Write report tables: the downloadable template, the sample report, benchmark files."""

from __future__ import annotations

import csv
import io

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill

from .columns import HEADERS

EXAMPLE_ROW = {
    "관리번호": "예시-01",
    "전략": 1,
    "사업명": "[예시] 이 행은 작성 예시입니다. 지우고 쓰세요",
    "주관부서": "기획예산실",
    "협조부서": "항만물류과, 기업지원과",
    "사업개요": "사업의 목적과 주요 내용을 적습니다.",
    "구분": "신규",
    "사업기간": "2024~2030",
    "총사업비(백만원)": 12500,
    "재원": "국비·도비·시비",
    "비고": "전략은 번호(1~5)나 이름으로, 여러 부서·재원은 쉼표나 가운뎃점(·)으로 나눕니다.",
}
WIDTHS = {
    "관리번호": 12,
    "전략": 8,
    "사업명": 40,
    "주관부서": 14,
    "협조부서": 24,
    "사업개요": 50,
    "구분": 8,
    "사업기간": 12,
    "총사업비(백만원)": 16,
    "재원": 16,
    "비고": 40,
}


def report_workbook(rows: list[dict], sheet_title: str = "사업목록") -> bytes:
    """Return an .xlsx with the report's headers and `rows` (dicts keyed by header)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        cell.alignment = Alignment(horizontal="center")
    for index, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = WIDTHS.get(
            header, 12
        )
    for row in rows:
        sheet.append([row.get(header) for header in HEADERS])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_csv(rows: list[dict], encoding: str = "utf-8-sig") -> bytes:
    """Return a CSV with the report's headers and `rows`; UTF-8 with BOM opens well in Excel."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else row.get(h) for h in HEADERS])
    return buffer.getvalue().encode(encoding)


def template_workbook() -> bytes:
    """Return the blank template: the headers and one example row."""
    return report_workbook([EXAMPLE_ROW], sheet_title="사업목록")
