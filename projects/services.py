"""Writes for the portfolio core. Views, forms, tasks, the admin and importers call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.conflicts import lock_for_update
from core.history import history_paused
from core.services import reject_unknown_fields

from .history_records import record_history
from .models import (
    REASON_STATUSES,
    Department,
    Portfolio,
    Proposal,
    ProposalComment,
    StatusUpdate,
    status_rule_errors,
)

# Fields a head may change on a proposal's master record (not its state).
PROPOSAL_EDITABLE_FIELDS = (
    "title",
    "pillar",
    "lead_department",
    "summary",
    "origin",
    "start_year",
    "end_year",
    "budget_million",
    "fund_national",
    "fund_province",
    "fund_city",
    "fund_private",
    "partner_ministry",
    "partner_companies",
    "notes",
)


PROPOSAL_CONFLICT = _(
    "다른 사용자가 먼저 이 사업을 수정했습니다. 변경 내용을 확인한 뒤 다시 저장하세요."
)


def _lock(proposal: Proposal, expected_version: int) -> Proposal:
    """Lock the proposal row and check that nobody saved it since `expected_version`."""
    return lock_for_update(proposal, expected_version, message=PROPOSAL_CONFLICT)


@transaction.atomic
def proposal_create(
    *, portfolio: Portfolio, management_no: str, title: str, user: User | None = None, **fields
) -> Proposal:
    """Create a proposal after validating it; supporting departments may be given.

    One creation record holds the new proposal with its supporting departments.
    """
    supporting = fields.pop("supporting_departments", None)
    proposal = Proposal(portfolio=portfolio, management_no=management_no, title=title, **fields)
    proposal.full_clean()
    proposal._history_user = user
    with history_paused(proposal):
        proposal.save()
        if supporting:
            proposal.supporting_departments.set(supporting)
    proposal_record_created(proposal=proposal, user=user)
    return proposal


def proposal_record_created(*, proposal: Proposal, user: User | None) -> None:
    """Write the creation record of a proposal saved (with its links) while history was paused."""
    record_history([proposal], user=user)


@transaction.atomic
def proposal_update(
    *, proposal: Proposal, user: User, expected_version: int, **changes
) -> Proposal:
    """Change a proposal's master record; refuse if someone saved it since it was loaded."""
    supporting = changes.pop("supporting_departments", None)
    reject_unknown_fields("proposal_update", changes, PROPOSAL_EDITABLE_FIELDS)
    locked = _lock(proposal, expected_version)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.version += 1
    locked._history_user = user
    if supporting is not None:
        # Links first, without records of their own: the save's record then holds the field
        # changes and the new supporting departments together, by `user`.
        with history_paused(locked):
            locked.supporting_departments.set(supporting)
    locked.save(update_fields=[*changes, "version", "updated_at"])
    return locked


@transaction.atomic
def proposal_update_status(
    *,
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
    at=None,
    is_demo: bool = False,
) -> StatusUpdate:
    """Record a status update and make it the proposal's current state.

    Raise VersionConflict if the proposal changed after `expected_version` was read, and
    ValidationError (field-keyed, in Korean) if the update breaks a rule. `at` dates an update
    made earlier (loading past updates, e.g. the demo; default now); the proposal's history
    record of the change carries the same moment, so its audit trail follows the timeline.
    A reason is kept only for a status that takes one (보류, 폐기); otherwise it is dropped.
    """
    locked = _lock(proposal, expected_version)
    if status not in REASON_STATUSES:
        reason = ""
    update = StatusUpdate(
        proposal=locked,
        author=user,
        created_at=at or timezone.now(),
        status=status,
        confidence=confidence,
        progress=progress,
        previous_status=locked.status,
        previous_confidence=locked.confidence,
        previous_progress=locked.progress,
        what_changed=what_changed.strip(),
        issues=issues.strip(),
        next_step=next_step.strip(),
        reason=reason.strip(),
        version=locked.version + 1,
        is_demo=is_demo,
    )
    status_update_validate(update)
    update.save()
    locked.status = status
    locked.confidence = confidence
    locked.progress = progress
    locked.last_update_at = update.created_at
    locked.version = update.version
    locked._history_user = user
    locked._history_date = update.created_at
    locked.save(
        update_fields=[
            "status",
            "confidence",
            "progress",
            "last_update_at",
            "version",
            "updated_at",
        ]
    )
    return update


def status_update_validate(update: StatusUpdate) -> None:
    """Raise a field-keyed ValidationError if the update breaks a status rule."""
    errors = status_rule_errors(
        status=update.status, progress=update.progress, reason=update.reason
    )
    if errors:
        raise ValidationError(errors)
    update.full_clean(exclude=["proposal", "author"])


@transaction.atomic
def department_create(
    *, name: str, email: str = "", head: User | None = None, is_demo: bool = False
) -> Department:
    """Create a department and, if given, make `head` its head and a member."""
    department = Department(name=name.strip(), email=email, head=head, is_demo=is_demo)
    department.full_clean()
    department.save()
    if head is not None and head.department_id != department.pk:
        head.department = department
        head.save(update_fields=["department"])
    return department


@transaction.atomic
def proposal_comment_add(*, proposal: Proposal, user: User, body: str) -> ProposalComment:
    """Add a remark to a proposal by its lead or a supporting department."""
    comment = ProposalComment(proposal=proposal, author=user, body=body.strip())
    comment.full_clean()
    comment.save()
    return comment
