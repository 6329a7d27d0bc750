"""Due-date change requests (기한 변경 요청): no past or unchanged dates, withdrawn when the
action ends, only decidable requests listed, in-app notices in the same transaction."""

import datetime
import importlib
import zoneinfo

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reviews.models import ActionState, DueDateChangeRequest, DueDateChangeState, Notification
from reviews.services import (
    action_cancel,
    action_complete,
    action_request_due_change,
    due_change_decide,
)
from tests.factories import ActionFactory, DueChangeFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
# 00:30 in Seoul on 10 March is still 9 March in UTC: "today" must be the Seoul date.
NOW = datetime.datetime(2026, 3, 10, 0, 30, tzinfo=SEOUL)
TODAY = datetime.date(2026, 3, 10)
PAST_MESSAGE = "새 기한은 오늘이나 그 이후 날짜로 고르세요."


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def action(clock, head):
    meeting = MeetingFactory(held_on=datetime.date(2026, 3, 1))
    return ActionFactory(
        meeting=meeting, owner_department=head.department, due_date=datetime.date(2026, 3, 20)
    )


def _request(action, user, day, reason="관계 부처 일정 변경"):
    return action_request_due_change(action=action, user=user, new_due_date=day, reason=reason)


# --- 1. dates ---------------------------------------------------------------------------------


def test_a_past_date_is_refused_beside_the_field(head, action):
    """Yesterday (Seoul) is refused on new_due_date even though it is "today" in UTC."""
    with pytest.raises(ValidationError) as caught:
        _request(action, head, TODAY - datetime.timedelta(days=1))
    assert caught.value.message_dict == {"new_due_date": [PAST_MESSAGE]}
    assert not DueDateChangeRequest.objects.exists()


def test_today_is_accepted(head, action):
    assert _request(action, head, TODAY).new_due_date == TODAY


def test_the_current_due_date_is_refused_beside_the_field(head, action):
    with pytest.raises(ValidationError) as caught:
        _request(action, head, action.due_date)
    assert caught.value.message_dict == {"new_due_date": ["지금 기한과 다른 날짜를 고르세요."]}


def test_the_database_refuses_an_unchanged_date(head, action):
    """The check constraint holds even for a write that skips the service."""
    with pytest.raises(IntegrityError), transaction.atomic():
        DueDateChangeRequest.objects.create(
            action=action,
            requested_by=head,
            old_due_date=action.due_date,
            new_due_date=action.due_date,
            reason="사유",
        )


def test_the_database_keeps_one_pending_request_per_action(head, action):
    DueChangeFactory(action=action, requested_by=head)
    with pytest.raises(IntegrityError), transaction.atomic():
        DueChangeFactory(action=action, requested_by=head, new_due_date=TODAY)


