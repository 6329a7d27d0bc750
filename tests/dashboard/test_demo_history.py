"""The demo is written through the services, so its records hold together like real ones: each
demo proposal's audit history follows its status timeline, and its meetings were closed and
its follow-ups completed the way users do it."""

import pytest
from django.core.management import call_command

from projects.history import proposal_audit
from projects.models import DataSource, Department, Proposal, ProposalStatus
from reviews.models import ActionState, FollowUpAction, MeetingState, Reminder, ReviewMeeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed", verbosity=0)
    call_command("load_demo", verbosity=0)


def _state(row) -> tuple:
    return (row.status, row.confidence, row.progress)


def test_every_demo_proposals_audit_history_follows_its_status_timeline(demo):
    """One creation record, then one record per status update, in the same order, at the same
    moments and by the same people; each update starts from the state the one before left."""
    proposals = list(Proposal.objects.filter(data_source=DataSource.DEMO))
    assert len(proposals) == 26
    for proposal in proposals:
        updates = list(proposal.updates.order_by("created_at", "id"))
        records = list(proposal.history.order_by("history_date", "history_id"))
        assert updates, proposal
        assert [r.history_type for r in records] == ["+"] + ["~"] * len(updates), proposal
        created, *changes = records
        assert _state(created) == (ProposalStatus.REVIEWING, None, 0)
        assert created.version == 1 and created.history_date < updates[0].created_at
        before = _state(created)
        for update, record in zip(updates, changes, strict=True):
            previous = update.previous_status, update.previous_confidence, update.previous_progress
            assert previous == before, (proposal, update)
            assert _state(record) == _state(update)
            assert record.version == update.version
            assert record.history_date == update.created_at == record.last_update_at
            assert record.history_user_id == update.author_id
            assert update.is_demo
            before = _state(update)
        assert [u.created_at for u in updates] == sorted({u.created_at for u in updates})
        assert _state(proposal) == before and proposal.version == updates[-1].version
        assert proposal.last_update_at == updates[-1].created_at
        # The proposal page's audit trail shows the creation and every update, newest first.
        audit = proposal_audit(proposal)
        assert [e.kind for e in audit] == ["~"] * len(updates) + ["+"]
        assert [e.at for e in audit[:-1]] == [u.created_at for u in reversed(updates)]


def test_demo_meetings_are_closed_and_their_follow_ups_completed_through_the_services(demo):
    """Held meetings are closed on their day by the chair; the one ahead stays planned; done
    follow-ups carry a note and a completion time after their meeting, by their department's
    head. A close recorded afterwards plans no stale reminders."""
    meetings = list(ReviewMeeting.objects.filter(data_source=DataSource.DEMO).order_by("held_on"))
    *held, ahead = meetings
    assert ahead.state == MeetingState.PLANNED and not ahead.actions.exists()
    for meeting in held:
        assert meeting.state == MeetingState.CLOSED and meeting.closed_at.hour == 8  # 17:00 KST
        assert meeting.closed_at.date() == meeting.held_on
        kinds = [r.history_type for r in meeting.history.order_by("history_date", "history_id")]
        assert kinds[0] == "+" and kinds.count("+") == 1
        assert meeting.history.latest("history_date").state == MeetingState.CLOSED
        assert meeting.reviews.count() == 12
        assert not meeting.reviews.filter(feasibility="pending").exists()
    done = FollowUpAction.objects.filter(data_source=DataSource.DEMO, state=ActionState.DONE)
    assert done.exists()
    for action in done.select_related("meeting", "owner_department"):
        assert action.completion_note.startswith("[데모]")
        assert action.meeting.held_on < action.completed_at.date() <= action.due_date
        record = action.history.latest("history_date")
        assert record.state == ActionState.DONE
        assert record.history_user_id == action.owner_department.head_id
    assert not Reminder.objects.exists()


def test_demo_heads_are_their_departments_heads_of_record(demo):
    departments = Department.objects.filter(is_demo=True).select_related("head")
    assert departments.count() == 15
    for department in departments:
        assert department.head.is_demo and department.head.department_id == department.pk
