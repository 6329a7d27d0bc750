"""Writes for review meetings and follow-up actions."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from projects.models import Department, Portfolio, Proposal

from .models import (
    ActionState,
    FollowUpAction,
    MeetingState,
    ProposalReview,
    ReviewMeeting,
)


def _ensure_open(meeting: ReviewMeeting) -> None:
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
    _ensure_open(meeting)
    if proposal.portfolio_id != meeting.portfolio_id:
        raise ValidationError({"proposal": _("이 보고회의 사업군에 속하지 않은 사업입니다.")})
    review = ProposalReview(meeting=meeting, proposal=proposal, **fields)
    review.full_clean()
    review._history_user = user
    review.save()
    return review


@transaction.atomic
def action_create(
    *,
    meeting: ReviewMeeting,
    kind: str,
    description: str,
    owner_department: Department | None = None,
    due_date: datetime.date | None = None,
    proposal: Proposal | None = None,
    user: User | None = None,
    **fields,
) -> FollowUpAction:
    """Create a follow-up action agreed at `meeting`."""
    _ensure_open(meeting)
    action = FollowUpAction(
        meeting=meeting,
        kind=kind,
        description=description.strip(),
        owner_department=owner_department,
        due_date=due_date,
        proposal=proposal,
        **fields,
    )
    action.full_clean()
    action._history_user = user
    action.save()
    return action


@transaction.atomic
def action_complete(
    *, action: FollowUpAction, user: User, note: str, expected_version: int | None = None
) -> FollowUpAction:
    """Mark an open action done with a completion note."""
    locked = FollowUpAction.objects.select_for_update().get(pk=action.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            _("다른 사용자가 먼저 이 조치를 수정했습니다. 새로 고친 뒤 다시 시도하세요.")
        )
    if locked.state != ActionState.OPEN:
        raise ValidationError(_("진행 중인 조치만 완료 처리할 수 있습니다."))
    if not note.strip():
        raise ValidationError({"completion_note": _("완료 내용을 적어야 합니다.")})
    locked.state = ActionState.DONE
    locked.completion_note = note.strip()
    locked.completed_at = timezone.now()
    locked.version += 1
    locked._history_user = user
    locked.save(update_fields=["state", "completion_note", "completed_at", "version"])
    return locked


@transaction.atomic
def meeting_close(*, meeting: ReviewMeeting, user: User) -> ReviewMeeting:
    """Close a meeting: its record becomes read-only."""
    locked = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
    _ensure_open(locked)
    locked.state = MeetingState.CLOSED
    locked.closed_at = timezone.now()
    locked._history_user = user
    locked.save(update_fields=["state", "closed_at"])
    return locked
