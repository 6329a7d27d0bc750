"""Small formatting helpers for the dashboard's figures, and filters that ask
`dashboard.permissions`."""

from django import template

from dashboard import permissions

register = template.Library()


@register.filter
def can_view_my_department(user) -> bool:
    return permissions.can_view_my_department(user)


@register.filter
def signed(value):
    """Return a number with its sign (+3, -2, 0); blank for None."""
    if value is None:
        return ""
    if value > 0:
        return f"+{value}"
    return str(value)


@register.filter
def trend_class(value, reverse=False):
    """Return 'up', 'down' or 'flat' for a change, for styling only (the text carries it too)."""
    if not value:
        return "flat"
    return "up" if value > 0 else "down"


@register.filter
def rate(value) -> str:
    """A percentage to 0.1, or "–" for a rate over no proposal (never a division by zero)."""
    return "–" if value is None else f"{value}%"
