"""Import runs and their workers: one worker per run at a time, and recovery of runs whose
worker died (previewing or applying with nobody on it)."""

from __future__ import annotations

import datetime
import logging
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db import is_postgresql

from .models import ImportRun, ImportState

logger = logging.getLogger(__name__)

# Namespace of the PostgreSQL advisory locks a worker holds on a run while it works on it.
_RUN_LOCK_CLASS = 0x6770  # "gp"


@contextmanager
def worker_lock(run_id: int):
    """Hold the run's worker lock for the block; yield False if another worker holds it.

    A session-level PostgreSQL advisory lock: it is released when the block ends or when the
    worker's connection dies, so a run in a busy state whose lock is free has no live worker
    and may be taken over. Elsewhere (SQLite, the embedded mode) there is no such lock: this
    yields None and callers keep to the strict state claim.
    """
    if not is_postgresql():
        yield None
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_RUN_LOCK_CLASS, run_id])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_RUN_LOCK_CLASS, run_id])


def claim(run_id: int, waiting: str, working: str, held: bool | None) -> bool:
    """Move the run from `waiting` to `working` and count the attempt; with the worker lock
    held, a run left in `working` by a dead worker (its transaction rolled back) is taken
    over too.

    The count is committed at once (autocommit), so it survives a worker killed mid-step.
    A run already taken up GP_IMPORT_MAX_ATTEMPTS times is marked failed and not claimed:
    a file that kills its worker (e.g. for memory) is not tried forever.
    """
    states = [waiting, working] if held else [waiting]
    runs = ImportRun.objects.filter(pk=run_id, state__in=states)
    if runs.filter(attempts__lt=settings.GP_IMPORT_MAX_ATTEMPTS).update(
        state=working, progress=5, attempts=F("attempts") + 1
    ):
        return True
    if runs.update(
        state=ImportState.FAILED,
        content=None,
        message=_(
            "이 파일을 처리하던 작업이 %(n)s번 중간에 멈춰 더 시도하지 않습니다. 파일을 "
            "나누거나 줄여 다시 올리고, 되풀이되면 관리자에게 알려 주세요."
        )
        % {"n": settings.GP_IMPORT_MAX_ATTEMPTS},
    ):
        logger.error(
            "import run %s: given up after %s attempts", run_id, settings.GP_IMPORT_MAX_ATTEMPTS
        )
    return False


# A run stuck in a working state goes back to the state its task starts from.
_RETRY_STATE = {
    ImportState.PREVIEWING: ImportState.PENDING,
    ImportState.APPLYING: ImportState.APPLY_PENDING,
}


def import_runs_reclaim_stuck(*, now: datetime.datetime | None = None) -> list[ImportRun]:
    """Put runs whose worker died back into their waiting state; return them to re-enqueue.

    A run counts as stuck when it is previewing or applying, was uploaded more than
    GP_IMPORT_STUCK_SECONDS ago, and no worker holds its lock (on PostgreSQL). Without
    advisory locks (SQLite) only previews are reclaimed, since a preview can safely run twice.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.GP_IMPORT_STUCK_SECONDS)
    states = list(_RETRY_STATE) if is_postgresql() else [ImportState.PREVIEWING]
    candidates = ImportRun.objects.filter(state__in=states, created_at__lt=cutoff).values_list(
        "pk", "state"
    )
    reclaimed = []
    for run_id, state in list(candidates):
        with worker_lock(run_id) as held:
            if held is False:
                continue  # a live worker is still on it
            back = _RETRY_STATE[state]
            if ImportRun.objects.filter(pk=run_id, state=state).update(
                state=back,
                progress=0,
                message=_("작업이 중간에 멈춰 다시 시도합니다."),
            ):
                logger.warning("import run %s: stuck in %s, back to %s", run_id, state, back)
                reclaimed.append(ImportRun.objects.get(pk=run_id))
    return reclaimed
