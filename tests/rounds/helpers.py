"""Shared set-up of the round tests: a portfolio of proposals spread over departments."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Role, User
from projects.models import Portfolio, Proposal
from rounds.models import UpdateRound
from rounds.services import round_open
from tests.factories import HeadFactory, PortfolioFactory, ProposalFactory, UserFactory


@dataclass
class RoundWorld:
    portfolio: Portfolio
    planner: User
    chair: User
    heads: list[User]
    proposals: list[Proposal]
    round: UpdateRound | None = None

    def head_of(self, proposal: Proposal) -> User:
        return next(h for h in self.heads if h.department_id == proposal.lead_department_id)


def make_round_world(*, departments=3, proposals=6, open_round=True, due_in=14) -> RoundWorld:
    """`proposals` proposals over `departments` departments (round robin), each with a head."""
    portfolio = PortfolioFactory()
    planner = UserFactory(role=Role.PLANNING, first_name="기획")
    chair = UserFactory(role=Role.DEPUTY_MAYOR, first_name="부시장")
    heads = [HeadFactory() for _ in range(departments)]
    items = [
        ProposalFactory(
            portfolio=portfolio,
            lead_department=heads[i % departments].department,
            status="on_track",
            confidence=4,
            progress=40,
        )
        for i in range(proposals)
    ]
    world = RoundWorld(portfolio, planner, chair, heads, items)
    if open_round:
        today = timezone.localdate()
        world.round = round_open(
            portfolio=portfolio,
            name="2026년 3분기 점검",
            as_of=today,
            due_date=today + datetime.timedelta(days=due_in),
            user=planner,
        )
    return world


def fresh(obj):
    obj.refresh_from_db()
    return obj


# Small files for the evidence tests: a PDF by its signature, and a Windows program.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program"
