"""Audited corrections of a closed meeting's record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.conflicts import VersionConflict
from core.forms import add_service_errors
from core.guards import ensure_permitted

from .. import services
from ..forms import ActionAmendForm, MinutesAmendForm, ReviewAmendForm
from ..models import FollowUpAction, MeetingState, ProposalReview, ReviewMeeting
from ..permissions import can_amend_meeting

TARGETS = {
    "meeting": (ReviewMeeting, MinutesAmendForm),
    "review": (ProposalReview, ReviewAmendForm),
    "action": (FollowUpAction, ActionAmendForm),
}


def meeting_amend(request, pk, target="meeting", target_pk=None):
    """Correct the meeting, one review or one action; the reason and the user are recorded."""
    meeting = get_object_or_404(ReviewMeeting, pk=pk)
    ensure_permitted(request, can_amend_meeting, meeting)
    if meeting.state != MeetingState.CLOSED:
        return redirect(meeting)
    if target not in TARGETS:
        raise Http404
    model, form_class = TARGETS[target]
    if model is ReviewMeeting:
        if target_pk not in (None, meeting.pk):
            raise Http404
        obj = meeting
    else:
        obj = get_object_or_404(model, pk=target_pk, meeting=meeting)
    # Named before validation: a ModelForm writes the submitted values onto its instance.
    target_name = str(obj)
    form = form_class(request.POST or None, instance=obj)
    current_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            amendment = services.meeting_amend(
                meeting=meeting,
                user=request.user,
                reason=form.cleaned_data["reason"],
                target=obj,
                expected_version=form.cleaned_data["version"],
                **form.changed_values(),
            )
        except VersionConflict as conflict:
            # Merge what the user typed with what is stored now (fields they did not touch
            # show the stored value, fields both changed are marked) and arm the form with
            # the current version so a second, deliberate submit can go through.
            current = conflict.current
            current_rows = _current_values(form, current)
            stored = {name: getattr(current, name) for name in form.get_merge_fields()}
            form = form.merge_after_conflict(stored, current.version, instance=current)
            form.is_valid()
            form.add_error(None, conflict.messages)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if amendment is None:
                messages.info(request, _("바뀐 내용이 없어 정정하지 않았습니다."))
            else:
                messages.success(request, _("정정 내용을 이력에 남겼습니다."))
            return redirect(meeting)
    return render(
        request,
        "reviews/amendment_form.html",
        {
            "form": form,
            "meeting": meeting,
            "target": target_name,
            "current": current_rows,
        },
        status=409 if current_rows is not None else 200,
    )


def _current_values(form, current) -> list[tuple[str, str]]:
    """(label, stored value) of each correctable field, for the conflict notice."""
    rows = []
    for name in form._meta.fields:
        field = current._meta.get_field(name)
        value = getattr(current, name)
        if field.choices:
            value = getattr(current, f"get_{name}_display")()
        rows.append((str(field.verbose_name), "" if value is None else str(value)))
    return rows
