"""Pure planning rules: what is due when, on working days in Asia/Seoul (no database)."""

import datetime

from reviews.models import ReminderKind
from reviews.services.reminder_rules import (
    Rules,
    action_slots,
    digest_week_key,
    is_working_day,
    overdue_slot,
    send_at,
    working_day_on_or_after,
)

D = datetime.date
RULES = Rules(before_days=7, overdue_every=3, escalate_after=7)


def _by_kind(slots):
    return {s.kind: s.send_on for s in slots}


def test_plan_for_an_ordinary_due_date():
    """7 days before, 1 day before, first overdue the day after, escalation 7 days after."""
    slots = action_slots(D(2026, 7, 1), today=D(2026, 6, 20), rules=RULES)
    assert _by_kind(slots) == {
        ReminderKind.BEFORE_DUE: D(2026, 6, 24),
        ReminderKind.DUE_TOMORROW: D(2026, 6, 30),
        ReminderKind.OVERDUE: D(2026, 7, 2),
        ReminderKind.ESCALATION: D(2026, 7, 8),
    }
    assert [s.to_chair for s in slots] == [False, False, False, True]


def test_weekend_reminder_moves_to_monday():
    """Due Monday 6 July: the 'tomorrow' reminder would fall on Sunday and moves to Monday."""
    slots = action_slots(D(2026, 7, 6), today=D(2026, 6, 1), rules=RULES)
    assert _by_kind(slots)[ReminderKind.DUE_TOMORROW] == D(2026, 7, 6)


def test_before_reminder_pushed_past_the_due_date_is_dropped():
    """Due on a Sunday: Saturday's reminder would move to Monday, after the due date."""
    slots = action_slots(D(2026, 7, 5), today=D(2026, 6, 1), rules=RULES)
    assert ReminderKind.DUE_TOMORROW not in _by_kind(slots)
    assert _by_kind(slots)[ReminderKind.BEFORE_DUE] == D(2026, 6, 29)


def test_chuseok_holidays_are_skipped():
    """The first overdue day (Thu 24 Sep 2026, Chuseok eve) moves past Chuseok to Monday 28."""
    assert not is_working_day(D(2026, 9, 24), RULES)
    assert not is_working_day(D(2026, 9, 25), RULES)
    slots = action_slots(D(2026, 9, 23), today=D(2026, 9, 1), rules=RULES)
    assert _by_kind(slots)[ReminderKind.OVERDUE] == D(2026, 9, 28)


def test_skipping_can_be_switched_off():
    rules = Rules(skip_non_working=False)
    assert working_day_on_or_after(D(2026, 9, 26), rules) == D(2026, 9, 26)
    assert working_day_on_or_after(D(2026, 9, 26), RULES) == D(2026, 9, 28)


def test_past_slots_are_not_planned():
    """Planned late (on 29 June), the 7-days-before reminder is not sent any more."""
    slots = action_slots(D(2026, 7, 1), today=D(2026, 6, 29), rules=RULES)
    assert ReminderKind.BEFORE_DUE not in _by_kind(slots)
    assert _by_kind(slots)[ReminderKind.DUE_TOMORROW] == D(2026, 6, 30)


def test_overdue_every_m_days_uses_the_next_slot():
    """Due 1 July: overdue on 2, 5 (Sunday → Monday 6), 8 July; on 6 July the next is n=2."""
    n, slot = overdue_slot(D(2026, 7, 1), on_or_after=D(2026, 7, 6), rules=RULES)
    assert (n, slot.send_on, slot.suffix) == (2, D(2026, 7, 6), "2026-07-01:2")
    n, slot = overdue_slot(D(2026, 7, 1), on_or_after=D(2026, 7, 7), rules=RULES)
    assert (n, slot.send_on) == (3, D(2026, 7, 8))


def test_escalation_past_due_is_due_today():
    """An action still open long after its escalation day escalates today, not never."""
    slots = action_slots(D(2026, 6, 1), today=D(2026, 7, 1), rules=RULES)
    assert _by_kind(slots)[ReminderKind.ESCALATION] == D(2026, 7, 1)
    assert ReminderKind.BEFORE_DUE not in _by_kind(slots)


def test_configurable_numbers():
    rules = Rules(before_days=14, overdue_every=5, escalate_after=10)
    slots = action_slots(D(2026, 7, 1), today=D(2026, 6, 1), rules=rules)
    assert _by_kind(slots) == {
        ReminderKind.BEFORE_DUE: D(2026, 6, 17),
        ReminderKind.DUE_TOMORROW: D(2026, 6, 30),
        ReminderKind.OVERDUE: D(2026, 7, 2),
        ReminderKind.ESCALATION: D(2026, 7, 13),
    }


def test_no_due_date_no_reminders():
    assert action_slots(None, today=D(2026, 6, 1), rules=RULES) == []


def test_send_time_is_nine_in_seoul():
    at = send_at(D(2026, 7, 1), RULES)
    assert at.isoformat() == "2026-07-01T09:00:00+09:00"
    assert at.astimezone(datetime.UTC).hour == 0


def test_digest_week_key():
    assert digest_week_key(D(2026, 1, 1)) == "2026-W01"
    assert digest_week_key(D(2027, 1, 1)) == "2026-W53"
