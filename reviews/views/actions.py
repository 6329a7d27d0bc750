"""Follow-up action pages: the detail, marking done, asking for and deciding a new due date.

Each POST checks `reviews.permissions` first; a forbidden POST is a 403 and changes nothing.
Marking done answers an htmx request with the re-rendered table row, everyone else with a
redirect, so the page works without JavaScript.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from core.conflicts import VersionConflict
from core.forms import add_service_errors
from core.guards import PermissionRequiredMixin, ensure_permitted

from .. import hooks, permissions
from ..forms import ActionCompleteForm, DueChangeDecisionForm, DueDateChangeRequestForm
from ..models import (
    DueDateChangeRequest,
    DueDateChangeState,
    FollowUpAction,
    FollowUpActionQuerySet,
)
from ..services import action_complete, action_request_due_change, due_change_decide

ACTION_TEMPLATE = "reviews/followupaction_detail.html"
ROW_TEMPLATE = "reviews/includes/action_row_htmx.html"


def _actions():
    return FollowUpAction.objects.select_related("meeting", "proposal", "owner_department")


def _with_due_changes():
    """The actions with everything the detail page reads (one query per relation, any size)."""
    return _actions().prefetch_related("due_changes__requested_by", "due_changes__decided_by")


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class ActionDetailView(DetailView):
    template_name = ACTION_TEMPLATE

    def get_queryset(self):
        return _with_due_changes()

    def get_object(self, queryset=None):
        action = super().get_object(queryset)
        ensure_permitted(self.request, permissions.can_view_action, action)
        return action

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action, user = self.object, self.request.user
        changes = list(action.due_changes.all())
        context["due_changes"] = changes
        context["pending_change"] = next(
            (c for c in changes if c.state == DueDateChangeState.PENDING), None
        )
        context["can_complete"] = permissions.can_complete_action(user, action)
        context["can_request"] = permissions.can_request_due_change(user, action)
        context["can_decide"] = permissions.can_decide_due_change(user)
        context["panels"] = hooks.action_panels(self.request, action)
        if context["can_complete"]:
            context.setdefault(
                "complete_form", ActionCompleteForm(initial={"version": action.version})
            )
        if context["can_request"]:
            context.setdefault("due_form", DueDateChangeRequestForm())
        return context


def _render_detail(request, action, status=400, **forms):
    view = ActionDetailView()
    view.setup(request, pk=action.pk)
    view.object = _with_due_changes().get(pk=action.pk)
    context = view.get_context_data(object=view.object, **forms)
    return TemplateResponse(request, ACTION_TEMPLATE, context, status=status)


def _department_counts(user, action) -> dict:
    """The open and the overdue actions 내 부서 counts: the user's department's (else the
    action's), in one query."""
    department_id = user.department_id or action.owner_department_id
    queryset = FollowUpAction.objects.open().filter(owner_department_id=department_id)
    return permissions.actions_completable_by(user, queryset).aggregate(
        open_count=Count("pk"),
        overdue_count=Count("pk", filter=FollowUpActionQuerySet.overdue_q(timezone.localdate())),
    )


@require_POST
def action_complete_view(request, pk):
    """Mark an action done with a completion note (the owning department's head, planning)."""
    action = get_object_or_404(_actions(), pk=pk)
    ensure_permitted(request, permissions.can_complete_action, action)
    form = ActionCompleteForm(request.POST)
    if form.is_valid():
        try:
            action = action_complete(
                action=action,
                user=request.user,
                note=form.cleaned_data["completion_note"],
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, VersionConflict) as error:
            add_service_errors(form, error)
    if request.htmx:
        action.refresh_from_db()
        context = {
            "a": action,
            "row_form": form,
            "next_url": _safe_next(request, ""),  # the page the row is on, for its next post
            **_department_counts(request.user, action),
        }
        return TemplateResponse(request, ROW_TEMPLATE, context)
    if form.errors:
        return _render_detail(request, action, complete_form=form)
    messages.success(request, _("후속조치를 완료 처리했습니다."))
    return redirect(_safe_next(request, action.get_absolute_url()))


@require_POST
def action_due_change_request_view(request, pk):
    """Ask for a new due date with a reason (whoever may complete the action)."""
    action = get_object_or_404(_actions(), pk=pk)
    ensure_permitted(request, permissions.can_request_due_change, action)
    form = DueDateChangeRequestForm(request.POST)
    if form.is_valid():
        try:
            action_request_due_change(
                action=action,
                user=request.user,
                new_due_date=form.cleaned_data["new_due_date"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, VersionConflict) as error:
            add_service_errors(form, error)
    if form.errors:
        return _render_detail(request, action, due_form=form)
    messages.success(request, _("기한 변경을 요청했습니다. 기획 담당자가 검토합니다."))
    return redirect(action)


@require_POST
def due_change_decide_view(request, pk):
    """Approve or reject a pending due-date change request (planning only)."""
    ensure_permitted(request, permissions.can_decide_due_change)
    change = get_object_or_404(DueDateChangeRequest.objects.select_related("action"), pk=pk)
    form = DueChangeDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("승인 또는 반려를 고르세요."))
        return redirect(change.action)
    try:
        due_change_decide(
            change=change, user=request.user, approve=form.cleaned_data["decision"] == "approve"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("기한 변경 요청을 처리했습니다."))
    return redirect(_safe_next(request, change.action.get_absolute_url()))


class DueChangeListView(PermissionRequiredMixin, ListView):
    """Pending due-date change requests of open actions: the ones planning can still decide."""

    template_name = "reviews/duedatechangerequest_list.html"
    paginate_by = 50

    permission = staticmethod(permissions.can_decide_due_change)

    def get_queryset(self):
        return (
            DueDateChangeRequest.objects.decidable()
            .select_related("action__owner_department", "action__proposal", "requested_by")
            .order_by("requested_at")
        )
