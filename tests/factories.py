"""factory_boy factories: small, with explicit overrides in each test."""

import datetime

import factory
from django.utils import timezone

from accounts.models import Role, User
from projects.models import Department, Pillar, Portfolio, Proposal
from reviews.models import ActionKind, FollowUpAction, ProposalReview, ReviewMeeting


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
