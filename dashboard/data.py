"""What the dashboard shows: its figures, changed proposals and the whole-page value object."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from projects.models import Confidence, Pillar, Portfolio, Proposal, ProposalStatus
from reviews.models import FollowUpAction, ReviewMeeting

from .followups import DepartmentRow
from .measures import Figure, Measures, PillarMeasures
from .since_round import RoundChanges

ACTIVE_EXCLUDED = (ProposalStatus.DONE, ProposalStatus.DROPPED)
LIST_LIMIT = 12
TREND_MONTHS = 12


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
    # What changed since the portfolio's last frozen round figures (None: no round frozen yet).
    since_round: RoundChanges | None = None

    @property
    def incomplete(self) -> bool:
        """Whether fewer proposals are loaded than the portfolio's source says it holds."""
        return self.stated_total is not None and self.loaded_total < self.stated_total
