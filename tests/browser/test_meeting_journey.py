"""Planning staff plan and close a meeting in real Chromium; the pages pass axe-core."""

import pytest

from accounts.models import Role
from reviews.models import MeetingState, Reminder, ReviewMeeting
from tests.factories import (
    HeadFactory,
    MeetingFactory,
    PortfolioFactory,
    ProposalFactory,
    ReviewFactory,
    UserFactory,
)

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_planner_plans_records_and_closes_a_meeting(page, live_server):
    planner = UserFactory(role=Role.PLANNING)
    UserFactory(role=Role.DEPUTY_MAYOR, first_name="부시장")
    portfolio = PortfolioFactory()
    head = HeadFactory()
    ProposalFactory(portfolio=portfolio, title="그린수소 생산기지 구축", last_update_at=None)
    login(page, live_server, planner)
    page.goto(f"{live_server.url}/reviews/meetings/new/")
    assert page.get_by_label("그린수소 생산기지 구축").is_checked()  # stale: pre-selected
    assert_accessible(page)
    page.get_by_label("회의명").fill("미래 신성장 동력 보고회")
    page.get_by_label("개최일").fill("2026-07-24")
    page.get_by_role("button", name="계획 저장").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="미래 신성장 동력 보고회").is_visible()
    page.get_by_text("후속조치 추가", exact=True).first.click()
    page.get_by_label("유형").select_option("expert_forum")
    page.get_by_label("내용").fill("전문가 토론회 개최")
    page.get_by_label("담당 부서").select_option(str(head.department_id))
    page.get_by_label("기한").fill("2026-08-31")
    page.get_by_role("button", name="추가", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="전문가 토론회 개최").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="보고회 종료").click()
    page.wait_for_load_state()
    assert page.get_by_text("종료는 되돌릴 수 없습니다.").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="보고회 종료").click()  # 1 unreviewed item: refused
    page.wait_for_load_state()
    assert page.get_by_text("미검토 안건이 1건 있습니다").first.is_visible()
    assert ReviewMeeting.objects.get().state != MeetingState.CLOSED
    page.get_by_label("미검토 1건이 있어도 종료합니다").check()
    page.get_by_role("button", name="보고회 종료").click()
    page.wait_for_load_state()
    meeting = ReviewMeeting.objects.get()
    assert meeting.state == MeetingState.CLOSED
    assert Reminder.objects.filter(meeting=meeting, kind="close_summary").count() == 1
    assert page.get_by_text("종료된 보고회입니다").is_visible()


def test_minutes_page_fits_a_390px_phone(browser, live_server):
    context = browser.new_context(
        bypass_csp=True, locale="ko-KR", viewport={"width": 390, "height": 800}
    )
    page = context.new_page()
    planner = UserFactory(role=Role.PLANNING)
    meeting = MeetingFactory(location="광양시청 상황실", attendee_count=15)
    for n in range(3):
        review = ReviewFactory(meeting=meeting, proposal__title=f"아주 긴 사업명 {n} " * 4)
        review.gaps = "재원 조달 방안과 부지 확보 일정이 불명확함 " * 3
        review.save()
    login(page, live_server, planner)
    page.goto(f"{live_server.url}/reviews/meetings/{meeting.pk}/minutes/")
    assert page.get_by_text("부서장 15명").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 390, f"the minutes page scrolls sideways ({width}px)"


def test_notifications_page_on_a_phone(phone_page, live_server):
    user = UserFactory()
    from reviews.models import Notification

    Notification.objects.create(user=user, title="후속조치 기한이 7일 남았습니다", body="내용")
    login(phone_page, live_server, user)
    phone_page.goto(f"{live_server.url}/reviews/notifications/")
    assert phone_page.get_by_text("후속조치 기한이 7일 남았습니다").is_visible()
    assert_accessible(phone_page)
