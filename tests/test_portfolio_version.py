"""The portfolio version triggers: every write to the dashboard's tables moves the version once
committed, whatever made the write, and the version row never closes a deadlock cycle."""

import threading
import time

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from projects.models import Proposal
from reviews.dashboard import version
from reviews.models import Notification, PortfolioVersion

from .factories import DepartmentFactory, PortfolioFactory, ProposalFactory, UserFactory

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
    assert version.read()[0] == "None.None.None"
    Proposal.objects.filter(pk=proposal.pk).update(notes="다시")
    second, _ = version.read()
    assert second not in (first, "None.None.None")
    assert second.split(".")[1] == "1"  # bumps restarted, the transaction id did not
