"""Writes for meetings and follow-ups; import from here (`from reviews.services import ...`)."""

from .actions import (
    action_cancel,
    action_complete,
    action_create,
    action_request_due_change,
    due_change_decide,
)
from .meetings import (
    meeting_amend,
    meeting_close,
    meeting_create,
    meeting_ensure_open,
    meeting_plan,
    meeting_update,
    review_add,
    review_record,
)
from .reminder_delivery import reminder_deliver, reminders_claim_due, reminders_deliver
from .reminders import (
    reminders_cancel_for_action,
    reminders_plan_for_meeting_close,
    reminders_plan_weekly_digest,
    reminders_replan_for_action,
    reminders_replan_for_actions,
)

__all__ = [
    "action_cancel",
    "action_complete",
    "action_create",
    "action_request_due_change",
    "due_change_decide",
    "meeting_amend",
    "meeting_close",
    "meeting_create",
    "meeting_ensure_open",
    "meeting_plan",
    "meeting_update",
    "reminder_deliver",
    "reminders_cancel_for_action",
    "reminders_claim_due",
    "reminders_deliver",
    "reminders_plan_for_meeting_close",
    "reminders_plan_weekly_digest",
    "reminders_replan_for_action",
    "reminders_replan_for_actions",
    "review_add",
    "review_record",
]
