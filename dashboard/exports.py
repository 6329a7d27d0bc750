"""Briefing outputs: the one-page XLSX and PDF briefings and the XLSX exports of lists."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.text import spreadsheet_cell, spreadsheet_row

from .briefing import briefing_author, briefing_rows, briefing_title, demo_notice
from .pdf import briefing_pdf  # noqa: F401  (re-exported: one module for every download)
from .selectors import Dashboard

HEADER_FILL = PatternFill("solid", fgColor="DDE5EE")
BOLD = Font(bold=True)
DEMO_FILL = PatternFill("solid", fgColor="FFF0E0")


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def briefing_xlsx(dashboard: Dashboard) -> bytes:
    """Return the briefing as one worksheet set to print on a single A4 page."""
    workbook = Workbook()
    workbook.properties.creator = briefing_author(dashboard)
    sheet = workbook.active
    sheet.title = _("브리핑")
    title, sub = briefing_title(dashboard)
    sheet.append([spreadsheet_cell(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([spreadsheet_cell(sub)])
    notice = demo_notice(dashboard)
    if notice:
        sheet.append([spreadsheet_cell(notice)])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, color="6B2D00")
        sheet.cell(sheet.max_row, 1).fill = DEMO_FILL
    for heading, table in briefing_rows(dashboard):
        sheet.append([])
        sheet.append([spreadsheet_cell(heading)])
        sheet.cell(sheet.max_row, 1).font = BOLD
        for index, row in enumerate(table):
            sheet.append(spreadsheet_row(row))
            if index == 0:
                for cell in sheet[sheet.max_row]:
                    cell.font, cell.fill = BOLD, HEADER_FILL
    sheet.column_dimensions["A"].width = 34
    for column in range(2, 10):
        sheet.column_dimensions[get_column_letter(column)].width = 12
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    return _save(workbook)


def _table_sheet(title: str, header: list[str], rows) -> bytes:
    """Every cell goes through core.text.spreadsheet_cell: text is never a live formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.append(spreadsheet_row(header))
    for row in rows:
        sheet.append(spreadsheet_row(row))
    return _save(workbook)


def proposals_xlsx(proposals) -> bytes:
    """Return the given proposals as a worksheet, one row each (streamed, any size)."""
    header = [
        _("관리번호"),
        _("사업명"),
        _("전략"),
        _("주관부서"),
        _("추진 상태"),
        _("추진 신뢰도"),
        _("진척률(%)"),
        _("최근 현황 갱신"),
        _("자료 출처"),
    ]
    rows = (
        [
            p.management_no,
            p.title,
            str(p.pillar) if p.pillar else "",
            p.lead_department.name if p.lead_department else "",
            p.get_status_display(),
            p.get_confidence_display() if p.confidence else "",
            p.progress,
            timezone.localtime(p.last_update_at).strftime("%Y-%m-%d %H:%M")
            if p.last_update_at
            else "",
            p.get_data_source_display(),
        ]
        for p in proposals.iterator(chunk_size=2000)
    )
    return _table_sheet(_("사업 목록"), header, rows)


def actions_xlsx(actions, *, today) -> bytes:
    """Return the given follow-up actions as a worksheet, one row each (streamed, any size)."""
    header = [
        _("보고회"),
        _("개최일"),
        _("사업"),
        _("유형"),
        _("내용"),
        _("담당 부서"),
        _("기한"),
        _("상태"),
        _("기한 경과"),
        _("완료일"),
    ]
    rows = (
        [
            a.meeting.title,
            a.meeting.held_on,
            str(a.proposal) if a.proposal else "",
            a.get_kind_display(),
            a.description,
            a.owner_department.name if a.owner_department else "",
            a.due_date,
            a.get_state_display(),
            _("예") if a.is_overdue_on(today) else "",
            a.completed_at.date() if a.completed_at else None,
        ]
        for a in actions.iterator(chunk_size=2000)
    )
    return _table_sheet(_("후속조치"), header, rows)