def test_the_form_refuses_a_past_date_beside_the_field(client, head, action):
    """The page answers 400 with the Korean message; nothing is stored, nobody notified."""
    client.force_login(head)
    response = client.post(
        reverse("reviews:action_request_due_change", args=[action.pk]),
        {"new_due_date": "2025-12-01", "reason": "사유"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert PAST_MESSAGE in html and 'min="2026-03-10"' in html
    assert not DueDateChangeRequest.objects.exists()
    assert not Notification.objects.exists()


def test_approving_a_date_that_has_since_passed_is_refused(clock, head, action, planner):
    change = _request(action, head, datetime.date(2026, 3, 12))
    clock.move_to(datetime.datetime(2026, 3, 13, 9, 0, tzinfo=SEOUL))
    with pytest.raises(ValidationError, match="이미 지났습니다"):
        due_change_decide(change=change, user=planner, approve=True)
    action.refresh_from_db()
    assert action.due_date == datetime.date(2026, 3, 20)
    due_change_decide(change=change, user=planner, approve=False)  # rejecting still works


# --- 2. completing or cancelling withdraws ------------------------------------------------------


@pytest.mark.parametrize("end", ["complete", "cancel"])
def test_ending_the_action_withdraws_its_pending_request(client, head, action, planner, end):
    change = _request(action, head, datetime.date(2026, 4, 1))
    if end == "complete":
        action_complete(action=action, user=planner, note="완료")
    else:
        action_cancel(action=action, user=planner, reason="사업 중단")
    change.refresh_from_db()
    assert change.state == DueDateChangeState.WITHDRAWN
    assert (change.decided_by, change.decided_at) == (planner, NOW)
    assert change.get_state_display() == "철회(조치 종료)"
    with pytest.raises(ValidationError, match="이미 처리된"):
        due_change_decide(change=change, user=planner, approve=True)
    client.force_login(planner)
    html = client.get(reverse("reviews:due_change_list")).content.decode()
    assert change.reason not in html and "검토를 기다리는 요청이 없습니다." in html


def test_the_pending_list_shows_only_requests_that_can_be_decided(client, head, planner):
    """A pending request left on a done action (before this fix) is not offered."""
    live = DueChangeFactory(action=ActionFactory(), requested_by=head, reason="살아 있는 요청")
    stale_action = ActionFactory(
        state=ActionState.DONE, completion_note="완료", completed_at=timezone.now()
    )
    DueChangeFactory(action=stale_action, requested_by=head, reason="끝난 조치의 요청")
    client.force_login(planner)
    response = client.get(reverse("reviews:due_change_list"))
    assert list(response.context["object_list"]) == [live]
    html = response.content.decode()
    assert "살아 있는 요청" in html and "끝난 조치의 요청" not in html


def test_the_migration_withdraws_requests_left_pending_on_ended_actions(head):
    stale_action = ActionFactory(state=ActionState.CANCELLED, completion_note="취소")
    stale = DueChangeFactory(action=stale_action, requested_by=head)
    live = DueChangeFactory(action=ActionFactory(), requested_by=head)
    migration = importlib.import_module("reviews.migrations.0005_due_change_withdrawn_and_checks")
    with connection.schema_editor() as editor:
        migration.withdraw_stale_pending(apps, editor)
    stale.refresh_from_db()
    live.refresh_from_db()
    assert (stale.state, live.state) == (DueDateChangeState.WITHDRAWN, DueDateChangeState.PENDING)
    assert stale.decided_at is not None


def test_the_detail_page_offers_no_decision_on_an_ended_action(client, head, planner):
    action = ActionFactory(state=ActionState.CANCELLED, completion_note="취소")
    change = DueChangeFactory(action=action, requested_by=head)
    client.force_login(planner)
    html = client.get(action.get_absolute_url()).content.decode()
    assert change.reason in html
    assert reverse("reviews:due_change_decide", args=[change.pk]) not in html


# --- 3. in-app notifications ----------------------------------------------------------------


def test_a_request_notifies_each_active_planner_once(head, action, planner):
    UserFactory(role=Role.PLANNING, is_active=False)
    UserFactory(role=Role.DEPUTY_MAYOR)
    change = _request(action, head, datetime.date(2026, 4, 1))
    notices = list(Notification.objects.all())
    assert [n.user for n in notices] == [planner]
    assert notices[0].url == action.get_absolute_url()
    assert notices[0].title.startswith("기한 변경 요청:")
    assert "2026-03-20 → 2026-04-01" in notices[0].body and change.reason in notices[0].body
    assert mail.outbox == []


@pytest.mark.parametrize(("approve", "word"), [(True, "승인되었습니다"), (False, "반려되었습니다")])
def test_a_decision_notifies_the_requester_once(head, action, planner, approve, word):
    change = _request(action, head, datetime.date(2026, 4, 1))
    due_change_decide(change=change, user=planner, approve=approve)
    with pytest.raises(ValidationError):
        due_change_decide(change=change, user=planner, approve=approve)
    notice = Notification.objects.get(user=head)
    assert word in notice.title and notice.url == action.get_absolute_url()
    assert mail.outbox == []


@pytest.mark.parametrize("how", ["approve", "reject", "complete"])
def test_once_decided_the_planners_notices_of_a_request_count_as_read(head, action, planner, how):
    """Nobody's unread count keeps a request that waits for nobody any more."""
    other_planner = UserFactory(role=Role.PLANNING)
    change = _request(action, head, datetime.date(2026, 4, 1))
    waiting = Notification.objects.filter(due_change=change)
    assert {n.user for n in waiting} == {planner, other_planner}
    assert waiting.filter(read_at__isnull=True).count() == 2
    if how == "complete":
        action_complete(action=action, user=head, note="완료")
    else:
        due_change_decide(change=change, user=planner, approve=how == "approve")
    assert not waiting.filter(read_at__isnull=True).exists()
    if how != "complete":  # the requester's own notice of the outcome stays unread
        assert Notification.objects.get(user=head, read_at__isnull=True).due_change is None


def test_a_request_notice_exists_once_per_planner(head, action, planner):
    change = _request(action, head, datetime.date(2026, 4, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=planner, due_change=change, title="중복")


def test_a_rolled_back_decision_leaves_no_notice(head, action, planner):
    """The notice is written in the decision's transaction, so it goes when that does."""
    change = _request(action, head, datetime.date(2026, 4, 1))
    with pytest.raises(RuntimeError), transaction.atomic():
        due_change_decide(change=change, user=planner, approve=True)
        assert Notification.objects.filter(user=head).count() == 1
        raise RuntimeError("rolled back")
    change.refresh_from_db()
    assert change.state == DueDateChangeState.PENDING
    assert not Notification.objects.filter(user=head).exists()


def test_a_refused_decision_leaves_no_notice(clock, head, action, planner):
    change = _request(action, head, datetime.date(2026, 3, 12))
    clock.move_to(datetime.datetime(2026, 3, 13, 9, 0, tzinfo=SEOUL))
    with pytest.raises(ValidationError):
        due_change_decide(change=change, user=planner, approve=True)
    assert not Notification.objects.filter(user=head).exists()


def test_withdrawal_tells_the_requester_unless_they_ended_the_action(head, action, planner):
    _request(action, head, datetime.date(2026, 4, 1))
    action_cancel(action=action, user=planner, reason="사업 중단")
    assert "철회되었습니다" in Notification.objects.get(user=head).title

    other = ActionFactory(meeting=action.meeting, owner_department=head.department)
    _request(other, head, datetime.date(2026, 4, 1))
    action_complete(action=other, user=head, note="완료")
    assert Notification.objects.filter(user=head).count() == 1
