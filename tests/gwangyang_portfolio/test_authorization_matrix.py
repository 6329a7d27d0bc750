"""Every role × every view × GET/POST: who gets through, who gets 403, and that a refused
POST (including crafted POSTs at another department's objects) changes nothing."""

import datetime
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import AccessEvent, AccessLog, Role, User
from projects.models import ProposalComment, StatusUpdate
from reviews.models import (
    ActionState,
    DueDateChangeRequest,
    DueDateChangeState,
    MeetingState,
    ReviewMeeting,
)
from tests.factories import (
    ActionFactory,
    DepartmentFactory,
    DueChangeFactory,
    HeadFactory,
    MeetingFactory,
    ProposalFactory,
    UserFactory,
)

ROLES = [
    "anonymous",
    "head_lead",
    "head_supporting",
    "head_other",
    "deputy_mayor",
    "planning",
    "viewer",
]
EVERYONE = set(ROLES) - {"anonymous"}
HEADS = {"head_lead", "head_supporting", "head_other"}


@dataclass
class World:
    users: dict
    proposal: object
    action: object
    change: object
    target_user: object


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Build the world once for the whole matrix, in a transaction rolled back at the end.

    Each case runs inside it in its own savepoint (pytest-django's `db`), rolled back after
    the case, so an allowed POST never leaks into the next case.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world() -> World:
    lead, supporting, other = DepartmentFactory.create_batch(3)
    users = {
        "head_lead": HeadFactory(department=lead),
        "head_supporting": HeadFactory(department=supporting),
        "head_other": HeadFactory(department=other),
        "deputy_mayor": UserFactory(role=Role.DEPUTY_MAYOR),
        "planning": UserFactory(role=Role.PLANNING),
        "viewer": UserFactory(role=Role.VIEWER),
    }
    proposal = ProposalFactory(lead_department=lead)
    proposal.supporting_departments.add(supporting)
    meeting = MeetingFactory(portfolio=proposal.portfolio)
    action = ActionFactory(meeting=meeting, proposal=proposal, owner_department=lead)
    pending = ActionFactory(meeting=meeting, proposal=proposal, owner_department=lead)
    change = DueChangeFactory(action=pending, requested_by=users["head_lead"])
    target = UserFactory(role=Role.VIEWER)
    return World(users, proposal, action, change, target)


@dataclass
class Case:
    name: str
    method: str
    url: object  # World -> str
    allowed: set
    data: object = None  # World -> dict
    changed: object = None  # World -> bool, True once the POST took effect


def _status_data(w):
    return {"status": "on_track", "progress": "40", "confidence": "4", "version": "1"}


CASES = [
    Case("home", "get", lambda w: reverse("dashboard:home"), EVERYONE),
    Case("my_department", "get", lambda w: reverse("dashboard:my_department"), HEADS),
    Case("proposal_list", "get", lambda w: reverse("projects:proposal_list"), EVERYONE),
    Case(
        "proposal_detail",
        "get",
        lambda w: reverse("projects:proposal_detail", args=[w.proposal.pk]),
        EVERYONE,
    ),
    Case(
        "status_form",
        "get",
        lambda w: reverse("projects:proposal_update_status", args=[w.proposal.pk]),
        {"head_lead", "planning"},
    ),
    Case(
        "action_detail",
        "get",
        lambda w: reverse("reviews:action_detail", args=[w.action.pk]),
        EVERYONE,
    ),
    Case(
        "meeting_edit_form",
        "get",
        lambda w: reverse("reviews:meeting_edit", args=[w.action.meeting_id]),
        {"planning"},
    ),
    Case(
        "meeting_close_confirm",
        "get",
        lambda w: reverse("reviews:meeting_close", args=[w.action.meeting_id]),
        {"planning", "deputy_mayor"},
    ),
    Case("due_change_list", "get", lambda w: reverse("reviews:due_change_list"), {"planning"}),
    Case("user_list", "get", lambda w: reverse("accounts:user_list"), {"planning"}),
    Case("user_create_form", "get", lambda w: reverse("accounts:user_create"), {"planning"}),
    Case(
        "user_assign_form",
        "get",
        lambda w: reverse("accounts:user_assign", args=[w.target_user.pk]),
        {"planning"},
    ),
    Case(
        "status_post",
        "post",
        lambda w: reverse("projects:proposal_update_status", args=[w.proposal.pk]),
        {"head_lead", "planning"},
        data=_status_data,
        changed=lambda w: StatusUpdate.objects.filter(proposal=w.proposal).exists(),
    ),
    Case(
        "comment_post",
        "post",
        lambda w: reverse("projects:proposal_comment_add", args=[w.proposal.pk]),
        {"head_lead", "head_supporting", "planning"},
        data=lambda w: {"body": "협조 의견입니다."},
        changed=lambda w: ProposalComment.objects.filter(proposal=w.proposal).exists(),
    ),
    Case(
        "action_complete_post",
        "post",
        lambda w: reverse("reviews:action_complete", args=[w.action.pk]),
        {"head_lead", "planning"},
        data=lambda w: {"completion_note": "완료했습니다.", "version": "1"},
        changed=lambda w: type(w.action).objects.get(pk=w.action.pk).state == ActionState.DONE,
    ),
    Case(
        "due_change_request_post",
        "post",
        lambda w: reverse("reviews:action_request_due_change", args=[w.action.pk]),
        {"head_lead", "planning"},
        data=lambda w: {
            "new_due_date": (w.action.due_date + datetime.timedelta(days=10)).isoformat(),
            "reason": "예산 확보가 늦어졌습니다.",
        },
        changed=lambda w: DueDateChangeRequest.objects.filter(action=w.action).exists(),
    ),
    Case(
        "due_change_decide_post",
        "post",
        lambda w: reverse("reviews:due_change_decide", args=[w.change.pk]),
        {"planning"},
        data=lambda w: {"decision": "approve"},
        changed=lambda w: (
            DueDateChangeRequest.objects.get(pk=w.change.pk).state == DueDateChangeState.APPROVED
        ),
    ),
    Case(
        "meeting_edit_post",
        "post",
        lambda w: reverse("reviews:meeting_edit", args=[w.action.meeting_id]),
        {"planning"},
        data=lambda w: {
            "title": "수정한 보고회",
            "held_on": w.action.meeting.held_on.isoformat(),
            "minutes": "회의록",
            "version": "1",
        },
        changed=lambda w: (
            ReviewMeeting.objects.get(pk=w.action.meeting_id).title == "수정한 보고회"
        ),
    ),
    Case(
        "meeting_close_post",
        "post",
        lambda w: reverse("reviews:meeting_close", args=[w.action.meeting_id]),
        {"planning", "deputy_mayor"},
        data=lambda w: {"unreviewed_seen": "0"},
        changed=lambda w: (
            ReviewMeeting.objects.get(pk=w.action.meeting_id).state == MeetingState.CLOSED
        ),
    ),
    Case(
        "user_create_post",
        "post",
        lambda w: reverse("accounts:user_create"),
        {"planning"},
        data=lambda w: {
            "username": "newhead",
            "first_name": "새 부서장",
            "role": "planning",
            "password1": "gwangyang-Strong-2024",
            "password2": "gwangyang-Strong-2024",
        },
        changed=lambda w: User.objects.filter(username="newhead").exists(),
    ),
    Case(
        "user_assign_post",
        "post",
        lambda w: reverse("accounts:user_assign", args=[w.target_user.pk]),
        {"planning"},
        data=lambda w: {"role": "planning", "is_active": "on"},
        changed=lambda w: User.objects.get(pk=w.target_user.pk).role == Role.PLANNING,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(client, world, role, case):
    """Allowed roles get through; everyone else gets 403 (logged) or the login page, and a
    refused POST changes nothing."""
    # given
    if role != "anonymous":
        client.force_login(world.users[role])
    denials_before = AccessLog.objects.filter(event=AccessEvent.DENIED).count()
    url = case.url(world)
    # when
    response = client.get(url) if case.method == "get" else client.post(url, case.data(world))
    # then
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif role in case.allowed:
        expected = 200 if case.method == "get" else 302
        if case.name == "home":
            expected = 302
        assert response.status_code == expected, response.content[:500]
    else:
        assert response.status_code == 403
        assert AccessLog.objects.filter(event=AccessEvent.DENIED).count() == denials_before + 1, (
            "a denial must be written to the access log"
        )
    if case.changed is not None:
        assert case.changed(world) is (role in case.allowed), "side effect must match the rule"
