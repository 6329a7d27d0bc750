"""The pledge measures (이행률, 완료율, 평균 진척률) and the headline figures, computed from the
stored statuses and progress, never typed.

- 이행률 = (완료 + 정상추진 + 이행후계속추진) ÷ 등록된 사업 수, as the pledge-tracking
  (공약 이행 현황) pages of Korean local governments define it;
- 완료율 = (완료 + 이행후계속추진) ÷ 등록된 사업 수 (이행후계속추진 is finished work that keeps
  running, so it counts as done);
- 평균 진척률 = the sum of progress ÷ 등록된 사업 수.

A rate over no proposal is None, shown as "–".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from projects.models import Pillar, ProposalStatus

FIGURE_LABELS = {
    "total": _("등록 사업"),
    "implementation_rate": _("이행률"),
    "done_rate": _("완료율"),
    "on_track_rate": _("정상추진 비율"),
    "avg_progress": _("평균 진척률"),
    "actions_open": _("진행 중 후속조치"),
    "actions_overdue": _("기한 경과 후속조치"),
}


@dataclass
class Figure:
    """A headline figure now and at the comparison moment."""

    key: str
    value: float | int | None  # None: a rate over no proposal, shown as "–", never as 0
    base: float | int | None
    percent: bool = False

    @property
    def label(self):
        return FIGURE_LABELS[self.key]

    @property
    def delta(self):
        if self.base is None or self.value is None:
            return None
        delta = self.value - self.base
        return round(delta, 1) if self.percent else delta


DONE_STATUSES = (ProposalStatus.DONE, ProposalStatus.DONE_CONTINUING)
IMPLEMENTED_STATUSES = (
    ProposalStatus.DONE,
    ProposalStatus.ON_TRACK,
    ProposalStatus.DONE_CONTINUING,
)


def ratio(part: int, whole: int) -> float | None:
    """Return part ÷ whole as a percentage to 0.1; None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Measures:
    """The pledge measures of a set of proposals, computed from their statuses and progress.

    이행률 = (완료 + 정상추진 + 이행후계속추진) ÷ 등록된 사업 수;
    완료율 = (완료 + 이행후계속추진) ÷ 등록된 사업 수; 평균 진척률 = 진척률의 합 ÷ 등록된 사업 수.
    Every rate is None over no proposal.
    """

    total: int
    implemented: int
    done: int
    progress_sum: int

    @classmethod
    def of(cls, status_counts: dict[str, int], progress_sum: int) -> Measures:
        return cls(
            total=sum(status_counts.values()),
            implemented=sum(status_counts.get(s, 0) for s in IMPLEMENTED_STATUSES),
            done=sum(status_counts.get(s, 0) for s in DONE_STATUSES),
            progress_sum=progress_sum or 0,
        )

    @property
    def implementation_rate(self) -> float | None:
        return ratio(self.implemented, self.total)

    @property
    def done_rate(self) -> float | None:
        return ratio(self.done, self.total)

    @property
    def avg_progress(self) -> float | None:
        return round(self.progress_sum / self.total, 1) if self.total else None


@dataclass
class PillarMeasures:
    """One pillar's row of measures (pillar None: proposals without a pillar)."""

    pillar: Pillar | None
    measures: Measures


def headline_figures(total, status_counts, progress_sum, base, action_totals):
    """Build the headline figures; `base` is None when there is nothing to compare with.

    A rate over no proposal is None (shown as "–"), never 0."""
    now = Measures.of(status_counts, progress_sum)
    on_track = status_counts[ProposalStatus.ON_TRACK]
    if base is None:
        then = Measures(0, 0, 0, 0)
        b_total = b_on_track = b_open = b_overdue = None
    else:
        b_status, b_total, b_progress = base
        then = Measures.of(b_status, b_progress)
        b_on_track = ratio(b_status[ProposalStatus.ON_TRACK], b_total)
        b_open, b_overdue = action_totals["base_open"], action_totals["base_overdue"]
    compare = base is not None
    return [
        Figure("total", total, b_total),
        Figure(
            "implementation_rate",
            now.implementation_rate,
            then.implementation_rate if compare else None,
            percent=True,
        ),
        Figure("done_rate", now.done_rate, then.done_rate if compare else None, percent=True),
        Figure("on_track_rate", ratio(on_track, total), b_on_track, percent=True),
        Figure(
            "avg_progress", now.avg_progress, then.avg_progress if compare else None, percent=True
        ),
        Figure("actions_open", action_totals["open"], b_open),
        Figure("actions_overdue", action_totals["overdue"], b_overdue),
    ]
