"""Compare the parsed file with the database: what is new, changed, unchanged, missing.

The number of queries does not depend on the number of rows: pillars, departments, proposals,
former codes and their supporting-department links are each loaded once. Rows with new codes
get link options to proposals without a report code (links.py, reconcile.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from projects.models import Department, Pillar, Portfolio, Proposal, ProposalCode

from .columns import FIELD_LABELS
from .compare import CHANGED, ERROR, NEW, SCALAR_FIELDS, UNCHANGED, RowPlan, plan_row
from .links import LINKABLE_SOURCES, LinkOption, add_options, match_by_code
from .parse import ParsedFile

__all__ = [
    "CHANGED",
    "ERROR",
    "NEW",
    "SCALAR_FIELDS",
    "UNCHANGED",
    "Plan",
    "RowPlan",
    "build_plan",
    "plan_for",
]

# Details kept in the stored preview per kind of row; counts always cover every row.
PREVIEW_DETAIL_LIMIT = 1000


@dataclass
class Plan:
    portfolio: Portfolio
    parsed: ParsedFile
    rows: list[RowPlan]
    missing: list[dict]
    new_departments: list[str]
    departments: dict[str, Department]
    links: dict[int, dict[str, int]]  # proposal id → {department name: through row id}
    options: list[LinkOption] = field(default_factory=list)
    link_errors: list[str] = field(default_factory=list)
    linked: list[LinkOption] = field(default_factory=list)  # the chosen options (resolve)
    digest: str = ""  # fingerprint of the rows and link options, before any choice

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.link_from)

    @property
    def has_errors(self) -> bool:
        return bool(self.link_errors) or any(row.action == ERROR for row in self.rows)

    def fingerprint(self) -> str:
        """Fingerprint of what applying could do; it changes if the database moved on."""
        payload = [
            [row.key, row.action, row.changes] for row in self.rows if row.action != UNCHANGED
        ]
        options = [
            [o.old_code, o.row.key, o.kind, o.score, o.ambiguous, o.checked, o.linked.changes]
            for o in self.options
        ]
        blob = json.dumps(
            [payload, options, self.link_errors, self.new_departments],
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    def resolve(self, chosen: list | None = None) -> None:
        """Link the chosen options, given as (old code, new code) pairs; None: the defaults.

        Raise ValidationError (in Korean) for a pair that is not an option, or a proposal or
        row linked twice. A linked row replaces the row as a new proposal.
        """
        by_pair = {o.pair: o for o in self.options}
        if chosen is None:
            picked = [o for o in self.options if o.checked]
        else:
            picked = []
            for old, new in chosen:
                option = by_pair.get((old, new))
                if option is None:
                    raise ValidationError(
                        _("%(old)s → %(new)s 연결은 이 미리보기에 없는 연결입니다.")
                        % {"old": old, "new": new}
                    )
                picked.append(option)
        seen_rows: set[str] = set()
        seen_proposals: set[int] = set()
        for option in picked:
            if option.row.key in seen_rows or option.proposal.pk in seen_proposals:
                raise ValidationError(
                    _(
                        "%(old)s → %(new)s: 한 사업은 한 행에만, 한 행은 한 사업에만 연결할 수 "
                        "있습니다. 선택을 하나만 남겨 주세요."
                    )
                    % {"old": option.old_code, "new": option.row.key}
                )
            seen_rows.add(option.row.key)
            seen_proposals.add(option.proposal.pk)
        position = {id(row): index for index, row in enumerate(self.rows)}
        for option in picked:
            option.linked.link_from = option.old_code
            self.rows[position[id(option.row)]] = option.linked
        self.linked = picked
        suggested = {o.proposal.pk for o in self.options}
        self.missing = [item for item in self.missing if item["pk"] not in seen_proposals]
        for item in self.missing:
            if item["pk"] in suggested:
                item["suggested"] = True

    def to_json(self) -> dict:
        """Return the preview as stored on the ImportRun and shown on its page."""
        rows: dict[str, list] = {NEW: [], CHANGED: [], ERROR: [], UNCHANGED: []}
        for row in self.rows:
            if row.link_from:
                continue  # shown with its link
            bucket = rows[row.action]
            if len(bucket) < PREVIEW_DETAIL_LIMIT:
                bucket.append(
                    {
                        "row": row.row,
                        "key": row.key,
                        "title": row.title,
                        "changes": row.changes,
                        "errors": row.errors,
                    }
                )
        parsed = self.parsed
        return {
            "format": parsed.format,
            "sheet": parsed.sheet,
            "sheet_names": parsed.sheet_names,
            "encoding": parsed.encoding,
            "header_row": parsed.header_row,
            "columns": parsed.columns,
            "unknown_columns": parsed.unknown_columns,
            "notices": parsed.notices,
            "rows": rows,
            "detail_limit": PREVIEW_DETAIL_LIMIT,
            "missing": [
                {name: value for name, value in item.items() if name != "pk"}
                for item in self.missing[:PREVIEW_DETAIL_LIMIT]
            ],
            "new_departments": self.new_departments,
            "links": [self._option_json(o) for o in self.options[:PREVIEW_DETAIL_LIMIT]],
            "link_errors": self.link_errors,
        }

    def _option_json(self, option: LinkOption) -> dict:
        chosen = option in self.linked
        return {
            "old": option.old_code,
            "new": option.row.key,
            "row": option.row.row,
            "old_title": option.proposal.title,
            "new_title": option.row.title,
            "kind": option.kind,
            "score": option.score,
            "ambiguous": option.ambiguous,
            "checked": chosen,
            "changes": option.linked.changes,
        }


def build_plan(
    parsed: ParsedFile,
    portfolio: Portfolio,
    *,
    lock: bool = False,
    auto_link: bool = True,
    requested: list | None = None,
) -> Plan:
    """Return what applying `parsed` to `portfolio` would change; `lock` locks the proposals.

    Rows with a new code get link options to proposals without a report code (reconcile.py):
    exact title matches ticked by default unless `auto_link` is off, near ones never;
    `requested` (old code, new code) pairs are options ticked by default, or link errors.
    Call `resolve()` on the plan to take the choices.
    """
    dept_names = set()
    for row in parsed.rows:
        if row.values.get("lead_department"):
            dept_names.add(row.values["lead_department"])
        dept_names.update(row.values.get("supporting_departments") or [])
    # Departments and pillars are few: load them all once and join in Python, which is
    # much cheaper than building three model instances per proposal with select_related.
    all_departments = list(Department.objects.all())
    by_name = {d.name: d for d in all_departments}
    departments = {name: by_name[name] for name in dept_names if name in by_name}
    new_departments = sorted(dept_names - set(departments))
    lookups = {
        "pillars": {p.pk: p for p in Pillar.objects.filter(portfolio=portfolio)},
        "departments": {d.pk: d.name for d in all_departments},
    }

    proposals_qs = Proposal.objects.filter(portfolio=portfolio)
    if lock:
        proposals_qs = proposals_qs.select_for_update()
    existing = {p.management_no: p for p in proposals_qs}
    former = dict(
        ProposalCode.objects.filter(portfolio=portfolio).values_list("code", "proposal_id")
    )
    by_pk = {p.pk: p for p in existing.values()}
    matched = match_by_code(parsed, existing, former, by_pk)
    through = Proposal.supporting_departments.through
    links: dict[int, dict[str, int]] = {}
    for link_id, proposal_id, name in through.objects.filter(
        proposal__portfolio=portfolio
    ).values_list("id", "proposal_id", "department__name"):
        links.setdefault(proposal_id, {})[name] = link_id

    # Labels translated once, not once per row and field.
    labels = {name: str(label) for name, label in FIELD_LABELS.items()}
    labels["funding"] = str(_("재원"))
    plans = [plan_row(row, matched.get(row.key), links, labels, lookups) for row in parsed.rows]
    in_file = {p.pk for p in matched.values()}
    missing = [
        {"key": p.management_no, "title": p.title, "pk": p.pk}
        for no, p in sorted(existing.items())
        if p.pk not in in_file
    ]
    plan = Plan(
        portfolio=portfolio,
        parsed=parsed,
        rows=plans,
        missing=missing,
        new_departments=new_departments,
        departments=departments,
        links=links,
    )
    linkable = [
        p
        for p in existing.values()
        if p.pk not in in_file and p.data_source in LINKABLE_SOURCES and p.pk not in former.values()
    ]
    context = {"links": links, "labels": labels, "lookups": lookups, "existing": existing}
    add_options(plan, linkable, auto_link, requested or [], context)
    plan.digest = plan.fingerprint()
    return plan


def pillars_of(portfolio: Portfolio) -> list[Pillar]:
    return list(Pillar.objects.filter(portfolio=portfolio))


def plan_for(
    parsed: ParsedFile,
    portfolio: Portfolio,
    *,
    lock: bool = False,
    auto_link: bool = True,
    requested: list | None = None,
    chosen: list | None = None,
) -> Plan:
    """Compare `parsed` with the database and take the link choices.

    `requested`: (old code, new code) links a person asked for; `chosen`: the links to make,
    None for the defaults (exact title matches if `auto_link`, and the requested ones). A
    choice that is not possible becomes one of the plan's errors, in Korean.
    """
    plan = build_plan(parsed, portfolio, lock=lock, auto_link=auto_link, requested=requested)
    if not plan.link_errors:
        try:
            plan.resolve(chosen)
        except ValidationError as exc:
            plan.link_errors.extend(exc.messages)
    return plan
