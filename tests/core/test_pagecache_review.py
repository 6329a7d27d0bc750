"""core.pagecache against crafted query strings and renamed users: a reader never gets a page
shaped by another reader's query, and a new name shows at once."""

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from core import pagecache
from projects.services import proposal_comment_add
from tests.factories import HeadFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("projects:proposal_list")
MINE = reverse("dashboard:my_department")


@pytest.fixture(autouse=True)
def _empty_page_cache():
    caches[pagecache.CACHE_ALIAS].clear()
    yield
    caches[pagecache.CACHE_ALIAS].clear()


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        "status=",
        "pillar=",
        "confidence=",
        "stale_days=",
        "ordering=",
        "q=%20",
        "pillar=%20",
        "status=%20",
        "confidence=%20",
    ],
)
def test_a_whitespace_filter_value_does_not_poison_the_plain_list(portfolio, bad):
    ProposalFactory(portfolio=portfolio, title="수소 항만 사업")
    first, second = Client(), Client()
    first.force_login(UserFactory())
    second.force_login(UserFactory())  # same audience (viewer, no department)
    _get(first, f"{LIST}?{bad}")  # a crafted link: the filter form rejects " ", list empty
    assert "수소 항만 사업" in _get(second, LIST)


def test_my_department_links_do_not_carry_another_readers_query(portfolio):
    head = HeadFactory()
    other = HeadFactory(department=head.department)
    for i in range(25):
        ProposalFactory(portfolio=portfolio, lead_department=head.department, title=f"사업 {i}")
    first, second = Client(), Client()
    first.force_login(head)
    second.force_login(other)
    assert "injected=1" in _get(first, f"{MINE}?injected=1")
    assert "injected=1" not in _get(second, MINE)


def test_a_renamed_author_shows_at_once(portfolio):
    planner = UserFactory(role=Role.PLANNING, first_name="옛이름")
    proposal = ProposalFactory(portfolio=portfolio)
    proposal_comment_add(proposal=proposal, user=planner, body="의견")
    client = Client()
    client.force_login(UserFactory())
    assert "옛이름" in _get(client, proposal.get_absolute_url())
    planner.first_name = "새이름"
    planner.save()
    assert "새이름" in _get(client, proposal.get_absolute_url())


def test_a_login_does_not_move_the_version(portfolio):
    """Signing in writes `last_login`: that must not empty every cached page."""
    from dashboard.version import read

    user = UserFactory()
    before, _unread = read()
    Client().force_login(user)
    user.refresh_from_db()
    user.save(update_fields=["last_login"])
    assert read()[0] == before
