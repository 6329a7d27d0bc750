"""A department head's whole workflow in real Chromium, and axe-core on every main page."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.models import Role
from tests.factories import (
    ActionFactory,
    HeadFactory,
    MeetingFactory,
    ProposalFactory,
    ReviewFactory,
    UserFactory,
)

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(db):
    head = HeadFactory(first_name="김부서장")
    mine = ProposalFactory(
        title="그린수소 생산기지 구축",
        summary="수소 생산과 저장",
        lead_department=head.department,
    )
    ProposalFactory(title="수소 충전소 확충", summary="다른 부서")
    ProposalFactory(title="섬진강 관광벨트", lead_department=head.department)
    meeting = MeetingFactory(
        portfolio=mine.portfolio,
        title="1차 보고회",
        held_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    ReviewFactory(meeting=meeting, proposal=mine, gaps="재원 계획 미흡")
    action = ActionFactory(
        meeting=meeting,
        proposal=mine,
        owner_department=head.department,
        description="국비 공모 사업계획서 제출",
        due_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    return head, mine, action


def test_head_filters_updates_status_marks_action_done_and_sees_both(page, live_server, scene):
    """The main journey: log in, filter to own proposals, post a status update, mark the
    follow-up done (htmx), and find both on the proposal's page."""
    head, mine, action = scene
    # logs in and lands on "my department", with the overdue action highlighted
    login(page, live_server, head)
    assert page.url.endswith("/proposals/my-department/")
    assert page.get_by_role("heading", name=re.compile("내 부서")).is_visible()
    assert page.locator(f"#action-{action.pk}.overdue").is_visible()
    assert_accessible(page)

    # filters the list to their department's hydrogen proposals
    page.get_by_role("link", name="사업 목록").click()
    page.get_by_label("검색어").fill("수소")
    page.get_by_label("부서(주관·협조)").select_option(label=head.department.name)
    page.get_by_role("button", name="적용").click()
    page.wait_for_load_state()
    assert f"department={head.department.pk}" in page.url and "q=" in page.url
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1
    assert rows.first.get_by_role("link", name="그린수소 생산기지 구축").is_visible()
    assert_accessible(page)

    # posts a status update
    rows.first.get_by_role("link", name="그린수소 생산기지 구축").click()
    page.get_by_role("link", name="추진 현황 갱신").click()
    assert_accessible(page)
    page.get_by_label("추진 상태").select_option(label="정상추진")
    page.get_by_label("추진 신뢰도").select_option(label="연녹색(양호)")
    page.get_by_label("진척률(%)").fill("60")
    page.get_by_label("추진 내용(변동 사항)").fill("수소 배관 실시설계 착수")
    page.get_by_role("button", name="저장").click()
    page.wait_for_load_state()
    assert page.get_by_text("추진 현황을 저장했습니다.").is_visible()

    # marks the action done from "my department" (htmx swaps the row in place)
    page.get_by_role("link", name="내 부서").click()
    page.wait_for_load_state()
    row = page.locator(f"#action-{action.pk}")
    assert page.evaluate("typeof htmx") == "object", "htmx must load from the static files"
    row.get_by_label("완료 내용").fill("사업계획서 제출 완료")
    row.get_by_role("button", name="완료 처리").click()
    page.locator(f"#action-{action.pk} .action-state-done").wait_for()
    assert page.url.endswith("/proposals/my-department/")

    # sees both on the detail page
    page.goto(f"{live_server.url}{mine.get_absolute_url()}")
    timeline = page.locator("#timeline")
    assert timeline.get_by_text("수소 배관 실시설계 착수").is_visible()
    actions = page.locator("#actions")
    assert actions.get_by_text("사업계획서 제출 완료").is_visible()
    assert page.locator("#audit").get_by_text("정상추진").first.is_visible()
    assert page.locator("#reviews").get_by_text("재원 계획 미흡").is_visible()
    assert_accessible(page)


def test_marking_done_works_without_javascript(browser, live_server, scene):
    """With JavaScript off, the row's form posts and returns to "my department"."""
    head, _mine, action = scene
    context = browser.new_context(bypass_csp=True, locale="ko-KR", java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server, head)
        page.locator(f"#action-{action.pk}").get_by_label("완료 내용").fill("무JS 완료")
        page.locator(f"#action-{action.pk}").get_by_role("button", name="완료 처리").click()
        page.wait_for_load_state()
        assert page.url.endswith("/proposals/my-department/")
        assert page.get_by_text("후속조치를 완료 처리했습니다.").is_visible()
        assert page.locator(f"#action-{action.pk}").count() == 0
    finally:
        context.close()


