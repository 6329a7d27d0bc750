"""Writes for review meetings and their agenda."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.conflicts import VersionConflict
from core.history import history_paused
from core.services import reject_unknown_fields
from projects.models import Department, Portfolio, Proposal

from ..history_records import record_meeting_history
from ..models import (
    Feasibility,
    FollowUpAction,
    MeetingAmendment,
    MeetingState,
    ProposalReview,
    ReviewMeeting,
)
from .reminders import reminders_plan_for_meeting_close, reminders_replan_for_action


def meeting_ensure_open(meeting: ReviewMeeting) -> None:
    """Raise ValidationError if `meeting` is closed (its record is then read-only)."""
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
    """Plan a review meeting.

    One creation record, by `user`, holds the new meeting with its attending departments.
    """
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
    with history_paused(meeting):
        meeting.save()
        if attending_departments:
            meeting.attending_departments.set(attending_departments)
    record_meeting_history(meeting, user=user)
    return meeting


# What an open meeting's editor may change (the admin's change form); state, closing time and
# version belong to the services.
MEETING_EDITABLE_FIELDS = (
    "portfolio",
    "title",
    "held_on",
    "location",
    "chair",
    "chair_name",
    "attending_departments",
    "attendee_count",
    "minutes",
    "data_source",
)


@transaction.atomic
def meeting_update(
    *, meeting: ReviewMeeting, user: User, expected_version: int, **changes
) -> ReviewMeeting:
    """Change an open meeting's record, its attending departments included.

    One edit is one history record, by `user`, holding the changed fields and the attending
    departments as they are after the edit. `expected_version` is the version the editor
    loaded; a meeting saved since then is refused (VersionConflict).
    """
    reject_unknown_fields("meeting_update", changes, MEETING_EDITABLE_FIELDS)
    locked = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
    meeting_ensure_open(locked)
    if locked.version != expected_version:
        raise VersionConflict(locked, expected_version)
    attending = changes.pop("attending_departments", None)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.full_clean()
    locked.version += 1
    locked._history_user = user
    if attending is not None:
        # Links first, without records of their own: the save's record then holds the field
        # changes and the new attending departments together, by `user`.
        with history_paused(locked):
            locked.attending_departments.set(attending)
    locked.save(update_fields=[*changes, "version"])
    return locked


@transaction.atomic
def review_add(
    *, meeting: ReviewMeeting, proposal: Proposal, user: User | None = None, **fields
) -> ProposalReview:
    """Put a proposal on a meeting's agenda (or return the existing agenda item)."""
    meeting_ensure_open(meeting)
    if proposal.portfolio_id != meeting.portfolio_id:
        raise ValidationError({"proposal": _("이 보고회의 사업군에 속하지 않은 사업입니다.")})
    review = ProposalReview(meeting=meeting, proposal=proposal, **fields)
    review.full_clean()
    review._history_user = user
    review.save()
    return review


@transaction.atomic
def meeting_plan(
    *,
    portfolio: Portfolio,
    title: str,
    held_on: datetime.date,
    user: User,
    proposals: list[Proposal] = (),
    attending_departments: list[Department] | None = None,
    chair: User | None = None,
    location: str = "",
) -> ReviewMeeting:
    """Plan a meeting with its attending departments and agenda (proposals in order)."""
    meeting = meeting_create(
        portfolio=portfolio,
        title=title.strip(),
        held_on=held_on,
        chair=chair,
        location=location.strip(),
        attending_departments=attending_departments,
        user=user,
    )
    for order, proposal in enumerate(proposals, start=1):
        review_add(meeting=meeting, proposal=proposal, order=order, user=user)
    return meeting


REVIEW_FIELDS = ("feasibility", "gaps", "remedies", "decision")


@transaction.atomic
def review_record(*, review: ProposalReview, user: User, **changes) -> ProposalReview:
    """Record a proposal's verdict, gaps (미비점), remedies (보완방안) and decision."""
    locked = ProposalReview.objects.select_for_update().select_related("meeting").get(pk=review.pk)
    meeting_ensure_open(locked.meeting)
    unknown = set(changes) - set(REVIEW_FIELDS)
    if unknown:
        raise TypeError(f"review_record() got unexpected fields {sorted(unknown)}")
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.full_clean()
    locked.version += 1
    locked._history_user = user
    locked.save(update_fields=[*changes, "version"])
    return locked


def meeting_ensure_held(meeting: ReviewMeeting, *, now: datetime.datetime | None = None) -> None:
    """Raise ValidationError (code "future") if `meeting` is dated after today (TIME_ZONE is
    Asia/Seoul, so the local date is Gwangyang's)."""
    if meeting.held_on > timezone.localdate(now):
        raise ValidationError(
            _(
                "개최일(%(date)s)이 아직 오지 않은 보고회는 종료할 수 없습니다. "
                "개최일이 바뀌었으면 먼저 보고회 정보를 수정하세요."
            ),
            code="future",
            params={"date": meeting.held_on.isoformat()},
        )


