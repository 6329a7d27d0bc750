"""Writes for the portfolio core. Views, forms, tasks, the admin and importers call these."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .history_records import record_history
from .models import (
    Department,
    Portfolio,
    Proposal,
    ProposalComment,
    ProposalStatus,
    StatusUpdate,
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


@dataclass
class ProposalConflict(Exception):
    """Raised when a proposal changed after the editor loaded it (optimistic lock)."""

    proposal: Proposal
    expected_version: int
    newer_changes: list  # historical records of the proposal after expected_version

    def __str__(self):
        return _(
            "다른 사용자가 먼저 이 사업을 수정했습니다. 변경 내용을 확인한 뒤 다시 저장하세요."
        )


def _lock(proposal: Proposal, expected_version: int) -> Proposal:
    """Lock the proposal row and check that nobody saved it since `expected_version`."""
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.version != expected_version:
        raise ProposalConflict(
            proposal=locked,
            expected_version=expected_version,
            newer_changes=list(
                locked.history.filter(version__gt=expected_version)
                .select_related("history_user")
                .order_by("history_date")
            ),
        )
    return locked


@contextmanager
def _history_paused(proposal: Proposal):
    """Keep simple-history from writing records for `proposal` (saves and link changes).

    `.set()` on the supporting departments sends up to two `m2m_changed` signals (remove, add),
    and simple-history writes a record for each; the services write one record per change.
    """
    proposal.skip_history_when_saving = True
    try:
        yield
    finally:
        del proposal.skip_history_when_saving


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
    with _history_paused(proposal):
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
    unknown = set(changes) - set(PROPOSAL_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    locked = _lock(proposal, expected_version)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.version += 1
    locked._history_user = user
    if supporting is not None:
        # Links first, without records of their own: the save's record then holds the field
        # changes and the new supporting departments together, by `user`.
        with _history_paused(locked):
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

    Raise ProposalConflict if the proposal changed after `expected_version` was read, and
    ValidationError (field-keyed, in Korean) if the update breaks a rule. `at` dates an update
    made earlier (loading past updates, e.g. the demo; default now); the proposal's history
    record of the change carries the same moment, so its audit trail follows the timeline.
    """
    locked = _lock(proposal, expected_version)
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
    errors = {}
    if update.progress is None or not 0 <= update.progress <= 100:
        errors["progress"] = _("진척률은 0에서 100 사이의 숫자여야 합니다.")
    elif update.status == ProposalStatus.DONE and update.progress != 100:
        errors["progress"] = _("'완료' 상태로 바꾸려면 진척률이 100%여야 합니다.")
    if update.status in (ProposalStatus.ON_HOLD, ProposalStatus.DROPPED) and not update.reason:
        errors["reason"] = _("'보류' 또는 '폐기'로 바꾸려면 사유를 적어야 합니다.")
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
