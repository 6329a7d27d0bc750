"""Roles: who a user is. The apps above build their rules from these predicates.

Deny by default: a predicate answers True only for the roles named here. Views turn a False
into PermissionDenied (403) through `core.guards`, and the 403 is written to the access log.
"""

from __future__ import annotations

from .models import Role


def is_active_user(user) -> bool:
    """A signed-in, active account."""
    return bool(user and user.is_authenticated and user.is_active)


def is_planning(user) -> bool:
    """Planning staff (and superusers) manage meetings, departments, accounts and imports."""
    return is_active_user(user) and (user.is_superuser or user.role == Role.PLANNING)


def is_deputy_mayor(user) -> bool:
    """The deputy mayor chairs the review meetings."""
    return is_active_user(user) and user.role == Role.DEPUTY_MAYOR


def sees_everything(user) -> bool:
    """The deputy mayor, planning staff and viewers read the whole portfolio."""
    return is_active_user(user)


def is_department_head(user) -> bool:
    """A department head with a department: the only role with a "my department" page."""
    return (
        is_active_user(user)
        and user.role == Role.DEPARTMENT_HEAD
        and user.department_id is not None
    )


def heads_department(user, department_id) -> bool:
    """Whether `user` is the active head of the department `department_id`."""
    return is_department_head(user) and department_id == user.department_id


def is_planning_or_head_of(user, department_id) -> bool:
    """Active planning staff, or the active head of the department `department_id`."""
    return is_planning(user) or heads_department(user, department_id)


def audience_key(user) -> str:
    """What every rule in this project reads from a user, as one string: two users with the
    same key get the same answer from every predicate (cached pages are shared by it)."""
    if not is_active_user(user):
        return "anonymous"
    return f"{int(user.is_superuser)}:{user.role}:{user.department_id or ''}"


def can_manage_accounts(user) -> bool:
    """Planning staff create accounts and assign roles and departments."""
    return is_planning(user)


def can_assign_account(user, account) -> bool:
    """Planning staff change others' role and sign-in; never their own or a superuser's."""
    return can_manage_accounts(user) and account.pk != user.pk and not account.is_superuser


# What the admin site (관리) is for planning staff: the reference data the app has no page for
# (departments with their reminder e-mail and head, pillars, portfolios) and reading the records
# behind the pages. Everything else is done through the app's own pages and services.
PLANNING_ADMIN_PERMISSIONS = frozenset(
    {
        "projects.view_portfolio",
        "projects.change_portfolio",
        "projects.view_pillar",
        "projects.add_pillar",
        "projects.change_pillar",
        "projects.view_department",
        "projects.add_department",
        "projects.change_department",
        "projects.view_statusupdate",
        "accounts.view_accesslog",
        "reviews.view_reminder",
    }
)


def admin_permissions(user) -> frozenset[str]:
    """The admin permissions a role brings, on top of any granted to the account itself."""
    if is_planning(user) and user.is_staff:
        return PLANNING_ADMIN_PERMISSIONS
    return frozenset()
