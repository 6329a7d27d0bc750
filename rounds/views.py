"""Pages of the update rounds: list, open, round dashboard, a head's part, submit, the
confirmation queue and the agenda pack. Every check asks `rounds.permissions`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.conflicts import VersionConflict
from core.forms import add_service_errors
from core.guards import ensure_permitted, permission_required
from projects.forms import ProposalStatusUpdateForm, proposal_stored_values
from projects.models import Department, Portfolio, Proposal
from reviews.models import ReviewMeeting

from . import exports, selectors, services
from .forms import ReturnForm, RoundOpenForm
from .models import RoundSubmission, UpdateRound
from .permissions import (
    can_manage_rounds,
    can_submit,
    can_view_my_round,
    can_view_round_dashboard,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


@require_GET
@permission_required(can_view_round_dashboard)
def round_list(request):
    rounds = UpdateRound.objects.select_related("portfolio", "meeting").order_by("-as_of", "-id")
    return render(
        request,
        "rounds/round_list.html",
        {"rounds": rounds, "can_manage": can_manage_rounds(request.user)},
    )


@require_http_methods(["GET", "POST"])
@permission_required(can_manage_rounds)
def round_create(request):
    """Open a round; from a meeting page (?meeting=ID) it is that meeting's round."""
    meeting = None
    meeting_id = request.GET.get("meeting") or request.POST.get("meeting")
    if meeting_id and str(meeting_id).isdigit():
        meeting = get_object_or_404(ReviewMeeting, pk=meeting_id)
    portfolio = meeting.portfolio if meeting else Portfolio.objects.order_by("-year", "pk").first()
    if portfolio is None:
        messages.error(request, _("사업군이 없습니다. 먼저 사업을 등록하세요."))
        return redirect("rounds:round_list")
    form = RoundOpenForm(request.POST or None, portfolio=portfolio)
    if meeting and not form.is_bound:
        form.initial["name"] = _("%(meeting)s 사전 점검") % {"meeting": meeting.title}
        form.initial["due_date"] = meeting.held_on
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_open(
                portfolio=portfolio,
                name=data["name"],
                as_of=data["as_of"],
                due_date=data["due_date"],
                proposals=list(data["proposals"]),
                meeting=meeting,
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("점검 회차를 열고 부서장에게 알렸습니다."))
            return redirect(round_)
    status = 400 if form.is_bound else 200
    context = {"form": form, "meeting": meeting, "portfolio": portfolio}
    return render(request, "rounds/round_form.html", context, status=status)


@require_GET
@permission_required(can_view_round_dashboard)
def round_detail(request, pk):
    """The round dashboard: rates per department, overdue departments, chasing, the pack."""
    round_ = get_object_or_404(UpdateRound.objects.select_related("meeting", "portfolio"), pk=pk)
    status = selectors.round_status(round_, today=timezone.localdate())
    return render(
        request,
        "rounds/round_detail.html",
        {
            "round": round_,
            "status": status,
            "can_manage": can_manage_rounds(request.user),
            "pending_count": status.total.pending,
        },
    )


@require_GET
@permission_required(can_view_my_round)
def round_mine(request, pk):
    """A head's part of a round: their proposals, what each still needs, the due date."""
    round_ = get_object_or_404(UpdateRound, pk=pk)
    dept = request.user.department_id
    current = selectors.current_submissions(round_)
    rows = [
        (p, current.get(p.pk))
        for p in round_.proposals.filter(lead_department_id=dept).order_by("management_no")
    ]
    left = sum(selectors.proposal_state(s) in selectors.OUTSTANDING for _p, s in rows)
    context = {"round": round_, "rows": rows, "left": left, "today": timezone.localdate()}
    return render(request, "rounds/round_mine.html", context)


def _round_and_proposal(request, pk, proposal_pk):
    round_ = get_object_or_404(UpdateRound, pk=pk)
    proposal = get_object_or_404(
        Proposal.objects.with_list_relations(), pk=proposal_pk, update_rounds=round_
    )
    ensure_permitted(request, can_submit, proposal)
    return round_, proposal


def _after_submit(request, round_, submission):
    if submission.is_pending:
        messages.success(request, _("제출했습니다. 총괄부서 확인 뒤 현황에 반영됩니다."))
    else:
        messages.success(request, _("제출했습니다."))
    if can_view_my_round(request.user):
        return redirect("rounds:round_mine", round_.pk)
    return redirect(round_)


