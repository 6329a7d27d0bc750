"""The round's messages, through the reviews reminder engine (planned rows, unique keys).

Planned in the transaction that opens the round: one opening notice per lead department, a
reminder ROUND_REMINDER_BEFORE_DAYS before the due date, overdue reminders every
ROUND_REMINDER_OVERDUE_EVERY_DAYS after it, and one escalation to the chair
ROUND_REMINDER_ESCALATE_AFTER_DAYS after it. A row that falls due when the department has
nothing left (or the round is closed) is cancelled by `still_wanted` instead of sent.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from projects.models import Department
from reviews.models import Reminder, ReminderKind, ReminderState
from reviews.services.reminder_messages import PREFIX, Message, department_audience
from reviews.services.reminder_rules import Rules, send_at, working_day_on_or_after
from reviews.services.reminders import chair_recipients

from ..models import RoundState, RoundSubmission, SubmissionState, UpdateRound
from ..selectors import outstanding_proposals, overdue_department_ids

CHASING_KINDS = (
    ReminderKind.ROUND_BEFORE_DUE,
    ReminderKind.ROUND_OVERDUE,
    ReminderKind.ROUND_NUDGE,
)
ROUND_KINDS = (
    ReminderKind.ROUND_OPENED,
    *CHASING_KINDS,
    ReminderKind.ROUND_ESCALATION,
    ReminderKind.ROUND_DECIDED,
)


def _row(kind, key, round_: UpdateRound, due_at, **extra) -> Reminder:
    payload = {"round": round_.pk, **extra.pop("payload", {})}
    return Reminder(
        kind=kind, key=key, due_at=due_at, payload=payload, planned_for_due=round_.due_date, **extra
    )


def round_reminder_rows(
    round_: UpdateRound, department_ids: list[int], *, now: datetime.datetime
) -> list[Reminder]:
    """Return the rows a round plans when it opens (not saved)."""
    rules = Rules.from_settings()
    today = timezone.localdate(now)
    due = round_.due_date
    rows = []
    before = working_day_on_or_after(
        due - datetime.timedelta(days=settings.ROUND_REMINDER_BEFORE_DAYS), rules
    )
    every = max(1, settings.ROUND_REMINDER_OVERDUE_EVERY_DAYS)
    escalate_after = max(1, settings.ROUND_REMINDER_ESCALATE_AFTER_DAYS)
    overdue_days = sorted(
        {
            working_day_on_or_after(due + datetime.timedelta(days=d), rules)
            for d in range(1, escalate_after, every)
        }
    )
    for dept in department_ids:
        base = f"r{round_.pk}:d{dept}"
        rows.append(
            _row(
                ReminderKind.ROUND_OPENED,
                f"round_opened:{base}",
                round_,
                now,
                recipient_department_id=dept,
            )
        )
        if today < before <= due and settings.ROUND_REMINDER_BEFORE_DAYS > 0:
            rows.append(
                _row(
                    ReminderKind.ROUND_BEFORE_DUE,
                    f"round_before_due:{base}:{due.isoformat()}",
                    round_,
                    send_at(before, rules),
                    recipient_department_id=dept,
                )
            )
        for n, day in enumerate(overdue_days, start=1):
            if day >= today:
                rows.append(
                    _row(
                        ReminderKind.ROUND_OVERDUE,
                        f"round_overdue:{base}:{due.isoformat()}:{n}",
                        round_,
                        send_at(day, rules),
                        recipient_department_id=dept,
                    )
                )
    escalation_day = working_day_on_or_after(due + datetime.timedelta(days=escalate_after), rules)
    for chair in chair_recipients(round_.meeting):
        rows.append(
            _row(
                ReminderKind.ROUND_ESCALATION,
                f"round_escalation:r{round_.pk}:u{chair.pk}:{due.isoformat()}",
                round_,
                send_at(max(escalation_day, today), rules),
                recipient=chair,
            )
        )
    return rows


def reminders_plan_for_round_open(
    round_: UpdateRound, department_ids: list[int], *, now: datetime.datetime | None = None
) -> int:
    """Plan the round's rows (call inside the transaction that opens it); return the count."""
    rows = round_reminder_rows(round_, department_ids, now=now or timezone.now())
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def reminders_cancel_for_round(round_: UpdateRound) -> int:
    """Cancel the round's pending chasing rows and escalations (the round is closed)."""
    return Reminder.objects.filter(
        payload__round=round_.pk,
        kind__in=[*CHASING_KINDS, ReminderKind.ROUND_ESCALATION, ReminderKind.ROUND_OPENED],
        state=ReminderState.PENDING,
    ).update(state=ReminderState.CANCELLED)


def round_nudge_department(
    *, round_: UpdateRound, department: Department, user: User, now=None
) -> Reminder:
    """Plan a reminder to one department now (planning's one click); at most one a day."""
    now = now or timezone.now()
    if not round_.is_open:
        raise ValidationError(_("마감된 점검 회차입니다. 독촉 알림을 보낼 수 없습니다."))
    if not outstanding_proposals(round_, department.pk):
        raise ValidationError(_("이 부서는 제출할 사업이 남아 있지 않습니다."))
    key = f"round_nudge:r{round_.pk}:d{department.pk}:{timezone.localdate(now).isoformat()}"
    row = _row(
        ReminderKind.ROUND_NUDGE,
        key,
        round_,
        now,
        recipient_department=department,
        payload={"by": user.pk},
    )
    already = _("이 부서에는 오늘 이미 독촉 알림을 보냈습니다.")
    if Reminder.objects.filter(key=key).exists():
        raise ValidationError(already)
    Reminder.objects.bulk_create([row], ignore_conflicts=True)
    return Reminder.objects.get(key=key)


