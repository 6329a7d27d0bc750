"""Write proposal history records in bulk, with the supporting departments of each.

simple-history copies a proposal's supporting departments into every historical record it
writes on save (a SELECT and an INSERT per record). Its bulk helpers (`bulk_history_create`
and the `bulk_*_with_history` wrappers) write the records without them, and bulk writes of the
through table send no `m2m_changed` signal, so bulk writers record history through here: one
INSERT … SELECT copies the links of every record at once, whatever the number of records.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection

from .models import Proposal

SUPPORTING = "supporting_departments"
# SQLite has no arrays: its statements take the record ids as a list of parameters.
SQLITE_CHUNK = 500


def supporting_history_model():
    """Return the model of the per-record supporting-department snapshots."""
    return apps.get_model("projects", f"HistoricalProposal_{SUPPORTING}")


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
    records = Proposal.history.bulk_history_create(
        proposals,
        batch_size=batch_size,
        update=update,
        default_user=user,
        default_change_reason=change_reason,
    )
    snapshot_supporting([record.history_id for record in records or []])
    return records


def snapshot_supporting(history_ids: list[int]) -> None:
    """Copy each record's proposal's current supporting departments into the record."""
    snapshot_m2m(Proposal, SUPPORTING, history_ids)


def snapshot_m2m(model, field: str, history_ids: list[int]) -> None:
    """Copy the current links of `model.field` into each of the given history records.

    For a model whose `HistoricalRecords` tracks `field` (`m2m_fields`): one INSERT … SELECT
    from the through table, whatever the number of records (chunked on SQLite).
    """
    if not history_ids:
        return
    m2m = model._meta.get_field(field)
    history = model.history.model._meta
    snapshot = apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{field}")._meta
    through = m2m.remote_field.through._meta
    source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
    quote = connection.ops.quote_name

    def column(meta, name):
        return quote(meta.get_field(name).column)

    source_col = column(through, source)
    history_id = column(history, "history_id")
    # Identifiers come from the models' meta; the ids travel as parameters.
    sql = (
        f"INSERT INTO {quote(snapshot.db_table)} ({column(snapshot, 'id')}, "  # noqa: S608
        f"{column(snapshot, source)}, {column(snapshot, target)}, "
        f"{column(snapshot, 'history')}) "
        f"SELECT t.{column(through, 'id')}, t.{source_col}, t.{column(through, target)}, "
        f"h.{history_id} FROM {quote(history.db_table)} AS h "
        f"JOIN {quote(through.db_table)} AS t ON t.{source_col} = h.{column(history, 'id')} "
        f"WHERE h.{history_id}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{sql} = ANY(%s::bigint[])", [list(history_ids)])
            return
        for start in range(0, len(history_ids), SQLITE_CHUNK):
            chunk = history_ids[start : start + SQLITE_CHUNK]
            cursor.execute(f"{sql} IN ({', '.join(['%s'] * len(chunk))})", chunk)
