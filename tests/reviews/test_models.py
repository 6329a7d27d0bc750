"""Model rules of meetings, follow-up actions and reminders, on PostgreSQL."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from reviews.models import (
    ActionState,
    FollowUpAction,
    FollowUpActionQuerySet,
    MeetingState,
    Reminder,
    ReminderKind,
)
from reviews.services import action_complete, action_create, meeting_close, review_add
from tests.factories import ActionFactory, MeetingFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def test_action_due_before_its_meeting_is_refused_and_not_written(head):
    meeting = MeetingFactory(held_on=datetime.date(2023, 7, 24))
    with pytest.raises(ValidationError) as excinfo:
        action_create(
            meeting=meeting,
            kind="expert_forum",
            description="토론회",
            owner_department=head.department,
            due_date=datetime.date(2023, 7, 1),
        )
    assert excinfo.value.message_dict["due_date"] == ["기한은 보고회 개최일보다 빠를 수 없습니다."]
    assert not FollowUpAction.objects.exists()


def test_a_proposal_is_on_a_meetings_agenda_once():
    meeting = MeetingFactory()
    proposal = ProposalFactory(portfolio=meeting.portfolio)
    review_add(meeting=meeting, proposal=proposal)
    with pytest.raises(ValidationError) as excinfo:
        review_add(meeting=meeting, proposal=proposal)
    assert "이미 안건으로 올라간 사업" in str(excinfo.value)


def test_closed_meeting_is_read_only(head):
    meeting = MeetingFactory(state=MeetingState.HELD)
    closed = meeting_close(meeting=meeting, user=head)
    assert closed.state == MeetingState.CLOSED and closed.closed_at is not None
    with pytest.raises(ValidationError):
        action_create(meeting=closed, kind="other", description="늦은 조치")
    with pytest.raises(ValidationError):
        meeting_close(meeting=closed, user=head)
    assert not FollowUpAction.objects.exists()


def test_completing_an_action_needs_a_note_and_records_who(head):
    action = ActionFactory(owner_department=head.department)
    with pytest.raises(ValidationError):
        action_complete(action=action, user=head, note="  ")
    done = action_complete(action=action, user=head, note="토론회 개최 완료")
    assert done.state == ActionState.DONE and done.completed_at is not None
    assert done.history.first().history_user == head
    with pytest.raises(ValidationError):
        action_complete(action=done, user=head, note="두 번")


def test_database_refuses_done_action_without_completion_time():
    action = ActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpAction.objects.filter(pk=action.pk).update(
            state=ActionState.DONE, completion_note="x"
        )


def test_duplicate_reminder_is_impossible(head):
    action = ActionFactory(owner_department=head.department)
    fields = dict(
        kind=ReminderKind.BEFORE_DUE,
        action=action,
        recipient=head,
        due_at=timezone.now(),
        key=f"before_due:{action.pk}:{head.pk}:2023-08-01",
    )
    Reminder.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**fields)
    assert Reminder.objects.count() == 1


def test_reminder_needs_a_recipient():
    action = ActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            kind=ReminderKind.OVERDUE, action=action, due_at=timezone.now(), key="k"
        )


def test_open_and_overdue_have_one_rule_for_queries_and_rows(head):
    """Open: neither done nor cancelled; overdue: open with a due date before today. The
    queryset methods, the conditional-count expressions and the row's property agree."""
    today = timezone.localdate()
    meeting = MeetingFactory(held_on=today - datetime.timedelta(days=30))
    past, future = today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)
    late = ActionFactory(meeting=meeting, due_date=past)
    ActionFactory(meeting=meeting, due_date=future)
    ActionFactory(meeting=meeting, due_date=None)
    ActionFactory(meeting=meeting, due_date=past, state=ActionState.CANCELLED)
    ActionFactory(
        meeting=meeting,
        due_date=past,
        state=ActionState.DONE,
        completion_note="끝",
        completed_at=timezone.now(),
    )
    actions = FollowUpAction.objects.all()
    assert actions.open().count() == 3
    assert list(actions.overdue(today)) == [late]
    assert [a for a in actions if a.is_overdue] == [late]
    counts = actions.aggregate(
        open=Count("pk", filter=FollowUpActionQuerySet.open_q()),
        overdue=Count("pk", filter=FollowUpActionQuerySet.overdue_q(today)),
    )
    assert counts == {"open": 3, "overdue": 1}
    assert list(meeting.actions.overdue(today)) == [late]  # the related manager has them too
