"""What the dashboard shows: its figures, changed proposals and the whole-page value object."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from projects.models import Confidence, Pillar, Portfolio, Proposal, ProposalStatus
from reviews.models import FollowUpAction, ReviewMeeting

from .followups import DepartmentRow

# 완료율 counts 이행후계속추진 as done (the pledge sites' "이행 완료 후 계속 추진" is finished and
# kept running); 이행률 adds 정상추진, as Korean local governments' pledge-tracking pages define it.
DONE_STATUSES = (ProposalStatus.DONE, ProposalStatus.DONE_CONTINUING)
IMPLEMENTED_STATUSES = (
    ProposalStatus.DONE,
    ProposalStatus.ON_TRACK,
    ProposalStatus.DONE_CONTINUING,
)
ACTIVE_EXCLUDED = (ProposalStatus.DONE, ProposalStatus.DROPPED)
LIST_LIMIT = 12
TREND_MONTHS = 12


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


@dataclass
class ProposalChange:
    id: int
    management_no: str
    title: str
    status: str
    base_status: str
    confidence: int | None
    base_confidence: int | None
    progress: int
    base_progress: int
    updates: int
    is_new: bool

    @property
    def status_label(self):
        return ProposalStatus(self.status).label

    @property
    def base_status_label(self):
        return ProposalStatus(self.base_status).label

    @property
    def confidence_label(self):
        return Confidence(self.confidence).label if self.confidence else ""

    @property
    def base_confidence_label(self):
        return Confidence(self.base_confidence).label if self.base_confidence else ""


@dataclass
class Dashboard:
    """Everything the page, the briefing and the exports show, as plain values."""

    today: datetime.date
    since: datetime.date | None
    since_meeting: ReviewMeeting | None
    next_meeting: ReviewMeeting | None
    total: int
    base_total: int | None
    status_counts: dict[str, int]
    base_status_counts: dict[str, int] | None
    figures: list[Figure]
    confidence_counts: dict[int | None, int]
    pillars: list[tuple[Pillar | None, dict[str, int], int]]
    status_changes: list[ProposalChange]
    confidence_changes: list[ProposalChange]
    confidence_down: list[ProposalChange]
    new_proposals: list[ProposalChange]
    updates_since: int
    proposals_updated_since: int
    stale_count: int
    stale: list[Proposal]
    stale_days: int
    new_actions: list[FollowUpAction]
    new_action_count: int
    completed_actions: list[FollowUpAction]
    completed_action_count: int
    departments: list[DepartmentRow]
    department_sort: str
    upcoming: list[FollowUpAction]
    upcoming_count: int
    trend: list[tuple[datetime.date, float]] = field(default_factory=list)
    demo_count: int = 0  # how many of the `total` proposals are demo (invented) rows
    portfolio: Portfolio | None = None
    measures: Measures | None = None
    pillar_measures: list[PillarMeasures] = field(default_factory=list)
    # The portfolio's proposals loaded now (whatever the filters) and the total its source
    # states; while loaded < stated, the page says so and every rate names its denominator.
    loaded_total: int = 0
    stated_total: int | None = None
    # The proposals that existed at the comparison moment and whose status, confidence or
    # progress differs now from then: the "changes since" list, exactly.
    changed: list[ProposalChange] = field(default_factory=list)

    @property
    def incomplete(self) -> bool:
        """Whether fewer proposals are loaded than the portfolio's source says it holds."""
        return self.stated_total is not None and self.loaded_total < self.stated_total
