"""Reconciliation (대조): report rows with new codes are linked to the proposals already there."""

import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from dashboard import seed_facts
from imports.models import AsOfSource, ImportRun, ImportState
from imports.reconcile import EXACT, NEAR, match_titles, normalize_title, title_key
from imports.services import (
    import_run_apply,
    import_run_create,
    import_run_preview,
    import_run_request_apply,
)
from projects.models import DataSource, Portfolio, Proposal, ProposalCode, StatusUpdate
from projects.services import proposal_update_status
from tests.factories import PillarFactory, PortfolioFactory, UserFactory
from tests.import_files import row, xlsx

pytestmark = pytest.mark.django_db

NEAR_INDEX = 7  # the eighth named proposal (기사-08) comes with a slightly different title


def report_rows(extra: int = 26, prefix: str = "GY") -> list[dict]:
    """The nine named proposals under the report's codes, then `extra` other rows."""
    rows = []
    for index, (_no, title, pillar, _inferred, _summary) in enumerate(seed_facts.PROPOSALS):
        if index == NEAR_INDEX:
            title = f"{title} 추진"
        rows.append(
            row(f"{prefix}-{index + 1:02d}", title, pillar=pillar or 3, budget=1000 + index)
        )
    for number in range(10, 10 + extra):
        rows.append(row(f"{prefix}-{number:02d}", f"보고서 시험 과제 {number}호", pillar=5))
    return rows


def seeded():
    call_command("seed", stdout=StringIO())
    return Portfolio.objects.get(code=seed_facts.PORTFOLIO["code"])


def preview(portfolio, user, data, **kwargs) -> ImportRun:
    run = import_run_create(
        portfolio=portfolio, user=user, file_name="report.xlsx", data=data, **kwargs
    )
    return import_run_preview(run_id=run.pk)


def apply(run, user, links=None) -> ImportRun:
    import_run_request_apply(run=run, user=user, confirm_new_departments=True, links=links)
    return import_run_apply(run_id=run.pk)


