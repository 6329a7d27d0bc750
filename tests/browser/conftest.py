"""Real headless Chromium (Debian's package) driven by Playwright against Django's live server.

`playwright install` cannot download browsers here, so the launch uses `executable_path`.
axe-core is shipped with the tests (tests/browser/vendor/axe.min.js, from the npm registry).
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("GP_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct-horse-battery"  # the factories' password
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _plain_static_urls(settings):
    """Serve CSS and htmx in browser tests.

    The live server's static handler looks files up by their source name, so the manifest
    storage's hashed URLs (htmx.min.3d65….js) would all answer 404 and the pages would be
    tested unstyled and without htmx.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; scripts/test.sh installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# bypass_csp: the app's Content-Security-Policy forbids inline scripts, and the tests inject
# axe-core inline (page.add_script_tag). The header itself is tested in tests/accounts.
@pytest.fixture
def page(browser):
    context = browser.new_context(bypass_csp=True, locale="ko-KR", timezone_id="Asia/Seoul")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    """A page the size of a phone screen."""
    context = browser.new_context(
        bypass_csp=True,
        locale="ko-KR",
        timezone_id="Asia/Seoul",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page, live_server, user, password=PASSWORD):
    """Sign in through the login form, as a person would."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("아이디").fill(user.username)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_load_state()


def assert_accessible(page):
    """Run axe-core on the current page; fail on any serious or critical violation."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"axe violations on {page.url}:\n" + "\n".join(serious)
