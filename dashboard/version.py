"""The portfolio version: database triggers move one row whenever the dashboard's data changes.

The cached dashboard is keyed on this version, so reading it is the whole cost of a cache hit:
one primary-key read, the same at any portfolio size. Triggers catch every write, whatever
wrote it (services, admin, `QuerySet.update`, bulk import, raw SQL), so a change is on the next
load of the dashboard; no write path has to remember to invalidate anything.

PostgreSQL, in two stages, both deferrable constraint triggers that fire at commit:
1. every watched table: note the transaction in `reviews_portfoliowritemark` (a row of its
   own, so this never waits for another transaction);
2. that insert queues the second stage *last* in the commit, after every other deferred event
   of the transaction (Django's foreign keys are deferred checks too): bump the version row,
   delete the mark.
The version row is therefore locked only at the very end of a commit, when the transaction
waits for nothing else, so it cannot close a deadlock cycle; and bumps happen in commit order,
so a reader that sees a version sees every write before it. Readers see committed writes;
tests that never commit make the triggers fire at each statement (`SET CONSTRAINTS ...
IMMEDIATE`, tests/conftest.py), as a commit would. `SET CONSTRAINTS ALL IMMEDIATE` or
`connection.check_constraints()` inside a transaction would take the lock early: don't, in
application code.

SQLite (the embedded mode): plain row triggers bump the row; SQLite has one writer at a time.

The tables keep their `reviews_` names (the models moved to this app, the tables did not).

Migrations install the triggers, never the running code: `dashboard/migrations/0002` calls
`install(tables=...)` with the tables it lists (every table of `projects` and `reviews` that
`watched_tables()` names) and its reverse calls `uninstall()`, so migrating `reviews` back to
0003 or `dashboard` to zero leaves every table writable. **A table the dashboard reads that a
later migration of another app creates gets no trigger by itself: add a dashboard migration
that depends on that migration and calls `install(tables=...)` with the longer list (the
shorter one in reverse).** The same goes for a migration that rebuilds a watched table on
SQLite (its schema editor copies the table, and the copy has no triggers). The test that the
watched tables are exactly the ones carrying the trigger fails until that migration exists,
and a `migrate` that leaves them apart logs a warning.

After every `migrate` (and `flush`, which empties the version row: TRUNCATE fires no trigger)
the version is bumped (`bump_after_migrate`, post_migrate): a migration may change what the
dashboard shows without a row write the triggers see. A missing row is no error either way:
`read()` answers "None" and the next bump inserts it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.apps import apps
from django.db import connection as default_connection
from django.db import connections, transaction

TRIGGER = "gp_portfolio_version"  # stage 1, on each watched table
BUMP_TRIGGER = "gp_portfolio_version_bump"  # stage 2, on the mark table
TRIGGERS = (TRIGGER, BUMP_TRIGGER)
MARK_FUNCTION = "gp_portfolio_version_mark"
BUMP_FUNCTION = "gp_portfolio_version_bump"
TABLE = "reviews_portfolioversion"  # dashboard.PortfolioVersion
MARK_TABLE = "reviews_portfoliowritemark"  # dashboard.PortfolioWriteMark
APPS = ("projects", "reviews", "rounds")
# Tables the dashboard never reads and that change on their own schedule. History tables are
# left out too: a history row is only ever written together with the row it records; so is
# a former code (projects.ProposalCode), written only with its proposal's new code.
NOT_WATCHED = {
    "imports.importrun",
    "projects.proposalcode",
    # Remarks show on their proposal's page only, which keys on that proposal's own remarks
    # version (projects.remarks, moved by a trigger of its own): a remark rebuilds that page
    # and leaves every other cached page alone.
    "projects.proposalcomment",
    "projects.proposalremarksversion",
    "reviews.calendarfeedtoken",
    "reviews.notification",
    "reviews.reminder",
    "rounds.evidencedownload",
}

logger = logging.getLogger(__name__)

# Names below come from this module, never from input.
_PG_BUMP = f"""
    INSERT INTO {TABLE} AS v (id, txid, bumps, bumped_at)
    VALUES (1, txid_current(), 1, clock_timestamp())
    ON CONFLICT (id) DO UPDATE
       SET txid = EXCLUDED.txid, bumps = v.bumps + 1, bumped_at = EXCLUDED.bumped_at
