"""Query budgets of the heads' pages: the same number of queries for the seed-sized
portfolio (35 proposals) and one ten times larger (350), with related rows scaled alike."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Pillar, ProposalComment, StatusUpdate
from projects.services import proposal_update
from reviews.models import ProposalReview
from tests.factories import (
    DepartmentFactory,
    HeadFactory,
    MeetingFactory,
    PortfolioFactory,
    bulk_actions,
    bulk_proposals,
)

pytestmark = pytest.mark.django_db
SIZES = [1, 10]  # × the report's 35 proposals
# Budgets: the user, read with the nav's unread-notification count and the pages' data
# version (core.user_row; the session comes from the cache and is written at most once a
# minute), the footer's loaded sources, then the page's own reads.
# The list's form reads the department choices twice: "부서(주관·협조)" and "주관부서".
# The list and 내 부서 read the portfolios once (the request's portfolio and the switcher).
LIST_QUERIES = 9
# The detail page's audit trail: its records, the supporting departments of all of them (one
# query), then the names of the pillars and of the departments (lead or supporting) that its
# changes mention (one query each). The rounds add two: the open round a head's "update"
# link leads to, and a submission awaiting confirmation (the 확인 대기 panel). The body is
# cached (core.pagecache): one more to check access before it is served.
DETAIL_QUERIES = 19
# The rounds add one: the department's open rounds (their rows are prefetched when any).
# Paged (dashboard/my_department.py): the counts per status, a page of proposals, the action
# counts, a page of actions, the supported proposals.
MY_DEPARTMENT_QUERIES = 10


@pytest.fixture
def portfolio_of(db):
    def build(scale: int):
        portfolio = PortfolioFactory()
        departments = DepartmentFactory.create_batch(5)
        head = HeadFactory(department=departments[0])
        proposals = bulk_proposals(35 * scale, portfolio=portfolio, departments=departments)
        target = proposals[0]  # led by departments[0]
        meetings = [
            MeetingFactory(
                portfolio=portfolio, held_on=timezone.localdate() - datetime.timedelta(days=60)
            )
            for _ in range(scale)
        ]
        ProposalReview.objects.bulk_create(
            ProposalReview(meeting=m, proposal=target, gaps="미비점") for m in meetings
        )
        bulk_actions(4 * scale, meeting=meetings[0], department=departments[0], proposals=[target])
        now = timezone.now()
        StatusUpdate.objects.bulk_create(
            StatusUpdate(
                proposal=target,
                author=head,
                created_at=now - datetime.timedelta(days=i),
                status="on_track",
                progress=10,
                version=100 + i,
            )
            for i in range(3 * scale)
        )
        ProposalComment.objects.bulk_create(
            ProposalComment(proposal=target, author=head, body=f"의견 {i}")
            for i in range(2 * scale)
        )
        pillars = list(Pillar.objects.filter(portfolio=portfolio))
        for i in range(3 * scale):  # audited edits: pillar and supporting departments
            proposal_update(
                proposal=target,
                user=head,
                expected_version=i + 1,
                pillar=pillars[i % 2],
                supporting_departments=departments[1 + i % 4 :][:2],
            )
        return head, target

    return build


@pytest.mark.parametrize("scale", SIZES)
def test_proposal_list_queries_do_not_grow(client, portfolio_of, scale, django_assert_num_queries):
    """The filtered, sorted list costs the same at 35 and 350 proposals."""
    head, _target = portfolio_of(scale)
    client.force_login(head)
    url = reverse("projects:proposal_list")
    params = {"q": "사업", "department": head.department_id, "ordering": "-progress"}
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url, params)
    assert response.status_code == 200
    assert len(response.context["object_list"]) == min(25, response.context["paginator"].count)


@pytest.mark.parametrize("scale", SIZES)
def test_proposal_detail_queries_do_not_grow(
    client, portfolio_of, scale, django_assert_num_queries
):
    """The detail page with its updates, reviews, actions, comments and audit trail costs
    the same when each of those grows tenfold."""
    head, target = portfolio_of(scale)
    client.force_login(head)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(target.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("미비점") >= scale and f"의견 {2 * scale - 1}" in html
    assert html.count("협조부서: <del>") == 3 * scale
    assert len(response.context["object"].actions.all()) == 4 * scale


@pytest.mark.parametrize("scale", SIZES)
def test_my_department_queries_do_not_grow(client, portfolio_of, scale, django_assert_num_queries):
    """ "My department" costs the same with 7 or 70 proposals and 4 or 40 actions."""
    head, _target = portfolio_of(scale)
    client.force_login(head)
    with django_assert_num_queries(MY_DEPARTMENT_QUERIES):
        response = client.get(reverse("dashboard:my_department"))
    assert response.status_code == 200
    assert response.context["proposal_total"] == 7 * scale
    assert response.context["open_count"] == 4 * scale
    assert len(response.context["proposal_page"]) == min(7 * scale, 20)
    assert len(response.context["action_page"]) == min(4 * scale, 20)


# The meeting page: chair and portfolio, attending departments, reviews with their
# proposals, actions with departments and proposals, amendments, carried-over actions and the
# rounds' link. A hit (core.pagecache: the whole page, per session) reads the session and its
# user with the version and the unread count (core.user_row), and the page's access check; the
# list and 내 부서 resolve the portfolio instead, from the list each process keeps per version.
MEETING_QUERIES = 14
HIT_QUERIES = {"list": 1, "detail": 2, "meeting": 2, "my_department": 1}


@pytest.mark.parametrize("scale", SIZES)
def test_meeting_detail_queries_do_not_grow(
    client, portfolio_of, scale, django_assert_max_num_queries, no_page_cache
):
    head, target = portfolio_of(scale)
    meeting = target.reviews.first().meeting
    client.force_login(head)
    with django_assert_max_num_queries(MEETING_QUERIES):
        response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("scale", SIZES)
@pytest.mark.parametrize("page", ["list", "detail", "meeting", "my_department"])
def test_a_cached_page_costs_the_same_few_queries(
    client, portfolio_of, scale, page, django_assert_num_queries
):
    """Served from core.pagecache: the session's user, the version (with the unread count),
    the footer's sources and the page's access check — never the page's own reads."""
    head, target = portfolio_of(scale)
    url = {
        "list": reverse("projects:proposal_list"),
        "detail": target.get_absolute_url(),
        "meeting": target.reviews.first().meeting.get_absolute_url(),
        "my_department": reverse("dashboard:my_department"),
    }[page]
    client.force_login(head)
    assert client.get(url).status_code == 200
    with django_assert_num_queries(HIT_QUERIES[page]):
        assert client.get(url).status_code == 200
