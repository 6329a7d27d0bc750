"""The import pages through the test client: upload, preview, apply, and who may do it."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AccessLog, Role
from imports.columns import HEADERS
from imports.models import ImportRun, ImportState
from projects.models import Department, Proposal
from tests.factories import HeadFactory, PillarFactory, PortfolioFactory, UserFactory
from tests.import_files import csv_bytes, row, xlsx

pytestmark = pytest.mark.django_db

ROWS = [
    row("A-01", "그린수소 생산기지 구축", pillar=2, lead="기후에너지과", budget="1,000"),
    row("A-02", "항만 연관 산업 실태조사", pillar=1, lead="기후에너지과"),
]


@pytest.fixture
def portfolio():
    portfolio = PortfolioFactory()
    for number in range(1, 6):
        PillarFactory(portfolio=portfolio, number=number, name=f"전략 이름 {number}")
    return portfolio


@pytest.fixture
def planner_client(client):
    user = UserFactory(role=Role.PLANNING)
    client.force_login(user)
    client.user = user
    return client


def upload(client, portfolio, data, name="report.xlsx", **extra):
    payload = {
        "portfolio": portfolio.pk,
        "file": SimpleUploadedFile(name, data),
        "sheet_name": "",
        "data_source": "report",
        **extra,
    }
    return client.post(reverse("imports:import_start"), payload)


def test_upload_preview_apply_and_reapply(planner_client, portfolio):
    """The whole flow: upload → preview page → apply with confirmation → same file again."""
    response = upload(planner_client, portfolio, xlsx(ROWS))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:import_run", args=[run.pk])

    page = planner_client.get(response.url).content.decode()
    assert "새로 만들 사업" in page
    assert "그린수소 생산기지 구축" in page
    assert "기후에너지과" in page and "새로 만들 부서" in page
    assert "적용하기" in page
    assert run.sha256 in page

    missing_confirm = planner_client.post(reverse("imports:import_apply", args=[run.pk]))
    assert missing_confirm.status_code == 400
    assert "새 부서를 만들려면 확인란을 선택해 주세요." in missing_confirm.content.decode()
    assert not Proposal.objects.exists()

    applied = planner_client.post(
        reverse("imports:import_apply", args=[run.pk]), {"confirm_new_departments": "on"}
    )
    assert applied.status_code == 302
    run.refresh_from_db()
    assert run.state == ImportState.APPLIED
    assert Proposal.objects.count() == 2
    result = planner_client.get(applied.url).content.decode()
    assert "적용 완료" in result and "신규 2건" in result

    upload(planner_client, portfolio, xlsx(ROWS))
    again = ImportRun.objects.order_by("-pk").first()
    assert (again.rows_unchanged, again.rows_new, again.rows_changed) == (2, 0, 0)
    planner_client.post(reverse("imports:import_apply", args=[again.pk]))
    again.refresh_from_db()
    assert again.state == ImportState.APPLIED
    assert Proposal.history.count() == 2


def test_preview_shows_old_and_new_values_of_a_changed_row(planner_client, portfolio):
    Department.objects.create(name="기후에너지과")
    upload(planner_client, portfolio, xlsx(ROWS))
    planner_client.post(reverse("imports:import_apply", args=[ImportRun.objects.get().pk]))
    upload(planner_client, portfolio, xlsx([dict(ROWS[0], **{"총사업비(백만원)": "2,000"})]))
    run = ImportRun.objects.order_by("-pk").first()

    page = planner_client.get(run.get_absolute_url()).content.decode()

    assert "변경되는 사업" in page
    assert "<del>1,000</del> → <ins>2,000</ins>" in page
    assert "파일에 없는 사업" in page and "A-02" in page


def test_row_errors_are_shown_and_apply_is_not_offered(planner_client, portfolio):
    rows = [row(f"A-{n:02d}", "사업", pillar=1) for n in range(10)] + [row("A-99", "x", pillar=7)]
    upload(planner_client, portfolio, xlsx(rows))
    run = ImportRun.objects.get()
    page = planner_client.get(run.get_absolute_url()).content.decode()
    assert run.state == ImportState.INVALID
    assert "12행 전략: &quot;7&quot;은 없는 전략입니다." in page
    assert "적용하기" not in page
    response = planner_client.post(reverse("imports:import_apply", args=[run.pk]))
    assert response.status_code == 302
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "report.xlsx", "빈 파일"),
        (b"%PDF-1.4", "report.pdf", "지원하지 않는 파일 형식"),
    ],
)
def test_upload_form_refuses_bad_files_next_to_the_field(
    planner_client, portfolio, data, name, message
):
    response = upload(planner_client, portfolio, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_50_mb_upload_is_refused_by_the_size_limit(planner_client, portfolio, settings):
    settings.GP_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    response = upload(planner_client, portfolio, b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024))
    assert "파일이 너무 큽니다(50.0MB)" in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize(
    ("encoding", "bom", "shown"),
    [("utf-8", False, "UTF-8"), ("utf-8", True, "UTF-8 (BOM)"), ("cp949", False, "CP949")],
)
def test_csv_uploads_name_the_encoding_used(planner_client, portfolio, encoding, bom, shown):
    upload(planner_client, portfolio, csv_bytes(ROWS, encoding=encoding, bom=bom), "r.csv")
    run = ImportRun.objects.get()
    assert run.state == ImportState.READY
    assert run.encoding.startswith(shown[:5])
    assert run.encoding in planner_client.get(run.get_absolute_url()).content.decode()


def test_a_corrupt_workbook_gets_a_korean_message_and_nothing_is_written(planner_client, portfolio):
    upload(planner_client, portfolio, xlsx(ROWS)[:500])
    run = ImportRun.objects.get()
    page = planner_client.get(run.get_absolute_url()).content.decode()
    assert run.state == ImportState.INVALID
    assert "통합문서를 열 수 없습니다" in page
    assert not Proposal.objects.exists() and not Department.objects.exists()


def test_template_download_has_the_headers_and_one_example_row(planner_client):
    response = planner_client.get(reverse("imports:import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2
    assert rows[1][0] == "예시-01"


def test_large_files_are_previewed_by_a_worker_after_commit(
    planner_client, portfolio, settings, django_capture_on_commit_callbacks
):
    """Above the size threshold the upload only queues the task; the page shows progress."""
    settings.GP_IMPORT_ASYNC_MIN_BYTES = 1
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from imports import tasks

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(planner_client, portfolio, xlsx(ROWS))
    run = ImportRun.objects.get()
    assert run.state == ImportState.PENDING
    assert len(callbacks) == 1
    page = planner_client.get(run.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page
    assert "<progress" in page

    tasks.import_preview(run.pk)  # what the worker does
    run.refresh_from_db()
    assert run.state == ImportState.READY
    page = planner_client.get(run.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in page

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        planner_client.post(
            reverse("imports:import_apply", args=[run.pk]), {"confirm_new_departments": "on"}
        )
    run.refresh_from_db()
    assert run.state == ImportState.APPLY_PENDING
    assert len(callbacks) == 1
    tasks.import_apply(run.pk)
    run.refresh_from_db()
    assert run.state == ImportState.APPLIED
    assert Proposal.objects.count() == 2


# --- Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.VIEWER, Role.DEPUTY_MAYOR])
def test_non_planning_users_get_403_on_every_import_page(client, portfolio, role):
    user = UserFactory(role=role)
    client.force_login(user)
    for url in (reverse("imports:import_start"), reverse("imports:import_template")):
        assert client.get(url).status_code == 403
    assert AccessLog.objects.filter(user=user, event="denied").exists()


def test_a_crafted_post_from_a_head_changes_nothing(client, portfolio):
    """A department head who posts an upload or an apply directly gets 403, nothing changes."""
    planner = UserFactory(role=Role.PLANNING)
    client.force_login(planner)
    upload(client, portfolio, xlsx([row("A-01", "사업")]))
    run = ImportRun.objects.get()
    head = HeadFactory()
    client.force_login(head)

    assert upload(client, portfolio, xlsx([row("B-01", "사업")])).status_code == 403
    assert client.post(reverse("imports:import_apply", args=[run.pk])).status_code == 403
    assert client.get(run.get_absolute_url()).status_code == 403
    assert ImportRun.objects.count() == 1
    run.refresh_from_db()
    assert run.state == ImportState.READY
    assert not Proposal.objects.exists()


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("imports:import_start"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_planning_staff_see_the_import_link_in_the_menu(planner_client):
    page = planner_client.get(reverse("projects:proposal_list")).content.decode()
    assert reverse("imports:import_start") in page


def test_import_runs_are_listed_read_only_in_the_admin(admin_client, portfolio):
    upload(admin_client, portfolio, xlsx([row("A-01", "사업")]))
    run = ImportRun.objects.get()
    listing = admin_client.get(reverse("admin:imports_importrun_changelist"))
    assert listing.status_code == 200 and "report.xlsx" in listing.content.decode()
    detail = admin_client.get(reverse("admin:imports_importrun_change", args=[run.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
