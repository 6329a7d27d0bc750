"""Users with a role and a department, and the access log that must be kept a year."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DEPARTMENT_HEAD = "head", _("부서장")
    DEPUTY_MAYOR = "deputy_mayor", _("부시장")
    PLANNING = "planning", _("기획 담당")
    VIEWER = "viewer", _("열람자")


class User(AbstractUser):
    """A city official who signs in; the role decides what they may change."""

    role = models.CharField(_("역할"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    department = models.ForeignKey(
        "projects.Department",
        verbose_name=_("소속 부서"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    position = models.CharField(_("직위"), max_length=50, blank=True)
    is_demo = models.BooleanField(_("데모 계정"), default=False)
    # The portfolio this user last chose in the header's switcher (projects.portfolios).
    current_portfolio = models.ForeignKey(
        "projects.Portfolio",
        verbose_name=_("선택한 사업군"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Set when someone else chose the password (creation, reset by planning staff): the user
    # must choose their own at the next sign-in (accounts.middleware).
    must_change_password = models.BooleanField(_("다음 로그인 때 비밀번호 변경"), default=False)

    class Meta:
        verbose_name = _("사용자")
        verbose_name_plural = _("사용자")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="head") | models.Q(department__isnull=False),
                name="user_head_has_department",
                violation_error_message=_("부서장은 소속 부서가 있어야 합니다."),
            ),
        ]

    def __str__(self):
        name = self.get_full_name() or self.username
        return f"{name} ({self.get_role_display()})"

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class AccessEvent(models.TextChoices):
    LOGIN = "login", _("로그인")
    LOGIN_FAILED = "login_failed", _("로그인 실패")
    LOGOUT = "logout", _("로그아웃")
    LOCKED_OUT = "locked_out", _("계정 잠금")
    DENIED = "denied", _("권한 거부")
    PASSWORD_SET = "password_set", _("비밀번호 재설정(관리자)")
    PASSWORD_CHANGED = "password_changed", _("비밀번호 변경(본인)")
    UNLOCKED = "unlocked", _("로그인 잠금 해제(관리자)")


class AccessLog(models.Model):
    """Record one login, failed login, logout or permission denial (kept ≥ 1 year)."""

    at = models.DateTimeField(_("시각"), default=timezone.now, db_index=True)
    event = models.CharField(_("구분"), max_length=20, choices=AccessEvent.choices)
    user = models.ForeignKey(
        User, verbose_name=_("사용자"), on_delete=models.SET_NULL, null=True, blank=True
    )
    username = models.CharField(_("아이디"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("접속 주소"), null=True, blank=True)
    path = models.CharField(_("경로"), max_length=500, blank=True)
    user_agent = models.CharField(_("브라우저"), max_length=300, blank=True)

    # A record of what was sent, hostile or not (core.text.plain_text_fields).
    plain_text_exempt = ("username", "path", "user_agent")

    class Meta:
        verbose_name = _("접속 기록")
        verbose_name_plural = _("접속 기록")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_event_display()} {self.username}"
