"""Small template helpers of the reviews pages."""

from django import template

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
