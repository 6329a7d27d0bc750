"""Read the audit trail (django-simple-history) as "who changed what, when", in Korean labels."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import Department, Pillar, Proposal

# Bookkeeping fields every save touches; showing them would bury the real changes.
HIDDEN_FIELDS = ("version", "updated_at", "last_update_at", "created_at")
AUDIT_LIMIT = 50
FK_MODELS = {"pillar": Pillar, "lead_department": Department}


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


def _display(name: str, value, fk_names: dict) -> str:
    if value is None or value == "":
        return str(_("없음"))
    if name in FK_MODELS:
        return fk_names.get((name, value), str(value))
    model_field = Proposal._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("예") if value else _("아니오"))
    return str(value)


def audit_entries(records: list) -> list[AuditEntry]:
    """Diff each historical record against the one before it (oldest first in `records`).

    The first record is only a baseline unless it is the creation. Related names are looked up
    in one query per related model, so the cost does not grow with the number of records.
    """
    deltas = []
    for previous, record in zip([None, *records[:-1]], records, strict=True):
        if previous is None:
            if record.history_type == "+":
                deltas.append((record, []))
            continue
        delta = record.diff_against(previous, excluded_fields=HIDDEN_FIELDS)
        deltas.append((record, delta.changes))
    wanted = {
        (c.field, v)
        for _record, changes in deltas
        for c in changes
        if c.field in FK_MODELS
        for v in (c.old, c.new)
        if v is not None
    }
    fk_names = {}
    for name, model in FK_MODELS.items():
        ids = [v for n, v in wanted if n == name]
        if ids:
            fk_names.update({(name, o.pk): str(o) for o in model.objects.filter(pk__in=ids)})
    entries = []
    for record, changes in deltas:
        entries.append(
            AuditEntry(
                record=record,
                kind=record.history_type,
                changes=[
                    FieldChange(
                        label=str(Proposal._meta.get_field(c.field).verbose_name),
                        old=_display(c.field, c.old, fk_names),
                        new=_display(c.field, c.new, fk_names),
                    )
                    for c in changes
                ],
            )
        )
    return entries


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
