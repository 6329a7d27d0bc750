"""Who may do what with meetings, follow-up actions and due-date changes.

Plain predicates and queryset scopes, used by views, templates and tasks alike; built on the
roles of `accounts.permissions`. Deny by default.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.permissions import (
    is_department_head,
    is_deputy_mayor,
    is_planning,
    is_planning_or_head_of,
    sees_everything,
)


def can_view_action(user, action) -> bool:
    return sees_everything(user)


def can_complete_action(user, action) -> bool:
    """The owning department's head (or planning) may complete or re-date a follow-up."""
    return is_planning_or_head_of(user, action.owner_department_id)


def can_request_due_change(user, action) -> bool:
    """Whoever may complete a follow-up may also ask to move its due date."""
    return can_complete_action(user, action)


def can_decide_due_change(user) -> bool:
    """Planning staff approve or reject a request to move a follow-up's due date."""
    return is_planning(user)


def can_manage_meetings(user) -> bool:
    """Planning staff plan meetings, record reviews and follow-ups."""
    return is_planning(user)


def can_close_meeting(user, meeting=None) -> bool:
    """Planning staff run the close; the deputy mayor (the chair) approves it by closing too."""
    return is_planning(user) or is_deputy_mayor(user)


def can_amend_meeting(user, meeting=None) -> bool:
    """A closed meeting's record is corrected by planning staff or the deputy mayor, audited."""
    return can_close_meeting(user, meeting)


def actions_completable_by(user, queryset: QuerySet) -> QuerySet:
    """Narrow a FollowUpAction queryset to the actions `user` may complete."""
    if is_planning(user):
        return queryset
    if is_department_head(user):
        return queryset.filter(owner_department_id=user.department_id)
    return queryset.none()
