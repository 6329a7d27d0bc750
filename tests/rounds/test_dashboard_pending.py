"""The dashboard marks submissions awaiting confirmation and keeps the confirmed figures."""

import pytest
from django.urls import reverse

from rounds.services import round_confirm, round_submit

from .helpers import fresh, make_round_world

pytestmark = pytest.mark.django_db


def test_the_dashboard_marks_a_pending_done_and_drops_the_mark_once_confirmed(client):
    # given a round where a head submitted 완료, not yet confirmed
    w = make_round_world(departments=1, proposals=2)
    p = fresh(w.proposals[0])
    s = round_submit(
        round_=w.round,
        proposal=p,
        user=w.head_of(p),
        expected_version=p.version,
        status="done",
        progress=100,
        confidence=5,
    )
    client.force_login(w.chair)
    # then the dashboard shows 확인 대기 beside the last confirmed figures
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "round-pending-note" in page and p.title in page
    # when planning confirms it, the (cached) dashboard is rebuilt without the mark
    round_confirm(submission=s, user=w.planner)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "round-pending-note" not in page
