"""Pages that read across apps: the home redirect and the dashboard with its briefing downloads
(every signed-in role). "내 부서" (department heads) is in `my_department.py`."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import pagecache
from core.guards import permission_required
from projects.filters import ProposalFilterSet
from projects.models import Proposal
from projects.portfolios import PARAM as PORTFOLIO_PARAM
from projects.portfolios import portfolio_for_request
from reviews.models import FollowUpAction
from rounds.selectors import pending_submissions

from . import exports
from .annex import briefing_annex
from .context import dashboard_context
from .filters import PARAMS, DashboardFilterSet
from .permissions import can_view_dashboard, can_view_my_department
from .selectors import dashboard_build

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def home(request):
    """Send each user to their starting page: heads to their department, others to the dashboard."""
    if can_view_my_department(request.user):
        return redirect("dashboard:my_department")
    if can_view_dashboard(request.user):
        return redirect("dashboard:index")
    return redirect("projects:proposal_list")


def _params(request) -> list[tuple[str, str]]:
    """Return the dashboard's query parameters, in a stable order, blanks dropped; the
    request's portfolio first, so every link, download and cache key names it."""
    portfolio = portfolio_for_request(request)
    own = [(k, v) for k in PARAMS for v in request.GET.getlist(k) if v.strip()]
    return ([(PORTFOLIO_PARAM, str(portfolio.pk))] if portfolio else []) + own


def _filterset(request):
    return DashboardFilterSet(
        request.GET or None,
        queryset=Proposal.objects.all(),
        portfolio=portfolio_for_request(request),
    )


def _build(request, params):
    filterset = _filterset(request)
    dashboard = dashboard_build(
        portfolio=portfolio_for_request(request),
        filterset=filterset,
        today=timezone.localdate(),
        stale_days=settings.GP_STALE_DAYS,
        sort=request.GET.get("sort", ""),
    )
    return filterset, dashboard


def _ids(filterset):
    pillar, department = filterset.value("pillar"), filterset.value("lead_department")
    return (pillar.pk if pillar else None), (department.pk if department else None)


@require_GET
@permission_required(can_view_dashboard)
def dashboard(request):
    """Show the chosen portfolio on one screen. The body is cached on the portfolio version
    (`core.pagecache`) and shared by every reader: it shows no per-user link or form; the
    whole page, with the reader's own menu, is kept per session on top of it."""
    params = _params(request)
    key = pagecache.body_key(
        request,
        name="dashboard",
        params=[*params, ("@stale", str(settings.GP_STALE_DAYS))],
        per_audience=False,
    )

    def build_context():
        filterset, data = _build(request, params)
        pillar_id, department_id = _ids(filterset)
        context = dashboard_context(
            data,
            params=params,
            pillar_id=pillar_id,
            department_id=department_id,
            statuses=filterset.value("status"),
        )
        context["filter"] = filterset
        # Submissions awaiting planning: the figures above keep the last confirmed values.
        context["pending_count"], context["pending"] = pending_submissions(filterset.qs)
        return context

    def render_page():
        body = pagecache.render_body(request, key, "dashboard/_body.html", build_context)
        return render(request, "dashboard/index.html", {"body": body}).content

    return pagecache.respond(request, key, render_page)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@permission_required(can_view_dashboard)
def briefing_xlsx(request):
    """Download the one-page meeting briefing as an Excel workbook."""
    _filterset, data = _build(request, _params(request))
    name = f"briefing-{data.today:%Y%m%d}.xlsx"
    return _download(exports.briefing_xlsx(data), XLSX, name)


@require_GET
@permission_required(can_view_dashboard)
def briefing_pdf(request):
    """Download the one-page meeting briefing as an A4 PDF, with the evidence annex (별첨)."""
    filterset, data = _build(request, _params(request))
    annex, more = briefing_annex(filterset, data)
    name = f"briefing-{data.today:%Y%m%d}.pdf"
    pdf = exports.briefing_pdf(data, annex=annex, annex_more=more)
    return _download(pdf, "application/pdf", name)


@require_GET
@permission_required(can_view_dashboard)
def proposals_xlsx(request):
    """Download the proposal list, filtered exactly as the proposal list page filters it."""
    portfolio = portfolio_for_request(request)
    filterset = ProposalFilterSet(
        request.GET or None,
        queryset=Proposal.objects.filter(portfolio=portfolio),
        portfolio=portfolio,
    )
    proposals = filterset.qs.with_list_relations().order_by("management_no")
    name = f"proposals-{timezone.localdate():%Y%m%d}.xlsx"
    return _download(exports.proposals_xlsx(proposals), XLSX, name)


@require_GET
@permission_required(can_view_dashboard)
def actions_xlsx(request):
    """Download the follow-up actions under the dashboard's filters."""
    filterset = _filterset(request)
    actions = filterset.actions(
        FollowUpAction.objects.filter(
            meeting__portfolio=portfolio_for_request(request)
        ).select_related("meeting", "proposal", "owner_department")
    ).order_by("due_date", "id")
    name = f"follow-ups-{timezone.localdate():%Y%m%d}.xlsx"
    return _download(exports.actions_xlsx(actions, today=timezone.localdate()), XLSX, name)
