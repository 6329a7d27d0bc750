"""The briefing's content as titled tables, shared by the XLSX and the PDF briefing."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.models import Confidence, ProposalStatus

from .selectors import Dashboard


def _fmt(figure) -> tuple[str, str, str]:
    suffix = "%" if figure.percent else ""
    now = "–" if figure.value is None else f"{figure.value}{suffix}"
    if figure.base is None or figure.value is None:
        return now, "-", "-"
    delta = figure.delta
    sign = "+" if delta > 0 else ""
    return now, f"{figure.base}{suffix}", f"{sign}{delta}{'%p' if figure.percent else ''}"


def since_text(dashboard: Dashboard) -> str:
    """Describe the comparison moment in a sentence."""
    if dashboard.since is None:
        return _("비교할 지난 보고회가 없습니다.")
    if dashboard.since_meeting is not None:
        return _("비교 기준: 지난 보고회 %(title)s (%(date)s)") % {
            "title": dashboard.since_meeting.title,
            "date": f"{dashboard.since:%Y-%m-%d}",
        }
    return _("비교 기준: %(date)s") % {"date": f"{dashboard.since:%Y-%m-%d}"}


def _rate(value) -> str:
    return "–" if value is None else f"{value}%"


def _rates(measures) -> list[str]:
    return [
        _rate(measures.implementation_rate),
        _rate(measures.done_rate),
        _rate(measures.avg_progress),
    ]


def denominator_text(dashboard: Dashboard) -> str:
    """Name every rate's denominator, and say plainly when fewer proposals are loaded than
    the portfolio's source states ("35개 중 9개 등록")."""
    text = _(
        "이행률 = (완료 + 정상추진 + 이행후계속추진) ÷ 등록 사업, "
        "완료율 = (완료 + 이행후계속추진) ÷ 등록 사업: 등록된 %(n)s건 기준."
    ) % {"n": dashboard.total}
    if dashboard.incomplete:
        text += " " + _("%(stated)s개 중 %(loaded)s개 등록: 사업군 전체의 비율이 아닙니다.") % {
            "stated": dashboard.stated_total,
            "loaded": dashboard.loaded_total,
        }
    return text


def _changes(dashboard: Dashboard) -> list[list]:
    """The change counts since the comparison moment and, beside them, since the last round's
    frozen figures (when a round has been frozen)."""
    to_done = sum(c.status == ProposalStatus.DONE for c in dashboard.status_changes)
    rows = [
        [_("상태 변경 사업"), len(dashboard.status_changes)],
        [_("완료로 바뀐 사업"), to_done],
        [_("신뢰도 변경 사업"), len(dashboard.confidence_changes)],
        [_("신뢰도 하락 사업"), len(dashboard.confidence_down)],
        [_("새 사업"), len(dashboard.new_proposals)],
        [_("새 추진 현황"), dashboard.updates_since],
        [
            _("%(days)s일 이상 미갱신 사업") % {"days": dashboard.stale_days},
            dashboard.stale_count,
        ],
        [_("새 후속조치"), dashboard.new_action_count],
        [_("완료된 후속조치"), dashboard.completed_action_count],
    ]
    r = dashboard.since_round
    if r is None:
        return [[_("구분"), _("건수")], *rows]
    since_round = [
        r.status_changes,
        r.to_done,
        r.confidence_changes,
        r.confidence_down,
        r.new_proposals,
        r.updates,
        "-",
        r.new_actions,
        r.completed_actions,
    ]
    header = [
        _("구분"),
        _("지난 보고회 이후") if dashboard.since_meeting else _("비교 기간"),
        _("지난 점검 회차 이후 (%(name)s)") % {"name": r.round.name},
    ]
    return [header, *[[*row, value] for row, value in zip(rows, since_round, strict=True)]]


