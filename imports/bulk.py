"""A faster `bulk_update` for PostgreSQL, used by apply.py for the changed proposals.

Django's bulk_update builds one CASE WHEN per field and row; for 10,000 rows that costs tens
of seconds in Python alone. Here each batch is one `UPDATE … FROM unnest(arrays)` statement.
Other databases (the embedded SQLite mode) use Django's own bulk_update.
"""

from __future__ import annotations

import datetime
import json

from django.db import connection

from core.db import is_postgresql


class UnnestUpdater:
    """`bulk_update(objs, fields)` like a model manager's, as one statement per batch."""

    def __init__(self, model):
        self.model = model

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        if not is_postgresql():
            return self.model._default_manager.bulk_update(objs, fields, batch_size=batch_size)
        objs = list(objs)
        size = batch_size or len(objs) or 1
        return sum(
            _update_batch(self.model, objs[start : start + size], fields)
            for start in range(0, len(objs), size)
        )


def _text(field, value):
    if value is None:
        return None
    if field.get_internal_type() == "JSONField":
        return json.dumps(value, cls=field.encoder)
    value = field.get_db_prep_save(value, connection)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _update_batch(model, objs, field_names) -> int:
    if not objs:
        return 0
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(
        f"{quote(field.column)} = v.c{index}::{field.db_type(connection)}"
        for index, field in enumerate(fields)
    )
    arrays = ", ".join(["%s::bigint[]"] + ["%s::text[]"] * len(fields))
    aliases = ", ".join(["pk"] + [f"c{index}" for index in range(len(fields))])
    # Identifiers come from the model's meta; every value travels as a parameter.
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608
        f"FROM unnest({arrays}) AS v({aliases}) WHERE t.{quote(meta.pk.column)} = v.pk"
    )
    params = [[obj.pk for obj in objs]]
    params += [[_text(field, getattr(obj, field.attname)) for obj in objs] for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
