"""What the dashboard shows: its figures, changed proposals and the whole-page value object."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from projects.models import Confidence, Pillar, Proposal, ProposalStatus
from reviews.models import FollowUpAction, ReviewMeeting

from .followups import DepartmentRow

DONE_STATUSES = (ProposalStatus.DONE, ProposalStatus.DONE_CONTINUING)
ACTIVE_EXCLUDED = (ProposalStatus.DONE, ProposalStatus.DROPPED)
LIST_LIMIT = 12
TREND_MONTHS = 12


FIGURE_LABELS = {
    "total": _("전체 사업"),
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
    value: float | int
    base: float | int | None
    percent: bool = False

    @property
    def label(self):
        return FIGURE_LABELS[self.key]

    @property
    def delta(self):
        if self.base is None:
            return None
        delta = self.value - self.base
        return round(delta, 1) if self.percent else delta


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
