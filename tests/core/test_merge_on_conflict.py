"""Two tabs, one record: a stale save is merged field by field, never silently reverting.

Each scenario loads a form as a browser would (every input of the page, hidden ones too),
lets another user save through the service, submits the stale page and checks the 409
re-render: untouched fields show the stored value, changed fields keep the input, fields both
people changed are marked beside the input and listed at the top. The page is then submitted
again, as the browser would, and must keep the other user's change.
"""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts.models import Role
from projects.models import Proposal
from projects.services import proposal_update_status
from reviews.models import FollowUpAction
from reviews.services import action_create, meeting_amend, meeting_close
from tests.factories import HeadFactory, MeetingFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db

CONFLICT_NOTE = "다른 사용자가 이 항목을"


class _FormFields(HTMLParser):
    """name -> value of every input, textarea and selected option of the page's POST form."""

    def __init__(self):
        super().__init__()
        self.values, self._textarea, self._select, self._in_form = {}, None, None, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "checkbox"):
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[self._textarea] = ""
        elif tag == "select":
            self._select = a["name"]
            self.values.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            # A browser drops the newline Django writes right after <textarea>.
            value = self.values[self._textarea]
            self.values[self._textarea] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def _fields(response) -> dict:
    parser = _FormFields()
    parser.feed(response.content.decode())
    return parser.values


def _described_by(html: str, field_id: str) -> str:
    tag = re.search(rf'<(?:input|select|textarea)[^>]*id="{field_id}"[^>]*>', html).group(0)
    match = re.search(r'aria-describedby="([^"]*)"', tag)
    return match.group(1) if match else ""


# --- the correction of a closed meeting's follow-up action -----------------------------------


@pytest.fixture
def closed_action(db):
    chair = UserFactory(role=Role.DEPUTY_MAYOR)
    meeting = MeetingFactory(held_on=datetime.date(2026, 7, 1), chair=chair)
    action = action_create(
        meeting=meeting,
        kind="other",
        description="자료 공유",
        owner_department=HeadFactory().department,
        due_date=datetime.date(2026, 8, 1),
    )
    meeting = meeting_close(meeting=meeting, user=chair)
    return meeting, FollowUpAction.objects.get(pk=action.pk)


def _amend_url(meeting, action):
    return reverse("reviews:meeting_amend_item", args=[meeting.pk, "action", action.pk])


def _other_amends(meeting, action, **changes):
    action.refresh_from_db()
    meeting_amend(
        meeting=meeting,
        user=UserFactory(role=Role.PLANNING),
        reason="다른 탭",
        target=action,
        expected_version=action.version,
        **changes,
    )


def test_untouched_due_date_shows_the_other_users_value_and_is_not_reverted(client, closed_action):
    meeting, action = closed_action
    url = _amend_url(meeting, action)
    client.force_login(UserFactory(role=Role.PLANNING))
    loaded = _fields(client.get(url))  # tab 2 opens the form
    _other_amends(meeting, action, due_date=datetime.date(2026, 9, 15))  # tab 1 saves

    response = client.post(url, {**loaded, "description": "자료 공유 및 회신", "reason": "오타"})

    assert response.status_code == 409
    html = response.content.decode()
    shown = _fields(response)
    assert shown["due_date"] == "2026-09-15"  # theirs: the field this tab never touched
    assert shown["description"] == "자료 공유 및 회신"  # mine
    assert shown["initial-due_date"] == "2026-09-15"  # the base is now what is stored
    assert CONFLICT_NOTE not in html
    action.refresh_from_db()
    assert action.description == "자료 공유"

    again = client.post(url, shown)  # the deliberate second save
    assert again.status_code == 302
    action.refresh_from_db()
    assert action.due_date == datetime.date(2026, 9, 15)
    assert action.description == "자료 공유 및 회신"


def test_both_changed_the_same_field_keeps_mine_marked_and_listed(client, closed_action):
    meeting, action = closed_action
    url = _amend_url(meeting, action)
    client.force_login(UserFactory(role=Role.PLANNING))
    loaded = _fields(client.get(url))
    _other_amends(meeting, action, due_date=datetime.date(2026, 9, 15))

    response = client.post(url, {**loaded, "due_date": "2026-10-01", "reason": "일정 조정"})

    assert response.status_code == 409
    html = response.content.decode()
    assert _fields(response)["due_date"] == "2026-10-01"  # mine stays in the input
    assert "다른 사용자가 이 항목을 &#x27;2026-09-15&#x27;(으)로 바꿨습니다" in html
    assert 'id="id_due_date_conflict"' in html
    assert "id_due_date_conflict" in _described_by(html, "id_due_date").split()
    assert '<a href="#id_due_date">기한</a>' in html  # listed at the top
    assert "id_description_conflict" not in html

    again = client.post(url, _fields(response))
    assert again.status_code == 302
    action.refresh_from_db()
    assert action.due_date == datetime.date(2026, 10, 1)


def test_the_merged_page_compares_a_third_save_with_what_is_stored_now(client, closed_action):
    """After a 409, the page's base is the stored record: a further stale save merges again."""
    meeting, action = closed_action
    url = _amend_url(meeting, action)
    client.force_login(UserFactory(role=Role.PLANNING))
    loaded = _fields(client.get(url))
    _other_amends(meeting, action, due_date=datetime.date(2026, 9, 15))
    first = _fields(client.post(url, {**loaded, "description": "회신 요청", "reason": "보완"}))
    _other_amends(meeting, action, due_date=datetime.date(2026, 9, 30))  # yet another save

    second = client.post(url, first)

    assert second.status_code == 409
    assert _fields(second)["due_date"] == "2026-09-30"
    assert CONFLICT_NOTE not in second.content.decode()
    assert client.post(url, _fields(second)).status_code == 302
    action.refresh_from_db()
    assert (action.description, action.due_date) == ("회신 요청", datetime.date(2026, 9, 30))


