"""The remarks version of each proposal: a database trigger moves a proposal's row whenever a
remark on it (`ProposalComment`) is written, deleted or changed, whatever makes the write (the
service, the admin, raw SQL).

Remarks do not move the portfolio version (`dashboard.version.NOT_WATCHED`): only their
proposal's page shows them, and it is cached on the portfolio version and its own remarks
version, so a remark rebuilds that one page and no other. The row holds the writing
transaction's id (PostgreSQL; a random number on SQLite, which has none), so a version is never
reused, even after the table is emptied.
The table has no foreign key: a proposal deleted with its remarks leaves a row that nothing
reads. `projects/migrations/0011` installs the trigger.
"""

from __future__ import annotations

import functools

from django.db import connection as default_connection
from django.db import connections, router

from .models import Proposal, ProposalComment, ProposalRemarksVersion

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


PAGE_FIELDS = ("id", "title", "portfolio_id", "lead_department_id")


@functools.cache
def _page_sql(alias: str) -> str:
    connection = connections[alias]
    quote = connection.ops.quote_name
    versions, _remarks = _tables(connection)
    columns = ", ".join(f"p.{quote(name)}" for name in PAGE_FIELDS)
    return (
        f"SELECT {columns}, r.txid, r.bumps FROM {quote(Proposal._meta.db_table)} AS p"  # noqa: S608
        f" LEFT JOIN {versions} AS r ON r.proposal_id = p.id WHERE p.id = %s"
    )


def proposal_for_page(pk: int):
    """Return `(proposal, remarks version)` for a proposal's page, or None: the fields its
    access check and title need (a deferred instance, as `.only()` gives) and its remarks
    version ("txid.bumps", "" before its first remark), in one query written once per process."""
    alias = router.db_for_read(Proposal)
    with connections[alias].cursor() as cursor:
        cursor.execute(_page_sql(alias), [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    proposal = Proposal.from_db(alias, PAGE_FIELDS, row[: len(PAGE_FIELDS)])
    txid, bumps = row[len(PAGE_FIELDS) :]
    return proposal, ("" if txid is None else f"{txid}.{bumps}")


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
