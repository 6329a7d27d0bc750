"""A large upload goes through Redis to a real Celery worker and the page reports the result."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from gwangyang_portfolio.celery import app
from imports.models import ImportRun, ImportState
from projects.models import Proposal
from tests.factories import PillarFactory, PortfolioFactory, UserFactory
from tests.import_files import row, xlsx

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def wait_for(run, states, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.state in states:
            return run
        time.sleep(0.2)
    raise AssertionError(f"run stayed {run.state}")


def test_worker_previews_and_applies_a_large_upload(client, settings):
    settings.GP_IMPORT_ASYNC_MIN_BYTES = 1
    portfolio = PortfolioFactory()
    for number in range(1, 6):
        PillarFactory(portfolio=portfolio, number=number, name=f"전략 {number}")
    client.force_login(UserFactory(role=Role.PLANNING))
    data = xlsx([row(f"W-{i:03d}", f"사업 {i}", pillar=i % 5 + 1) for i in range(50)])

    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        client.post(
            reverse("imports:import_start"),
            {
                "portfolio": portfolio.pk,
                "file": SimpleUploadedFile("big.xlsx", data),
                "data_source": "report",
            },
        )
        run = wait_for(ImportRun.objects.get(), {ImportState.READY, ImportState.INVALID})
        assert run.state == ImportState.READY and run.rows_new == 50
        client.post(reverse("imports:import_apply", args=[run.pk]))
        run = wait_for(run, {ImportState.APPLIED, ImportState.FAILED})

    assert run.state == ImportState.APPLIED
    assert Proposal.objects.count() == 50
    page = client.get(run.get_absolute_url()).content.decode()
    assert "적용했습니다: 신규 50건" in page
