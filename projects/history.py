"""Read the audit trail (django-simple-history) as "who changed what, when", in Korean labels."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .history_records import SUPPORTING, supporting_history_model
from .models import Department, Pillar, Proposal

# Bookkeeping fields every save touches; showing them would bury the real changes.
HIDDEN_FIELDS = ("version", "updated_at", "last_update_at", "created_at")
AUDIT_LIMIT = 50
# Fields holding ids of related rows (the supporting departments: a tuple of ids), shown by name.
RELATED_MODELS = {"pillar": Pillar, "lead_department": Department, SUPPORTING: Department}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class AuditEntry:
    record: object  # a HistoricalProposal row
    kind: str  # "+", "~" or "-"
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def user(self):
        return self.record.history_user

    @property
    def at(self):
        return self.record.history_date


def _display(name: str, value, names: dict) -> str:
    if value is None or value == "" or value == ():
        return str(_("없음"))
    if name == SUPPORTING:  # by name, as the page lists them
        return ", ".join(sorted(names.get((Department, pk), f"#{pk}") for pk in value))
    if name in RELATED_MODELS:
        return names.get((RELATED_MODELS[name], value), str(value))
    model_field = Proposal._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("예") if value else _("아니오"))
    return str(value)


def audit_entries(records: list) -> list[AuditEntry]:
    """Diff each historical record against the one before it (oldest first in `records`).

    The first record is only a baseline unless it is the creation. The supporting departments
    of all records come from one query, and related names from one query per related model,
    so the cost does not grow with the number of records (`diff_against` would read the
    supporting departments with two queries per record).
    """
    supporting = _supporting_of(records) if len(records) > 1 else {}
    deltas = []
    for previous, record in zip([None, *records[:-1]], records, strict=True):
        if previous is None:
            if record.history_type == "+":
                deltas.append((record, []))
            continue
        delta = record.diff_against(previous, excluded_fields=(*HIDDEN_FIELDS, SUPPORTING))
        changes = [(c.field, c.old, c.new) for c in delta.changes]
        old = supporting.get(previous.history_id, ())
        new = supporting.get(record.history_id, ())
        if set(old) != set(new):
            changes.append((SUPPORTING, old, new))
            changes.sort(key=lambda change: change[0])  # by field name, like diff_against
        deltas.append((record, changes))
    names = _names(deltas)
    return [
        AuditEntry(
            record=record,
            kind=record.history_type,
            changes=[
                FieldChange(
                    label=str(Proposal._meta.get_field(name).verbose_name),
                    old=_display(name, old, names),
                    new=_display(name, new, names),
                )
                for name, old, new in changes
            ],
        )
        for record, changes in deltas
    ]


def _supporting_of(records: list) -> dict[int, tuple[int, ...]]:
    """Return each record's supporting department ids."""
    supporting: dict[int, list[int]] = {}
    rows = (
        supporting_history_model()
        .objects.filter(history_id__in=[r.history_id for r in records])
        .values_list("history_id", "department_id")
    )
    for history_id, department_id in rows:
        supporting.setdefault(history_id, []).append(department_id)
    return {history_id: tuple(ids) for history_id, ids in supporting.items()}


def _names(deltas: list) -> dict:
    """Return {(model, pk): name} of every related row the changes mention, a query a model."""
    wanted: dict = {}
    for _record, changes in deltas:
        for name, old, new in changes:
            if name in RELATED_MODELS:
                ids = [*old, *new] if name == SUPPORTING else [old, new]
                wanted.setdefault(RELATED_MODELS[name], set()).update(ids)
    names = {}
    for model, ids in wanted.items():
        ids.discard(None)
        if ids:
            names.update({(model, o.pk): str(o) for o in model.objects.filter(pk__in=ids)})
    return names


def proposal_audit(proposal: Proposal, *, limit: int = AUDIT_LIMIT) -> list[AuditEntry]:
    """Return the latest `limit` audit entries of a proposal, newest first."""
    records = list(
        proposal.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    records.reverse()
    entries = audit_entries(records)
    entries.reverse()
    return entries[:limit]


def changes_since(proposal: Proposal, expected_version: int) -> list[AuditEntry]:
    """Return what changed after `expected_version`, oldest first (for a conflict message)."""
    records = list(
        proposal.history.filter(version__gte=expected_version)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    return [e for e in audit_entries(records) if e.record.version > expected_version]
