"""The dashboard's figures are exact on a portfolio whose answers are known."""

import datetime

import pytest
from django.utils import timezone

from dashboard.filters import DashboardFilterSet
from dashboard.selectors import dashboard_build
from projects.models import Proposal, ProposalStatus
from projects.portfolios import newest_portfolio
from tests.dashboard.dashboard_data import known_portfolio

pytestmark = pytest.mark.django_db


def build(data=None, today=None, portfolio=None):
    portfolio = portfolio or newest_portfolio()
    filterset = DashboardFilterSet(data, queryset=Proposal.objects.all(), portfolio=portfolio)
    return dashboard_build(
        portfolio=portfolio,
        filterset=filterset,
        today=today or timezone.localdate(),
        stale_days=30,
    )


def figures(dashboard):
    return {f.key: (f.value, f.base, f.delta) for f in dashboard.figures}


def test_headline_figures_and_their_change_since_the_last_meeting():
    """Counts, 완료율, 정상추진 비율, average progress and follow-ups match the known data."""
    known_portfolio()
    d = build()
    assert figures(d) == {
        "total": (4, 3, 1),
        "implementation_rate": (50.0, 66.7, -16.7),
        "done_rate": (25.0, 33.3, -8.3),
        "on_track_rate": (25.0, 33.3, -8.3),
        "avg_progress": (42.5, 46.7, -4.2),
        "actions_open": (3, 3, 0),
        "actions_overdue": (1, 1, 0),
    }


def test_status_and_confidence_distribution_now_and_then():
    """Statuses now and at the meeting, and the five confidence grades plus unrated."""
    known_portfolio()
    d = build()
    assert {k: v for k, v in d.status_counts.items() if v} == {
        "partial": 1,
        "done": 1,
        "on_track": 1,
        "reviewing": 1,
    }
    assert {k: v for k, v in d.base_status_counts.items() if v} == {
        "on_track": 1,
        "done": 1,
        "reviewing": 1,
    }
    assert d.confidence_counts == {5: 1, 4: 0, 3: 1, 2: 1, 1: 0, None: 1}


def test_changes_since_the_last_meeting():
    """Status/confidence changes, the drop in confidence, new proposals, updates and stale ones."""
    known = known_portfolio()
    d = build()
    p1, _p2, p3, p4 = known.proposals
    assert d.since == known.since
    assert d.since_meeting == known.last_meeting
    assert d.next_meeting == known.next_meeting
    assert [(c.id, c.base_status, c.status) for c in d.status_changes] == [
        (p1.pk, "on_track", "partial"),
        (p3.pk, "reviewing", "on_track"),
    ]
    assert [(c.id, c.base_confidence, c.confidence) for c in d.confidence_changes] == [
        (p1.pk, 4, 2),
        (p3.pk, None, 3),
    ]
    assert [c.id for c in d.confidence_down] == [p1.pk]
    assert [c.id for c in d.new_proposals] == [p4.pk]
    assert (d.updates_since, d.proposals_updated_since) == (2, 2)
    assert d.stale_count == 1
    assert [p.pk for p in d.stale] == [p4.pk]


def test_follow_ups_new_completed_upcoming_and_by_department():
    """New and completed follow-ups, the 14-day deadlines and the department table."""
    known = known_portfolio()
    a1, a2, _a3, a4 = known.actions
    d = build()
    assert (d.new_action_count, [a.pk for a in d.new_actions]) == (1, [a4.pk])
    assert (d.completed_action_count, [a.pk for a in d.completed_actions]) == (1, [a1.pk])
    assert (d.upcoming_count, [a.pk for a in d.upcoming]) == (1, [a2.pk])
    rows = {r.department: (r.open, r.overdue, r.on_time, r.late, r.total) for r in d.departments}
    assert rows == {"가부서": (1, 1, 0, 1, 2), "나부서": (2, 0, 0, 0, 2)}


def test_department_table_sorts_by_the_url_parameter():
    """`sort=department` orders by name, `sort=-open` by open follow-ups, most first."""
    known_portfolio()
    by_name = build({"sort": "department"})
    assert [r.department for r in by_name.departments] == ["가부서", "나부서"]


def test_pillar_matrix_counts_every_status_per_pillar():
    """The matrix holds each pillar's count per status and its total."""
    known = known_portfolio()
    d = build()
    matrix = {p.pk: (cells, total) for p, cells, total in d.pillars}
    one, two = known.pillars
    assert matrix[one.pk] == ({"partial": 1, "done": 1}, 2)
    assert matrix[two.pk] == ({"on_track": 1, "reviewing": 1}, 2)


def test_filters_narrow_the_figures():
    """A pillar and a status filter narrow proposals; the department filter narrows follow-ups."""
    known = known_portfolio()
    one, _two = known.pillars
    d = build({"pillar": str(one.pk)})
    assert d.total == 2 and d.status_counts["done"] == 1
    d = build({"status": ["partial", "on_track"]})
    assert d.total == 2
    d = build({"lead_department": str(known.departments[1].pk)})
    assert d.total == 2
    assert figures(d)["actions_open"][0] == 2


def test_period_moves_the_comparison_date():
    """`period=30` compares with 30 days ago, before any update: p1–p3 were all 검토중."""
    known_portfolio()
    d = build({"period": "30"})
    assert d.since == timezone.localdate() - datetime.timedelta(days=30)
    assert d.since_meeting is None
    assert figures(d)["total"] == (4, 3, 1)
    assert d.base_status_counts[ProposalStatus.REVIEWING] == 3
    assert figures(d)["avg_progress"] == (42.5, 0.0, 42.5)


def test_progress_trend_ends_at_the_current_average_and_rolls_back_updates():
    """The last point is today's average; the month before the updates shows their absence."""
    known = known_portfolio()
    d = build()
    assert len(d.trend) == 12
    assert d.trend[-1][1] == 42.5
    months = [m for m, _v in d.trend]
    assert months == sorted(months) and months[-1] == known.today.replace(day=1)


def test_without_a_past_meeting_there_is_nothing_to_compare():
    """With no meeting held yet, figures have no comparison and no changes are listed."""
    known = known_portfolio()
    d = build(today=known.since - datetime.timedelta(days=40))
    assert d.since is None
    assert all(f.base is None for f in d.figures)
    assert d.status_changes == []
