"""The portfolio core: portfolios, strategy pillars, departments, proposals, status updates."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DataSource(models.TextChoices):
    """Where a row's facts come from, so invented data is never shown as the city's."""

    ARTICLE = "article", _("기사 확인 사실")
    REPORT = "report", _("용역 보고서")
    MANUAL = "manual", _("직접 입력")
    DEMO = "demo", _("데모(가상)")


class ProposalStatus(models.TextChoices):
    REVIEWING = "reviewing", _("검토중")
    ON_TRACK = "on_track", _("정상추진")
    PARTIAL = "partial", _("일부추진")
    ON_HOLD = "on_hold", _("보류")
    DROPPED = "dropped", _("폐기")
    DONE = "done", _("완료")
    DONE_CONTINUING = "done_continuing", _("이행후계속추진")


# The status rules, stated once: the database constraints below, the service and the form all
# use these conditions and words.
REASON_STATUSES = (ProposalStatus.ON_HOLD, ProposalStatus.DROPPED)
PROGRESS_RANGE_MESSAGE = _("진척률은 0에서 100 사이의 숫자여야 합니다.")
DONE_IS_100_MESSAGE = _("'완료' 상태로 바꾸려면 진척률이 100%여야 합니다.")
REASON_REQUIRED_MESSAGE = _("'보류' 또는 '폐기'로 바꾸려면 사유를 적어야 합니다.")
REASON_KEPT_MESSAGE = _("'보류' 또는 '폐기' 상태인 사업은 사유를 비워 둘 수 없습니다.")


def status_rule_errors(*, status, progress, reason, previous_status=None) -> dict[str, str]:
    """Return {field: message} for every status rule the given state breaks (empty if none).

    `previous_status` only chooses the wording: a proposal that stays on hold is told it
    cannot lose its reason, one moving there is told to give one.
    """
    errors = {}
    if progress is None or not 0 <= progress <= 100:
        errors["progress"] = PROGRESS_RANGE_MESSAGE
    elif status == ProposalStatus.DONE and progress != 100:
        errors["progress"] = DONE_IS_100_MESSAGE
    if status in REASON_STATUSES and not (reason or "").strip():
        kept = previous_status is not None and status == previous_status
        errors["reason"] = REASON_KEPT_MESSAGE if kept else REASON_REQUIRED_MESSAGE
    return errors


_PROGRESS_IN_RANGE = Q(progress__gte=0) & Q(progress__lte=100)
_DONE_IS_100 = ~Q(status=ProposalStatus.DONE) | Q(progress=100)
_REASON_GIVEN = ~Q(status__in=REASON_STATUSES) | ~Q(reason="")


class Confidence(models.IntegerChoices):
    """Delivery confidence, separate from status: 5 is best."""

    GREEN = 5, _("녹색(매우 양호)")
    LIGHT_GREEN = 4, _("연녹색(양호)")
    YELLOW = 3, _("황색(주의)")
    ORANGE = 2, _("주황색(위험)")
    RED = 1, _("적색(심각)")


class Origin(models.TextChoices):
    NEW = "new", _("신규")
    EXISTING = "existing", _("기존 정책")


class Portfolio(models.Model):
    """A programme of proposals tracked together (e.g. 미래 신성장 동력 발굴사업)."""

    code = models.SlugField(_("코드"), max_length=50, unique=True)
    name = models.CharField(_("사업군"), max_length=200)
    year = models.PositiveSmallIntegerField(_("연도"))
    source = models.CharField(_("출처"), max_length=300, blank=True)
    description = models.TextField(_("설명"), blank=True)
    # How many proposals the source says the portfolio holds (e.g. the article's 35); while
    # fewer are loaded, the dashboard says so and states every rate's denominator.
    stated_total = models.PositiveIntegerField(
        _("출처상 전체 사업 수"),
        null=True,
        blank=True,
        help_text=_("출처가 밝힌 이 사업군의 전체 사업 수입니다(모르면 비워 둡니다)."),
    )

    class Meta:
        verbose_name = _("사업군")
        verbose_name_plural = _("사업군")
        ordering = ["-year", "name"]

    def __str__(self):
        return f"{self.name} ({self.year})"


class Pillar(models.Model):
    """A strategy pillar (전략) of a portfolio, in the report's order."""

    portfolio = models.ForeignKey(
        Portfolio, verbose_name=_("사업군"), on_delete=models.PROTECT, related_name="pillars"
    )
    number = models.PositiveSmallIntegerField(_("번호"), validators=[MinValueValidator(1)])
    name = models.CharField(_("전략명"), max_length=200)

    class Meta:
        verbose_name = _("전략")
        verbose_name_plural = _("전략")
        ordering = ["portfolio", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "number"],
                name="pillar_unique_number",
                violation_error_message=_("같은 번호의 전략이 이미 있습니다."),
            ),
            models.UniqueConstraint(
                fields=["portfolio", "name"],
                name="pillar_unique_name",
                violation_error_message=_("같은 이름의 전략이 이미 있습니다."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class Department(models.Model):
    """A city department (부서) and its head."""

    name = models.CharField(_("부서명"), max_length=100, unique=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("부서장"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )
    email = models.EmailField(_("연락 이메일"), blank=True)
    is_demo = models.BooleanField(_("데모 부서"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("부서")
        verbose_name_plural = _("부서")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProposalQuerySet(models.QuerySet):
    def with_list_relations(self):
        return self.select_related("pillar", "lead_department", "portfolio")

    def stale(self, days: int):
        """Return proposals nobody updated for `days` days (never-updated ones included)."""
        cutoff = timezone.now() - timezone.timedelta(days=days)
        return self.filter(Q(last_update_at__lt=cutoff) | Q(last_update_at__isnull=True))

    def active(self):
        return self.exclude(status__in=[ProposalStatus.DROPPED, ProposalStatus.DONE])

    def with_code(self, code: str):
        """Return the proposals known by `code`, now or formerly (see ProposalCode)."""
        return self.filter(Q(management_no=code) | Q(former_codes__code=code)).distinct()


class Proposal(models.Model):
    """A business proposal (사업) and its current state, kept by its lead department."""

    portfolio = models.ForeignKey(
        Portfolio, verbose_name=_("사업군"), on_delete=models.PROTECT, related_name="proposals"
    )
    management_no = models.CharField(_("관리번호"), max_length=30)
    title = models.CharField(_("사업명"), max_length=200)
    pillar = models.ForeignKey(
        Pillar,
        verbose_name=_("전략"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("주관부서"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_proposals",
    )
    supporting_departments = models.ManyToManyField(
        Department, verbose_name=_("협조부서"), blank=True, related_name="supported_proposals"
    )
    summary = models.TextField(_("사업개요"), blank=True)
    origin = models.CharField(_("구분"), max_length=10, choices=Origin.choices, blank=True)
    start_year = models.PositiveSmallIntegerField(_("시작 연도"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("종료 연도"), null=True, blank=True)
    budget_million = models.DecimalField(
        _("총사업비(백만원)"), max_digits=14, decimal_places=1, null=True, blank=True
    )
    fund_national = models.BooleanField(_("국비"), default=False)
    fund_province = models.BooleanField(_("도비"), default=False)
    fund_city = models.BooleanField(_("시비"), default=False)
    fund_private = models.BooleanField(_("민자"), default=False)
    partner_ministry = models.CharField(_("협력 중앙부처"), max_length=200, blank=True)
    partner_companies = models.CharField(_("협력 기업·기관"), max_length=300, blank=True)
    notes = models.TextField(_("비고"), blank=True)

    data_source = models.CharField(
        _("자료 출처"), max_length=10, choices=DataSource.choices, default=DataSource.MANUAL
    )
    inferred_fields = models.JSONField(
        _("추정 항목"),
        default=list,
        blank=True,
        help_text=_("출처가 밝히지 않아 추정한 항목의 필드 이름 목록입니다."),
    )
    # Where each field's current value came from (projects.provenance); written by the services.
    field_sources = models.JSONField(
        _("항목별 출처"),
        default=dict,
        blank=True,
        help_text=_("항목별로 지금 값의 출처(기사, 보고서, 수정한 사람, 추정, 데모)와 날짜입니다."),
    )

    status = models.CharField(
        _("추진 상태"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.REVIEWING,
    )
    confidence = models.PositiveSmallIntegerField(
        _("추진 신뢰도"), choices=Confidence.choices, null=True, blank=True
    )
    progress = models.PositiveSmallIntegerField(
        _("진척률(%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    last_update_at = models.DateTimeField(_("최근 현황 갱신"), null=True, blank=True)
    # When the city first knew the proposal (the article's or the report's date, else the day it
    # was registered): "new since the last meeting" is decided by this, never by created_at.
    known_since = models.DateField(
        _("파악일"),
        default=timezone.localdate,
        db_index=True,
        help_text=_("시가 이 사업을 처음 알게 된 날(기사·보고서 기준일, 없으면 등록일)입니다."),
    )
    # Optimistic lock: every change of state bumps it; a save with an old version is refused.
    version = models.PositiveIntegerField(_("버전"), default=1)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    # The supporting departments are tracked too: every historical record keeps the set as it
    # was then (a row per department in projects_historicalproposal_supporting_departments).
    history = HistoricalRecords(
        excluded_fields=["updated_at", "field_sources"], m2m_fields=[supporting_departments]
    )
    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("사업")
        verbose_name_plural = _("사업")
        ordering = ["management_no"]
        indexes = [
            models.Index(fields=["status"], name="proposal_status_idx"),
            models.Index(fields=["last_update_at"], name="proposal_last_update_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "management_no"],
                name="proposal_unique_management_no",
                violation_error_message=_("같은 관리번호의 사업이 이미 있습니다."),
            ),
            models.CheckConstraint(
                condition=_PROGRESS_IN_RANGE,
                name="proposal_progress_range",
                violation_error_message=PROGRESS_RANGE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=_DONE_IS_100,
                name="proposal_done_is_100",
                violation_error_message=DONE_IS_100_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="proposal_period_order",
                violation_error_message=_("종료 연도는 시작 연도보다 빠를 수 없습니다."),
            ),
            models.CheckConstraint(
                condition=Q(budget_million__isnull=True) | Q(budget_million__gte=0),
                name="proposal_budget_non_negative",
                violation_error_message=_("총사업비는 0 이상이어야 합니다."),
            ),
        ]

    def __str__(self):
        return f"[{self.management_no}] {self.title}"

    def get_absolute_url(self):
        return reverse("projects:proposal_detail", args=[self.pk])

    def clean(self):
        if self.pillar_id and self.portfolio_id and self.pillar.portfolio_id != self.portfolio_id:
            raise ValidationError({"pillar": _("이 사업군에 속하지 않은 전략입니다.")})

    @property
    def period_display(self) -> str:
        if self.start_year and self.end_year:
            return f"{self.start_year}~{self.end_year}"
        return str(self.start_year or self.end_year or "")

    @property
    def funding_display(self) -> str:
        names = [
            (self.fund_national, "국비"),
            (self.fund_province, "도비"),
            (self.fund_city, "시비"),
            (self.fund_private, "민자"),
        ]
        return "·".join(label for flag, label in names if flag)

    def is_inferred(self, field_name: str) -> bool:
        return field_name in (self.inferred_fields or [])


class StatusUpdate(models.Model):
    """An immutable, dated report of a proposal's state; the latest one is the current state."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("사업"), on_delete=models.PROTECT, related_name="updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("작성자"),
        on_delete=models.PROTECT,
        related_name="status_updates",
    )
    created_at = models.DateTimeField(_("작성일시"), default=timezone.now, db_index=True)
    status = models.CharField(_("추진 상태"), max_length=20, choices=ProposalStatus.choices)
    confidence = models.PositiveSmallIntegerField(
        _("추진 신뢰도"), choices=Confidence.choices, null=True, blank=True
    )
    progress = models.PositiveSmallIntegerField(
        _("진척률(%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    previous_status = models.CharField(
        _("이전 상태"), max_length=20, choices=ProposalStatus.choices, blank=True
    )
    previous_confidence = models.PositiveSmallIntegerField(
        _("이전 신뢰도"), choices=Confidence.choices, null=True, blank=True
    )
    previous_progress = models.PositiveSmallIntegerField(_("이전 진척률"), null=True, blank=True)
    what_changed = models.TextField(_("추진 내용(변동 사항)"), blank=True)
    issues = models.TextField(_("문제점·애로사항"), blank=True)
    next_step = models.TextField(_("향후 계획"), blank=True)
    reason = models.TextField(_("보류·폐기 사유"), blank=True)
    version = models.PositiveIntegerField(
        _("사업 버전"), help_text=_("이 갱신으로 바뀐 사업의 버전")
    )
    is_demo = models.BooleanField(_("데모 데이터"), default=False)

    class Meta:
        verbose_name = _("추진 현황")
        verbose_name_plural = _("추진 현황")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["proposal", "-created_at"], name="update_proposal_recent")]
        constraints = [
            models.CheckConstraint(
                condition=_PROGRESS_IN_RANGE,
                name="update_progress_range",
                violation_error_message=PROGRESS_RANGE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=_DONE_IS_100,
                name="update_done_is_100",
                violation_error_message=DONE_IS_100_MESSAGE,
            ),
            models.CheckConstraint(
                condition=_REASON_GIVEN,
                name="update_hold_drop_has_reason",
                violation_error_message=REASON_REQUIRED_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["proposal", "version"], name="update_unique_proposal_version"
            ),
        ]

    def __str__(self):
        return (
            f"{self.proposal.management_no} {self.created_at:%Y-%m-%d} {self.get_status_display()}"
        )

    def save(self, *args, **kwargs):
        # History is never rewritten: an existing update cannot be saved again.
        if not self._state.adding:
            raise ValidationError(_("등록된 추진 현황은 수정할 수 없습니다."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("등록된 추진 현황은 삭제할 수 없습니다."))

    @property
    def status_changed(self) -> bool:
        return bool(self.previous_status) and self.previous_status != self.status


class ProposalComment(models.Model):
    """A remark on a proposal by its lead or a supporting department."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("사업"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("작성자"),
        on_delete=models.PROTECT,
        related_name="proposal_comments",
    )
    body = models.TextField(_("의견"))
    created_at = models.DateTimeField(_("작성일시"), default=timezone.now)

    class Meta:
        verbose_name = _("사업 의견")
        verbose_name_plural = _("사업 의견")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""),
                name="comment_not_blank",
                violation_error_message=_("의견 내용을 적어야 합니다."),
            ),
        ]

    def __str__(self):
        return f"{self.proposal.management_no} · {self.author}"


class ProposalRemarksVersion(models.Model):
    """A proposal's remarks version: moved by a trigger on every write to its remarks
    (`projects.remarks`); never written by application code."""

    # No foreign key: the row of a deleted proposal is harmless, and a remark deleted with its
    # proposal must not fail on it.
    proposal_id = models.BigIntegerField(_("사업"), primary_key=True)
    txid = models.BigIntegerField(_("마지막 변경 트랜잭션"), default=0)
    bumps = models.BigIntegerField(_("변경 횟수"), default=0)

    class Meta:
        verbose_name = _("사업 의견 버전")
        verbose_name_plural = _("사업 의견 버전")

    def __str__(self):
        return f"{self.proposal_id}: {self.txid}.{self.bumps}"


class ProposalCode(models.Model):
    """A code a proposal was known by before it adopted another (e.g. a report's code).

    The old code stays findable: the proposal list's search and `/proposals/code/<code>/`
    find the proposal by it. A code is unique per portfolio among former codes; the service
    (`proposal_adopt_codes`) also keeps it apart from the current codes.
    """

    portfolio = models.ForeignKey(
        Portfolio, verbose_name=_("사업군"), on_delete=models.PROTECT, related_name="+"
    )
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("사업"), on_delete=models.CASCADE, related_name="former_codes"
    )
    code = models.CharField(_("예전 관리번호"), max_length=30)
    replaced_by = models.CharField(_("바뀐 관리번호"), max_length=30)
    reason = models.CharField(_("사유"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("바꾼 사람"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("바꾼 일시"), default=timezone.now)

    class Meta:
        verbose_name = _("예전 관리번호")
        verbose_name_plural = _("예전 관리번호")
        ordering = ["proposal", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "code"],
                name="proposalcode_unique_code",
                violation_error_message=_("같은 예전 관리번호가 이미 있습니다."),
            ),
            models.CheckConstraint(
                condition=~Q(code=models.F("replaced_by")) & ~Q(code=""),
                name="proposalcode_changed",
                violation_error_message=_("예전 관리번호와 바뀐 관리번호가 같습니다."),
            ),
        ]

    def __str__(self):
        return f"{self.code} → {self.replaced_by}"
