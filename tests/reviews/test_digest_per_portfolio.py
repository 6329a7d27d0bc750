"""The weekly digest keeps portfolios apart: one section per portfolio, each with its own
departments' counts and overdue follow-ups."""

import datetime

import pytest
import time_machine

from reviews.services.reminder_messages import _digest_text
from tests.factories import (
    ActionFactory,
    DepartmentFactory,
    MeetingFactory,
    PortfolioFactory,
    ProposalFactory,
)
from tests.reminder_helpers import seoul

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


def test_the_digest_has_one_section_per_portfolio():
    """Department A's overdue follow-ups are counted under the portfolio they belong to."""
    with time_machine.travel(seoul(2026, 6, 15, 9, 0), tick=False):
        dept = DepartmentFactory(name="가부서")
        growth = PortfolioFactory()
        pledges = PortfolioFactory(code="pledges", name="민선8기 공약", year=2030)
        for portfolio, n in ((growth, 1), (pledges, 2)):
            meeting = MeetingFactory(portfolio=portfolio, held_on=TODAY - datetime.timedelta(30))
            proposal = ProposalFactory(portfolio=portfolio)
            for i in range(n):
                ActionFactory(
                    meeting=meeting,
                    proposal=proposal,
                    owner_department=dept,
                    due_date=TODAY - datetime.timedelta(days=3),
                    description=f"{portfolio.name} 조치 {i}",
                )
        _subject, body = _digest_text(TODAY)
    sections = {chunk.split("\n", 1)[0]: chunk for chunk in body.split("■ 사업군: ")[1:]}
    assert set(sections) == {"시험 사업군", "민선8기 공약"}
    assert "- 가부서: 완료 0건, 기한 경과 1건" in sections["시험 사업군"]
    assert "- 가부서: 완료 0건, 기한 경과 2건" in sections["민선8기 공약"]
    assert "민선8기 공약 조치" not in sections["시험 사업군"]
    assert "시험 사업군 조치 0" in sections["시험 사업군"]