@require_http_methods(["GET", "POST"])
def round_submit(request, pk, proposal_pk):
    """The status update form of the round (the head's "update" during an open round)."""
    round_, proposal = _round_and_proposal(request, pk, proposal_pk)
    current = selectors.current_submissions(round_).get(proposal.pk)
    initial = proposal_stored_values(proposal)
    form = ProposalStatusUpdateForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                submission = services.round_submit(
                    round_=round_,
                    proposal=proposal,
                    user=request.user,
                    expected_version=data["version"],
                    status=data["status"],
                    confidence=data["confidence"],
                    progress=data["progress"],
                    what_changed=data["what_changed"],
                    issues=data["issues"],
                    next_step=data["next_step"],
                    reason=data["reason"],
                    evidence=request.FILES.getlist("evidence"),
                )
            except VersionConflict as conflict:
                form = ProposalStatusUpdateForm(initial=proposal_stored_values(conflict.current))
                form.add_error(None, str(conflict))
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _after_submit(request, round_, submission)
    context = {
        "round": round_,
        "proposal": proposal,
        "form": form,
        "current": current,
        "max_bytes": settings.EVIDENCE_MAX_BYTES,
    }
    return render(request, "rounds/round_submit.html", context, status=status)


@require_POST
def round_submit_unchanged(request, pk, proposal_pk):
    """ "변동 없음": one click, recorded as who confirmed it and when."""
    round_, proposal = _round_and_proposal(request, pk, proposal_pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        submission = services.round_submit_unchanged(
            round_=round_, proposal=proposal, user=request.user, expected_version=version
        )
    except (ValidationError, VersionConflict) as error:
        text = str(error) if isinstance(error, VersionConflict) else _error_text(error)
        messages.error(request, text)
        return redirect("rounds:submit", round_.pk, proposal.pk)
    return _after_submit(request, round_, submission)


@require_GET
@permission_required(can_manage_rounds)
def round_queue(request, pk):
    """Submissions planning may confirm or return: those waiting first."""
    round_ = get_object_or_404(UpdateRound, pk=pk)
    queue = list(selectors.pending_queue(round_))
    context = {
        "round": round_,
        "pending": [s for s in queue if s.is_pending],
        "submitted": [s for s in queue if not s.is_pending],
        "return_form": ReturnForm(),
    }
    return render(request, "rounds/round_queue.html", context)


def _submission(pk, submission_pk) -> RoundSubmission:
    return get_object_or_404(
        RoundSubmission.objects.select_related("round", "proposal"),
        pk=submission_pk,
        round_id=pk,
    )


@require_POST
@permission_required(can_manage_rounds)
def submission_confirm(request, pk, submission_pk):
    submission = _submission(pk, submission_pk)
    try:
        services.round_confirm(submission=submission, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("확인했습니다: %(p)s") % {"p": submission.proposal.title})
    return redirect("rounds:round_queue", pk)


@require_POST
@permission_required(can_manage_rounds)
def submission_return(request, pk, submission_pk):
    submission = _submission(pk, submission_pk)
    form = ReturnForm(request.POST)
    try:
        services.round_return(
            submission=submission,
            user=request.user,
            comment=form.data.get("comment", ""),
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("rounds:round_queue", pk)
    messages.success(request, _("반려했습니다: %(p)s") % {"p": submission.proposal.title})
    return redirect("rounds:round_queue", pk)


@require_POST
@permission_required(can_manage_rounds)
def round_nudge(request, pk, department_pk):
    """Remind one department now (one click; at most once a day)."""
    round_ = get_object_or_404(UpdateRound, pk=pk)
    department = get_object_or_404(Department, pk=department_pk)
    try:
        services.round_nudge_department(round_=round_, department=department, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(d)s에 독촉 알림을 보냈습니다.") % {"d": department.name})
    return redirect(round_)


@require_POST
@permission_required(can_manage_rounds)
def round_close(request, pk):
    round_ = get_object_or_404(UpdateRound, pk=pk)
    try:
        services.round_close(round_=round_, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("점검 회차를 마감하고 기준 현황을 고정했습니다."))
    return redirect(round_)


@require_POST
@permission_required(can_manage_rounds)
def round_snapshot(request, pk):
    round_ = get_object_or_404(UpdateRound, pk=pk)
    try:
        services.round_snapshot(round_=round_, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("지금 현황을 기준 현황으로 고정했습니다."))
    return redirect(round_)


def _pack(pk):
    round_ = get_object_or_404(UpdateRound, pk=pk)
    if not round_.snapshot:
        return round_, None
    return round_, round_.snapshot


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@permission_required(can_view_round_dashboard)
def pack_pdf(request, pk):
    """The frozen as-of figures as the next meeting's agenda pack (PDF)."""
    round_, snapshot = _pack(pk)
    if snapshot is None:
        messages.error(request, _("고정된 기준 현황이 없습니다. 먼저 현황을 고정하세요."))
        return redirect(round_)
    return _download(exports.pack_pdf(snapshot), "application/pdf", f"round-{pk}-pack.pdf")


@require_GET
@permission_required(can_view_round_dashboard)
def pack_xlsx(request, pk):
    """The frozen as-of figures as the next meeting's agenda pack (Excel)."""
    round_, snapshot = _pack(pk)
    if snapshot is None:
        messages.error(request, _("고정된 기준 현황이 없습니다. 먼저 현황을 고정하세요."))
        return redirect(round_)
    return _download(exports.pack_xlsx(snapshot), XLSX, f"round-{pk}-pack.xlsx")
