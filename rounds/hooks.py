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


def register() -> None:
    from projects import hooks as project_hooks
    from reviews.services.reminder_kinds import register_reminder_kind

    from .services import reminders

    for kind in reminders.ROUND_KINDS:
        register_reminder_kind(kind, compose=reminders.compose, still_wanted=reminders.still_wanted)
    project_hooks.register_status_update_url(_submit_url)
    project_hooks.register_detail_panel(_pending_panel)
