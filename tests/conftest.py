import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation

from accounts.models import Role
from core import pagecache
from dashboard import version

from .factories import (
    ActionFactory,
    HeadFactory,
    MeetingFactory,
    PortfolioFactory,
    ProposalFactory,
    UserFactory,
)

pytest_plugins = ["tests.celery_worker"]  # the `worker` fixture (a real Celery worker)


@pytest.fixture(autouse=True)
def _require_postgres(request):
    """Fail loudly if the suite is not talking to PostgreSQL: SQLite is for the embedded mode."""
    if "django_db_setup" in request.fixturenames or request.node.get_closest_marker("django_db"):
        assert connection.vendor == "postgresql", "tests must run on PostgreSQL (DATABASE_URL)"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Hash test passwords cheaply: PBKDF2's million rounds would dominate the suite's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _korean_by_default():
    """Start every test in Korean: a request in English must not leak into the next test."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _empty_caches():
    """Start and end every test with empty caches: sessions and cached pages (shared and this
    process's copies) never carry over from one test to the next."""
    cache.clear()
    pagecache.clear()
    yield
    cache.clear()
    pagecache.clear()


@pytest.fixture
def no_page_cache(settings):
    """Render every page body fresh (core.pagecache), for tests that read a page's context."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }


@pytest.fixture
def portfolio(db):
    return PortfolioFactory()


@pytest.fixture
def head(db):
    return HeadFactory()


@pytest.fixture
def proposal(head):
    return ProposalFactory(lead_department=head.department)


@pytest.fixture
def planner(db):
    """Planning staff (기획 담당): imports, meetings, accounts."""
    return UserFactory(role=Role.PLANNING, username="planner", first_name="기획")


@pytest.fixture
def action(head, proposal):
    """An open follow-up of `head`'s department on `proposal`, agreed a month ago."""
    meeting = MeetingFactory(
        portfolio=proposal.portfolio, held_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    return ActionFactory(meeting=meeting, proposal=proposal, owner_department=head.department)


@pytest.fixture
def viewer(db):
    return UserFactory()


@pytest.fixture(autouse=True)
def _portfolio_version_bumps_at_once(request):
    """Fire the portfolio version triggers at each statement in tests that never commit.

    In production they fire at commit (deferrable constraint triggers). A test wrapped in one
    rolled-back transaction never commits, so here they fire at once, as each commit would.
    """
    marker = request.node.get_closest_marker("django_db")
    uses_db = "db" in request.fixturenames or marker is not None
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if uses_db and not transactional:
        request.getfixturevalue("db")
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {', '.join(version.TRIGGERS)} IMMEDIATE")
    yield
