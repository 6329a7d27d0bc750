"""One action on a meeting, one history record: the user, the reason, the attending departments.

simple-history writes a record on save and one more on every `m2m_changed` signal; the
services change the attending departments (참석 부서) with those paused and write one record.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from core.conflicts import VersionConflict
from reviews.models import MeetingAmendment, ReviewMeeting
from reviews.services import (
    meeting_amend,
    meeting_close,
    meeting_create,
    meeting_plan,
    meeting_update,
)
from tests.admin_forms import form_data
from tests.factories import DepartmentFactory, PortfolioFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments(db):
    return {name: DepartmentFactory(name=name) for name in ("환경과", "항만과", "투자유치과")}


def snapshot(record) -> list[str]:
    """The attending departments a historical record holds, by name."""
    return sorted(record.attending_departments.values_list("department__name", flat=True))


def attending_change(record) -> tuple[list[str], list[str]] | None:
    """The attending departments before and after `record`, if it changed them."""
    delta = record.diff_against(record.prev_record, included_fields=["attending_departments"])
    if not delta.changes:
        return None
    (change,) = delta.changes
    return (
        sorted(row["department"] for row in change.old),
        sorted(row["department"] for row in change.new),
    )


def plan(planner, departments, **kwargs):
    portfolio = PortfolioFactory()
    return meeting_plan(
        portfolio=portfolio,
        title="3분기 점검 보고회",
        held_on=datetime.date(2026, 7, 20),
        user=planner,
        proposals=[ProposalFactory(portfolio=portfolio)],
        **kwargs,
    )


def test_planning_a_meeting_writes_one_record_by_the_planner_with_the_departments(
    planner, departments
):
    meeting = plan(planner, departments, attending_departments=[departments["항만과"]])
    record = meeting.history.get()
    assert (record.history_type, record.history_user) == ("+", planner)
    assert record.history_change_reason is None
    assert snapshot(record) == ["항만과"]


def test_creating_with_several_departments_writes_one_record(planner, departments):
    meeting = meeting_create(
        portfolio=PortfolioFactory(),
        title="보고회",
        held_on=datetime.date(2026, 7, 20),
        attending_departments=list(departments.values()),
        user=planner,
    )
    record = meeting.history.get()
    assert (record.history_type, record.history_user) == ("+", planner)
    assert snapshot(record) == ["투자유치과", "항만과", "환경과"]


def test_the_plan_page_writes_one_record_by_the_planner(client, planner, departments):
    portfolio = PortfolioFactory()
    client.force_login(planner)
    response = client.post(
        reverse("reviews:meeting_plan"),
        {
            "portfolio": portfolio.pk,
            "title": "3분기 점검 보고회",
            "held_on": "2026-07-20",
            "attending_departments": [departments["환경과"].pk, departments["항만과"].pk],
        },
    )
    assert response.status_code == 302
    record = ReviewMeeting.objects.get().history.get()
    assert (record.history_type, record.history_user) == ("+", planner)
    assert snapshot(record) == ["항만과", "환경과"]


def test_editing_attendance_writes_one_record_with_old_and_new(planner, departments):
    d = departments
    meeting = plan(planner, departments, attending_departments=[d["환경과"], d["항만과"]])
    editor = UserFactory(role=Role.PLANNING)
    updated = meeting_update(
        meeting=meeting,
        user=editor,
        expected_version=1,
        location=" 시청 상황실 ",
        attending_departments=[d["환경과"], d["투자유치과"]],
    )
    assert meeting.history.count() == 2
    record = meeting.history.latest()
    assert (record.history_type, record.history_user, record.version) == ("~", editor, 2)
    assert (record.location, updated.location, updated.version) == ("시청 상황실",) * 2 + (2,)
    assert record.history_change_reason is None
    assert snapshot(record) == ["투자유치과", "환경과"]
    assert attending_change(record) == (
        sorted([d["환경과"].pk, d["항만과"].pk]),
        sorted([d["환경과"].pk, d["투자유치과"].pk]),
    )


def test_removing_every_department_writes_one_record_without_them(planner, departments):
    meeting = plan(planner, departments, attending_departments=[departments["항만과"]])
    meeting_update(meeting=meeting, user=planner, expected_version=1, attending_departments=[])
    assert meeting.history.count() == 2
    assert snapshot(meeting.history.latest()) == []


def test_an_update_refuses_a_stale_version_or_a_closed_meeting(planner, departments):
    meeting = plan(planner, departments)
    with pytest.raises(VersionConflict) as stale:
        meeting_update(meeting=meeting, user=planner, expected_version=7, title="다른 제목")
    assert stale.value.current.version == 1
    meeting_close(meeting=meeting, user=planner)
    with pytest.raises(ValidationError):
        meeting_update(
            meeting=meeting,
            user=planner,
            expected_version=2,
            attending_departments=[departments["항만과"]],
        )
    meeting.refresh_from_db()
    assert (meeting.title, list(meeting.attending_departments.all())) == ("3분기 점검 보고회", [])
    assert meeting.history.count() == 2  # planned, closed


def test_closing_keeps_the_departments_in_its_one_record(planner, departments):
    meeting = plan(planner, departments, attending_departments=[departments["환경과"]])
    meeting_close(meeting=meeting, user=planner)
    record = meeting.history.latest()
    assert meeting.history.count() == 2
    assert (record.state, record.history_user, snapshot(record)) == ("closed", planner, ["환경과"])
    assert attending_change(record) is None


def test_an_amendment_writes_one_record_with_its_reason_and_keeps_the_departments(
    planner, departments
):
    """The amendment path is unchanged: one record and one MeetingAmendment, versions bumped."""
    meeting = plan(planner, departments, attending_departments=[departments["항만과"]])
    meeting = meeting_close(meeting=meeting, user=planner)
    before = meeting.history.count()
    amendment = meeting_amend(
        meeting=meeting,
        user=planner,
        reason="오타 정정",
        expected_version=meeting.version,
        minutes="고친 회의록",
    )
    assert meeting.history.count() == before + 1
    record = meeting.history.latest()
    assert (record.history_user, record.history_change_reason) == (planner, "오타 정정")
    assert (record.minutes, record.version) == ("고친 회의록", 3)
    assert snapshot(record) == ["항만과"]
    assert attending_change(record) is None
    assert MeetingAmendment.objects.get() == amendment
    assert amendment.changes == [
        {"field": "minutes", "label": "회의록", "old": "", "new": "고친 회의록"}
    ]


def test_the_admin_writes_one_record_on_creation_and_one_per_edit(
    admin_client, admin_user, departments
):
    portfolio = PortfolioFactory()
    response = admin_client.post(
        reverse("admin:reviews_reviewmeeting_add"),
        {
            "portfolio": portfolio.pk,
            "title": "관리자 등록 보고회",
            "held_on": "2026-07-20",
            "attending_departments": [departments["항만과"].pk],
            "data_source": "manual",
            "reviews-TOTAL_FORMS": "0",
            "reviews-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    meeting = ReviewMeeting.objects.get(title="관리자 등록 보고회")
    record = meeting.history.get()
    assert (record.history_type, record.history_user) == ("+", admin_user)
    assert snapshot(record) == ["항만과"]

    url = reverse("admin:reviews_reviewmeeting_change", args=[meeting.pk])
    data = form_data(admin_client.get(url))
    data["attending_departments"] = [str(departments["환경과"].pk)]
    assert admin_client.post(url, data).status_code == 302
    assert meeting.history.count() == 2
    record = meeting.history.latest()
    assert (record.history_type, record.history_user, record.version) == ("~", admin_user, 2)
    assert snapshot(record) == ["환경과"]
    assert attending_change(record) == ([departments["항만과"].pk], [departments["환경과"].pk])

    data = form_data(admin_client.get(url))  # nothing changed: nothing written
    assert admin_client.post(url, data).status_code == 302
    assert meeting.history.count() == 2


def test_the_admin_history_shows_attendance_by_name_in_fixed_queries(
    admin_client, planner, departments, django_assert_max_num_queries
):
    d = departments
    sets = [[d["환경과"], d["항만과"]], [d["환경과"], d["투자유치과"]], [], [d["항만과"]]]

    def build(edits):
        meeting = plan(planner, departments, attending_departments=sets[0])
        for i in range(edits):
            meeting_update(
                meeting=meeting,
                user=planner,
                expected_version=i + 1,
                title=f"보고회 {i}",
                attending_departments=sets[(i + 1) % len(sets)],
            )
        return reverse("admin:reviews_reviewmeeting_history", args=[meeting.pk])

    small, large = build(3), build(12)
    admin_client.get(small)  # warm the content-type cache
    with django_assert_max_num_queries(30) as small_ctx:
        html = admin_client.get(small).content.decode()
    with django_assert_max_num_queries(30) as large_ctx:
        assert admin_client.get(large).status_code == 200
    assert len(small_ctx.captured_queries) == len(large_ctx.captured_queries)
    assert "<strong>참석 부서:</strong>\n                    항만과, 환경과" in html
    assert "&nbsp;&rarr;&nbsp;&nbsp;투자유치과, 환경과" in html
    assert "&nbsp;&rarr;&nbsp;&nbsp;없음" in html
    assert "<strong>회의명:</strong>" in html
