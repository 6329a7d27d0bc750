"""Every main page on a 390 px phone in real Chromium: no sideways scrolling of the page body,
every table cell labelled when the table stacks, a compact header, and axe-core clean."""

import pytest

from accounts.models import Role
from tests.dashboard.dashboard_data import known_portfolio
from tests.factories import ActionFactory, ReviewFactory, UserFactory

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_SCREEN = 844  # the phone_page viewport's height

UNLABELLED_CELLS = """() => [...document.querySelectorAll('table td')]
  .filter(td => !td.hasAttribute('colspan') && !(td.getAttribute('data-label') || '').trim())
  .map(td => td.closest('table').className + ': ' + td.textContent.trim().slice(0, 30))"""

# Rendered size of each SVG chart label: its font size times the chart's scale on screen.
CHART_TEXT_PX = """() => [...document.querySelectorAll('svg.chart-svg')].flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')]
    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
})"""


@pytest.fixture
def world(db):
    known = known_portfolio()
    review = ReviewFactory(
        meeting=known.last_meeting,
        proposal=known.proposals[0],
        gaps="재원 계획 미흡",
        remedies="국비 공모 재신청",
        decision="계속 추진",
    )
    ActionFactory(meeting=known.last_meeting, proposal=review.proposal, description="재원 확보")
    return known


def _pages(known, role):
    meeting = known.last_meeting.get_absolute_url()
    proposal = known.proposals[0].get_absolute_url()
    common = ["/reviews/dashboard/", "/proposals/", proposal, "/reviews/meetings/", meeting]
    return {
        "deputy_mayor": common,
        "planning": [*common, "/reviews/due-changes/", "/accounts/users/", "/proposals/import/"],
        "head": ["/proposals/my-department/", *common],
    }[role]


@pytest.mark.parametrize("role", ["deputy_mayor", "head", "planning"])
def test_each_main_page_reads_on_a_390px_phone(phone_page, live_server, world, role):
    """At 390 px: the body does not scroll sideways, every stacked cell says which column it
    is (미비점, 보완방안 and 결정 can be told apart), the header is at most 100 px tall, chart
    text is at least 12 px, and axe-core finds nothing serious."""
    user = world.head if role == "head" else UserFactory(role=role)
    login(phone_page, live_server, user)
    problems = []
    for path in _pages(world, role):
        phone_page.goto(f"{live_server.url}{path}")
        assert phone_page.url.startswith(f"{live_server.url}{path}"), path
        width = phone_page.evaluate("document.body.scrollWidth")
        if width > 390:
            problems.append(f"{path}: body {width}px wide")
        unlabelled = phone_page.evaluate(UNLABELLED_CELLS)
        if unlabelled:
            problems.append(f"{path}: unlabelled cells {unlabelled[:3]}")
        header = phone_page.locator(".site-header").bounding_box()["height"]
        if header > 100:
            problems.append(f"{path}: header {header:.0f}px tall")
        small = [round(px, 1) for px in phone_page.evaluate(CHART_TEXT_PX) if px < 12]
        if small:
            problems.append(f"{path}: chart text {small[:3]} px")
        assert_accessible(phone_page)
    assert not problems, "\n".join(problems)


def test_the_meeting_page_labels_each_review_field_on_a_phone(phone_page, live_server, world):
    """The review table's stacked cells show 미비점, 보완방안 and 결정 as labels."""
    login(phone_page, live_server, UserFactory(role=Role.PLANNING))
    phone_page.goto(f"{live_server.url}{world.last_meeting.get_absolute_url()}")
    labels = phone_page.evaluate(
        """() => [...document.querySelectorAll('td[data-label]')].map(td =>
             getComputedStyle(td, '::before').content)"""
    )
    for label in ("미비점", "보완방안", "결정"):
        assert any(label in content for content in labels), (label, labels)


def test_the_phone_dashboard_is_a_short_summary_with_details_behind_links(
    phone_page, live_server, world
):
    """The phone dashboard is at most about three screens; the department table is one link
    away and then readable."""
    login(phone_page, live_server, UserFactory(role=Role.DEPUTY_MAYOR))
    phone_page.goto(f"{live_server.url}/reviews/dashboard/")
    height = phone_page.evaluate("document.documentElement.scrollHeight")
    assert height <= 3 * PHONE_SCREEN, f"{height}px"
    table = phone_page.locator("#department-table")
    assert table.is_hidden()
    phone_page.get_by_role("link", name="부서별 표 보기").click()
    assert table.is_visible()
    assert phone_page.evaluate("document.body.scrollWidth") <= 390
