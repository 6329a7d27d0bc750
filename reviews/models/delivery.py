"""Reminders planned in the database, and the in-app notifications they leave."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .actions import FollowUpAction
from .meetings import ReviewMeeting


class ReminderKind(models.TextChoices):
    CLOSE_SUMMARY = "close_summary", _("보고회 종료 요약(부서)")
    CHAIR_SUMMARY = "chair_summary", _("보고회 종료 요약(주재자)")
    BEFORE_DUE = "before_due", _("기한 전 알림")
    DUE_TOMORROW = "due_tomorrow", _("기한 하루 전 알림")
    OVERDUE = "overdue", _("기한 경과 알림")
    ESCALATION = "escalation", _("주재자 보고(장기 지연)")
    WEEKLY_DIGEST = "weekly_digest", _("주간 요약")
    # Kinds of the update rounds (rounds app), worded by the handlers it registers.
    ROUND_OPENED = "round_opened", _("점검 회차 시작(부서)")
    ROUND_BEFORE_DUE = "round_before_due", _("점검 제출 기한 전 알림")
    ROUND_OVERDUE = "round_overdue", _("점검 제출 기한 경과 알림")
    ROUND_ESCALATION = "round_escalation", _("점검 미제출 주재자 보고")
    ROUND_NUDGE = "round_nudge", _("점검 제출 독촉")
    ROUND_DECIDED = "round_decided", _("점검 제출 확인·반려 알림")


class ReminderState(models.TextChoices):
    PENDING = "pending", _("대기")
    SENDING = "sending", _("발송중")
    SENT = "sent", _("발송 완료")
    CANCELLED = "cancelled", _("취소")
    FAILED = "failed", _("발송 실패")
    # Still undelivered REMINDER_GIVE_UP_AFTER_DAYS after its first due time: not sent any more.
    GIVEN_UP = "given_up", _("발송 포기(기한 지남)")


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
    # What a kind registered by an upper app needs to word the row (e.g. {"round": 3}).
    payload = models.JSONField(_("부가 정보"), default=dict, blank=True)
    # The action's due date this reminder was planned for; a different current due date
    # means the plan is stale and the row is cancelled instead of sent.
    planned_for_due = models.DateField(_("기준 기한"), null=True, blank=True)
    due_at = models.DateTimeField(_("발송 예정"), db_index=True)
    state = models.CharField(
        _("상태"), max_length=10, choices=ReminderState.choices, default=ReminderState.PENDING
    )
    claimed_at = models.DateTimeField(_("발송 시작"), null=True, blank=True)
    sent_at = models.DateTimeField(_("발송일시"), null=True, blank=True)
    # When the row first became due (set at its first claim; back-offs move due_at, not this):
    # the give-up horizon REMINDER_GIVE_UP_AFTER_DAYS counts from here.
    first_due_at = models.DateTimeField(_("처음 발송 예정"), null=True, blank=True)
    # Real sending attempts: + 1 committed just before each SMTP send (a crash after it counts).
    attempts = models.PositiveSmallIntegerField(_("시도 횟수"), default=0)
    # Claims by a dispatcher, reclaims of stuck rows included (an outage shows here; no cap).
    claims = models.PositiveIntegerField(_("배정 횟수"), default=0)
    # Set when a send task takes the row up, cleared when it records an outcome: a take-up
    # that finds it set follows a process that died mid-delivery (a restart, counted below).
    started_at = models.DateTimeField(_("발송 작업 시작"), null=True, blank=True)
    restarts = models.PositiveSmallIntegerField(_("중단 후 재시작 횟수"), default=0)
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
            models.Index(
                fields=["first_due_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="reminder_open_first_due_idx",
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
    # Set on the planning staff's notices that this reminder could not be delivered (failed
    # or given up): one per user and reminder.
    undelivered = models.ForeignKey(
        Reminder,
        verbose_name=_("발송 실패 알림"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalations",
    )
    # Set on the notices that a due-date change request awaits a decision: once it is decided
    # (or withdrawn) they are marked read, so nobody's unread count keeps a finished task.
    due_change = models.ForeignKey(
        "reviews.DueDateChangeRequest",
        verbose_name=_("기한 변경 요청"),
        on_delete=models.CASCADE,
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
            models.UniqueConstraint(
                fields=["user", "due_change"], name="notification_once_per_due_change"
            ),
            models.UniqueConstraint(
                fields=["user", "undelivered"], name="notification_once_per_undelivered"
            ),
        ]

    def __str__(self):
        return self.title


# Meeting amendments and calendar feed tokens live in their own module to keep this one short.
