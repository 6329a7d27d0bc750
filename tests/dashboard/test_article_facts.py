"""The article exact: what the seed loads says what the 2023-07-26 article says, word for
word where it is badged so, and "기사에 기록 없음" where the article is silent; a report
import re-marks only the fields it changes; the footer cites only loaded sources."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from dashboard import seed_facts as facts
from imports.services import (
    import_run_apply,
    import_run_create,
    import_run_preview,
    import_run_request_apply,
)
from projects.models import Proposal
from projects.provenance import FieldSource, row_badge
from reviews.models import (
    ActionState,
    Feasibility,
    FollowUpAction,
    MeetingState,
    ProposalReview,
    Reminder,
    ReviewMeeting,
)
from reviews.services import review_add
from reviews.services.reminders import reminders_replan_open_actions
from tests.factories import UserFactory
from tests.import_files import row, xlsx

pytestmark = pytest.mark.django_db


ARTICLE = Path(__file__).parent / "data" / "article-2023-07-26.txt"


def _article_text() -> str:
    """The source article's text, kept with the tests so the repository stands alone."""
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def seeded(db):
    call_command("seed", verbosity=0)
    return Proposal.objects.order_by("management_no")


@pytest.fixture
def deputy(db):
    return UserFactory(role=Role.DEPUTY_MAYOR, first_name="부시장")


def _import(planner, rows):
    portfolio = Proposal.objects.first().portfolio
    run = import_run_create(
        portfolio=portfolio, user=planner, file_name="report.xlsx", data=xlsx(rows)
    )
    run = import_run_preview(run_id=run.pk)
    import_run_request_apply(run=run, user=planner, confirm_new_departments=True)
    return import_run_apply(run_id=run.pk)


def test_after_seed_every_field_says_it_is_the_articles(seeded):
    """Titles and summaries are the article's (dated 2023-07-26), pillars inferred."""
    for proposal in seeded:
        sources = proposal.field_sources
        assert sources["title"]["source"] == FieldSource.ARTICLE
        assert sources["title"]["at"] == "2023-07-26"
        assert sources["summary"] == {"source": "article", "at": "2023-07-26", "verbatim": False}
        if proposal.pillar_id:
            assert sources["pillar"]["source"] == FieldSource.INFERRED
        else:
            assert "pillar" not in sources
        assert "lead_department" not in sources  # the article names no department


def test_titles_badged_verbatim_are_the_articles_exact_words(seeded):
    """A title marked verbatim appears word for word in the article; the three that shorten
    its phrase are marked so, with the phrase, which is the article's exact words."""
    text = _article_text()
    verbatim = [p for p in seeded if p.field_sources["title"].get("verbatim")]
    shortened = [p for p in seeded if not p.field_sources["title"].get("verbatim")]
    assert {p.management_no for p in shortened} == {"기사-05", "기사-08", "기사-09"}
    for proposal in verbatim:
        assert proposal.title in text, proposal.title
        assert row_badge(proposal) == "article"
    for proposal in shortened:
        phrase = proposal.field_sources["title"]["phrase"]
        assert phrase in text and proposal.title not in text
        assert row_badge(proposal) == "shortened"


def test_the_list_badges_and_the_detail_shows_the_phrase(client, seeded, deputy):
    client.force_login(deputy)
    listing = client.get(reverse("projects:proposal_list")).content.decode()
    assert listing.count(">기사 확인</span>") == 6
    assert listing.count(">기사 표현 축약</span>") == 3
    p08 = seeded.get(management_no="기사-08")
    detail = client.get(p08.get_absolute_url()).content.decode()
    assert "기사 표현 축약 2023-07-26" in detail
    assert "<q>정부 연구기관을 유치하고</q>" in detail


def test_the_quote_is_whole(seeded):
    """The deputy mayor's words, inside quotation marks, are exactly the article's."""
    text = _article_text()
    meeting = ReviewMeeting.objects.get()
    quoted = meeting.minutes.split("“", 1)[1].split("”", 1)[0]
    assert quoted == facts.QUOTE
    assert f"“{quoted}”" in text


