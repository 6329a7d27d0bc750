"""The deputy mayor opens the dashboard in real Chromium, on a desktop and on a phone."""

import pytest

from accounts.models import Role
from tests.dashboard.dashboard_data import known_portfolio
from tests.factories import UserFactory

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_deputy_mayor_reads_the_dashboard(request, live_server, device):
    """The figures, the matrix and both charts show, and axe finds no serious violation."""
    page = request.getfixturevalue(device)
    known_portfolio()
    deputy = UserFactory(role=Role.DEPUTY_MAYOR)
    login(page, live_server, deputy)
    page.goto(f"{live_server.url}/reviews/dashboard/")
    assert page.get_by_role("heading", name="보고회 대시보드").is_visible()
    assert page.get_by_text("완료율").first.is_visible()
    assert page.locator("svg[role=img]").count() == 2
    assert_accessible(page)


def test_filtering_and_sorting_work_without_javascript(browser, live_server):
    """With JavaScript off, ticking a status and sorting a column keep everything in the URL."""
    known = known_portfolio()
    deputy = UserFactory(role=Role.DEPUTY_MAYOR)
    context = browser.new_context(bypass_csp=True, locale="ko-KR", java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server, deputy)
        page.goto(f"{live_server.url}/reviews/dashboard/")
        page.get_by_role("checkbox", name="일부추진").check()
        page.get_by_role("button", name="적용").click()
        page.wait_for_load_state()
        assert "status=partial" in page.url
        page.get_by_role("link", name="기한 경과").click()
        page.wait_for_load_state()
        # The table starts sorted by overdue, most first; the click reverses it.
        assert "status=partial" in page.url and "sort=overdue" in page.url
        assert page.locator('th[aria-sort="ascending"]').inner_text().strip() == "기한 경과"
        # The matrix cell links to the pillar and status (the pillar's name keeps the filter too).
        matrix_link = page.locator(
            f'table.matrix td a[href*="pillar={known.pillars[0].pk}&status=partial"]'
        )
        assert matrix_link.count() == 1
    finally:
        context.close()
