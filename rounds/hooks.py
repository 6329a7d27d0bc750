"""What rounds plugs into the apps below it (they never import rounds)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse


def _submit_url(user, proposal) -> str | None:
    """During an open round, a head's "update" leads to the round's submission form."""
    from accounts.permissions import is_department_head

    from .selectors import open_round_for

    if not is_department_head(user) or proposal.lead_department_id != user.department_id:
        return None
    round_ = open_round_for(proposal.pk)
    return reverse("rounds:submit", args=[round_.pk, proposal.pk]) if round_ else None


def _pending_panel(request, proposal) -> str:
    """On the proposal page: the submission waiting for confirmation, beside the confirmed state."""
    from .models import RoundSubmission, SubmissionState

    pending = (
        RoundSubmission.objects.filter(
            proposal=proposal, is_current=True, state=SubmissionState.PENDING
        )
        .select_related("round", "submitted_by")
        .order_by("-submitted_at")
        .first()
    )
    if pending is None:
        return ""
    return render_to_string(
        "rounds/includes/pending_panel.html", {"s": pending, "proposal": proposal}, request
    )


def _meeting_links(user, meeting) -> list[tuple[str, str]]:
    """On a meeting that is not closed: planning opens the round that prepares it."""
    from django.utils.translation import gettext as _

    from .permissions import can_manage_rounds

    if not can_manage_rounds(user) or meeting.state == "closed":
        return []
    url = reverse("rounds:round_create") + f"?meeting={meeting.pk}"
    return [(_("이 보고회 점검 회차 열기"), url)]


def register() -> None:
    from projects import hooks as project_hooks
    from reviews import hooks as review_hooks
    from reviews.services.reminder_kinds import register_reminder_kind

    from . import annex, evidence_panels
    from .services import reminders

    for kind in reminders.ROUND_KINDS:
        register_reminder_kind(kind, compose=reminders.compose, still_wanted=reminders.still_wanted)
    project_hooks.register_status_update_url(_submit_url)
    project_hooks.register_detail_panel(_pending_panel)
    review_hooks.register_meeting_links(_meeting_links)
    review_hooks.register_meeting_panel(evidence_panels.meeting_panel)
    review_hooks.register_action_panel(evidence_panels.action_panel)
    review_hooks.register_minutes_annex(annex.meeting_annex)
