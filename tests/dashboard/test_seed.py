"""The seed loads the article's facts only, idempotently; the demo data is labelled."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from projects.models import DataSource, Department, Pillar, Proposal
from reviews.models import FollowUpAction, ProposalReview, ReviewMeeting

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(
        m.objects.count() for m in (Pillar, Proposal, ReviewMeeting, ProposalReview, FollowUpAction)
    )


def test_seed_loads_the_articles_facts_and_is_idempotent():
    call_command("seed")
    first = _counts()
    call_command("seed")
    assert _counts() == first == (5, 9, 1, 9, 4)
    assert list(Pillar.objects.values_list("name", flat=True)) == [
        "항만·철강 연관산업 육성·지원",
        "기후변화 대응 미래 신성장 산업 발굴",
        "남해안 남부권 신성장 거점지대 도약",
        "남해안 남부권 문화·관광 중심지대",
        "누구나 편안한 미래 행복도시",
    ]
    meeting = ReviewMeeting.objects.get()
    assert str(meeting.held_on) == "2023-07-24"
    assert meeting.chair_name == "주순선 부시장" and meeting.attendee_count == 15


def test_seed_never_invents_departments_or_due_dates():
    """What the article does not say stays empty or is marked inferred."""
    call_command("seed")
    assert not Proposal.objects.filter(lead_department__isnull=False).exists()
    assert set(Proposal.objects.values_list("data_source", flat=True)) == {DataSource.ARTICLE}
    for proposal in Proposal.objects.filter(pillar__isnull=False):
        assert proposal.inferred_fields == ["pillar"]
    assert not FollowUpAction.objects.filter(due_date__isnull=False).exists()
    assert not FollowUpAction.objects.filter(owner_department__isnull=False).exists()


def test_demo_data_is_labelled_and_fills_the_35(capsys):
    call_command("seed")
    call_command("load_demo")
    demo = Proposal.objects.filter(data_source=DataSource.DEMO)
    assert Proposal.objects.count() == 35
    assert demo.count() == 26
    assert all(title.startswith("[데모]") for title in demo.values_list("title", flat=True))
    assert not User.objects.filter(is_demo=False).exists()
    assert "gwangyang-demo-2023" in capsys.readouterr().out
    call_command("load_demo")
    assert Proposal.objects.count() == 35


def test_demo_scale_multiplies_the_portfolio():
    call_command("seed")
    call_command("load_demo", scale=3)
    assert Proposal.objects.count() == 105
    assert ReviewMeeting.objects.filter(data_source=DataSource.DEMO).count() == 9


def test_demo_refuses_a_database_with_real_accounts():
    """Demo rows would blend into a real installation's figures: refuse unless forced."""
    call_command("seed")
    User.objects.create_user(username="real.official", password="a-long-real-password")
    with pytest.raises(CommandError) as excinfo:
        call_command("load_demo")
    assert "--force" in str(excinfo.value)
    assert not Proposal.objects.filter(data_source=DataSource.DEMO).exists()


def test_demo_departments_are_marked_as_demo():
    call_command("seed")
    call_command("load_demo")
    names = list(Department.objects.values_list("name", flat=True))
    assert names and all(name.endswith("(데모)") for name in names)
