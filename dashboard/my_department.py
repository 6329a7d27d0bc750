"""내 부서: a department head's home page, small and fast at any department size.

What needs the head first comes first: the open rounds, then the department's open follow-ups
(overdue ones first, then by due date), then its proposals, least recently updated first (never
updated, then stale, then the rest), with a count per status that filters the list. Both lists
are paged (PAGE_SIZE rows each), so the page weighs the same with 5 proposals or 500; the body
is cached on the portfolio version (`core.pagecache`) for every head of the department.

Open and overdue are the reviews app's rule (`FollowUpAction.objects.open()`, `overdue_q`),
the same as the counts the row's htmx answer updates.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import View

from core import pagecache
from core.guards import PermissionRequiredMixin
from projects.models import Proposal, ProposalStatus
from projects.permissions import proposals_editable_by
from projects.portfolios import page_key_params, portfolio_for_request
from reviews.models import FollowUpAction, FollowUpActionQuerySet
from reviews.permissions import actions_completable_by
from rounds.selectors import open_rounds_for_department

from .permissions import can_view_my_department

PAGE_SIZE = 20
SUPPORTED_SHOWN = 20


def _page(queryset, count: int, number):
    """A page of `queryset` whose total is already known (no second count query)."""
    paginator = Paginator(queryset, PAGE_SIZE)
    paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    return paginator.get_page(number)


def _proposal_section(request, user, in_portfolio, stale_days: int) -> dict:
    mine = proposals_editable_by(user, in_portfolio)
    stale_before = timezone.now() - datetime.timedelta(days=stale_days)
    stale_q = Q(last_update_at__isnull=True) | Q(last_update_at__lt=stale_before)
    rows = mine.order_by().values("status").annotate(n=Count("pk"), stale=Count("pk", stale_q))
    by_status = {row["status"]: row for row in rows}
    total = sum(row["n"] for row in by_status.values())
    status = request.GET.get("status", "")
    if status not in by_status:
        status = ""
    listed = mine.filter(status=status) if status else mine
    count = by_status[status]["n"] if status else total
    ordered = listed.with_list_relations().order_by(
        F("last_update_at").asc(nulls_first=True), "management_no"
    )
    return {
        "proposal_total": total,
        "stale_total": sum(row["stale"] for row in by_status.values()),
        "status_counts": [
            (value, label, by_status[value]["n"])
            for value, label in ProposalStatus.choices
            if value in by_status
        ],
        "status": status,
        "proposal_page": _page(ordered, count, request.GET.get("ppage")),
    }


def _action_section(request, user, department, portfolio, today) -> dict:
    open_actions = actions_completable_by(
        user,
        FollowUpAction.objects.open().filter(
            owner_department=department, meeting__portfolio=portfolio
        ),
    )
    counts = open_actions.aggregate(
        open_count=Count("pk"),
        overdue_count=Count("pk", filter=FollowUpActionQuerySet.overdue_q(today)),
    )
    ordered = open_actions.select_related("meeting", "proposal").order_by(
        F("due_date").asc(nulls_last=True), "id"
    )
    return {**counts, "action_page": _page(ordered, counts["open_count"], request.GET.get("apage"))}


def _round_urls(my_rounds, proposals) -> dict[int, str]:
    """The round submission page of each listed proposal that an open round asks about."""
    on_page = {p.pk for p in proposals}
    urls: dict[int, str] = {}
    for dr in my_rounds:
        for proposal, _submission in dr.rows:
            if proposal.pk in on_page and proposal.pk not in urls:
                urls[proposal.pk] = reverse("rounds:submit", args=[dr.round.pk, proposal.pk])
    return urls


def my_department_context(request) -> dict:
    user = request.user
    department = user.department
    today = timezone.localdate()
    portfolio = portfolio_for_request(request)
    in_portfolio = Proposal.objects.filter(portfolio=portfolio)
    context = {
        "portfolio": portfolio,
        "department": department,
        "today": today,
        "stale_days": settings.GP_STALE_DAYS,
        "my_rounds": open_rounds_for_department(department.pk),
    }
    context.update(_proposal_section(request, user, in_portfolio, settings.GP_STALE_DAYS))
    context.update(_action_section(request, user, department, portfolio, today))
    supported = in_portfolio.filter(supporting_departments=department)
    context["supported"] = list(
        supported.select_related("lead_department").order_by("management_no")[: SUPPORTED_SHOWN + 1]
    )
    context["round_urls"] = _round_urls(context["my_rounds"], context["proposal_page"])
    return context


class MyDepartmentView(PermissionRequiredMixin, View):
    """A head's home: what needs them first, paged; see the module's docstring."""

    permission = staticmethod(can_view_my_department)

    def get(self, request):
        key = pagecache.body_key(
            request,
            name="my-department",
            params=page_key_params(request),
        )

        def render_page():
            body = pagecache.render_body(
                request,
                key,
                "dashboard/_my_department_body.html",
                lambda: my_department_context(request),
            )
            page = TemplateResponse(request, "dashboard/my_department.html", {"body": body})
            return page.render().content

        return pagecache.respond(request, key, render_page)