def test_seed_then_report_holds_35_proposals_and_keeps_the_nine():
    """seed → a 35-row report with the nine under GY codes (one near, confirmed) → exactly 35;
    the nine keep their pk, history, status updates and reviews; old codes stay findable; the
    same file again changes nothing."""
    # Given the article's nine proposals, one of them with a status update
    portfolio = seeded()
    planner = UserFactory(role=Role.PLANNING)
    nine = {p.management_no: p for p in Proposal.objects.filter(portfolio=portfolio)}
    assert len(nine) == 9
    proposal_update_status(
        proposal=nine["기사-06"],
        user=planner,
        expected_version=nine["기사-06"].version,
        status="on_track",
        progress=10,
    )
    history_before = {no: p.history.count() for no, p in nine.items()}
    reviews_before = {no: p.reviews.count() for no, p in nine.items()}
    data = xlsx(report_rows())

    # When the report is previewed
    run = preview(portfolio, planner, data, as_of=datetime.date(2023, 4, 30))

    # Then eight exact links are ticked and the near one is only suggested
    assert run.state == ImportState.READY, run.message
    links = run.preview["links"]
    exact = [link for link in links if link["kind"] == EXACT]
    near = [link for link in links if link["kind"] == NEAR]
    assert sorted((link["old"], link["new"]) for link in exact) == [
        (f"기사-{i:02d}", f"GY-{i:02d}") for i in range(1, 10) if i != NEAR_INDEX + 1
    ]
    assert all(link["checked"] for link in exact)
    assert [(link["old"], link["new"], link["checked"]) for link in near] == [
        ("기사-08", "GY-08", False)
    ]
    assert near[0]["score"] >= 85
    assert [item["key"] for item in run.preview["missing"]] == ["기사-08"]
    assert run.preview["missing"][0]["suggested"] is True
    assert (run.rows_new, run.rows_linked, run.rows_missing) == (27, 8, 1)
    change_fields = {c["field"] for c in exact[0]["changes"]}
    assert "budget_million" in change_fields

    # When the planner ticks the near suggestion too and applies
    chosen = [(link["old"], link["new"]) for link in links]
    run = apply(run, planner, links=chosen)

    # Then the portfolio holds exactly 35 proposals, the nine under the report's codes
    assert run.state == ImportState.APPLIED, run.message
    assert "기존 사업에 연결 9건" in run.message
    assert Proposal.objects.filter(portfolio=portfolio).count() == 35
    for index, (old, proposal) in enumerate(sorted(nine.items())):
        proposal.refresh_from_db()
        assert proposal.management_no == f"GY-{index + 1:02d}"
        assert proposal.former_codes.get().code == old
        assert proposal.history.count() == history_before[old] + 2  # the link, then fields
        link_record = proposal.history.filter(history_change_reason__contains="→").earliest(
            "history_id"
        )
        assert link_record.history_user == planner
        assert f"{old} → GY-{index + 1:02d}" in link_record.history_change_reason
        assert proposal.reviews.count() == reviews_before[old] == 1
        assert proposal.data_source == DataSource.ARTICLE
    assert StatusUpdate.objects.filter(proposal=nine["기사-06"]).count() == 1
    assert nine["기사-08"].title.endswith(" 추진")

    # And the old codes are findable: search and a redirect from the old code's URL
    from django.test import Client

    client = Client()
    client.force_login(planner)
    listing = client.get(reverse("projects:proposal_list"), {"q": "기사-05"})
    assert [p.pk for p in listing.context["object_list"]] == [nine["기사-05"].pk]
    by_code = client.get(reverse("projects:proposal_by_code", args=["기사-05"]))
    assert by_code.status_code == 302
    assert by_code["Location"] == nine["기사-05"].get_absolute_url()

    # And the same file again changes nothing
    history_total = Proposal.history.count()
    again = preview(portfolio, planner, data)
    assert (again.rows_new, again.rows_changed, again.rows_unchanged) == (0, 0, 35)
    assert again.preview["links"] == [] and again.preview["missing"] == []
    again = apply(again, planner)
    assert again.state == ImportState.APPLIED
    assert Proposal.history.count() == history_total
    assert ProposalCode.objects.count() == 9

    # And the deputy mayor's rates are over all 35: 1 of 35 on track → 이행률 2.9%
    client.force_login(UserFactory(role=Role.DEPUTY_MAYOR))
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "등록된 35건 기준" in page and "35개 중" not in page
    assert "2.9%" in page

    # And seeding again after the links adds no second 기사-05
    call_command("seed", verbosity=0)
    assert Proposal.objects.filter(portfolio=portfolio).count() == 35


def test_a_near_match_is_not_linked_without_confirmation():
    """Applied with the defaults, the near suggestion stays unlinked: a new proposal is made."""
    portfolio = seeded()
    planner = UserFactory(role=Role.PLANNING)
    near_before = Proposal.objects.get(management_no="기사-08")

    run = apply(preview(portfolio, planner, xlsx(report_rows())), planner)

    assert run.state == ImportState.APPLIED, run.message
    assert Proposal.objects.filter(portfolio=portfolio).count() == 36
    assert Proposal.objects.get(pk=near_before.pk).management_no == "기사-08"
    assert Proposal.objects.filter(management_no="GY-08").exclude(pk=near_before.pk).exists()


def test_no_auto_link_leaves_exact_matches_unticked(tmp_path):
    """`import_report --no-auto-link` links nothing by itself: all 35 rows are new."""
    portfolio = seeded()
    path = tmp_path / "report.xlsx"
    path.write_bytes(xlsx(report_rows()))
    out = StringIO()
    call_command("import_report", str(path), "--no-auto-link", stdout=out)
    assert "기존 사업에 연결 0건" in out.getvalue()
    assert "연결 제안(연결 안 함) 기사-01 → GY-01 (같은 사업명)" in out.getvalue()
    assert Proposal.objects.filter(portfolio=portfolio).count() == 44