def test_what_the_article_does_not_say_is_not_shown_as_a_state(client, seeded, deputy):
    """Nine agenda items and four follow-ups: 기사에 기록 없음, never 미검토 / 진행중."""
    assert set(ProposalReview.objects.values_list("feasibility", flat=True)) == {
        Feasibility.UNRECORDED
    }
    assert set(FollowUpAction.objects.values_list("state", flat=True)) == {ActionState.UNRECORDED}
    assert not FollowUpAction.objects.open().exists()
    assert not FollowUpAction.objects.overdue().exists()
    client.force_login(deputy)
    meeting = ReviewMeeting.objects.get()
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "기사에 기록 없음" in page
    assert "미검토" not in page.split("<main", 1)[1]
    detail = client.get(seeded.first().get_absolute_url()).content.decode()
    assert "기사에 기록 없음" in detail and "미검토" not in detail
    action = client.get(FollowUpAction.objects.first().get_absolute_url()).content.decode()
    assert "기사에 기록 없음" in action and "진행중" not in action.split("<main", 1)[1]
    assert ">기사 요약</span>" in action and ">기사 확인</span>" not in action


def test_the_2023_meeting_is_closed_and_refuses_a_demo_proposal(seeded):
    """Closed on its day, with what the article says; no reminders for 2023; read-only."""
    call_command("load_demo", verbosity=0)
    meeting = ReviewMeeting.objects.get(held_on=facts.ARTICLE_AS_OF)
    assert meeting.state == MeetingState.CLOSED
    assert meeting.closed_at.date().isoformat() == "2023-07-24"
    assert meeting.chair_name == "주순선 부시장" and meeting.attendee_count == 15
    assert meeting.actions.count() == 4 and meeting.reviews.count() == 9
    assert not Reminder.objects.filter(meeting=meeting).exists()
    assert not Reminder.objects.filter(action__meeting=meeting).exists()
    # when: the daily sweep that tops up every open action's reminders runs
    reminders_replan_open_actions()
    assert not Reminder.objects.filter(action__meeting=meeting).exists()
    demo = Proposal.objects.filter(data_source="demo").first()
    with pytest.raises(ValidationError):
        review_add(meeting=meeting, proposal=demo)
    assert meeting.reviews.count() == 9


def test_seed_twice_changes_nothing(seeded):
    before = list(Proposal.objects.values_list("field_sources", "version"))
    meeting = ReviewMeeting.objects.values_list("version", "closed_at").get()
    call_command("seed", verbosity=0)
    assert list(Proposal.objects.values_list("field_sources", "version")) == before
    assert ReviewMeeting.objects.values_list("version", "closed_at").get() == meeting


def test_a_report_import_re_marks_only_what_it_changes(client, seeded, planner, deputy):
    """Given the seed, when the report sets 기사-03's department and budget, then those two
    are the report's (with the run), the title stays the article's, and the row is no
    longer badged as if everything were the article's."""
    run = _import(
        planner, [row("기사-03", "항만 3대 기본계획 변경", lead="항만물류과", budget="3,000")]
    )
    p03 = seeded.get(management_no="기사-03")
    sources = p03.field_sources
    for fact in ("lead_department", "budget_million"):
        assert sources[fact]["source"] == FieldSource.REPORT
        assert sources[fact]["run"] == run.pk
    assert sources["title"]["source"] == FieldSource.ARTICLE
    assert row_badge(p03) == "mixed"
    client.force_login(deputy)
    listing = client.get(reverse("projects:proposal_list")).content.decode()
    assert listing.count(">기사 확인</span>") == 5
    detail = client.get(p03.get_absolute_url()).content.decode()
    assert f"가져오기 #{run.pk}" in detail and "기사 확인 2023-07-26" in detail


def test_the_footer_cites_only_loaded_sources(client, db, planner):
    """Nothing loaded: no source named; seeded: the article; an applied import: the report."""
    client.force_login(planner)
    url = reverse("projects:proposal_list")
    empty = client.get(url).content.decode()
    assert "광주일보" not in empty and "광주전남연구원" not in empty
    call_command("seed", verbosity=0)
    seeded = client.get(url).content.decode().split("site-footer", 1)[1]
    assert "광주일보 2023-07-26 기사" in seeded
    assert "광주전남연구원 보고서는 아직 가져오지 않았습니다" in seeded
    _import(planner, [row("기사-04", "항만 연관 산업 실태조사", budget="500")])
    both = client.get(url).content.decode().split("site-footer", 1)[1]
    assert "광주일보 2023-07-26 기사 및 광주전남연구원" in both
