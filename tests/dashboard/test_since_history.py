""" "Since the last meeting" is read from the status history as of the meeting's date, never
from when rows were loaded (time frozen around a meeting held on 2025-03-10)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from projects.models import Proposal, ProposalStatus
from projects.services import proposal_update_status

from ..factories import (
    DepartmentFactory,
    HeadFactory,
    MeetingFactory,
    PillarFactory,
    PortfolioFactory,
    ProposalFactory,
)
from .dashboard_data import update
from .test_dashboard_figures import build, figures

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")
MEETING = datetime.date(2025, 3, 10)
TODAY = datetime.date(2025, 3, 20)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SEOUL)


@pytest.fixture
def history():
    """A portfolio whose meeting was on 2025-03-10; every row is loaded on 2025-03-20.

    known   – known since 2025-03-01 (before the meeting), loaded after it, never updated;
    fresh   – known since 2025-03-15 (after the meeting);
    before  – reviewing → on_track on 2025-03-05 (before the meeting);
    after   – reviewing → partial on 2025-03-12 (after the meeting);
    same    – an update on 2025-03-12 that changes no status, confidence or progress;
    bounce  – on_track → on_hold → on_track after the meeting (no net change).
    """
    with time_machine.travel(_at(TODAY), tick=False):
        portfolio = PortfolioFactory()
        pillar = PillarFactory(portfolio=portfolio)
        department = DepartmentFactory()
        head = HeadFactory(department=department)
        rows = {}
        for name, known_since in [
            ("known", datetime.date(2025, 3, 1)),
            ("fresh", datetime.date(2025, 3, 15)),
            ("before", datetime.date(2025, 2, 1)),
            ("after", datetime.date(2025, 2, 1)),
            ("same", datetime.date(2025, 2, 1)),
            ("bounce", datetime.date(2025, 2, 1)),
        ]:
            rows[name] = ProposalFactory(
                portfolio=portfolio,
                pillar=pillar,
                lead_department=department,
                title=name,
                known_since=known_since,
            )
        MeetingFactory(portfolio=portfolio, held_on=MEETING)
        update(rows["before"], head, datetime.date(2025, 3, 5), ProposalStatus.ON_TRACK, 30)
        update(rows["after"], head, datetime.date(2025, 3, 12), ProposalStatus.PARTIAL, 10)
        update(rows["same"], head, datetime.date(2025, 3, 1), ProposalStatus.ON_TRACK, 40, 4)
        update(rows["same"], head, datetime.date(2025, 3, 12), ProposalStatus.ON_TRACK, 40, 4)
        update(rows["bounce"], head, datetime.date(2025, 3, 1), ProposalStatus.ON_TRACK, 50)
        rows["bounce"].refresh_from_db()
        proposal_update_status(
            proposal=rows["bounce"],
            user=head,
            expected_version=rows["bounce"].version,
            status=ProposalStatus.ON_HOLD,
            progress=50,
            reason="예산 대기",
            at=_at(datetime.date(2025, 3, 13)),
        )
        update(rows["bounce"], head, datetime.date(2025, 3, 14), ProposalStatus.ON_TRACK, 50)
    assert all(p.created_at.date() == TODAY for p in Proposal.objects.all())
    return portfolio, {k: v.pk for k, v in rows.items()}


def test_a_proposal_known_before_the_meeting_is_not_new_though_loaded_after(history):
    """Loaded on 03-20 but known since 03-01: it existed at the meeting, so it is not new."""
    portfolio, ids = history
    with time_machine.travel(_at(TODAY), tick=False):
        d = build(portfolio=portfolio, today=TODAY)
    assert d.since == MEETING
    assert [c.id for c in d.new_proposals] == [ids["fresh"]]
    assert figures(d)["total"] == (6, 5, 1)


def test_a_real_change_after_the_meeting_shows_and_one_before_does_not(history):
    """reviewing → partial on 03-12 is listed; reviewing → on_track on 03-05 is not."""
    portfolio, ids = history
    with time_machine.travel(_at(TODAY), tick=False):
        d = build(portfolio=portfolio, today=TODAY)
    status_changed = {c.id: (c.base_status, c.status) for c in d.status_changes}
    assert status_changed == {ids["after"]: ("reviewing", "partial")}
    assert ids["before"] not in {c.id for c in d.changed}
    # At the meeting: before on_track (its change predates it), after still reviewing.
    assert d.base_status_counts["on_track"] == 3  # before, same, bounce
    assert d.base_status_counts["reviewing"] == 2  # known, after (fresh did not exist)


def test_changes_since_lists_exactly_what_changed(history):
    """An update that changed nothing, or changes undone since, are not "changes"."""
    portfolio, ids = history
    with time_machine.travel(_at(TODAY), tick=False):
        d = build(portfolio=portfolio, today=TODAY)
    assert [c.id for c in d.changed] == [ids["after"]]
    assert d.proposals_updated_since == 3  # after, same, bounce: updated but only one changed
