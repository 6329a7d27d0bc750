"""Small template helpers of the reviews pages, and filters that ask `reviews.permissions`."""

from django import template

from reviews import permissions

register = template.Library()


@register.filter
def get_item(mapping, key):
    """Return mapping[key] (keys compared as given, then as int), or an empty list."""
    if not mapping:
        return []
    if key in mapping:
        return mapping[key]
    try:
        return mapping.get(int(str(key)), [])
    except ValueError:
        return []


@register.filter
def can_complete_action(user, action) -> bool:
    return permissions.can_complete_action(user, action)


@register.filter
def can_decide_due_change(user) -> bool:
    return permissions.can_decide_due_change(user)