def test_validation_errors_are_accessible_and_in_korean(page, live_server, scene):
    """A '완료' at 60% shows the Korean error beside the field, and the page passes axe."""
    head, mine, _action = scene
    login(page, live_server, head)
    page.goto(f"{live_server.url}/proposals/{mine.pk}/status/")
    page.get_by_label("추진 상태").select_option(label="완료")
    page.get_by_label("진척률(%)").fill("60")
    page.get_by_role("button", name="저장").click()
    page.wait_for_load_state()
    assert page.locator("#id_progress_error").get_by_text("진척률이 100%여야").is_visible()
    assert page.get_by_label("진척률(%)").get_attribute("aria-invalid") == "true"
    assert_accessible(page)


def test_action_page_and_due_change_request(page, live_server, scene):
    """The action page is accessible and a head can ask for a new due date there."""
    head, _mine, action = scene
    login(page, live_server, head)
    page.goto(f"{live_server.url}{action.get_absolute_url()}")
    assert_accessible(page)
    new_date = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    page.get_by_label("요청 기한").fill(new_date)
    page.get_by_label("사유").fill("중앙부처 공모 일정 연기")
    page.get_by_role("button", name="기한 변경 요청").click()
    page.wait_for_load_state()
    assert page.get_by_text("기한 변경을 요청했습니다.").is_visible()
    assert page.get_by_text("검토를 기다리고 있습니다").is_visible()


def test_account_pages_are_accessible(page, live_server, db):
    """Planning's account list, creation form and role form pass axe."""
    planner = UserFactory(role=Role.PLANNING)
    login(page, live_server, planner)
    page.goto(f"{live_server.url}/accounts/users/")
    assert_accessible(page)
    page.get_by_role("link", name="새 계정 만들기").click()
    assert_accessible(page)
    page.get_by_label("아이디").fill("newofficial")
    page.get_by_label("이름").fill("새 직원")
    page.locator("#id_password1").fill("short")
    page.get_by_label("비밀번호 확인").fill("short")
    page.get_by_role("button", name="계정 만들기").click()
    page.wait_for_load_state()
    assert page.locator("#id_password1_error").is_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/accounts/users/{planner.pk}/")
    assert_accessible(page)


def test_my_department_fits_a_phone_and_starts_with_a_skip_link(phone_page, live_server, scene):
    """On a phone the page does not scroll sideways; Tab reaches the skip link first."""
    head, _mine, _action = scene
    login(phone_page, live_server, head)
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
        "the page scrolls sideways on a phone"
    )
    assert_accessible(phone_page)
    phone_page.keyboard.press("Tab")
    assert phone_page.evaluate("document.activeElement.className") == "skip-link"


def test_a_hold_reason_is_cleared_when_the_status_leaves_hold(page, live_server):
    """보류 → 정상추진 without touching the reason: the box hides, and the saved update has none."""
    from projects.models import StatusUpdate
    from projects.services import proposal_update_status

    head = HeadFactory()
    proposal = ProposalFactory(title="섬진강 관광벨트", lead_department=head.department)
    proposal_update_status(
        proposal=proposal,
        user=head,
        expected_version=proposal.version,
        status="on_hold",
        progress=10,
        reason="예산 미확보로 보류",
    )
    login(page, live_server, head)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/status/")
    reason = page.locator("#id_reason")
    assert reason.is_visible() and reason.input_value() == "예산 미확보로 보류"
    page.get_by_label("추진 상태").select_option("on_track")
    assert reason.is_hidden()
    page.get_by_label("추진 상태").select_option("on_hold")
    assert reason.is_visible() and reason.input_value() == "예산 미확보로 보류"
    page.get_by_label("추진 상태").select_option("on_track")
    assert_accessible(page)
    page.get_by_role("button", name="저장").click()
    page.wait_for_load_state()
    latest = StatusUpdate.objects.filter(proposal=proposal).latest("created_at", "id")
    assert (latest.status, latest.reason) == ("on_track", "")
