"""Follow-up actions agreed at a meeting, and requests to move their due dates."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import DataSource

from .meetings import ReviewMeeting


class ActionKind(models.TextChoices):
    MINISTRY_TRENDS = "ministry_trends", _("부처 동향 파악")
    COMPANY_INFO = "company_info", _("기업 정보 공유")
    EXPERT_FORUM = "expert_forum", _("전문가 토론회")
    NATIONAL_FUNDING = "national_funding", _("국비 공모 준비")
    PROJECT_DISCOVERY = "project_discovery", _("대규모 사업 발굴")
    OTHER = "other", _("기타")


class ActionState(models.TextChoices):
    OPEN = "open", _("진행중")
    DONE = "done", _("완료")
    CANCELLED = "cancelled", _("취소")
    # Agreed at a meeting known only from its source (the 2023 article), which records no
    # progress: not open (never overdue, never reminded), not done. It has no due date.
    UNRECORDED = "unrecorded", _("기사에 기록 없음")


class FollowUpActionQuerySet(models.QuerySet):
    """The one statement of which follow-ups are open and which are overdue.

    Open: neither done nor cancelled. Overdue: open, with a due date before today (Asia/Seoul);
    an undated action is never overdue. Filter with `open()` / `overdue(today)`; count or
    order with `open_q()` / `overdue_q(today)` (`prefix` reaches the actions through a
    relation, e.g. "actions__"); one action answers `is_overdue`.
    """

    @staticmethod
    def open_q(prefix: str = "") -> Q:
        return Q(**{f"{prefix}state": ActionState.OPEN})

    @classmethod
    def overdue_q(cls, today: datetime.date, prefix: str = "") -> Q:
        return cls.open_q(prefix) & Q(**{f"{prefix}due_date__lt": today})

    def open(self):
        return self.filter(self.open_q())

    def overdue(self, today: datetime.date | None = None):
        return self.filter(self.overdue_q(today or timezone.localdate()))


class FollowUpAction(models.Model):
    """A follow-up agreed at a meeting, owned by a department until done or cancelled."""

    meeting = models.ForeignKey(
        ReviewMeeting, verbose_name=_("보고회"), on_delete=models.PROTECT, related_name="actions"
    )
    proposal = models.ForeignKey(
        "projects.Proposal",
        verbose_name=_("사업"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        help_text=_("여러 사업에 걸친 조치는 비워 둡니다."),
    )
    kind = models.CharField(_("유형"), max_length=30, choices=ActionKind.choices)
    description = models.TextField(_("내용"))
    owner_department = models.ForeignKey(
        "projects.Department",
        verbose_name=_("담당 부서"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    due_date = models.DateField(_("기한"), null=True, blank=True)
    state = models.CharField(
        _("상태"), max_length=10, choices=ActionState.choices, default=ActionState.OPEN
    )
    completion_note = models.TextField(_("완료 내용"), blank=True)
    completed_at = models.DateTimeField(_("완료일시"), null=True, blank=True)
    carried_over_from = models.ForeignKey(
        "self",
        verbose_name=_("이월 원본"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_over_to",
    )
    data_source = models.CharField(
        _("자료 출처"), max_length=10, choices=DataSource.choices, default=DataSource.MANUAL
    )
    version = models.PositiveIntegerField(_("버전"), default=1)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)

    history = HistoricalRecords()
    objects = FollowUpActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("후속조치")
        verbose_name_plural = _("후속조치")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["state", "due_date"], name="action_state_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="done") | Q(completed_at__isnull=False),
                name="action_done_has_time",
                violation_error_message=_("완료된 조치에는 완료일시가 있어야 합니다."),
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | ~Q(completion_note=""),
                name="action_done_has_note",
                violation_error_message=_("완료 내용을 적어야 합니다."),
            ),
            models.CheckConstraint(
                condition=~Q(state="unrecorded") | Q(due_date__isnull=True),
                name="action_unrecorded_undated",
                violation_error_message=_(
                    "출처에 진행 기록이 없는 조치에는 기한을 둘 수 없습니다. "
                    "기한을 정하려면 진행중으로 바꾸세요."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description[:40]}"

    def get_absolute_url(self):
        return reverse("reviews:action_detail", args=[self.pk])

    def clean(self):
        if self.due_date and self.meeting_id and self.due_date < self.meeting.held_on:
            raise ValidationError({"due_date": _("기한은 보고회 개최일보다 빠를 수 없습니다.")})

    def is_overdue_on(self, today: datetime.date) -> bool:
        """`FollowUpActionQuerySet.overdue_q` for one action already read."""
        return (
            self.state == ActionState.OPEN and self.due_date is not None and self.due_date < today
        )

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())


class DueDateChangeState(models.TextChoices):
    PENDING = "pending", _("검토 대기")
    APPROVED = "approved", _("승인")
    REJECTED = "rejected", _("반려")
    # Closed without a decision because the action was completed or cancelled meanwhile.
    WITHDRAWN = "withdrawn", _("철회(조치 종료)")


# Refused by the service and the form: "today" (Asia/Seoul) cannot be a database constraint.
DUE_CHANGE_PAST_MESSAGE = _("새 기한은 오늘이나 그 이후 날짜로 고르세요.")


class DueDateChangeRequestQuerySet(models.QuerySet):
    def decidable(self):
        """Pending requests whose action is still open: the ones planning can still decide."""
        return self.filter(
            FollowUpActionQuerySet.open_q("action__"), state=DueDateChangeState.PENDING
        )


class DueDateChangeRequest(models.Model):
    """A department's request to move a follow-up's due date, with its reason."""

    action = models.ForeignKey(
        FollowUpAction,
        verbose_name=_("후속조치"),
        on_delete=models.CASCADE,
        related_name="due_changes",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("요청자"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("요청일시"), default=timezone.now)
    old_due_date = models.DateField(_("기존 기한"), null=True, blank=True)
    new_due_date = models.DateField(_("요청 기한"))
    reason = models.TextField(_("사유"))
    state = models.CharField(
        _("처리 상태"),
        max_length=10,
        choices=DueDateChangeState.choices,
        default=DueDateChangeState.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("처리자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("처리일시"), null=True, blank=True)

    objects = DueDateChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("기한 변경 요청")
        verbose_name_plural = _("기한 변경 요청")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="due_change_has_reason",
                violation_error_message=_("기한 변경 사유를 적어야 합니다."),
            ),
            models.CheckConstraint(
                condition=Q(old_due_date__isnull=True) | ~Q(new_due_date=F("old_due_date")),
                name="due_change_moves_the_date",
                violation_error_code="same_date",
                violation_error_message=_("지금 기한과 다른 날짜를 고르세요."),
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(decided_at__isnull=False),
                name="due_change_closed_has_time",
                violation_error_message=_("처리된 요청에는 처리일시가 있어야 합니다."),
            ),
            models.UniqueConstraint(
                fields=["action"],
                condition=Q(state="pending"),
                name="due_change_one_pending",
                violation_error_message=_("이미 처리 대기 중인 기한 변경 요청이 있습니다."),
            ),
        ]

    def __str__(self):
        return f"{self.action_id}: {self.old_due_date} → {self.new_due_date}"
