"""Cached page bodies (core.pagecache): served without rebuilding, never stale after a write,
whatever makes it (a service, the admin, an import, `QuerySet.update`, raw SQL), and never
another user's: edit links follow the audience, CSRF tokens are the request's own."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from core import pagecache
from imports.services import (
    import_run_apply,
    import_run_create,
    import_run_preview,
    import_run_request_apply,
)
from projects.models import Department, Pillar, Proposal
from projects.services import proposal_update_status
from tests.factories import HeadFactory, PillarFactory, ProposalFactory, UserFactory
from tests.import_files import row, xlsx

pytestmark = pytest.mark.django_db

LIST = reverse("projects:proposal_list")


@pytest.fixture(autouse=True)
def _empty_page_cache():
    caches[pagecache.CACHE_ALIAS].clear()
    yield
    caches[pagecache.CACHE_ALIAS].clear()


@pytest.fixture
def listed(portfolio, head):
    return ProposalFactory(
        portfolio=portfolio, lead_department=head.department, title="수소 항만 사업"
    )


def _page(client, url=LIST):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_load_is_served_from_the_cache(client, listed, head, django_assert_num_queries):
    client.force_login(head)
    _page(client)
    # session (cached), user with version + unread (core.user_row): nothing of the list
    # itself, and not the portfolios either (kept in the process under the same version).
    with django_assert_num_queries(1):
        assert "수소 항만 사업" in _page(client)


def test_a_status_update_through_the_service_shows_at_once(client, listed, head):
    client.force_login(head)
    assert "보류" not in _page(client, listed.get_absolute_url())
    proposal_update_status(
        proposal=listed,
        user=head,
        expected_version=listed.version,
        status="on_hold",
        progress=listed.progress,
        reason="예산 미확보",
    )
    assert "보류" in _page(client, listed.get_absolute_url())
    assert "보류" in _page(client)


def test_a_write_that_bypasses_the_services_shows_at_once(client, listed, head):
    client.force_login(head)
    _page(client)
    Proposal.objects.filter(pk=listed.pk).update(title="바뀐 이름 하나")
    assert "바뀐 이름 하나" in _page(client)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE projects_proposal SET title = %s WHERE id = %s", ["바뀐 이름 둘", listed.pk]
        )
    assert "바뀐 이름 둘" in _page(client)


def test_a_change_in_the_admin_shows_at_once(client, listed, head):
    admin = UserFactory(is_superuser=True, is_staff=True, username="root-admin")
    client.force_login(admin)
    assert listed.lead_department.name in _page(client)
    response = client.post(
        reverse("admin:projects_department_change", args=[listed.lead_department_id]),
        {"name": "새이름과", "head": "", "email": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Department.objects.get(pk=listed.lead_department_id).name == "새이름과"
    assert "새이름과" in _page(client)


def test_an_import_shows_at_once(client, portfolio, planner):
    for number in range(1, 6):
        PillarFactory(portfolio=portfolio, number=number, name=f"전략 {number}")
    assert Pillar.objects.filter(portfolio=portfolio).count() >= 5
    client.force_login(planner)
    assert "가져온 새 사업" not in _page(client)
    data = xlsx([row("Z-01", "가져온 새 사업", pillar=1, lead="기획예산과")])
    run = import_run_create(portfolio=portfolio, user=planner, file_name="r.xlsx", data=data)
    run = import_run_preview(run_id=run.pk)
    import_run_request_apply(run=run, user=planner, confirm_new_departments=True)
    import_run_apply(run_id=run.pk)
    assert "가져온 새 사업" in _page(client)


def test_edit_links_follow_the_reader_not_the_first_reader(client, listed, head):
    other = HeadFactory()
    url = listed.get_absolute_url()
    client.force_login(head)
    assert "추진 현황 갱신" in _page(client, url)
    client.force_login(other)
    assert "추진 현황 갱신" not in _page(client, url)
    client.force_login(UserFactory(role=Role.PLANNING, username="p2"))
    assert "추진 현황 갱신" in _page(client, url)


def test_each_reader_gets_their_own_csrf_token(listed, head):
    """The cached body's form carries a token the CSRF check accepts for this session."""
    url = listed.get_absolute_url()
    for _session in range(2):  # the second session reads the body the first one cached
        client = Client(enforce_csrf_checks=True)
        client.force_login(head)
        page = _page(client, url)
        assert pagecache.CSRF_PLACEHOLDER not in page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = client.post(
            reverse("projects:proposal_comment_add", args=[listed.pk]),
            {"body": "의견", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302


def test_a_reader_without_access_is_refused_even_when_cached(client, listed, head):
    client.force_login(head)
    _page(client, listed.get_absolute_url())
    client.logout()
    response = client.get(listed.get_absolute_url())
    assert response.status_code == 302 and "login" in response.url


def test_a_token_a_hook_rendered_into_the_body_is_the_readers_own(listed, head, monkeypatch):
    """A panel rendered by another app with its own request context carries the first
    reader's token; the cached body must give every reader theirs."""
    from django.template import engines

    from projects import hooks

    form = engines["django"].from_string('<form id="hooked" method="post">{% csrf_token %}</form>')
    monkeypatch.setattr(
        hooks, "_detail_panels", [lambda request, proposal: form.render({}, request)]
    )
    tokens = []
    for _session in range(2):
        client = Client(enforce_csrf_checks=True)
        client.force_login(head)
        page = _page(client, listed.get_absolute_url())
        hooked = re.search(r'<form id="hooked" method="post">(.*?)</form>', page).group(1)
        token = re.search(r'value="([^"]+)"', hooked).group(1)
        assert token != pagecache.CSRF_PLACEHOLDER
        response = client.post(
            reverse("projects:proposal_comment_add", args=[listed.pk]),
            {"body": "의견", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302
        tokens.append(token)
    assert tokens[0] != tokens[1]


def test_a_message_is_shown_once_and_never_cached(client, listed, head):
    url = listed.get_absolute_url()
    client.force_login(head)
    _page(client, url)  # cached for this session
    client.post(reverse("projects:proposal_comment_add", args=[listed.pk]), {"body": "첫 의견"})
    first = _page(client, url)
    assert "의견을 등록했습니다." in first and "첫 의견" in first
    assert "의견을 등록했습니다." not in _page(client, url)
