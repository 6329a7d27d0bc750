"""Update rounds (분기 점검): planning asks every lead department for an update by a date,
reviews what comes back, and only confirmed figures reach the report."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.models import Confidence, ProposalStatus


class RoundState(models.TextChoices):
    OPEN = "open", _("진행중")
    CLOSED = "closed", _("마감")


class UpdateRound(models.Model):
    """A round (점검 회차) of one portfolio: which proposals, as of when, due when."""

    portfolio = models.ForeignKey(
        "projects.Portfolio",
        verbose_name=_("사업군"),
        on_delete=models.PROTECT,
        related_name="update_rounds",
    )
    name = models.CharField(_("회차명"), max_length=200)
    as_of = models.DateField(_("기준일"))
    due_date = models.DateField(_("제출 기한"))
    state = models.CharField(
        _("상태"), max_length=10, choices=RoundState.choices, default=RoundState.OPEN
    )
    meeting = models.ForeignKey(
        "reviews.ReviewMeeting",
        verbose_name=_("다음 보고회"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="update_rounds",
    )
    proposals = models.ManyToManyField(
        "projects.Proposal", verbose_name=_("점검 대상 사업"), related_name="update_rounds"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("등록자"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)
    closed_at = models.DateTimeField(_("마감일시"), null=True, blank=True)
    # The frozen as-of figures of every proposal in scope (the next meeting's agenda pack).
    snapshot = models.JSONField(_("기준 현황(고정)"), null=True, blank=True, editable=False)
    snapshot_at = models.DateTimeField(_("고정 시각"), null=True, blank=True)
    version = models.PositiveIntegerField(_("버전"), default=1)

    class Meta:
        verbose_name = _("점검 회차")
        verbose_name_plural = _("점검 회차")
        ordering = ["-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "name"],
                name="round_unique_name",
                violation_error_message=_("같은 이름의 점검 회차가 이미 있습니다."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("as_of")),
                name="round_due_after_as_of",
                violation_error_message=_("제출 기한은 기준일보다 빠를 수 없습니다."),
            ),
            models.CheckConstraint(
                condition=~Q(state="closed")
                | (Q(closed_at__isnull=False) & Q(snapshot__isnull=False)),
                name="round_closed_is_frozen",
                violation_error_message=_(
                    "마감된 점검 회차에는 마감일시와 고정 현황이 있어야 합니다."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("rounds:round_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN


class SubmissionState(models.TextChoices):
    SUBMITTED = "submitted", _("제출")
    PENDING = "pending", _("확인 대기")
    CONFIRMED = "confirmed", _("확인 완료")
    RETURNED = "returned", _("반려")


class RoundSubmission(models.Model):
    """A department's answer for one proposal in a round; the latest one is the current one.

    A submission that needs planning's confirmation keeps its values here and changes the
    proposal only when confirmed; any other is applied at once (`status_update`).
    """

    round = models.ForeignKey(
        UpdateRound,
        verbose_name=_("점검 회차"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    proposal = models.ForeignKey(
        "projects.Proposal",
        verbose_name=_("사업"),
        on_delete=models.PROTECT,
        related_name="round_submissions",
    )
    is_current = models.BooleanField(_("현재 제출"), default=True)
    state = models.CharField(_("확인 상태"), max_length=10, choices=SubmissionState.choices)
    unchanged = models.BooleanField(_("변동 없음"), default=False)
    status_update = models.OneToOneField(
        "projects.StatusUpdate",
        verbose_name=_("반영된 추진 현황"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="round_submission",
    )
    # The proposal's version the head saw: a confirmation applies on top of exactly that.
    base_version = models.PositiveIntegerField(_("기준 버전"))
    status = models.CharField(_("추진 상태"), max_length=20, choices=ProposalStatus.choices)
    confidence = models.PositiveSmallIntegerField(
        _("추진 신뢰도"), choices=Confidence.choices, null=True, blank=True
    )
    progress = models.PositiveSmallIntegerField(_("진척률(%)"))
    what_changed = models.TextField(_("추진 내용(변동 사항)"), blank=True)
    issues = models.TextField(_("문제점·애로사항"), blank=True)
    next_step = models.TextField(_("향후 계획"), blank=True)
    reason = models.TextField(_("보류·폐기 사유"), blank=True)
    previous_status = models.CharField(
        _("이전 상태"), max_length=20, choices=ProposalStatus.choices, blank=True
    )
    previous_confidence = models.PositiveSmallIntegerField(
        _("이전 신뢰도"), choices=Confidence.choices, null=True, blank=True
    )
    previous_progress = models.PositiveSmallIntegerField(_("이전 진척률"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("제출자"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("제출일시"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("확인자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("확인일시"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("반려자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("반려일시"), null=True, blank=True)
    return_comment = models.TextField(_("반려 사유"), blank=True)

    class Meta:
        verbose_name = _("점검 제출")
        verbose_name_plural = _("점검 제출")
        ordering = ["round", "proposal", "-submitted_at", "-id"]
        indexes = [models.Index(fields=["round", "state"], name="submission_round_state_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "proposal"],
                condition=Q(is_current=True),
                name="submission_one_current",
                violation_error_message=_("이 사업의 현재 제출이 이미 있습니다."),
            ),
            models.CheckConstraint(
                condition=~Q(state="returned")
                | (~Q(return_comment="") & Q(returned_at__isnull=False)),
                name="submission_return_has_comment",
                violation_error_message=_("반려하려면 사유를 적어야 합니다."),
            ),
            models.CheckConstraint(
                condition=~Q(state="confirmed") | Q(confirmed_at__isnull=False),
                name="submission_confirmed_has_time",
                violation_error_message=_("확인된 제출에는 확인일시가 있어야 합니다."),
            ),
            models.CheckConstraint(
                condition=Q(state="pending")
                | Q(state="returned", status_update__isnull=True)
                | Q(status_update__isnull=False),
                name="submission_applied_has_update",
                violation_error_message=_("반영된 제출에는 추진 현황이 있어야 합니다."),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="submission_progress_range",
                violation_error_message=_("진척률은 0에서 100 사이의 숫자여야 합니다."),
            ),
        ]

    def __str__(self):
        return f"{self.round} · {self.proposal.management_no} ({self.get_state_display()})"

    @property
    def is_pending(self) -> bool:
        return self.state == SubmissionState.PENDING


def _evidence_path(instance, filename: str) -> str:
    # The stored name never comes from the user: the SHA-256 and the detected type.
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}.{instance.file_type}"


class Evidence(models.Model):
    """A file attached as evidence to one submission, status update, review or completed
    action; immutable once posted. The stored name is derived from the content."""

    submission = models.ForeignKey(
        RoundSubmission,
        verbose_name=_("점검 제출"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    status_update = models.ForeignKey(
        "projects.StatusUpdate",
        verbose_name=_("추진 현황"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    review = models.ForeignKey(
        "reviews.ProposalReview",
        verbose_name=_("사업 검토"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    action = models.ForeignKey(
        "reviews.FollowUpAction",
        verbose_name=_("후속조치"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    file = models.FileField(_("파일"), upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(_("원래 파일명"), max_length=255)
    file_type = models.CharField(_("파일 형식"), max_length=10)
    size = models.PositiveBigIntegerField(_("크기(바이트)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("올린 사람"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("올린 시각"))

    class Meta:
        verbose_name = _("증빙 파일")
        verbose_name_plural = _("증빙 파일")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(submission__isnull=False, review__isnull=True, action__isnull=True)
                    | Q(
                        submission__isnull=True,
                        status_update__isnull=True,
                        review__isnull=False,
                        action__isnull=True,
                    )
                    | Q(
                        submission__isnull=True,
                        status_update__isnull=True,
                        review__isnull=True,
                        action__isnull=False,
                    )
                    | Q(
                        submission__isnull=True,
                        status_update__isnull=False,
                        review__isnull=True,
                        action__isnull=True,
                    )
                ),
                name="evidence_one_target",
                violation_error_message=_("증빙 파일은 한 곳에만 첨부할 수 있습니다."),
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="evidence_sha256_hex",
            ),
        ]

    def __str__(self):
        return self.original_name

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("올린 증빙 파일은 바꿀 수 없습니다."))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("rounds:evidence_download", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise ValidationError(_("올린 증빙 파일은 지울 수 없습니다."))


class EvidenceDownload(models.Model):
    """Who downloaded which evidence file, when (the download log)."""

    evidence = models.ForeignKey(
        Evidence, verbose_name=_("증빙 파일"), on_delete=models.PROTECT, related_name="downloads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("사용자"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("시각"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("접속 주소"), null=True, blank=True)

    class Meta:
        verbose_name = _("증빙 내려받기 기록")
        verbose_name_plural = _("증빙 내려받기 기록")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.evidence_id} · {self.user_id} · {self.at:%Y-%m-%d %H:%M}"
