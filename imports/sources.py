"""Mark the fields an applied report wrote as the report's (projects.provenance), in bulk.

A new proposal's every stated value came from the report; a changed one's only the fields
whose value the file changed (or that it stated where the value was inferred). A value the
file repeats unchanged keeps its source: 기사-03's title stays the article's when the report
gives the same words, and its department becomes the report's.
"""

from __future__ import annotations

from projects import provenance
from projects.models import Proposal

from .bulk import UnnestUpdater
from .fields import FUND_FIELDS
from .plan import CHANGED, NEW, Plan


def _stated(row) -> list[str]:
    names = [name for name, value in row.values.items() if value not in (None, "", [])]
    if row.supporting is not None:
        names.append("supporting_departments")
    return names


def _changed(row) -> list[str]:
    names = []
    for change in row.changes:
        name = change["field"]
        names.extend(FUND_FIELDS if name == "funding" else [name])
    return [*names, *row.stated_inferred]


def report_sources_mark(
    plan: Plan, created: list[Proposal], *, run_id: int | None, at, batch_size: int
) -> None:
    """Write the report as the source of what `plan` set, for its new and changed proposals."""
    entry = provenance.source_entry(provenance.FieldSource.REPORT, at=at, run=run_id)
    by_key = {p.management_no: p for p in created}
    objs = []
    for row in plan.rows:
        if row.action == NEW:
            proposal, names = by_key[row.key], _stated(row)
            names = [n for n in names if provenance.has_value(proposal, provenance.fact_of(n))]
        elif row.action == CHANGED:
            proposal, names = row.proposal, _changed(row)
        else:
            continue
        provenance.mark(proposal, names, entry)
        objs.append(proposal)
    if objs:
        UnnestUpdater(Proposal).bulk_update(objs, ["field_sources"], batch_size=batch_size)
