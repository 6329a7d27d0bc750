"""Reads of the rounds: what each department still owes, rates per department, open rounds.

Every page reads through these, with a fixed number of queries whatever the data size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch

from projects.models import Department, Proposal

from .models import RoundState, RoundSubmission, SubmissionState, UpdateRound

# A proposal's answer still owed: nothing submitted yet, or the current one returned.
OUTSTANDING = "missing", SubmissionState.RETURNED
DONE_STATES = (SubmissionState.SUBMITTED, SubmissionState.CONFIRMED)


def current_submissions(round_: UpdateRound) -> dict[int, RoundSubmission]:
    """Return {proposal_id: current submission} of a round (one query)."""
    rows = round_.submissions.filter(is_current=True).select_related("submitted_by")
    return {s.proposal_id: s for s in rows}


def proposal_state(submission: RoundSubmission | None) -> str:
    """'missing' for no submission, else the submission's state."""
    return "missing" if submission is None else submission.state


@dataclass
class DepartmentRate:
    department: Department | None
    total: int = 0
    submitted: int = 0
    pending: int = 0
    confirmed: int = 0
    returned: int = 0
    missing: int = 0
    proposals: list = field(default_factory=list)

    @property
    def outstanding(self) -> int:
        return self.returned + self.missing

    @property
    def answered_rate(self) -> int:
        """Share (%) with an answer that is not returned (submitted, pending or confirmed)."""
        return _pct(self.submitted + self.pending + self.confirmed, self.total)

    @property
    def done_rate(self) -> int:
        """Share (%) accepted: applied without need of confirmation, or confirmed."""
        return _pct(self.submitted + self.confirmed, self.total)


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass
class RoundStatus:
    round: UpdateRound
    departments: list[DepartmentRate]
    total: DepartmentRate
    overdue: list[DepartmentRate]


def round_status(round_: UpdateRound, *, today: datetime.date) -> RoundStatus:
    """Count each department's proposals by answer (three queries)."""
    proposals = list(round_.proposals.select_related("lead_department").order_by("management_no"))
    current = current_submissions(round_)
    by_dept: dict[int | None, DepartmentRate] = {}
    total = DepartmentRate(None)
    for proposal in proposals:
        rate = by_dept.setdefault(
            proposal.lead_department_id, DepartmentRate(proposal.lead_department)
        )
        state = proposal_state(current.get(proposal.pk))
        for r in (rate, total):
            r.total += 1
            setattr(r, state, getattr(r, state) + 1)
        rate.proposals.append((proposal, current.get(proposal.pk)))
    departments = sorted(
        by_dept.values(), key=lambda r: (-r.outstanding, r.department.name if r.department else "")
    )
    late = round_.is_open and today > round_.due_date
    overdue = [r for r in departments if late and r.outstanding and r.department]
    return RoundStatus(round_, departments, total, overdue)


def outstanding_proposals(round_: UpdateRound, department_id: int) -> list[Proposal]:
    """Return the proposals of `department_id` in the round still owing an answer."""
    answered = round_.submissions.filter(is_current=True).exclude(state=SubmissionState.RETURNED)
    return list(
        round_.proposals.filter(lead_department_id=department_id)
        .exclude(pk__in=answered.values("proposal_id"))
        .order_by("management_no")
    )


def overdue_department_ids(round_: UpdateRound) -> list[int]:
    """Return the departments with an outstanding proposal (whatever the date)."""
    answered = round_.submissions.filter(is_current=True).exclude(state=SubmissionState.RETURNED)
    return sorted(
        set(
            round_.proposals.exclude(pk__in=answered.values("proposal_id"))
            .exclude(lead_department__isnull=True)
            .values_list("lead_department_id", flat=True)
        )
    )


def open_round_for(proposal_id: int) -> UpdateRound | None:
    """Return the open round that has the proposal in scope (the latest one), if any."""
    return (
        UpdateRound.objects.filter(state=RoundState.OPEN, proposals=proposal_id)
        .order_by("-as_of", "-id")
        .first()
    )


@dataclass
class DepartmentRound:
    """A head's view of one open round: their proposals and what each still needs."""

    round: UpdateRound
    rows: list  # (proposal, current submission or None)

    @property
    def left(self) -> int:
        return sum(proposal_state(s) in OUTSTANDING for _p, s in self.rows)


def open_rounds_for_department(department_id: int) -> list[DepartmentRound]:
    """The open rounds with proposals of the department, each with its rows (three queries)."""
    proposals = Proposal.objects.filter(lead_department_id=department_id).order_by("management_no")
    rounds = list(
        UpdateRound.objects.filter(state=RoundState.OPEN, proposals__lead_department=department_id)
        .distinct()
        .order_by("due_date", "id")
        .prefetch_related(
            Prefetch("proposals", queryset=proposals, to_attr="dept_proposals"),
            Prefetch(
                "submissions",
                queryset=RoundSubmission.objects.filter(
                    is_current=True, proposal__lead_department_id=department_id
                ),
                to_attr="dept_current",
            ),
        )
    )
    result = []
    for r in rounds:
        current = {s.proposal_id: s for s in r.dept_current}
        result.append(DepartmentRound(r, [(p, current.get(p.pk)) for p in r.dept_proposals]))
    return result


def pending_queue(round_: UpdateRound):
    """Current submissions planning may still confirm or return (pending and submitted)."""
    return (
        round_.submissions.filter(
            is_current=True, state__in=[SubmissionState.PENDING, SubmissionState.SUBMITTED]
        )
        .select_related("proposal", "proposal__lead_department", "submitted_by")
        .prefetch_related("evidence")
        .order_by("proposal__management_no")
    )


def pending_submissions(proposals, *, limit: int = 20) -> tuple[int, list[RoundSubmission]]:
    """Submissions awaiting confirmation among `proposals` (a queryset): (count, first rows)."""
    rows = RoundSubmission.objects.filter(
        is_current=True, state=SubmissionState.PENDING, proposal__in=proposals.values("pk")
    )
    first = list(
        rows.select_related("proposal", "round").order_by("proposal__management_no")[:limit]
    )
    return (len(first) if len(first) < limit else rows.count()), first
