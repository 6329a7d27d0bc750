"""Import runs left previewing/applying by a dead worker are put back in line and finished."""

import datetime

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from accounts.models import Role
from gwangyang_portfolio.celery import app as celery_app
from imports import tasks
from imports.models import ImportRun, ImportState
from imports.services import (
    import_run_create,
    import_run_preview,
    import_run_request_apply,
)
from imports.workers import _RUN_LOCK_CLASS
from projects.models import Proposal
from tests.factories import PillarFactory, PortfolioFactory, UserFactory
from tests.import_files import row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery():
    old = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old


@pytest.fixture
def make_run(db):
    portfolio = PortfolioFactory()
    for number in range(1, 6):
        PillarFactory(portfolio=portfolio, number=number, name=f"전략 {number}")
    user = UserFactory(role=Role.PLANNING)

    def make(state, age_seconds):
        data = xlsx([row("R-01", "사업 하나", pillar=1), row("R-02", "사업 둘", pillar=2)])
        run = import_run_create(portfolio=portfolio, user=user, file_name="r.xlsx", data=data)
        if state in (ImportState.APPLY_PENDING, ImportState.APPLYING):
            run = import_run_preview(run_id=run.pk)
            assert run.state == ImportState.READY
            import_run_request_apply(run=run, user=user, confirm_new_departments=True)
        created = timezone.now() - datetime.timedelta(seconds=age_seconds)
        ImportRun.objects.filter(pk=run.pk).update(state=state, created_at=created)
        return run

    return make


@pytest.fixture
def live_worker():
    """Hold a run's worker lock from another connection, as a worker still busy would."""
    side = connections.create_connection("default")
    held = []

    def hold(run):
        with side.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_RUN_LOCK_CLASS, run.pk])
        held.append(run.pk)

    yield hold
    side.close()  # ends the session: its advisory locks go with it


STUCK = settings.GP_IMPORT_STUCK_SECONDS


def test_a_stuck_preview_goes_back_to_pending_and_is_previewed_again(
    make_run, eager_celery, django_capture_on_commit_callbacks
):
    """Previewing past the timeout with no worker: back to pending, re-enqueued, finished."""
    run = make_run(ImportState.PREVIEWING, STUCK + 60)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert tasks.reclaim_stuck_imports() == 1
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.state == ImportState.READY and run.rows_new == 2


def test_a_stuck_apply_goes_back_to_apply_pending_and_is_applied_once(
    make_run, eager_celery, django_capture_on_commit_callbacks
):
    """Applying past the timeout (its transaction rolled back with the worker): applied once."""
    run = make_run(ImportState.APPLYING, STUCK + 60)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.reclaim_stuck_imports() == 1
    run.refresh_from_db()
    assert run.state == ImportState.APPLY_PENDING
    assert "다시 시도합니다" in run.message
    for callback in callbacks:
        callback()
    run.refresh_from_db()
    assert run.state == ImportState.APPLIED
    assert Proposal.objects.count() == 2
    assert tasks.reclaim_stuck_imports() == 0


def test_runs_within_the_timeout_are_left_alone(make_run, django_capture_on_commit_callbacks):
    """A run that is only briefly busy is not touched and nothing is enqueued."""
    previewing = make_run(ImportState.PREVIEWING, STUCK - 60)
    applying = make_run(ImportState.APPLYING, 10)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.reclaim_stuck_imports() == 0
    assert callbacks == []
    assert ImportRun.objects.get(pk=previewing.pk).state == ImportState.PREVIEWING
    assert ImportRun.objects.get(pk=applying.pk).state == ImportState.APPLYING


def test_a_run_a_live_worker_holds_is_not_reclaimed(
    make_run, live_worker, django_capture_on_commit_callbacks, settings
):
    """Past the timeout but still locked by a live worker: left alone, however old."""
    settings.GP_IMPORT_STUCK_SECONDS = 0
    run = make_run(ImportState.APPLYING, 3600)
    live_worker(run)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.reclaim_stuck_imports() == 0
    assert callbacks == []
    # a duplicate delivery of the task is a no-op too
    tasks.import_apply(run.pk)
    assert ImportRun.objects.get(pk=run.pk).state == ImportState.APPLYING
    assert Proposal.objects.count() == 0


def test_a_redelivered_task_takes_over_a_run_its_dead_worker_left(make_run):
    """acks_late redelivers the message; with no live worker the task finishes the run."""
    assert tasks.import_apply.acks_late and tasks.import_apply.reject_on_worker_lost
    assert tasks.import_preview.acks_late and tasks.import_preview.reject_on_worker_lost
    previewing = make_run(ImportState.PREVIEWING, 5)
    tasks.import_preview(previewing.pk)
    assert ImportRun.objects.get(pk=previewing.pk).state == ImportState.READY
    applying = make_run(ImportState.APPLYING, 5)
    tasks.import_apply(applying.pk)
    assert ImportRun.objects.get(pk=applying.pk).state == ImportState.APPLIED
    # finished runs are left alone by a further delivery
    tasks.import_apply(applying.pk)
    assert Proposal.objects.count() == 2


def test_the_reclaim_runs_every_five_minutes():
    """The beat schedule names the registered reclaim task, every 300 seconds."""
    entry = settings.CELERY_BEAT_SCHEDULE["projects.reclaim_stuck_imports"]
    assert entry == {"task": "projects.reclaim_stuck_imports", "schedule": 300.0}
    assert "projects.reclaim_stuck_imports" in celery_app.tasks
