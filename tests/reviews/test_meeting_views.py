"""The meeting workflow through its pages: plan, record, follow-ups, close, amend, minutes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reviews.models import (
    ActionState,
    FollowUpAction,
    MeetingAmendment,
    MeetingState,
    ProposalReview,
    Reminder,
    ReviewMeeting,
)
from reviews.services import action_create, meeting_close, review_add
from tests.factories import (
    ActionFactory,
    DepartmentFactory,
    HeadFactory,
    MeetingFactory,
    PortfolioFactory,
    ProposalFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy(db):
    return UserFactory(role=Role.DEPUTY_MAYOR, email="deputy@example.invalid")


def test_plan_form_states_its_rules_and_ticks_the_suggestions(client, planner):
    """The planning page names the agenda rules and ticks the proposals they pick."""
    portfolio = PortfolioFactory()
    reviewed = ProposalFactory(portfolio=portfolio, confidence=4)
    never = ProposalFactory(portfolio=portfolio, confidence=4)
    last = MeetingFactory(portfolio=portfolio, held_on=datetime.date(2026, 1, 5))
    ReviewFactory(meeting=last, proposal=reviewed)
    meeting_close(meeting=last, user=planner)
    client.force_login(planner)
    response = client.get(reverse("reviews:meeting_plan"))
    assert response.status_code == 200
    assert set(response.context["form"].initial["proposals"]) == {never.pk}
    page = response.content.decode()
    for rule in (
        "신뢰도 하락",
        "기한 지난 후속조치",
        "지난 보고회 이후 상태 변경",
        "검토한 적 없음",
    ):
        assert rule in page
    assert "안건 제안 규칙" in page


def test_planning_staff_plan_a_meeting_with_agenda(client, planner, deputy):
    portfolio = PortfolioFactory()
    p1, p2 = ProposalFactory(portfolio=portfolio), ProposalFactory(portfolio=portfolio)
    dept = DepartmentFactory()
    client.force_login(planner)
    response = client.post(
        reverse("reviews:meeting_plan"),
        {
            "portfolio": portfolio.pk,
            "title": "3분기 점검 보고회",
            "held_on": "2026-07-20",
            "location": "시청 상황실",
            "chair": deputy.pk,
            "attending_departments": [dept.pk],
            "proposals": [p1.pk, p2.pk],
        },
    )
    meeting = ReviewMeeting.objects.get(title="3분기 점검 보고회")
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert list(meeting.reviews.values_list("proposal_id", flat=True)) == [p1.pk, p2.pk]
    assert list(meeting.attending_departments.all()) == [dept]
    assert meeting.history.first().history_user == planner


def test_plan_without_title_shows_a_korean_error_and_writes_nothing(client, planner):
    PortfolioFactory()
    client.force_login(planner)
    response = client.post(reverse("reviews:meeting_plan"), {"held_on": "2026-07-20"})
    assert response.status_code == 200
    assert "필수 항목입니다" in response.content.decode()
    assert not ReviewMeeting.objects.exists()


def test_a_head_cannot_run_meetings(client, head):
    meeting = MeetingFactory()
    review = ProposalReview.objects.create(meeting=meeting, proposal=ProposalFactory())
    client.force_login(head)
    urls = [
        ("get", reverse("reviews:meeting_plan")),
        ("post", reverse("reviews:meeting_close", args=[meeting.pk])),
        ("post", reverse("reviews:action_add", args=[meeting.pk])),
        ("post", reverse("reviews:review_record", args=[meeting.pk, review.pk])),
        ("post", reverse("reviews:agenda_add", args=[meeting.pk])),
        ("get", reverse("reviews:meeting_amend", args=[meeting.pk])),
    ]
    for method, url in urls:
        assert getattr(client, method)(url, {"gaps": "x"}).status_code == 403, url
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PLANNED and not FollowUpAction.objects.exists()


def test_record_review_and_add_an_action(client, planner):
    meeting = MeetingFactory(held_on=datetime.date(2026, 7, 1))
    proposal = ProposalFactory(portfolio=meeting.portfolio)
    review = review_add(meeting=meeting, proposal=proposal)
    dept = DepartmentFactory()
    client.force_login(planner)
    url = reverse("reviews:review_record", args=[meeting.pk, review.pk])
    response = client.post(
        url,
        {
            "feasibility": "conditional",
            "gaps": "재원 불명확",
            "remedies": "국비 공모",
            "decision": "계속",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.feasibility, review.gaps, review.remedies) == (
        "conditional",
        "재원 불명확",
        "국비 공모",
    )
    add = reverse("reviews:action_add", args=[meeting.pk])
    bad = client.post(
        add,
        {
            "kind": "expert_forum",
            "description": "토론회",
            "owner_department": dept.pk,
            "due_date": "2026-06-01",
            "proposal": proposal.pk,
        },
    )
    assert "기한은 보고회 개최일보다 빠를 수 없습니다." in bad.content.decode()
    assert not FollowUpAction.objects.exists()
    ok = client.post(
        add,
        {
            "kind": "expert_forum",
            "description": "토론회",
            "owner_department": dept.pk,
            "due_date": "2026-08-01",
            "proposal": proposal.pk,
        },
    )
    assert ok.status_code == 302
    assert FollowUpAction.objects.get().owner_department == dept


def test_close_then_read_only_then_audited_amendment(client, planner, deputy):
    meeting = MeetingFactory(held_on=datetime.date(2026, 7, 1), chair=deputy)
    review = review_add(meeting=meeting, proposal=ProposalFactory(portfolio=meeting.portfolio))
    action_create(
        meeting=meeting,
        kind="other",
        description="자료 공유",
        owner_department=HeadFactory().department,
        due_date=datetime.date(2026, 8, 1),
    )
    client.force_login(deputy)
    response = client.post(
        reverse("reviews:meeting_close", args=[meeting.pk]),
        {"confirm_unreviewed": "on", "unreviewed_seen": "1"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CLOSED
    assert Reminder.objects.filter(meeting=meeting, kind="chair_summary").count() == 1
    # read-only: recording a review is refused with a message, nothing written
    client.force_login(planner)
    refused = client.post(
        reverse("reviews:review_record", args=[meeting.pk, review.pk]),
        {"feasibility": "feasible", "gaps": "몰래 수정", "remedies": "", "decision": ""},
    )
    assert "종료된 보고회는 수정할 수 없습니다" in refused.content.decode()
    review.refresh_from_db()
    assert review.gaps == ""
    # amendment without a reason is refused
    amend = reverse("reviews:meeting_amend_item", args=[meeting.pk, "review", review.pk])
    data = {
        "feasibility": "pending",
        "gaps": "재원 보완",
        "remedies": "",
        "decision": "",
        "version": review.version,
    }
    assert "필수 항목입니다" in client.post(amend, data).content.decode()
    assert not MeetingAmendment.objects.exists()
    response = client.post(amend, {**data, "reason": "회의 중 발언 누락"})
    assert response.status_code == 302
    amendment = MeetingAmendment.objects.get()
    assert amendment.amended_by == planner and amendment.reason == "회의 중 발언 누락"
    assert amendment.changes == [
        {"field": "gaps", "label": "미비점", "old": "", "new": "재원 보완"}
    ]
    review.refresh_from_db()
    assert review.gaps == "재원 보완"
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "정정 이력" in page and "회의 중 발언 누락" in page


def test_minutes_page_and_pdf(client, planner):
    meeting = MeetingFactory(title="미래 신성장 동력 보고회", minutes="35개 사업 1차 검토")
    review_add(
        meeting=meeting, proposal=ProposalFactory(portfolio=meeting.portfolio, title="그린수소")
    )
    client.force_login(planner)
    page = client.get(reverse("reviews:meeting_minutes", args=[meeting.pk]))
    assert page.status_code == 200 and "그린수소" in page.content.decode()
    assert "css/minutes-print." in page.content.decode()
    pdf = client.get(reverse("reviews:meeting_minutes_pdf", args=[meeting.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_meeting_detail_query_count_does_not_grow(client, planner, django_assert_max_num_queries):
    def build(n):
        meeting = MeetingFactory()
        for _ in range(n):
            review_add(meeting=meeting, proposal=ProposalFactory(portfolio=meeting.portfolio))
            ActionFactory(meeting=meeting)
        return meeting

    client.force_login(planner)
    small, large = build(2), build(12)
    with django_assert_max_num_queries(20) as small_ctx:
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(20) as large_ctx:
        assert client.get(large.get_absolute_url()).status_code == 200
    assert len(small_ctx.captured_queries) == len(large_ctx.captured_queries)


def test_meeting_list_query_count_does_not_grow(client, planner, django_assert_max_num_queries):
    client.force_login(planner)
    MeetingFactory.create_batch(2)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("reviews:meeting_list"))
    MeetingFactory.create_batch(20)
    with django_assert_max_num_queries(12) as large:
        client.get(reverse("reviews:meeting_list"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_open_actions_of_the_previous_meeting_are_shown_as_carried_over(client, planner):
    portfolio = PortfolioFactory()
    prev = MeetingFactory(portfolio=portfolio, held_on=datetime.date(2026, 5, 1))
    open_action = ActionFactory(meeting=prev, description="부처 동향 파악 계속")
    ActionFactory(
        meeting=prev,
        description="끝난 일",
        state=ActionState.DONE,
        completion_note="완료",
        completed_at=timezone.now(),
    )
    meeting_close(meeting=prev, user=planner)
    current = MeetingFactory(portfolio=portfolio, held_on=datetime.date(2026, 7, 1))
    client.force_login(planner)
    response = client.get(current.get_absolute_url())
    assert list(response.context["carried_over"]) == [open_action]
    assert "부처 동향 파악 계속" in response.content.decode()
    assert "끝난 일" not in response.content.decode()


def test_planning_uses_the_chosen_portfolio_not_the_newest(client, planner, deputy):
    """With a newer portfolio present, ?portfolio= plans a meeting of the chosen one: its
    proposals only are offered, and the meeting is saved under it."""
    first = PortfolioFactory()
    mine = ProposalFactory(portfolio=first, last_update_at=None)
    pledges = PortfolioFactory(code="pledges", name="민선8기 공약", year=first.year + 5)
    theirs = ProposalFactory(portfolio=pledges, last_update_at=None)
    client.force_login(planner)
    url = reverse("reviews:meeting_plan")
    # No choice yet: the newest portfolio.
    response = client.get(url)
    assert list(response.context["form"].fields["proposals"].queryset) == [theirs]
    response = client.get(url, {"portfolio": first.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["proposals"].queryset) == [mine]
    assert form.initial["portfolio"] == first and set(form.initial["proposals"]) == {mine.pk}
    assert list(form.fields["portfolio"].queryset) == [first]
    response = client.post(
        f"{url}?portfolio={first.pk}",
        {
            "portfolio": first.pk,
            "title": "미래 신성장 점검",
            "held_on": "2026-07-20",
            "chair": deputy.pk,
            "proposals": [mine.pk],
        },
    )
    meeting = ReviewMeeting.objects.get(title="미래 신성장 점검")
    assert response.status_code == 302 and meeting.portfolio == first
    # Another portfolio's proposal cannot be put on the agenda.
    response = client.post(
        f"{url}?portfolio={first.pk}",
        {
            "portfolio": first.pk,
            "title": "섞인 보고회",
            "held_on": "2026-07-21",
            "proposals": [theirs.pk],
        },
    )
    assert response.status_code == 200 and not ReviewMeeting.objects.filter(title="섞인 보고회")
    # The meeting list is the chosen portfolio's (remembered from the plan page's URL).
    listed = client.get(reverse("reviews:meeting_list")).context["object_list"]
    assert [m.portfolio_id for m in listed] == [first.pk]
