"""Who may do what with proposals: plain predicates and queryset scopes.

Used by views, templates and tasks; built on the roles of `accounts.permissions`. Deny by
default: a predicate answers True only for the roles and departments named here.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.permissions import (
    is_department_head,
    is_planning,
    is_planning_or_head_of,
    sees_everything,
)


def can_view_proposal(user, proposal) -> bool:
    return sees_everything(user)


def can_edit_proposal(user, proposal) -> bool:
    """Return True if `user` may change the proposal's status and record."""
    return is_planning_or_head_of(user, proposal.lead_department_id)


def can_comment_proposal(user, proposal) -> bool:
    """Lead and supporting departments (and planning) may comment on a proposal."""
    if can_edit_proposal(user, proposal):
        return True
    if not is_department_head(user):
        return False
    # `.all()` reads a prefetched list when the view prefetched it (no extra query).
    return any(d.pk == user.department_id for d in proposal.supporting_departments.all())


def proposals_editable_by(user, queryset: QuerySet) -> QuerySet:
    """Narrow a Proposal queryset to the proposals `user` may edit."""
    if is_planning(user):
        return queryset
    if is_department_head(user):
        return queryset.filter(lead_department_id=user.department_id)
    return queryset.none()
