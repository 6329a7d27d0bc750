"""This process's copies of shared page-cache entries (core.pagecache with Redis, as in
production): a hit costs no round trip to Redis, yet a write shows at once, `clear()` empties
the copies too, and a copy never outlives the shared entry it was taken from."""

import os
import time
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.cache import caches
from django.urls import reverse

from core import pagecache
from projects.models import ProposalStatus
from projects.services import proposal_update_status
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

LIST = reverse("projects:proposal_list")


@pytest.fixture
def shared_pages(settings):
    """The "pages" cache in a real Redis, as production configures it."""
    broker = urlsplit(os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"))
    if broker.scheme not in ("redis", "rediss"):
        pytest.fail("the tests need Redis (CELERY_BROKER_URL)")
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "core.redis_cache.RedisCache",
            "LOCATION": f"{broker.scheme}://{broker.netloc}/15",
            "KEY_PREFIX": "gp-test-pages",
        },
    }
    pagecache.clear()
    yield caches["pages"]
    pagecache.clear()


@pytest.fixture
def listed(portfolio, head):
    return ProposalFactory(
        portfolio=portfolio, lead_department=head.department, title="수소 항만 사업"
    )


def _load(client):
    response = client.get(LIST)
    assert response.status_code == 200
    return response


def _warm(client, head):
    client.force_login(head)
    _load(client)  # sets the CSRF cookie, part of the whole page's key
    return _load(client).content  # kept for the session, in Redis and in this process


def test_a_hit_is_served_from_this_process_without_redis(
    client, shared_pages, listed, head, django_assert_num_queries
):
    page = _warm(client, head)
    shared_pages.clear()  # only Redis: this process still holds its copy
    # session (default cache), user with version + unread: the page itself is not rebuilt (no
    # footer query, no portfolio list) and Redis held nothing to serve it from.
    with django_assert_num_queries(1):
        response = _load(client)
    assert response.content == page
    assert response.context is None  # no template rendered


def test_a_write_shows_at_once_though_this_process_holds_a_copy(client, shared_pages, listed, head):
    before = _warm(client, head).decode().count("보류")
    proposal_update_status(
        proposal=listed,
        user=head,
        expected_version=listed.version,
        status=ProposalStatus.ON_HOLD,
        progress=listed.progress,
        reason="예산 미확보",
    )
    assert _load(client).content.decode().count("보류") == before + 1  # the row's badge


def test_clear_empties_this_processs_copies_too(client, shared_pages, listed, head):
    _warm(client, head)
    pagecache.clear()
    assert _load(client).context is not None  # rendered anew


def test_a_copy_never_outlives_the_shared_entry(client, shared_pages, listed, head):
    _warm(client, head)
    with time_machine.travel(time.time() + pagecache.TIMEOUT + 1):
        assert _load(client).context is not None  # rendered anew
        assert _load(client).context is None  # and kept again


def test_a_dummy_page_cache_keeps_no_copy(client, no_page_cache, listed, head):
    client.force_login(head)
    for _ in range(3):
        assert _load(client).context is not None


def _request(version):
    return SimpleNamespace(_gp_data_version=version)


def test_versioned_builds_once_per_version_and_returns_copies():
    calls = []

    def build():
        calls.append(1)
        return {"portfolios": [1, 2]}

    first = pagecache.versioned(_request("v1"), "demo", build)
    first["portfolios"].append(3)  # a caller's change stays in its copy
    assert pagecache.versioned(_request("v1"), "demo", build) == {"portfolios": [1, 2]}
    assert len(calls) == 1
    pagecache.versioned(_request("v2"), "demo", build)
    assert len(calls) == 2
