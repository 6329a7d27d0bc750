"""The words of each reminder: subject, body, link and who receives it (read at send time)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.text import one_line
from projects.models import Department

from ..models import ActionState, FollowUpAction, FollowUpActionQuerySet, Reminder, ReminderKind

PREFIX = "[광양시 신성장 사업] "


@dataclass
class Message:
    subject: str
    body: str
    url: str
    users: list[User] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)

    def html(self) -> str:
        """Return the e-mail's HTML part: the same words, lists as lists, a link button.

        Built from the plain text body, so the two parts cannot say different things; every
        value is escaped by the template.
        """
        text = self.body.rstrip()
        link = _absolute(self.url)
        text = text.removesuffix(link).rstrip()  # the plain body ends with the address
        paragraphs: list[dict] = []  # runs of "- " lines become lists, other runs paragraphs
        for line in text.splitlines():
            kind, value = ("bullets", line[2:]) if line.startswith("- ") else ("lines", line)
            if not value.strip():
                paragraphs.append({})  # a blank line ends the current run
            elif paragraphs and kind in paragraphs[-1]:
                paragraphs[-1][kind].append(value)
            else:
                paragraphs.append({kind: [value]})
        paragraphs = [p for p in paragraphs if p]
        context = {"subject": self.subject, "paragraphs": paragraphs, "link": link}
        return render_to_string("reviews/email/reminder.html", context)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _department_audience(department: Department) -> tuple[list[User], list[str]]:
    users = list(
        User.objects.filter(is_active=True)
        .filter(
            Q(department=department, role=Role.DEPARTMENT_HEAD) | Q(headed_departments=department)
        )
        .distinct()
        .order_by("pk")
    )
    emails = [department.email] + [u.email for u in users]
    return users, list(dict.fromkeys(e for e in emails if e))


def _action_line(action: FollowUpAction) -> str:
    due = action.due_date.isoformat() if action.due_date else _("기한 미정")
    owner = action.owner_department.name if action.owner_department_id else _("담당 미지정")
    return f"- [{action.get_kind_display()}] {action.description} ({owner}, {_('기한')} {due})"


def _action_text(reminder: Reminder, today: datetime.date) -> tuple[str, str]:
    action = reminder.action
    days = (action.due_date - today).days
    if reminder.kind == ReminderKind.BEFORE_DUE:
        subject = _("후속조치 기한이 %(days)s일 남았습니다") % {"days": days}
    elif reminder.kind == ReminderKind.DUE_TOMORROW:
        subject = _("후속조치 기한이 내일입니다") if days >= 1 else _("후속조치 기한이 오늘입니다")
    elif reminder.kind == ReminderKind.OVERDUE:
        subject = _("후속조치 기한이 %(days)s일 지났습니다") % {"days": -days}
    else:
        subject = _("장기 지연 후속조치 보고: %(days)s일 경과") % {"days": -days}
    lines = [
        subject,
        "",
        _action_line(action),
        _("보고회: %(meeting)s") % {"meeting": action.meeting},
    ]
    if action.proposal_id:
        lines.append(_("사업: %(proposal)s") % {"proposal": action.proposal})
    lines += ["", _("완료했거나 기한 조정이 필요하면 아래 주소에서 처리하세요.")]
    return subject, "\n".join(lines)


def _close_text(reminder: Reminder) -> tuple[str, str]:
    meeting = reminder.meeting
    actions = meeting.actions.open().select_related("owner_department")
    if reminder.kind == ReminderKind.CLOSE_SUMMARY:
        actions = actions.filter(owner_department=reminder.recipient_department)
        subject = _("%(meeting)s 후속조치 %(n)s건(%(dept)s)") % {
            "meeting": meeting.title,
            "n": actions.count(),
            "dept": reminder.recipient_department,
        }
    else:
        subject = _("%(meeting)s 종료 요약: 후속조치 %(n)s건") % {
            "meeting": meeting.title,
            "n": actions.count(),
        }
    lines = [
        subject,
        "",
        _("개최일: %(date)s") % {"date": meeting.held_on.isoformat()},
        _("검토 사업: %(n)s건") % {"n": meeting.reviews.count()},
        "",
        _("후속조치:"),
    ]
    lines += [_action_line(a) for a in actions] or [_("(없음)")]
    return subject, "\n".join(lines)


def _digest_text(today: datetime.date) -> tuple[str, str]:
    week_ago = timezone.now() - datetime.timedelta(days=7)
    rows = (
        Department.objects.annotate(
            done=Count(
                "actions",
                filter=Q(actions__state=ActionState.DONE, actions__completed_at__gte=week_ago),
            ),
            overdue=Count(
                "actions",
                filter=FollowUpActionQuerySet.overdue_q(today, prefix="actions__"),
            ),
        )
        .filter(Q(done__gt=0) | Q(overdue__gt=0))
        .order_by("-overdue", "name")
    )
    subject = _("주간 후속조치 요약 (%(date)s)") % {"date": today.isoformat()}
    lines = [subject, "", _("부서별 지난 7일 완료 / 기한 경과(진행 중)")]
    lines += [
        _("- %(dept)s: 완료 %(done)s건, 기한 경과 %(overdue)s건")
        % {"dept": d.name, "done": d.done, "overdue": d.overdue}
        for d in rows
    ] or [_("(완료·지연 건이 없습니다.)")]
    overdue = FollowUpAction.objects.overdue(today).select_related("owner_department")[:50]
    if overdue:
        lines += ["", _("기한 경과 후속조치(최대 50건):")]
        lines += [_action_line(a) for a in overdue]
    return subject, "\n".join(lines)


def compose(reminder: Reminder, *, now: datetime.datetime) -> Message:
    """Return the message of `reminder`, addressed to its current recipients."""
    today = timezone.localdate(now)
    if reminder.action_id:
        subject, body = _action_text(reminder, today)
        url = reminder.action.get_absolute_url()
    elif reminder.kind == ReminderKind.WEEKLY_DIGEST:
        subject, body = _digest_text(today)
        url = reverse("reviews:meeting_list")
    else:
        subject, body = _close_text(reminder)
        url = reminder.meeting.get_absolute_url()
    body = f"{body}\n\n{_absolute(url)}\n"
    if reminder.recipient_id:
        user = reminder.recipient
        users = [user] if user.is_active else []
        emails = [user.email] if user.is_active and user.email else []
    else:
        users, emails = _department_audience(reminder.recipient_department)
    # Titles typed before control characters were refused may hold a line break: a subject
    # must be one line or the e-mail cannot be sent at all (BadHeaderError).
    return Message(one_line(PREFIX + subject), body, url, users, emails)