# --- the department head's status update ----------------------------------------------------


@pytest.fixture
def head_client(client, proposal):
    client.force_login(proposal.lead_department.head)
    return client


def _status_url(proposal):
    return reverse("projects:proposal_update_status", args=[proposal.pk])


def _planner_saves(proposal, **changes):
    proposal.refresh_from_db()
    state = {"status": proposal.status, "confidence": proposal.confidence}
    state["progress"] = proposal.progress
    proposal_update_status(
        proposal=proposal,
        user=UserFactory(role=Role.PLANNING),
        expected_version=proposal.version,
        **{**state, **changes},
    )


def test_confidence_changed_by_another_user_survives_a_progress_only_update(head_client, proposal):
    url = _status_url(proposal)
    loaded = _fields(head_client.get(url))
    _planner_saves(proposal, confidence=2)

    response = head_client.post(url, {**loaded, "progress": "35", "what_changed": "착공"})

    assert response.status_code == 409
    html = response.content.decode()
    shown = _fields(response)
    assert shown["confidence"] == "2"  # theirs
    assert shown["progress"] == "35"  # mine
    assert shown["what_changed"] == "착공"
    assert shown["version"] == "2"
    assert CONFLICT_NOTE not in html

    assert head_client.post(url, shown).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.confidence, proposal.progress, proposal.version) == (2, 35, 3)


def test_progress_changed_by_both_is_marked_and_keeps_mine(head_client, proposal):
    url = _status_url(proposal)
    loaded = _fields(head_client.get(url))
    _planner_saves(proposal, progress=20, confidence=3)

    response = head_client.post(url, {**loaded, "progress": "45"})

    assert response.status_code == 409
    html = response.content.decode()
    shown = _fields(response)
    assert (shown["progress"], shown["confidence"]) == ("45", "3")
    assert "다른 사용자가 이 항목을 &#x27;20&#x27;(으)로 바꿨습니다" in html
    assert "id_progress_conflict" in _described_by(html, "id_progress").split()
    assert '<a href="#id_progress">' in html
    assert "id_confidence_conflict" not in html

    assert head_client.post(url, shown).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.progress, proposal.confidence) == (45, 3)


def test_status_put_on_hold_by_another_user_is_kept_with_its_reason(head_client, proposal):
    url = _status_url(proposal)
    loaded = _fields(head_client.get(url))
    _planner_saves(proposal, status="on_hold", reason="국비 공모 탈락")

    response = head_client.post(url, {**loaded, "progress": "10"})

    assert response.status_code == 409
    shown = _fields(response)
    assert (shown["status"], shown["reason"]) == ("on_hold", "국비 공모 탈락")
    assert head_client.post(url, shown).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.progress) == ("on_hold", 10)
    assert proposal.updates.first().reason == "국비 공모 탈락"


# --- the reason of a proposal on hold is kept -------------------------------------------------


@pytest.fixture
def held(db):
    head = HeadFactory()
    proposal = ProposalFactory(lead_department=head.department)
    proposal_update_status(
        proposal=proposal,
        user=head,
        expected_version=1,
        status="on_hold",
        progress=30,
        reason="부지 보상 협의 지연",
    )
    return Proposal.objects.get(pk=proposal.pk)


def test_a_held_proposal_opens_with_its_reason_so_a_progress_change_saves(client, held):
    client.force_login(held.lead_department.head)
    url = _status_url(held)
    loaded = _fields(client.get(url))
    assert loaded["reason"] == "부지 보상 협의 지연"

    response = client.post(url, {**loaded, "progress": "35"})

    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.status, held.progress) == ("on_hold", 35)
    assert held.updates.first().reason == "부지 보상 협의 지연"


def test_clearing_the_reason_of_a_held_proposal_says_it_cannot_be_empty(client, held):
    client.force_login(held.lead_department.head)
    url = _status_url(held)
    loaded = _fields(client.get(url))

    response = client.post(url, {**loaded, "reason": ""})

    assert response.status_code == 200
    errors = response.context["form"].errors["reason"]
    assert errors == ["'보류' 또는 '폐기' 상태인 사업은 사유를 비워 둘 수 없습니다."]


def test_a_proposal_in_progress_does_not_prefill_an_old_hold_reason(client, held):
    head = held.lead_department.head
    proposal_update_status(
        proposal=held, user=head, expected_version=held.version, status="on_track", progress=40
    )
    client.force_login(head)
    assert _fields(client.get(_status_url(held)))["reason"] == ""


def test_the_correction_page_names_the_stored_item_not_the_submitted_text(client, closed_action):
    """A ModelForm writes the submission onto its instance; the heading must not follow it."""
    meeting, action = closed_action
    url = _amend_url(meeting, action)
    client.force_login(UserFactory(role=Role.PLANNING))
    loaded = _fields(client.get(url))
    response = client.post(url, {**loaded, "description": "제출만 한 새 설명", "reason": ""})
    assert response.status_code == 200  # the reason is required
    heading = response.content.decode().split("정정 대상", 1)[1].split("</p>", 1)[0]
    assert "자료 공유" in heading and "제출만 한 새 설명" not in heading
