"""Pages of the portfolio core: the proposal list, detail and status update.

Every check asks `projects.permissions`; a False becomes PermissionDenied (403, logged).
Related rows from the reviews app (meeting reviews, follow-up actions) are read through
reverse relations, so this module imports nothing from `reviews`.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from core import pagecache
from core.conflicts import VersionConflict
from core.forms import add_service_errors
from core.guards import PermissionRequiredMixin, ensure_permitted
from core.pagecache import CachedBodyMixin

from . import hooks, permissions, remarks
from .filters import ProposalFilterSet
from .forms import ProposalCommentForm, ProposalStatusUpdateForm, proposal_stored_values
from .history import changes_since, proposal_audit
from .models import Proposal, ProposalCode
from .portfolios import page_key_params, portfolio_choice
from .services import proposal_comment_add, proposal_update_status


class ProposalListView(CachedBodyMixin, FilterView):
    """The proposals of the request's portfolio (`projects.portfolios`), filtered."""

    filterset_class = ProposalFilterSet
    template_name = "projects/proposal_list.html"
    body_template_name = "projects/_proposal_list_body.html"
    body_name = "proposal-list"
    paginate_by = 25

    def body_key_params(self):
        return page_key_params(self.request)

    def get_queryset(self):
        return Proposal.objects.filter(portfolio=self.portfolio).with_list_relations()

    def get_filterset_kwargs(self, filterset_class):
        choice = portfolio_choice(self.request)
        self.portfolio = choice.current
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs.update(portfolio=self.portfolio, portfolios=choice.choices)
        return kwargs


class ProposalDetailView(CachedBodyMixin, DetailView):
    template_name = "projects/proposal_detail.html"
    body_template_name = "projects/_proposal_detail_body.html"
    body_name = "proposal-detail"
    # Remarks do not move the portfolio version: the key holds this proposal's own remarks
    # version (projects.remarks), so a remark rebuilds this page only.

    def check_access(self):
        found = remarks.proposal_for_page(self.kwargs["pk"])
        if found is None:
            raise Http404
        proposal, self.remarks_version = found
        ensure_permitted(self.request, permissions.can_view_proposal, proposal)
        return proposal

    def body_key_params(self):
        return [("@pk", str(self.kwargs["pk"])), ("@remarks", str(self.remarks_version))]

    def get_queryset(self):
        return Proposal.objects.with_list_relations().prefetch_related(
            "supporting_departments",
            "updates__author",
            "reviews__meeting",
            "actions__owner_department",
            "comments__author",
        )

    def get_object(self, queryset=None):
        proposal = super().get_object(queryset)
        ensure_permitted(self.request, permissions.can_view_proposal, proposal)
        return proposal

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = self.object
        context["audit"] = proposal_audit(proposal)
        context["can_edit"] = permissions.can_edit_proposal(self.request.user, proposal)
        context["can_comment"] = permissions.can_comment_proposal(self.request.user, proposal)
        if context["can_edit"]:
            context["update_url"] = hooks.status_update_url(self.request.user, proposal)
        context["panels"] = hooks.detail_panels(self.request, proposal)
        if context["can_comment"]:
            context.setdefault("comment_form", ProposalCommentForm())
        return context


@require_GET
def proposal_by_code_view(request, code):
    """Redirect a code, current or former (a code replaced by a report's), to its proposal.

    A current code wins over a former one; a code that names proposals of several portfolios
    leads to the list searched by it. The detail page checks who may see the proposal.
    """
    pks = list(Proposal.objects.filter(management_no=code).values_list("pk", flat=True)[:2])
    if not pks:
        pks = list(ProposalCode.objects.filter(code=code).values_list("proposal_id", flat=True)[:2])
    if not pks:
        raise Http404(_("이 관리번호의 사업이 없습니다."))
    if len(pks) > 1:
        return redirect(f"{reverse('projects:proposal_list')}?{urlencode({'q': code})}")
    return redirect("projects:proposal_detail", pk=pks[0])


@require_POST
def proposal_comment_add_view(request, pk):
    """Add a comment (lead and supporting departments, planning); 403 for anyone else."""
    view = ProposalDetailView()
    view.setup(request, pk=pk)
    view.object = proposal = view.get_object()
    ensure_permitted(request, permissions.can_comment_proposal, proposal)
    form = ProposalCommentForm(request.POST)
    if form.is_valid():
        try:
            proposal_comment_add(
                proposal=proposal, user=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("의견을 등록했습니다."))
            return redirect(f"{proposal.get_absolute_url()}#comments")
    context = view.get_context_data(object=proposal, comment_form=form)
    body = pagecache.render_body(request, "", view.body_template_name, lambda: context)
    return TemplateResponse(
        request, view.template_name, {"body": body, "object": proposal}, status=400
    )


class ProposalStatusUpdateView(PermissionRequiredMixin, FormView):
    """The status update form; an outdated version is refused (409) and the input merged.

    On the 409 page, fields the user did not touch show what is stored now, fields they
    changed keep their input, and fields both people changed differently are marked.
    """

    form_class = ProposalStatusUpdateForm
    template_name = "projects/proposal_update_status.html"

    permission = staticmethod(permissions.can_edit_proposal)

    def get_permission_object(self):
        self.proposal = get_object_or_404(
            Proposal.objects.with_list_relations(), pk=self.kwargs["pk"]
        )
        return self.proposal

    def get(self, request, *args, **kwargs):
        # During an open round a head's update is the round's submission: send them there.
        url = hooks.status_update_url(request.user, self.proposal)
        if url != request.path:
            return redirect(url)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return proposal_stored_values(self.proposal)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("proposal", self.proposal)
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            proposal_update_status(
                proposal=self.proposal,
                user=self.request.user,
                expected_version=data["version"],
                status=data["status"],
                confidence=data["confidence"],
                progress=data["progress"],
                what_changed=data["what_changed"],
                issues=data["issues"],
                next_step=data["next_step"],
                reason=data["reason"],
            )
        except VersionConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("추진 현황을 저장했습니다."))
        return redirect(self.proposal)

    def conflict(self, form, conflict: VersionConflict):
        """Merge the user's input with the stored state and arm the form with the new version."""
        current = conflict.current
        stored = proposal_stored_values(current)
        fresh = form.merge_after_conflict(stored, current.version, initial=stored)
        context = self.get_context_data(
            form=fresh,
            proposal=current,
            conflict_changes=changes_since(current, conflict.expected_version),
            conflict_updates=current.updates.filter(
                version__gt=conflict.expected_version
            ).select_related("author"),
        )
        return self.render_to_response(context, status=409)
