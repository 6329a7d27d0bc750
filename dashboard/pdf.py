"""The one-page A4 briefing as PDF, in Korean with reportlab's built-in CID fonts (offline)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    KeepInFrame,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from reviews.hooks import AnnexRow, annex_header

from .briefing import annex_title, briefing_author, briefing_rows, briefing_title, demo_notice
from .selectors import Dashboard

FONT = "HYGothic-Medium"
MARGIN = 14 * mm
DEPARTMENT_ROWS = 10


def _register_font():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _styles():
    return {
        "title": ParagraphStyle("title", fontName=FONT, fontSize=16, leading=20, spaceAfter=2),
        "sub": ParagraphStyle(
            "sub", fontName=FONT, fontSize=8.5, leading=11, textColor=colors.HexColor("#333333")
        ),
        "h2": ParagraphStyle("h2", fontName=FONT, fontSize=11, leading=14, spaceBefore=6),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10),
        "notice": ParagraphStyle(
            "notice",
            fontName=FONT,
            fontSize=9.5,
            leading=12,
            textColor=colors.HexColor("#6b2d00"),
            backColor=colors.HexColor("#fff0e0"),
            borderColor=colors.HexColor("#b35c00"),
            borderWidth=0.6,
            borderPadding=3,
            spaceBefore=5,
            spaceAfter=3,
        ),
    }


def _p(text, style) -> Paragraph:
    """A paragraph of plain text: reportlab reads markup (<img src=...>, <a>, <font>) in a
    Paragraph, so every value is escaped, as in the minutes PDF."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows, style, widths=None) -> Table:
    cells = [[_p(value, style) for value in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE5EE")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def _annex(dashboard: Dashboard, annex: list[AnnexRow], more: bool, styles, width) -> list:
    """The annex (별첨) on the pages after the briefing: the evidence files, one row each."""
    story: list[Flowable] = [PageBreak(), _p(annex_title(dashboard, len(annex)), styles["h2"])]
    if more:
        story.append(
            _p(
                _("최근 %(n)s건만 싣습니다. 나머지는 각 화면에서 확인하세요.") % {"n": len(annex)},
                styles["sub"],
            )
        )
    rows = [annex_header()] + [row.cells(number) for number, row in enumerate(annex, 1)]
    fractions = [0.05, 0.22, 0.07, 0.09, 0.14, 0.18, 0.25]
    story.append(_table(rows, styles["cell"], [width * f for f in fractions]))
    return story


def briefing_pdf(
    dashboard: Dashboard, annex: list[AnnexRow] = (), annex_more: bool = False
) -> bytes:
    """Return the briefing as a single A4 page; long tables shrink to fit, never spill over.

    Evidence files in `annex` (`dashboard.annex.briefing_annex`) follow as an annex (별첨) on
    the next pages; without any, the PDF is the one page."""
    _register_font()
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_("광양시 미래 신성장 사업 점검 브리핑"),
        author=briefing_author(dashboard),
    )
    title, sub = briefing_title(dashboard)
    story: list[Flowable] = [_p(title, styles["title"]), _p(sub, styles["sub"])]
    notice = demo_notice(dashboard)
    if notice:
        story.append(_p(notice, styles["notice"]))
    width = doc.width
    for heading, rows in briefing_rows(dashboard):
        if len(rows) > DEPARTMENT_ROWS + 1:
            rows = rows[: DEPARTMENT_ROWS + 1]
        widths = None
        if len(rows[0]) > 2:
            first = width * (0.34 if len(rows[0]) > 5 else 0.4)
            rest = (width - first) / (len(rows[0]) - 1)
            widths = [first] + [rest] * (len(rows[0]) - 1)
        story += [_p(heading, styles["h2"]), _table(rows, styles["cell"], widths)]
    story.append(Spacer(1, 4))
    frame = KeepInFrame(width, doc.height, story, mode="shrink")
    annex = list(annex)
    doc.build([frame, *(_annex(dashboard, annex, annex_more, styles, width) if annex else [])])
    return buffer.getvalue()
