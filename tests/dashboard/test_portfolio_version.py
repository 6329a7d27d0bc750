"""The portfolio version triggers: every write to the dashboard's tables moves the version once
committed, whatever made the write, and the version row never closes a deadlock cycle (not
even with Django's deferred foreign key checks, which also run at commit)."""

import datetime
import threading
import time

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from dashboard import version
from dashboard.models import PortfolioVersion, PortfolioWriteMark
from projects.models import Proposal
from reviews.models import Notification
from reviews.services import meeting_plan
from tests.factories import (
    DepartmentFactory,
    PillarFactory,
    PortfolioFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _raw_connection() -> psycopg.Connection:
    """A second, independent session on the test database (autocommit off)."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    conn = psycopg.connect(**params)
    conn.execute("SET lock_timeout = '10s'")
    conn.commit()
    return conn


def _proposals(count: int) -> list[Proposal]:
    portfolio = PortfolioFactory()
    department = DepartmentFactory()
    return [ProposalFactory(portfolio=portfolio, lead_department=department) for _ in range(count)]


def test_exactly_the_watched_tables_carry_the_trigger():
    assert version.installed_tables() == version.watched_tables()
    tables = set(version.watched_tables())
    assert {"projects_proposal", "projects_statusupdate", "reviews_followupaction"} <= tables
    assert {"projects_proposal_supporting_departments", "reviews_reviewmeeting"} <= tables
    assert not tables & {"reviews_notification", "reviews_reminder", "projects_importrun"}
    assert not [t for t in tables if "historical" in t]


def test_install_is_idempotent_and_repairs_a_dropped_trigger():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {version.TRIGGER} ON projects_pillar")
    assert "projects_pillar" not in version.installed_tables()
    version.install()
    version.install()
    assert version.installed_tables() == version.watched_tables()


def test_a_write_that_bypasses_the_services_moves_the_version():
    """QuerySet.update writes no history and sends no signal; the trigger still sees it."""
    proposal = _proposals(1)[0]
    before, _ = version.read()
    Proposal.objects.filter(pk=proposal.pk).update(title="제목만 바뀐 사업")
    after, _ = version.read()
    assert after != before


def test_a_write_to_a_table_the_dashboard_does_not_read_leaves_it():
    user = UserFactory()
    before, _ = version.read()
    Notification.objects.create(user=user, title="알림", body="본문")
    assert version.read() == (before, None)
    assert version.read(unread_for_user_id=user.pk) == (before, 1)


def test_one_statement_bumps_once_however_many_rows_it_changes():
    _proposals(5)
    before = PortfolioVersion.objects.get().bumps
    Proposal.objects.update(notes="일괄 수정")
    assert PortfolioVersion.objects.get().bumps == before + 1


def test_readers_see_the_change_only_once_it_is_committed():
    proposal = _proposals(1)[0]
    before, _ = version.read()
    other = _raw_connection()
    try:
        other.execute("UPDATE projects_proposal SET notes = 'x' WHERE id = %s", [proposal.pk])
        assert version.read()[0] == before  # not committed yet: the cached page is still right
        other.commit()
    finally:
        other.close()
    assert version.read()[0] != before


def _wait_until_blocked(pid: int) -> None:
    for _ in range(200):
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == "Lock":
                return
        time.sleep(0.05)
    raise AssertionError("the first writer never waited for the second's row lock")


def test_two_writers_locking_in_opposite_order_both_commit():
    """Each transaction writes a watched row, then wants a row the other holds. The version
    row is locked only at commit, after every other lock, so this is no deadlock."""
    first, second, third = _proposals(3)
    before, _ = version.read()
    a, b = _raw_connection(), _raw_connection()
    errors = []
    try:
        b.execute("SELECT id FROM projects_proposal WHERE id = %s FOR UPDATE", [second.pk])
        a.execute("UPDATE projects_proposal SET notes = 'a' WHERE id = %s", [first.pk])

        def a_then_wait():
            try:
                a.execute("SELECT id FROM projects_proposal WHERE id = %s FOR UPDATE", [second.pk])
                a.commit()
            except psycopg.Error as exc:  # a deadlock or lock timeout would land here
                errors.append(exc)

        waiter = threading.Thread(target=a_then_wait)
        waiter.start()
        _wait_until_blocked(a.info.backend_pid)
        b.execute("UPDATE projects_proposal SET notes = 'b' WHERE id = %s", [third.pk])
        b.commit()
        waiter.join(timeout=30)
        assert not waiter.is_alive()
    finally:
        a.close()
        b.close()
    assert errors == []
    notes = dict(Proposal.objects.filter(pk__in=[first.pk, third.pk]).values_list("pk", "notes"))
    assert notes == {first.pk: "a", third.pk: "b"}
    assert version.read()[0] != before


def test_a_rolled_back_write_leaves_the_version():
    proposal = _proposals(1)[0]
    before, _ = version.read()
    other = _raw_connection()
    try:
        other.execute("UPDATE projects_proposal SET notes = 'y' WHERE id = %s", [proposal.pk])
        other.rollback()
    finally:
        other.close()
    assert version.read()[0] == before


def test_the_version_is_unique_even_after_the_row_is_emptied():
    """flush empties the row; the next bump carries a new transaction id, never an old key."""
    proposal = _proposals(1)[0]
    Proposal.objects.filter(pk=proposal.pk).update(notes=str(timezone.now()))
    first, _ = version.read()
    PortfolioVersion.objects.all().delete()
    assert version.read()[0] == "None"
    Proposal.objects.filter(pk=proposal.pk).update(notes="다시")
    second, _ = version.read()
    assert second not in (first, "None")
    assert second.split(".")[1] == "1"  # bumps restarted, the transaction id did not


def _wait_until_someone_waits_for_a_lock(other_than: int) -> None:
    for _ in range(200):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND pid <> %s",
                [other_than],
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("nobody waited for a lock")


def test_a_deferred_foreign_key_check_never_waits_while_holding_the_version():
    """At commit A's foreign key check waits for a row B holds; B commits first. The version
    bump is queued after A's foreign key check, so A holds nothing B needs."""
    proposal, pillar, other = ProposalFactory(), PillarFactory(), DepartmentFactory()
    a, b = _raw_connection(), _raw_connection()
    errors = []
    try:
        b.execute("SELECT id FROM projects_department WHERE id = %s FOR UPDATE", [other.pk])
        b.execute("UPDATE projects_department SET name = name || 'b' WHERE id = %s", [other.pk])
        a.execute("UPDATE projects_pillar SET name = name || 'a' WHERE id = %s", [pillar.pk])
        a.execute(
            "UPDATE projects_proposal SET lead_department_id = %s WHERE id = %s",
            [other.pk, proposal.pk],
        )

        def commit_a():
            try:
                a.commit()
            except psycopg.Error as exc:
                errors.append(exc)

        waiter = threading.Thread(target=commit_a)
        waiter.start()
        _wait_until_blocked(a.info.backend_pid)
        b.commit()
        waiter.join(timeout=30)
    finally:
        a.close()
        b.close()
    assert errors == []
    assert PortfolioWriteMark.objects.count() == 0


def test_planning_a_meeting_during_an_import_is_no_deadlock():
    """The import holds every proposal of the portfolio FOR UPDATE until it commits; a meeting
    planned meanwhile adds agenda rows whose foreign keys point at those proposals."""
    portfolio = PortfolioFactory()
    proposals = [ProposalFactory(portfolio=portfolio) for _ in range(2)]
    planner = UserFactory(role="planning")
    importer = _raw_connection()
    errors = []
    try:
        importer.execute(
            "SELECT id FROM projects_proposal WHERE portfolio_id = %s FOR UPDATE", [portfolio.pk]
        )
        importer.execute(
            "UPDATE projects_proposal SET notes = 'imported' WHERE portfolio_id = %s",
            [portfolio.pk],
        )

        def plan():
            try:
                meeting_plan(
                    portfolio=portfolio,
                    title="보고회",
                    held_on=datetime.date(2026, 12, 1),
                    user=planner,
                    proposals=proposals,
                )
            except Exception as exc:  # any failure fails the test below
                errors.append(exc)
            finally:
                connection.close()

        waiter = threading.Thread(target=plan)
        waiter.start()
        _wait_until_someone_waits_for_a_lock(other_than=importer.info.backend_pid)
        importer.commit()
        waiter.join(timeout=30)
    finally:
        importer.close()
    assert errors == []
    assert set(Proposal.objects.values_list("notes", flat=True)) == {"imported"}


def test_migrating_back_removes_the_triggers_and_forward_restores_them():
    """Rolling the version migration back must leave every table writable."""
    proposal = _proposals(1)[0]
    call_command("migrate", "reviews", "0003", verbosity=0)
    try:
        assert version.installed_tables() == []
        Proposal.objects.filter(pk=proposal.pk).update(notes="마이그레이션 되돌린 뒤")
    finally:
        call_command("migrate", verbosity=0)
    assert version.installed_tables() == version.watched_tables()
    before, _ = version.read()
    Proposal.objects.filter(pk=proposal.pk).update(notes="다시 앞으로")
    assert version.read()[0] != before


def test_a_migrate_moves_the_version():
    _proposals(1)
    before, _ = version.read()
    call_command("migrate", verbosity=0)
    assert version.read()[0] != before


def test_the_version_table_names_match_the_models():
    assert PortfolioVersion._meta.db_table == version.TABLE
    assert PortfolioWriteMark._meta.db_table == version.MARK_TABLE
