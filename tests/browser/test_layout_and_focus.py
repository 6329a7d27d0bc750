"""Phone layout (no sideways scrolling at 390 px) and visible focus, in real Chromium."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from tests.dashboard.dashboard_data import known_portfolio
from tests.factories import ActionFactory, MeetingFactory, UserFactory

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMON = [
    "/reviews/dashboard/",
    "/proposals/",
    "/reviews/meetings/",
    "/reviews/notifications/",
    "/reviews/calendar/",
]
PAGES = {
    "deputy_mayor": COMMON,
    "planning": [
        *COMMON,
        "/reviews/meetings/new/",
        "/reviews/due-changes/",
        "/accounts/users/",
        "/proposals/import/",
    ],
    "head": ["/proposals/my-department/", *COMMON],
}


def _luminance(rgb: str) -> float:
    values = [int(v) / 255 for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("role", sorted(PAGES))
def test_main_pages_fit_a_390px_phone(phone_page, live_server, role):
    """No main page scrolls sideways at 390 px (the dashboard's matrix used to make it 447)."""
    known = known_portfolio()
    user = known.head if role == "head" else UserFactory(role=role)
    login(phone_page, live_server, user)
    assert phone_page.evaluate("window.innerWidth") == 390
    wide = []
    for path in PAGES[role]:
        phone_page.goto(f"{live_server.url}{path}")
        assert phone_page.url.startswith(f"{live_server.url}{path}"), path
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide.append(f"{path}: {width}px")
    assert not wide, "pages scroll sideways at 390 px: " + ", ".join(wide)


def test_focus_ring_is_visible_on_the_header_and_the_page(page, live_server):
    """The header's focus ring reaches 3:1 against the header blue; the page's against white."""
    login(page, live_server, UserFactory(role=Role.PLANNING))
    page.goto(f"{live_server.url}/proposals/")
    header_bg = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    for selector in (".main-nav a", ".user-box button", "#language-select"):
        page.locator(selector).first.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
        style = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
        )
        assert style[0] == "solid" and float(style[1].rstrip("px")) >= 2, (selector, style)
        assert contrast(style[2], header_bg) >= 3, (selector, style[2], header_bg)
    page.get_by_label("검색어").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    colour = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert contrast(colour, "rgb(255, 255, 255)") >= 3
    assert contrast(colour, "rgb(246, 247, 249)") >= 3


def test_htmx_completion_keeps_focus_and_updates_the_overdue_count(page, live_server):
    """After "완료 처리" the focus lands on the row's status, a polite message is announced and
    the overdue count goes down, all without a reload."""
    known = known_portfolio()
    head = known.head
    meeting = MeetingFactory(held_on=timezone.localdate() - datetime.timedelta(days=30))
    late = timezone.localdate() - datetime.timedelta(days=3)
    action = ActionFactory(
        meeting=meeting, owner_department=head.department, due_date=late, description="한 건"
    )
    login(page, live_server, head)
    page.goto(f"{live_server.url}/proposals/my-department/")
    assert "기한이 지난 조치가 2건" in page.locator("#overdue-count").inner_text()
    row = page.locator(f"#action-{action.pk}")
    row.get_by_label("완료 내용").fill("끝냈습니다")
    row.get_by_label("완료 내용").press("Enter")
    page.locator(f"#action-{action.pk} .action-state-done").wait_for()
    page.wait_for_function(f"document.activeElement.id === 'action-{action.pk}-state'")
    assert "완료 처리했습니다" in page.locator("#action-live").inner_text()
    assert page.locator("#action-live").get_attribute("aria-live") == "polite"
    assert "기한이 지난 조치가 1건" in page.locator("#overdue-count").inner_text()
    assert page.evaluate("document.activeElement !== document.body")


def test_an_open_meeting_with_a_long_proposal_name_fits_a_390px_phone(phone_page, live_server):
    """The add-agenda select lists proposal names; a long one must not widen the page."""
    known = known_portfolio()
    long_one = known.proposals[0]
    long_one.title = "광양만권 수소 생산·저장·활용 클러스터 조성과 항만 배후단지 연계 " * 3
    long_one.save(update_fields=["title"])
    meeting = MeetingFactory(portfolio=long_one.portfolio)  # open: the agenda form is shown
    login(phone_page, live_server, UserFactory(role=Role.PLANNING))
    phone_page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    assert phone_page.locator("select#agenda_proposal").count() == 1
    ids = phone_page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)), "ids on the page must be unique"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
