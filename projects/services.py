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

from . import provenance
from .history_records import record_history
from .models import (
    REASON_STATUSES,
    Department,
    Portfolio,
    Proposal,
    ProposalCode,
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


def _sources_for(given, field_names, *, user, at, default: str) -> dict[str, dict]:
    """Return {fact: entry} for the facts `field_names` touch.

    `given` is a FieldSource value or an entry (`provenance.source_entry`, e.g. the report
    with its run) for all of them, a {field: entry or FieldSource value} mapping (per field;
    fields it leaves out get `default`), or None (`default` for all).
    A person's edit (FieldSource.EDIT) names `user`.
    """
    if isinstance(given, dict) and given.get("source") in provenance.FieldSource.values:
        given = {name: given for name in field_names}  # one entry for all of them
    per_field = given if isinstance(given, dict) else {}
    kind = given if isinstance(given, str) else default
    sources = {}
    for name in field_names:
        entry = per_field.get(name, per_field.get(provenance.fact_of(name), kind))
        if isinstance(entry, str):
            entry = provenance.source_entry(
                entry, at=at, user=user if entry == provenance.FieldSource.EDIT else None
            )
        for fact in provenance.facts_of([name]):
            sources[fact] = entry
    return sources


_CREATE_DEFAULT_SOURCE = {
    "article": provenance.FieldSource.ARTICLE,
    "report": provenance.FieldSource.REPORT,
    "demo": provenance.FieldSource.DEMO,
}


@transaction.atomic
def proposal_create(
    *,
    portfolio: Portfolio,
    management_no: str,
    title: str,
    user: User | None = None,
    source: str | dict | None = None,
    **fields,
) -> Proposal:
    """Create a proposal after validating it; supporting departments may be given.

    One creation record holds the new proposal with its supporting departments. `source`
    records where the given values came from (projects.provenance): a FieldSource value for
    all of them, or {field: FieldSource value or entry}; by default the row's `data_source`
    (a person's entry when it is 직접 입력). Fields listed in `inferred_fields` are marked
    inferred.
    """
    supporting = fields.pop("supporting_departments", None)
    proposal = Proposal(portfolio=portfolio, management_no=management_no, title=title, **fields)
    given = ["title", *fields]
    if supporting:
        given.append("supporting_departments")
    # The facts this creation states: tracked ones holding a value (an empty one has no source).
    stated = [
        name
        for name in given
        if provenance.fact_of(name) in provenance.TRACKED_FIELDS
        and provenance.has_value(proposal, provenance.fact_of(name))
    ]
    now = timezone.now()
    default = _CREATE_DEFAULT_SOURCE.get(proposal.data_source, provenance.FieldSource.EDIT)
    sources = _sources_for(source, stated, user=user, at=now, default=default)
    for name in proposal.inferred_fields or []:
        fact = provenance.fact_of(name)
        previous = sources.get(fact, {})
        sources[fact] = provenance.source_entry(
            provenance.FieldSource.INFERRED, at=previous.get("at") or now
        )
    proposal.field_sources = sources
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
    *,
    proposal: Proposal,
    user: User,
    expected_version: int,
    source: str | dict | None = None,
    **changes,
) -> Proposal:
    """Change a proposal's master record; refuse if someone saved it since it was loaded.

    The changed fields' source becomes `user`'s edit now, unless `source` says otherwise (as
    for `proposal_create`). A changed field is no longer an inference.
    """
    supporting = changes.pop("supporting_departments", None)
    reject_unknown_fields("proposal_update", changes, PROPOSAL_EDITABLE_FIELDS)
    locked = _lock(proposal, expected_version)
    for name, value in changes.items():
        setattr(locked, name, value)
    touched = [*changes, *(["supporting_departments"] if supporting is not None else [])]
    sources = _sources_for(
        source, touched, user=user, at=timezone.now(), default=provenance.FieldSource.EDIT
    )
    locked.field_sources = {**(locked.field_sources or {}), **sources}
    extra = ["field_sources"]
    if set(locked.inferred_fields or []) & set(changes):
        locked.inferred_fields = [f for f in locked.inferred_fields if f not in changes]
        extra.append("inferred_fields")
    locked.full_clean()
    locked.version += 1
    locked._history_user = user
    if supporting is not None:
        # Links first, without records of their own: the save's record then holds the field
        # changes and the new supporting departments together, by `user`.
        with history_paused(locked):
            locked.supporting_departments.set(supporting)
    locked.save(update_fields=[*changes, *extra, "version", "updated_at"])
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
    provenance.mark(
        locked,
        provenance.STATE_FIELDS,
        provenance.source_entry(
            provenance.FieldSource.DEMO if is_demo else provenance.FieldSource.EDIT,
            at=update.created_at,
            user=user,
        ),
    )
    locked._history_user = user
    locked._history_date = update.created_at
    locked.save(
        update_fields=[
            "status",
            "confidence",
            "progress",
            "last_update_at",
            "version",
            "field_sources",
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
    # The check constraints state the same rules (`status_rule_errors`, checked above in
    # Python); validating them again would cost a query each. The database still enforces them.
    update.full_clean(exclude=["proposal", "author"], validate_constraints=False)


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
def proposal_adopt_codes(
    *, adoptions: list[tuple[Proposal, str]], user: User | None, reason: str
) -> list[Proposal]:
    """Give each proposal a new code and keep its old one as a former code (`ProposalCode`).

    The proposals keep their rows (pk, history, reviews, actions, status updates); each gets
    one history record by `user` with the reason "`reason`: OLD → NEW". The given instances
    are changed in place (code and version), so a caller holding them (the report import,
    which has them locked) can go on writing them. Refuse, writing nothing, a code already
    in use in the portfolio, current or former, and a proposal or code given twice.
    """
    if not adoptions:
        return []
    proposals = [proposal for proposal, _code in adoptions]
    codes = [code.strip() for _proposal, code in adoptions]
    portfolio_id = proposals[0].portfolio_id
    errors = []
    if any(p.portfolio_id != portfolio_id for p in proposals):
        errors.append(_("한 번에 한 사업군의 사업만 관리번호를 바꿀 수 있습니다."))
    if len({p.pk for p in proposals}) != len(proposals) or len(set(codes)) != len(codes):
        errors.append(_("한 사업이나 한 관리번호를 두 번 연결할 수 없습니다."))
    for proposal, code in zip(proposals, codes, strict=True):
        if not code or len(code) > 30 or code == proposal.management_no:
            errors.append(
                _("%(old)s의 새 관리번호 '%(new)s'를 쓸 수 없습니다.")
                % {"old": proposal.management_no, "new": code}
            )
    pks = [p.pk for p in proposals]
    taken = list(
        Proposal.objects.filter(portfolio_id=portfolio_id, management_no__in=codes)
        .exclude(pk__in=pks)
        .values_list("management_no", flat=True)
    )
    taken += ProposalCode.objects.filter(portfolio_id=portfolio_id, code__in=codes).values_list(
        "code", flat=True
    )
    errors += [
        _("관리번호 %(code)s는 이 사업군에서 이미 쓰였습니다.") % {"code": code}
        for code in sorted(set(taken))
    ]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    former = []
    for proposal, code in zip(proposals, codes, strict=True):
        line = _("%(reason)s: %(old)s → %(new)s") % {
            "reason": reason,
            "old": proposal.management_no,
            "new": code,
        }
        alias = ProposalCode(
            portfolio_id=portfolio_id,
            proposal=proposal,
            code=proposal.management_no,
            replaced_by=code,
            reason=line[:200],
            created_by=user,
            created_at=now,
        )
        # Checked above and by the database; no query per code.
        alias.full_clean(
            exclude=["portfolio", "proposal", "created_by"],
            validate_unique=False,
            validate_constraints=False,
        )
        former.append(alias)
        proposal.management_no = code
        proposal.version += 1
        proposal.updated_at = now
        proposal._change_reason = line
    ProposalCode.objects.bulk_create(former)
    Proposal.objects.bulk_update(proposals, ["management_no", "version", "updated_at"])
    record_history(proposals, user=user, update=True)
    for proposal in proposals:
        del proposal._change_reason
    return proposals


@transaction.atomic
def proposal_comment_add(*, proposal: Proposal, user: User, body: str) -> ProposalComment:
    """Add a remark to a proposal by its lead or a supporting department."""
    comment = ProposalComment(proposal=proposal, author=user, body=body.strip())
    comment.full_clean()
    comment.save()
    return comment
