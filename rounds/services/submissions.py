"""A department's submissions in a round, and planning's confirmation or return.

A head's update during an open round is the round's submission. One that sets 완료, 보류 or
폐기, or lowers confidence by two grades or more, waits for planning: its values stay on the
submission and reach the proposal (through `proposal_update_status`) only when confirmed, so
every figure on the dashboard stays the last confirmed one until then.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.conflicts import VersionConflict, lock_for_update
from projects.models import Proposal, ProposalStatus, status_rule_errors
from projects.services import PROPOSAL_CONFLICT, proposal_update_status

from ..models import RoundSubmission, SubmissionState, UpdateRound
from .evidence import evidence_check_all, evidence_store_checked
from .reminders import reminders_plan_decision

CONFIRM_STATUSES = (ProposalStatus.DONE, ProposalStatus.ON_HOLD, ProposalStatus.DROPPED)
CLOSED_MESSAGE = _("마감된 점검 회차에는 제출할 수 없습니다.")


def needs_confirmation(*, proposal: Proposal, status: str, confidence: int | None) -> bool:
    """Whether a submission waits for planning: sets 완료/보류/폐기, or confidence drops ≥ 2."""
    if status in CONFIRM_STATUSES and status != proposal.status:
        return True
    return (
        confidence is not None
        and proposal.confidence is not None
        and proposal.confidence - confidence >= 2
    )


def _open_round(round_: UpdateRound, proposal: Proposal) -> UpdateRound:
    locked = UpdateRound.objects.select_for_update().get(pk=round_.pk)
    if not locked.is_open:
        raise ValidationError(CLOSED_MESSAGE)
    if not locked.proposals.filter(pk=proposal.pk).exists():
        raise ValidationError(_("이 점검 회차의 대상 사업이 아닙니다."))
    return locked


def _retire_current(round_: UpdateRound, proposal: Proposal) -> None:
    RoundSubmission.objects.filter(round=round_, proposal=proposal, is_current=True).update(
        is_current=False
    )


@transaction.atomic
def round_submit(
    *,
    round_: UpdateRound,
    proposal: Proposal,
    user: User,
    expected_version: int,
    status: str,
    progress: int,
    confidence: int | None = None,
    what_changed: str = "",
    issues: str = "",
    next_step: str = "",
    reason: str = "",
    unchanged: bool = False,
    evidence: list | tuple = (),
) -> RoundSubmission:
    """Record the department's answer for `proposal` in an open round.

    Raise ValidationError (Korean) if the round is closed or the values break a status rule,
    VersionConflict if the proposal changed since `expected_version`. Nothing is written then.
    `evidence` (uploaded files) is checked by content before anything is written.
    """
    checked = evidence_check_all(evidence)
    locked_round = _open_round(round_, proposal)
    locked = lock_for_update(proposal, expected_version, message=PROPOSAL_CONFLICT)
    errors = status_rule_errors(
        status=status, progress=progress, reason=reason, previous_status=locked.status
    )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    submission = RoundSubmission(
        round=locked_round,
        proposal=locked,
        unchanged=unchanged,
        base_version=expected_version,
        status=status,
        confidence=confidence,
        progress=progress,
        what_changed=what_changed.strip(),
        issues=issues.strip(),
        next_step=next_step.strip(),
        reason=reason.strip(),
        previous_status=locked.status,
        previous_confidence=locked.confidence,
        previous_progress=locked.progress,
        submitted_by=user,
        submitted_at=now,
    )
    if needs_confirmation(proposal=locked, status=status, confidence=confidence):
        submission.state = SubmissionState.PENDING
    else:
        submission.state = SubmissionState.SUBMITTED
        submission.status_update = proposal_update_status(
            proposal=locked,
            user=user,
            expected_version=expected_version,
            status=status,
            confidence=confidence,
            progress=progress,
            what_changed=submission.what_changed,
            issues=submission.issues,
            next_step=submission.next_step,
            reason=submission.reason,
            at=now,
        )
    _retire_current(locked_round, locked)
    submission.full_clean(exclude=["round", "proposal", "status_update"])
    submission.save()
    evidence_store_checked(checked, user=user, submission=submission)
    return submission


@transaction.atomic
def round_submit_unchanged(
    *, round_: UpdateRound, proposal: Proposal, user: User, expected_version: int
) -> RoundSubmission:
    """Submit "변동 없음": the stored state again, recorded as who confirmed it and when."""
    latest = proposal.updates.order_by("-created_at", "-id").first()
    return round_submit(
        round_=round_,
        proposal=proposal,
        user=user,
        expected_version=expected_version,
        status=proposal.status,
        progress=proposal.progress,
        confidence=proposal.confidence,
        what_changed=_("변동 없음"),
        issues=latest.issues if latest else "",
        next_step=latest.next_step if latest else "",
        reason=latest.reason if latest else "",
        unchanged=True,
    )


def _lock_submission(submission: RoundSubmission) -> RoundSubmission:
    locked = (
        RoundSubmission.objects.select_for_update(of=("self",))
        .select_related("round", "proposal")
        .get(pk=submission.pk)
    )
    if not locked.is_current:
        raise ValidationError(_("이미 새 제출로 바뀐 제출입니다. 목록을 새로 고치세요."))
    return locked


@transaction.atomic
def round_confirm(*, submission: RoundSubmission, user: User) -> RoundSubmission:
    """Confirm a submission; a pending one is applied to the proposal now."""
    locked = _lock_submission(submission)
    if locked.state not in (SubmissionState.PENDING, SubmissionState.SUBMITTED):
        raise ValidationError(_("확인할 수 없는 상태의 제출입니다."))
    now = timezone.now()
    if locked.state == SubmissionState.PENDING:
        try:
            locked.status_update = proposal_update_status(
                proposal=locked.proposal,
                user=locked.submitted_by,
                expected_version=locked.base_version,
                status=locked.status,
                confidence=locked.confidence,
                progress=locked.progress,
                what_changed=locked.what_changed,
                issues=locked.issues,
                next_step=locked.next_step,
                reason=locked.reason,
                at=now,
            )
        except VersionConflict as conflict:
            raise ValidationError(
                _("제출 뒤에 사업 현황이 바뀌었습니다. 반려하여 다시 제출받으세요.")
            ) from conflict
    locked.state = SubmissionState.CONFIRMED
    locked.confirmed_by, locked.confirmed_at = user, now
    locked.full_clean(exclude=["round", "proposal", "status_update"])
    locked.save(update_fields=["state", "confirmed_by", "confirmed_at", "status_update"])
    reminders_plan_decision(locked, now=now)
    return locked


@transaction.atomic
def round_return(*, submission: RoundSubmission, user: User, comment: str) -> RoundSubmission:
    """Return a submission with a comment; the head is told and submits again."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("반려하려면 사유를 적어야 합니다.")})
    locked = _lock_submission(submission)
    if not locked.round.is_open:
        raise ValidationError(_("마감된 점검 회차의 제출은 반려할 수 없습니다."))
    if locked.state not in (SubmissionState.PENDING, SubmissionState.SUBMITTED):
        raise ValidationError(_("반려할 수 없는 상태의 제출입니다."))
    now = timezone.now()
    locked.state = SubmissionState.RETURNED
    locked.returned_by, locked.returned_at, locked.return_comment = user, now, comment
    locked.full_clean(exclude=["round", "proposal", "status_update"])
    locked.save(update_fields=["state", "returned_by", "returned_at", "return_comment"])
    reminders_plan_decision(locked, now=now)
    return locked