"""  # noqa: S608
_PG_FUNCTIONS = (
    f"""
CREATE OR REPLACE FUNCTION {MARK_FUNCTION}() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('gp.portfolio_marked', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('gp.portfolio_marked', txid_current()::text, true);
        INSERT INTO {MARK_TABLE} (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$""",  # noqa: S608
    f"""
CREATE OR REPLACE FUNCTION {BUMP_FUNCTION}() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    {_PG_BUMP};
    DELETE FROM {MARK_TABLE} WHERE txid = NEW.txid;
    PERFORM set_config('gp.portfolio_marked', '', true);
    RETURN NULL;
END
$$""",  # noqa: S608
)
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
        if not apps.is_installed(label):
            continue  # a test's `available_apps` may leave an app out
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            if meta.label_lower in NOT_WATCHED or hasattr(model, "instance_type"):
                continue  # `instance_type` marks django-simple-history's history models
            if meta.managed and not meta.proxy:
                tables.add(meta.db_table)
    return sorted(tables)


def installed_tables(connection=default_connection) -> list[str]:
    """Return the tables that carry the (first-stage) version trigger now."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE t.tgname = %s",
                [TRIGGER],
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger'"
                " AND name LIKE %s",
                [f"{TRIGGER}%"],
            )
        return sorted(row[0] for row in cursor.fetchall())


def install(connection=default_connection, *, tables: Iterable[str] | None = None) -> None:
    """Make exactly `tables` (default: `watched_tables()`) carry the triggers, then bump.

    Idempotent: tables that lack a trigger get one, tables not named lose theirs; a named
    table that does not exist is skipped. Called by this app's migrations (and by tests that
    repair a dropped trigger).
    """
    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"no portfolio version triggers for {connection.vendor}")
    with transaction.atomic(using=connection.alias):
        existing = set(connection.introspection.table_names())
        needed = {TABLE, MARK_TABLE} if connection.vendor == "postgresql" else {TABLE}
        if not needed <= existing:
            raise RuntimeError(f"the portfolio version tables are missing: {sorted(needed)}")
        wanted = set(watched_tables() if tables is None else tables) & existing
        present = set(installed_tables(connection))
        if connection.vendor == "postgresql":
            _install_postgresql(connection, wanted, present)
        else:
            _install_sqlite(connection, wanted, present)
        bump(connection)


def uninstall(connection=default_connection) -> None:
    """Remove every version trigger (and, on PostgreSQL, their functions): the reverse of the
    migration that installed them, after which every table is writable without them."""
    with transaction.atomic(using=connection.alias):
        present = set(installed_tables(connection))
        if connection.vendor == "postgresql":
            _install_postgresql(connection, set(), present)
        else:
            _install_sqlite(connection, set(), present)


def _install_postgresql(connection, wanted: set[str], present: set[str]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(present - wanted):
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quote(table)}")
        if not wanted:  # uninstall: remove the second stage and the functions as well
            cursor.execute(f"DROP FUNCTION IF EXISTS {MARK_FUNCTION}() CASCADE")
            cursor.execute(f"DROP FUNCTION IF EXISTS {BUMP_FUNCTION}() CASCADE")
            return
        for sql in _PG_FUNCTIONS:
            cursor.execute(sql)
        cursor.execute(f"DROP TRIGGER IF EXISTS {BUMP_TRIGGER} ON {MARK_TABLE}")
        cursor.execute(
            f"CREATE CONSTRAINT TRIGGER {BUMP_TRIGGER} AFTER INSERT ON {MARK_TABLE}"
            f" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {BUMP_FUNCTION}()"
        )
        for table in sorted(wanted - present):
            cursor.execute(
                f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE"
                f" ON {quote(table)} DEFERRABLE INITIALLY DEFERRED"
                f" FOR EACH ROW EXECUTE FUNCTION {MARK_FUNCTION}()"
            )


