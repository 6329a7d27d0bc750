"""Write a plan to the database in bulk, with an audit-history row for every proposal touched.

Runs inside the caller's transaction (see services.import_run_apply): all or nothing. The
proposals' history records are written last, once their supporting departments are in place,
so that each record holds the departments too (projects.history_records).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from projects.history_records import record_history
from projects.models import Department, Proposal
from projects.services import proposal_adopt_codes

from .bulk import UnnestUpdater
from .fields import FUND_FIELDS
from .plan import CHANGED, NEW, Plan
from .sources import report_sources_mark

BATCH_SIZE = 500
# Fields every proposal row may carry, in the order the model declares them.
ROW_FIELDS = (
    "title",
    "pillar",
    "lead_department",
    "summary",
    "origin",
    "start_year",
    "end_year",
    "budget_million",
    *FUND_FIELDS,
    "notes",
)
# Fields not checked by full_clean here: foreign keys come resolved from one query, and
# uniqueness and constraints are the database's job (one query per row otherwise).
CLEAN_EXCLUDE = ["portfolio", "pillar", "lead_department"]


class DepartmentsNotConfirmed(Exception):
    """The file names departments that do not exist and nobody confirmed creating them."""


def apply_plan(
    plan: Plan,
    *,
    user,
    data_source: str,
    change_reason: str,
    create_departments: bool,
    progress: Callable[[int], None] | None = None,
    as_of: datetime.date | None = None,
    run_id: int | None = None,
) -> dict:
    """Create and update the plan's proposals and departments; return what was done.

    Linked proposals (the plan's chosen links) first adopt their row's code through
    `projects.services.proposal_adopt_codes`, then take the row's fields like any changed
    row. The creation records of new proposals are dated `as_of` (the report's date) when
    it is before today.
    """
    report = progress or (lambda percent: None)
    if plan.has_errors:
        raise ValueError("a plan with errors cannot be applied")
    if plan.new_departments and not create_departments:
        raise DepartmentsNotConfirmed(plan.new_departments)
    departments = dict(plan.departments)
    departments.update(_create_departments(plan.new_departments, user, change_reason))
    report(20)

    now = timezone.now()
    linked = _adopt_codes(plan, user, change_reason)
    created = _create_proposals(plan, departments, data_source, as_of)
    report(40)
    updated = _update_proposals(plan, departments, now)
    report(60)
    _sync_supporting(plan, departments, {p.management_no: p for p in created})
    report_sources_mark(plan, created, run_id=run_id, at=now, batch_size=BATCH_SIZE)
    report(75)
    # History last, so that each record holds the proposal's supporting departments too.
    history = {"user": user, "change_reason": change_reason, "batch_size": BATCH_SIZE}
    if as_of is not None and as_of < timezone.localdate():
        known_since = timezone.make_aware(datetime.datetime.combine(as_of, datetime.time.min))
        for proposal in created:
            proposal._history_date = known_since
    record_history(created, **history)
    record_history(updated, update=True, **history)
    for proposal in linked:
        del proposal._change_reason
    linked_pks = {proposal.pk for proposal in linked}
    report(95)
    return {
        "created": len(created),
        "updated": sum(1 for p in updated if p.pk not in linked_pks),
        "linked": len(linked),
        "departments_created": len(plan.new_departments),
    }


def _adopt_codes(plan, user, change_reason: str) -> list[Proposal]:
    """Give each linked proposal its row's code; its field changes follow with the others."""
    if not plan.linked:
        return []
    proposals = proposal_adopt_codes(
        adoptions=[(option.proposal, option.row.key) for option in plan.linked],
        user=user,
        reason=change_reason,
    )
    for option in plan.linked:
        # The record of the row's field changes names the link too.
        option.proposal._change_reason = _("%(reason)s: %(old)s → %(new)s") % {
            "reason": change_reason,
            "old": option.old_code,
            "new": option.row.key,
        }
    return proposals


def _create_departments(names: list[str], user, change_reason: str) -> dict[str, Department]:
    if not names:
        return {}
    objs = [Department(name=name) for name in names]
    for obj in objs:
        obj.full_clean(validate_unique=False)
    created = bulk_create_with_history(
        objs,
        Department,
        batch_size=BATCH_SIZE,
        default_user=user,
        default_change_reason=change_reason,
    )
    return {d.name: d for d in created}


def _assign(proposal: Proposal, values: dict, departments: dict) -> None:
    for name in ROW_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "lead_department":
            value = departments[value] if value else None
        setattr(proposal, name, value)


def _create_proposals(plan, departments, data_source, as_of=None) -> list[Proposal]:
    """Build the plan's new proposals, known since the report's date (`as_of`, else today)."""
    known_since = {"known_since": as_of} if as_of is not None else {}
    objs = []
    for row in plan.rows:
        if row.action != NEW:
            continue
        proposal = Proposal(
            portfolio=plan.portfolio,
            management_no=row.key,
            data_source=data_source,
            **known_since,
        )
        _assign(proposal, row.values, departments)
        proposal.full_clean(
            exclude=CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False
        )
        objs.append(proposal)
    if not objs:
        return []
    return Proposal.objects.bulk_create(objs, batch_size=BATCH_SIZE)


def _update_proposals(plan, departments, now) -> list[Proposal]:
    objs = []
    fields: set[str] = set()
    for row in plan.rows:
        if row.action != CHANGED:
            continue
        proposal = row.proposal
        _assign(proposal, row.values, departments)
        for change in row.changes:
            name = change["field"]
            fields.update(FUND_FIELDS if name == "funding" else [name])
        if row.stated_inferred:
            proposal.inferred_fields = [
                f for f in proposal.inferred_fields if f not in row.stated_inferred
            ]
            fields.add("inferred_fields")
        proposal.full_clean(
            exclude=CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False
        )
        # A changed master record moves the optimistic lock, like an edit in the app.
        proposal.version += 1
        proposal.updated_at = now
        objs.append(proposal)
    if not objs:
        return []
    fields.discard("supporting_departments")
    UnnestUpdater(Proposal).bulk_update(
        objs, sorted(fields | {"version", "updated_at"}), batch_size=BATCH_SIZE
    )
    return objs


def _sync_supporting(plan, departments, created: dict[str, Proposal]) -> None:
    """Make each row's supporting departments exactly what the file lists."""
    through = Proposal.supporting_departments.through
    to_delete: list[int] = []
    to_add = []
    for row in plan.rows:
        if row.action not in (NEW, CHANGED) or row.supporting is None:
            continue
        proposal = created.get(row.key) or row.proposal
        current = plan.links.get(proposal.pk, {}) if row.action == CHANGED else {}
        wanted = set(row.supporting)
        to_delete.extend(link_id for name, link_id in current.items() if name not in wanted)
        to_add.extend(
            through(proposal_id=proposal.pk, department_id=departments[name].pk)
            for name in row.supporting
            if name not in current
        )
    if to_delete:
        through.objects.filter(pk__in=to_delete).delete()
    if to_add:
        through.objects.bulk_create(to_add, batch_size=BATCH_SIZE * 2)


def change_reason_for(run_id: int | None) -> str:
    if run_id is None:
        return _("보고서 가져오기")
    return _("보고서 가져오기 #%(id)s") % {"id": run_id}
