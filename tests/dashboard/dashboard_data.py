"""A small portfolio with known figures for the dashboard tests (see the numbers in each test)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from projects.models import Proposal, ProposalStatus
from projects.services import proposal_update_status
from reviews.models import ActionState, FollowUpAction, MeetingState, ReviewMeeting
from tests.factories import (
    ActionFactory,
    DepartmentFactory,
    HeadFactory,
    MeetingFactory,
    PillarFactory,
    PortfolioFactory,
    ProposalFactory,
)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def update(proposal: Proposal, user, day, status, progress, confidence=None) -> Proposal:
    proposal.refresh_from_db()
    proposal_update_status(
        proposal=proposal,
        user=user,
        expected_version=proposal.version,
        status=status,
        progress=progress,
        confidence=confidence,
        what_changed="점검",
        at=at(day),
    )
    proposal.refresh_from_db()
    return proposal


@dataclass
class Known:
    today: datetime.date
    since: datetime.date
    pillars: list
    departments: list
    proposals: list
    actions: list
    last_meeting: ReviewMeeting
    next_meeting: ReviewMeeting
    head: object


def known_portfolio() -> Known:
    """Build 4 proposals, 4 follow-ups and 3 meetings; the last meeting was 10 days ago.

    p1 on_track/4/40 before the meeting → partial/2/50 after (status change, confidence down)
    p2 done/5/100 before, unchanged;  p3 reviewing → on_track/3/20 after;  p4 new, never updated.
    a1 (dept A, old meeting) due the day before the meeting, completed 3 days after it (late);
    a2 (B) due in 5 days, open;  a3 (A) due 2 days ago, open (overdue);  a4 (B) from the last
    meeting, due in 20 days, open (new).
    """
    today = timezone.localdate()
    since = today - datetime.timedelta(days=10)
    portfolio = PortfolioFactory()
    p_one, p_two = PillarFactory(portfolio=portfolio), PillarFactory(portfolio=portfolio)
    dept_a, dept_b = DepartmentFactory(name="가부서"), DepartmentFactory(name="나부서")
    head = HeadFactory(department=dept_a)
    p1 = ProposalFactory(portfolio=portfolio, pillar=p_one, lead_department=dept_a, title="하나")
    p2 = ProposalFactory(portfolio=portfolio, pillar=p_one, lead_department=dept_b, title="둘")
    p3 = ProposalFactory(portfolio=portfolio, pillar=p_two, lead_department=dept_a, title="셋")
    p4 = ProposalFactory(portfolio=portfolio, pillar=p_two, lead_department=dept_b, title="넷")
    # p1–p3 were known (and registered) long before the last meeting; p4 only now.
    Proposal.objects.filter(pk__in=[p1.pk, p2.pk, p3.pk]).update(
        created_at=at(since - datetime.timedelta(days=40)),
        known_since=since - datetime.timedelta(days=40),
    )
    before, after = since - datetime.timedelta(days=5), since + datetime.timedelta(days=2)
    update(p1, head, before, ProposalStatus.ON_TRACK, 40, 4)
    update(p1, head, after, ProposalStatus.PARTIAL, 50, 2)
    update(p2, head, before, ProposalStatus.DONE, 100, 5)
    update(p3, head, since + datetime.timedelta(days=1), ProposalStatus.ON_TRACK, 20, 3)

    old = MeetingFactory(
        portfolio=portfolio,
        held_on=since - datetime.timedelta(days=30),
        state=MeetingState.CLOSED,
        closed_at=at(since - datetime.timedelta(days=30), 17),
    )
    last = MeetingFactory(portfolio=portfolio, held_on=since, state=MeetingState.HELD)
    upcoming = MeetingFactory(portfolio=portfolio, held_on=today + datetime.timedelta(days=7))
    a1 = ActionFactory(
        meeting=old,
        owner_department=dept_a,
        proposal=p1,
        due_date=since - datetime.timedelta(days=1),
        state=ActionState.DONE,
        completion_note="완료",
        completed_at=at(since + datetime.timedelta(days=3)),
    )
    a2 = ActionFactory(
        meeting=old, owner_department=dept_b, proposal=p2, due_date=today + datetime.timedelta(5)
    )
    a3 = ActionFactory(
        meeting=old, owner_department=dept_a, proposal=p3, due_date=today - datetime.timedelta(2)
    )
    a4 = ActionFactory(
        meeting=last, owner_department=dept_b, proposal=p4, due_date=today + datetime.timedelta(20)
    )
    assert FollowUpAction.objects.count() == 4
    return Known(
        today=today,
        since=since,
        pillars=[p_one, p_two],
        departments=[dept_a, dept_b],
        proposals=[p1, p2, p3, p4],
        actions=[a1, a2, a3, a4],
        last_meeting=last,
        next_meeting=upcoming,
        head=head,
    )