def reminders_plan_decision(submission: RoundSubmission, *, now=None) -> None:
    """Plan the notice to the department that planning confirmed or returned a submission."""
    dept = submission.proposal.lead_department_id
    if dept is None:
        return
    Reminder.objects.bulk_create(
        [
            _row(
                ReminderKind.ROUND_DECIDED,
                f"round_decided:s{submission.pk}:{submission.state}",
                submission.round,
                now or timezone.now(),
                recipient_department_id=dept,
                payload={"submission": submission.pk},
            )
        ],
        ignore_conflicts=True,
    )


# --- Delivery handlers (registered in the reviews engine by rounds.hooks) -------------------


def _round(reminder: Reminder) -> UpdateRound | None:
    return UpdateRound.objects.filter(pk=reminder.payload.get("round")).first()


def still_wanted(reminder: Reminder) -> bool:
    """Open round, and (for chasing rows) the department still owes an answer."""
    if reminder.kind == ReminderKind.ROUND_DECIDED:
        return True
    round_ = _round(reminder)
    if round_ is None or round_.state != RoundState.OPEN:
        return False
    if reminder.kind == ReminderKind.ROUND_ESCALATION:
        return bool(overdue_department_ids(round_))
    if reminder.kind in CHASING_KINDS:
        return bool(outstanding_proposals(round_, reminder.recipient_department_id))
    return True


def _lines(proposals) -> list[str]:
    return [f"- [{p.management_no}] {p.title}" for p in proposals] or [_("(없음)")]


def compose(reminder: Reminder, now: datetime.datetime) -> Message:
    round_ = _round(reminder)
    if reminder.kind == ReminderKind.ROUND_DECIDED:
        return _decided(reminder, round_)
    url = reverse("rounds:round_detail", args=[round_.pk])
    due = round_.due_date.isoformat()
    if reminder.kind == ReminderKind.ROUND_ESCALATION:
        ids = overdue_department_ids(round_)
        names = Department.objects.filter(pk__in=ids).order_by("name")
        subject = _("%(round)s 미제출 부서 %(n)s곳 (기한 %(due)s)") % {
            "round": round_.name,
            "n": len(ids),
            "due": due,
        }
        lines = [subject, "", *[f"- {d.name}" for d in names]]
        return _message(subject, lines, url, [reminder.recipient], reminder)
    department = reminder.recipient_department
    left = outstanding_proposals(round_, department.pk)
    subjects = {
        ReminderKind.ROUND_OPENED: _("%(round)s: 사업 %(n)s건의 현황을 %(due)s까지 제출하세요"),
        ReminderKind.ROUND_BEFORE_DUE: _("%(round)s 제출 기한(%(due)s)이 다가옵니다: %(n)s건 남음"),
        ReminderKind.ROUND_OVERDUE: _("%(round)s 제출 기한(%(due)s)이 지났습니다: %(n)s건 남음"),
        ReminderKind.ROUND_NUDGE: _("%(round)s 제출 요청: %(n)s건 남음 (기한 %(due)s)"),
    }
    subject = subjects[reminder.kind] % {"round": round_.name, "n": len(left), "due": due}
    lines = [
        subject,
        "",
        _("부서: %(dept)s") % {"dept": department.name},
        _("기준일: %(date)s") % {"date": round_.as_of.isoformat()},
        "",
        _("제출할 사업:"),
        *_lines(left),
        "",
        _("변동이 없으면 '변동 없음'으로 제출하세요."),
    ]
    users, emails = department_audience(department)
    return Message(PREFIX + subject, _body(lines, url), url, users, emails)


def _decided(reminder: Reminder, round_: UpdateRound) -> Message:
    submission = RoundSubmission.objects.select_related("proposal").get(
        pk=reminder.payload["submission"]
    )
    proposal = submission.proposal
    if reminder.key.endswith(SubmissionState.RETURNED):
        subject = _("점검 제출이 반려되었습니다: %(p)s") % {"p": proposal.title}
        lines = [
            subject,
            "",
            _("반려 사유: %(c)s") % {"c": submission.return_comment},
            _("내용을 고쳐 다시 제출하세요."),
        ]
        url = reverse("rounds:submit", args=[round_.pk, proposal.pk])
    else:
        subject = _("점검 제출이 확인되었습니다: %(p)s") % {"p": proposal.title}
        lines = [subject, "", _("점검 회차: %(r)s") % {"r": round_.name}]
        url = proposal.get_absolute_url()
    users, emails = department_audience(proposal.lead_department)
    return Message(PREFIX + subject, _body(lines, url), url, users, emails)


def _body(lines: list[str], url: str) -> str:
    return "\n".join(lines) + f"\n\n{settings.SITE_URL.rstrip('/')}{url}\n"


def _message(subject, lines, url, users, reminder) -> Message:
    users = [u for u in users if u is not None and u.is_active]
    emails = [u.email for u in users if u.email]
    return Message(PREFIX + subject, _body(lines, url), url, users, emails)
