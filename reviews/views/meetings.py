"""Meeting workflow pages: list, plan, edit, agenda, reviews, follow-ups and close."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from core.conflicts import VersionConflict
from core.forms import add_service_errors
from core.guards import ensure_permitted, permission_required
from core.pagecache import CachedBodyMixin
from projects.portfolios import page_key_params, portfolio_choice, portfolio_for_request

from .. import hooks, services
from ..forms import (
    ActionForm,
    AgendaAddForm,
    MeetingCloseForm,
    MeetingEditForm,
    MeetingPlanForm,
    ReviewRecordForm,
)
from ..models import (
    ActionState,
    FollowUpAction,
    MeetingState,
    ProposalReview,
    ReviewMeeting,
)
from ..permissions import can_amend_meeting, can_close_meeting, can_manage_meetings
from ..selectors import AGENDA_RULES, agenda_suggestions, carried_over_actions

# A minimal 409 answer; a shared three-way merge of the two edits may replace it.
_EDIT_CONFLICT = gettext_lazy(
    "다른 사용자가 먼저 이 보고회를 수정했습니다. 아래 '지금 저장된 내용'과 표시된 항목을 "
    "확인한 뒤 다시 저장하세요."
)


def _count_of(model, **filters):
    """A correlated count per meeting, computed for the rows of the page only (a join of
    reviews × actions with DISTINCT counted every pair of every meeting)."""
    rows = (
        model.objects.filter(meeting=OuterRef("pk"), **filters)
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


class MeetingListView(CachedBodyMixin, ListView):
    """The meetings of the request's portfolio (`projects.portfolios`); the body is cached
    (core.pagecache)."""

    template_name = "reviews/reviewmeeting_list.html"
    body_template_name = "reviews/_reviewmeeting_list_body.html"
    body_name = "meeting-list"
    paginate_by = 25

    def body_key_params(self):
        return page_key_params(self.request)

    def get_queryset(self):
        return (
            ReviewMeeting.objects.filter(portfolio=portfolio_for_request(self.request))
            .select_related("chair")
            .order_by("-held_on", "-pk")
            .annotate(
                review_count=_count_of(ProposalReview),
                open_action_count=_count_of(FollowUpAction, state=ActionState.OPEN),
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_manage=can_manage_meetings(self.request.user), **kwargs)


class MeetingDetailView(CachedBodyMixin, DetailView):
    """A meeting with its agenda, reviews and follow-ups; the body is cached (core.pagecache)."""

    template_name = "reviews/reviewmeeting_detail.html"
    body_template_name = "reviews/_reviewmeeting_detail_body.html"
    body_name = "meeting-detail"

    def check_access(self):
        return get_object_or_404(ReviewMeeting.objects.only("pk", "title"), pk=self.kwargs["pk"])

    def body_key_params(self):
        return [("@pk", str(self.kwargs["pk"]))]

    def get_queryset(self):
        return ReviewMeeting.objects.select_related("chair", "portfolio").prefetch_related(
            "attending_departments",
            "reviews__proposal",
            "actions__owner_department",
            "actions__proposal",
            "amendments__amended_by",
        )

    def get_context_data(self, **kwargs):
        meeting, user = self.object, self.request.user
        is_open = meeting.state != MeetingState.CLOSED
        can_manage = can_manage_meetings(user) and is_open
        return super().get_context_data(
            can_manage=can_manage,
            can_edit=can_manage,
            can_close=can_close_meeting(user, meeting) and is_open,
            can_amend=can_amend_meeting(user, meeting) and not is_open,
            carried_over=carried_over_actions(meeting),
            extra_links=hooks.meeting_links(user, meeting),
            panels=hooks.meeting_panels(self.request, meeting),
            action_form=ActionForm(meeting=meeting) if can_manage else None,
            agenda_form=AgendaAddForm(meeting=meeting) if can_manage else None,
            **kwargs,
        )


@permission_required(can_manage_meetings)
def meeting_plan(request):
    """Plan a meeting of the request's portfolio (the header's choice, `?portfolio=`); the
    agenda is proposed from the rules stated on the page.

    The most pressing GP_AGENDA_PRESELECT suggestions are ticked; ?all=1 ticks every one.
    """
    portfolio = portfolio_for_request(request)
    if portfolio is None:  # nothing to plan yet: say so instead of a bare 403
        messages.info(request, _("사업군이 없습니다. 먼저 보고서를 가져오거나 사업을 등록하세요."))
        return redirect("reviews:meeting_list")
    suggestions = agenda_suggestions(portfolio)
    reasons = {s.proposal.pk: s.reasons for s in suggestions}
    limit = settings.GP_AGENDA_PRESELECT
    tick_all = request.GET.get("all") == "1"
    ticked = [s.proposal.pk for s in (suggestions if tick_all else suggestions[:limit])]
    form = MeetingPlanForm(
        request.POST or None,
        portfolio=portfolio,
        suggested=list(reasons),
        initial={
            "portfolio": portfolio,
            "held_on": timezone.localdate(),
            "proposals": ticked,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_plan(
                portfolio=data["portfolio"],
                title=data["title"],
                held_on=data["held_on"],
                location=data["location"],
                chair=data["chair"],
                attending_departments=list(data["attending_departments"]),
                proposals=list(data["proposals"]),
                user=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("보고회를 계획했습니다."))
            return redirect(meeting)
    return render(
        request,
        "reviews/reviewmeeting_form.html",
        {
            "form": form,
            "reasons": reasons,
            "rules": AGENDA_RULES,
            "suggestion_count": len(suggestions),
            "ticked_count": len(ticked),
            "untick_count": len(suggestions) - len(ticked),
            "portfolio": portfolio,
            "portfolio_choice": portfolio_choice(request),
        },
    )


@require_POST
@permission_required(can_manage_meetings)
def agenda_add(request, pk):
    meeting = get_object_or_404(ReviewMeeting, pk=pk)
    form = AgendaAddForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            order = meeting.reviews.count() + 1
            services.review_add(
                meeting=meeting,
                proposal=form.cleaned_data["proposal"],
                order=order,
                user=request.user,
            )
            messages.success(request, _("안건을 추가했습니다."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("추가할 사업을 고르세요."))
    return redirect(meeting)


@permission_required(can_manage_meetings)
def review_record(request, pk, review_pk):
    """Record one agenda item's verdict, gaps, remedies and decision."""
    review = get_object_or_404(
        ProposalReview.objects.select_related("meeting", "proposal"), pk=review_pk, meeting_id=pk
    )
    if request.method != "POST" and review.meeting.is_closed:
        return _closed_redirect(request, review.meeting, "review", review.pk)
    form = ReviewRecordForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(
                review=review,
                user=request.user,
                **{f: form.cleaned_data[f] for f in services.meetings.REVIEW_FIELDS},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("검토 결과를 저장했습니다."))
            return redirect(review.meeting)
    return render(request, "reviews/proposalreview_form.html", {"form": form, "review": review})


