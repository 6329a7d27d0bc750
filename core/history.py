"""django-simple-history helpers: one record per user action, links included.

simple-history writes a record on every save and another on every `m2m_changed` signal, so
`.set()` on a tracked many-to-many field leaves two or three records per user action, the
first without the new links. Services change links with history paused and write one record
once the links are in place; bulk writers copy the links of many records in one statement.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.apps import apps
from django.db import connection, models

from .db import is_postgresql

# SQLite has no arrays: its statements take the record ids as a list of parameters.
SQLITE_CHUNK = 500


@contextmanager
def history_paused(instance: models.Model):
    """Keep simple-history from writing records for `instance` (saves and link changes)."""
    instance.skip_history_when_saving = True
    try:
        yield
    finally:
        del instance.skip_history_when_saving


def snapshot_model(model, field: str):
    """Return the model of the per-record snapshots of `model.field` (simple-history m2m)."""
    return apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{field}")


def record_history(
    model,
    instances: list,
    *,
    m2m_field: str,
    user,
    change_reason: str | None = None,
    update: bool = False,
    batch_size: int | None = None,
) -> list:
    """Write one record per instance ("+", or "~" if `update`) with its `m2m_field` links.

    Call it after the instances and their links are written, with history paused.
    """
    records = model.history.bulk_history_create(
        instances,
        batch_size=batch_size,
        update=update,
        default_user=user,
        default_change_reason=change_reason,
    )
    snapshot_m2m(model, m2m_field, [record.history_id for record in records or []])
    return records or []


def snapshot_m2m(model, field: str, history_ids: list[int]) -> None:
    """Copy the current links of `model.field` into each of the given history records.

    For a model whose `HistoricalRecords` tracks `field` (`m2m_fields`): one INSERT … SELECT
    from the through table, whatever the number of records (chunked on SQLite).
    """
    if not history_ids:
        return
    m2m = model._meta.get_field(field)
    history = model.history.model._meta
    snapshot = snapshot_model(model, field)._meta
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
        if is_postgresql():
            cursor.execute(f"{sql} = ANY(%s::bigint[])", [list(history_ids)])
            return
        for start in range(0, len(history_ids), SQLITE_CHUNK):
            chunk = history_ids[start : start + SQLITE_CHUNK]
            cursor.execute(f"{sql} IN ({', '.join(['%s'] * len(chunk))})", chunk)