def test_the_command_links_a_confirmed_near_match_with_its_as_of_date(tmp_path):
    """`--link 기사-08=GY-08 --as-of 2023-04-30` links the nine; new rows are dated as of then."""
    portfolio = seeded()
    planner = UserFactory(role=Role.PLANNING, username="planner1")
    path = tmp_path / "report.xlsx"
    path.write_bytes(xlsx(report_rows()))
    out = StringIO()
    call_command(
        "import_report",
        str(path),
        "--link",
        "기사-08=GY-08",
        "--as-of",
        "2023-04-30",
        "--user",
        "planner1",
        stdout=out,
    )
    output = out.getvalue()
    assert "연결 기사-01 → GY-01 (같은 사업명)" in output
    assert "연결 기사-08 → GY-08 (지정한 연결)" not in output  # the near match, now ticked
    assert "연결 기사-08 → GY-08 (비슷한 사업명, 유사도" in output
    assert Proposal.objects.filter(portfolio=portfolio).count() == 35
    run = ImportRun.objects.get()
    assert (run.as_of, run.as_of_source) == (datetime.date(2023, 4, 30), AsOfSource.USER)
    created = Proposal.history.filter(management_no="GY-20", history_type="+").get()
    assert timezone.localtime(created.history_date).date() == datetime.date(2023, 4, 30)
    assert created.history_user == planner


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("기사-01=GY-99", "파일에 관리번호가 GY-99인 새 행이 없습니다"),
        ("기사-99=GY-12", "관리번호가 기사-99인 사업이 없습니다"),
        ("기사-0112", "형식이 틀렸습니다"),
    ],
)
def test_a_wrong_link_is_refused_in_korean_and_writes_nothing(tmp_path, link, message):
    """A link that is not possible stops the command with a Korean message; nothing is written."""
    portfolio = seeded()
    path = tmp_path / "report.xlsx"
    path.write_bytes(xlsx(report_rows()))
    history = Proposal.history.count()
    with pytest.raises(CommandError, match=message):
        call_command("import_report", str(path), "--link", link, stdout=StringIO())
    assert not ImportRun.objects.exists()
    assert Proposal.objects.filter(portfolio=portfolio).count() == 9
    assert Proposal.history.count() == history
    assert not ProposalCode.objects.exists()


def test_a_proposal_with_a_report_code_is_not_linkable(tmp_path):
    """A proposal that came from a report (data_source report) cannot be linked, even by --link."""
    portfolio = seeded()
    Proposal.objects.filter(management_no="기사-01").update(data_source=DataSource.REPORT)
    path = tmp_path / "report.xlsx"
    path.write_bytes(xlsx(report_rows()))
    with pytest.raises(CommandError, match="연결할 수 없습니다"):
        call_command("import_report", str(path), "--link", "기사-01=GY-01", stdout=StringIO())
    run = preview(portfolio, UserFactory(role=Role.PLANNING), xlsx(report_rows()))
    assert "기사-01" not in {link["old"] for link in run.preview["links"]}


def test_one_proposal_cannot_take_two_rows():
    """Ticking two rows for one proposal is refused in Korean before anything is applied."""
    portfolio = PortfolioFactory()
    PillarFactory(portfolio=portfolio, number=1)
    planner = UserFactory(role=Role.PLANNING)
    Proposal.objects.create(
        portfolio=portfolio,
        management_no="M-1",
        title="항만 연관 산업 실태조사",
        data_source=DataSource.MANUAL,
    )
    rows = [row("R-1", "항만 연관 산업 실태 조사 용역"), row("R-2", "항만 연관산업 실태조사 추진")]
    run = preview(portfolio, planner, xlsx(rows))
    pairs = [(link["old"], link["new"]) for link in run.preview["links"]]
    assert pairs == [("M-1", "R-1"), ("M-1", "R-2")]
    assert all(link["ambiguous"] and not link["checked"] for link in run.preview["links"])
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="한 사업은 한 행에만"):
        import_run_request_apply(run=run, user=planner, confirm_new_departments=False, links=pairs)
    assert ImportRun.objects.get().state == ImportState.READY


def test_an_exact_title_shared_by_two_rows_is_only_suggested():
    """Two new rows with the proposal's exact title: both suggested, neither ticked."""
    portfolio = PortfolioFactory()
    planner = UserFactory(role=Role.PLANNING)
    Proposal.objects.create(
        portfolio=portfolio, management_no="기사-01", title="그린수소 생산기지 구축"
    )
    rows = [row("R-1", "그린수소 생산기지 구축"), row("R-2", "그린 수소·생산기지 구축")]
    run = preview(portfolio, planner, xlsx(rows))
    assert [(link["kind"], link["checked"]) for link in run.preview["links"]] == [
        (EXACT, False),
        (EXACT, False),
    ]
    assert run.rows_linked == 0


