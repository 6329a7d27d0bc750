"""Compare the parsed file with the database: what is new, changed, unchanged, missing.

The number of queries does not depend on the number of rows: pillars, departments, proposals
and their supporting-department links are each loaded once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from projects.models import Department, Origin, Pillar, Portfolio, Proposal
from projects.templatetags.portfolio import format_million

from .columns import FIELD_LABELS
from .fields import FUND_FIELDS
from .parse import ParsedFile

# Details kept in the stored preview per kind of row; counts always cover every row.
PREVIEW_DETAIL_LIMIT = 1000

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"

# Model fields the import writes, in display order (fund_* are shown together as 재원).
SCALAR_FIELDS = ("title", "summary", "origin", "start_year", "end_year", "budget_million", "notes")


@dataclass
class RowPlan:
    row: int
    key: str
    title: str
    action: str
    changes: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    proposal: Proposal | None = None
    supporting: list[str] | None = None  # names the row sets, None if the file is silent
    stated_inferred: list[str] = field(default_factory=list)


@dataclass
class Plan:
    portfolio: Portfolio
    parsed: ParsedFile
    rows: list[RowPlan]
    missing: list[dict]
    new_departments: list[str]
    departments: dict[str, Department]
    links: dict[int, dict[str, int]]  # proposal id → {department name: through row id}

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def has_errors(self) -> bool:
        return any(row.action == ERROR for row in self.rows)

    @property
    def digest(self) -> str:
        """Fingerprint of what applying would do; it changes if the database moved on."""
        payload = [
            [row.key, row.action, row.changes] for row in self.rows if row.action != UNCHANGED
        ]
        blob = json.dumps([payload, self.new_departments], ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def to_json(self) -> dict:
        """Return the preview as stored on the ImportRun and shown on its page."""
        rows: dict[str, list] = {NEW: [], CHANGED: [], ERROR: [], UNCHANGED: []}
        for row in self.rows:
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
            "missing": self.missing[:PREVIEW_DETAIL_LIMIT],
            "new_departments": self.new_departments,
        }


def build_plan(parsed: ParsedFile, portfolio: Portfolio, *, lock: bool = False) -> Plan:
    """Return what applying `parsed` to `portfolio` would change; `lock` locks the proposals."""
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
    through = Proposal.supporting_departments.through
    links: dict[int, dict[str, int]] = {}
    for link_id, proposal_id, name in through.objects.filter(
        proposal__portfolio=portfolio
    ).values_list("id", "proposal_id", "department__name"):
        links.setdefault(proposal_id, {})[name] = link_id

    # Labels translated once, not once per row and field.
    labels = {name: str(label) for name, label in FIELD_LABELS.items()}
    labels["funding"] = str(_("재원"))
    plans = [_plan_row(row, existing.get(row.key), links, labels, lookups) for row in parsed.rows]
    in_file = {row.key for row in parsed.rows}
    missing = [
        {"key": p.management_no, "title": p.title}
        for no, p in sorted(existing.items())
        if no not in in_file
    ]
    return Plan(
        portfolio=portfolio,
        parsed=parsed,
        rows=plans,
        missing=missing,
        new_departments=new_departments,
        departments=departments,
        links=links,
    )


def pillars_of(portfolio: Portfolio) -> list[Pillar]:
    return list(Pillar.objects.filter(portfolio=portfolio))


def _plan_row(row, proposal: Proposal | None, links, labels: dict, lookups: dict) -> RowPlan:
    values = row.values
    title = values.get("title") or (proposal.title if proposal else "")
    plan = RowPlan(row=row.number, key=row.key, title=title, action=UNCHANGED, values=values)
    if row.errors:
        plan.action = ERROR
        plan.errors = [str(e) for e in row.errors]
        return plan
    plan.proposal = proposal
    plan.supporting = values.get("supporting_departments")
    old = _current(proposal, links, lookups)
    new = dict(old)
    new.update({k: v for k, v in values.items() if k != "pillar"})
    if "pillar" in values:
        new["pillar"] = values["pillar"]
    for name, label in labels.items():
        if name in ("management_no", "funding") or name in FUND_FIELDS:
            continue
        if _differs(old.get(name), new.get(name)):
            plan.changes.append(_change(name, label, old.get(name), new.get(name)))
    if any(old[f] != new[f] for f in FUND_FIELDS):
        plan.changes.append(
            {
                "field": "funding",
                "label": labels["funding"],
                "old": _funding(old),
                "new": _funding(new),
            }
        )
    if proposal is not None:
        # A field the file states is no longer an inference, even if its value stays.
        plan.stated_inferred = [n for n in proposal.inferred_fields or [] if n in values]
        for name in plan.stated_inferred:
            if _differs(old.get(name), new.get(name)):
                continue
            shown = _display(name, new.get(name))
            plan.changes.append(
                {
                    "field": name,
                    "label": labels.get(name, name),
                    "old": _("%(value)s (추정)") % {"value": shown},
                    "new": shown,
                }
            )
    if proposal is None:
        plan.action = NEW
    elif plan.changes:
        plan.action = CHANGED
        # Proposal.clean() reads the pillar; give it the loaded one instead of a query.
        if proposal.pillar_id and "pillar" not in values:
            proposal.pillar = old["pillar"]
    return plan


def _current(proposal: Proposal | None, links, lookups) -> dict:
    if proposal is None:
        blank = {name: None for name in (*SCALAR_FIELDS, "pillar", "lead_department")}
        blank.update({"title": "", "summary": "", "origin": "", "notes": ""})
        blank.update(dict.fromkeys(FUND_FIELDS, False))
        blank["supporting_departments"] = []
        return blank
    current = {name: getattr(proposal, name) for name in (*SCALAR_FIELDS, *FUND_FIELDS)}
    current["pillar"] = lookups["pillars"].get(proposal.pillar_id)
    current["lead_department"] = lookups["departments"].get(proposal.lead_department_id)
    current["supporting_departments"] = sorted(links.get(proposal.pk, {}))
    return current


def _differs(old, new) -> bool:
    if isinstance(old, list) or isinstance(new, list):
        return set(old or []) != set(new or [])
    if isinstance(old, Pillar) or isinstance(new, Pillar):
        return getattr(old, "pk", None) != getattr(new, "pk", None)
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return old is None or new is None or Decimal(old) != Decimal(new)
    return (old or "") != (new or "") if isinstance(old or new, str) else old != new


def _change(name, label, old, new) -> dict:
    return {
        "field": name,
        "label": label,
        "old": _display(name, old),
        "new": _display(name, new),
    }


def _display(name, value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if name == "pillar":
        return f"{value.number}. {value.name}"
    if name == "origin":
        return str(Origin(value).label)
    if name == "budget_million":
        return format_million(value)
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def _funding(values: dict) -> str:
    names = {
        "fund_national": "국비",
        "fund_province": "도비",
        "fund_city": "시비",
        "fund_private": "민자",
    }
    return "·".join(label for f, label in names.items() if values.get(f))
