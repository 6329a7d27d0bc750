"""Audited corrections of a closed meeting's record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from projects.permissions import can_amend_meeting

from .. import services
from ..forms import ActionAmendForm, MinutesAmendForm, ReviewAmendForm
from ..models import FollowUpAction, MeetingState, ProposalReview, ReviewMeeting
from .meetings import _apply_errors

TARGETS = {
    "meeting": (ReviewMeeting, MinutesAmendForm),
    "review": (ProposalReview, ReviewAmendForm),
    "action": (FollowUpAction, ActionAmendForm),
}


def meeting_amend(request, pk, target="meeting", target_pk=None):
    """Correct the meeting, one review or one action; the reason and the user are recorded."""
    meeting = get_object_or_404(ReviewMeeting, pk=pk)
    if not can_amend_meeting(request.user, meeting):
        raise PermissionDenied
    if meeting.state != MeetingState.CLOSED:
        return redirect(meeting)
    model, form_class = TARGETS[target]
    obj = (
        meeting
        if model is ReviewMeeting
        else get_object_or_404(model, pk=target_pk, meeting=meeting)
    )
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form._meta.fields}
        try:
            amendment = services.meeting_amend(
                meeting=meeting,
                user=request.user,
                reason=form.cleaned_data["reason"],
                target=obj,
                **changes,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if amendment is None:
                messages.info(request, _("바뀐 내용이 없어 정정하지 않았습니다."))
            else:
                messages.success(request, _("정정 내용을 이력에 남겼습니다."))
            return redirect(meeting)
    return render(
        request,
        "reviews/amendment_form.html",
        {"form": form, "meeting": meeting, "target": obj},
    )
