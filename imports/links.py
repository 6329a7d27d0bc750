"""Link options of the reconciliation (대조): which new rows may take over which proposals.

plan.py calls `match_by_code` (rows under a current or former code) and `add_options` (rows
with new codes matched by title, reconcile.py, or asked for by code); services.py checks a
person's choices with `check_choices`. See docs/import.md, 대조.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from projects.models import DataSource, Proposal

from .columns import COLUMN_BY_KEY
from .compare import CHANGED, NEW, UNCHANGED, RowPlan, plan_row
from .parse import RowError
from .reconcile import REQUESTED, match_titles

# Proposals whose code is not a report's: a report row with a new code may be linked to them
# (unless they already adopted a report code once: they then have a former code).
LINKABLE_SOURCES = (DataSource.ARTICLE, DataSource.MANUAL)


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


def match_by_code(parsed, existing, former, by_pk) -> dict[str, Proposal]:
    """Return {row code: proposal} by current code, or by a former code.

    A row under a former code of a proposal that another row of the file also reaches (by its
    current or another former code) gets a row error instead.
    """
    matched = {}
    rows_of: dict[int, int] = {}
    for row in parsed.rows:
        proposal = existing.get(row.key) or by_pk.get(former.get(row.key))
        if proposal is not None:
            matched[row.key] = proposal
            rows_of[proposal.pk] = rows_of.get(proposal.pk, 0) + 1
    for row in parsed.rows:
        proposal = matched.get(row.key)
        if proposal is None or proposal.management_no == row.key or rows_of[proposal.pk] < 2:
            continue
        row.errors.append(
            RowError(
                row.number,
                COLUMN_BY_KEY["management_no"].header,
                _(
                    '"%(old)s"은(는) "%(new)s" 사업의 예전 관리번호인데, 같은 사업이 파일의 '
                    "다른 행에도 있습니다. 한 행만 남겨 주세요."
                )
                % {"old": row.key, "new": proposal.management_no},
            )
        )
        del matched[row.key]
    return matched


def add_options(plan, linkable: list, auto_link: bool, requested: list, context) -> None:
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
        error = requested_error(old, new, proposal, new_rows, by_pk)
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
        linked = plan_row(
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


def requested_error(old: str, new: str, proposal, new_rows: dict, linkable: dict) -> str:
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


def check_choices(options: list[dict], links: list) -> None:
    """Refuse links that are not among the preview's options or that link a row or proposal
    twice (a field-keyed ValidationError under "links", in Korean)."""
    offered = {(o["old"], o["new"]) for o in options}
    errors = []
    olds, news = set(), set()
    for old, new in links:
        if (old, new) not in offered:
            errors.append(
                _("%(old)s → %(new)s 연결은 이 미리보기에 없는 연결입니다.")
                % {"old": old, "new": new}
            )
        elif old in olds or new in news:
            errors.append(
                _(
                    "%(old)s → %(new)s: 한 사업은 한 행에만, 한 행은 한 사업에만 연결할 수 "
                    "있습니다. 선택을 하나만 남겨 주세요."
                )
                % {"old": old, "new": new}
            )
        olds.add(old)
        news.add(new)
    if errors:
        raise ValidationError({"links": errors})
