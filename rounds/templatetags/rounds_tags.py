"""Template filters of the rounds: where a head's "update" link leads during an open round."""

from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def round_update_url(proposal, my_rounds) -> str:
    """The round's submit view if an open round (`my_rounds`) has the proposal, else ''."""
    for dr in my_rounds or ():
        if any(p.pk == proposal.pk for p, _s in dr.rows):
            return reverse("rounds:submit", args=[dr.round.pk, proposal.pk])
    return ""


@register.filter
def can_view_rounds(user) -> bool:
    """Whether the menu shows "분기 점검" (planning staff and the chair)."""
    from rounds.permissions import can_view_round_dashboard

    return can_view_round_dashboard(user)
