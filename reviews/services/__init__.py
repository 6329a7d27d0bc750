"""Writes for meetings and follow-ups; import from here (`from reviews.services import ...`)."""

from .actions import (
    action_complete,
    action_create,
    action_request_due_change,
    due_change_decide,
)
from .meetings import ensure_meeting_open, meeting_close, meeting_create, review_add

__all__ = [
    "action_complete",
    "action_create",
    "action_request_due_change",
    "due_change_decide",
    "ensure_meeting_open",
    "meeting_close",
    "meeting_create",
    "review_add",
]
