"""The Django admin cannot go around the services: protected fields stay as they were."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from projects.models import Proposal, ProposalStatus
from reviews.models import (
    ActionState,
    FollowUpAction,
    MeetingState,
    ProposalReview,
    Reminder,
    ReminderState,
    ReviewMeeting,
)
from reviews.services import action_create, meeting_close, review_add
from tests.admin_forms import form_data
from tests.factories import DepartmentFactory, MeetingFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def change(client, obj, **fields):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    data = {**form_data(client.get(url)), **{k: str(v) for k, v in fields.items()}}
    return client.post(url, data)


@pytest.fixture
def world(db):
    chair = UserFactory(role=Role.DEPUTY_MAYOR)
    meeting = MeetingFactory(held_on=datetime.date(2026, 7, 1), chair=chair)
    review = review_add(meeting=meeting, proposal=ProposalFactory(portfolio=meeting.portfolio))
    action = action_create(
        meeting=meeting,
        kind="other",
        description="자료 공유",
        owner_department=DepartmentFactory(),
        due_date=datetime.date(2026, 8, 1),
    )
    return meeting, review, action, chair


def test_proposal_edit_goes_through_the_service_and_bumps_the_version(admin_client, admin_user):
    """Master data changes with a version bump; status and version cannot be posted."""
    proposal = ProposalFactory(title="원래 이름")
    response = change(
        admin_client,
        proposal,
        title="새 이름",
        status=ProposalStatus.DONE,
        version=99,
        management_no="HACK-1",
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "새 이름"
    assert proposal.status != ProposalStatus.DONE
    assert proposal.management_no != "HACK-1"
    assert proposal.version == 2
    assert proposal.history.latest().history_user == admin_user


def test_proposal_admin_refuses_a_stale_form(admin_client):
    """An admin form loaded before someone else saved is refused; nothing changes."""
    proposal = ProposalFactory(title="원래 이름")
    url = reverse("admin:projects_proposal_change", args=[proposal.pk])
    data = form_data(admin_client.get(url))
    Proposal.objects.filter(pk=proposal.pk).update(version=2, title="다른 사람의 수정")
    response = admin_client.post(url, {**data, "title": "낡은 화면의 수정"})
    assert response.status_code == 200
    assert "다른 사용자가 먼저 이 기록을 수정했습니다" in response.content.decode()
    proposal.refresh_from_db()
    assert (proposal.title, proposal.version) == ("다른 사람의 수정", 2)
    missing = {k: v for k, v in data.items() if k != "loaded_version"}
    assert admin_client.post(url, missing).status_code == 200
    assert Proposal.objects.get(pk=proposal.pk).version == 2


def test_open_meeting_state_and_version_cannot_be_set(admin_client, world):
    """Title edits of an open meeting bump its version; state and version are ignored."""
    meeting = world[0]
    response = change(admin_client, meeting, title="고친 제목", state="closed", version=50)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.state, meeting.version) == ("고친 제목", MeetingState.PLANNED, 2)
    assert not Reminder.objects.exists()


def test_closed_meeting_is_read_only_in_the_admin(admin_client, world):
    """A closed meeting, its reviews and actions cannot be changed or deleted in the admin."""
    meeting, review, action, chair = world
    meeting_close(meeting=meeting, user=chair)
    before = [(m.title, m.minutes, m.version) for m in ReviewMeeting.objects.filter(pk=meeting.pk)]
    url = reverse("admin:reviews_reviewmeeting_change", args=[meeting.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.post(url, {"title": "몰래", "minutes": "몰래"}).status_code == 403
    for obj in (meeting, review, action):
        name = obj._meta.model_name
        delete = reverse(f"admin:reviews_{name}_delete", args=[obj.pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    review_url = reverse("admin:reviews_proposalreview_change", args=[review.pk])
    assert admin_client.post(review_url, {"gaps": "몰래"}).status_code == 403
    action_url = reverse("admin:reviews_followupaction_change", args=[action.pk])
    assert admin_client.post(action_url, {"description": "몰래"}).status_code == 403
    after = [(m.title, m.minutes, m.version) for m in ReviewMeeting.objects.filter(pk=meeting.pk)]
    assert after == before
    assert ProposalReview.objects.get(pk=review.pk).gaps == ""
    assert FollowUpAction.objects.get(pk=action.pk).description == "자료 공유"


def test_action_state_due_date_and_owner_cannot_be_changed(admin_client, world):
    """Only the description-like fields of an open meeting's action are editable here."""
    _, _, action, _ = world
    other = DepartmentFactory()
    response = change(
        admin_client,
        action,
        description="고친 내용",
        state=ActionState.DONE,
        due_date="2027-01-01",
        owner_department=other.pk,
        version=40,
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.description == "고친 내용"
    assert action.state == ActionState.OPEN
    assert action.due_date == datetime.date(2026, 8, 1)
    assert action.owner_department != other
    assert action.version == 2


def test_reminders_and_due_change_requests_are_read_only(admin_client, world):
    """A reminder's state cannot be edited: the change view refuses to write."""
    meeting, _, _, chair = world
    meeting_close(meeting=meeting, user=chair)
    reminder = Reminder.objects.filter(state=ReminderState.PENDING).first()
    url = reverse("admin:reviews_reminder_change", args=[reminder.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"state": "sent", "attempts": 9}).status_code == 403
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == (ReminderState.PENDING, 0)
    assert admin_client.get(reverse("admin:reviews_reminder_add")).status_code == 403
    assert admin_client.get(reverse("admin:reviews_duedatechangerequest_add")).status_code == 403
