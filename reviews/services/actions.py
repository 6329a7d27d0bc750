"""Writes for follow-up actions."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.conflicts import lock_for_update
from projects.models import Department, Proposal

from ..models import (
    ActionState,
    DueDateChangeRequest,
    DueDateChangeState,
    FollowUpAction,
    ReviewMeeting,
)
from ..models.actions import DUE_CHANGE_PAST_MESSAGE
from .meetings import meeting_ensure_open
from .notifications import due_change_notify_decided, due_change_notify_requested
from .reminders import reminders_replan_for_action

ACTION_CONFLICT = gettext_lazy(
    "다른 사용자가 먼저 이 조치를 수정했습니다. 새로 고친 뒤 다시 시도하세요."
)


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
    meeting_ensure_open(meeting)
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


def _lock_open_action(action, expected_version: int | None, not_open_message) -> FollowUpAction:
    """Lock an action row; refuse a stale version (optimistic lock) or an action not open."""
    locked = lock_for_update(action, expected_version, message=ACTION_CONFLICT)
    if locked.state != ActionState.OPEN:
        raise ValidationError(not_open_message)
    return locked


@transaction.atomic
def action_complete(
    *,
    action: FollowUpAction,
    user: User,
    note: str,
    expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> FollowUpAction:
    """Mark an open action done with a completion note.

    `at` is when it was done, for a completion recorded afterwards (e.g. the demo); default now.
    """
    locked = _lock_open_action(
        action, expected_version, _("진행 중인 조치만 완료 처리할 수 있습니다.")
    )
    if not note.strip():
        raise ValidationError({"completion_note": _("완료 내용을 적어야 합니다.")})
    locked.state = ActionState.DONE
    locked.completion_note = note.strip()
    locked.completed_at = at or timezone.now()
    locked.version += 1
    locked._history_user = user
    locked.save(update_fields=["state", "completion_note", "completed_at", "version"])
    reminders_replan_for_action(locked)
    _withdraw_pending_due_changes(locked, user)
    return locked


@transaction.atomic
def action_cancel(
    *, action: FollowUpAction, user: User, reason: str, expected_version: int | None = None
) -> FollowUpAction:
    """Cancel an open action; its pending reminders are cancelled in the same transaction."""
    locked = _lock_open_action(action, expected_version, _("진행 중인 조치만 취소할 수 있습니다."))
    if not reason.strip():
        raise ValidationError({"completion_note": _("취소 사유를 적어야 합니다.")})
    locked.state = ActionState.CANCELLED
    locked.completion_note = reason.strip()
    locked.version += 1
    locked._history_user = user
    locked.save(update_fields=["state", "completion_note", "version"])
    reminders_replan_for_action(locked)
    _withdraw_pending_due_changes(locked, user)
    return locked


def _withdraw_pending_due_changes(action: FollowUpAction, user: User) -> None:
    """Withdraw the pending due-date requests of an action just completed or cancelled (the
    caller holds its row lock), telling each requester other than `user`."""
    pending = list(
        DueDateChangeRequest.objects.select_for_update()
        .select_related("requested_by")
        .filter(action=action, state=DueDateChangeState.PENDING)
    )
    now = timezone.now()
    for change in pending:
        change.state = DueDateChangeState.WITHDRAWN
        change.decided_by = user
        change.decided_at = now
        change.save(update_fields=["state", "decided_by", "decided_at"])
        change.action = action
        due_change_notify_decided(change)


@transaction.atomic
def action_request_due_change(
    *, action: FollowUpAction, user: User, new_due_date: datetime.date, reason: str
) -> DueDateChangeRequest:
    """Ask planning to move an open action's due date; one pending request per action.

    The new date must differ from the current one and not lie before today (Asia/Seoul) or
    the meeting. Planning staff are notified in-app in the same transaction.
    """
    locked = FollowUpAction.objects.select_for_update().select_related("meeting").get(pk=action.pk)
    if locked.state != ActionState.OPEN:
        raise ValidationError(_("진행 중인 조치만 기한 변경을 요청할 수 있습니다."))
    if new_due_date == locked.due_date:
        raise ValidationError({"new_due_date": _("지금 기한과 다른 날짜를 고르세요.")})
    if new_due_date < timezone.localdate():
        raise ValidationError({"new_due_date": DUE_CHANGE_PAST_MESSAGE})
    if new_due_date < locked.meeting.held_on:
        raise ValidationError({"new_due_date": _("기한은 보고회 개최일보다 빠를 수 없습니다.")})
    change = DueDateChangeRequest(
        action=locked,
        requested_by=user,
        old_due_date=locked.due_date,
        new_due_date=new_due_date,
        reason=reason.strip(),
    )
    change.full_clean()
    change.save()
    due_change_notify_requested(change)
    return change


@transaction.atomic
def due_change_decide(
    *, change: DueDateChangeRequest, user: User, approve: bool
) -> DueDateChangeRequest:
    """Approve (moving the action's due date) or reject a pending due-date change request.

    Locks the action before the request, in the same order as completing or cancelling an
    action does. The requester is notified in-app in the same transaction.
    """
    action = FollowUpAction.objects.select_for_update().get(pk=change.action_id)
    locked = (
        DueDateChangeRequest.objects.select_for_update()
        .select_related("requested_by")
        .get(pk=change.pk)
    )
    if locked.state != DueDateChangeState.PENDING:
        raise ValidationError(_("이미 처리된 기한 변경 요청입니다."))
    if approve and action.state != ActionState.OPEN:
        raise ValidationError(_("진행 중인 조치만 기한을 바꿀 수 있습니다."))
    if approve and locked.new_due_date < timezone.localdate():
        raise ValidationError(
            _("요청한 기한이 이미 지났습니다. 반려하고 새 기한으로 다시 요청하게 하세요.")
        )
    locked.state = DueDateChangeState.APPROVED if approve else DueDateChangeState.REJECTED
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "decided_by", "decided_at"])
    if approve:
        action.due_date = locked.new_due_date
        action.version += 1
        action._history_user = user
        action.full_clean()
        action.save(update_fields=["due_date", "version"])
        reminders_replan_for_action(action)
    locked.action = action
    due_change_notify_decided(locked)
    return locked
