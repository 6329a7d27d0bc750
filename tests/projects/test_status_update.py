"""The status update form: Korean validation beside the fields, the optimistic-lock conflict
that keeps the user's input, and the audit trail it leaves."""

import pytest
from django.urls import reverse

from accounts.models import Role
from projects.models import Proposal, StatusUpdate
from projects.services import proposal_update_status
from tests.factories import HeadFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def _url(proposal):
    return reverse("projects:proposal_update_status", args=[proposal.pk])


def _post(client, proposal, **overrides):
    data = {
        "status": "on_track",
        "confidence": "4",
        "progress": "40",
        "what_changed": "실시설계 용역을 발주했습니다.",
        "issues": "",
        "next_step": "",
        "reason": "",
        "version": str(proposal.version),
    }
    data.update(overrides)
    return client.post(_url(proposal), data)


@pytest.fixture
def head_client(client, proposal):
    client.force_login(proposal.lead_department.head)
    return client


def test_form_opens_with_the_current_state_and_version(head_client, proposal):
    """The form starts from the proposal's state and carries its version in a hidden field."""
    response = head_client.get(_url(proposal))
    form = response.context["form"]
    assert form.initial["status"] == proposal.status
    assert form.initial["version"] == proposal.version
    assert 'type="hidden" name="version"' in response.content.decode()


def test_a_valid_update_becomes_the_current_state(head_client, proposal, head):
    """Saving records a StatusUpdate and moves the proposal to the new state and version."""
    response = _post(head_client, proposal)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.progress, proposal.confidence) == ("on_track", 40, 4)
    assert proposal.version == 2
    update = StatusUpdate.objects.get(proposal=proposal)
    assert update.author == head and update.previous_status == "reviewing"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"progress": "101"}, "progress", "0에서 100 사이"),
        ({"progress": "-1"}, "progress", "0에서 100 사이"),
        ({"progress": "abc"}, "progress", "숫자로 입력"),
        ({"status": "done", "progress": "90"}, "progress", "진척률이 100%여야"),
        ({"status": "on_hold", "reason": " "}, "reason", "사유를 적어야"),
        ({"status": "dropped"}, "reason", "사유를 적어야"),
    ],
)
def test_invalid_input_gets_a_korean_error_next_to_the_field(
    head_client, proposal, overrides, field, message
):
    """Bad input is answered with a Korean message on the field and writes nothing."""
    response = _post(head_client, proposal, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in e for e in errors), errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not StatusUpdate.objects.exists()
    proposal.refresh_from_db()
    assert proposal.version == 1


def test_done_with_full_progress_and_hold_with_reason_are_accepted(head_client, proposal):
    """'완료' at 100% is valid; so is '보류' with a reason."""
    assert (
        _post(head_client, proposal, status="on_hold", reason="국비 공모 탈락").status_code == 302
    )
    proposal.refresh_from_db()
    assert _post(head_client, proposal, status="done", progress="100").status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.progress) == ("done", 100)


def test_conflict_refuses_the_save_keeps_input_and_shows_what_changed(head_client, proposal):
    """A save based on an old version is refused (409): the user's text stays in the form,
    the other person's change is listed, and the form is armed with the new version."""
    # given: the head opened the form at version 1, then planning saved a change
    planner = UserFactory(role=Role.PLANNING, first_name="기획담당")
    proposal_update_status(
        proposal=proposal,
        user=planner,
        expected_version=1,
        status="partial",
        progress=20,
        what_changed="예산 일부 확보",
    )
    # when: the head saves with the old version
    response = _post(
        head_client, proposal, version="1", what_changed="내가 쓴 긴 추진 내용", progress="55"
    )
    # then
    assert response.status_code == 409
    html = response.content.decode()
    assert "이 사업이 먼저 수정되어 저장하지 못했습니다" in html
    assert "다른 창(탭)" in html  # it may have been the same user in another tab
    assert "기획담당" in html and "일부추진" in html and "예산 일부 확보" in html
    assert "내가 쓴 긴 추진 내용" in html
    assert response.context["form"]["progress"].value() == "55"
    assert response.context["form"]["version"].value() == "2"
    assert StatusUpdate.objects.filter(proposal=proposal).count() == 1
    assert Proposal.objects.get(pk=proposal.pk).progress == 20
    # and: re-submitting after reading the changes saves on top of them
    retry = _post(head_client, proposal, version="2", what_changed="내가 쓴 긴 추진 내용")
    assert retry.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).version == 3


