"""The round pages: who may see them, what they do, and fixed query counts at 1× and 100×."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reviews.models import Reminder, ReminderKind
from rounds.models import RoundSubmission, SubmissionState, UpdateRound
from rounds.services import round_open
from tests.factories import HeadFactory, MeetingFactory, UserFactory, bulk_proposals

from .helpers import fresh, make_round_world

pytestmark = pytest.mark.django_db


def test_planning_opens_a_round_from_the_meeting_page(client):
    w = make_round_world(departments=2, proposals=3, open_round=False)
    meeting = MeetingFactory(
        portfolio=w.portfolio, held_on=timezone.localdate() + datetime.timedelta(days=20)
    )
    client.force_login(w.planner)
    url = reverse("rounds:round_create") + f"?meeting={meeting.pk}"
    assert url in client.get(meeting.get_absolute_url()).content.decode().replace("&amp;", "&")
    page = client.get(url)
    assert page.status_code == 200 and meeting.title in page.content.decode()
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        url,
        {
            "name": "보고회 전 점검",
            "as_of": timezone.localdate().isoformat(),
            "due_date": due,
            "proposals": [p.pk for p in w.proposals],
            "meeting": meeting.pk,
        },
    )
    round_ = UpdateRound.objects.get()
    assert response.status_code == 302 and round_.meeting == meeting
    assert round_.proposals.count() == 3
    assert Reminder.objects.filter(kind=ReminderKind.ROUND_OPENED).count() == 2


def test_a_round_with_a_past_due_date_is_refused_with_a_korean_message(client):
    w = make_round_world(departments=1, proposals=1, open_round=False)
    client.force_login(w.planner)
    response = client.post(
        reverse("rounds:round_create"),
        {
            "name": "과거 점검",
            "as_of": "2020-01-01",
            "due_date": "2020-01-10",
            "proposals": [w.proposals[0].pk],
        },
    )
    assert response.status_code == 400
    assert "제출 기한은 오늘이나 그 이후 날짜로 고르세요." in response.content.decode()
    assert not UpdateRound.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.DEPARTMENT_HEAD])
def test_only_planning_and_the_chair_see_the_round_dashboard(client, role):
    """A head or a viewer gets 403; planning and the deputy mayor get the page."""
    w = make_round_world(departments=1, proposals=1)
    user = HeadFactory() if role == Role.DEPARTMENT_HEAD else UserFactory(role=role)
    client.force_login(user)
    assert client.get(w.round.get_absolute_url()).status_code == 403
    client.force_login(w.chair)
    assert client.get(w.round.get_absolute_url()).status_code == 200


def test_a_head_of_another_department_cannot_submit(client):
    w = make_round_world(departments=2, proposals=2)
    p = w.proposals[0]
    client.force_login(w.heads[1])
    url = reverse("rounds:submit", args=[w.round.pk, p.pk])
    assert client.get(url).status_code == 403
    assert (
        client.post(
            reverse("rounds:submit_unchanged", args=[w.round.pk, p.pk]), {"version": p.version}
        ).status_code
        == 403
    )
    assert not RoundSubmission.objects.exists()


def test_during_an_open_round_the_heads_update_link_leads_to_the_round(client):
    """내 부서 and the proposal page point at the round; the plain form redirects there."""
    w = make_round_world(departments=1, proposals=1)
    p = w.proposals[0]
    submit = reverse("rounds:submit", args=[w.round.pk, p.pk])
    client.force_login(w.heads[0])
    mine = client.get(reverse("dashboard:my_department")).content.decode()
    assert submit in mine and w.round.name in mine
    assert submit in client.get(p.get_absolute_url()).content.decode()
    response = client.get(reverse("projects:proposal_update_status", args=[p.pk]))
    assert response.status_code == 302 and response.url == submit


def test_the_head_submits_unchanged_and_planning_returns_and_confirms_through_the_pages(client):
    w = make_round_world(departments=1, proposals=2)
    p0, p1 = (fresh(p) for p in w.proposals)
    head = w.heads[0]
    client.force_login(head)
    r = client.post(
        reverse("rounds:submit_unchanged", args=[w.round.pk, p0.pk]), {"version": p0.version}
    )
    assert r.status_code == 302
    r = client.post(
        reverse("rounds:submit", args=[w.round.pk, p1.pk]),
        {
            "version": p1.version,
            "status": "done",
            "progress": 100,
            "confidence": 5,
            "what_changed": "준공",
            "issues": "",
            "next_step": "",
            "reason": "",
        },
    )
    assert r.status_code == 302
    pending = RoundSubmission.objects.get(proposal=p1)
    assert pending.state == SubmissionState.PENDING
    # the proposal page shows the confirmed state and the pending submission
    page = client.get(p1.get_absolute_url()).content.decode()
    assert "확인 대기" in page and "round-pending" in page
    client.force_login(w.planner)
    queue = client.get(reverse("rounds:round_queue", args=[w.round.pk])).content.decode()
    assert p1.title in queue
    # a return without a comment: Korean message, nothing written
    r = client.post(
        reverse("rounds:return", args=[w.round.pk, pending.pk]), {"comment": ""}, follow=True
    )
    assert "반려하려면 사유를 적어야 합니다." in r.content.decode()
    assert fresh(pending).state == SubmissionState.PENDING
    r = client.post(reverse("rounds:confirm", args=[w.round.pk, pending.pk]))
    assert fresh(pending).state == SubmissionState.CONFIRMED and fresh(p1).status == "done"
    detail = client.get(w.round.get_absolute_url()).content.decode()
    assert "반영률 100%" in detail


def test_one_click_reminder_to_a_department_is_planned_once_a_day(client):
    w = make_round_world(departments=2, proposals=2)
    client.force_login(w.planner)
    url = reverse("rounds:round_nudge", args=[w.round.pk, w.heads[0].department_id])
    client.post(url)
    r = client.post(url, follow=True)
    assert "오늘 이미 독촉 알림을 보냈습니다" in r.content.decode()
    assert Reminder.objects.filter(kind=ReminderKind.ROUND_NUDGE).count() == 1


def _world(scale: int):
    """`scale`×: 5 departments with heads, 3·scale proposals, submissions in every state."""
    planner = UserFactory(role=Role.PLANNING)
    heads = [HeadFactory() for _ in range(5)]
    proposals = bulk_proposals(
        3 * scale, departments=[h.department for h in heads], prefix=f"S{scale}"
    )
    today = timezone.localdate()
    round_ = round_open(
        portfolio=proposals[0].portfolio,
        name=f"점검 {scale}",
        as_of=today,
        due_date=today + datetime.timedelta(days=7),
        user=planner,
    )
    now = timezone.now()
    RoundSubmission.objects.bulk_create(
        RoundSubmission(
            round=round_,
            proposal=p,
            base_version=p.version,
            status=p.status,
            progress=p.progress,
            submitted_by=heads[0],
            submitted_at=now,
            state=SubmissionState.PENDING if i % 2 else SubmissionState.RETURNED,
            return_comment="" if i % 2 else "보완",
            returned_at=None if i % 2 else now,
        )
        for i, p in enumerate(proposals)
        if i % 3
    )
    return planner, heads[0], round_, proposals[0]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_round_pages_take_the_same_number_of_queries_at_1x_and_100x(client):
    counts = []
    for scale in (1, 100):
        planner, head, round_, proposal = _world(scale)
        pages = []
        client.force_login(planner)
        for name in ("round_detail", "round_queue"):
            pages.append(_count(client, reverse(f"rounds:{name}", args=[round_.pk])))
        pages.append(_count(client, reverse("rounds:round_list")))
        client.force_login(head)
        pages.append(_count(client, reverse("rounds:round_mine", args=[round_.pk])))
        pages.append(_count(client, reverse("dashboard:my_department")))
        pages.append(_count(client, reverse("rounds:submit", args=[round_.pk, proposal.pk])))
        pages.append(_count(client, proposal.get_absolute_url()))
        counts.append(pages)
        UpdateRound.objects.update(state="closed", closed_at=timezone.now(), snapshot={})
    assert counts[0] == counts[1]
