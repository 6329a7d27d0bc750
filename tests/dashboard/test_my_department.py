"""The department head's home page, "내 부서" (dashboard app), and the home redirect."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reviews.models import ActionState
from tests.factories import (
    ActionFactory,
    HeadFactory,
    MeetingFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today


def test_home_sends_a_head_to_my_department_and_others_to_the_dashboard(client, head):
    """Heads start on their department page; the deputy mayor and the rest on the dashboard."""
    client.force_login(head)
    assert client.get(reverse("dashboard:home"))["Location"] == reverse("dashboard:my_department")
    for role in (Role.DEPUTY_MAYOR, Role.PLANNING, Role.VIEWER):
        client.force_login(UserFactory(role=role))
        assert client.get(reverse("dashboard:home"))["Location"] == reverse("dashboard:index")


def test_my_department_lists_own_proposals_and_open_actions_by_due_date(client, head):
    """Own proposals with state and days since update; open actions sorted by due date,
    the overdue one highlighted; other departments' items absent."""
    now = timezone.now()
    mine = ProposalFactory(
        lead_department=head.department,
        title="우리 부서 사업",
        progress=35,
        last_update_at=now - datetime.timedelta(days=12),
    )
    ProposalFactory(title="다른 부서 사업")
    meeting = MeetingFactory(portfolio=mine.portfolio, held_on=TODAY() - datetime.timedelta(60))
    later = ActionFactory(
        meeting=meeting, owner_department=head.department, due_date=TODAY() + datetime.timedelta(9)
    )
    overdue = ActionFactory(
        meeting=meeting, owner_department=head.department, due_date=TODAY() - datetime.timedelta(3)
    )
    ActionFactory(meeting=meeting, owner_department=head.department, state=ActionState.CANCELLED)
    ActionFactory(meeting=meeting, description="남의 조치")
    client.force_login(head)
    response = client.get(reverse("dashboard:my_department"))
    html = response.content.decode()
    assert list(response.context["proposal_page"]) == [mine]
    assert list(response.context["action_page"]) == [overdue, later]
    assert response.context["overdue_count"] == 1
    assert "우리 부서 사업" in html and "다른 부서 사업" not in html and "남의 조치" not in html
    assert f'<tr id="action-{overdue.pk}" class="overdue">' in html
    assert "12일" in html and "35%" in html
    assert "기한이 지난 조치가 1건 있습니다." in html


def test_head_marks_done_from_my_department_without_javascript(client, head, action):
    """The row's plain form posts and comes back to "my department"."""
    client.force_login(head)
    response = client.post(
        reverse("reviews:action_complete", args=[action.pk]),
        {
            "completion_note": "처리함",
            "version": action.version,
            "next": reverse("dashboard:my_department"),
        },
    )
    assert response["Location"] == reverse("dashboard:my_department")
    page = client.get(reverse("dashboard:my_department"))
    assert list(page.context["action_page"]) == []


def test_my_department_is_refused_to_a_head_without_rights_elsewhere(client):
    """The page shows only the signed-in head's department; viewers get 403."""
    client.force_login(UserFactory(role=Role.VIEWER))
    assert client.get(reverse("dashboard:my_department")).status_code == 403
    other = HeadFactory()
    client.force_login(other)
    assert client.get(reverse("dashboard:my_department")).context["department"] == other.department


def test_a_large_department_page_stays_small_and_urgent_first(client, head, portfolio):
    """250 proposals and 250 open actions: the page shows 20 of each, most urgent first,
    with counts per status that filter, and weighs well under 60 KB."""
    from projects.models import Proposal
    from tests.factories import bulk_actions, bulk_proposals

    proposals = bulk_proposals(250, portfolio=portfolio, departments=[head.department])
    Proposal.objects.filter(pk=proposals[7].pk).update(last_update_at=None)
    meeting = MeetingFactory(portfolio=portfolio, held_on=TODAY() - datetime.timedelta(60))
    bulk_actions(250, meeting=meeting, department=head.department, proposals=proposals[:5])
    client.force_login(head)
    response = client.get(reverse("dashboard:my_department"), {"portfolio": portfolio.pk})
    html = response.content.decode()
    assert len(response.content) < 60 * 1024, len(response.content)
    page = list(response.context["proposal_page"])
    assert len(page) == 20 and page[0].pk == proposals[7].pk  # never updated comes first
    assert [p.last_update_at for p in page[1:]] == sorted(p.last_update_at for p in page[1:])
    actions = list(response.context["action_page"])
    assert len(actions) == 20 and actions[0].due_date == min(a.due_date for a in actions)
    assert response.context["proposal_total"] == 250 and response.context["open_count"] == 250
    assert "ppage=2#my-proposals" in html and "apage=2#my-actions" in html
    status, _label, count = response.context["status_counts"][0]
    filtered = client.get(reverse("dashboard:my_department"), {"status": status})
    assert filtered.context["proposal_page"].paginator.count == count
