"""An update round in real Chromium: a head submits with a PDF, planning returns it, the head
resubmits, planning confirms, and the chair sees the round at 100%."""

import re

import pytest

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def test_submit_return_resubmit_confirm_and_the_chair_sees_100(
    page, live_server, settings, tmp_path
):
    from tests.rounds.helpers import make_round_world

    settings.MEDIA_ROOT = tmp_path / "media"
    w = make_round_world(departments=1, proposals=1)
    proposal, head = w.proposals[0], w.heads[0]
    evidence = tmp_path / "준공 확인서.pdf"
    evidence.write_bytes(PDF)

    # the head sees the round on 내 부서 and submits 완료 with a PDF
    login(page, live_server, head)
    page.goto(f"{live_server.url}/proposals/my-department/")
    page.get_by_role("link", name="점검 제출하기").click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("현황 제출")).click()
    page.get_by_label("추진 상태").select_option("done")
    page.get_by_label("진척률(%)").fill("100")
    page.get_by_label("추진 내용(변동 사항)").fill("준공")
    page.get_by_label("증빙 파일").set_input_files(str(evidence))
    assert_accessible(page)
    page.get_by_role("button", name="제출", exact=True).click()
    page.get_by_text("총괄부서 확인 뒤 현황에 반영됩니다").wait_for()
    page.context.clear_cookies()

    # planning returns it with a comment
    login(page, live_server, w.planner)
    page.goto(f"{live_server.url}/rounds/{w.round.pk}/queue/")
    assert_accessible(page)
    page.get_by_role("link", name="준공 확인서.pdf").wait_for()
    page.get_by_label("반려 사유").fill("준공 검사 일자를 적어 주세요.")
    page.get_by_role("button", name=re.compile("반려$")).click()
    page.get_by_text("반려했습니다").wait_for()
    page.context.clear_cookies()

    # the head sees the comment and resubmits
    login(page, live_server, head)
    page.goto(f"{live_server.url}/rounds/{w.round.pk}/mine/")
    page.get_by_text("준공 검사 일자를 적어 주세요.").wait_for()
    page.get_by_role("link", name=re.compile("현황 제출")).click()
    page.get_by_label("추진 상태").select_option("done")
    page.get_by_label("진척률(%)").fill("100")
    page.get_by_label("추진 내용(변동 사항)").fill("준공 (준공 검사 2026-11-20)")
    page.get_by_role("button", name="제출", exact=True).click()
    page.get_by_text("총괄부서 확인 뒤 현황에 반영됩니다").wait_for()
    page.context.clear_cookies()

    # planning confirms
    login(page, live_server, w.planner)
    page.goto(f"{live_server.url}/rounds/{w.round.pk}/queue/")
    page.get_by_role("button", name=re.compile("확인$")).click()
    page.get_by_text("확인했습니다").wait_for()
    page.context.clear_cookies()

    # the chair sees the round at 100%
    login(page, live_server, w.chair)
    page.goto(f"{live_server.url}/rounds/{w.round.pk}/")
    assert "반영률 100%" in page.locator("#round-total").inner_text()
    assert_accessible(page)
    proposal.refresh_from_db()
    assert proposal.status == "done"
