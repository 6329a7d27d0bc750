"""Where each field's current value came from: the article, the report, a person, inferred, demo.

Kept on the proposal itself (`Proposal.field_sources`, a JSON object keyed by field), so every
page that shows a proposal has its provenance without another query, and bulk writers (the
import, the demo) set it in the same statements that write the values. One entry per field,
for its *current* value; the audit history keeps who changed what before.

An entry: {"source": <FieldSource>, "at": "YYYY-MM-DD" or an ISO datetime, and where known
"run": import run id, "user": user id, "by": the person's display name, "verbatim": whether
the value is the article's exact words, "phrase": the article's own words when the value
shortens them}. Querying works on both databases, e.g.
`Proposal.objects.filter(field_sources__lead_department__source="report")`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FieldSource(models.TextChoices):
    ARTICLE = "article", _("기사")
    REPORT = "report", _("보고서")
    EDIT = "edit", _("직접 수정")
    INFERRED = "inferred", _("추정")
    DEMO = "demo", _("데모")


# Fields whose provenance is recorded, in the order the detail page shows them. The four
# funding flags and the two years are one fact each on the page ("funding", "period").
TRACKED_FIELDS = (
    "title",
    "pillar",
    "lead_department",
    "supporting_departments",
    "summary",
    "origin",
    "period",
    "budget_million",
    "funding",
    "partner_ministry",
    "partner_companies",
    "notes",
    "status",
    "confidence",
    "progress",
)
STATE_FIELDS = ("status", "confidence", "progress")
FUND_FIELDS = ("fund_national", "fund_province", "fund_city", "fund_private")
# Model field → the fact it belongs to.
FACT_OF = {
    **{name: "funding" for name in FUND_FIELDS},
    "start_year": "period",
    "end_year": "period",
}


def fact_of(field_name: str) -> str:
    return FACT_OF.get(field_name, field_name)


def facts_of(field_names) -> list[str]:
    """The tracked facts that the given model field names touch, each once, in page order."""
    wanted = {fact_of(name) for name in field_names}
    return [fact for fact in TRACKED_FIELDS if fact in wanted]


def _stamp(at) -> str:
    if at is None:
        at = timezone.now()
    if isinstance(at, str):
        return at
    if isinstance(at, datetime.datetime):
        if timezone.is_aware(at):
            at = timezone.localtime(at)
        return at.isoformat(timespec="seconds")
    return at.isoformat()


def source_entry(
    source: str,
    *,
    at=None,
    run: int | None = None,
    user=None,
    verbatim: bool | None = None,
    phrase: str = "",
) -> dict:
    """Return one provenance entry (see the module docstring); `at` defaults to now."""
    entry = {"source": str(source), "at": _stamp(at)}
    if run is not None:
        entry["run"] = run
    if user is not None:
        entry["user"] = user.pk
        entry["by"] = user.display_name
    if verbatim is not None:
        entry["verbatim"] = verbatim
    if phrase:
        entry["phrase"] = phrase
    return entry


def mark(proposal, field_names, entry: dict) -> None:
    """Record `entry` as the source of the facts `field_names` touch (in memory; save it)."""
    sources = dict(proposal.field_sources or {})
    for fact in facts_of(field_names):
        sources[fact] = dict(entry)
    proposal.field_sources = sources


def has_value(proposal, fact: str) -> bool:
    """Whether the proposal holds a value for `fact` (an empty field has no source to show)."""
    if fact == "period":
        return bool(proposal.start_year or proposal.end_year)
    if fact == "funding":
        return any(getattr(proposal, name) for name in FUND_FIELDS)
    if fact == "supporting_departments":
        return True  # a set; its emptiness is known only with a query, and is a value too
    if fact in ("pillar", "lead_department"):
        return getattr(proposal, f"{fact}_id") is not None
    value = getattr(proposal, fact)
    return value is not None and value != ""


@dataclass(frozen=True)
class SourceMark:
    """What the page shows beside a field: a short text and a longer one for the title."""

    source: str
    text: str
    date: str
    verbatim: bool
    phrase: str

    @property
    def is_article_verbatim(self) -> bool:
        return self.source == FieldSource.ARTICLE and self.verbatim


def source_mark(entry: dict | None) -> SourceMark | None:
    """Turn an entry into what the detail page shows ("기사 2023-07-26", "보고서 … 가져오기 #3")."""
    if not entry:
        return None
    source = entry.get("source", "")
    date = (entry.get("at") or "")[:10]
    verbatim = bool(entry.get("verbatim"))
    phrase = entry.get("phrase", "")
    if source == FieldSource.ARTICLE:
        if verbatim:
            label = _("기사 확인")
        elif phrase:
            label = _("기사 표현 축약")
        else:
            label = _("기사 요약")
        text = f"{label} {date}"
    elif source == FieldSource.REPORT:
        if entry.get("run") is not None:
            text = _("보고서 %(date)s 가져오기 #%(run)s") % {"date": date, "run": entry["run"]}
        else:
            text = _("보고서 %(date)s") % {"date": date}
    elif source == FieldSource.EDIT:
        who = entry.get("by") or _("담당자")
        text = _("%(who)s 수정 %(date)s") % {"who": who, "date": date}
    elif source == FieldSource.INFERRED:
        text = _("추정 %(date)s") % {"date": date}
    elif source == FieldSource.DEMO:
        text = _("데모(가상) %(date)s") % {"date": date}
    else:
        text = date
    return SourceMark(source, str(text).strip(), date, verbatim, phrase)


def row_badge(proposal) -> str:
    """The one badge a list shows beside a proposal's title, from its fields' sources.

    "demo": demo data; "article": the title is the article's exact words and every other
    value came from the article too (or is marked inferred); "shortened": the same, but the
    title shortens the article's phrase; "mixed": some values came from the article and
    others from the report or a person; "" otherwise (nothing from the article).
    """
    sources = proposal.field_sources or {}
    if proposal.data_source == "demo" or any(
        e.get("source") == FieldSource.DEMO for e in sources.values()
    ):
        return "demo"
    title = sources.get("title") or {}
    from_article = [f for f, e in sources.items() if e.get("source") == FieldSource.ARTICLE]
    if not from_article:
        return ""
    others = {
        e.get("source")
        for f, e in sources.items()
        if f not in STATE_FIELDS and has_value(proposal, f)
    } - {FieldSource.ARTICLE, FieldSource.INFERRED}
    if others:
        return "mixed"
    if title.get("source") == FieldSource.ARTICLE and title.get("verbatim"):
        return "article"
    if title.get("source") == FieldSource.ARTICLE and title.get("phrase"):
        return "shortened"
    return "mixed"
