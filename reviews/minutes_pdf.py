"""Render a meeting's minutes as PDF with reportlab's built-in Korean CID font (no files)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.utils.translation import gettext as t
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .hooks import AnnexRow, annex_header

FONT = "HYSMyeongJo-Medium"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, wordWrap="CJK")
H1 = ParagraphStyle("h1", parent=BODY, fontSize=15, leading=20, spaceAfter=6)
H2 = ParagraphStyle("h2", parent=BODY, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)


def _p(text, style=BODY) -> Paragraph:
    return Paragraph(escape(str(text or "—")).replace("\n", "<br/>"), style)


def _table(header, rows, widths) -> Table:
    table = Table(
        [[_p(h) for h in header]] + [[_p(c) for c in r] for r in rows],
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
    return table


def attendance_text(meeting) -> str:
    """Who attended, as the meeting pages say it (reviewmeeting_attendance.html).

    The attending departments, and the count of department heads where it was recorded
    (the 2023 meeting has only "부서장 15명"); "기록 없음" when neither is known.
    """
    parts = []
    departments = ", ".join(d.name for d in meeting.attending_departments.all())
    if departments:
        parts.append(departments)
    if meeting.attendee_count:
        parts.append(t("부서장 %(n)s명") % {"n": meeting.attendee_count})
    return " · ".join(parts) or t("기록 없음")


def annex_story(annex: list[AnnexRow]) -> list:
    """The annex (별첨): every file attached to the meeting, what it is and belongs to."""
    if not annex:
        return []
    return [
        _p(t("별첨: 증빙 파일 목록 (%(n)s건)") % {"n": len(annex)}, H2),
        _table(
            annex_header(),
            [row.cells(number) for number, row in enumerate(annex, 1)],
            [9 * mm, 40 * mm, 13 * mm, 16 * mm, 26 * mm, 32 * mm, 44 * mm],
        ),
    ]


def minutes_pdf(meeting, out, annex: list[AnnexRow] = ()) -> None:
    """Write the minutes of `meeting` (reviews, actions, amendments) as PDF into `out`, with
    the annex of attached files (`reviews.hooks.minutes_annex`) at the end."""
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=meeting.title,
    )
    demo = " [" + t("데모") + "]" if meeting.data_source == "demo" else ""
    story = [
        _p(f"{meeting.title}{demo}", H1),
        _p(
            f"{t('개최일')}: {meeting.held_on:%Y-%m-%d}   "
            f"{t('장소')}: {meeting.location or t('미정')}   "
            f"{t('주재')}: {meeting.chair_display or t('미정')}   "
            f"{t('상태')}: {meeting.get_state_display()}"
        ),
        _p(f"{t('참석')}: {attendance_text(meeting)}"),
        Spacer(1, 4 * mm),
    ]
    if meeting.minutes:
        story += [_p(t("회의록"), H2), _p(meeting.minutes)]
    story += [_p(t("사업 검토"), H2)]
    reviews = [
        (r.proposal.title, r.get_feasibility_display(), r.gaps, r.remedies, r.decision)
        for r in meeting.reviews.all()
    ]
    story.append(
        _table(
            [t("사업"), t("타당성"), t("미비점"), t("보완방안"), t("결정")],
            reviews or [[t("안건이 없습니다.")] + [""] * 4],
            [50 * mm, 20 * mm, 37 * mm, 37 * mm, 36 * mm],
        )
    )
    story += [_p(t("후속조치"), H2)]
    actions = [
        (
            a.get_kind_display(),
            a.description,
            a.owner_department or t("미지정"),
            a.due_date.isoformat() if a.due_date else t("미정"),
            a.get_state_display(),
        )
        for a in meeting.actions.all()
    ]
    story.append(
        _table(
            [t("유형"), t("내용"), t("담당 부서"), t("기한"), t("상태")],
            actions or [[t("후속조치가 없습니다.")] + [""] * 4],
            [28 * mm, 72 * mm, 32 * mm, 24 * mm, 24 * mm],
        )
    )
    amendments = list(meeting.amendments.all())
    if amendments:
        story += [_p(t("정정 이력"), H2)]
        rows = [
            (
                f"{a.amended_at:%Y-%m-%d %H:%M}",
                a.amended_by.display_name,
                a.target,
                "; ".join(f"{c['label']}: {c['old']} → {c['new']}" for c in a.changes),
                a.reason,
            )
            for a in amendments
        ]
        story.append(
            _table(
                [t("일시"), t("정정자"), t("대상"), t("변경"), t("사유")],
                rows,
                [26 * mm, 22 * mm, 38 * mm, 60 * mm, 34 * mm],
            )
        )
    story += annex_story(list(annex))
    doc.build(story)
