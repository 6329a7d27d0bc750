"""Audited amendments of closed meetings, and per-user calendar feed tokens."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MeetingAmendment(models.Model):
    """Record one correction of a closed meeting's record: what changed, why, by whom."""

    meeting = models.ForeignKey(
        "reviews.ReviewMeeting",
        verbose_name=_("보고회"),
        on_delete=models.CASCADE,
        related_name="amendments",
    )
    target = models.CharField(_("정정 대상"), max_length=200)
    # [{"field": name, "label": verbose name, "old": text, "new": text}, ...]
    changes = models.JSONField(_("변경 내용"), default=list)
    reason = models.TextField(_("정정 사유"))
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("정정한 사람"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amended_at = models.DateTimeField(_("정정일시"), default=timezone.now)

    class Meta:
        verbose_name = _("보고회 정정 이력")
        verbose_name_plural = _("보고회 정정 이력")
        ordering = ["-amended_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="amendment_has_reason",
                violation_error_message=_("정정 사유를 적어야 합니다."),
            ),
        ]

    def __str__(self):
        return f"{self.meeting_id} · {self.target} ({self.amended_at:%Y-%m-%d %H:%M})"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """A secret that lets a calendar app read one user's iCalendar feed without a login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("사용자"),
        on_delete=models.CASCADE,
        related_name="calendar_feed_token",
    )
    token = models.CharField(_("토큰"), max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(_("발급일시"), default=timezone.now)

    class Meta:
        verbose_name = _("캘린더 구독 토큰")
        verbose_name_plural = _("캘린더 구독 토큰")

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d}"
