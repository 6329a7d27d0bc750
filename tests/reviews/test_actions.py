"""Follow-up actions: done with a note, due-date change requests and decisions. The department
head's home page, "내 부서", is tested in tests/dashboard/test_my_department.py."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reviews.models import ActionState, DueDateChangeRequest, DueDateChangeState
from reviews.services import action_request_due_change, due_change_decide
from tests.factories import (
    ActionFactory,
    DueChangeFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today


# --- marking done ----------------------------------------------------------------------------


def test_head_marks_an_action_done_with_a_note(client, head, action):
    """The owning head's note is kept and the action is done."""
    client.force_login(head)
    response = client.post(
        reverse("reviews:action_complete", args=[action.pk]),
        {"completion_note": "전문가 토론회 개최 완료", "version": action.version},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.state == ActionState.DONE
    assert action.completion_note == "전문가 토론회 개최 완료"
    assert action.history.latest().history_user == head


def test_marking_done_needs_a_note(client, head, action):
    """A blank note is refused beside the field and the action stays open."""
    client.force_login(head)
    response = client.post(
        reverse("reviews:action_complete", args=[action.pk]), {"completion_note": " "}
    )
    assert response.status_code == 400
    assert "완료 내용을 적어야 합니다." in response.content.decode()
    action.refresh_from_db()
    assert action.state == ActionState.OPEN


def test_htmx_completion_answers_with_the_updated_row(client, head, action):
    """An htmx request gets just the table row, now showing the action as done."""
    client.force_login(head)
    response = client.post(
        reverse("reviews:action_complete", args=[action.pk]),
        {"completion_note": "완료", "version": action.version},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="action-{action.pk}"')
    assert "완료" in html and "<form" not in html


def test_stale_version_is_refused_when_completing(client, head, action):
    """Completing with an outdated version is refused and nothing changes."""
    client.force_login(head)
    response = client.post(
        reverse("reviews:action_complete", args=[action.pk]),
        {"completion_note": "완료", "version": action.version + 5},
    )
    assert response.status_code == 400
    assert "다른 사용자가 먼저 이 조치를 수정했습니다" in response.content.decode()
    action.refresh_from_db()
    assert (action.state, action.completion_note, action.version) == (ActionState.OPEN, "", 1)


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("version", [None, "", "abc", "0"])
def test_completing_without_a_version_is_refused(client, head, action, htmx, version):
    """The version is required: a form without it (or with garbage) changes nothing."""
    client.force_login(head)
    data = {"completion_note": "완료"}
    if version is not None:
        data["version"] = version
    response = client.post(
        reverse("reviews:action_complete", args=[action.pk]),
        data,
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert response.status_code == (200 if htmx else 400)
    assert "새로 고친 뒤 다시 시도하세요" in response.content.decode()
    action.refresh_from_db()
    assert (action.state, action.completion_note, action.version) == (ActionState.OPEN, "", 1)


# --- due-date change -------------------------------------------------------------------------


def test_head_requests_a_new_due_date_with_a_reason(client, head, action):
    """The request is stored as pending, with the old and new dates."""
    client.force_login(head)
    new_date = action.due_date + datetime.timedelta(days=20)
    response = client.post(
        reverse("reviews:action_request_due_change", args=[action.pk]),
        {"new_due_date": new_date.isoformat(), "reason": "관계 부처 일정 변경"},
    )
    assert response.status_code == 302
    change = DueDateChangeRequest.objects.get(action=action)
    assert (change.old_due_date, change.new_due_date) == (action.due_date, new_date)
    assert change.state == DueDateChangeState.PENDING


def test_due_change_request_needs_a_reason_and_a_date(client, head, action):
    """Missing fields come back as Korean errors beside them; nothing is stored."""
    client.force_login(head)
    response = client.post(
        reverse("reviews:action_request_due_change", args=[action.pk]),
        {"new_due_date": "", "reason": ""},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "새 기한을 고르세요." in html and "기한 변경 사유를 적어야 합니다." in html
    assert not DueDateChangeRequest.objects.exists()


def test_only_one_pending_request_per_action(head, action):
    """A second pending request is refused."""
    new_date = TODAY() + datetime.timedelta(days=5)
    action_request_due_change(action=action, user=head, new_due_date=new_date, reason="사유")
    with pytest.raises(ValidationError):
        action_request_due_change(
            action=action, user=head, new_due_date=new_date, reason="또 다른 사유"
        )


def test_request_before_the_meeting_date_is_refused(head, action):
    """A due date earlier than the meeting is refused on the date field."""
    with pytest.raises(ValidationError) as caught:
        action_request_due_change(
            action=action,
            user=head,
            new_due_date=action.meeting.held_on - datetime.timedelta(days=1),
            reason="사유",
        )
    assert "new_due_date" in caught.value.message_dict


def test_approval_moves_the_due_date(head, action):
    """Planning approves: the request is approved and the action's due date moves."""
    planner = UserFactory(role=Role.PLANNING)
    change = DueChangeFactory(action=action, requested_by=head)
    due_change_decide(change=change, user=planner, approve=True)
    action.refresh_from_db()
    change.refresh_from_db()
    assert action.due_date == change.new_due_date
    assert (change.state, change.decided_by) == (DueDateChangeState.APPROVED, planner)


def test_rejection_keeps_the_due_date_and_cannot_be_decided_twice(head, action):
    """A rejected request leaves the date; deciding it again is refused."""
    planner = UserFactory(role=Role.PLANNING)
    old_due = action.due_date
    change = DueChangeFactory(action=action, requested_by=head)
    due_change_decide(change=change, user=planner, approve=False)
    action.refresh_from_db()
    assert action.due_date == old_due
    with pytest.raises(ValidationError):
        due_change_decide(change=change, user=planner, approve=True)


def test_planning_sees_pending_requests_and_approves_from_the_list(client, head, action):
    """The pending list shows the request; approving from it returns to the list."""
    change = DueChangeFactory(action=action, requested_by=head)
    client.force_login(UserFactory(role=Role.PLANNING))
    assert change.reason in client.get(reverse("reviews:due_change_list")).content.decode()
    response = client.post(
        reverse("reviews:due_change_decide", args=[change.pk]),
        {"decision": "approve", "next": reverse("reviews:due_change_list")},
    )
    assert response["Location"] == reverse("reviews:due_change_list")
    change.refresh_from_db()
    assert change.state == DueDateChangeState.APPROVED


# --- marking done from "내 부서" (its page: tests/dashboard/test_my_department.py) -------------


def test_unsafe_next_is_ignored(client, head, action):
    """An off-site `next` falls back to the action page (no open redirect)."""
    client.force_login(head)
    response = client.post(
        reverse("reviews:action_complete", args=[action.pk]),
        {"completion_note": "처리함", "version": action.version, "next": "https://evil.example"},
    )
    assert response["Location"] == action.get_absolute_url()


def test_htmx_completion_without_a_note_answers_the_row_with_the_error(client, head, action):
    """An htmx request with a blank note gets the row back, its form showing the error."""
    client.force_login(head)
    response = client.post(
        reverse("reviews:action_complete", args=[action.pk]),
        {"completion_note": "", "version": action.version},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "완료 내용을 적어야 합니다." in html and 'aria-invalid="true"' in html
    action.refresh_from_db()
    assert action.state == ActionState.OPEN


def test_approval_re_plans_the_action_reminders_for_the_new_date(head):
    """After a closed meeting, approving a new due date leaves pending reminders only for it."""
    from reviews.models import MeetingState, Reminder, ReminderState
    from reviews.services import reminders_replan_for_action

    meeting = MeetingFactory(
        held_on=TODAY() - datetime.timedelta(days=3),
        state=MeetingState.CLOSED,
        closed_at=timezone.now(),
    )
    action = ActionFactory(
        meeting=meeting,
        owner_department=head.department,
        due_date=TODAY() + datetime.timedelta(days=20),
    )
    reminders_replan_for_action(action)
    assert Reminder.objects.filter(action=action, state=ReminderState.PENDING).exists()
    change = DueChangeFactory(action=action, requested_by=head)
    due_change_decide(change=change, user=UserFactory(role=Role.PLANNING), approve=True)
    pending = Reminder.objects.filter(action=action, state=ReminderState.PENDING)
    assert pending.exists()
    assert {r.planned_for_due for r in pending} == {change.new_due_date}


# Session, user with the nav's unread count (core.user_row), footer's loaded sources, the
# action, its due changes with requesters and deciders, the evidence panel's files (rounds,
# through reviews.hooks), and the session's save. Measured; what matters is that it does not
# grow with the history.
ERROR_PAGE_QUERIES = 8


@pytest.mark.parametrize("decided", [1, 6])
def test_refused_due_change_page_reads_a_fixed_number_of_queries(
    client, head, action, decided, django_assert_num_queries
):
    """The 400 re-render after a bad due-change request names every past decider without
    one query per request (deciders are prefetched like on the detail page)."""
    for n in range(decided):
        DueChangeFactory(
            action=action,
            requested_by=head,
            state=DueDateChangeState.REJECTED,
            decided_by=UserFactory(role=Role.PLANNING, first_name=f"결정자{n}"),
            decided_at=timezone.now(),
        )
    client.force_login(head)
    url = reverse("reviews:action_request_due_change", args=[action.pk])
    with django_assert_num_queries(ERROR_PAGE_QUERIES):
        response = client.post(url, {"new_due_date": "", "reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert all(f"결정자{n}" in html for n in range(decided))
