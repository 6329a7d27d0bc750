"""Reads with real logic for the meeting workflow: agenda suggestions and carried-over actions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Portfolio, Proposal, ProposalStatus

from .models import (
    Feasibility,
    FollowUpAction,
    FollowUpActionQuerySet,
    MeetingState,
    Notification,
    ReviewMeeting,
)

AT_RISK_STATUSES = (ProposalStatus.PARTIAL, ProposalStatus.ON_HOLD)
REASON_STALE = _("현황 미갱신")
REASON_AT_RISK = _("위험(신뢰도·상태)")
REASON_CARRIED = _("지난 보고회 이월")


@dataclass
class AgendaSuggestion:
    proposal: Proposal
    reasons: list = field(default_factory=list)


def previous_meeting(
    portfolio: Portfolio, *, before: datetime.date | None = None, exclude_pk: int | None = None
) -> ReviewMeeting | None:
    """Return the latest closed meeting of `portfolio` held before `before` (or ever)."""
    qs = ReviewMeeting.objects.filter(portfolio=portfolio, state=MeetingState.CLOSED)
    if before is not None:
        qs = qs.filter(held_on__lte=before)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("-held_on", "-pk").first()


def open_actions_of_closed_meetings(portfolio: Portfolio) -> QuerySet:
    """Return the still-open follow-ups of every closed meeting of `portfolio`."""
    return FollowUpAction.objects.open().filter(
        meeting__portfolio=portfolio, meeting__state=MeetingState.CLOSED
    )


def carried_over_actions(meeting: ReviewMeeting, *, today: datetime.date | None = None) -> QuerySet:
    """Return every still-open follow-up of the closed meetings held before `meeting`.

    Not only the previous meeting's: an overdue action of an older meeting stays on the list
    until it is done. Overdue ones first, then by due date (undated last). One query.
    """
    today = today or timezone.localdate()
    return (
        open_actions_of_closed_meetings(meeting.portfolio_id)
        .filter(meeting__held_on__lte=meeting.held_on)
        .exclude(meeting_id=meeting.pk)
        .annotate(
            overdue=Case(
                When(FollowUpActionQuerySet.overdue_q(today), then=Value(0)), default=Value(1)
            ),
        )
        .select_related("owner_department", "proposal", "meeting")
        .order_by("overdue", F("due_date").asc(nulls_last=True), "meeting__held_on", "pk")
    )


def agenda_suggestions(
    portfolio: Portfolio, *, now: datetime.datetime | None = None
) -> list[AgendaSuggestion]:
    """Return proposals to put on the next agenda: stale, at risk, or carried over.

    Stale: no status update for GP_STALE_DAYS days. At risk: confidence ≤ 2, or status
    일부추진/보류. Carried over: an open action of any closed meeting, or a
    'reconsider'/'pending' verdict at the last closed meeting. Dropped and done proposals are
    left out.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.GP_STALE_DAYS)
    prev = previous_meeting(portfolio)
    # Open follow-ups of any closed meeting, not only the last one's.
    carried_ids: set[int] = set(
        open_actions_of_closed_meetings(portfolio)
        .filter(proposal__isnull=False)
        .values_list("proposal_id", flat=True)
    )
    if prev is not None:
        carried_ids |= set(
            prev.reviews.filter(
                feasibility__in=[
                    Feasibility.RECONSIDER,
                    Feasibility.PENDING,
                    Feasibility.UNRECORDED,
                ]
            ).values_list("proposal_id", flat=True)
        )
    stale_q = Q(last_update_at__lt=cutoff) | Q(last_update_at__isnull=True)
    risk_q = Q(confidence__lte=2) | Q(status__in=AT_RISK_STATUSES)
    proposals = (
        Proposal.objects.filter(portfolio=portfolio)
        .active()
        .filter(stale_q | risk_q | Q(pk__in=carried_ids))
        .select_related("lead_department")
        .order_by("management_no")
    )
    suggestions = []
    for p in proposals:
        reasons = []
        if p.last_update_at is None or p.last_update_at < cutoff:
            reasons.append(REASON_STALE)
        if (p.confidence is not None and p.confidence <= 2) or p.status in AT_RISK_STATUSES:
            reasons.append(REASON_AT_RISK)
        if p.pk in carried_ids:
            reasons.append(REASON_CARRIED)
        suggestions.append(AgendaSuggestion(p, reasons))
    return suggestions


def unread_notification_count(request) -> int:
    """Return the signed-in user's unread notifications, counted once per request."""
    if not hasattr(request, "_unread_notification_count"):
        request._unread_notification_count = Notification.objects.filter(
            user=request.user, read_at__isnull=True
        ).count()
    return request._unread_notification_count
