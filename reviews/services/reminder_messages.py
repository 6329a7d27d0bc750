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
from .reminder_kinds import handler_for

PREFIX = "[광양시 신성장 사업] "


@dataclass
class Message:
    subject: str
    body: str
    url: str
    users: list[User] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)

    def app_title(self) -> str:
        """The in-app title: the subject without the e-mail's "[광양시 신성장 사업]" prefix."""
        return self.subject.removeprefix(PREFIX).strip()

    def app_body(self) -> str:
        """The in-app body: the e-mail's words without the bare address at the end (the
        notification links to it)."""
        return self.body.rstrip().removesuffix(_absolute(self.url)).rstrip()

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


def department_audience(department: Department) -> tuple[list[User], list[str]]:
    """Return the active heads of `department` and the addresses to write to (its own first)."""
    return department_audiences([department])[department.pk]


def department_audiences(
    departments: list[Department],
) -> dict[int, tuple[list[User], list[str]]]:
    """`department_audience` of several departments in one query, by department id."""
    departments = list({d.pk: d for d in departments}.values())
    if not departments:
        return {}
    heads = list(
        User.objects.filter(is_active=True)
        .filter(
            Q(department__in=[d.pk for d in departments], role=Role.DEPARTMENT_HEAD)
            | Q(pk__in=[d.head_id for d in departments if d.head_id])
        )
        .order_by("pk")
    )
    result = {}
    for department in departments:
        users = [
            u
            for u in heads
            if u.pk == department.head_id
            or (u.department_id == department.pk and u.role == Role.DEPARTMENT_HEAD)
        ]
        emails = [department.email] + [u.email for u in users]
        result[department.pk] = (users, list(dict.fromkeys(e for e in emails if e)))
    return result


@dataclass
class ComposeMemo:
    """What a batch of reminders shares, read once: the departments' audiences and each
    meeting's open follow-ups and review count (for the close summaries)."""

    audiences: dict = field(default_factory=dict)
    meetings: dict = field(default_factory=dict)

    def prime(self, reminders: list[Reminder]) -> None:
        departments = [r.recipient_department for r in reminders if r.recipient_department_id]
        self.audiences.update(
            department_audiences([d for d in departments if d.pk not in self.audiences])
        )

    def audience(self, department: Department) -> tuple[list[User], list[str]]:
        if department.pk not in self.audiences:
            self.audiences.update(department_audiences([department]))
        return self.audiences[department.pk]

    def meeting(self, meeting) -> tuple[list[FollowUpAction], int]:
        if meeting.pk not in self.meetings:
            actions = list(meeting.actions.open().select_related("owner_department"))
            self.meetings[meeting.pk] = (actions, meeting.reviews.count())
        return self.meetings[meeting.pk]


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


def _close_text(reminder: Reminder, memo: ComposeMemo) -> tuple[str, str]:
    meeting = reminder.meeting
    actions, reviews = memo.meeting(meeting)
    if reminder.kind == ReminderKind.CLOSE_SUMMARY:
        actions = [a for a in actions if a.owner_department_id == reminder.recipient_department_id]
        subject = _("%(meeting)s 후속조치 %(n)s건(%(dept)s)") % {
            "meeting": meeting.title,
            "n": len(actions),
            "dept": reminder.recipient_department,
        }
    else:
        subject = _("%(meeting)s 종료 요약: 후속조치 %(n)s건") % {
            "meeting": meeting.title,
            "n": len(actions),
        }
    lines = [
        subject,
        "",
        _("개최일: %(date)s") % {"date": meeting.held_on.isoformat()},
        _("검토 사업: %(n)s건") % {"n": reviews},
        "",
        _("후속조치:"),
    ]
    lines += [_action_line(a) for a in actions] or [_("(없음)")]
    return subject, "\n".join(lines)


def _digest_text(today: datetime.date) -> tuple[str, str]:
    """The weekly digest, one section per portfolio: its departments' follow-ups completed in
    the last 7 days and overdue now, then its overdue follow-ups (portfolios never mix)."""
    week_ago = timezone.now() - datetime.timedelta(days=7)
    rows = (
        FollowUpAction.objects.filter(owner_department__isnull=False)
        .values("meeting__portfolio_id", "meeting__portfolio__name", "owner_department__name")
        .annotate(
            done=Count("id", filter=Q(state=ActionState.DONE, completed_at__gte=week_ago)),
            overdue=Count("id", filter=FollowUpActionQuerySet.overdue_q(today)),
        )
        .filter(Q(done__gt=0) | Q(overdue__gt=0))
        .order_by("meeting__portfolio__name", "meeting__portfolio_id", "-overdue")
    )
    overdue = list(
        FollowUpAction.objects.overdue(today)
        .select_related("owner_department", "meeting__portfolio")
        .order_by("meeting__portfolio__name", "meeting__portfolio_id", "due_date", "id")[:50]
    )
    sections: dict[int, tuple[str, list, list]] = {}
    for row in rows:
        section = sections.setdefault(
            row["meeting__portfolio_id"], (row["meeting__portfolio__name"], [], [])
        )
        section[1].append(row)
    for action in overdue:
        portfolio = action.meeting.portfolio
        sections.setdefault(portfolio.pk, (portfolio.name, [], []))[2].append(action)
    subject = _("주간 후속조치 요약 (%(date)s)") % {"date": today.isoformat()}
    lines = [subject]
    if not sections:
        lines += ["", _("(완료·지연 건이 없습니다.)")]
    for name, departments, actions in sections.values():
        lines += ["", _("■ 사업군: %(name)s") % {"name": name}]
        lines += [_("부서별 지난 7일 완료 / 기한 경과(진행 중)")]
        lines += [
            _("- %(dept)s: 완료 %(done)s건, 기한 경과 %(overdue)s건")
            % {"dept": r["owner_department__name"], "done": r["done"], "overdue": r["overdue"]}
            for r in sorted(departments, key=lambda r: (-r["overdue"], r["owner_department__name"]))
        ] or [_("(완료·지연 건이 없습니다.)")]
        if actions:
            lines += ["", _("기한 경과 후속조치(최대 50건):")]
            lines += [_action_line(a) for a in actions]
    return subject, "\n".join(lines)


def compose(
    reminder: Reminder, *, now: datetime.datetime, memo: ComposeMemo | None = None
) -> Message:
    """Return the message of `reminder`, addressed to its current recipients; `memo` shares
    what a batch of reminders has in common."""
    memo = memo or ComposeMemo()
    handler = handler_for(reminder.kind)
    if handler is not None:
        return handler.compose(reminder, now)
    today = timezone.localdate(now)
    if reminder.action_id:
        subject, body = _action_text(reminder, today)
        url = reminder.action.get_absolute_url()
    elif reminder.kind == ReminderKind.WEEKLY_DIGEST:
        subject, body = _digest_text(today)
        url = reverse("reviews:meeting_list")
    else:
        subject, body = _close_text(reminder, memo)
        url = reminder.meeting.get_absolute_url()
    body = f"{body}\n\n{_absolute(url)}\n"
    if reminder.recipient_id:
        user = reminder.recipient
        users = [user] if user.is_active else []
        emails = [user.email] if user.is_active and user.email else []
    else:
        users, emails = memo.audience(reminder.recipient_department)
    # Titles typed before control characters were refused may hold a line break: a subject
    # must be one line or the e-mail cannot be sent at all (BadHeaderError).
    return Message(one_line(PREFIX + subject), body, url, users, emails)
