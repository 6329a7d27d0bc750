"""Evidence files: upload to a review or a completed action, permission-checked download."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.guards import ensure_permitted
from reviews.models import FollowUpAction, ProposalReview

from .evidence_types import CONTENT_TYPES
from .models import Evidence
from .permissions import (
    can_attach_action_evidence,
    can_attach_review_evidence,
    can_download_evidence,
)
from .services.evidence import (
    evidence_attach_to_action,
    evidence_attach_to_review,
    evidence_log_download,
)

logger = logging.getLogger(__name__)


def _messages(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _anchored(url: str, anchor: str) -> str:
    return f"{url}#{anchor}"


@require_POST
def review_evidence_upload(request, pk):
    """Attach files to a review (planning, the proposal's lead head); back to the meeting.

    A bad file is refused with a Korean message and nothing is written (every file is
    checked before any is stored)."""
    review = get_object_or_404(ProposalReview.objects.select_related("meeting", "proposal"), pk=pk)
    ensure_permitted(request, can_attach_review_evidence, review)
    try:
        attached = evidence_attach_to_review(
            review=review, uploads=request.FILES.getlist("evidence"), user=request.user
        )
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("증빙 파일 %(n)s개를 올렸습니다.") % {"n": len(attached)})
    return redirect(_anchored(review.meeting.get_absolute_url(), f"evidence-review-{review.pk}"))


@require_POST
def action_evidence_upload(request, pk):
    """Attach files to a completed follow-up (planning, the owner department's head)."""
    action = get_object_or_404(FollowUpAction, pk=pk)
    ensure_permitted(request, can_attach_action_evidence, action)
    try:
        attached = evidence_attach_to_action(
            action=action, uploads=request.FILES.getlist("evidence"), user=request.user
        )
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("증빙 파일 %(n)s개를 올렸습니다.") % {"n": len(attached)})
    return redirect(_anchored(action.get_absolute_url(), "evidence"))


@require_GET
def evidence_download(request, pk):
    """Serve a file to whom may see it; every download is recorded."""
    evidence = get_object_or_404(
        Evidence.objects.select_related(
            "submission__proposal", "status_update__proposal", "review__proposal", "action"
        ),
        pk=pk,
    )
    ensure_permitted(request, can_download_evidence, evidence)
    evidence_log_download(
        evidence=evidence, user=request.user, ip_address=request.META.get("REMOTE_ADDR")
    )
    logger.info("evidence %s downloaded by user %s", evidence.pk, request.user.pk)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=CONTENT_TYPES.get(evidence.file_type, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
