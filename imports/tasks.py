"""Jobs of the report import. Thin: take an id, call the service.

The task names keep the `projects.` prefix they had before the importer became its own app:
messages already queued, and the beat schedule, find the tasks by these names.
"""

import logging

from celery import shared_task

from .models import ImportState
from .services import import_run_apply, import_run_preview
from .workers import import_runs_reclaim_stuck

logger = logging.getLogger(__name__)


# Both import tasks are idempotent (a state claim plus a per-run worker lock; applying is one
# transaction), so a message is acknowledged only after the work and redelivered if the
# worker dies.
@shared_task(name="projects.import_preview", acks_late=True, reject_on_worker_lost=True)
def import_preview(run_id: int) -> None:
    """Make the preview of an uploaded report (no-op unless the run is pending)."""
    if import_run_preview(run_id=run_id) is None:
        logger.info("import run %s no longer exists", run_id)


@shared_task(name="projects.import_apply", acks_late=True, reject_on_worker_lost=True)
def import_apply(run_id: int) -> None:
    """Apply a previewed report, all or nothing (no-op unless the run awaits applying)."""
    if import_run_apply(run_id=run_id) is None:
        logger.info("import run %s no longer exists", run_id)


@shared_task(name="projects.reclaim_stuck_imports")
def reclaim_stuck_imports() -> int:
    """Put runs left previewing/applying by a dead worker back in line and enqueue them again."""
    runs = import_runs_reclaim_stuck()
    for run in runs:
        task = import_preview if run.state == ImportState.PENDING else import_apply
        task.delay_on_commit(run.pk)
    return len(runs)