def test_audit_trail_records_who_changed_what(head_client, proposal, head):
    """The detail page's history shows the editor and the field's old and new values."""
    _post(head_client, proposal, status="partial", progress="30")
    record = proposal.history.latest()
    assert record.history_user == head
    response = head_client.get(proposal.get_absolute_url())
    entry = response.context["audit"][0]
    assert entry.user == head
    changes = {c.label: (c.old, c.new) for c in entry.changes}
    assert changes["추진 상태"] == ("검토중", "일부추진")
    assert changes["진척률(%)"] == ("0", "30")
    html = response.content.decode()
    assert "<del>검토중</del> → <ins>일부추진</ins>" in html


def test_other_department_head_cannot_post_a_crafted_update(client, proposal):
    """A head of another department gets 403 and the proposal stays as it was."""
    client.force_login(HeadFactory())
    response = _post(client, proposal)
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert (proposal.version, proposal.status) == (1, "reviewing")


def test_supporting_head_may_comment_but_not_update(client):
    """A supporting department's head can add a comment, yet not change the status."""
    supporter = HeadFactory()
    proposal = ProposalFactory()
    proposal.supporting_departments.add(supporter.department)
    client.force_login(supporter)
    assert _post(client, proposal).status_code == 403
    response = client.post(
        reverse("projects:proposal_comment_add", args=[proposal.pk]), {"body": "협조하겠습니다."}
    )
    assert response.status_code == 302
    assert "협조하겠습니다." in client.get(proposal.get_absolute_url()).content.decode()


def test_blank_comment_is_refused_with_a_korean_message(client, proposal):
    """An empty comment shows an error beside the field and saves nothing."""
    client.force_login(proposal.lead_department.head)
    response = client.post(
        reverse("projects:proposal_comment_add", args=[proposal.pk]), {"body": ""}
    )
    assert response.status_code == 400
    assert "의견 내용을 적어야 합니다." in response.content.decode()
    assert not proposal.comments.exists()


def test_viewer_sees_the_detail_without_edit_or_comment_controls(client, proposal):
    """Templates ask the permission module: a viewer gets no update link and no comment form."""
    client.force_login(UserFactory(role=Role.VIEWER))
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert _url(proposal) not in html
    assert reverse("projects:proposal_comment_add", args=[proposal.pk]) not in html


def _put_on_hold(proposal, reason="예산 미확보로 보류"):
    proposal_update_status(
        proposal=proposal,
        user=proposal.lead_department.head,
        expected_version=proposal.version,
        status="on_hold",
        progress=proposal.progress,
        reason=reason,
    )
    proposal.refresh_from_db()


def test_a_hold_reason_does_not_outlive_the_hold(head_client, proposal):
    """Given a proposal on hold, when the head switches to 정상추진 without clearing the
    pre-filled reason, the saved update has no reason."""
    _put_on_hold(proposal)
    form = head_client.get(_url(proposal)).context["form"]
    assert form.initial["reason"] == "예산 미확보로 보류"  # pre-filled for a head who stays on hold
    response = _post(head_client, proposal, status="on_track", reason="예산 미확보로 보류")
    assert response.status_code == 302
    latest = StatusUpdate.objects.filter(proposal=proposal).latest("created_at", "id")
    assert latest.status == "on_track"
    assert latest.reason == ""


def test_the_service_drops_a_reason_for_a_status_that_takes_none(proposal):
    """proposal_update_status keeps a reason only for 보류 and 폐기."""
    update = proposal_update_status(
        proposal=proposal,
        user=proposal.lead_department.head,
        expected_version=proposal.version,
        status="partial",
        progress=30,
        reason="남은 사유",
    )
    assert update.reason == ""


def test_the_status_form_marks_which_statuses_take_a_reason(head_client, proposal):
    """The page ships the rule to static/js/status-form.js, with no inline script."""
    page = head_client.get(_url(proposal)).content.decode()
    assert 'data-reason-statuses="on_hold dropped"' in page
    assert 'data-reason-for="id_status"' in page
    assert "js/status-form." in page
    assert "<script>" not in page


# The signed-in user, the proposal (permission), its lock, the update, the proposal's row, its
# history record with the supporting departments it snapshots (two reads by
# django-simple-history), and the transaction's savepoint and release. The status rules are
# checked in Python once, not by one query per check constraint. The history's links to the
# supporting departments, when there are any, are one more insert (however many).
STATUS_UPDATE_QUERIES = 10


@pytest.mark.parametrize("supporting", [0, 8])
def test_a_status_update_costs_a_fixed_few_queries(
    client, proposal, supporting, django_assert_num_queries
):
    from tests.factories import DepartmentFactory

    proposal.supporting_departments.set(DepartmentFactory.create_batch(supporting))
    client.force_login(proposal.lead_department.head)
    client.get(_url(proposal))  # the session settles
    with django_assert_num_queries(STATUS_UPDATE_QUERIES + (supporting > 0)):
        response = _post(client, proposal)
    assert response.status_code == 302
    assert StatusUpdate.objects.filter(proposal=proposal, progress=40).count() == 1
