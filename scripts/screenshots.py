"""Retake the README's screenshots from a running app with the demo data.

    bash scripts/run.sh --port 8799 &         # embedded mode: seed + load_demo, labelled demo
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8799

Uses Debian's Chromium (GP_CHROMIUM, default /usr/bin/chromium) through Playwright. The pages
need a Korean font (e.g. Debian's fonts-nanum or fonts-noto-cjk); the demo labels stay visible.
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent.parent / "docs"
# The demo accounts' shared, published password (dashboard.demo.DEMO_PASSWORD).
PASSWORD = "gwangyang-demo-2023"  # noqa: S105


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def main(base: str) -> None:
    chromium = os.environ.get("GP_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        desk = browser.new_context(
            locale="ko-KR", timezone_id="Asia/Seoul", viewport={"width": 1280, "height": 1500}
        )
        page = desk.new_page()
        sign_in(page, base, "deputy")
        page.goto(f"{base}/reviews/dashboard/")
        page.screenshot(path=str(DOCS / "screenshot-dashboard.png"))
        phone = browser.new_context(
            locale="ko-KR",
            timezone_id="Asia/Seoul",
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
        )
        page = phone.new_page()
        sign_in(page, base, "head03")
        page.goto(f"{base}/proposals/my-department/")
        page.screenshot(path=str(DOCS / "screenshot-my-department-phone.png"))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
