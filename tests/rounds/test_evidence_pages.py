"""Evidence on a meeting's reviews and on completed follow-ups, through the pages: who sees
and may post the form (checked on the server), bad files refused in Korean with nothing
written, permission-checked download links, and fixed query counts at 1× and many rows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reviews.models import ActionState, MeetingState
from reviews.services import review_add
from rounds.models import Evidence
from rounds.services.evidence import evidence_attach_to_action, evidence_attach_to_review
from tests.factories import (
    ActionFactory,
    HeadFactory,
    MeetingFactory,
    ProposalFactory,
    UserFactory,
)

from .helpers import EXE, PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _pdf(name="근거 자료.pdf"):
    return SimpleUploadedFile(name, PDF)


def _nothing_stored(media):
    return not Evidence.objects.exists() and (not media.exists() or not any(media.rglob("*.*")))


@pytest.fixture
def meeting_world(planner):
    """A meeting with two reviews led by two departments, each with a head."""
    meeting = MeetingFactory()
    heads = [HeadFactory(), HeadFactory()]
    reviews = [
        review_add(
            meeting=meeting,
            proposal=ProposalFactory(
                portfolio=meeting.portfolio, lead_department=h.department, title=f"검토 사업 {i}"
            ),
        )
        for i, h in enumerate(heads)
    ]
    return meeting, heads, reviews


def _review_url(review):
    return reverse("rounds:review_evidence_upload", args=[review.pk])


def test_the_meeting_page_shows_each_user_only_the_forms_they_may_post(
    client, planner, meeting_world
):
    meeting, heads, reviews = meeting_world
    client.force_login(planner)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert _review_url(reviews[0]) in page and _review_url(reviews[1]) in page
    assert 'enctype="multipart/form-data"' in page and "바꾸거나 지울 수 없습니다" in page
    # the head of the first proposal's department: the form of that review only
    client.force_login(heads[0])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert _review_url(reviews[0]) in page and _review_url(reviews[1]) not in page
    # a viewer and the chair: no form at all
    for user in (UserFactory(role=Role.VIEWER), UserFactory(role=Role.DEPUTY_MAYOR)):
        client.force_login(user)
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert "rounds/evidence/review/" not in page


def test_the_lead_head_posts_a_pdf_and_it_is_listed_with_a_download_link(
    client, planner, meeting_world, _media
):
    meeting, heads, reviews = meeting_world
    client.force_login(heads[0])
    client.get(meeting.get_absolute_url())  # cached (core.pagecache): the upload must show
    response = client.post(_review_url(reviews[0]), {"evidence": _pdf()})
    assert response.status_code == 302
    assert response.url == f"{meeting.get_absolute_url()}#evidence-review-{reviews[0].pk}"
    evidence = Evidence.objects.get()
    assert evidence.review == reviews[0] and evidence.uploaded_by == heads[0]
    assert evidence.submission is None and evidence.action is None
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "근거 자료.pdf" in page and evidence.get_absolute_url() in page
    assert evidence.sha256[:12] in page
    # the other department's head sees the name but gets no link (the download is refused)
    client.force_login(heads[1])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "근거 자료.pdf" in page and evidence.get_absolute_url() not in page
    assert client.get(evidence.get_absolute_url()).status_code == 403


@pytest.mark.parametrize("role", ["other_head", Role.VIEWER, Role.DEPUTY_MAYOR])
def test_others_cannot_post_to_a_review(client, meeting_world, _media, role):
    _meeting, heads, reviews = meeting_world
    user = heads[1] if role == "other_head" else UserFactory(role=role)
    client.force_login(user)
    assert client.post(_review_url(reviews[0]), {"evidence": _pdf()}).status_code == 403
    assert _nothing_stored(_media)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("보고서.pdf", EXE), "올릴 수 없는 파일 형식입니다"),
        (
            lambda: SimpleUploadedFile("메모.txt", b"plain text " * 20),
            "올릴 수 없는 파일 형식입니다",
        ),
        (lambda: SimpleUploadedFile("사진.png", PDF), "확장자와 다릅니다"),
        (lambda: SimpleUploadedFile("큰 파일.pdf", PDF + b"0" * 10000), "파일이 너무 큽니다"),
        (lambda: None, "올릴 파일을 고르세요."),
    ],
    ids=["exe-renamed-pdf", "text", "pdf-renamed-png", "oversized", "no-file"],
)
def test_a_bad_file_on_a_review_is_refused_in_korean_and_nothing_is_written(
    client, settings, meeting_world, _media, upload, message
):
    settings.EVIDENCE_MAX_BYTES = 8000
    _meeting, heads, reviews = meeting_world
    client.force_login(heads[0])
    file = upload()
    data = {"evidence": [_pdf("좋은 파일.pdf"), file]} if file else {}
    response = client.post(_review_url(reviews[0]), data, follow=True)
    assert message in response.content.decode()
    assert _nothing_stored(_media)  # the good file beside the bad one is not kept either


def test_a_closed_meetings_reviews_take_no_more_evidence(client, planner, meeting_world, _media):
    meeting, _heads, reviews = meeting_world
    meeting.state, meeting.closed_at = MeetingState.CLOSED, timezone.now()
    meeting.save(update_fields=["state", "closed_at"])
    client.force_login(planner)
    assert _review_url(reviews[0]) not in client.get(meeting.get_absolute_url()).content.decode()
    response = client.post(_review_url(reviews[0]), {"evidence": _pdf()}, follow=True)
    assert "종료된 보고회의 검토에는 증빙을 첨부할 수 없습니다." in response.content.decode()
    assert _nothing_stored(_media)


def test_the_upload_endpoints_take_posts_only(client, planner, meeting_world):
    """No page edits or replaces a posted file: the endpoints only add, by POST."""
    _meeting, _heads, reviews = meeting_world
    client.force_login(planner)
    assert client.get(_review_url(reviews[0])).status_code == 405


def _action_url(action):
    return reverse("rounds:action_evidence_upload", args=[action.pk])


def _complete(action):
    action.state, action.completed_at = ActionState.DONE, timezone.now()
    action.completion_note = "완료"
    action.save(update_fields=["state", "completed_at", "completion_note"])
    return action


def test_an_open_action_shows_no_form_and_refuses_files(client, head, action, _media):
    client.force_login(head)
    page = client.get(action.get_absolute_url()).content.decode()
    assert _action_url(action) not in page and "완료 처리한 뒤에" in page
    response = client.post(_action_url(action), {"evidence": _pdf()}, follow=True)
    assert "완료된 후속조치에만 증빙을 첨부할 수 있습니다." in response.content.decode()
    assert _nothing_stored(_media)


def test_a_completed_action_takes_evidence_from_its_head_and_planning_only(
    client, head, planner, action, _media
):
    _complete(action)
    for user in (head, planner):
        client.force_login(user)
        assert _action_url(action) in client.get(action.get_absolute_url()).content.decode()
    for user in (HeadFactory(), UserFactory(role=Role.VIEWER)):
        client.force_login(user)
        assert _action_url(action) not in client.get(action.get_absolute_url()).content.decode()
        assert client.post(_action_url(action), {"evidence": _pdf()}).status_code == 403
    assert _nothing_stored(_media)
    client.force_login(head)
    response = client.post(_action_url(action), {"evidence": _pdf("완료 보고.pdf")})
    assert response.status_code == 302 and response.url.endswith("#evidence")
    evidence = Evidence.objects.get()
    assert evidence.action == action and evidence.review is None
    page = client.get(action.get_absolute_url()).content.decode()
    assert "완료 보고.pdf" in page and evidence.get_absolute_url() in page


def test_a_disguised_program_on_an_action_is_refused(client, head, action, _media):
    _complete(action)
    client.force_login(head)
    upload = SimpleUploadedFile("완료 보고.pdf", EXE)
    response = client.post(_action_url(action), {"evidence": upload}, follow=True)
    assert "올릴 수 없는 파일 형식입니다" in response.content.decode()
    assert _nothing_stored(_media)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_the_pages_read_the_same_number_of_queries_at_1x_and_many(client, planner, _media):
    counts = []
    for n in (1, 12):
        meeting = MeetingFactory()
        action = _complete(ActionFactory(meeting=meeting))
        for i in range(n):
            review = review_add(
                meeting=meeting, proposal=ProposalFactory(portfolio=meeting.portfolio)
            )
            evidence_attach_to_review(review=review, uploads=[_pdf(f"검토{i}.pdf")], user=planner)
            evidence_attach_to_action(action=action, uploads=[_pdf(f"조치{i}.pdf")], user=planner)
        client.force_login(planner)
        counts.append(
            [
                _count(client, meeting.get_absolute_url()),
                _count(client, action.get_absolute_url()),
                _count(client, reverse("reviews:meeting_minutes", args=[meeting.pk])),
                _count(client, reverse("reviews:meeting_minutes_pdf", args=[meeting.pk])),
            ]
        )
    assert counts[0] == counts[1]
