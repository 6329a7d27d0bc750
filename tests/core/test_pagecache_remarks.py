"""Remarks and the page cache: a remark on a proposal moves that proposal's remarks version
(projects.remarks), which its page is keyed on, and leaves the portfolio version alone, so the
list, the dashboard, the meetings, 내 부서 and every other proposal's page stay cached while
people comment; every other write, and a remark written with one, moves the portfolio version."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from accounts.models import Role
from dashboard import version
from projects import remarks
from projects.models import Proposal
from projects.services import proposal_comment_add, proposal_update_status
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("projects:proposal_list")
DASHBOARD = reverse("dashboard:index")


@pytest.fixture
def listed(portfolio, head):
    return ProposalFactory(
        portfolio=portfolio, lead_department=head.department, title="수소 항만 사업"
    )


def _versions(proposal):
    """The portfolio version and the proposal's remarks version."""
    return version.read()[0], remarks.proposal_for_page(proposal.pk)[1]


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_a_remark_moves_its_proposals_remarks_version_only(listed, head):
    before = _versions(listed)
    proposal_comment_add(proposal=listed, user=head, body="현장 확인 필요")
    after = _versions(listed)
    assert after[1] != before[1]
    assert after[0] == before[0]


def test_a_remark_written_with_other_data_moves_both(listed, head):
    before = _versions(listed)
    with transaction.atomic():
        proposal_comment_add(proposal=listed, user=head, body="현장 확인 필요")
        Proposal.objects.filter(pk=listed.pk).update(notes="함께 바뀜")
    after = _versions(listed)
    assert after[1] != before[1]
    assert after[0] != before[0]


def test_a_renamed_user_moves_the_portfolio_version(listed, head):
    before = version.read()[0]
    head.first_name = "새이름"
    head.save()
    assert version.read()[0] != before


def test_pages_without_remarks_stay_cached_while_the_proposal_page_shows_the_remark(
    client, listed, head
):
    client.force_login(head)
    pages = [LIST, reverse("dashboard:my_department")]
    for url in pages:
        _get(client, url)
    proposal_comment_add(proposal=listed, user=head, body="현장 확인 필요")
    for url in pages:
        assert _get(client, url).context is None, url  # served whole from the cache
    assert "현장 확인 필요" in _get(client, listed.get_absolute_url()).content.decode()


def test_the_dashboard_stays_cached_too(client, listed, head):
    client.force_login(UserFactory(role=Role.DEPUTY_MAYOR))
    _get(client, DASHBOARD)
    proposal_comment_add(proposal=listed, user=head, body="현장 확인 필요")
    assert _get(client, DASHBOARD).context is None


def test_a_remark_written_in_raw_sql_shows_at_once(client, listed, head):
    client.force_login(head)
    _get(client, listed.get_absolute_url())
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO projects_proposalcomment (proposal_id, author_id, body, created_at)"
            " VALUES (%s, %s, %s, now())",
            [listed.pk, head.pk, "SQL로 남긴 의견"],
        )
    assert "SQL로 남긴 의견" in _get(client, listed.get_absolute_url()).content.decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE projects_proposalcomment SET body = %s WHERE proposal_id = %s",
            ["고친 의견", listed.pk],
        )
    assert "고친 의견" in _get(client, listed.get_absolute_url()).content.decode()


def test_a_status_update_still_rebuilds_the_list(client, listed, head):
    client.force_login(head)
    before = _get(client, LIST).content.decode().count("보류")
    proposal_update_status(
        proposal=listed,
        user=head,
        expected_version=listed.version,
        status="on_hold",
        progress=listed.progress,
        reason="예산 미확보",
    )
    response = _get(client, LIST)
    assert response.context is not None
    assert response.content.decode().count("보류") == before + 1


def test_a_remark_rebuilds_its_proposals_page_and_no_other(client, listed, head):
    other = ProposalFactory(portfolio=listed.portfolio, lead_department=head.department)
    client.force_login(head)
    for proposal in (listed, other):
        _get(client, proposal.get_absolute_url())
    proposal_comment_add(proposal=listed, user=head, body="현장 확인 필요")
    assert _get(client, other.get_absolute_url()).context is None  # still served whole
    page = _get(client, listed.get_absolute_url())
    assert page.context is not None
    assert "현장 확인 필요" in page.content.decode()


def test_a_remark_deleted_in_raw_sql_goes_at_once(client, listed, head):
    proposal_comment_add(proposal=listed, user=head, body="지울 의견")
    client.force_login(head)
    assert "지울 의견" in _get(client, listed.get_absolute_url()).content.decode()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_proposalcomment WHERE proposal_id = %s", [listed.pk])
    assert "지울 의견" not in _get(client, listed.get_absolute_url()).content.decode()


def test_a_remark_moved_to_another_proposal_shows_on_both_pages(client, listed, head):
    other = ProposalFactory(portfolio=listed.portfolio, lead_department=head.department)
    proposal_comment_add(proposal=listed, user=head, body="옮길 의견")
    client.force_login(head)
    for proposal in (listed, other):
        _get(client, proposal.get_absolute_url())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE projects_proposalcomment SET proposal_id = %s WHERE proposal_id = %s",
            [other.pk, listed.pk],
        )
    assert "옮길 의견" not in _get(client, listed.get_absolute_url()).content.decode()
    assert "옮길 의견" in _get(client, other.get_absolute_url()).content.decode()
