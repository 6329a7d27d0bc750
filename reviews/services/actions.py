"""Writes for follow-up actions."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from projects.models import Department, Proposal

from ..models import ActionState, FollowUpAction, ReviewMeeting
from .meetings import ensure_meeting_open
from .reminders import reminders_replan_for_action


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
    ensure_meeting_open(meeting)
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
    # No-op while the meeting is open: reminders start when it closes.
    reminders_replan_for_action(action)
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
    reminders_replan_for_action(locked)
    return locked


@transaction.atomic
def action_cancel(
    *, action: FollowUpAction, user: User, reason: str, expected_version: int | None = None
) -> FollowUpAction:
    """Cancel an open action; its pending reminders are cancelled in the same transaction."""
    locked = FollowUpAction.objects.select_for_update().get(pk=action.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            _("다른 사용자가 먼저 이 조치를 수정했습니다. 새로 고친 뒤 다시 시도하세요.")
        )
    if locked.state != ActionState.OPEN:
        raise ValidationError(_("진행 중인 조치만 취소할 수 있습니다."))
    if not reason.strip():
        raise ValidationError({"completion_note": _("취소 사유를 적어야 합니다.")})
    locked.state = ActionState.CANCELLED
    locked.completion_note = reason.strip()
    locked.version += 1
    locked._history_user = user
    locked.save(update_fields=["state", "completion_note", "version"])
    reminders_replan_for_action(locked)
    return locked
