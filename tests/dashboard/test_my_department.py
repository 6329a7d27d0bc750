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
