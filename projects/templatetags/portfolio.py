"""Template filters that ask `projects.permissions`, so templates never re-implement a rule,
and the display format of amounts."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

from projects import permissions, provenance

register = template.Library()


@register.filter
def can_edit_proposal(user, proposal) -> bool:
    return permissions.can_edit_proposal(user, proposal)


@register.filter
def can_comment_proposal(user, proposal) -> bool:
    return permissions.can_comment_proposal(user, proposal)


@register.filter
def days_since(moment) -> int | None:
    """Return whole days from `moment` until now (None when there is no moment)."""
    if not moment:
        return None
    return (timezone.now() - moment).days


def format_million(value) -> str:
    """An amount in 백만원 with thousands separators: 15,890 (decimals only when present).

    Also takes the text of an older import preview ("26,280.0"); other text comes back as is.
    """
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return str(value)
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    return f"{amount.normalize():,f}"


@register.filter
def million(value) -> str:
    """`{{ proposal.budget_million|million }}`: see `format_million`; blank when unknown."""
    return format_million(value)


@register.filter
def source_of(proposal, fact: str):
    """`{{ proposal|source_of:"title" }}`: what to show of that field's source (or None)."""
    return provenance.source_mark((proposal.field_sources or {}).get(fact))


@register.filter
def source_badge(obj) -> str:
    """The list badge of a row: "demo", "article", "shortened", "mixed", "summary" or "" (see
    `provenance.row_badge`); rows without field sources (meetings, actions) use their
    `data_source`."""
    if hasattr(obj, "field_sources"):
        return provenance.row_badge(obj)
    kind = {"demo": "demo", "article": "article"}.get(getattr(obj, "data_source", ""), "")
    if kind == "article" and obj._meta.model_name == "followupaction":
        return "summary"  # the seed words a follow-up after the article, not in its words
    return kind
