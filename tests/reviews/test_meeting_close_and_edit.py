"""Closing a meeting only after it was held and after a confirmation; editing an open meeting;
the minutes' place and attendance; carried-over follow-ups of every earlier closed meeting."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reviews.models import ActionState, Feasibility, MeetingState, Reminder, ReviewMeeting
from reviews.selectors import agenda_suggestions, carried_over_actions
from reviews.services import meeting_close, meeting_update
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
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

SEOUL = datetime.timezone(datetime.timedelta(hours=9))


@pytest.fixture
def deputy(db):
    return UserFactory(role=Role.DEPUTY_MAYOR)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _meeting_with_agenda(held_on, *, pending=2, reviewed=1, open_actions=2):
    meeting = MeetingFactory(held_on=held_on)
    for _ in range(pending):
        ReviewFactory(meeting=meeting)
    for _ in range(reviewed):
        ReviewFactory(meeting=meeting, feasibility=Feasibility.FEASIBLE)
    for _ in range(open_actions):
        ActionFactory(meeting=meeting)
    ActionFactory(
        meeting=meeting,
        state=ActionState.DONE,
        completion_note="완료",
        completed_at=datetime.datetime(2026, 3, 1, tzinfo=SEOUL),
    )
    return meeting


# --- closing: the service's rules ------------------------------------------------------------


def test_close_refuses_a_meeting_dated_after_today_in_seoul(planner):
    # 2026-03-10 23:30 in Seoul (14:30 UTC): the meeting of the 11th has not happened yet.
    meeting = MeetingFactory(held_on=datetime.date(2026, 3, 11))
    late_evening = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=SEOUL)
    with time_machine.travel(late_evening, tick=False), pytest.raises(ValidationError) as refused:
        meeting_close(meeting=meeting, user=planner)
    assert refused.value.code == "future"
    assert "2026-03-11" in refused.value.messages[0]
    assert "아직 오지 않은 보고회는 종료할 수 없습니다" in refused.value.messages[0]
    meeting.refresh_from_db()
    assert meeting.state != MeetingState.CLOSED and not Reminder.objects.exists()
    # 00:10 on the 11th in Seoul is still the 10th in UTC: the Seoul date decides.
    with time_machine.travel(datetime.datetime(2026, 3, 11, 0, 10, tzinfo=SEOUL), tick=False):
        closed = meeting_close(meeting=meeting, user=planner)
    assert closed.state == MeetingState.CLOSED


def test_close_refuses_more_unreviewed_items_than_the_user_accepted(planner):
    meeting = _meeting_with_agenda(datetime.date(2026, 3, 2), pending=2)
    with time_machine.travel(datetime.datetime(2026, 3, 3, 10, tzinfo=SEOUL), tick=False):
        for accepted in (0, 1):
            with pytest.raises(ValidationError) as refused:
                meeting_close(meeting=meeting, user=planner, accepted_unreviewed=accepted)
            assert refused.value.code == "unreviewed"
            assert "미검토 안건이 2건 있습니다" in refused.value.messages[0]
        assert not Reminder.objects.exists()
        closed = meeting_close(meeting=meeting, user=planner, accepted_unreviewed=2)
    assert closed.state == MeetingState.CLOSED


# --- closing: the confirmation page ----------------------------------------------------------


def test_the_close_button_leads_to_a_confirmation_that_says_what_closing_does(client, deputy):
    meeting = _meeting_with_agenda(datetime.date(2026, 3, 2), pending=31, reviewed=1)
    client.force_login(deputy)
    detail = client.get(meeting.get_absolute_url()).content.decode()
    close_url = reverse("reviews:meeting_close", args=[meeting.pk])
    assert f'href="{close_url}"' in detail
    assert f'action="{close_url}"' not in detail  # no one-click close form any more
    with time_machine.travel(datetime.datetime(2026, 3, 3, 10, tzinfo=SEOUL), tick=False):
        response = client.get(close_url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "종료는 되돌릴 수 없습니다." in page
    assert "정정으로만 고칠 수 있습니다" in page
    assert "주재자 요약이 한 번씩 발송되고, 후속조치 기한 알림이 시작됩니다" in page
    assert "안건 32건 중 31건" in page and "미완료 2건" in page
    assert "미검토 31건이 있어도 종료합니다" in page
    assert 'type="checkbox" name="confirm_unreviewed"' in page
    meeting.refresh_from_db()
    assert meeting.state != MeetingState.CLOSED


def test_the_unreviewed_confirmation_is_enforced_on_the_server(client, planner):
    meeting = _meeting_with_agenda(datetime.date(2026, 3, 2), pending=1)
    url = reverse("reviews:meeting_close", args=[meeting.pk])
    client.force_login(planner)
    with time_machine.travel(datetime.datetime(2026, 3, 3, 10, tzinfo=SEOUL), tick=False):
        # a crafted POST without the tick (the old one-click form) is refused
        for data in ({}, {"unreviewed_seen": "1"}):
            refused = client.post(url, data)
            assert refused.status_code == 200
            page = refused.content.decode()
            assert "미검토 안건이 1건 있습니다" in page
            assert 'aria-describedby="confirm_unreviewed_errors"' in page
        # an item added after the page was loaded asks again
        ReviewFactory(meeting=meeting)
        again = client.post(url, {"confirm_unreviewed": "on", "unreviewed_seen": "1"})
        assert "미검토 안건이 2건 있습니다" in again.content.decode()
        meeting.refresh_from_db()
        assert meeting.state != MeetingState.CLOSED and not Reminder.objects.exists()
        done = client.post(url, {"confirm_unreviewed": "on", "unreviewed_seen": "2"})
    assert done.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CLOSED


def test_a_fully_reviewed_meeting_closes_without_the_tick(client, planner):
    meeting = _meeting_with_agenda(datetime.date(2026, 3, 2), pending=0)
    client.force_login(planner)
    with time_machine.travel(datetime.datetime(2026, 3, 3, 10, tzinfo=SEOUL), tick=False):
        url = reverse("reviews:meeting_close", args=[meeting.pk])
        assert "confirm_unreviewed" not in client.get(url).content.decode()
        assert client.post(url, {"unreviewed_seen": "0"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CLOSED


def test_a_future_meeting_cannot_be_closed_from_its_page(client, planner):
    meeting = _meeting_with_agenda(datetime.date(2026, 3, 20), pending=0)
    url = reverse("reviews:meeting_close", args=[meeting.pk])
    client.force_login(planner)
    with time_machine.travel(datetime.datetime(2026, 3, 3, 10, tzinfo=SEOUL), tick=False):
        page = client.get(url).content.decode()
        assert "아직 오지 않은 보고회는 종료할 수 없습니다" in page
        assert "보고회 종료</button>" not in page  # no close form at all
        refused = client.post(url, {"unreviewed_seen": "0"})
    assert "아직 오지 않은 보고회는 종료할 수 없습니다" in refused.content.decode()
    meeting.refresh_from_db()
    assert meeting.state != MeetingState.CLOSED and not Reminder.objects.exists()


def test_heads_and_viewers_cannot_open_the_close_confirmation(client, head, viewer):
    meeting = MeetingFactory()
    url = reverse("reviews:meeting_close", args=[meeting.pk])
    for user in (head, viewer):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"confirm_unreviewed": "on"}).status_code == 403


# --- editing an open meeting -----------------------------------------------------------------


def _edit_data(meeting, **changes):
    """The edit form as the browser posts it: the fields, and (show_hidden_initial) the
    values the page was loaded with, so the server knows what the user changed."""
    loaded = {
        "title": meeting.title,
        "held_on": meeting.held_on.isoformat(),
        "location": meeting.location,
        "chair": meeting.chair_id or "",
        "attending_departments": [d.pk for d in meeting.attending_departments.all()],
        "attendee_count": meeting.attendee_count or "",
        "minutes": meeting.minutes,
    }
    initial = {f"initial-{name}": value for name, value in loaded.items()}
    return {**loaded, **initial, "version": meeting.version, **changes}


def test_planning_staff_write_the_minutes_of_an_open_meeting(client, planner, deputy):
    meeting = MeetingFactory(held_on=datetime.date(2026, 7, 1))
    dept = DepartmentFactory(name="투자유치과")
    url = reverse("reviews:meeting_edit", args=[meeting.pk])
    client.force_login(planner)
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{url}"' in detail and "보고회 정보·회의록 수정" in detail
    form = client.get(url)
    assert form.status_code == 200
    for label in ("회의명", "개최일", "장소", "참석 부서", "참석 부서장 수", "회의록"):
        assert label in form.content.decode()
    response = client.post(
        url,
        _edit_data(
            meeting,
            title="7월 점검 보고회",
            held_on="2026-07-02",
            location="시청 상황실",
            chair=deputy.pk,
            attending_departments=[dept.pk],
            attendee_count="12",
            minutes="35개 사업 검토",
        ),
    )
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert (meeting.title, meeting.held_on, meeting.location, meeting.minutes) == (
        "7월 점검 보고회",
        datetime.date(2026, 7, 2),
        "시청 상황실",
        "35개 사업 검토",
    )
    assert (meeting.chair, meeting.attendee_count, meeting.version) == (deputy, 12, 2)
    assert list(meeting.attending_departments.all()) == [dept]
    assert meeting.history.first().history_user == planner


def test_an_edit_with_errors_shows_korean_messages_next_to_the_field(client, planner):
    meeting = MeetingFactory(title="원래 제목")
    client.force_login(planner)
    response = client.post(
        reverse("reviews:meeting_edit", args=[meeting.pk]), _edit_data(meeting, title="")
    )
    assert response.status_code == 200
    assert 'id="id_title_error"' in response.content.decode()
    assert "필수 항목입니다" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "원래 제목" and meeting.version == 1


def test_an_edit_conflict_answers_409_and_merges_instead_of_reverting(client, planner):
    """The other user's title survives a re-save; the user's own minutes are kept."""
    meeting = MeetingFactory(title="원래 제목")
    url = reverse("reviews:meeting_edit", args=[meeting.pk])
    client.force_login(planner)
    mine = _edit_data(meeting, minutes="내가 쓴 회의록")  # loaded at version 1
    meeting_update(meeting=meeting, user=UserFactory(), expected_version=1, title="동료의 제목")
    response = client.post(url, mine)
    page = response.content.decode()
    assert response.status_code == 409
    assert "다른 사용자가 먼저 이 보고회를 수정했습니다" in page
    form = response.context["form"]
    assert form["minutes"].value() == "내가 쓴 회의록"  # changed by the user: kept
    assert form["title"].value() == "동료의 제목"  # not touched by the user: the stored one
    assert form.conflicting_fields == []
    meeting.refresh_from_db()
    assert (meeting.title, meeting.minutes, meeting.version) == ("동료의 제목", "", 2)
    assert str(form["version"].value()) == "2"
    assert client.post(url, form.data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.minutes) == ("동료의 제목", "내가 쓴 회의록")


def test_an_edit_conflict_on_the_same_field_is_marked(client, planner):
    meeting = MeetingFactory(title="원래 제목")
    url = reverse("reviews:meeting_edit", args=[meeting.pk])
    client.force_login(planner)
    mine = _edit_data(meeting, title="내 제목")
    meeting_update(meeting=meeting, user=UserFactory(), expected_version=1, title="동료의 제목")
    response = client.post(url, mine)
    assert response.status_code == 409
    form = response.context["form"]
    assert form["title"].value() == "내 제목"
    assert [f.name for f in form.conflicting_fields] == ["title"]
    assert "동료의 제목" in response.content.decode()


@pytest.mark.parametrize("role", [Role.DEPUTY_MAYOR, Role.VIEWER, Role.DEPARTMENT_HEAD])
def test_only_planning_staff_edit_a_meeting(client, role):
    meeting = MeetingFactory(title="원래 제목")
    user = HeadFactory() if role == Role.DEPARTMENT_HEAD else UserFactory(role=role)
    url = reverse("reviews:meeting_edit", args=[meeting.pk])
    client.force_login(user)
    assert url not in client.get(meeting.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url, _edit_data(meeting, title="몰래 수정")).status_code == 403
    meeting.refresh_from_db()
    assert meeting.title == "원래 제목"


def test_a_closed_meeting_sends_its_edit_pages_to_the_correction(client, planner):
    meeting = MeetingFactory(held_on=datetime.date(2026, 3, 2))
    review = ReviewFactory(meeting=meeting)
    meeting_close(meeting=meeting, user=planner)
    client.force_login(planner)
    edit = client.get(reverse("reviews:meeting_edit", args=[meeting.pk]), follow=True)
    assert edit.redirect_chain[0][0] == reverse("reviews:meeting_amend", args=[meeting.pk])
    assert "종료된 보고회는 수정할 수 없습니다" in edit.content.decode()
    record = client.get(reverse("reviews:review_record", args=[meeting.pk, review.pk]))
    assert record.status_code == 302
    assert record["Location"] == reverse(
        "reviews:meeting_amend_item", args=[meeting.pk, "review", review.pk]
    )
    assert client.get(meeting.get_absolute_url()).context["can_edit"] is False


# --- minutes: place and attendance -----------------------------------------------------------


@pytest.mark.parametrize(
    ("departments", "count", "expected"),
    [([], 15, "부서장 15명"), (["항만과", "환경과"], 15, "항만과, 환경과 · 부서장 15명")],
)
def test_minutes_show_the_place_and_attendance_of_the_detail_page(
    client, planner, departments, count, expected
):
    meeting = MeetingFactory(
        held_on=datetime.date(2023, 7, 24), location="광양시청 상황실", attendee_count=count
    )
    meeting.attending_departments.set([DepartmentFactory(name=n) for n in departments])
    client.force_login(planner)
    for url in (meeting.get_absolute_url(), reverse("reviews:meeting_minutes", args=[meeting.pk])):
        page = client.get(url).content.decode()
        assert expected in page and "광양시청 상황실" in page, url
        assert "기록 없음" not in page, url
    pdf = client.get(reverse("reviews:meeting_minutes_pdf", args=[meeting.pk])).content
    text = _squeeze(pdf_text(pdf))
    assert _squeeze(expected) in text and "광양시청상황실" in text
    assert "기록없음" not in text


def test_minutes_tables_scroll_inside_a_wrapper(client, planner):
    meeting = MeetingFactory()
    client.force_login(planner)
    page = client.get(reverse("reviews:meeting_minutes", args=[meeting.pk])).content.decode()
    assert page.count('<table class="data stack">') == 2  # labelled cells on a phone
    assert page.count('<div class="table-wrap"><table class="data stack">') == 2


# --- carried-over follow-ups -----------------------------------------------------------------


def test_carried_over_lists_open_actions_of_every_earlier_closed_meeting_overdue_first(
    planner, django_assert_num_queries
):
    portfolio = PortfolioFactory()

    def closed_meeting(held_on, *dues):
        meeting = MeetingFactory(portfolio=portfolio, held_on=held_on)
        actions = [ActionFactory(meeting=meeting, due_date=due) for due in dues]
        ActionFactory(
            meeting=meeting,
            state=ActionState.DONE,
            completion_note="완료",
            completed_at=datetime.datetime(2026, 6, 1, tzinfo=SEOUL),
        )
        meeting_close(meeting=meeting, user=planner)
        return actions

    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, tzinfo=SEOUL), tick=False):
        [old_overdue] = closed_meeting(datetime.date(2026, 1, 10), datetime.date(2026, 2, 1))
        later, overdue = closed_meeting(
            datetime.date(2026, 4, 1), datetime.date(2026, 7, 30), datetime.date(2026, 5, 1)
        )
        [recent] = closed_meeting(datetime.date(2026, 6, 10), datetime.date(2026, 6, 30))
        MeetingFactory(portfolio=portfolio, held_on=datetime.date(2026, 6, 12))  # still open
        ActionFactory(meeting__portfolio=portfolio, meeting__held_on=datetime.date(2026, 6, 1))
        ActionFactory(meeting__held_on=datetime.date(2026, 1, 1))  # another portfolio
        current = MeetingFactory(portfolio=portfolio, held_on=datetime.date(2026, 6, 20))
        with django_assert_num_queries(1):
            carried = list(carried_over_actions(current))
        assert carried == [old_overdue, overdue, recent, later]
        assert [a.is_overdue for a in carried] == [True, True, False, False]
        # a meeting's page does not list actions of meetings held after it
        first = ReviewMeeting.objects.get(held_on=datetime.date(2026, 1, 10))
        assert list(carried_over_actions(first)) == []


def test_the_plan_form_suggests_proposals_with_open_actions_of_older_meetings(planner):
    portfolio = PortfolioFactory()
    # fresh and confident: suggested only because of the old meeting's open action
    old_proposal = ProposalFactory(portfolio=portfolio, last_update_at=timezone.now(), confidence=5)
    older = MeetingFactory(portfolio=portfolio, held_on=datetime.date(2026, 1, 10))
    ActionFactory(meeting=older, proposal=old_proposal)
    meeting_close(meeting=older, user=planner)
    meeting_close(
        meeting=MeetingFactory(portfolio=portfolio, held_on=datetime.date(2026, 3, 10)),
        user=planner,
    )
    suggested = {s.proposal.pk: s.reasons for s in agenda_suggestions(portfolio)}
    assert "기한 지난 후속조치" in [str(r) for r in suggested[old_proposal.pk]]


def _page_data(response) -> dict:
    """What the browser would post from the edit page: every named input, checked boxes and
    selected options included, several values per name where there are several."""
    forms = re.findall(r"<form[^>]*>.*?</form>", response.content.decode(), re.S)
    html = next(f for f in forms if 'name="version"' in f)  # not the header's sign-out form
    data: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        if 'type="checkbox"' in tag and " checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data.setdefault(name.group(1), []).append(value.group(1) if value else "")
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen or [""]
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = [body.removeprefix("\n")]
    return data


def test_an_attendance_change_by_another_user_survives_my_conflicting_save(client, planner):
    """The checkbox group carries the loaded ticks too (hidden initial inputs), so a 409
    re-render shows the other user's attendance and a re-save keeps it."""
    stays, leaves = DepartmentFactory(name="투자유치과"), DepartmentFactory(name="건설과")
    meeting = MeetingFactory(location="시청 상황실")
    meeting.attending_departments.set([stays, leaves])
    url = reverse("reviews:meeting_edit", args=[meeting.pk])
    client.force_login(planner)
    loaded = _page_data(client.get(url))
    loaded_ticks = sorted(loaded["initial-attending_departments"])
    assert loaded_ticks == sorted([str(stays.pk), str(leaves.pk)])
    meeting_update(
        meeting=meeting, user=UserFactory(), expected_version=1, attending_departments=[stays]
    )
    response = client.post(url, {**loaded, "location": "시청 대회의실"})
    assert response.status_code == 409
    again = _page_data(response)
    assert again["attending_departments"] == [str(stays.pk)]  # theirs: I never touched it
    assert again["location"] == ["시청 대회의실"]  # mine
    assert client.post(url, again).status_code == 302
    meeting.refresh_from_db()
    assert list(meeting.attending_departments.all()) == [stays]
    assert meeting.location == "시청 대회의실"


def test_the_saved_now_box_of_a_409_shows_what_is_stored_not_my_input(client, planner):
    meeting = MeetingFactory(title="원래 제목")
    url = reverse("reviews:meeting_edit", args=[meeting.pk])
    client.force_login(planner)
    loaded = _page_data(client.get(url))
    meeting_update(meeting=meeting, user=UserFactory(), expected_version=1, title="제목-A")
    response = client.post(url, {**loaded, "title": "제목-B"})
    assert response.status_code == 409
    box = response.content.decode().split("지금 저장된 내용", 1)[1].split("</section>", 1)[0]
    assert "제목-A" in box and "제목-B" not in box
