"""Account pages for planning staff: list accounts, create one, change role and department."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView

from projects import permissions

from .forms import UserAssignForm, UserCreateForm
from .models import User
from .services import user_assign, user_create


class PlanningOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_manage_accounts(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _apply_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        if field == "password":
            field = "password1"
        form.add_error(field if field in form.fields else None, errors)


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
            _apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("계정 %(username)s을(를) 만들었습니다.") % {"username": user.username},
        )
        return redirect("accounts:user_list")


class UserAssignView(PlanningOnlyMixin, FormView):
    template_name = "accounts/user_assign.html"
    form_class = UserAssignForm

    def dispatch(self, request, *args, **kwargs):
        self.account = get_object_or_404(User, pk=kwargs["pk"])
        if request.user.is_authenticated and not permissions.can_assign_account(
            request.user, self.account
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.account}

    def get_context_data(self, **kwargs):
        return super().get_context_data(account=self.account, **kwargs)

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
            _apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("역할과 소속을 저장했습니다."))
        return redirect("accounts:user_list")
