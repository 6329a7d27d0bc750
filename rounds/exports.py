"""The agenda pack of a round: its frozen snapshot as PDF (reportlab) and XLSX (openpyxl).

Built only from the stored snapshot, so later updates never change it. Text is escaped
before it reaches reportlab's mark-up.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONT = "HYSMyeongJo-Medium"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("round-body", fontName=FONT, fontSize=8.5, leading=11, wordWrap="CJK")
H1 = ParagraphStyle("round-h1", parent=BODY, fontSize=14, leading=19, spaceAfter=6)

SUBMISSION_LABELS = {
    "missing": "미제출",
    "submitted": "제출",
    "pending": "확인 대기",
    "confirmed": "확인 완료",
    "returned": "반려",
}


def _p(text, style=BODY) -> Paragraph:
    return Paragraph(
        escape(str(text if text not in (None, "") else "—")).replace("\n", "<br/>"), style
    )


def _columns():
    return [
        _("관리번호"),
        _("사업명"),
        _("주관부서"),
        _("추진 상태"),
        _("신뢰도"),
        _("진척률(%)"),
        _("제출"),
        _("추진 내용"),
        _("문제점"),
    ]


def _values(row: dict) -> list:
    return [
        row["management_no"],
        row["title"],
        row["department"],
        row["status_label"],
        row["confidence_label"],
        row["progress"],
        _(SUBMISSION_LABELS.get(row["submission"], row["submission"])),
        row["what_changed"],
        row["issues"],
    ]


def _title(snapshot: dict) -> str:
    return _("%(round)s 기준 현황 (기준일 %(as_of)s, 고정 %(at)s)") % {
        "round": snapshot["round"],
        "as_of": snapshot["as_of"],
        "at": snapshot["taken_at"][:16].replace("T", " "),
    }


def pack_pdf(snapshot: dict) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=snapshot["round"],
    )
    widths = [x * mm for x in (22, 58, 30, 20, 24, 16, 18, 45, 40)]
    table = Table(
        [[_p(c) for c in _columns()]]
        + [[_p(v) for v in _values(r)] for r in snapshot["proposals"]],
        colWidths=widths,
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    doc.build([_p(_title(snapshot), H1), table])
    return buffer.getvalue()


def _cell(value):
    # A text starting with = + - @ would be read as a formula by Excel: keep it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def pack_xlsx(snapshot: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("기준 현황")
    ws.append([_title(snapshot)])
    ws["A1"].font = Font(bold=True)
    ws.append(_columns())
    for r in snapshot["proposals"]:
        ws.append([_cell(v) for v in _values(r)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
