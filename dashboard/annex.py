"""The briefing's annex (별첨): the evidence files posted in the dashboard's scope since its
comparison moment, read from rounds (dashboard sits above rounds and imports it directly)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from reviews.hooks import AnnexRow
from reviews.models import FollowUpAction
from rounds.annex import scope_annex

from .data import Dashboard


def briefing_annex(filterset, dashboard: Dashboard) -> tuple[list[AnnexRow], bool]:
    """Return (rows, more): the files on the filtered proposals and follow-ups of the
    dashboard's portfolio, posted since the comparison moment (all when there is none), the
    latest `rounds.annex.BRIEFING_LIMIT` of them; `more` when older ones were left out.
    One query."""
    portfolio = dashboard.portfolio
    since_at = None
    if dashboard.since is not None:
        since_at = timezone.make_aware(
            datetime.datetime.combine(dashboard.since, datetime.time.min)
        )
    return scope_annex(
        proposals=filterset.qs.filter(portfolio=portfolio),
        actions=filterset.actions(FollowUpAction.objects.filter(meeting__portfolio=portfolio)),
        since_at=since_at,
    )
