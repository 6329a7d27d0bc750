"""Generate clearly labelled demo data: users, departments and a synthetic portfolio.

Everything made here has data_source='demo' (or is_demo=True) and titles start with '[데모]', so
nothing invented is ever shown as the report's or the city's. `scale` multiplies the portfolio:
scale 1 fills the 35 proposals of the report, scale 100 makes 3,500 for benchmarks.

It writes through the services users' actions call, so the demo's records hold together the
way real ones do: accounts and departments (`user_create`, `department_create`: a head becomes
the head of record of their department), status updates (`proposal_update_status`, dated in
the past with `at`: each update's previous values are the proposal's state before it, and the
proposal's audit history follows the same timeline), meetings with their agenda, verdicts and
follow-ups (`meeting_create`, `review_add`, `review_record`, `action_create`), closes and
completions (`meeting_close`, `action_complete`, dated in the past). Only the proposals
themselves are created in bulk, with their creation records, as an import creates them.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Role, User
from accounts.services import user_create
from projects import provenance
from projects.models import (
    Confidence,
    DataSource,
    Department,
    Origin,
    Pillar,
    Portfolio,
    Proposal,
    ProposalStatus,
)
from projects.services import department_create, proposal_update_status
from reviews.models import VERDICTS, ActionKind, ReviewMeeting
from reviews.services import (
    action_complete,
    action_create,
    meeting_close,
    meeting_create,
    review_add,
    review_record,
)

DEMO_PASSWORD = "gwangyang-demo-2023"  # noqa: S105  (printed on screen; demo accounts only)
DEMO_PREFIX = "[데모] "
DEMO_SUFFIX = "(데모)"
PROPOSALS_PER_SCALE = 35
MEETINGS_PER_SCALE = 3
# The app's demo (scale 1) gets a readable handful of actions per meeting; a benchmark
# portfolio gets tens of thousands in all.
ACTIONS_PER_MEETING = {"small": 6, "large": 40}
UPDATES_PER_PROPOSAL = (2, 8)
# The facts every demo proposal states (their source: demo).
DEMO_FIELDS = ("title", "pillar", "lead_department", "summary", "origin", "start_year")
DEMO_FIELDS += ("budget_million", "fund_city")

DEPARTMENTS = [
    "기획예산실",
    "투자유치과",
    "항만물류과",
    "기업지원과",
    "미래전략과",
    "에너지산업과",
    "도시계획과",
    "관광과",
    "문화예술과",
    "교육청소년과",
    "복지정책과",
    "환경과",
    "농업정책과",
    "건설과",
    "일자리정책과",
]
THEMES = [
    "스마트 항만 물류 플랫폼",
    "철강 부산물 자원순환 단지",
    "해상풍력 배후항만",
    "탄소중립 산단 전환",
    "섬진강 관광벨트",
    "청년 창업 허브",
    "수소 충전 인프라 확충",
    "생활 SOC 복합센터",
    "광양만권 교통망 확충",
    "디지털 트윈 도시",
    "반려동물 복합문화공간",
    "스마트팜 단지",
    "이차전지 인력양성센터",
    "해양레저 거점",
    "공공 돌봄 통합 플랫폼",
    "소재부품 실증센터",
    "친환경 선박 연료 공급",
    "문화도시 조성",
    "산업단지 근로자 정주 여건 개선",
    "드론 물류 실증",
]
STATUS_WEIGHTS = [
    (ProposalStatus.REVIEWING, 3),
    (ProposalStatus.ON_TRACK, 8),
    (ProposalStatus.PARTIAL, 4),
    (ProposalStatus.ON_HOLD, 2),
    (ProposalStatus.DROPPED, 1),
    (ProposalStatus.DONE, 2),
    (ProposalStatus.DONE_CONTINUING, 1),
]


@dataclass
class DemoResult:
    users: list[tuple[str, str]]
    proposals: int
    meetings: int
    actions: int
    updates: int


def _pick_status(rng: random.Random) -> str:
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
    return rng.choices(statuses, weights=weights)[0]


def _progress_for(status: str, rng: random.Random) -> int:
    if status == ProposalStatus.DONE:
        return 100
    if status == ProposalStatus.REVIEWING:
        return rng.randint(0, 10)
    if status == ProposalStatus.DONE_CONTINUING:
        return rng.randint(80, 100)
    return rng.randint(5, 95)


def demo_users_ensure(departments: list[Department]) -> list[tuple[str, str]]:
    """Create the demo logins (one head per department and one per other role).

    A head created here becomes the head of record of a department that has none (the
    account service's rule).
    """
    specs = [
        ("planning", "기획 담당(데모)", Role.PLANNING, None, True),
        ("deputy", "부시장(데모)", Role.DEPUTY_MAYOR, None, False),
        ("viewer", "열람자(데모)", Role.VIEWER, None, False),
    ] + [
        (
            f"head{i:02d}",
            f"{dept.name.removesuffix(DEMO_SUFFIX)}장{DEMO_SUFFIX}",
            Role.DEPARTMENT_HEAD,
            dept,
            False,
        )
        for i, dept in enumerate(departments, start=1)
    ]
    existing = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in specs])}
    password_hash = make_password(DEMO_PASSWORD)  # once: every demo login shares it
    logins = []
    for username, name, role, dept, staff in specs:
        user = existing.get(username)
        if user is None:
            user = user_create(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                department=dept,
                first_name=name,
                email=f"{username}@demo.gwangyang.invalid",
                is_staff=staff,
                is_demo=True,
                password_hash=password_hash,
            )
        logins.append((username, user.get_role_display() + (f" · {dept.name}" if dept else "")))
    return logins


def _demo_departments() -> list[Department]:
    # Suffixed, so a demo department is never taken for the city's own organisation.
    names = [f"{name}{DEMO_SUFFIX}" for name in DEPARTMENTS]
    existing = {d.name: d for d in Department.objects.filter(name__in=names)}
    return [
        existing.get(name)
        or department_create(
            name=name, email=f"dept{number:02d}@demo.gwangyang.invalid", is_demo=True
        )
        for number, name in enumerate(names, start=1)
    ]


def _make_proposals(portfolio, pillars, departments, start, count, rng) -> list[Proposal]:
    proposals = []
    for n in range(start, start + count):
        theme = THEMES[n % len(THEMES)]
        first = rng.randint(2024, 2027)
        proposals.append(
            Proposal(
                portfolio=portfolio,
                management_no=f"DEMO-{n:05d}",
                title=f"{DEMO_PREFIX}{theme} {n}",
                pillar=pillars[n % len(pillars)],
                lead_department=departments[n % len(departments)],
                summary=f"{DEMO_PREFIX}앱을 시험하기 위한 가상의 사업입니다.",
                origin=rng.choice([Origin.NEW, Origin.EXISTING]),
                start_year=first,
                end_year=first + rng.randint(1, 6),
                budget_million=rng.randint(5, 5000) * 10,
                fund_national=rng.random() < 0.6,
                fund_province=rng.random() < 0.4,
                fund_city=True,
                fund_private=rng.random() < 0.3,
                data_source=DataSource.DEMO,
            )
        )
    return proposals


def _timeline(now, rng) -> list[datetime.datetime]:
    """Return the dates of one proposal's updates: strictly increasing, none in the future."""
    steps = rng.randint(*UPDATES_PER_PROPOSAL)
    when = now - datetime.timedelta(days=rng.randint(60, 900))
    dates = []
    for _ in range(steps):
        dates.append(when)
        when += datetime.timedelta(days=rng.randint(1, 60))
        if when > now:
            break
    return dates


def _create_with_updates(portfolio, pillars, departments, heads, start, count, creator, now, rng):
    """Create the proposals (each recorded a day before its first update), then give each its
    updates through `proposal_update_status`, oldest first; return (proposals, updates)."""
    proposals = _make_proposals(portfolio, pillars, departments, start, count, rng)
    timelines = [_timeline(now, rng) for _ in proposals]
    for proposal, dates in zip(proposals, timelines, strict=True):
        proposal._history_date = dates[0] - datetime.timedelta(days=1)
        # Known since it was recorded, so "new since the last meeting" follows the demo's story.
        proposal.known_since = timezone.localdate(proposal._history_date)
        demo = provenance.source_entry(provenance.FieldSource.DEMO, at=proposal._history_date)
        provenance.mark(proposal, DEMO_FIELDS, demo)
    proposals = bulk_create_with_history(proposals, Proposal, batch_size=1000, default_user=creator)
    updates = 0
    for proposal, dates in zip(proposals, timelines, strict=True):
        version = proposal.version
        for when in dates:
            status = _pick_status(rng)
            update = proposal_update_status(
                proposal=proposal,
                user=heads.get(proposal.lead_department_id) or creator,
                expected_version=version,
                status=status,
                progress=_progress_for(status, rng),
                confidence=rng.choice(Confidence.values),
                what_changed=f"{DEMO_PREFIX}추진 상황을 점검했습니다.",
                next_step=f"{DEMO_PREFIX}다음 분기 실적을 보고합니다.",
                reason=f"{DEMO_PREFIX}여건 변화로 조정합니다."
                if status in (ProposalStatus.ON_HOLD, ProposalStatus.DROPPED)
                else "",
                at=when,
                is_demo=True,
            )
            version = update.version
            updates += 1
    return proposals, updates


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _make_meetings(portfolio, proposals, departments, heads, planner, deputy, count, today, rng):
    """Plan, hold and close `count` meetings (the last one still ahead), through the services."""
    start = datetime.date(2023, 9, 1)
    span = (today - start).days
    per_meeting = ACTIONS_PER_MEETING["large" if len(proposals) > 100 else "small"]
    kinds = ActionKind.values
    meetings = actions = 0
    for i in range(count):
        is_last = i == count - 1
        held_on = (
            today + datetime.timedelta(days=14)
            if is_last
            else start + datetime.timedelta(days=span * (i + 1) // (count + 1))
        )
        meeting = meeting_create(
            portfolio=portfolio,
            title=f"{DEMO_PREFIX}신성장 사업 점검 보고회 {i + 1}",
            held_on=held_on,
            chair=deputy,
            user=planner,
            minutes="" if is_last else f"{DEMO_PREFIX}회의록입니다.",
            data_source=DataSource.DEMO,
        )
        meetings += 1
        agenda = rng.sample(proposals, min(len(proposals), 12))
        for order, proposal in enumerate(agenda, start=1):
            review = review_add(meeting=meeting, proposal=proposal, order=order, user=planner)
            review_record(
                review=review,
                user=planner,
                feasibility=rng.choice(VERDICTS),
                gaps=f"{DEMO_PREFIX}재원 조달 계획 보완 필요",
                remedies=f"{DEMO_PREFIX}국비 공모 연계 검토",
                decision=f"{DEMO_PREFIX}계속 추진",
            )
        if is_last:
            continue  # still ahead: no follow-ups yet
        done = []
        for _ in range(per_meeting):
            due = held_on + datetime.timedelta(days=rng.randint(7, 120))
            is_done = due < today and rng.random() < 0.7
            proposal = rng.choice(agenda) if rng.random() < 0.8 else None
            action = action_create(
                meeting=meeting,
                kind=rng.choice(kinds),
                description=f"{DEMO_PREFIX}후속조치를 이행합니다.",
                owner_department=proposal.lead_department if proposal else rng.choice(departments),
                due_date=due,
                proposal=proposal,
                user=planner,
                data_source=DataSource.DEMO,
            )
            actions += 1
            if is_done:
                # Done on time, after the meeting: up to ten days before the due date.
                day = due - datetime.timedelta(days=rng.randint(0, 10))
                done.append((action, _at(max(day, held_on + datetime.timedelta(days=1)), 10)))
        meeting_close(meeting=meeting, user=deputy, at=_at(held_on, 17))
        for action, when in done:
            action_complete(
                action=action,
                user=heads.get(action.owner_department_id) or planner,
                note=f"{DEMO_PREFIX}이행했습니다.",
                expected_version=action.version,
                at=when,
            )
    return meetings, actions


@transaction.atomic
def demo_load(*, portfolio: Portfolio, scale: int = 1, seed: int = 2023) -> DemoResult:
    """Add labelled demo data up to `scale` × 35 proposals; re-running adds only what is missing."""
    rng = random.Random(seed)
    departments = _demo_departments()
    logins = demo_users_ensure(departments)
    planner, deputy = User.objects.get(username="planning"), User.objects.get(username="deputy")
    heads = {
        d.pk: d.head
        for d in Department.objects.select_related("head").filter(
            pk__in=[d.pk for d in departments]
        )
    }
    pillars = list(Pillar.objects.filter(portfolio=portfolio).order_by("number"))
    existing = Proposal.objects.filter(portfolio=portfolio).count()
    demo_existing = Proposal.objects.filter(
        portfolio=portfolio, data_source=DataSource.DEMO
    ).count()
    missing = max(0, PROPOSALS_PER_SCALE * scale - existing)
    now = timezone.now()
    proposals, updates = _create_with_updates(
        portfolio, pillars, departments, heads, demo_existing + 1, missing, planner, now, rng
    )
    meetings = actions = 0
    demo_meetings = ReviewMeeting.objects.filter(portfolio=portfolio, data_source=DataSource.DEMO)
    if proposals and demo_meetings.count() < MEETINGS_PER_SCALE * scale:
        meetings, actions = _make_meetings(
            portfolio,
            proposals,
            departments,
            heads,
            planner,
            deputy,
            MEETINGS_PER_SCALE * scale - demo_meetings.count(),
            timezone.localdate(),
            rng,
        )
    return DemoResult(logins, len(proposals), meetings, actions, updates)
