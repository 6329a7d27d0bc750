"""Review meetings (보고회) and their agenda items."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import DataSource


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("예정")
    HELD = "held", _("개최")
    CLOSED = "closed", _("종료")


class ReviewMeeting(models.Model):
    """A review meeting chaired by the deputy mayor; closed meetings are read-only."""

    portfolio = models.ForeignKey(
        "projects.Portfolio",
        verbose_name=_("사업군"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    title = models.CharField(_("회의명"), max_length=200)
    held_on = models.DateField(_("개최일"))
    location = models.CharField(_("장소"), max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("주재자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_meetings",
    )
    chair_name = models.CharField(
        _("주재자(표기)"), max_length=100, blank=True, help_text=_("계정이 없는 주재자의 직위·이름")
    )
    attending_departments = models.ManyToManyField(
        "projects.Department", verbose_name=_("참석 부서"), blank=True, related_name="meetings"
    )
    attendee_count = models.PositiveSmallIntegerField(_("참석 부서장 수"), null=True, blank=True)
    state = models.CharField(
        _("상태"), max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    minutes = models.TextField(_("회의록"), blank=True)
    closed_at = models.DateTimeField(_("종료일시"), null=True, blank=True)
    data_source = models.CharField(
        _("자료 출처"), max_length=10, choices=DataSource.choices, default=DataSource.MANUAL
    )
    # Optimistic lock: every service that changes the meeting bumps it.
    version = models.PositiveIntegerField(_("버전"), default=1)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[attending_departments])

    class Meta:
        verbose_name = _("보고회")
        verbose_name_plural = _("보고회")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False),
                name="meeting_closed_has_time",
                violation_error_message=_("종료된 보고회에는 종료일시가 있어야 합니다."),
            ),
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("reviews:meeting_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.state == MeetingState.CLOSED

    @property
    def chair_display(self) -> str:
        return self.chair.display_name if self.chair_id else self.chair_name


class Feasibility(models.TextChoices):
    PENDING = "pending", _("미검토")
    FEASIBLE = "feasible", _("타당")
    CONDITIONAL = "conditional", _("조건부 타당")
    RECONSIDER = "reconsider", _("재검토")
    NOT_FEASIBLE = "not_feasible", _("부적합")
    # The source (the 2023 article) names the item but records no verdict for it: not
    # "미검토" (nobody has looked), and not a verdict a person picks.
    UNRECORDED = "unrecorded", _("기사에 기록 없음")


# The verdicts a person records (the review form offers these).
VERDICTS = (
    Feasibility.FEASIBLE,
    Feasibility.CONDITIONAL,
    Feasibility.RECONSIDER,
    Feasibility.NOT_FEASIBLE,
)


class ProposalReview(models.Model):
    """One agenda item: a proposal's review at one meeting."""

    meeting = models.ForeignKey(
        ReviewMeeting, verbose_name=_("보고회"), on_delete=models.CASCADE, related_name="reviews"
    )
    proposal = models.ForeignKey(
        "projects.Proposal",
        verbose_name=_("사업"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    order = models.PositiveSmallIntegerField(_("순서"), default=0)
    feasibility = models.CharField(
        _("타당성 판단"), max_length=20, choices=Feasibility.choices, default=Feasibility.PENDING
    )
    gaps = models.TextField(_("미비점"), blank=True)
    remedies = models.TextField(_("보완방안"), blank=True)
    decision = models.TextField(_("결정 사항"), blank=True)
    # Optimistic lock: every service that changes the review bumps it.
    version = models.PositiveIntegerField(_("버전"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("사업 검토")
        verbose_name_plural = _("사업 검토")
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "proposal"],
                name="review_unique_per_meeting",
                violation_error_message=_("이 보고회에 이미 안건으로 올라간 사업입니다."),
            ),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.proposal}"
