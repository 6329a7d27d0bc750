"""Template filters that ask `accounts.permissions`, so templates never re-implement a rule."""

from django import template
from django.conf import settings

from accounts import permissions

register = template.Library()


@register.filter
def can_manage_accounts(user) -> bool:
    return permissions.can_manage_accounts(user)


@register.filter
def can_assign_account(user, account) -> bool:
    return permissions.can_assign_account(user, account)


@register.simple_tag
def sign_in_limits() -> dict:
    """The lock-out rule as configured: failures allowed and the cool-off in minutes."""
    return {
        "failures": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
