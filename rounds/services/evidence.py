"""Evidence attachments: checked by content, stored through Django's storage, SHA-256 kept.

Every file is checked before anything is written. The stored name is the content's SHA-256,
so a file left behind by a transaction rolled back later holds exactly those bytes and is
never shown (no row points at it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reviews.models import ActionState, FollowUpAction, ProposalReview

from ..evidence_types import EXTENSIONS, detect, extension_of
from ..models import Evidence, EvidenceDownload, RoundSubmission


def evidence_check(upload) -> str:
    """Return the file's type key, or raise a Korean ValidationError (nothing is written)."""
    name = getattr(upload, "name", "") or ""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("'%(name)s' 파일이 너무 큽니다. %(limit)s 이하만 올릴 수 있습니다.")
            % {"name": name, "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("'%(name)s' 파일이 비어 있습니다.") % {"name": name}, code="empty")
    kind = detect(upload)
    allowed = list(settings.EVIDENCE_ALLOWED_TYPES)
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("'%(name)s'은(는) 올릴 수 없는 파일 형식입니다. 허용: %(types)s")
            % {"name": name, "types": ", ".join(t.upper() for t in allowed)},
            code="type",
        )
    if extension_of(name) not in EXTENSIONS[kind]:
        raise ValidationError(
            _("'%(name)s' 파일의 내용(%(kind)s)이 확장자와 다릅니다.")
            % {"name": name, "kind": kind.upper()},
            code="disguised",
        )
    return kind


def evidence_check_all(uploads: Iterable) -> list[tuple[object, str]]:
    """Check every upload first; raise one ValidationError listing every bad file."""
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append((upload, evidence_check(upload)))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"evidence": errors})
    return checked


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _store(upload, kind: str, user: User, **target) -> Evidence:
    evidence = Evidence(
        original_name=(getattr(upload, "name", "") or "file")[-255:],
        file_type=kind,
        size=upload.size,
        sha256=_sha256(upload),
        uploaded_by=user,
        uploaded_at=timezone.now(),
        **target,
    )
    evidence.file.save("upload", File(upload), save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


def evidence_store_checked(checked, *, user: User, submission: RoundSubmission) -> list[Evidence]:
    """Store files already checked by `evidence_check_all` on a submission just saved."""
    return [
        _store(u, kind, user, submission=submission, status_update=submission.status_update)
        for u, kind in checked
    ]


@transaction.atomic
def evidence_attach_to_submission(
    *, submission: RoundSubmission, uploads: list, user: User
) -> list[Evidence]:
    """Attach files to a submission (and to the status update it became, if applied)."""
    checked = evidence_check_all(uploads)
    return [
        _store(u, kind, user, submission=submission, status_update=submission.status_update)
        for u, kind in checked
    ]


def _require_files(uploads: list) -> None:
    if not uploads:
        raise ValidationError({"evidence": [_("올릴 파일을 고르세요.")]}, code="required")


@transaction.atomic
def evidence_attach_to_review(
    *, review: ProposalReview, uploads: list, user: User
) -> list[Evidence]:
    """Attach files to a review of a meeting not yet closed (a closed meeting's record, the
    minutes and their annex included, is read-only)."""
    if review.meeting.is_closed:
        raise ValidationError(
            {"evidence": [_("종료된 보고회의 검토에는 증빙을 첨부할 수 없습니다.")]}, code="closed"
        )
    _require_files(uploads)
    checked = evidence_check_all(uploads)
    return [_store(u, kind, user, review=review) for u, kind in checked]


@transaction.atomic
def evidence_attach_to_action(
    *, action: FollowUpAction, uploads: list, user: User
) -> list[Evidence]:
    """Attach files to a completed follow-up (evidence of what was done)."""
    if action.state != ActionState.DONE:
        raise ValidationError({"evidence": [_("완료된 후속조치에만 증빙을 첨부할 수 있습니다.")]})
    _require_files(uploads)
    checked = evidence_check_all(uploads)
    return [_store(u, kind, user, action=action) for u, kind in checked]


def evidence_log_download(*, evidence: Evidence, user: User, ip_address: str | None) -> None:
    EvidenceDownload.objects.create(evidence=evidence, user=user, ip_address=ip_address)
