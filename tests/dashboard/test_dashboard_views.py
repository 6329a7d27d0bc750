"""The dashboard page: access, links into the proposal list, filters in the URL, query budget."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role, User
from projects.models import ProposalStatus
from projects.services import proposal_update_status
from reviews.models import Notification

from ..factories import HeadFactory, UserFactory
from .dashboard_data import known_portfolio

pytestmark = pytest.mark.django_db
URL = reverse("dashboard:index")
# session + user, portfolio version, meetings, proposal totals, updated and new proposals,
# follow-up
# totals, stale list, changed follow-ups, departments, upcoming, matrix, pillars, trend, the
# filter form's pillar and department choices, and the session's save (savepoint, update,
# release: SESSION_SAVE_EVERY_REQUEST keeps the idle timeout sliding), and the round
# submissions awaiting confirmation (the 확인 대기 note).
QUERIES_MISS = 17  # user, version + unread count in one round trip, the dashboard's reads
QUERIES_HIT = 2  # user; portfolio version and unread count in one query; session from cache


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def deputy(db):
    return UserFactory(role=Role.DEPUTY_MAYOR)


def test_anonymous_visitor_is_sent_to_login(client):
    """Without a login the dashboard answers with the login page."""
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", [Role.DEPUTY_MAYOR, Role.PLANNING, Role.VIEWER])
def test_every_signed_in_role_may_view(client, role):
    """The deputy mayor, planning staff and viewers all see the dashboard."""
    client.force_login(UserFactory(role=role))
    response = client.get(URL)
    assert response.status_code == 200
    assert "보고회 대시보드" in response.content.decode()


def test_department_head_may_view(client):
    """A department head sees the dashboard too (read-only)."""
    client.force_login(HeadFactory())
    assert client.get(URL).status_code == 200


def test_nav_has_the_dashboard(client, deputy):
    """The main menu links to the dashboard and marks it current."""
    client.force_login(deputy)
    html = client.get(URL).content.decode()
    assert f'<a href="{URL}" aria-current="page">' in html


def test_matrix_cells_link_to_the_filtered_proposal_list(client, deputy):
    """Each non-empty pillar × status cell links to the list with pillar and status."""
    known = known_portfolio()
    client.force_login(deputy)
    html = client.get(URL).content.decode()
    one, two = known.pillars
    base = reverse("projects:proposal_list")
    assert f'href="{base}?pillar={one.pk}&amp;status=partial"' in html
    assert f'href="{base}?pillar={two.pk}&amp;status=on_track"' in html
    assert f'href="{base}?status=done"' in html


def test_departments_link_to_their_proposals(client, deputy):
    """Each department row links to the list filtered by lead_department."""
    known = known_portfolio()
    client.force_login(deputy)
    html = client.get(URL).content.decode()
    base = reverse("projects:proposal_list")
    for dept in known.departments:
        assert f'href="{base}?lead_department={dept.pk}"' in html


def test_filters_stay_in_the_url(client, deputy):
    """Chosen filters show in the form, in the sort links and in the downloads."""
    known = known_portfolio()
    client.force_login(deputy)
    one = known.pillars[0]
    response = client.get(URL, {"pillar": one.pk, "status": ["partial", "done"], "period": "30"})
    html = response.content.decode()
    assert f'<option value="{one.pk}" selected>' in html
    assert 'value="partial" id="id_status_2" checked' in html
    query = f"pillar={one.pk}&amp;status=partial&amp;status=done&amp;period=30"
    assert f"{reverse('dashboard:briefing_pdf')}?{query}" in html
    assert f"?{query}&amp;sort=-open" in html
    assert "전체 사업" in html


def test_sort_links_toggle_and_mark_the_sorted_column(client, deputy):
    """The sorted column carries aria-sort; clicking it again reverses the order."""
    known_portfolio()
    client.force_login(deputy)
    html = client.get(URL, {"sort": "-open"}).content.decode()
    assert 'aria-sort="descending"><a href="?sort=open">' in html
    html = client.get(URL, {"sort": "department"}).content.decode()
    assert html.index("가부서") < html.index("나부서")
    html = client.get(URL, {"sort": "-department"}).content.decode()
    assert html.index("나부서", html.index("h-departments")) < html.index(
        "가부서", html.index("h-departments")
    )


def test_charts_are_inline_svg_with_text_alternatives(client, deputy):
    """Both charts are server-rendered SVG with a title and a description; nothing external."""
    known_portfolio()
    client.force_login(deputy)
    html = client.get(URL).content.decode()
    assert html.count('<svg viewBox="0 0 640') == 2
    assert 'aria-labelledby="bars-title bars-desc"' in html
    assert 'aria-labelledby="line-title line-desc"' in html
    assert "https://" not in html.split("<main", 1)[1]


def test_a_status_update_shows_on_the_next_load(client, deputy):
    """The cached dashboard changes as soon as a proposal's status does."""
    known = known_portfolio()
    client.force_login(deputy)
    first = client.get(URL).content.decode()
    assert "25.0%" in first
    p4 = known.proposals[3]
    p4.refresh_from_db()
    proposal_update_status(
        proposal=p4,
        user=known.head,
        expected_version=p4.version,
        status=ProposalStatus.DONE,
        progress=100,
        confidence=5,
    )
    second = client.get(URL).content.decode()
    assert "50.0%" in second  # 완료율: 2 of 4


def _portfolio(scale):
    call_command("seed", verbosity=0)
    call_command("load_demo", scale=scale, verbosity=0)
    return User.objects.get(username="deputy")


@pytest.mark.parametrize("scale", [1, 10])
def test_query_count_is_the_same_at_any_size(client, django_assert_num_queries, scale):
    """The seed portfolio (35 proposals) and a 10× one (350) cost the same number of queries."""
    deputy = _portfolio(scale)
    client.force_login(deputy)
    with django_assert_num_queries(QUERIES_MISS):
        response = client.get(URL)
    assert response.status_code == 200
    with django_assert_num_queries(QUERIES_HIT):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize("scale", [1, 10])
def test_filtered_query_count_is_the_same_at_any_size(client, django_assert_num_queries, scale):
    """With a pillar and a department chosen, the count is fixed too.

    Each chosen pillar or department is validated with one query; the pillar list is then not
    read (only the chosen pillar's row is shown): one more query in all.
    """
    deputy = _portfolio(scale)
    client.force_login(deputy)
    from projects.models import Department, Pillar

    params = {
        "pillar": Pillar.objects.order_by("number").first().pk,
        "lead_department": Department.objects.order_by("name").first().pk,
        "status": ["on_track", "partial"],
        "sort": "department",
    }
    with django_assert_num_queries(QUERIES_MISS + 1):
        assert client.get(URL, params).status_code == 200


def test_cached_page_follows_the_reader_and_their_unread_count(client):
    """The whole page is cached per session: nobody sees another's menu or a stale count."""
    known_portfolio()
    deputy = UserFactory(role=Role.DEPUTY_MAYOR, first_name="부시장갑")
    viewer = UserFactory(role=Role.VIEWER, first_name="열람자을")
    client.force_login(deputy)
    assert "부시장갑" in client.get(URL).content.decode()
    client.force_login(viewer)
    page = client.get(URL).content.decode()
    assert "열람자을" in page and "부시장갑" not in page
    # when: a notification arrives for the viewer
    Notification.objects.create(user=viewer, title="기한 알림")
    # then: the next load shows it in the menu
    assert 'class="nav-count">1' in client.get(URL).content.decode()
