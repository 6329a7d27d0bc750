"""Opening, closing and freezing a round."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from projects.models import Portfolio, Proposal
from reviews.models import ReviewMeeting

from ..models import RoundState, UpdateRound
from ..selectors import current_submissions, proposal_state
from .reminders import reminders_cancel_for_round, reminders_plan_for_round_open


@transaction.atomic
def round_open(
    *,
    portfolio: Portfolio,
    name: str,
    as_of: datetime.date,
    due_date: datetime.date,
    user: User,
    proposals: list[Proposal] | None = None,
    meeting: ReviewMeeting | None = None,
    now: datetime.datetime | None = None,
) -> UpdateRound:
    """Open a round over `proposals` (default: the portfolio's active ones) and plan its notices.

    Each lead department's head is told once (in-app + e-mail) through the reminder engine,
    then reminded before and after the due date; the chair is told of departments still late.
    """
    now = now or timezone.now()
    round_ = UpdateRound(
        portfolio=portfolio,
        name=(name or "").strip(),
        as_of=as_of,
        due_date=due_date,
        meeting=meeting,
        created_by=user,
    )
    round_.full_clean()
    if due_date < timezone.localdate(now):
        raise ValidationError({"due_date": _("제출 기한은 오늘이나 그 이후 날짜로 고르세요.")})
    if meeting is not None and meeting.portfolio_id != portfolio.pk:
        raise ValidationError({"meeting": _("이 사업군의 보고회가 아닙니다.")})
    if proposals is None:
        scope = list(Proposal.objects.filter(portfolio=portfolio).active())
    else:
        scope = list(proposals)
        if any(p.portfolio_id != portfolio.pk for p in scope):
            raise ValidationError({"proposals": _("이 사업군에 속하지 않은 사업이 있습니다.")})
    if not scope:
        raise ValidationError({"proposals": _("점검할 사업을 하나 이상 고르세요.")})
    round_.save()
    round_.proposals.set(scope)
    departments = sorted({p.lead_department_id for p in scope if p.lead_department_id})
    reminders_plan_for_round_open(round_, departments, now=now)
    return round_


def _lock(round_: UpdateRound) -> UpdateRound:
    return UpdateRound.objects.select_for_update().get(pk=round_.pk)


def snapshot_build(round_: UpdateRound, *, now: datetime.datetime) -> dict:
    """Return the as-of figures of every proposal in scope, as plain JSON."""
    current = current_submissions(round_)
    proposals = round_.proposals.select_related("lead_department", "pillar").order_by(
        "management_no"
    )
    rows = []
    for p in proposals:
        s = current.get(p.pk)
        rows.append(
            {
                "id": p.pk,
                "management_no": p.management_no,
                "title": p.title,
                "pillar": str(p.pillar) if p.pillar_id else "",
                "department": p.lead_department.name if p.lead_department_id else "",
                "status": p.status,
                "status_label": str(p.get_status_display()),
                "confidence": p.confidence,
                "confidence_label": str(p.get_confidence_display() or ""),
                "progress": p.progress,
                "last_update_at": p.last_update_at.isoformat() if p.last_update_at else None,
                "submission": proposal_state(s),
                "unchanged": bool(s and s.unchanged),
                "what_changed": s.what_changed if s else "",
                "issues": s.issues if s else "",
                "next_step": s.next_step if s else "",
                "pending_status": s.status if s and s.is_pending else None,
            }
        )
    return {
        "round": round_.name,
        "as_of": round_.as_of.isoformat(),
        "due_date": round_.due_date.isoformat(),
        "taken_at": now.isoformat(),
        "proposals": rows,
    }


@transaction.atomic
def round_snapshot(*, round_: UpdateRound, user: User, now=None) -> UpdateRound:
    """Freeze the round's figures now (planning, on demand while the round is open)."""
    locked = _lock(round_)
    if not locked.is_open:
        raise ValidationError(_("마감된 점검 회차의 기준 현황은 바꿀 수 없습니다."))
    now = now or timezone.now()
    locked.snapshot = snapshot_build(locked, now=now)
    locked.snapshot_at = now
    locked.version += 1
    locked.save(update_fields=["snapshot", "snapshot_at", "version"])
    return locked


@transaction.atomic
def round_close(*, round_: UpdateRound, user: User, now=None) -> UpdateRound:
    """Close the round: no more submissions, reminders cancelled, figures frozen for good."""
    locked = _lock(round_)
    if not locked.is_open:
        raise ValidationError(_("이미 마감된 점검 회차입니다."))
    now = now or timezone.now()
    locked.snapshot = snapshot_build(locked, now=now)
    locked.snapshot_at = now
    locked.state = RoundState.CLOSED
    locked.closed_at = now
    locked.version += 1
    locked.full_clean()
    locked.save(update_fields=["snapshot", "snapshot_at", "state", "closed_at", "version"])
    reminders_cancel_for_round(locked)
    return locked
