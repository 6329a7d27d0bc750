"""Submissions, 변동 없음, returns and confirmations, and the rates they make."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dashboard.filters import DashboardFilterSet
from dashboard.selectors import dashboard_build
from projects.models import Proposal, StatusUpdate
from reviews.models import Reminder, ReminderKind
from rounds.models import RoundSubmission, SubmissionState
from rounds.selectors import round_status
from rounds.services import (
    round_close,
    round_confirm,
    round_return,
    round_submit,
    round_submit_unchanged,
)

from .helpers import fresh, make_round_world

pytestmark = pytest.mark.django_db


def _submit(w, proposal, **values):
    proposal = fresh(proposal)
    data = dict(status="on_track", progress=proposal.progress + 10, confidence=4)
    data.update(values)
    return round_submit(
        round_=w.round,
        proposal=proposal,
        user=w.head_of(proposal),
        expected_version=proposal.version,
        **data,
    )


def _rates(w):
    return round_status(w.round, today=timezone.localdate())


def _done_rate():
    portfolio = Proposal.objects.first().portfolio
    filterset = DashboardFilterSet(
        None, queryset=Proposal.objects.filter(portfolio=portfolio), portfolio=portfolio
    )
    data = dashboard_build(
        filterset=filterset, portfolio=portfolio, today=timezone.localdate(), stale_days=30
    )
    return next(f for f in data.figures if f.key == "done_rate").value


def test_rates_follow_submissions_unchanged_returns_and_confirmations():
    """Each answer moves the department's counts; a return puts the proposal back to owed."""
    # given a round over 4 proposals of 2 departments
    w = make_round_world(departments=2, proposals=4)
    p0, p1, p2, _p3 = w.proposals
    assert _rates(w).total.missing == 4 and _rates(w).total.done_rate == 0
    # when the heads answer: an ordinary update, a "변동 없음", and a 완료 (needs confirming)
    s0 = _submit(w, p0)
    s1 = round_submit_unchanged(
        round_=w.round, proposal=p1, user=w.head_of(p1), expected_version=fresh(p1).version
    )
    s2 = _submit(w, p2, status="done", progress=100)
    # then
    total = _rates(w).total
    assert (total.submitted, total.pending, total.missing) == (2, 1, 1)
    assert total.done_rate == 50 and total.answered_rate == 75
    assert s0.state == SubmissionState.SUBMITTED and s0.status_update is not None
    assert s1.unchanged and s1.submitted_by == w.head_of(p1) and s1.submitted_at
    assert fresh(p1).last_update_at == s1.status_update.created_at
    assert s2.state == SubmissionState.PENDING and s2.status_update is None
    # when planning returns the ordinary one and confirms the 완료
    round_return(submission=s0, user=w.planner, comment="근거 자료를 붙여 주세요.")
    round_confirm(submission=s2, user=w.planner)
    total = _rates(w).total
    assert (total.submitted, total.confirmed, total.returned, total.missing) == (1, 1, 1, 1)
    assert fresh(p2).status == "done"
    # when the head resubmits the returned one and planning confirms it
    s0b = _submit(w, p0, what_changed="근거 보완")
    assert not fresh(s0).is_current
    round_confirm(submission=s0b, user=w.planner)
    total = _rates(w).total
    assert (total.confirmed, total.returned, total.missing) == (2, 0, 1)
    # and the department of p0/p2 is complete
    dept = next(d for d in _rates(w).departments if d.department.pk == p0.lead_department_id)
    assert dept.done_rate == 100
    # and the head was told of the return and of each confirmation
    assert Reminder.objects.filter(kind=ReminderKind.ROUND_DECIDED).count() == 3


def test_an_unconfirmed_done_does_not_change_the_dashboard_completion_rate():
    """완료 waits for planning: 완료율 moves only when it is confirmed."""
    w = make_round_world(departments=1, proposals=4)
    before = _done_rate()
    submission = _submit(w, w.proposals[0], status="done", progress=100)
    assert _done_rate() == before
    assert fresh(w.proposals[0]).status == "on_track"
    round_confirm(submission=submission, user=w.planner)
    assert _done_rate() == before + 25
    assert fresh(w.proposals[0]).status == "done"


def test_a_drop_of_two_confidence_grades_waits_for_confirmation_one_grade_does_not():
    w = make_round_world(departments=1, proposals=2)
    assert _submit(w, w.proposals[0], confidence=2).state == SubmissionState.PENDING
    assert _submit(w, w.proposals[1], confidence=3).state == SubmissionState.SUBMITTED


def test_a_submission_after_the_round_closed_is_refused_and_writes_nothing():
    """Korean message; no submission, no status update."""
    w = make_round_world(departments=1, proposals=2)
    round_close(round_=w.round, user=w.planner)
    with pytest.raises(ValidationError) as error:
        _submit(w, w.proposals[0])
    assert "마감된 점검 회차에는 제출할 수 없습니다." in error.value.messages
    assert not RoundSubmission.objects.exists() and not StatusUpdate.objects.exists()


def test_a_return_without_a_comment_is_refused_and_writes_nothing():
    w = make_round_world(departments=1, proposals=1)
    submission = _submit(w, w.proposals[0], status="done", progress=100)
    with pytest.raises(ValidationError) as error:
        round_return(submission=submission, user=w.planner, comment="   ")
    assert error.value.message_dict["comment"] == ["반려하려면 사유를 적어야 합니다."]
    assert fresh(submission).state == SubmissionState.PENDING
    assert not Reminder.objects.filter(kind=ReminderKind.ROUND_DECIDED).exists()


def test_a_return_without_a_comment_is_refused_by_the_database_too():
    """The invariant is a constraint: a returned row without a comment cannot be stored."""
    from django.db import IntegrityError, transaction

    w = make_round_world(departments=1, proposals=1)
    submission = _submit(w, w.proposals[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundSubmission.objects.filter(pk=submission.pk).update(
            state="returned", returned_at=timezone.now()
        )


def test_a_status_rule_breach_is_refused_in_korean():
    w = make_round_world(departments=1, proposals=1)
    with pytest.raises(ValidationError) as error:
        _submit(w, w.proposals[0], status="on_hold", reason="")
    assert "reason" in error.value.message_dict
    assert not RoundSubmission.objects.exists()
