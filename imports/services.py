"""Writes of the report import: create a run, preview it, apply it. Views, tasks and the
management command call these; they call the engine (readers → parse → plan → apply)."""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db import is_postgresql
from projects.models import DataSource, Portfolio

from .apply import apply_plan, change_reason_for
from .fields import PillarIndex
from .links import check_choices
from .models import AsOfSource, ImportRun, ImportState
from .parse import ParsedFile, parse_table
from .plan import CHANGED, ERROR, NEW, UNCHANGED, Plan, pillars_of, plan_for
from .readers import ImportFileError, read_table
from .workers import claim as _claim
from .workers import worker_lock as _worker_lock

logger = logging.getLogger(__name__)


@dataclass
class Preview:
    """The outcome of reading a file against the database, for the command and the run."""

    plan: Plan | None
    file_error: str = ""

    @property
    def has_errors(self) -> bool:
        return bool(self.file_error) or (self.plan is not None and self.plan.has_errors)


def preview_file(
    *,
    data: bytes,
    file_name: str,
    portfolio: Portfolio,
    sheet: str = "",
    progress=None,
    lock: bool = False,
    auto_link: bool = True,
    requested: list | None = None,
    chosen: list | None = None,
) -> Preview:
    """Read, parse and compare a file with the database; write nothing.

    `auto_link`, `requested` and `chosen` are the reconciliation choices (see `plan_for`).
    """
    try:
        table = read_table(data, file_name, sheet or None)
        parsed = parse_table(
            table,
            PillarIndex.of(pillars_of(portfolio)),
            progress=(lambda done, total: progress(10 + 70 * done // total)) if progress else None,
        )
    except ImportFileError as exc:
        return Preview(plan=None, file_error=exc.message)
    del table  # the raw cells are not needed once parsed
    return Preview(
        plan=plan_for(
            parsed, portfolio, lock=lock, auto_link=auto_link, requested=requested, chosen=chosen
        )
    )


@transaction.atomic
def import_run_create(
    *,
    portfolio: Portfolio,
    user,
    file_name: str,
    data: bytes,
    sheet_name: str = "",
    data_source: str = DataSource.REPORT,
    as_of: datetime.date | None = None,
    auto_link: bool = True,
    links_requested: list | None = None,
) -> ImportRun:
    """Record an uploaded file; the preview is made by import_run_preview.

    `as_of` is the date the report's facts are as of (기준일); without it the preview takes
    the date the file's title rows state, or else the upload's date. A date in the future is
    refused.
    """
    today = timezone.localdate()
    if as_of is not None and as_of > today:
        raise ValidationError(
            {"as_of": _("기준일은 오늘(%(today)s) 이후일 수 없습니다.") % {"today": today}}
        )
    run = ImportRun(
        portfolio=portfolio,
        created_by=user,
        file_name=file_name[:255],
        file_size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        sheet_name=sheet_name.strip(),
        data_source=data_source,
        as_of=as_of or today,
        as_of_source=AsOfSource.USER if as_of else AsOfSource.UPLOAD,
        auto_link=auto_link,
        links_requested=[list(pair) for pair in links_requested or []],
    )
    run.full_clean(exclude=["content"])
    run.save()
    return run


def import_run_preview(*, run_id: int) -> ImportRun | None:
    """Make the preview of a pending run (idempotent: a run not pending is left alone)."""
    with _worker_lock(run_id) as held:
        if held is False:
            return ImportRun.objects.filter(pk=run_id).first()  # another worker is on it
        return _preview(run_id, held)


def _preview(run_id: int, held: bool | None) -> ImportRun | None:
    if not _claim(run_id, ImportState.PENDING, ImportState.PREVIEWING, held):
        return ImportRun.objects.filter(pk=run_id).first()
    run = ImportRun.objects.select_related("portfolio").get(pk=run_id)
    try:
        data = bytes(run.content or b"")
        # One copy of the file in memory: the run lets go of its own (read again if asked).
        run.__dict__.pop("content", None)
        preview = preview_file(
            data=data,
            file_name=run.file_name,
            portfolio=run.portfolio,
            sheet=run.sheet_name,
            progress=lambda percent: _set_progress(run.pk, percent),
            auto_link=run.auto_link,
            requested=run.links_requested,
        )
        del data
        _store_preview(run, preview)
    except Exception:
        logger.exception("import run %s: preview failed", run_id)
        run.state = ImportState.FAILED
        run.message = _(
            "미리보기를 만드는 중에 예상하지 못한 오류가 났습니다. 관리자에게 알려 주세요."
        )
        run.content = None
        run.save(update_fields=["state", "message", "content"])
    return run


def _store_preview(run: ImportRun, preview: Preview) -> None:
    fields = [
        "state",
        "progress",
        "message",
        "preview",
        "digest",
        "encoding",
        "rows_total",
        "rows_new",
        "rows_changed",
        "rows_unchanged",
        "rows_error",
        "rows_missing",
        "rows_linked",
        "departments_new",
        "as_of",
        "as_of_source",
    ]
    run.progress = 100
    if preview.file_error:
        run.state = ImportState.INVALID
        run.message = preview.file_error
        run.preview = {"file_error": preview.file_error}
        run.content = None
        run.parsed = {}
        run.save(update_fields=[*fields, "content", "parsed"])
        return
    plan = preview.plan
    run.preview = plan.to_json()
    earlier = (
        ImportRun.objects.filter(
            portfolio=run.portfolio, sha256=run.sha256, state=ImportState.APPLIED
        )
        .exclude(pk=run.pk)
        .order_by("-applied_at")
        .values_list("pk", flat=True)
        .first()
    )
    if earlier:
        run.preview["notices"].append(
            _("같은 파일이 이미 #%(id)s에서 적용되었습니다.") % {"id": earlier}
        )
    run.encoding = plan.parsed.encoding
    run.digest = plan.digest
    run.rows_total = len(plan.rows)
    run.rows_new = plan.count(NEW)
    run.rows_changed = plan.count(CHANGED)
    run.rows_unchanged = plan.count(UNCHANGED)
    run.rows_error = plan.count(ERROR)
    run.rows_missing = len(plan.missing)
    run.departments_new = len(plan.new_departments)
    run.rows_linked = len(plan.linked)
    stated = plan.parsed.stated_date
    if stated and run.as_of_source != AsOfSource.USER:
        stated = datetime.date.fromisoformat(stated)
        if stated <= timezone.localdate():
            run.as_of, run.as_of_source = stated, AsOfSource.FILE
    if plan.link_errors:
        run.state = ImportState.INVALID
        run.message = " ".join(plan.link_errors)
        run.content = None
        run.parsed = {}
    elif plan.has_errors:
        run.state = ImportState.INVALID
        run.message = _(
            "오류가 있는 행이 %(n)s개 있어 적용할 수 없습니다. 파일을 고쳐 다시 올려 주세요."
        ) % {"n": run.rows_error}
        run.content = None
        run.parsed = {}
        run.save(update_fields=[*fields, "content", "parsed"])
        return
    # A ready run keeps its file (content is left as stored) and its parse, the biggest
    # value, serialised apart from the rest of the row; the run is ready only once both
    # are written.
    ImportRun.objects.filter(pk=run.pk).update(parsed=plan.parsed.to_json())
    run.state = ImportState.READY
    run.message = ""
    run.save(update_fields=fields)
    run.__dict__.pop("parsed", None)  # not kept in memory: read again (deferred) if asked


@transaction.atomic
def import_run_request_apply(
    *, run: ImportRun, user, confirm_new_departments: bool, links: list | None = None
) -> ImportRun:
    """Mark a ready run to be applied by `user`; refuse if it is not ready or unconfirmed.

    `links`: the (old code, new code) links to make, among the preview's options (the ticks
    of the preview page); None takes the preview's defaults.
    """
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    if locked.state != ImportState.READY:
        raise ValidationError(
            _("이 가져오기는 지금 적용할 수 없습니다(상태: %(state)s).")
            % {"state": locked.get_state_display()}
        )
    if locked.departments_new and not confirm_new_departments:
        raise ValidationError(
            {"confirm_new_departments": _("새 부서를 만들려면 확인란을 선택해 주세요.")}
        )
    if links is not None:
        links = [list(pair) for pair in links]
        check_choices((locked.preview or {}).get("links", []), links)
    locked.state = ImportState.APPLY_PENDING
    locked.applied_by = user
    locked.confirm_new_departments = confirm_new_departments
    locked.links_chosen = links
    locked.progress = 0
    locked.attempts = 0
    locked.save(
        update_fields=[
            "state",
            "applied_by",
            "confirm_new_departments",
            "links_chosen",
            "progress",
            "attempts",
        ]
    )
    return locked


def import_run_apply(*, run_id: int) -> ImportRun | None:
    """Apply a run marked for applying, all or nothing; a run in another state is left alone.

    The file is compared with the database again under row locks. If the result differs from
    the preview the admin saw, nothing is written and the run gets the new preview instead.
    """
    with _worker_lock(run_id) as held:
        if held is False:
            return ImportRun.objects.filter(pk=run_id).first()  # another worker is on it
        return _apply(run_id, held)


def _apply(run_id: int, held: bool | None) -> ImportRun | None:
    if not _claim(run_id, ImportState.APPLY_PENDING, ImportState.APPLYING, held):
        return ImportRun.objects.filter(pk=run_id).first()
    run = ImportRun.objects.select_related("portfolio", "applied_by").get(pk=run_id)
    try:
        with transaction.atomic():
            preview = _preview_for_apply(run)
            if preview.has_errors or preview.plan.digest != run.digest:
                stale = True
            else:
                stale = False
                with _SideProgress(run.pk) as side:
                    result = apply_plan(
                        preview.plan,
                        user=run.applied_by,
                        data_source=run.data_source,
                        change_reason=change_reason_for(run.pk),
                        create_departments=run.confirm_new_departments,
                        progress=side.report,
                        as_of=run.as_of,
                        run_id=run.pk,
                    )
                run.state = ImportState.APPLIED
                run.applied_at = timezone.now()
                run.progress = 100
                run.content = None
                run.parsed = {}
                run.message = _(
                    "적용했습니다: 신규 %(created)s건, 변경 %(updated)s건, 기존 사업에 연결 "
                    "%(linked)s건, 새 부서 %(depts)s개."
                ) % {
                    "created": result["created"],
                    "updated": result["updated"],
                    "linked": result["linked"],
                    "depts": result["departments_created"],
                }
                run.save(
                    update_fields=[
                        "state",
                        "applied_at",
                        "progress",
                        "content",
                        "parsed",
                        "message",
                    ]
                )
        if stale:
            _store_preview(run, preview)
            if run.state == ImportState.READY:
                run.message = _(
                    "미리보기 이후 자료가 바뀌어 아무것도 적용하지 않았습니다. 새 미리보기를 "
                    "확인한 뒤 다시 적용해 주세요."
                )
                run.save(update_fields=["message"])
    except Exception:
        logger.exception("import run %s: apply failed", run_id)
        run.state = ImportState.FAILED
        run.message = _("적용 중에 오류가 나서 아무것도 바꾸지 않았습니다. 관리자에게 알려 주세요.")
        run.save(update_fields=["state", "message"])
    return run


def _preview_for_apply(run: ImportRun) -> Preview:
    """Compare the run's rows with the database under row locks.

    The rows come from the parse stored at preview time; the file is read again only if
    that parse is missing or names a pillar that has since been deleted.
    """
    pillars = {p.pk: p for p in pillars_of(run.portfolio)}
    try:
        parsed = ParsedFile.from_json(run.parsed, pillars) if run.parsed else None
    except KeyError:
        parsed = None
    choices = {
        "auto_link": run.auto_link,
        "requested": run.links_requested,
        "chosen": run.links_chosen,
    }
    if parsed is not None:
        return Preview(plan=plan_for(parsed, run.portfolio, lock=True, **choices))
    return preview_file(
        data=bytes(run.content or b""),
        file_name=run.file_name,
        portfolio=run.portfolio,
        sheet=run.sheet_name,
        lock=True,
        **choices,
    )


def _set_progress(run_id: int, percent: int) -> None:
    ImportRun.objects.filter(pk=run_id).update(progress=max(0, min(100, percent)))


class _SideProgress:
    """Report progress from inside the apply transaction through a second connection.

    The apply transaction's own writes stay invisible until commit, so the progress page
    would see nothing; on PostgreSQL a separate autocommit connection makes the number
    visible at once. Elsewhere (SQLite) progress jumps when the transaction commits.
    """

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.side = None

    def __enter__(self):
        if is_postgresql():
            self.side = connections.create_connection("default")
        return self

    def report(self, percent: int) -> None:
        if self.side is None:
            return
        try:
            with self.side.cursor() as cursor:
                cursor.execute(
                    "UPDATE projects_importrun SET progress = %s WHERE id = %s",
                    [percent, self.run_id],
                )
        except Exception:  # progress is a courtesy; never let it break the apply
            logger.warning("import run %s: progress update failed", self.run_id, exc_info=True)
            self.side = None

    def __exit__(self, *exc):
        if self.side is not None:
            self.side.close()
        return False
