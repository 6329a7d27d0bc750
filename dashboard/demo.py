"""Generate clearly labelled demo data: users, departments and a synthetic portfolio.

Everything made here has data_source='demo' (or is_demo=True) and titles start with '[데모]', so
nothing invented is ever shown as the report's or the city's. `scale` multiplies the portfolio:
scale 1 fills the 35 proposals of the report, scale 100 makes 3,500 for benchmarks.
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
from projects.models import (
    Confidence,
    DataSource,
    Department,
    Origin,
    Pillar,
    Portfolio,
    Proposal,
    ProposalStatus,
    StatusUpdate,
)
from reviews.models import (
    ActionKind,
    ActionState,
    Feasibility,
    FollowUpAction,
    MeetingState,
    ProposalReview,
    ReviewMeeting,
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
    """Create the demo logins (one head per department and one per other role)."""
    password = make_password(DEMO_PASSWORD)
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
    logins = []
    for username, name, role, dept, staff in specs:
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": name,
                "role": role,
                "department": dept,
                "is_demo": True,
                "is_staff": staff,
                "password": password,
                "email": f"{username}@demo.gwangyang.invalid",
            },
        )
        if dept is not None and dept.head_id is None:
            dept.head = user
            dept.save(update_fields=["head"])
        logins.append((username, user.get_role_display() + (f" · {dept.name}" if dept else "")))
    return logins


def _demo_departments() -> list[Department]:
    departments = []
    for name in DEPARTMENTS:
        # Suffixed, so a demo department is never taken for the city's own organisation.
        dept, _ = Department.objects.get_or_create(
            name=f"{name}{DEMO_SUFFIX}",
            defaults={
                "is_demo": True,
                "email": f"dept{len(departments) + 1:02d}@demo.gwangyang.invalid",
            },
        )
        departments.append(dept)
    return departments


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
    return bulk_create_with_history(proposals, Proposal, batch_size=1000)


def _make_updates(proposals, heads, now, rng) -> int:
    updates = []
    for proposal in proposals:
        status, confidence, progress = ProposalStatus.REVIEWING, None, 0
        steps = rng.randint(*UPDATES_PER_PROPOSAL)
        when = now - datetime.timedelta(days=rng.randint(60, 900))
        for _ in range(steps):
            new_status = _pick_status(rng)
            new_progress = _progress_for(new_status, rng)
            new_conf = rng.choice(Confidence.values)
            proposal.version += 1
            updates.append(
                StatusUpdate(
                    proposal=proposal,
                    author=heads[proposal.lead_department_id],
                    created_at=when,
                    status=new_status,
                    confidence=new_conf,
                    progress=new_progress,
                    previous_status=status,
                    previous_confidence=confidence,
                    previous_progress=progress,
                    version=proposal.version,
                    what_changed=f"{DEMO_PREFIX}추진 상황을 점검했습니다.",
                    next_step=f"{DEMO_PREFIX}다음 분기 실적을 보고합니다.",
                    reason=f"{DEMO_PREFIX}여건 변화로 조정합니다."
                    if new_status in (ProposalStatus.ON_HOLD, ProposalStatus.DROPPED)
                    else "",
                    is_demo=True,
                )
            )
            status, confidence, progress = new_status, new_conf, new_progress
            when += datetime.timedelta(days=rng.randint(1, 60))
            if when > now:
                when = now - datetime.timedelta(hours=rng.randint(1, 500))
        proposal.status, proposal.confidence, proposal.progress = status, confidence, progress
        proposal.last_update_at = updates[-1].created_at if steps else None
    StatusUpdate.objects.bulk_create(updates, batch_size=2000)
    Proposal.objects.bulk_update(
        proposals,
        ["status", "confidence", "progress", "last_update_at", "version"],
        batch_size=1000,
    )
    return len(updates)


def _make_meetings(portfolio, proposals, departments, deputy, count, today, rng):
    start = datetime.date(2023, 9, 1)
    span = (today - start).days
    meetings = []
    for i in range(count):
        held_on = start + datetime.timedelta(days=span * (i + 1) // (count + 1))
        is_last = i == count - 1
        held_on = today + datetime.timedelta(days=14) if is_last else held_on
        meetings.append(
            ReviewMeeting(
                portfolio=portfolio,
                title=f"{DEMO_PREFIX}신성장 사업 점검 보고회 {i + 1}",
                held_on=held_on,
                chair=deputy,
                state=MeetingState.PLANNED if is_last else MeetingState.CLOSED,
                closed_at=None
                if is_last
                else timezone.make_aware(datetime.datetime.combine(held_on, datetime.time(17, 0))),
                minutes="" if is_last else f"{DEMO_PREFIX}회의록입니다.",
                data_source=DataSource.DEMO,
            )
        )
    meetings = ReviewMeeting.objects.bulk_create(meetings, batch_size=500)
    reviews, actions = [], []
    kinds = ActionKind.values
    for meeting in meetings:
        agenda = rng.sample(proposals, min(len(proposals), 12))
        for order, proposal in enumerate(agenda, start=1):
            reviews.append(
                ProposalReview(
                    meeting=meeting,
                    proposal=proposal,
                    order=order,
                    feasibility=rng.choice(Feasibility.values[1:]),
                    gaps=f"{DEMO_PREFIX}재원 조달 계획 보완 필요",
                    remedies=f"{DEMO_PREFIX}국비 공모 연계 검토",
                    decision=f"{DEMO_PREFIX}계속 추진",
                )
            )
        if meeting.state == MeetingState.PLANNED:
            continue
        per_meeting = ACTIONS_PER_MEETING["large" if len(proposals) > 100 else "small"]
        for _ in range(per_meeting):
            due = meeting.held_on + datetime.timedelta(days=rng.randint(7, 120))
            done = due < today and rng.random() < 0.7
            proposal = rng.choice(agenda) if rng.random() < 0.8 else None
            actions.append(
                FollowUpAction(
                    meeting=meeting,
                    proposal=proposal,
                    kind=rng.choice(kinds),
                    description=f"{DEMO_PREFIX}후속조치를 이행합니다.",
                    owner_department=proposal.lead_department
                    if proposal
                    else rng.choice(departments),
                    due_date=due,
                    state=ActionState.DONE if done else ActionState.OPEN,
                    completion_note=f"{DEMO_PREFIX}이행했습니다." if done else "",
                    completed_at=timezone.make_aware(
                        datetime.datetime.combine(
                            due - datetime.timedelta(days=rng.randint(0, 10)), datetime.time(10)
                        )
                    )
                    if done
                    else None,
                    data_source=DataSource.DEMO,
                )
            )
    ProposalReview.objects.bulk_create(reviews, batch_size=2000)
    FollowUpAction.objects.bulk_create(actions, batch_size=2000)
    return len(meetings), len(actions)


@transaction.atomic
def demo_load(*, portfolio: Portfolio, scale: int = 1, seed: int = 2023) -> DemoResult:
    """Add labelled demo data up to `scale` × 35 proposals; re-running adds only what is missing."""
    rng = random.Random(seed)
    departments = _demo_departments()
    logins = demo_users_ensure(departments)
    heads = {d.pk: d.head for d in Department.objects.filter(pk__in=[d.pk for d in departments])}
    pillars = list(Pillar.objects.filter(portfolio=portfolio).order_by("number"))
    existing = Proposal.objects.filter(portfolio=portfolio).count()
    demo_existing = Proposal.objects.filter(
        portfolio=portfolio, data_source=DataSource.DEMO
    ).count()
    missing = max(0, PROPOSALS_PER_SCALE * scale - existing)
    proposals = _make_proposals(portfolio, pillars, departments, demo_existing + 1, missing, rng)
    now = timezone.now()
    updates = _make_updates(proposals, heads, now, rng) if proposals else 0
    meetings = actions = 0
    demo_meetings = ReviewMeeting.objects.filter(portfolio=portfolio, data_source=DataSource.DEMO)
    if proposals and demo_meetings.count() < MEETINGS_PER_SCALE * scale:
        deputy = User.objects.get(username="deputy")
        meetings, actions = _make_meetings(
            portfolio,
            proposals,
            departments,
            deputy,
            MEETINGS_PER_SCALE * scale - demo_meetings.count(),
            timezone.localdate(),
            rng,
        )
    return DemoResult(logins, len(proposals), meetings, actions, updates)
