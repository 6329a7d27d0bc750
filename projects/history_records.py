"""Write proposal history records in bulk, with the supporting departments of each.

simple-history copies a proposal's supporting departments into every historical record it
writes on save (a SELECT and an INSERT per record). Its bulk helpers write the records without
them, and bulk writes of the through table send no `m2m_changed` signal, so bulk writers
record history through here: one INSERT … SELECT copies the links of every record at once.
"""

from __future__ import annotations

from core import history

from .models import Proposal

SUPPORTING = "supporting_departments"


def supporting_history_model():
    """Return the model of the per-record supporting-department snapshots."""
    return history.snapshot_model(Proposal, SUPPORTING)


def record_history(
    proposals: list[Proposal],
    *,
    user,
    change_reason: str | None = None,
    update: bool = False,
    batch_size: int | None = None,
) -> list:
    """Write one historical record per proposal ("+", or "~" if `update`), links included.

    Call it after the proposals and their supporting departments are written.
    """
    return history.record_history(
        Proposal,
        proposals,
        m2m_field=SUPPORTING,
        user=user,
        change_reason=change_reason,
        update=update,
        batch_size=batch_size,
    )
