"""Models of the reviews app, split by sub-domain (NetBox style); import them from here."""

from ..records import CalendarFeedToken, MeetingAmendment
from .actions import (
    ActionKind,
    ActionState,
    DueDateChangeRequest,
    DueDateChangeState,
    FollowUpAction,
    FollowUpActionQuerySet,
)
from .delivery import Notification, Reminder, ReminderKind, ReminderState
from .meetings import VERDICTS, Feasibility, MeetingState, ProposalReview, ReviewMeeting

__all__ = [
    "VERDICTS",
    "ActionKind",
    "ActionState",
    "CalendarFeedToken",
    "DueDateChangeRequest",
    "DueDateChangeState",
    "Feasibility",
    "FollowUpAction",
    "FollowUpActionQuerySet",
    "MeetingAmendment",
    "MeetingState",
    "Notification",
    "ProposalReview",
    "Reminder",
    "ReminderKind",
    "ReminderState",
    "ReviewMeeting",
]
