"""factory_boy factories: small, with explicit overrides in each test."""

import datetime

import factory
from django.utils import timezone

from accounts.models import Role, User
from projects.history_records import record_history
from projects.models import (
    Department,
    Pillar,
    Portfolio,
    Proposal,
    ProposalComment,
    ProposalStatus,
)
from reviews.models import (
    ActionKind,
    DueDateChangeRequest,
    FollowUpAction,
    ProposalReview,
    ReviewMeeting,
)


class PortfolioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Portfolio
        django_get_or_create = ("code",)

    code = "test-portfolio"
    name = "시험 사업군"
    year = 2023


class PillarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pillar

    portfolio = factory.SubFactory(PortfolioFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"전략 {n + 1}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"시험부서{n}")
    email = factory.Sequence(lambda n: f"dept{n}@example.invalid")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"사용자{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.invalid")
    role = Role.VIEWER
    password = factory.django.Password("correct-horse-battery")


class HeadFactory(UserFactory):
    """A department head, made head of a new department unless one is given."""

    role = Role.DEPARTMENT_HEAD
    department = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def make_head(obj, create, extracted, **kwargs):
        if create and obj.department.head_id is None:
            obj.department.head = obj
            obj.department.save(update_fields=["head"])


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    portfolio = factory.SubFactory(PortfolioFactory)
    management_no = factory.Sequence(lambda n: f"T-{n:04d}")
    title = factory.Sequence(lambda n: f"시험 사업 {n}")
    pillar = factory.SubFactory(PillarFactory, portfolio=factory.SelfAttribute("..portfolio"))
    lead_department = factory.SubFactory(DepartmentFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewMeeting

    portfolio = factory.SubFactory(PortfolioFactory)
    title = factory.Sequence(lambda n: f"시험 보고회 {n}")
    held_on = factory.LazyFunction(timezone.localdate)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalReview

    meeting = factory.SubFactory(MeetingFactory)
    proposal = factory.SubFactory(
        ProposalFactory, portfolio=factory.SelfAttribute("..meeting.portfolio")
    )


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpAction

    meeting = factory.SubFactory(MeetingFactory)
    kind = ActionKind.EXPERT_FORUM
    description = factory.Sequence(lambda n: f"시험 후속조치 {n}")
    owner_department = factory.SubFactory(DepartmentFactory)
    due_date = factory.LazyAttribute(lambda o: o.meeting.held_on + datetime.timedelta(days=14))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalComment

    proposal = factory.SubFactory(ProposalFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"시험 의견 {n}")


class DueChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DueDateChangeRequest

    action = factory.SubFactory(ActionFactory)
    requested_by = factory.SubFactory(UserFactory)
    old_due_date = factory.SelfAttribute("action.due_date")
    new_due_date = factory.LazyAttribute(lambda o: o.action.due_date + datetime.timedelta(days=30))
    reason = "관계 기관 협의가 늦어졌습니다."


def bulk_proposals(
    count: int,
    *,
    portfolio: Portfolio | None = None,
    departments: list[Department] | None = None,
    pillars: list[Pillar] | None = None,
    prefix: str = "B",
) -> list[Proposal]:
    """Create `count` proposals in a few bulk queries (with their history rows).

    Lead departments and pillars rotate through the given lists; every third proposal is
    supported by the next department, and update times spread over the last 90 days.
    """
    portfolio = portfolio or PortfolioFactory()
    departments = departments or DepartmentFactory.create_batch(5)
    pillars = pillars or [PillarFactory(portfolio=portfolio) for _ in range(5)]
    now = timezone.now()
    statuses = [s for s, _label in ProposalStatus.choices if s != ProposalStatus.DONE]
    rows = [
        Proposal(
            portfolio=portfolio,
            management_no=f"{prefix}-{i:05d}",
            title=f"대량 시험 사업 {i}",
            summary="시험용 사업 개요",
            pillar=pillars[i % len(pillars)],
            lead_department=departments[i % len(departments)],
            status=statuses[i % len(statuses)],
            confidence=(i % 5) + 1,
            progress=i % 100,
            last_update_at=now - datetime.timedelta(days=i % 90),
        )
        for i in range(count)
    ]
    created = Proposal.objects.bulk_create(rows)
    through = Proposal.supporting_departments.through
    through.objects.bulk_create(
        through(proposal_id=p.pk, department_id=departments[(i + 1) % len(departments)].pk)
        for i, p in enumerate(created)
        if i % 3 == 0 and len(departments) > 1
    )
    record_history(created, user=None)  # after the links, so the records hold them
    return created


def bulk_actions(
    count: int, *, meeting: ReviewMeeting, department: Department, proposals: list[Proposal]
) -> list[FollowUpAction]:
    """Create `count` open follow-up actions owned by `department`, some overdue."""
    start = meeting.held_on
    return FollowUpAction.objects.bulk_create(
        FollowUpAction(
            meeting=meeting,
            kind=ActionKind.NATIONAL_FUNDING,
            description=f"대량 후속조치 {i}",
            owner_department=department,
            proposal=proposals[i % len(proposals)] if proposals else None,
            due_date=start + datetime.timedelta(days=i % 40),
        )
        for i in range(count)
    )
