"""Who may do what with rounds; built on the roles of `accounts.permissions`. Deny by default."""

from __future__ import annotations

from accounts.permissions import (
    is_department_head,
    is_deputy_mayor,
    is_planning,
    is_planning_or_head_of,
)
from projects.permissions import can_edit_proposal


def can_manage_rounds(user) -> bool:
    """Planning staff open, close and freeze rounds, confirm, return and chase."""
    return is_planning(user)


def can_view_round_dashboard(user) -> bool:
    """Planning staff and the chair read a round's rates and its agenda pack."""
    return is_planning(user) or is_deputy_mayor(user)


def can_view_my_round(user) -> bool:
    """A department head reads their own department's part of a round."""
    return is_department_head(user)


def can_submit(user, proposal) -> bool:
    """The lead department's head (and planning staff) submit a proposal's update."""
    return can_edit_proposal(user, proposal)


def can_attach_review_evidence(user, review) -> bool:
    """Planning, or the head of the reviewed proposal's lead department."""
    return is_planning_or_head_of(user, review.proposal.lead_department_id)


def can_attach_action_evidence(user, action) -> bool:
    """Planning, or the head of the action's owner department (whoever may complete it).

    Only a completed action takes evidence; the service refuses an open one in Korean."""
    return is_planning_or_head_of(user, action.owner_department_id)


def can_download_evidence(user, evidence) -> bool:
    """Planning, the chair, and the head of the department the evidence belongs to."""
    if is_planning(user) or is_deputy_mayor(user):
        return True
    if not is_department_head(user):
        return False
    departments = set()
    if evidence.submission_id:
        departments.add(evidence.submission.proposal.lead_department_id)
    if evidence.status_update_id:
        departments.add(evidence.status_update.proposal.lead_department_id)
    if evidence.review_id:
        departments.add(evidence.review.proposal.lead_department_id)
    if evidence.action_id:
        departments.add(evidence.action.owner_department_id)
    return user.department_id in departments
