"""The annex (별첨) of attached files in the meeting minutes (page and PDF) and in the
dashboard's briefing PDF: name, kind, size, SHA-256, who and when, what each belongs to, the
text escaped before reportlab reads its mark-up."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reviews.services import action_complete, review_add
from rounds.models import Evidence
from rounds.services import round_open, round_submit
from rounds.services.evidence import evidence_attach_to_action, evidence_attach_to_review
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    PortfolioFactory,
    ProposalFactory,
    UserFactory,
)
from tests.pdf_text import pdf_text

from .helpers import PDF, fresh, make_round_world

pytestmark = pytest.mark.django_db
# A file name that is reportlab mark-up if it is not escaped.
# (No "/" in it: an uploaded file's name is cut to its last path part.)
MARKUP_NAME = '<font size="40" color="red">큰 글씨 & <b>굵게.pdf'


def _flat(text: str) -> str:
    """The PDF's text without white space: a table cell wraps lines where it must."""
    return "".join(text.split())


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _pdf(name):
    return SimpleUploadedFile(name, PDF)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page[^s]", pdf))


@pytest.fixture
def meeting_with_files(planner):
    """A meeting with a review, a completed follow-up and a round that prepared it, each
    with a file; and a file of another meeting that must not show."""
    w = make_round_world(departments=1, proposals=1, open_round=False)
    meeting = MeetingFactory(portfolio=w.portfolio, title="3분기 보고회")
    proposal = w.proposals[0]
    review = review_add(meeting=meeting, proposal=proposal)
    evidence_attach_to_review(review=review, uploads=[_pdf(MARKUP_NAME)], user=planner)
    action = ActionFactory(meeting=meeting, proposal=proposal, description="전문가 포럼 개최")
    action = action_complete(action=action, user=planner, note="포럼을 열었습니다.")
    evidence_attach_to_action(action=action, uploads=[_pdf("포럼 결과.pdf")], user=planner)
    today = timezone.localdate()
    round_ = round_open(
        portfolio=w.portfolio,
        name="보고회 전 점검",
        as_of=today,
        due_date=today + datetime.timedelta(days=7),
        user=w.planner,
        meeting=meeting,
    )
    head = w.head_of(proposal)
    p = fresh(proposal)
    round_submit(
        round_=round_,
        proposal=p,
        user=head,
        expected_version=p.version,
        status="on_track",
        progress=60,
        confidence=4,
        what_changed="공정 60%",
        evidence=[_pdf("공정 사진.pdf")],
    )
    other = MeetingFactory(portfolio=w.portfolio)
    other_review = review_add(
        meeting=other, proposal=ProposalFactory(portfolio=w.portfolio, title="다른 사업")
    )
    evidence_attach_to_review(review=other_review, uploads=[_pdf("다른 회의.pdf")], user=planner)
    return meeting, proposal


def test_the_minutes_pdf_lists_every_file_of_the_meeting_as_an_annex(
    client, planner, meeting_with_files
):
    meeting, proposal = meeting_with_files
    client.force_login(planner)
    response = client.get(reverse("reviews:meeting_minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    text = _flat(pdf_text(response.content))
    assert "별첨" in text and "증빙파일목록" in text
    sha = Evidence.objects.get(original_name="포럼 결과.pdf").sha256
    for expected in (
        "포럼 결과.pdf",
        "공정 사진.pdf",
        "PDF",
        sha[:12],
        f"검토: {proposal.title}",
        "후속조치: 전문가 포럼 개최",
        "점검 제출, 보고회 전 점검",
        "기획",  # who posted
    ):
        assert _flat(expected) in text, expected
    assert sha[12:20] not in text  # the short form only
    # the mark-up in a file name is printed as text, not obeyed
    assert _flat(MARKUP_NAME) in text
    assert "다른 회의.pdf" not in text


def test_the_minutes_page_lists_the_annex_too(client, planner, meeting_with_files):
    meeting, _proposal = meeting_with_files
    client.force_login(planner)
    page = client.get(reverse("reviews:meeting_minutes", args=[meeting.pk])).content.decode()
    assert "별첨" in page and "포럼 결과.pdf" in page and "다른 회의.pdf" not in page
    assert "&lt;font size=&quot;40&quot;" in page  # escaped by the template


def test_minutes_without_files_have_no_annex(client, planner):
    meeting = MeetingFactory()
    client.force_login(planner)
    response = client.get(reverse("reviews:meeting_minutes_pdf", args=[meeting.pk]))
    assert "별첨" not in pdf_text(response.content)


def test_the_briefing_pdf_adds_the_annex_after_its_one_page(client, planner, meeting_with_files):
    """Files posted since the comparison moment follow the one-page briefing as its annex;
    files of another portfolio do not."""
    meeting, proposal = meeting_with_files
    elsewhere = PortfolioFactory(code="elsewhere", name="다른 사업군")
    outsider = review_add(
        meeting=MeetingFactory(portfolio=elsewhere),
        proposal=ProposalFactory(portfolio=elsewhere, title="남의 사업"),
    )
    evidence_attach_to_review(review=outsider, uploads=[_pdf("남의 파일.pdf")], user=planner)
    client.force_login(UserFactory(role=Role.DEPUTY_MAYOR))
    response = client.get(reverse("dashboard:briefing_pdf"), {"portfolio": meeting.portfolio_id})
    assert response.status_code == 200
    text = _flat(pdf_text(response.content))
    assert "별첨" in text and "포럼결과.pdf" in text and "공정사진.pdf" in text
    assert _flat(MARKUP_NAME) in text
    assert "다른회의.pdf" in text  # the same portfolio's other meeting counts here
    assert "남의파일.pdf" not in text
    sha = Evidence.objects.get(original_name="공정 사진.pdf").sha256
    assert sha[:12] in text and _flat(f"사업: {proposal.management_no} {proposal.title}") in text
    assert _pages(response.content) == 2  # the briefing's page, then the annex


def test_files_before_the_comparison_moment_stay_out_of_the_briefing(
    client, planner, meeting_with_files
):
    meeting, _proposal = meeting_with_files
    Evidence.objects.filter(original_name="포럼 결과.pdf").update(
        uploaded_at=timezone.now() - datetime.timedelta(days=400)
    )
    client.force_login(planner)
    response = client.get(
        reverse("dashboard:briefing_pdf"), {"portfolio": meeting.portfolio_id, "period": 30}
    )
    text = _flat(pdf_text(response.content))
    assert "공정사진.pdf" in text and "포럼결과.pdf" not in text


def test_the_briefing_reads_the_same_queries_with_one_file_or_many(client, planner):
    counts = []
    meeting = MeetingFactory()
    client.force_login(planner)
    url = reverse("dashboard:briefing_pdf")
    client.get(url, {"portfolio": meeting.portfolio_id})  # the portfolio choice is remembered
    for n in (1, 15):
        for i in range(n):
            review = review_add(
                meeting=meeting, proposal=ProposalFactory(portfolio=meeting.portfolio)
            )
            evidence_attach_to_review(
                review=review, uploads=[_pdf(f"자료{n}-{i}.pdf")], user=planner
            )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"portfolio": meeting.portfolio_id})
        assert response.status_code == 200
        assert f"자료{n}-0.pdf" in _flat(pdf_text(response.content))
        counts.append(len(queries))
    assert counts[0] == counts[1]
