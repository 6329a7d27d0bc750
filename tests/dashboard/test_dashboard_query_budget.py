"""The dashboard's query budget: the same number of queries at two portfolio sizes.

In a module of its own: the demo portfolios are built once per size for the whole module.
"""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from dashboard import version
from projects.models import Department, Pillar, Portfolio, Proposal
from projects.services import proposal_update_status
from rounds.services import round_open, round_snapshot

pytestmark = pytest.mark.django_db
URL = reverse("dashboard:index")
# session + user, portfolio version, meetings, proposal totals, updated and new proposals,
# follow-up
# totals, stale list, changed follow-ups, departments, upcoming, matrix, pillars, trend, the
# filter form's pillar and department choices, and the session's save (savepoint, update,
# release: SESSION_SAVE_EVERY_REQUEST keeps the idle timeout sliding).
# The footer's loaded-sources check (one query) is on a miss only: a hit serves the cached page;
# so is the count of round submissions awaiting confirmation (the 확인 대기 note).
# "Since the last round" (dashboard/since_round.py) reads the portfolio's last frozen round:
# +1 query (19 → 20); when there is one, the first status updates since its snapshot: +1 more
# (ROUND_QUERIES). Its new proposals and follow-ups ride on the totals' aggregate queries.
QUERIES_MISS = 19  # user with version + unread count (core.user_row), portfolios, the reads
ROUND_QUERIES = 1  # the first updates since the round's snapshot, when a round was frozen
# A hit: the user, read with the version and the unread count (core.user_row). The session
# comes from the cache, the portfolios from this process's copy under the same version.
QUERIES_HIT = 1


@pytest.fixture(scope="module", params=[1, 4], ids=["35-proposals", "140-proposals"])
def demo_deputy(request, django_db_setup, django_db_blocker):
    """The seed plus the demo at two sizes, built once per size for this module's tests.

    Built in a transaction rolled back at the end; each test runs in its own savepoint. The
    version triggers fire at once, as the commits of a real load would move the version.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {', '.join(version.TRIGGERS)} IMMEDIATE")
        call_command("seed", verbosity=0)
        call_command("load_demo", scale=request.param, verbosity=0)
        yield User.objects.get(username="deputy")
        transaction.set_rollback(True)


def test_query_count_is_the_same_at_any_size(client, django_assert_num_queries, demo_deputy):
    """The seed portfolio (35 proposals) and a 4× one (140) cost the same number of queries."""
    client.force_login(demo_deputy)
    with django_assert_num_queries(QUERIES_MISS):
        response = client.get(URL)
    assert response.status_code == 200
    with django_assert_num_queries(QUERIES_HIT):
        assert client.get(URL).status_code == 200


def test_filtered_query_count_is_the_same_at_any_size(
    client, django_assert_num_queries, demo_deputy
):
    """With a pillar and a department chosen, the count is fixed too.

    Each chosen pillar or department is validated with one query; the pillar list is then not
    read (only the chosen pillar's row is shown): one more query. The portfolio's whole count
    (for "35개 중 9개 등록", whatever the filters) is one more.
    """
    client.force_login(demo_deputy)

    params = {
        "pillar": Pillar.objects.order_by("number").first().pk,
        "lead_department": Department.objects.order_by("name").first().pk,
        "status": ["on_track", "partial"],
        "sort": "department",
    }
    with django_assert_num_queries(QUERIES_MISS + 2):
        assert client.get(URL, params).status_code == 200


def test_with_a_frozen_round_the_count_is_fixed_too(client, django_assert_num_queries, demo_deputy):
    """A frozen round (and a change since) adds one query at 35 and at 140 proposals."""
    portfolio = Portfolio.objects.filter(proposals__isnull=False).distinct().first()
    planner = User.objects.filter(role=Role.PLANNING).first()
    today = timezone.localdate()
    round_ = round_open(
        portfolio=portfolio, name="예산 점검", as_of=today, due_date=today, user=planner
    )
    round_snapshot(round_=round_, user=planner)
    proposal = Proposal.objects.filter(pk__in=round_.proposals.values("pk")).first()
    proposal_update_status(
        proposal=proposal,
        user=planner,
        expected_version=proposal.version,
        status=proposal.status,
        progress=min(proposal.progress + 1, 99),
        confidence=proposal.confidence,
    )
    client.force_login(demo_deputy)
    with django_assert_num_queries(QUERIES_MISS + ROUND_QUERIES):
        response = client.get(URL)
    assert response.status_code == 200
    assert "지난 점검 회차" in response.content.decode()
