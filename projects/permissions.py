"""Who may do what: plain predicates and queryset scopes, used by views, templates and tasks.

Deny by default: a predicate answers True only for the roles and departments named here.
Views turn a False into PermissionDenied (403), which is logged to the access log.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Role


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_planning(user) -> bool:
    """Planning staff (and superusers) manage meetings, departments, accounts and imports."""
    return _active(user) and (user.is_superuser or user.role == Role.PLANNING)


def sees_everything(user) -> bool:
    """The deputy mayor, planning staff and viewers read the whole portfolio."""
    return _active(user)


def is_department_head(user) -> bool:
    """A department head with a department: the only role with a "my department" page."""
    return _active(user) and user.role == Role.DEPARTMENT_HEAD and user.department_id is not None


def can_view_my_department(user) -> bool:
    return is_department_head(user)


def can_manage_accounts(user) -> bool:
    """Planning staff create accounts and assign roles and departments."""
    return is_planning(user)


def can_assign_account(user, account) -> bool:
    """Planning staff change others' role and sign-in; never their own or a superuser's."""
    return can_manage_accounts(user) and account.pk != user.pk and not account.is_superuser


def can_decide_due_change(user) -> bool:
    """Planning staff approve or reject a request to move a follow-up's due date."""
    return is_planning(user)


def can_view_dashboard(user) -> bool:
    """Every signed-in role may read the review dashboard and its briefing exports."""
    return sees_everything(user)


def can_view_proposal(user, proposal) -> bool:
    return sees_everything(user)


def _planning_or_head_of(user, department_id) -> bool:
    """Active planning staff, or the active head of the department `department_id`."""
    if not _active(user):
        return False
    if is_planning(user):
        return True
    return (
        user.role == Role.DEPARTMENT_HEAD
        and user.department_id is not None
        and department_id == user.department_id
    )


def can_edit_proposal(user, proposal) -> bool:
    """Return True if `user` may change the proposal's status and record."""
    return _planning_or_head_of(user, proposal.lead_department_id)


def can_comment_proposal(user, proposal) -> bool:
    """Lead and supporting departments (and planning) may comment on a proposal."""
    if can_edit_proposal(user, proposal):
        return True
    if not is_department_head(user):
        return False
    # `.all()` reads a prefetched list when the view prefetched it (no extra query).
    return any(d.pk == user.department_id for d in proposal.supporting_departments.all())


def can_view_action(user, action) -> bool:
    return sees_everything(user)


def can_complete_action(user, action) -> bool:
    """The owning department's head (or planning) may complete or re-date a follow-up."""
    return _planning_or_head_of(user, action.owner_department_id)


def can_manage_meetings(user) -> bool:
    """Planning staff plan meetings, record reviews and follow-ups."""
    return is_planning(user)


def can_close_meeting(user, meeting) -> bool:
    """Planning staff run the close; the deputy mayor (the chair) approves it by closing too."""
    return is_planning(user) or (_active(user) and user.role == Role.DEPUTY_MAYOR)


def can_amend_meeting(user, meeting) -> bool:
    """A closed meeting's record is corrected by planning staff or the deputy mayor, audited."""
    return can_close_meeting(user, meeting)


def can_import(user) -> bool:
    return is_planning(user)


def proposals_editable_by(user, queryset: QuerySet) -> QuerySet:
    """Narrow a Proposal queryset to the proposals `user` may edit."""
    if is_planning(user):
        return queryset
    if _active(user) and user.role == Role.DEPARTMENT_HEAD and user.department_id:
        return queryset.filter(lead_department_id=user.department_id)
    return queryset.none()


def proposals_commentable_by(user, queryset: QuerySet) -> QuerySet:
    if is_planning(user):
        return queryset
    if _active(user) and user.role == Role.DEPARTMENT_HEAD and user.department_id:
        dept = user.department_id
        return queryset.filter(
            Q(lead_department_id=dept) | Q(supporting_departments=dept)
        ).distinct()
    return queryset.none()


def actions_completable_by(user, queryset: QuerySet) -> QuerySet:
    """Narrow a FollowUpAction queryset to the actions `user` may complete."""
    if is_planning(user):
        return queryset
    if _active(user) and user.role == Role.DEPARTMENT_HEAD and user.department_id:
        return queryset.filter(owner_department_id=user.department_id)
    return queryset.none()


def can_request_due_change(user, action) -> bool:
    """Whoever may complete a follow-up may also ask to move its due date."""
    return can_complete_action(user, action)
