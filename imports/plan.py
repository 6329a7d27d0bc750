"""Compare the parsed file with the database: what is new, changed, unchanged, missing.

The number of queries does not depend on the number of rows: pillars, departments, proposals
and their supporting-department links are each loaded once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from projects.models import (
    DataSource,
    Department,
    Origin,
    Pillar,
    Portfolio,
    Proposal,
    ProposalCode,
)
from projects.templatetags.portfolio import format_million

from .columns import COLUMN_BY_KEY, FIELD_LABELS
from .fields import FUND_FIELDS
from .parse import ParsedFile, RowError
from .reconcile import REQUESTED, match_titles

# Details kept in the stored preview per kind of row; counts always cover every row.
PREVIEW_DETAIL_LIMIT = 1000

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"

# Model fields the import writes, in display order (fund_* are shown together as 재원).
SCALAR_FIELDS = ("title", "summary", "origin", "start_year", "end_year", "budget_million", "notes")
# Proposals whose code is not a report's: a report row with a new code may be linked to them
# (unless they already adopted a report code once: they then have a former code).
LINKABLE_SOURCES = (DataSource.ARTICLE, DataSource.MANUAL)


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


@dataclass
class LinkOption:
    """A possible link of a new row to an existing proposal, with what linking would change."""

    proposal: Proposal
    row: RowPlan  # the row as a new proposal
    linked: RowPlan  # the row compared with the proposal
    kind: str  # reconcile.EXACT, NEAR or REQUESTED
    score: int
    ambiguous: bool
    checked: bool  # ticked by default
    old_code: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        return (self.old_code, self.row.key)


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
    matched = _match_by_code(parsed, existing, former, by_pk)
    through = Proposal.supporting_departments.through
    links: dict[int, dict[str, int]] = {}
    for link_id, proposal_id, name in through.objects.filter(
        proposal__portfolio=portfolio
    ).values_list("id", "proposal_id", "department__name"):
        links.setdefault(proposal_id, {})[name] = link_id

    # Labels translated once, not once per row and field.
    labels = {name: str(label) for name, label in FIELD_LABELS.items()}
    labels["funding"] = str(_("재원"))
    plans = [_plan_row(row, matched.get(row.key), links, labels, lookups) for row in parsed.rows]
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
    _add_options(plan, linkable, auto_link, requested or [], context)
    plan.digest = plan.fingerprint()
    return plan


def _match_by_code(parsed, existing, former, by_pk) -> dict[str, Proposal]:
    """Return {row code: proposal} by current code, or by a former code (with a row error
    when the same file also has the proposal's current code)."""
    matched = {}
    for row in parsed.rows:
        proposal = existing.get(row.key) or by_pk.get(former.get(row.key))
        if proposal is not None:
            matched[row.key] = proposal
    keys = {row.key for row in parsed.rows}
    for row in parsed.rows:
        proposal = matched.get(row.key)
        if (
            proposal is not None
            and proposal.management_no != row.key
            and proposal.management_no in keys
        ):
            row.errors.append(
                RowError(
                    row.number,
                    COLUMN_BY_KEY["management_no"].header,
                    _(
                        '"%(old)s"은(는) "%(new)s" 사업의 예전 관리번호인데, 파일에 '
                        '"%(new)s"도 있습니다. 한 행만 남겨 주세요.'
                    )
                    % {"old": row.key, "new": proposal.management_no},
                )
            )
            del matched[row.key]
    return matched


def _add_options(plan: Plan, linkable: list, auto_link: bool, requested: list, context) -> None:
    new_rows = {row.key: row for row in plan.rows if row.action == NEW}
    by_pk = {p.pk: p for p in linkable}
    parsed_rows = {row.key: row for row in plan.parsed.rows}
    pairs: dict[tuple[int, str], list] = {}
    matches = match_titles(
        [(key, row.title) for key, row in new_rows.items()],
        [(p.pk, p.title) for p in linkable],
    )
    for m in matches:
        pairs[(m.proposal_id, m.key)] = [m.kind, m.score, m.ambiguous, m.proposed and auto_link]
    for old, new in requested:
        proposal = context["existing"].get(old)
        error = _requested_error(old, new, proposal, new_rows, by_pk)
        if error:
            plan.link_errors.append(error)
            continue
        pair = pairs.setdefault((proposal.pk, new), [REQUESTED, 0, False, True])
        pair[3] = True
    if plan.link_errors:
        return
    for (pk, key), (kind, score, ambiguous, checked) in sorted(
        pairs.items(), key=lambda item: (new_rows[item[0][1]].row, by_pk[item[0][0]].management_no)
    ):
        proposal = by_pk[pk]
        linked = _plan_row(
            parsed_rows[key], proposal, context["links"], context["labels"], context["lookups"]
        )
        linked.action = CHANGED if linked.changes else UNCHANGED
        plan.options.append(
            LinkOption(
                proposal=proposal,
                row=new_rows[key],
                linked=linked,
                kind=kind,
                score=score,
                ambiguous=ambiguous,
                checked=checked,
                old_code=proposal.management_no,
            )
        )


def _requested_error(old: str, new: str, proposal, new_rows: dict, linkable: dict) -> str:
    if new not in new_rows:
        return _(
            "%(old)s=%(new)s: 파일에 관리번호가 %(new)s인 새 행이 없습니다(이미 있는 사업의 "
            "번호이거나 파일에 없는 번호)."
        ) % {"old": old, "new": new}
    if proposal is None:
        return _("%(old)s=%(new)s: 이 사업군에 관리번호가 %(old)s인 사업이 없습니다.") % {
            "old": old,
            "new": new,
        }
    if proposal.pk not in linkable:
        return _(
            "%(old)s=%(new)s: %(old)s은(는) 보고서 관리번호가 이미 있거나 파일에 그대로 있어서 "
            "연결할 수 없습니다."
        ) % {"old": old, "new": new}
    return ""


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
