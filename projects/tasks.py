"""Jobs of the portfolio core. Thin: take an id, call the service."""

import logging

from celery import shared_task

from .importer.services import import_run_apply, import_run_preview

logger = logging.getLogger(__name__)


@shared_task(name="projects.import_preview")
def import_preview(run_id: int) -> None:
    """Make the preview of an uploaded report (no-op unless the run is pending)."""
    if import_run_preview(run_id=run_id) is None:
        logger.info("import run %s no longer exists", run_id)


@shared_task(name="projects.import_apply")
def import_apply(run_id: int) -> None:
    """Apply a previewed report, all or nothing (no-op unless the run awaits applying)."""
    if import_run_apply(run_id=run_id) is None:
        logger.info("import run %s no longer exists", run_id)
