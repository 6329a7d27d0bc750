"""The evidence panels rounds adds to the meeting page and to a follow-up's page
(`reviews.hooks`): the files already posted, with download links for whom may download them,
and the upload form for whom may post (the same predicates the upload views check).

One query per page whatever the number of reviews or files.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from reviews.models import ActionState

from .evidence_types import EXTENSIONS
from .models import Evidence
from .permissions import (
    can_attach_action_evidence,
    can_attach_review_evidence,
    can_download_evidence,
)


def _upload_context() -> dict:
    allowed = list(settings.EVIDENCE_ALLOWED_TYPES)
    return {
        "accept": ",".join(f".{ext}" for kind in allowed for ext in EXTENSIONS.get(kind, ())),
        "allowed": ", ".join(kind.upper() for kind in allowed),
        "max_bytes": settings.EVIDENCE_MAX_BYTES,
    }


def _files(user, evidence) -> list[tuple[Evidence, bool]]:
    return [(e, can_download_evidence(user, e)) for e in evidence]


def meeting_panel(request, meeting) -> str:
    """Each review's files and, while the meeting is open, the form for whom may post."""
    reviews = list(meeting.reviews.all())
    if not reviews:
        return ""
    user = request.user
    by_review: dict[int, list[Evidence]] = {}
    for e in (
        Evidence.objects.filter(review__meeting=meeting)
        .select_related("uploaded_by", "review__proposal")
        .order_by("uploaded_at", "id")
    ):
        by_review.setdefault(e.review_id, []).append(e)
    items = [
        {
            "review": review,
            "files": _files(user, by_review.get(review.pk, [])),
            "can_attach": not meeting.is_closed and can_attach_review_evidence(user, review),
            "input_id": f"evidence-file-review-{review.pk}",
        }
        for review in reviews
    ]
    if not any(item["files"] or item["can_attach"] for item in items):
        return ""
    context = {"meeting": meeting, "items": items, **_upload_context()}
    return render_to_string("rounds/includes/meeting_evidence.html", context, request)


def action_panel(request, action) -> str:
    """A follow-up's files and, once it is completed, the form for whom may post."""
    user = request.user
    files = _files(user, action.evidence.select_related("uploaded_by").order_by("uploaded_at"))
    may_post = can_attach_action_evidence(user, action)
    can_attach = may_post and action.state == ActionState.DONE
    waiting = may_post and action.state == ActionState.OPEN
    if not (files or can_attach or waiting):
        return ""
    context = {
        "action": action,
        "files": files,
        "can_attach": can_attach,
        "waiting": waiting,
        **_upload_context(),
    }
    return render_to_string("rounds/includes/action_evidence.html", context, request)