def _install_sqlite(connection, wanted: set[str], present: set[str]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(present | wanted):
            for event in _SQLITE_EVENTS:
                name = quote(f"{TRIGGER}_{table}_{event.lower()}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                if table in wanted:
                    cursor.execute(
                        f"CREATE TRIGGER {name} AFTER {event} ON {quote(table)}"
                        f" BEGIN {_SQLITE_BUMP}; END"
                    )


def bump(connection=default_connection) -> None:
    """Move the version now (after a migration, which may change what the dashboard shows)."""
    with connection.cursor() as cursor:
        cursor.execute(_PG_BUMP if connection.vendor == "postgresql" else _SQLITE_BUMP)


def bump_after_migrate(sender, using, **kwargs) -> None:
    """post_migrate receiver: move the version after every migrate and flush (the row comes
    back if flush emptied it), and warn if the triggers and the models have drifted apart.

    It installs nothing: the triggers belong to this app's migrations.
    """
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    if TABLE not in connection.introspection.table_names():
        return  # migrated back past the version tables
    bump(connection)
    installed = installed_tables(connection)
    if installed and installed != watched_tables():
        logger.warning(
            "Portfolio version triggers differ from the watched tables (missing: %s; extra: %s)."
            " Add a dashboard migration that calls dashboard.version.install(tables=...).",
            sorted(set(watched_tables()) - set(installed)),
            sorted(set(installed) - set(watched_tables())),
        )


# Fields of a user that cached pages show (authors, chairs, uploaders): the accounts tables are
# not watched (a login writes `last_login`, which must not empty every cache), so a change to
# these moves the version through `bump_on_user_change` instead.
USER_SHOWN_FIELDS = frozenset({"first_name", "last_name", "username"})


def mark_write(connection=default_connection) -> None:
    """Move the version with the current transaction, as a watched table's trigger would: at
    commit on PostgreSQL (the same mark, so the same lock order), at once on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('gp.portfolio_marked', txid_current()::text, true)")
            cursor.execute(
                f"INSERT INTO {MARK_TABLE} (txid) VALUES (txid_current())"  # noqa: S608  (constant)
                " ON CONFLICT DO NOTHING"
            )
        else:
            cursor.execute(_SQLITE_BUMP)


def bump_on_user_change(sender, instance, created, update_fields=None, using=None, **kwargs):
    """post_save of the user model: a renamed user shows under the new name at once."""
    if created or (update_fields is not None and not USER_SHOWN_FIELDS & set(update_fields)):
        return
    connection = connections[using or "default"]
    if connection.vendor in ("postgresql", "sqlite"):
        mark_write(connection)


def version_sql(connection=default_connection) -> str:
    """The version as one SQL text value ("txid.bumps.bumped_at", NULL without the row): read
    by `read()` and, with every signed-in user's row, through `core.user_row`."""
    if connection.vendor == "postgresql":
        parts = "v.txid::text || '.' || v.bumps::text || '.' || coalesce(v.bumped_at::text, '')"
    else:
        parts = "v.txid || '.' || v.bumps || '.' || coalesce(v.bumped_at, '')"
    return f"(SELECT {parts} FROM {TABLE} AS v WHERE v.id = 1)"  # noqa: S608  (constants)


def read(*, unread_for_user_id: int | None = None) -> tuple[str, int | None]:
    """Return the portfolio version and, given a user id, their unread notification count.

    One round trip, a primary-key read and an indexed count, at any portfolio size.
    """
    from reviews.models import Notification

    unread_sql = "NULL"
    params: list = []
    if unread_for_user_id is not None:
        unread_sql = (
            f"(SELECT count(*) FROM {Notification._meta.db_table}"  # noqa: S608  (model names)
            " WHERE user_id = %s AND read_at IS NULL)"
        )
        params.append(unread_for_user_id)
    with default_connection.cursor() as cursor:
        cursor.execute(f"SELECT {version_sql()}, {unread_sql}", params)
        value, unread = cursor.fetchone()
    return str(value), unread
