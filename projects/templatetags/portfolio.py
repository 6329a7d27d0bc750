"""Template filters that ask `projects.permissions`, so templates never re-implement a rule."""

from django import template
from django.utils import timezone

from projects import permissions

register = template.Library()


@register.filter
def can_edit_proposal(user, proposal) -> bool:
    return permissions.can_edit_proposal(user, proposal)


@register.filter
def can_comment_proposal(user, proposal) -> bool:
    return permissions.can_comment_proposal(user, proposal)


@register.filter
def can_complete_action(user, action) -> bool:
    return permissions.can_complete_action(user, action)


@register.filter
def can_decide_due_change(user) -> bool:
    return permissions.can_decide_due_change(user)


@register.filter
def can_manage_accounts(user) -> bool:
    return permissions.can_manage_accounts(user)


@register.filter
def can_assign_account(user, account) -> bool:
    return permissions.can_assign_account(user, account)


@register.filter
def can_import(user) -> bool:
    return permissions.can_import(user)


@register.filter
def can_view_my_department(user) -> bool:
    return permissions.can_view_my_department(user)


@register.filter
def days_since(moment) -> int | None:
    """Return whole days from `moment` until now (None when there is no moment)."""
    if not moment:
        return None
    return (timezone.now() - moment).days
