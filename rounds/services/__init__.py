"""Writes of the rounds; import from here (`from rounds.services import ...`)."""

from .reminders import reminders_plan_for_round_open, round_nudge_department
from .rounds import round_close, round_open, round_snapshot
from .submissions import (
    needs_confirmation,
    round_confirm,
    round_return,
    round_submit,
    round_submit_unchanged,
)

__all__ = [
    "needs_confirmation",
    "reminders_plan_for_round_open",
    "round_close",
    "round_confirm",
    "round_nudge_department",
    "round_open",
    "round_return",
    "round_snapshot",
    "round_submit",
    "round_submit_unchanged",
]