def test_the_as_of_date_is_read_from_the_title_rows():
    """A title row '2023. 4. 30. 기준' above the header gives the run's as-of date."""
    portfolio = PortfolioFactory()
    planner = UserFactory(role=Role.PLANNING)
    data = xlsx([row("R-1", "사업")], before=[["미래 신성장 동력 사업 목록 (2023. 4. 30. 기준)"]])
    run = preview(portfolio, planner, data)
    assert (run.as_of, run.as_of_source) == (datetime.date(2023, 4, 30), AsOfSource.FILE)
    given = preview(portfolio, planner, data, as_of=datetime.date(2023, 7, 24))
    assert (given.as_of, given.as_of_source) == (datetime.date(2023, 7, 24), AsOfSource.USER)


def test_an_as_of_date_in_the_future_is_refused():
    """A report cannot be as of tomorrow."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="기준일은 오늘"):
        import_run_create(
            portfolio=PortfolioFactory(),
            user=None,
            file_name="r.xlsx",
            data=b"x",
            as_of=datetime.date.today() + datetime.timedelta(days=2),
        )
    assert not ImportRun.objects.exists()


def test_titles_are_normalised_before_matching():
    """Full-width forms, spaces, middle dots, brackets, quotes and case do not matter."""
    assert title_key("「희소금속」 비축・재자원화 （거점） 조성") == title_key(
        "희소금속 비축·재자원화 거점 조성"
    )
    assert title_key("Ｒ＆Ｄ 센터 ‘유치’") == title_key("r&d센터 유치")
    assert normalize_title("  그린수소•생산기지  [구축] ") == "그린수소 생산기지 구축"
    matches = match_titles([("R-1", "전혀 다른 사업")], [(1, "그린수소 생산기지 구축")])
    assert matches == []


# --- Query counts: they do not grow with the number of rows --------------------------------------


def test_query_counts_with_links_are_equal_at_35_and_350_rows():
    """Preview and apply with nine links run the same number of queries for 35 and 350 rows."""

    def phases(extra: int) -> list[int]:
        portfolio = PortfolioFactory(code=f"p{extra}")
        for number in range(1, 6):
            PillarFactory(portfolio=portfolio, number=number, name=f"전략 {number}")
        for no, title, *_rest in seed_facts.PROPOSALS:
            Proposal.objects.create(
                portfolio=portfolio, management_no=no, title=title, data_source=DataSource.ARTICLE
            )
        planner = UserFactory(role=Role.PLANNING)
        run = import_run_create(portfolio=portfolio, user=planner, file_name="r", data=b"")
        ImportRun.objects.filter(pk=run.pk).update(
            content=xlsx(report_rows(extra)), file_name="r.xlsx"
        )
        with CaptureQueriesContext(connection) as preview_queries:
            run = import_run_preview(run_id=run.pk)
        assert (run.rows_linked, run.rows_total) == (8, 9 + extra)
        links = [(link["old"], link["new"]) for link in run.preview["links"]]
        import_run_request_apply(run=run, user=planner, confirm_new_departments=True, links=links)
        with CaptureQueriesContext(connection) as apply_queries:
            run = import_run_apply(run_id=run.pk)
        assert run.state == ImportState.APPLIED, run.message
        assert ProposalCode.objects.filter(portfolio=portfolio).count() == 9
        return [len(preview_queries), len(apply_queries)]

    small, large = phases(26), phases(341)
    assert small == large
    assert max(small) <= 28


# --- The browser preview: a tick per link ---------------------------------------------------------


def test_the_preview_page_ticks_exact_links_and_applies_the_ticked_ones(client):
    """The preview shows '기사-01 → GY-01 (같은 사업명)' ticked and the near one unticked;
    applying takes the ticks as posted (here: the near one too, the exact one not)."""
    portfolio = seeded()
    planner = UserFactory(role=Role.PLANNING)
    client.force_login(planner)
    upload = SimpleUploadedFile("report.xlsx", xlsx(report_rows()))
    response = client.post(
        reverse("imports:import_start"),
        {
            "portfolio": portfolio.pk,
            "file": upload,
            "data_source": "report",
            "as_of": "2023-04-30",
        },
    )
    run = ImportRun.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "기사-01 → GY-01</strong>\n          (같은 사업명)" in page
    assert "(비슷한 사업명, 유사도" in page
    options = run.preview["links"]
    exact_index = next(i for i, o in enumerate(options) if o["old"] == "기사-01")
    near_index = next(i for i, o in enumerate(options) if o["kind"] == NEAR)
    assert f'value="{exact_index}" form="apply-form" checked' in page
    assert f'value="{near_index}" form="apply-form">' in page
    assert run.as_of == datetime.date(2023, 4, 30)

    ticks = [str(i) for i, o in enumerate(options) if o["old"] != "기사-01"]
    client.post(reverse("imports:import_apply", args=[run.pk]), {"links": ticks})

    run.refresh_from_db()
    assert run.state == ImportState.APPLIED, run.message
    assert Proposal.objects.filter(portfolio=portfolio).count() == 36  # 기사-01 not linked
    assert Proposal.objects.filter(management_no="기사-01").exists()
    assert ProposalCode.objects.filter(code="기사-08", replaced_by="GY-08").exists()
    done = client.get(run.get_absolute_url()).content.decode()
    assert f'value="{near_index}" form="apply-form" checked disabled' in done


def test_a_tick_that_links_one_proposal_twice_is_refused_on_the_page(client):
    """Two ticks for one proposal: 400 with the Korean message, nothing applied."""
    portfolio = PortfolioFactory()
    planner = UserFactory(role=Role.PLANNING)
    client.force_login(planner)
    Proposal.objects.create(
        portfolio=portfolio,
        management_no="M-1",
        title="항만 연관 산업 실태조사",
        data_source=DataSource.MANUAL,
    )
    rows = [row("R-1", "항만 연관 산업 실태 조사 용역"), row("R-2", "항만 연관산업 실태조사 추진")]
    run = preview(portfolio, planner, xlsx(rows))
    response = client.post(reverse("imports:import_apply", args=[run.pk]), {"links": ["0", "1"]})
    assert response.status_code == 400
    assert "한 사업은 한 행에만" in response.content.decode()
    run.refresh_from_db()
    assert run.state == ImportState.READY
    assert Proposal.objects.count() == 1


def test_a_row_under_a_former_code_updates_the_linked_proposal():
    """After the link, a file still using 기사-05 reaches the same proposal: nothing is duplicated;
    a file with both 기사-05 and GY-05 is an error on the old code's row."""
    portfolio = seeded()
    planner = UserFactory(role=Role.PLANNING)
    apply(preview(portfolio, planner, xlsx(report_rows())), planner)
    count = Proposal.objects.filter(portfolio=portfolio).count()
    title = dict((no, t) for no, t, *_rest in seed_facts.PROPOSALS)["기사-05"]

    run = apply(preview(portfolio, planner, xlsx([row("기사-05", title, notes="비고")])), planner)
    assert run.state == ImportState.APPLIED, run.message
    assert Proposal.objects.filter(portfolio=portfolio).count() == count
    assert Proposal.objects.get(management_no="GY-05").notes == "비고"

    both = preview(portfolio, planner, xlsx([row("기사-05", title), row("GY-05", title)]))
    assert both.state == ImportState.INVALID
    assert "예전 관리번호" in str(both.preview["rows"]["error"])


def test_a_tick_that_is_not_a_link_of_the_preview_is_refused(client):
    """A forged tick (no such link option) gets 400 and nothing is applied."""
    portfolio = PortfolioFactory()
    planner = UserFactory(role=Role.PLANNING)
    client.force_login(planner)
    run = preview(portfolio, planner, xlsx([row("R-1", "사업")]))
    response = client.post(reverse("imports:import_apply", args=[run.pk]), {"links": ["7"]})
    assert response.status_code == 400
    run.refresh_from_db()
    assert run.state == ImportState.READY
    assert not Proposal.objects.exists()
