"""Template filters that ask `imports.permissions`, so templates never re-implement a rule."""

from django import template

from imports import permissions

register = template.Library()


@register.filter
def can_import(user) -> bool:
    return permissions.can_import(user)
