"""Meeting planning proposes the agenda from the rules stated on the page, ticks at most
GP_AGENDA_PRESELECT of them (the most pressing), and leaves the rest one click away."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import ProposalStatus
from projects.services import proposal_update_status
from reviews.selectors import agenda_suggestions
from reviews.services import meeting_close
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    PortfolioFactory,
    ProposalFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

LAST_MEETING = datetime.date(2026, 6, 1)


def _update(proposal, user, *, status, confidence, progress=30):
    proposal.refresh_from_db()
    proposal_update_status(
        proposal=proposal,
        user=user,
        expected_version=proposal.version,
        status=status,
        progress=progress,
        confidence=confidence,
        at=timezone.now() - datetime.timedelta(days=1),
    )


@pytest.fixture
def world(planner):
    """A closed meeting that reviewed every proposal but `never`, and one proposal per rule."""
    portfolio = PortfolioFactory()
    calm, fell, overdue, changed, never = (
        ProposalFactory(portfolio=portfolio, confidence=4, status=ProposalStatus.ON_TRACK)
        for _ in range(5)
    )
    last = MeetingFactory(portfolio=portfolio, held_on=LAST_MEETING)
    for p in (calm, fell, overdue, changed):
        ReviewFactory(meeting=last, proposal=p)
    ActionFactory(
        meeting=last, proposal=overdue, due_date=timezone.localdate() - datetime.timedelta(days=2)
    )
    ActionFactory(
        meeting=last, proposal=calm, due_date=timezone.localdate() + datetime.timedelta(days=9)
    )
    meeting_close(meeting=last, user=planner)
    _update(fell, planner, status=ProposalStatus.ON_TRACK, confidence=2)
    _update(changed, planner, status=ProposalStatus.PARTIAL, confidence=4)
    _update(calm, planner, status=ProposalStatus.ON_TRACK, confidence=5)  # rose: not a reason
    return portfolio, {
        "calm": calm,
        "fell": fell,
        "overdue": overdue,
        "changed": changed,
        "never": never,
    }


def test_each_rule_picks_its_proposal_and_nothing_else(world):
    """Confidence fell, overdue action, status changed since the last meeting, never
    reviewed: each gives its reason; a proposal that meets none is not suggested."""
    portfolio, p = world
    found = {s.proposal.pk: [str(r) for r in s.reasons] for s in agenda_suggestions(portfolio)}
    assert found == {
        p["fell"].pk: ["신뢰도 하락"],
        p["overdue"].pk: ["기한 지난 후속조치"],
        p["changed"].pk: ["지난 보고회 이후 상태 변경"],
        p["never"].pk: ["검토한 적 없음"],
    }
    order = [s.proposal.pk for s in agenda_suggestions(portfolio)]
    assert order == [p["fell"].pk, p["overdue"].pk, p["changed"].pk, p["never"].pk]


def test_at_most_ten_are_ticked_and_the_rest_are_one_click_away(client, planner, settings):
    """With 14 never-reviewed proposals, 10 are ticked; "?all=1" ticks all 14."""
    assert settings.GP_AGENDA_PRESELECT == 10
    portfolio = PortfolioFactory()
    proposals = [ProposalFactory(portfolio=portfolio) for _ in range(14)]
    client.force_login(planner)
    response = client.get(reverse("reviews:meeting_plan"))
    ticked = response.context["form"].initial["proposals"]
    assert len(ticked) == 10
    page = response.content.decode()
    assert "제안 14건 중 가장 급한 10건을 미리 선택했습니다." in page
    assert 'all=1"' in page and "나머지 제안 4건도 선택" in page
    everything = client.get(reverse("reviews:meeting_plan") + "?all=1")
    assert set(everything.context["form"].initial["proposals"]) == {p.pk for p in proposals}
    assert "나머지 제안" not in everything.content.decode()


def test_the_most_pressing_are_ticked_first(client, planner, world, settings):
    """With room for two, the fallen confidence and the overdue action are ticked."""
    settings.GP_AGENDA_PRESELECT = 2
    _portfolio, p = world
    client.force_login(planner)
    response = client.get(reverse("reviews:meeting_plan"))
    assert response.context["form"].initial["proposals"] == [p["fell"].pk, p["overdue"].pk]


@pytest.mark.parametrize("size", [3, 12])
def test_suggestions_take_the_same_queries_at_any_size(size, django_assert_num_queries):
    """Five queries, whatever the number of proposals."""
    portfolio = PortfolioFactory()
    for _ in range(size):
        ProposalFactory(portfolio=portfolio)
    with django_assert_num_queries(5):
        assert len(agenda_suggestions(portfolio)) == size
