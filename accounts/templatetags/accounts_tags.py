"""Template filters that ask `accounts.permissions`, so templates never re-implement a rule."""

from django import template

from accounts import permissions

register = template.Library()


@register.filter
def can_manage_accounts(user) -> bool:
    return permissions.can_manage_accounts(user)


@register.filter
def can_assign_account(user, account) -> bool:
    return permissions.can_assign_account(user, account)
