"""Writes for review meetings and their agenda."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from projects.models import Department, Portfolio, Proposal

from ..models import MeetingState, ProposalReview, ReviewMeeting


def ensure_meeting_open(meeting: ReviewMeeting) -> None:
    if meeting.state == MeetingState.CLOSED:
        raise ValidationError(
            _("종료된 보고회는 수정할 수 없습니다. 정정은 수정 이력으로 남깁니다.")
        )


@transaction.atomic
def meeting_create(
    *,
    portfolio: Portfolio,
    title: str,
    held_on: datetime.date,
    chair: User | None = None,
    chair_name: str = "",
    attending_departments: list[Department] | None = None,
    user: User | None = None,
    **fields,
) -> ReviewMeeting:
    """Plan a review meeting."""
    meeting = ReviewMeeting(
        portfolio=portfolio,
        title=title,
        held_on=held_on,
        chair=chair,
        chair_name=chair_name,
        **fields,
    )
    meeting.full_clean()
    meeting._history_user = user
    meeting.save()
    if attending_departments:
        meeting.attending_departments.set(attending_departments)
    return meeting


@transaction.atomic
def review_add(
    *, meeting: ReviewMeeting, proposal: Proposal, user: User | None = None, **fields
) -> ProposalReview:
    """Put a proposal on a meeting's agenda (or return the existing agenda item)."""
    ensure_meeting_open(meeting)
    if proposal.portfolio_id != meeting.portfolio_id:
        raise ValidationError({"proposal": _("이 보고회의 사업군에 속하지 않은 사업입니다.")})
    review = ProposalReview(meeting=meeting, proposal=proposal, **fields)
    review.full_clean()
    review._history_user = user
    review.save()
    return review


@transaction.atomic
def meeting_close(*, meeting: ReviewMeeting, user: User) -> ReviewMeeting:
    """Close a meeting: its record becomes read-only."""
    locked = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
    ensure_meeting_open(locked)
    locked.state = MeetingState.CLOSED
    locked.closed_at = timezone.now()
    locked._history_user = user
    locked.save(update_fields=["state", "closed_at"])
    return locked
