""" "Since the last round" beside "since the last meeting": what changed after the portfolio's
last frozen round figures (its snapshot), read from the status history like the meeting's.

Time frozen: a meeting on 2025-03-01, a round as of 2025-03-10 frozen on 2025-03-12, today
2025-03-20.
"""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from core import pagecache
from projects.models import ProposalStatus
from reviews.services import action_complete
from rounds.services import round_open, round_snapshot

from ..factories import (
    ActionFactory,
    DepartmentFactory,
    HeadFactory,
    MeetingFactory,
    PillarFactory,
    PortfolioFactory,
    ProposalFactory,
    UserFactory,
)
from .dashboard_data import update
from .test_dashboard_figures import build

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")
MEETING = datetime.date(2025, 3, 1)
AS_OF = datetime.date(2025, 3, 10)
FROZEN = datetime.date(2025, 3, 12)
TODAY = datetime.date(2025, 3, 20)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SEOUL)


@pytest.fixture
def history():
    """before – on_track → partial on 03-11 (before the snapshot): the meeting's, not the round's;
    done – on_track → 완료 after the snapshot; down – confidence 4 → 2 after it;
    progress – 40 → 50 after it; same – an update after it that changes nothing;
    fresh – known since 03-13 (after the as-of date); a follow-up of a meeting on 03-16 and
    one of the first meeting completed on 03-17."""
    with time_machine.travel(_at(MEETING, 9), tick=False):
        portfolio = PortfolioFactory()
        pillar = PillarFactory(portfolio=portfolio)
        department = DepartmentFactory()
        head = HeadFactory(department=department)
        planner = UserFactory(role=Role.PLANNING)
        rows = {
            name: ProposalFactory(
                portfolio=portfolio,
                pillar=pillar,
                lead_department=department,
                title=name,
                known_since=datetime.date(2025, 2, 1),
            )
            for name in ("before", "done", "down", "progress", "same")
        }
        first = MeetingFactory(portfolio=portfolio, held_on=MEETING)
        old_action = ActionFactory(meeting=first, owner_department=department)
    for row in rows.values():
        update(row, head, datetime.date(2025, 2, 20), ProposalStatus.ON_TRACK, 40, 4)
    update(rows["before"], head, datetime.date(2025, 3, 11), ProposalStatus.PARTIAL, 40, 4)
    with time_machine.travel(_at(FROZEN), tick=False):
        round_ = round_open(
            portfolio=portfolio, name="1분기 점검", as_of=AS_OF, due_date=FROZEN, user=planner
        )
        round_ = round_snapshot(round_=round_, user=planner)
    update(rows["done"], head, datetime.date(2025, 3, 14), ProposalStatus.DONE, 100, 4)
    update(rows["down"], head, datetime.date(2025, 3, 15), ProposalStatus.ON_TRACK, 40, 2)
    update(rows["progress"], head, datetime.date(2025, 3, 15), ProposalStatus.ON_TRACK, 50, 4)
    update(rows["same"], head, datetime.date(2025, 3, 16), ProposalStatus.ON_TRACK, 40, 4)
    with time_machine.travel(_at(TODAY), tick=False):
        ProposalFactory(
            portfolio=portfolio,
            pillar=pillar,
            title="fresh",
            known_since=datetime.date(2025, 3, 13),
        )
        ActionFactory(
            meeting=MeetingFactory(portfolio=portfolio, held_on=datetime.date(2025, 3, 16)),
            owner_department=department,
        )
    with time_machine.travel(_at(datetime.date(2025, 3, 17)), tick=False):
        action_complete(action=old_action, user=head, note="열었습니다.")
    return portfolio, round_, rows


def test_the_changes_since_the_rounds_snapshot_are_counted_from_the_history(history):
    portfolio, round_, rows = history
    with time_machine.travel(_at(TODAY), tick=False):
        d = build(portfolio=portfolio, today=TODAY)
    r = d.since_round
    assert r.round == round_ and r.since_at == round_.snapshot_at
    assert (r.status_changes, r.to_done) == (1, 1)  # done; before changed ahead of the snapshot
    assert (r.confidence_changes, r.confidence_down) == (1, 1)
    assert r.changed == 3  # done, down, progress
    assert (r.updates, r.proposals_updated) == (4, 4)  # same updated without a change
    assert r.new_proposals == 1  # fresh
    assert (r.new_actions, r.completed_actions) == (1, 1)
    assert r.status_list == [(rows["done"].pk, "done", "정상추진", "완료")]
    # beside it, the last meeting (03-16, after all of these) counts none of them
    assert d.since == datetime.date(2025, 3, 16) and d.status_changes == []


def test_without_a_frozen_round_there_is_nothing_to_compare(db):
    planner = UserFactory(role=Role.PLANNING)
    proposal = ProposalFactory()
    today = timezone.localdate()
    round_open(
        portfolio=proposal.portfolio, name="열린 점검", as_of=today, due_date=today, user=planner
    )
    assert build(portfolio=proposal.portfolio).since_round is None  # open, never frozen


def test_the_dashboard_and_the_briefing_show_it_beside_the_meetings(client, history):
    portfolio, _round, _rows = history
    pagecache.clear()
    client.force_login(UserFactory(role=Role.DEPUTY_MAYOR))
    with time_machine.travel(_at(TODAY), tick=False):
        page = client.get(reverse("dashboard:index"), {"portfolio": portfolio.pk})
        workbook = client.get(reverse("dashboard:briefing_xlsx"), {"portfolio": portfolio.pk})
    html = page.content.decode()
    assert "지난 보고회 이후 변동" in html and "지난 점검 회차 「1분기 점검」" in html
    assert "완료로 바뀐 사업 1건" in html and "신뢰도 변경 1건 (하락 1건)" in html
    rows = [
        list(r)
        for r in load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True)
    ]
    assert ["구분", "지난 보고회 이후", "지난 점검 회차 이후 (1분기 점검)"] in [r[:3] for r in rows]
    # the last meeting (03-16) came after both: its column counts neither
    assert ["완료로 바뀐 사업", 0, 1] in [r[:3] for r in rows]
    assert ["새 사업", 0, 1] in [r[:3] for r in rows]
