"""Corrections of a closed meeting carry the version they were loaded with (optimistic lock)."""

import datetime
import re

import pytest
from django.urls import reverse

from accounts.models import Role
from reviews.models import MeetingAmendment, ProposalReview, Reminder, ReviewMeeting
from reviews.services import action_create, meeting_close, review_add, review_record
from tests.factories import HeadFactory, MeetingFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db

STALE = "다른 사용자가 먼저 이 기록을 정정했습니다"


@pytest.fixture
def closed(db):
    """A closed meeting with one review and one follow-up action."""
    chair = UserFactory(role=Role.DEPUTY_MAYOR)
    meeting = MeetingFactory(held_on=datetime.date(2026, 7, 1), chair=chair, minutes="원안")
    review = review_add(meeting=meeting, proposal=ProposalFactory(portfolio=meeting.portfolio))
    action = action_create(
        meeting=meeting,
        kind="other",
        description="자료 공유",
        owner_department=HeadFactory().department,
        due_date=datetime.date(2026, 8, 1),
    )
    meeting = meeting_close(meeting=meeting, user=chair)
    return meeting, review, action


def _loaded_version(client, url) -> int:
    html = client.get(url).content.decode()
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def _review_url(meeting, review):
    return reverse("reviews:meeting_amend_item", args=[meeting.pk, "review", review.pk])


def test_a_stale_correction_is_refused_and_keeps_the_first_one(client, closed):
    """B loaded the form before A saved: B's stale values do not revert A's correction."""
    meeting, review, _ = closed
    a, b = UserFactory(role=Role.PLANNING), UserFactory(role=Role.PLANNING)
    url = _review_url(meeting, review)
    client.force_login(b)
    b_version = _loaded_version(client, url)
    client.force_login(a)
    a_version = _loaded_version(client, url)
    base = {"feasibility": "pending", "gaps": "", "remedies": "", "decision": ""}
    response = client.post(url, {**base, "gaps": "재원 보완", "reason": "A", "version": a_version})
    assert response.status_code == 302

    client.force_login(b)
    stale = client.post(url, {**base, "decision": "B의 결정", "reason": "B", "version": b_version})
    html = stale.content.decode()
    assert stale.status_code == 409
    assert STALE in html
    assert "B의 결정" in html  # B's input is kept
    assert "지금 저장된 내용" in html and "재원 보완" in html
    review.refresh_from_db()
    assert (review.gaps, review.decision) == ("재원 보완", "")
    assert list(MeetingAmendment.objects.values_list("amended_by", flat=True)) == [a.pk]

    # The re-armed form carries the new version; a deliberate resubmit applies only B's change.
    rearmed = int(re.search(r'name="version" value="(\d+)"', html).group(1))
    assert rearmed == review.version
    again = client.post(
        url,
        {**base, "gaps": "재원 보완", "decision": "B의 결정", "reason": "B", "version": rearmed},
    )
    assert again.status_code == 302
    review.refresh_from_db()
    assert (review.gaps, review.decision) == ("재원 보완", "B의 결정")
    latest = MeetingAmendment.objects.latest("pk")
    assert latest.amended_by == b
    assert [c["field"] for c in latest.changes] == ["decision"]


@pytest.mark.parametrize("target", ["meeting", "review", "action"])
def test_every_target_refuses_a_stale_or_missing_version(client, closed, target):
    """Meeting, review and action corrections all check the version; nothing is written."""
    meeting, review, action = closed
    client.force_login(UserFactory(role=Role.PLANNING))
    obj, url, data = {
        "meeting": (
            meeting,
            reverse("reviews:meeting_amend", args=[meeting.pk]),
            {"title": meeting.title, "location": "", "minutes": "고친 회의록"},
        ),
        "review": (
            review,
            _review_url(meeting, review),
            {"feasibility": "feasible", "gaps": "", "remedies": "", "decision": ""},
        ),
        "action": (
            action,
            reverse("reviews:meeting_amend_item", args=[meeting.pk, "action", action.pk]),
            {
                "description": action.description,
                "owner_department": action.owner_department_id,
                "due_date": "2026-09-01",
            },
        ),
    }[target]
    before = type(obj).objects.get(pk=obj.pk)
    reminders = sorted(Reminder.objects.values_list("pk", "state", "due_at"))
    stale = client.post(url, {**data, "reason": "정정", "version": before.version + 7})
    assert stale.status_code == 409 and STALE in stale.content.decode()
    missing = client.post(url, {**data, "reason": "정정"})
    assert missing.status_code == 200
    assert "새로 고친 뒤 다시 시도하세요" in missing.content.decode()
    after = type(obj).objects.get(pk=obj.pk)
    assert after.version == before.version
    assert [getattr(after, f) for f in data] == [getattr(before, f) for f in data]
    assert not MeetingAmendment.objects.exists()
    assert sorted(Reminder.objects.values_list("pk", "state", "due_at")) == reminders

    ok = client.post(url, {**data, "reason": "정정", "version": before.version})
    assert ok.status_code == 302
    assert type(obj).objects.get(pk=obj.pk).version == before.version + 1
    assert len(MeetingAmendment.objects.get().changes) == 1  # only the field that changed


def test_services_bump_the_meeting_and_review_versions(db):
    """Recording a review and closing a meeting move their versions on."""
    meeting = MeetingFactory()
    review = review_add(meeting=meeting, proposal=ProposalFactory(portfolio=meeting.portfolio))
    assert (meeting.version, review.version) == (1, 1)
    review_record(review=review, user=UserFactory(), gaps="미비")
    assert ProposalReview.objects.get(pk=review.pk).version == 2
    meeting_close(meeting=meeting, user=UserFactory())
    assert ReviewMeeting.objects.get(pk=meeting.pk).version == 2


def test_unknown_target_is_404(client, closed):
    """`/amend/bogus/1/` and a meeting target naming another meeting are 404, not 500."""
    meeting = closed[0]
    client.force_login(UserFactory(role=Role.PLANNING))
    bogus = reverse("reviews:meeting_amend_item", args=[meeting.pk, "bogus", 1])
    assert client.get(bogus).status_code == 404
    assert client.post(bogus, {"reason": "x", "version": 1}).status_code == 404
    other = reverse("reviews:meeting_amend_item", args=[meeting.pk, "meeting", meeting.pk + 1])
    assert client.get(other).status_code == 404
    own = reverse("reviews:meeting_amend_item", args=[meeting.pk, "meeting", meeting.pk])
    assert client.get(own).status_code == 200
    assert not MeetingAmendment.objects.exists()
