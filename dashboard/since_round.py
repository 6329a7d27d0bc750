""" "Since the last round" (지난 점검 회차 이후): what changed after the portfolio's latest
frozen round figures (`UpdateRound.snapshot_at`), beside "since the last meeting".

The same rules as the meeting comparison (`dashboard.selectors`), with the round's snapshot
moment for the meeting's day: a proposal's state then is the `previous_*` of its first status
update after the snapshot (status only changes through status updates); a proposal is new if
the city first knew it after the round's as-of date and it had no update before the snapshot;
a follow-up is new if its meeting was held after the as-of date.

Costs two queries on a dashboard miss (the round; the first updates since its snapshot); the
new proposals and the follow-up counts ride on the totals' aggregate queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q

from projects.models import ProposalStatus, StatusUpdate
from reviews.models import ActionState
from rounds.models import UpdateRound

LIST_LIMIT = 12


@dataclass
class RoundChanges:
    """The change counts since the round's snapshot, and the status changes to list."""

    round: UpdateRound
    since_at: datetime.datetime
    changed: int = 0  # status, confidence or progress differs from then
    updates: int = 0
    proposals_updated: int = 0
    status_changes: int = 0
    to_done: int = 0  # moved to 완료
    confidence_changes: int = 0
    confidence_down: int = 0
    new_proposals: int = 0
    new_actions: int = 0
    completed_actions: int = 0
    # (proposal id, title, status then, status now) of the first LIST_LIMIT status changes
    status_list: list[tuple[int, str, str, str]] = field(default_factory=list)

    @property
    def status_list_more(self) -> int:
        return max(self.status_changes - len(self.status_list), 0)


def last_round(portfolio) -> UpdateRound | None:
    """The portfolio's round whose figures were frozen last (snapshot or close), if any; the
    snapshot's JSON itself is not read (one query)."""
    if portfolio is None:
        return None
    return (
        UpdateRound.objects.filter(portfolio=portfolio, snapshot_at__isnull=False)
        .defer("snapshot")
        .order_by("-snapshot_at", "-id")
        .first()
    )


def _earlier_update(round_: UpdateRound, ref: str):
    return Exists(
        StatusUpdate.objects.filter(proposal=OuterRef(ref), created_at__lt=round_.snapshot_at)
    )


def is_new_annotation(round_: UpdateRound):
    """For the first-updates query: whether the row's proposal is new since the round."""
    return ExpressionWrapper(
        Q(proposal__known_since__gt=round_.as_of) & ~_earlier_update(round_, "proposal_id"),
        output_field=BooleanField(),
    )


def proposal_aggregates(round_: UpdateRound | None) -> dict:
    """Extra aggregates of the proposal totals: the proposals new since the round."""
    if round_ is None:
        return {}
    new = Q(known_since__gt=round_.as_of) & ~_earlier_update(round_, "pk")
    return {"round_new": Count("id", filter=new)}


def action_aggregates(round_: UpdateRound | None) -> dict:
    """Extra aggregates of the follow-up totals: new and completed since the round."""
    if round_ is None:
        return {}
    return {
        "round_new": Count("id", filter=Q(meeting__held_on__gt=round_.as_of)),
        "round_completed": Count(
            "id", filter=Q(state=ActionState.DONE, completed_at__gte=round_.snapshot_at)
        ),
    }


def round_changes(
    round_: UpdateRound | None, rows: list[dict], totals: dict, follow_ups: dict
) -> RoundChanges | None:
    """Count what changed since the round from the first update of each proposal since its
    snapshot (`rows`, with `is_new`) and the totals' extra aggregates."""
    if round_ is None:
        return None
    result = RoundChanges(
        round=round_,
        since_at=round_.snapshot_at,
        new_proposals=totals.get("round_new", 0),
        new_actions=follow_ups.get("round_new", 0),
        completed_actions=follow_ups.get("round_completed", 0),
    )
    for row in sorted(rows, key=lambda r: r["proposal__management_no"]):
        result.updates += row["n"]
        result.proposals_updated += 1
        if row["is_new"]:
            continue
        status, base_status = (
            row["proposal__status"],
            row["previous_status"] or ProposalStatus.REVIEWING,
        )
        confidence, base_confidence = row["proposal__confidence"], row["previous_confidence"]
        progress, base_progress = row["proposal__progress"], row["previous_progress"] or 0
        if (status, confidence, progress) != (base_status, base_confidence, base_progress):
            result.changed += 1
        if status != base_status:
            result.status_changes += 1
            result.to_done += status == ProposalStatus.DONE
            if len(result.status_list) < LIST_LIMIT:
                result.status_list.append(
                    (
                        row["proposal_id"],
                        row["proposal__title"],
                        ProposalStatus(base_status).label,
                        ProposalStatus(status).label,
                    )
                )
        if confidence != base_confidence:
            result.confidence_changes += 1
            result.confidence_down += bool(
                confidence and base_confidence and confidence < base_confidence
            )
    return result
