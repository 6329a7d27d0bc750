"""The remarks version of each proposal: a database trigger moves a proposal's row whenever a
remark on it (`ProposalComment`) is written, deleted or changed, whatever makes the write (the
service, the admin, raw SQL).

A proposal's page is cached on the data version, which remarks leave alone
(core.pagecache.SCOPE_WITHOUT_REMARKS), and on its own remarks version: a remark rebuilds that
one page and no other. The row holds the writing transaction's id (PostgreSQL; a random number
on SQLite, which has none), so a version is never reused, even after the table is emptied.
The table has no foreign key: a proposal deleted with its remarks leaves a row that nothing
reads. `projects/migrations/0011` installs the trigger.
"""

from __future__ import annotations

from django.db import connection as default_connection
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat

from .models import ProposalComment, ProposalRemarksVersion

FUNCTION = "gp_remarks_version_bump"
TRIGGER = "gp_remarks_version"
_EVENTS = ("INSERT", "UPDATE", "DELETE")


def _tables(connection) -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(ProposalRemarksVersion._meta.db_table), quote(ProposalComment._meta.db_table)


def _pg_upsert(table: str, row: str) -> str:
    return (
        f"INSERT INTO {table} AS r (proposal_id, txid, bumps)"  # noqa: S608  (model names)
        f" VALUES ({row}.proposal_id, txid_current(), 1) ON CONFLICT (proposal_id)"
        " DO UPDATE SET txid = EXCLUDED.txid, bumps = r.bumps + 1"
    )


def _sqlite_upsert(table: str, row: str) -> str:
    return (
        f"INSERT INTO {table} (proposal_id, txid, bumps)"  # noqa: S608  (model names)
        f" VALUES ({row}.proposal_id, abs(random()), 1) ON CONFLICT (proposal_id)"
        " DO UPDATE SET txid = excluded.txid, bumps = bumps + 1"
    )


def version_subquery() -> Subquery:
    """The remarks version of the proposal a queryset reads ("txid.bumps"; NULL before its
    first remark), to annotate the query that reads the proposal anyway."""
    text = CharField()
    return Subquery(
        ProposalRemarksVersion.objects.filter(proposal_id=OuterRef("pk"))
        .annotate(
            stamp=Concat(Cast("txid", text), Value("."), Cast("bumps", text), output_field=text)
        )
        .values("stamp")[:1],
        output_field=text,
    )


def install(connection=default_connection) -> None:
    """Create the trigger on the remarks table (idempotent)."""
    versions, remarks = _tables(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN {_pg_upsert(versions, "OLD")}; END IF;
    IF TG_OP <> 'DELETE' THEN {_pg_upsert(versions, "NEW")}; END IF;
    RETURN NULL;
END
$$"""
            )
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {remarks}")
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {remarks}"
                f" FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
            )
            return
        for event in _EVENTS:
            name = f"{TRIGGER}_{event.lower()}"
            rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}[event]
            body = "; ".join(_sqlite_upsert(versions, row) for row in rows)
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {remarks} BEGIN {body}; END")


def uninstall(connection=default_connection) -> None:
    _versions, remarks = _tables(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {remarks}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
            return
        for event in _EVENTS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_{event.lower()}")
