"""The record of one report import: who, when, which file, what it changed."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """Write Korean as itself, not as \\uXXXX escapes: a third of the bytes, and of the
    memory a worker needs to store a large parse."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


class ImportState(models.TextChoices):
    PENDING = "pending", _("미리보기 대기")
    PREVIEWING = "previewing", _("미리보기 중")
    READY = "ready", _("적용 가능")
    INVALID = "invalid", _("오류 있음")
    APPLY_PENDING = "apply_pending", _("적용 대기")
    APPLYING = "applying", _("적용 중")
    APPLIED = "applied", _("적용 완료")
    FAILED = "failed", _("실패")


class AsOfSource(models.TextChoices):
    """Where a run's as-of date (기준일) came from."""

    USER = "user", _("입력한 날짜")
    FILE = "file", _("파일에 적힌 날짜")
    UPLOAD = "upload", _("올린 날")


# States in which a worker (or the request) is still busy with the run.
BUSY_STATES = (
    ImportState.PENDING,
    ImportState.PREVIEWING,
    ImportState.APPLY_PENDING,
    ImportState.APPLYING,
)


class ImportRun(models.Model):
    """Record one upload of the report: the file, its preview, and whether it was applied."""

    portfolio = models.ForeignKey(
        "projects.Portfolio",
        verbose_name=_("사업군"),
        on_delete=models.PROTECT,
        related_name="import_runs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("올린 사람"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_runs",
    )
    created_at = models.DateTimeField(_("올린 일시"), auto_now_add=True)
    file_name = models.CharField(_("파일 이름"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("파일 크기(바이트)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    # The upload itself, kept in the database so a worker on another host can read it;
    # emptied once the run is applied or rejected.
    content = models.BinaryField(_("파일 내용"), null=True, blank=True, editable=False)
    sheet_name = models.CharField(_("시트"), max_length=100, blank=True)
    data_source = models.CharField(_("새 사업의 자료 출처"), max_length=10, default="report")
    confirm_new_departments = models.BooleanField(_("새 부서 생성 확인"), default=False)
    # The date the report's facts are as of; the creation records of the proposals the run
    # creates carry it (apply.py), so "since the last meeting" comparisons can use it.
    as_of = models.DateField(_("기준일"), default=timezone.localdate)
    as_of_source = models.CharField(
        _("기준일 출처"), max_length=10, choices=AsOfSource.choices, default=AsOfSource.UPLOAD
    )
    # Reconciliation (docs/import.md 대조): exact title matches ticked by default unless
    # auto_link is off; links a person asked for by code (CLI --link) as [old, new] pairs;
    # the links chosen to apply (None: the preview's defaults).
    auto_link = models.BooleanField(_("같은 사업명 자동 연결"), default=True)
    links_requested = models.JSONField(_("요청한 연결"), default=list, blank=True)
    links_chosen = models.JSONField(_("선택한 연결"), null=True, blank=True)

    state = models.CharField(
        _("상태"), max_length=20, choices=ImportState.choices, default=ImportState.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("진행률(%)"), default=0)
    # Times a worker took up the current step (preview, then apply); a step whose worker
    # keeps dying (e.g. killed for memory) is failed after GP_IMPORT_MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField(_("작업 시도 횟수"), default=0)
    message = models.TextField(_("안내"), blank=True)
    encoding = models.CharField(_("문자 인코딩"), max_length=30, blank=True)
    preview = models.JSONField(_("미리보기"), default=dict, blank=True, editable=False)
    # The error-free parse of the file, so applying does not read the file again.
    parsed = models.JSONField(
        _("읽은 행"), default=dict, blank=True, editable=False, encoder=UnicodeJSONEncoder
    )
    digest = models.CharField(_("변경 내용 지문"), max_length=64, blank=True)

    rows_total = models.PositiveIntegerField(_("행 수"), default=0)
    rows_new = models.PositiveIntegerField(_("신규"), default=0)
    rows_changed = models.PositiveIntegerField(_("변경"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("변경 없음"), default=0)
    rows_error = models.PositiveIntegerField(_("오류"), default=0)
    rows_missing = models.PositiveIntegerField(_("파일에 없는 사업"), default=0)
    departments_new = models.PositiveIntegerField(_("새 부서"), default=0)
    rows_linked = models.PositiveIntegerField(_("기존 사업에 연결"), default=0)

    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("적용한 사람"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("적용 일시"), null=True, blank=True)

    class Meta:
        # The table keeps the name it had when the model lived in `projects` (moved without
        # touching data).
        db_table = "projects_importrun"
        verbose_name = _("보고서 가져오기")
        verbose_name_plural = _("보고서 가져오기")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="importrun_progress_range",
                violation_error_message=_("진행률은 0에서 100 사이여야 합니다."),
            ),
            models.CheckConstraint(
                condition=~Q(state="applied") | Q(applied_at__isnull=False),
                name="importrun_applied_has_time",
                violation_error_message=_("적용 완료된 가져오기에는 적용 일시가 있어야 합니다."),
            ),
            models.CheckConstraint(
                condition=Q(as_of_source__in=AsOfSource.values),
                name="importrun_as_of_source_valid",
                violation_error_message=_("알 수 없는 기준일 출처입니다."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=ImportState.values),
                name="importrun_state_valid",
                violation_error_message=_("알 수 없는 상태입니다."),
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.file_name}"

    def get_absolute_url(self):
        return reverse("imports:import_run", args=[self.pk])

    @property
    def is_busy(self) -> bool:
        return self.state in BUSY_STATES

    @property
    def can_apply(self) -> bool:
        return self.state == ImportState.READY
