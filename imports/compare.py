"""Compare one parsed row with the proposal it updates (or none): what changes, field by field.

Used by plan.py for every row and by links.py for every link option. No queries: the caller
loads pillars, departments and supporting-department links once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from projects.models import Origin, Pillar, Proposal
from projects.templatetags.portfolio import format_million

from .fields import FUND_FIELDS

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
    link_from: str = ""  # the proposal's code before it adopts the row's (a chosen link)


def plan_row(row, proposal: Proposal | None, links, labels: dict, lookups: dict) -> RowPlan:
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