def briefing_rows(dashboard: Dashboard) -> list[tuple[str, list[list]]]:
    """Return the briefing as titled tables (first row is the header), shared by XLSX and PDF."""
    headline = [[_("항목"), _("현재"), _("비교 시점"), _("증감")]]
    headline += [[str(f.label), *_fmt(f)] for f in dashboard.figures]

    statuses = list(ProposalStatus)
    matrix = [[_("전략"), *[str(s.label) for s in statuses], _("합계")]]
    for pillar, cells, total in dashboard.pillars:
        name = f"{pillar.number}. {pillar.name}" if pillar else _("미지정")
        matrix.append([name, *[cells.get(s.value, 0) for s in statuses], total])
    matrix.append(
        [_("합계"), *[dashboard.status_counts.get(s.value, 0) for s in statuses], dashboard.total]
    )

    measures = [[_("전략"), _("등록 사업"), _("이행률"), _("완료율"), _("평균 진척률")]]
    for row in dashboard.pillar_measures:
        name = f"{row.pillar.number}. {row.pillar.name}" if row.pillar else _("미지정")
        measures.append([name, row.measures.total, *_rates(row.measures)])
    if dashboard.measures is not None:
        measures.append([_("합계"), dashboard.measures.total, *_rates(dashboard.measures)])

    confidence = [[str(c.label) for c in Confidence] + [_("미평가")]]
    confidence.append(
        [dashboard.confidence_counts.get(c.value, 0) for c in Confidence]
        + [dashboard.confidence_counts.get(None, 0)]
    )

    changes = _changes(dashboard)

    departments = [[_("부서"), _("진행"), _("기한 경과"), _("기한 내 완료"), _("기한 후 완료")]]
    by_overdue = sorted(dashboard.departments, key=lambda r: (-r.overdue, -r.open, r.department))
    departments += [
        [r.department or _("미지정"), r.open, r.overdue, r.on_time, r.late] for r in by_overdue
    ]

    upcoming = [[_("기한"), _("부서"), _("후속조치")]]
    upcoming += [
        [
            f"{a.due_date:%Y-%m-%d}",
            str(a.owner_department or _("미지정")),
            a.description[:60],
        ]
        for a in dashboard.upcoming
    ]
    return [
        (_("주요 지표"), headline),
        (_("전략별 이행률"), measures),
        (_("전략별 추진 상태"), matrix),
        (_("추진 신뢰도 분포"), confidence),
        (_("지난 보고회 이후 변동"), changes),
        (_("부서별 후속조치"), departments),
        (_("다가오는 기한(14일)"), upcoming),
    ]


def demo_notice(dashboard: Dashboard) -> str:
    """Say how many of the briefing's proposals are demo (invented) rows; '' when none are."""
    if not dashboard.demo_count:
        return ""
    return ngettext(
        "이 브리핑의 사업 %(total)s건 중 %(demo)s건은 데모(가상) 자료입니다.",
        "이 브리핑의 사업 %(total)s건 중 %(demo)s건은 데모(가상) 자료입니다.",
        dashboard.demo_count,
    ) % {"total": dashboard.total, "demo": dashboard.demo_count}


def briefing_author(dashboard: Dashboard) -> str:
    """The briefing's author line: the city's name alone only when no demo row is in it."""
    if dashboard.demo_count:
        return _("광양시 포트폴리오 (데모 자료 포함)")
    return _("광양시")


def briefing_title(dashboard: Dashboard) -> tuple[str, str]:
    title = _("광양시 미래 신성장 사업 점검 브리핑")
    sub = _("기준일 %(today)s · ") % {"today": f"{dashboard.today:%Y-%m-%d}"} + since_text(
        dashboard
    )
    if dashboard.portfolio is not None:
        sub = _("사업군 %(name)s · ") % {"name": dashboard.portfolio.name} + sub
    if dashboard.next_meeting:
        sub += " · " + _("다음 보고회 %(date)s %(title)s") % {
            "date": f"{dashboard.next_meeting.held_on:%Y-%m-%d}",
            "title": dashboard.next_meeting.title,
        }
    return title, sub + " · " + denominator_text(dashboard)


def annex_title(dashboard: Dashboard, count: int) -> str:
    """The heading of the briefing's annex: which files it lists."""
    if dashboard.since is None:
        return _("별첨: 증빙 파일 목록 (%(n)s건)") % {"n": count}
    return _("별첨: %(date)s 이후 올린 증빙 파일 목록 (%(n)s건)") % {
        "date": f"{dashboard.since:%Y-%m-%d}",
        "n": count,
    }
