"""Planning staff import the report in real Chromium: upload → preview → apply."""

import pytest

from accounts.models import Role
from imports.models import ImportRun, ImportState
from projects.models import Proposal
from tests.factories import PillarFactory, PortfolioFactory, UserFactory
from tests.import_files import row, xlsx

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_planner_uploads_previews_and_applies_the_report(page, live_server, tmp_path):
    portfolio = PortfolioFactory()
    for number in range(1, 6):
        PillarFactory(portfolio=portfolio, number=number, name=f"전략 이름 {number}")
    planner = UserFactory(role=Role.PLANNING)
    report = tmp_path / "report.xlsx"
    report.write_bytes(
        xlsx(
            [
                row(
                    "A-01",
                    "그린수소 생산기지 구축",
                    pillar=2,
                    lead="기후에너지과",
                    budget="12,500",
                    period="2024~2030",
                ),
                row("A-02", "항만 연관 산업 실태조사", pillar=1),
            ]
        )
    )

    login(page, live_server, planner)
    page.get_by_role("link", name="보고서 가져오기").click()
    assert page.get_by_role("heading", name="보고서 가져오기", level=1).is_visible()
    assert_accessible(page)

    page.get_by_label("보고서 파일(.xlsx 또는 .csv)").set_input_files(str(report))
    page.get_by_role("button", name="올리고 미리보기").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="새로 만들 사업").is_visible()
    assert page.get_by_role("cell", name="그린수소 생산기지 구축", exact=True).is_visible()
    assert page.get_by_role("heading", name="새로 만들 부서").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="적용하기").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").first.is_visible() or page.get_by_text("확인란").is_visible()
    assert not Proposal.objects.exists()

    page.get_by_label("파일에 나온 새 부서를 만드는 데 동의합니다.").check()
    page.get_by_role("button", name="적용하기").click()
    page.wait_for_load_state()

    assert page.get_by_text("적용했습니다: 신규 2건").is_visible()
    assert_accessible(page)
    assert ImportRun.objects.get().state == ImportState.APPLIED
    assert Proposal.objects.count() == 2


def test_planner_confirms_a_near_match_with_its_tick(page, live_server, tmp_path):
    """The preview ticks the exact link and leaves the near one for the planner to tick."""
    portfolio = PortfolioFactory()
    PillarFactory(portfolio=portfolio, number=1, name="전략 이름 1")
    planner = UserFactory(role=Role.PLANNING)
    exact = Proposal.objects.create(
        portfolio=portfolio, management_no="기사-01", title="그린수소 생산기지 구축"
    )
    near = Proposal.objects.create(
        portfolio=portfolio, management_no="기사-02", title="정부 연구기관 유치"
    )
    report = tmp_path / "report.xlsx"
    report.write_bytes(
        xlsx([row("GY-01", "그린수소 생산기지 구축"), row("GY-02", "정부출연 연구기관 유치")])
    )

    login(page, live_server, planner)
    page.goto(f"{live_server.url}/proposals/import/")
    page.get_by_label("보고서 파일(.xlsx 또는 .csv)").set_input_files(str(report))
    page.get_by_label("기준일(선택)").fill("2023-04-30")
    page.get_by_role("button", name="올리고 미리보기").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="기존 사업과 연결").is_visible()
    exact_box = page.get_by_role("checkbox", name="기사-01 → GY-01 (같은 사업명)")
    near_box = page.get_by_role("checkbox", name="기사-02 → GY-02 (비슷한 사업명")
    assert exact_box.is_checked()
    assert not near_box.is_checked()
    assert_accessible(page)

    near_box.check()
    page.get_by_role("button", name="적용하기").click()
    page.wait_for_load_state()

    assert page.get_by_text("기존 사업에 연결 2건").is_visible()
    exact.refresh_from_db()
    near.refresh_from_db()
    assert (exact.management_no, near.management_no) == ("GY-01", "GY-02")
    assert near.title == "정부출연 연구기관 유치"
    assert Proposal.objects.count() == 2
