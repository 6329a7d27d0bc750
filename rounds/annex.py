"""Evidence files as annex (별첨) rows: for the meeting minutes (through `reviews.hooks`) and
the dashboard's briefing (which imports this directly; it sits above rounds).

Each list is one query whatever the number of files; the rows are plain text
(`reviews.hooks.AnnexRow`) and every PDF escapes them before reportlab reads its mark-up.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from reviews.hooks import AnnexRow

from .models import Evidence

# The relations a row's "what it belongs to" reads, loaded with the files in one query.
RELATED = (
    "uploaded_by",
    "submission__proposal",
    "submission__round",
    "status_update__proposal",
    "review__proposal",
    "action__proposal",
)
BRIEFING_LIMIT = 200


def belongs_to(evidence: Evidence) -> str:
    """Say what a file is evidence of: a review, a follow-up, or a proposal's update."""
    if evidence.review_id:
        return _("검토: %(title)s") % {"title": evidence.review.proposal.title}
    if evidence.action_id:
        text = _("후속조치: %(text)s") % {"text": Truncator(evidence.action.description).chars(60)}
        if evidence.action.proposal_id:
            text += f" ({evidence.action.proposal.title})"
        return text
    if evidence.submission_id:
        proposal = evidence.submission.proposal
        return _("사업: %(no)s %(title)s (점검 제출, %(round)s)") % {
            "no": proposal.management_no,
            "title": proposal.title,
            "round": evidence.submission.round.name,
        }
    proposal = evidence.status_update.proposal
    return _("사업: %(no)s %(title)s (추진 현황)") % {
        "no": proposal.management_no,
        "title": proposal.title,
    }


def annex_rows_from(evidence) -> list[AnnexRow]:
    """Annex rows of Evidence objects already loaded with `RELATED`."""
    return [
        AnnexRow(
            name=e.original_name,
            kind=e.file_type,
            size=e.size,
            sha256=e.sha256,
            uploaded_by=e.uploaded_by.display_name,
            uploaded_at=e.uploaded_at,
            belongs_to=belongs_to(e),
        )
        for e in evidence
    ]


def annex_rows(evidence: QuerySet) -> list[AnnexRow]:
    """Turn an Evidence queryset into annex rows, oldest first (one query)."""
    return annex_rows_from(evidence.select_related(*RELATED).order_by("uploaded_at", "id"))


def meeting_annex(meeting) -> list[AnnexRow]:
    """The files of a meeting: on its reviews, on its follow-ups, and on the submissions of
    the update rounds that prepared it."""
    return annex_rows(
        Evidence.objects.filter(
            Q(review__meeting=meeting)
            | Q(action__meeting=meeting)
            | Q(submission__round__meeting=meeting)
        )
    )


def scope_annex(
    *, proposals: QuerySet, actions: QuerySet, since_at: datetime.datetime | None
) -> tuple[list[AnnexRow], bool]:
    """The files on `proposals` (their updates, submissions and reviews) and on `actions`,
    posted since `since_at` (all if None): the latest BRIEFING_LIMIT, oldest first, and
    whether more were left out (one query)."""
    ids = proposals.order_by().values("pk")
    evidence = Evidence.objects.filter(
        Q(submission__proposal__in=ids)
        | Q(status_update__proposal__in=ids)
        | Q(review__proposal__in=ids)
        | Q(action__in=actions.order_by().values("pk"))
    )
    if since_at is not None:
        evidence = evidence.filter(uploaded_at__gte=since_at)
    latest = list(
        evidence.select_related(*RELATED).order_by("-uploaded_at", "-id")[: BRIEFING_LIMIT + 1]
    )
    more = len(latest) > BRIEFING_LIMIT
    rows = annex_rows_from(reversed(latest[:BRIEFING_LIMIT]))
    return rows, more
