"""The portfolio version: database triggers that move one row whenever the dashboard's data does.

The cached dashboard is keyed on this version, so reading it is the whole cost of a cache hit:
one primary-key read, the same at any portfolio size. Triggers catch every write, whatever
wrote it (services, admin, `QuerySet.update`, bulk import, raw SQL), so a change is on the next
load of the dashboard; no write path has to remember to invalidate anything.

PostgreSQL: every watched table has a deferrable constraint trigger that fires at commit. The
row lock on the version row is therefore taken only while committing, after every other lock
of the transaction, so it cannot close a deadlock cycle; a transaction bumps the row once per
statement (all of a COMMIT's events share one statement time). Readers see committed writes;
tests that never commit make the triggers fire at once (`SET CONSTRAINTS ... IMMEDIATE`, in
tests/conftest.py), as a commit would. TRUNCATE is not watched: only `manage.py flush`
truncates, and it empties the version row with everything else.

SQLite (the embedded mode): plain row triggers; SQLite has a single writer at a time.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection as default_connection

TRIGGER = "gp_portfolio_version"
FUNCTION = "gp_portfolio_version_bump"
TABLE = "reviews_portfolioversion"
APPS = ("projects", "reviews")
# Tables the dashboard never reads and that change on their own schedule. History tables are
# left out too: a history row is only ever written together with the row it records.
NOT_WATCHED = {
    "projects.importrun",
    "reviews.calendarfeedtoken",
    "reviews.notification",
    "reviews.portfolioversion",
    "reviews.reminder",
}

# Names below come from this module, never from input.
_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM {TABLE}
     WHERE id = 1 AND txid = txid_current() AND bumped_at = statement_timestamp();
    IF NOT FOUND THEN
        INSERT INTO {TABLE} AS v (id, txid, bumps, bumped_at)
        VALUES (1, txid_current(), 1, statement_timestamp())
        ON CONFLICT (id) DO UPDATE
           SET txid = EXCLUDED.txid, bumps = v.bumps + 1, bumped_at = EXCLUDED.bumped_at;
    END IF;
    RETURN NULL;
END
$$
"""  # noqa: S608

_SQLITE_BUMP = (
    f"INSERT INTO {TABLE} (id, txid, bumps, bumped_at) "  # noqa: S608
    "VALUES (1, 0, 1, strftime('%Y-%m-%d %H:%M:%f', 'now')) "
    "ON CONFLICT (id) DO UPDATE SET bumps = bumps + 1, bumped_at = excluded.bumped_at"
)
_SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")


def watched_tables() -> list[str]:
    """Return the tables whose changes move the version: every table of the portfolio apps."""
    tables = set()
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            if meta.label_lower in NOT_WATCHED or hasattr(model, "instance_type"):
                continue  # `instance_type` marks django-simple-history's history models
            if meta.managed and not meta.proxy:
                tables.add(meta.db_table)
    return sorted(tables)


def installed_tables(connection=default_connection) -> list[str]:
    """Return the tables that carry the version trigger now."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE t.tgname = %s",
                [TRIGGER],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(
            "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"{TRIGGER}%"],
        )
        return sorted(row[0] for row in cursor.fetchall())


def install(connection=default_connection) -> None:
    """Create or refresh the triggers so that exactly the watched tables carry one."""
    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"no portfolio version triggers for {connection.vendor}")
    wanted, present = set(watched_tables()), set(installed_tables(connection))
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
            for table in sorted(present - wanted):
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quote(table)}")
            for table in sorted(wanted - present):
                cursor.execute(
                    f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE"
                    f" ON {quote(table)} DEFERRABLE INITIALLY DEFERRED"
                    f" FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
                )
            return
        for table in sorted(present | wanted):
            for event in _SQLITE_EVENTS:
                name = quote(f"{TRIGGER}_{table}_{event.lower()}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                if table in wanted:
                    cursor.execute(
                        f"CREATE TRIGGER {name} AFTER {event} ON {quote(table)}"
                        f" BEGIN {_SQLITE_BUMP}; END"
                    )


def install_after_migrate(sender, using, **kwargs) -> None:
    """post_migrate receiver: keep the triggers in step with the models after every migrate."""
    from django.db import connections

    install(connections[using])


def read(*, unread_for_user_id: int | None = None) -> tuple[str, int | None]:
    """Return the portfolio version and, given a user id, their unread notification count.

    One round trip, a primary-key read and an indexed count, at any portfolio size.
    """
    from ..models import Notification

    unread_sql = "NULL"
    params: list = []
    if unread_for_user_id is not None:
        unread_sql = (
            f"(SELECT count(*) FROM {Notification._meta.db_table}"  # noqa: S608  (model names)
            " WHERE user_id = %s AND read_at IS NULL)"
        )
        params.append(unread_for_user_id)
    sql = (
        f"SELECT v.txid, v.bumps, v.bumped_at, {unread_sql}"  # noqa: S608  (model names only)
        f" FROM (SELECT 1 AS one) AS o LEFT JOIN {TABLE} AS v ON v.id = 1"
    )
    with default_connection.cursor() as cursor:
        cursor.execute(sql, params)
        txid, bumps, bumped_at, unread = cursor.fetchone()
    return f"{txid}.{bumps}.{bumped_at}", unread
