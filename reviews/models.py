"""Review meetings (보고회), per-proposal reviews, follow-up actions and their reminders."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
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


class FollowUpActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=ActionState.OPEN)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)


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
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description[:40]}"

    def get_absolute_url(self):
        return reverse("reviews:action_detail", args=[self.pk])

    def clean(self):
        if self.due_date and self.meeting_id and self.due_date < self.meeting.held_on:
            raise ValidationError({"due_date": _("기한은 보고회 개최일보다 빠를 수 없습니다.")})

    @property
    def is_overdue(self) -> bool:
        return (
            self.state == ActionState.OPEN
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


class DueDateChangeState(models.TextChoices):
    PENDING = "pending", _("검토 대기")
    APPROVED = "approved", _("승인")
    REJECTED = "rejected", _("반려")


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
            models.UniqueConstraint(
                fields=["action"],
                condition=Q(state="pending"),
                name="due_change_one_pending",
                violation_error_message=_("이미 처리 대기 중인 기한 변경 요청이 있습니다."),
            ),
        ]

    def __str__(self):
        return f"{self.action_id}: {self.old_due_date} → {self.new_due_date}"


class ReminderKind(models.TextChoices):
    CLOSE_SUMMARY = "close_summary", _("보고회 종료 요약(부서)")
    CHAIR_SUMMARY = "chair_summary", _("보고회 종료 요약(주재자)")
    BEFORE_DUE = "before_due", _("기한 전 알림")
    DUE_TOMORROW = "due_tomorrow", _("기한 하루 전 알림")
    OVERDUE = "overdue", _("기한 경과 알림")
    ESCALATION = "escalation", _("주재자 보고(장기 지연)")
    WEEKLY_DIGEST = "weekly_digest", _("주간 요약")


class ReminderState(models.TextChoices):
    PENDING = "pending", _("대기")
    SENDING = "sending", _("발송중")
    SENT = "sent", _("발송 완료")
    CANCELLED = "cancelled", _("취소")
    FAILED = "failed", _("발송 실패")


class Reminder(models.Model):
    """A planned message: what, to whom, when due, when sent. The database is the truth."""

    kind = models.CharField(_("종류"), max_length=20, choices=ReminderKind.choices)
    # A natural key (kind, subject, recipient, due slot); unique so a duplicate cannot exist.
    key = models.CharField(_("중복 방지 키"), max_length=200, unique=True)
    action = models.ForeignKey(
        FollowUpAction,
        verbose_name=_("후속조치"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    meeting = models.ForeignKey(
        ReviewMeeting,
        verbose_name=_("보고회"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("받는 사람"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    recipient_department = models.ForeignKey(
        "projects.Department",
        verbose_name=_("받는 부서"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    recipient_email = models.EmailField(_("받는 주소"), blank=True)
    # The action's due date this reminder was planned for; a different current due date
    # means the plan is stale and the row is cancelled instead of sent.
    planned_for_due = models.DateField(_("기준 기한"), null=True, blank=True)
    due_at = models.DateTimeField(_("발송 예정"), db_index=True)
    state = models.CharField(
        _("상태"), max_length=10, choices=ReminderState.choices, default=ReminderState.PENDING
    )
    claimed_at = models.DateTimeField(_("발송 시작"), null=True, blank=True)
    sent_at = models.DateTimeField(_("발송일시"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("시도 횟수"), default=0)
    last_error = models.TextField(_("마지막 오류"), blank=True)
    created_at = models.DateTimeField(_("생성일시"), auto_now_add=True)

    class Meta:
        verbose_name = _("알림")
        verbose_name_plural = _("알림")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="reminder_state_due_idx"),
            models.Index(
                fields=["claimed_at"],
                condition=Q(state="sending"),
                name="reminder_sending_claim_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="reminder_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="sending") | Q(claimed_at__isnull=False),
                name="reminder_sending_has_claim",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | Q(recipient_department__isnull=False),
                name="reminder_has_recipient",
                violation_error_message=_("받는 사람이나 받는 부서가 있어야 합니다."),
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} {self.due_at:%Y-%m-%d %H:%M} ({self.get_state_display()})"
        )

    @property
    def message_id(self) -> str:
        """Return a stable Message-ID so a resend after a crash is recognisable."""
        return f"<reminder-{self.pk}-{self.key.replace(':', '.')}@gwangyang-portfolio>"


class Notification(models.Model):
    """An in-app notice for one user; unread until read_at is set."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("사용자"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    reminder = models.ForeignKey(
        Reminder,
        verbose_name=_("알림"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("내용"), blank=True)
    url = models.CharField(_("링크"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("생성일시"), default=timezone.now)
    read_at = models.DateTimeField(_("읽은 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("알림함")
        verbose_name_plural = _("알림함")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "reminder"], name="notification_once_per_reminder"
            ),
        ]

    def __str__(self):
        return self.title


# Meeting amendments and calendar feed tokens live in their own module to keep this one short.
from .records import CalendarFeedToken, MeetingAmendment  # noqa: E402, F401