@permission_required(can_manage_meetings)
def action_add(request, pk):
    """Create a follow-up action of the meeting (typed, owner department, due date)."""
    meeting = get_object_or_404(ReviewMeeting, pk=pk)
    form = ActionForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_create(meeting=meeting, user=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("후속조치를 추가했습니다."))
            return redirect(meeting)
    return render(request, "reviews/followupaction_form.html", {"form": form, "meeting": meeting})


def meeting_close(request, pk):
    """GET: what closing does, with the confirmation; POST: close the meeting.

    With unreviewed agenda items the confirmation box must be ticked; the service checks it.
    """
    meeting = get_object_or_404(ReviewMeeting, pk=pk)
    ensure_permitted(request, can_close_meeting, meeting)
    if meeting.is_closed:
        messages.info(request, _("이미 종료된 보고회입니다."))
        return redirect(meeting)
    facts = services.meetings.meeting_close_facts(meeting)
    data = request.POST if request.method == "POST" else None  # an empty POST is a POST
    form = MeetingCloseForm(data, unreviewed=facts["unreviewed"])
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_close(
                meeting=meeting,
                user=request.user,
                accepted_unreviewed=form.accepted_unreviewed(),
            )
        except ValidationError as exc:
            field = "confirm_unreviewed" if getattr(exc, "code", None) == "unreviewed" else None
            form.add_error(field, exc.messages)
        else:
            messages.success(
                request, _("보고회를 종료했습니다. 부서별 후속조치 요약과 알림이 발송됩니다.")
            )
            return redirect(meeting)
    try:
        services.meetings.meeting_ensure_held(meeting)
        not_yet = []
    except ValidationError as exc:
        not_yet = exc.messages
    return render(
        request,
        "reviews/reviewmeeting_close.html",
        {
            "meeting": meeting,
            "form": form,
            "not_yet": not_yet,
            "can_edit": can_manage_meetings(request.user),
            **facts,
        },
    )


def _closed_redirect(request, meeting, target=None, target_pk=None):
    """Send a GET of an edit page of a closed meeting to its correction page (or the meeting)."""
    messages.info(
        request, _("종료된 보고회는 수정할 수 없습니다. 기록은 사유를 남기는 정정으로 고칩니다.")
    )
    if not can_amend_meeting(request.user, meeting):
        return redirect(meeting)
    if target is None:
        return redirect("reviews:meeting_amend", meeting.pk)
    return redirect("reviews:meeting_amend_item", meeting.pk, target, target_pk)


@permission_required(can_manage_meetings)
def meeting_edit(request, pk):
    """Edit an open meeting's record: title, date, place, chair, attendance and minutes.

    A meeting saved by someone else since the form was loaded answers 409 with the user's
    input merged into what is saved now (core.merge) and the form's version moved on.
    """
    meeting = get_object_or_404(ReviewMeeting, pk=pk)
    if meeting.is_closed:
        return _closed_redirect(request, meeting)
    heading = str(meeting)
    form = MeetingEditForm(request.POST or None, instance=meeting)
    current, status = None, 200
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, _("바뀐 내용이 없습니다."))
            return redirect(meeting)
        try:
            services.meeting_update(
                meeting=meeting,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                **changes,
            )
        except VersionConflict:
            # Fields the user did not touch take the stored value, fields both changed
            # are marked; the form is armed with the current version (core.merge).
            current = (
                ReviewMeeting.objects.select_related("chair")
                .prefetch_related("attending_departments")
                .get(pk=pk)
            )
            stored = {name: getattr(current, name) for name in form.get_merge_fields()}
            stored["attending_departments"] = list(current.attending_departments.all())
            # The form gets its own copy: validating writes the submission onto it, and
            # `current` must still show what is stored.
            copy = ReviewMeeting.objects.get(pk=pk)
            form = form.merge_after_conflict(stored, current.version, instance=copy)
            form.is_valid()
            form.add_error(None, _EDIT_CONFLICT)
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("보고회 정보를 저장했습니다."))
            return redirect(meeting)
    return render(
        request,
        "reviews/reviewmeeting_edit.html",
        {"meeting": meeting, "heading": heading, "form": form, "current": current},
        status=status,
    )
