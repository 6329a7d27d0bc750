"""Account forms: sign in; for planning staff, create an account, change its role and
department."""

import math

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import EmptyChoiceLabelsMixin

from .models import Role, User


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("아이디"), max_length=150)
    first_name = forms.CharField(label=_("이름"), max_length=150)
    email = forms.EmailField(label=_("이메일"), required=False)
    position = forms.CharField(label=_("직위"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("역할"), choices=Role.choices)
    department = forms.ModelChoiceField(
        label=_("소속 부서"),
        # The department model sits above this app (projects); the user's field names it.
        queryset=User._meta.get_field("department").related_model.objects.none(),
        required=False,
        empty_label=_("없음"),
        help_text=_("부서장은 소속 부서를 반드시 골라야 합니다."),
    )
    password1 = forms.CharField(
        label=_("비밀번호"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("비밀번호 확인"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = User._meta.get_field("department").related_model
        self.fields["department"].queryset = departments.objects.all()

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("이미 사용 중인 아이디입니다."))
        return username

    def clean(self):
        data = super().clean()
        password = data.get("password1")
        if password and password != data.get("password2"):
            self.add_error("password2", _("두 비밀번호가 서로 다릅니다."))
        if password:
            # Shown with the other errors at once; user_create checks again before saving.
            candidate = User(
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                email=data.get("email", ""),
            )
            try:
                validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        if data.get("role") == Role.DEPARTMENT_HEAD and not data.get("department"):
            self.add_error("department", _("부서장은 소속 부서가 있어야 합니다."))
        return data


class UserAssignForm(EmptyChoiceLabelsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["role", "department", "is_active"]
        labels = {"is_active": _("로그인 허용")}

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.DEPARTMENT_HEAD and not data.get("department"):
            self.add_error("department", _("부서장은 소속 부서가 있어야 합니다."))
        return data

    def _post_clean(self):
        # The service validates and saves; the form must not touch the instance.
        pass


class SignInForm(AuthenticationForm):
    """Django's sign-in form, slowed for a username under attack from many addresses.

    django-axes locks a username at one address (AXES_LOCKOUT_PARAMETERS). Across addresses,
    once a username has GP_LOGIN_SLOW_AFTER failures within AXES_COOLOFF_TIME, its password is
    checked at most once per GP_LOGIN_SLOW_SECONDS: the owner still gets in, a guesser gets one
    try a minute. A slowed try checks nothing, so it counts as no failure.
    """

    error_messages = {
        "invalid_login": _(
            "아이디 또는 비밀번호가 올바르지 않습니다. 대소문자를 확인한 뒤 다시 입력하세요."
        ),
        "inactive": _("사용이 중지된 계정입니다. 기획 담당자에게 문의하세요."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            wait = seconds_to_wait(username)
            if wait:
                raise forms.ValidationError(
                    _(
                        "이 아이디로 실패한 로그인이 많아 잠시 늦추고 있습니다. "
                        "%(seconds)s초 뒤에 다시 시도해 주세요."
                    ),
                    code="slowed",
                    params={"seconds": wait},
                )
        return super().clean()


def seconds_to_wait(username: str) -> int:
    """Seconds before `username` may try again (0: now), from django-axes' failure records."""
    from axes.models import AccessAttempt

    window = timezone.now() - settings.AXES_COOLOFF_TIME
    record = AccessAttempt.objects.filter(username=username, attempt_time__gte=window).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    if (record["failures"] or 0) < settings.GP_LOGIN_SLOW_AFTER:
        return 0
    elapsed = (timezone.now() - record["last"]).total_seconds()
    return max(0, math.ceil(settings.GP_LOGIN_SLOW_SECONDS - elapsed))
