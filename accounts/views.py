"""Account pages for planning staff: list, create, change role and department, set a new
password, clear a sign-in lock-out."""

import logging

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import Resolver404, resolve, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView

from core.forms import add_service_errors
from core.guards import PermissionRequiredMixin, ensure_permitted

from . import permissions
from .forms import SignInForm, UserAssignForm, UserCreateForm
from .models import AccessEvent, User
from .services import (
    access_log_record,
    user_assign,
    user_create,
    user_password_changed,
    user_set_password,
    user_unlock,
)

logger = logging.getLogger(__name__)

# Pages that only act and send the visitor on: never a place to land after signing in.
_NOT_A_LANDING_PAGE = {"set_language", "accounts:login", "accounts:logout"}


class SignInView(LoginView):
    """The sign-in page; a `next` that points at an action such as the language switch is
    dropped, so an old `?next=/i18n/setlang/` link cannot send a signed-in visitor round in
    circles (ERR_TOO_MANY_REDIRECTS)."""

    redirect_authenticated_user = True
    form_class = SignInForm

    def get_redirect_url(self):
        url = super().get_redirect_url()
        if url:
            try:
                if resolve(url.split("?", 1)[0]).view_name in _NOT_A_LANDING_PAGE:
                    return ""
            except Resolver404:
                pass
        return url


class PlanningOnlyMixin(PermissionRequiredMixin):
    permission = staticmethod(permissions.can_manage_accounts)


# The services name the password "password"; the forms ask for it twice.
_PASSWORD_FIELD = {"password": "password1"}


class UserListView(PlanningOnlyMixin, ListView):
    template_name = "accounts/user_list.html"
    paginate_by = 50

    def get_queryset(self):
        return User.objects.select_related("department").order_by("department__name", "username")


class UserCreateView(PlanningOnlyMixin, FormView):
    template_name = "accounts/user_form.html"
    form_class = UserCreateForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = user_create(
                username=data["username"],
                password=data["password1"],
                role=data["role"],
                department=data["department"],
                first_name=data["first_name"],
                email=data["email"],
                position=data["position"],
                created_by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error, rename=_PASSWORD_FIELD)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("계정 %(username)s을(를) 만들었습니다.") % {"username": user.username},
        )
        return redirect("accounts:user_list")


def _account_or_403(request, pk) -> User:
    account = get_object_or_404(User, pk=pk)
    ensure_permitted(request, permissions.can_assign_account, account)
    return account


class AccountMixin(PermissionRequiredMixin):
    """One other account that the planning user may change (never their own, nor a superuser)."""

    permission = staticmethod(permissions.can_assign_account)

    def get_permission_object(self):
        self.account = get_object_or_404(User, pk=self.kwargs["pk"])
        return self.account


class UserAssignView(AccountMixin, FormView):
    template_name = "accounts/user_assign.html"
    form_class = UserAssignForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.account}

    def get_context_data(self, **kwargs):
        # Counted as axes counts them: within the cool-off time, by username.
        credentials = {"username": self.account.get_username()}
        failures = AxesProxyHandler.get_failures(self.request, credentials)
        return super().get_context_data(
            account=self.account,
            failed_attempts=failures,
            locked=failures >= settings.AXES_FAILURE_LIMIT,
            failure_limit=settings.AXES_FAILURE_LIMIT,
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user_assign(
                user=self.account,
                role=data["role"],
                department=data["department"],
                is_active=data["is_active"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error, rename=_PASSWORD_FIELD)
            return self.form_invalid(form)
        messages.success(self.request, _("역할과 소속을 저장했습니다."))
        return redirect("accounts:user_list")


class UserPasswordView(AccountMixin, FormView):
    """Set a new password for an account (a forgotten password); its other sessions end."""

    template_name = "accounts/user_password.html"
    form_class = SetPasswordForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.account}

    def get_context_data(self, **kwargs):
        return super().get_context_data(account=self.account, **kwargs)

    def form_valid(self, form):
        # SetPasswordForm has run the password validators already.
        user_set_password(
            user=self.account,
            password=form.cleaned_data["new_password1"],
            by=self.request.user,
            request=self.request,
        )
        messages.success(
            self.request,
            _("%(name)s의 새 비밀번호를 저장했습니다. 본인에게 직접 알려 주세요.")
            % {"name": self.account.display_name},
        )
        return redirect("accounts:user_assign", pk=self.account.pk)


@require_POST
def user_unlock_view(request, pk):
    """Clear an account's failed sign-ins so it can sign in again (planning staff)."""
    account = _account_or_403(request, pk)
    cleared = user_unlock(user=account, by=request.user, request=request)
    if cleared:
        messages.success(request, _("로그인 잠금을 풀었습니다."))
    else:
        messages.info(request, _("풀 잠금이 없습니다."))
    return redirect("accounts:user_assign", pk=account.pk)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: record the rejection in the access log like any other 403, then
    answer with Django's own CSRF failure page."""
    user = getattr(request, "user", None)
    access_log_record(event=AccessEvent.DENIED, request=request, user=user)
    logger.warning("csrf failure path=%s reason=%s", request.path[:200], reason)
    return django_csrf_failure(request, reason=reason)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Self-service password change: the old password, then a new one twice (Django's
    validators); recorded in the access log, the calendar token renewed."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("dashboard:home")

    def form_valid(self, form):
        response = super().form_valid(form)  # saves, keeps this session signed in
        user_password_changed(user=form.user, request=self.request)
        messages.success(self.request, _("비밀번호를 바꿨습니다."))
        return response