def meeting_close_facts(meeting: ReviewMeeting) -> dict:
    """What closing `meeting` would do: unreviewed agenda items and follow-ups to chase."""
    return {
        "agenda": meeting.reviews.count(),
        "unreviewed": meeting.reviews.filter(feasibility=Feasibility.PENDING).count(),
        "open_actions": meeting.actions.open().count(),
    }


@transaction.atomic
def meeting_close(
    *,
    meeting: ReviewMeeting,
    user: User,
    accepted_unreviewed: int | None = None,
    at: datetime.datetime | None = None,
) -> ReviewMeeting:
    """Close a meeting: its record becomes read-only and its follow-up reminders are planned.

    A meeting is closed on or after its date (Asia/Seoul), never before. Views pass
    `accepted_unreviewed`, the number of unreviewed (미검토) agenda items the user explicitly
    agreed to close with (0 if they did not tick the confirmation): more unreviewed items than
    that are refused (ValidationError, code "unreviewed"). None is for internal callers only.
    The close summaries and every action's reminders are rows written in this transaction,
    so either the meeting is closed with its whole plan or nothing happened.

    `at` records a close that happened earlier (loading past meetings, e.g. the demo): it is
    the closing time, and nothing is planned, since summaries due then are not sent late; the
    daily sweep (`reminders_replan_open_actions`) plans what its open actions still need.
    """
    locked = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
    meeting_ensure_open(locked)
    now = at or timezone.now()
    meeting_ensure_held(locked, now=now)
    if accepted_unreviewed is not None:
        unreviewed = locked.reviews.filter(feasibility=Feasibility.PENDING).count()
        if unreviewed > accepted_unreviewed:
            raise ValidationError(
                _("미검토 안건이 %(n)s건 있습니다. 그래도 종료하려면 확인란을 선택하세요."),
                code="unreviewed",
                params={"n": unreviewed},
            )
    locked.state = MeetingState.CLOSED
    locked.closed_at = now
    locked.version += 1
    locked._history_user = user
    locked.save(update_fields=["state", "closed_at", "version"])
    if at is None:
        reminders_plan_for_meeting_close(locked, now=locked.closed_at)
    return locked


AMENDABLE = {
    ReviewMeeting: ("title", "location", "minutes"),
    ProposalReview: REVIEW_FIELDS,
    FollowUpAction: ("description", "owner_department", "due_date"),
}


AMENDMENT_CONFLICT = gettext_lazy(
    "다른 사용자가 먼저 이 기록을 정정했습니다. 지금 저장된 내용을 확인한 뒤, "
    "필요하면 다시 정정하세요. 입력하신 내용은 그대로 남겨 두었습니다."
)


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@transaction.atomic
def meeting_amend(
    *,
    meeting: ReviewMeeting,
    user: User,
    reason: str,
    target: ReviewMeeting | ProposalReview | FollowUpAction | None = None,
    expected_version: int | None = None,
    **changes,
) -> MeetingAmendment | None:
    """Correct a closed meeting's record, keeping what changed, why and who did it.

    `target` is the meeting itself (default), one of its reviews or one of its actions. A
    change of an action's due date or owner re-plans its reminders. Return the amendment, or
    None if nothing actually changed. Views pass the `expected_version` their form was
    loaded with: a target changed since then raises VersionConflict and writes nothing
    (None is for internal callers only). Only fields whose value differs are written.
    """
    locked = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.state != MeetingState.CLOSED:
        raise ValidationError(_("정정은 종료된 보고회에만 필요합니다. 바로 수정하세요."))
    if not reason.strip():
        raise ValidationError({"reason": _("정정 사유를 적어야 합니다.")})
    target = target if target is not None else locked
    model = type(target)
    if model not in AMENDABLE or set(changes) - set(AMENDABLE[model]):
        raise ValidationError(_("정정할 수 없는 항목입니다."))
    obj = model.objects.select_for_update().get(pk=target.pk)
    if model is not ReviewMeeting and obj.meeting_id != locked.pk:
        raise ValidationError(_("이 보고회의 기록이 아닙니다."))
    if expected_version is not None and obj.version != expected_version:
        raise VersionConflict(obj, expected_version, AMENDMENT_CONFLICT)
    diff = []
    for name, value in changes.items():
        value = value.strip() if isinstance(value, str) else value
        old = getattr(obj, name)
        if old != value:
            label = str(model._meta.get_field(name).verbose_name)
            diff.append(
                {"field": name, "label": label, "old": _display(old), "new": _display(value)}
            )
            setattr(obj, name, value)
    if not diff:
        return None
    obj.full_clean()
    obj._history_user = user
    obj._change_reason = reason.strip()[:100]
    obj.version += 1
    obj.save(update_fields=[*(d["field"] for d in diff), "version"])
    if model is FollowUpAction:
        reminders_replan_for_action(obj)
    amendment = MeetingAmendment(
        meeting=locked, target=str(obj)[:200], changes=diff, reason=reason.strip(), amended_by=user
    )
    amendment.full_clean()
    amendment.save()
    return amendment
