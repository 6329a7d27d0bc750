"""Who may read the pages that cross apps: the review dashboard and "내 부서"."""

from accounts.permissions import is_department_head, sees_everything


def can_view_dashboard(user) -> bool:
    """Every signed-in role may read the review dashboard and its briefing exports."""
    return sees_everything(user)


def can_view_my_department(user) -> bool:
    """A department head with a department has a "내 부서" page."""
    return is_department_head(user)
