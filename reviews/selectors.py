"""Reads with real logic for the meeting workflow: agenda suggestions and carried-over actions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, F, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import user_row
from projects.models import Portfolio, Proposal, StatusUpdate

from .models import (
    FollowUpAction,
    FollowUpActionQuerySet,
    MeetingState,
    Notification,
    ProposalReview,
    ReviewMeeting,
)

# The agenda rules, stated on the planning page in this order (the most pressing first).
REASON_CONFIDENCE_FELL = _("신뢰도 하락")
REASON_OVERDUE = _("기한 지난 후속조치")
REASON_CHANGED = _("지난 보고회 이후 상태 변경")
REASON_NEVER_REVIEWED = _("검토한 적 없음")
AGENDA_RULES = (
    (REASON_CONFIDENCE_FELL, _("추진 신뢰도가 지난 보고회 때보다 낮아진 사업")),
    (REASON_OVERDUE, _("기한이 지났는데 끝나지 않은 후속조치가 있는 사업")),
    (REASON_CHANGED, _("지난 보고회 이후 추진 상태가 바뀐 사업")),
    (REASON_NEVER_REVIEWED, _("보고회에서 한 번도 검토하지 않은 사업")),
)
# A suggestion's rank: the rules above weigh in that order.
_WEIGHT = {
    REASON_CONFIDENCE_FELL: 8,
    REASON_OVERDUE: 4,
    REASON_CHANGED: 2,
    REASON_NEVER_REVIEWED: 1,
}


@dataclass
class AgendaSuggestion:
    proposal: Proposal
    reasons: list = field(default_factory=list)

    @property
    def weight(self) -> int:
        return sum(_WEIGHT[r] for r in self.reasons)


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


def agenda_since(portfolio: Portfolio, *, now: datetime.datetime) -> datetime.datetime:
    """The start of "since the last meeting": the day after the last closed meeting, or
    GP_STALE_DAYS ago when there has been none."""
    prev = previous_meeting(portfolio)
    if prev is None:
        return now - datetime.timedelta(days=settings.GP_STALE_DAYS)
    day_after = prev.held_on + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))


def agenda_suggestions(
    portfolio: Portfolio, *, now: datetime.datetime | None = None
) -> list[AgendaSuggestion]:
    """Return the proposals the next agenda should take up, the most pressing first.

    The rules (AGENDA_RULES, stated on the page): confidence lower than at the last closed
    meeting; an open follow-up past its due date; status changed since that meeting; never
    reviewed at a meeting. Dropped and done proposals are left out. Five queries whatever the
    portfolio's size.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = agenda_since(portfolio, now=now)
    first_base: dict[int, int | None] = {}
    changed: set[int] = set()
    updates = (
        StatusUpdate.objects.filter(proposal__portfolio=portfolio, created_at__gte=since)
        .order_by("proposal_id", "created_at", "id")
        .values_list("proposal_id", "previous_confidence", "status", "previous_status")
    )
    for proposal_id, base_confidence, status, previous_status in updates:
        first_base.setdefault(proposal_id, base_confidence)
        if status != previous_status:
            changed.add(proposal_id)
    overdue = set(
        FollowUpAction.objects.filter(
            FollowUpActionQuerySet.overdue_q(today), proposal__portfolio=portfolio
        ).values_list("proposal_id", flat=True)
    )
    reviewed = set(
        ProposalReview.objects.filter(
            meeting__portfolio=portfolio,
            meeting__state__in=[MeetingState.HELD, MeetingState.CLOSED],
        ).values_list("proposal_id", flat=True)
    )
    suggestions = []
    proposals = (
        Proposal.objects.filter(portfolio=portfolio)
        .active()
        .select_related("lead_department")
        .order_by("management_no")
    )
    for p in proposals:
        reasons = []
        base = first_base.get(p.pk)
        if base is not None and p.confidence is not None and p.confidence < base:
            reasons.append(REASON_CONFIDENCE_FELL)
        if p.pk in overdue:
            reasons.append(REASON_OVERDUE)
        if p.pk in changed:
            reasons.append(REASON_CHANGED)
        if p.pk not in reviewed:
            reasons.append(REASON_NEVER_REVIEWED)
        if reasons:
            suggestions.append(AgendaSuggestion(p, reasons))
    suggestions.sort(key=lambda s: -s.weight)  # stable: management number within a weight
    return suggestions


UNREAD = "gp_unread_notifications"  # core.user_row: counted with the signed-in user's row


def unread_sql(connection) -> str:
    """The unread count of the user whose row is read (`{user_id}`), for core.user_row."""
    table = connection.ops.quote_name(Notification._meta.db_table)
    return (
        f"(SELECT count(*) FROM {table} AS n"  # noqa: S608  (model names)
        " WHERE n.user_id = {user_id} AND n.read_at IS NULL)"
    )


def unread_notification_count(request) -> int:
    """Return the signed-in user's unread notifications, counted once per request: read with
    the user's row where it was (core.user_row), else by a query of its own."""
    if not hasattr(request, "_unread_notification_count"):
        unread = user_row.value(request.user, UNREAD)
        if unread is user_row.MISSING:
            unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
        request._unread_notification_count = unread
    return request._unread_notification_count
