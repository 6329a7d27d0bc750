"""Pure planning rules of follow-up reminders: which reminder is due on which day.

No database access here, so the rules are unit-tested with a frozen clock. Dates are
Asia/Seoul calendar dates; `send_at` turns a date into the aware send time.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

from ..models import ReminderKind

SEOUL = ZoneInfo("Asia/Seoul")


@dataclass(frozen=True)
class Rules:
    """The configurable numbers of the reminder plan (settings REMINDER_*)."""

    before_days: int = 7
    overdue_every: int = 3
    escalate_after: int = 7
    skip_non_working: bool = True
    country: str = "KR"
    send_hour: int = 9

    @classmethod
    def from_settings(cls) -> Rules:
        return cls(
            before_days=settings.REMINDER_BEFORE_DAYS,
            overdue_every=max(1, settings.REMINDER_OVERDUE_EVERY_DAYS),
            escalate_after=settings.REMINDER_ESCALATE_AFTER_DAYS,
            skip_non_working=settings.REMINDER_SKIP_NON_WORKING_DAYS,
            country=settings.REMINDER_HOLIDAY_COUNTRY,
            send_hour=settings.REMINDER_SEND_HOUR,
        )


@dataclass(frozen=True)
class Slot:
    """One planned reminder of an action: its kind, its key suffix and its send date."""

    kind: str
    suffix: str
    send_on: datetime.date
    to_chair: bool = False


@functools.lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def is_working_day(day: datetime.date, rules: Rules) -> bool:
    """Return False for Saturdays, Sundays and the country's public holidays."""
    return day.weekday() < 5 and day not in _holidays(rules.country, day.year)


def working_day_on_or_after(day: datetime.date, rules: Rules) -> datetime.date:
    """Return `day`, or the next working day if `day` is a weekend or holiday (when enabled)."""
    if not rules.skip_non_working:
        return day
    while not is_working_day(day, rules):
        day += datetime.timedelta(days=1)
    return day


def send_at(day: datetime.date, rules: Rules) -> datetime.datetime:
    """Return the aware send time of a reminder planned for `day` (Asia/Seoul)."""
    return datetime.datetime.combine(day, datetime.time(rules.send_hour), tzinfo=SEOUL)


def overdue_slot(
    due: datetime.date, *, on_or_after: datetime.date, rules: Rules
) -> tuple[int, Slot]:
    """Return the first overdue reminder (number n ≥ 1) sent on or after `on_or_after`.

    The n-th overdue reminder is nominally due + 1 + (n-1)·M days, moved to a working day.
    """
    every = max(1, rules.overdue_every)
    first = due + datetime.timedelta(days=1)
    n = 1
    if on_or_after > first:
        n = 1 + (on_or_after - first).days // every
    while True:
        nominal = first + datetime.timedelta(days=(n - 1) * every)
        day = working_day_on_or_after(nominal, rules)
        if day >= on_or_after:
            return n, Slot(ReminderKind.OVERDUE, f"{due.isoformat()}:{n}", day)
        n += 1


def action_slots(due: datetime.date | None, *, today: datetime.date, rules: Rules) -> list[Slot]:
    """Return the reminders to plan now for an open action due on `due`.

    - N days before (if N > 1) and 1 day before the due date; a slot moved past the due date
      by the working-day rule is dropped, and two that land on the same day collapse into the
      later one.
    - The next overdue reminder (every M days from the day after the due date); each one sent
      plans the following one.
    - One escalation to the chair K days after the due date; if that day has passed while the
      action is still open, it is due today.
    Slots whose day has passed are not planned (a late plan never sends stale reminders).
    """
    if due is None:
        return []
    slots: list[Slot] = []
    before: list[Slot] = []
    if rules.before_days > 1:
        day = working_day_on_or_after(due - datetime.timedelta(days=rules.before_days), rules)
        before.append(Slot(ReminderKind.BEFORE_DUE, f"{due.isoformat()}", day))
    day = working_day_on_or_after(due - datetime.timedelta(days=1), rules)
    before.append(Slot(ReminderKind.DUE_TOMORROW, f"{due.isoformat()}", day))
    before = [s for s in before if today <= s.send_on <= due]
    if len(before) == 2 and before[0].send_on == before[1].send_on:
        before = before[1:]
    slots.extend(before)
    _n, next_overdue = overdue_slot(due, on_or_after=max(today, due), rules=rules)
    slots.append(next_overdue)
    escalation_day = working_day_on_or_after(
        due + datetime.timedelta(days=max(1, rules.escalate_after)), rules
    )
    slots.append(
        Slot(ReminderKind.ESCALATION, f"{due.isoformat()}", max(escalation_day, today), True)
    )
    return slots


def digest_week_key(day: datetime.date) -> str:
    """Return the ISO week label of `day` (e.g. '2026-W09'), one digest per chair per week."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"
