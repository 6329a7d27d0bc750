"""The dashboard page: access, links into the proposal list, filters in the URL, query budget."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from projects.models import ProposalStatus
from projects.services import proposal_update_status
from reviews.models import Notification
from tests.dashboard.dashboard_data import at, known_portfolio, update
from tests.factories import HeadFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("dashboard:index")


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
    base = reverse("projects:proposal_list") + f"?portfolio={one.portfolio_id}"
    assert f'href="{base}&amp;pillar={one.pk}&amp;status=partial"' in html
    assert f'href="{base}&amp;pillar={two.pk}&amp;status=on_track"' in html
    assert f'href="{base}&amp;status=done"' in html


def test_departments_link_to_their_proposals(client, deputy):
    """Each department row links to the list filtered by lead_department."""
    known = known_portfolio()
    client.force_login(deputy)
    html = client.get(URL).content.decode()
    base = reverse("projects:proposal_list") + f"?portfolio={known.pillars[0].portfolio_id}"
    for dept in known.departments:
        assert f'href="{base}&amp;lead_department={dept.pk}"' in html


def test_filters_stay_in_the_url(client, deputy):
    """Chosen filters show in the form, in the sort links and in the downloads."""
    known = known_portfolio()
    client.force_login(deputy)
    one = known.pillars[0]
    response = client.get(URL, {"pillar": one.pk, "status": ["partial", "done"], "period": "30"})
    html = response.content.decode()
    assert f'<option value="{one.pk}" selected>' in html
    assert 'value="partial" id="id_status_2" checked' in html
    query = (
        f"portfolio={one.portfolio_id}&amp;pillar={one.pk}&amp;status=partial&amp;status=done"
        "&amp;period=30"
    )
    assert f"{reverse('dashboard:briefing_pdf')}?{query}" in html
    assert f"?{query}&amp;sort=-open" in html
    assert "등록 사업" in html


def test_sort_links_toggle_and_mark_the_sorted_column(client, deputy):
    """The sorted column carries aria-sort; clicking it again reverses the order."""
    known_portfolio()
    client.force_login(deputy)
    html = client.get(URL, {"sort": "-open"}).content.decode()
    assert 'aria-sort="descending"><a href="?portfolio=' in html
    assert '&amp;sort=open">' in html
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
    assert "25.0%" in _figure(first, "done_rate")
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
    assert "50.0%" in _figure(second, "done_rate")  # 완료율: 2 of 4
    assert "75.0%" in _figure(second, "implementation_rate")  # 이행률: 3 of 4


def _figure(html: str, key: str) -> str:
    """The text of one headline figure's box."""
    start = html.index(f'class="figure figure-{key}"')
    return html[start : html.index("</li>", start)]


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


def test_the_changed_proposals_table_is_capped(client, deputy):
    """Thirty proposals changed since the last meeting: the dashboard lists 25 and says how
    many there are, with a link to the list sorted by last update (the page does not grow with
    the portfolio)."""
    known = known_portfolio()
    portfolio = known.last_meeting.portfolio
    since = known.since
    head = HeadFactory()
    for i in range(27):  # with p1 and p3 of the known portfolio: 29 changed
        proposal = ProposalFactory(portfolio=portfolio, title=f"바뀐 사업 {i:02d}")
        proposal.__class__.objects.filter(pk=proposal.pk).update(
            created_at=at(since - datetime.timedelta(days=40)),
            known_since=since - datetime.timedelta(days=40),
        )
        update(proposal, head, since + datetime.timedelta(days=1), ProposalStatus.ON_TRACK, 10)
    client.force_login(deputy)
    html = client.get(reverse("dashboard:index"), {"portfolio": portfolio.pk}).content
    html = html.decode()
    start = html.index('class="data compact stack changes-since"')
    table = html[start : html.index("</table>", start)]
    assert table.count("<tr>") - 1 == 25
    assert "모두 29건 중 25건을 보입니다." in html and "?ordering=-last_update_at" in html
