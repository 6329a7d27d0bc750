"""QA's UI defects: badges, aria-describedby, labels, counts, formats and the htmx row."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from core import pagecache
from dashboard.charts import progress_line
from projects.filters import ProposalFilterSet
from projects.models import Department
from projects.templatetags.portfolio import format_million
from reviews.models import ActionState
from reviews.services import meeting_close
from tests.factories import (
    ActionFactory,
    DepartmentFactory,
    MeetingFactory,
    PortfolioFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db


def _described_ids(html: str) -> set[str]:
    return {
        token
        for value in re.findall(r'aria-describedby="([^"]*)"', html)
        for token in value.split()
    }


def assert_describedby_targets_exist(html: str) -> None:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    described = _described_ids(html)
    assert described, "the page has no aria-describedby at all"
    missing = described - ids
    assert not missing, f"aria-describedby points at missing ids: {missing}"


def _fieldset(html: str, legend_start: str) -> str:
    start = html.index(f"<legend>{legend_start}")
    return html[start : html.index("</fieldset>", start)]


# --- 1. agenda badges only on the agenda field -------------------------------------------------


def test_meeting_plan_badges_only_the_agenda_not_the_departments(client, planner):
    portfolio = PortfolioFactory()
    stale = ProposalFactory(portfolio=portfolio, last_update_at=None, confidence=2)
    # A department whose id equals the stale proposal's id used to pick up its reasons.
    if not Department.objects.filter(pk=stale.pk).exists():
        DepartmentFactory(pk=stale.pk)
    client.force_login(planner)
    html = client.get(reverse("reviews:meeting_plan")).content.decode()
    assert "badge-reason" not in _fieldset(html, "참석 부서")
    assert "badge-reason" in _fieldset(html, "안건")


# --- 2. aria-describedby points at the rendered error and help text -------------------------


def test_meeting_plan_errors_are_referenced_by_the_inputs(client, planner):
    PortfolioFactory()
    client.force_login(planner)
    response = client.post(reverse("reviews:meeting_plan"), {"title": ""})
    html = response.content.decode()
    assert response.status_code in (200, 400)
    assert 'id="id_title_error"' in html
    assert re.search(r'id="id_title"[^>]*aria-describedby="[^"]*id_title_error', html) or re.search(
        r'aria-describedby="[^"]*id_title_error[^"]*"[^>]*id="id_title"', html
    )
    assert_describedby_targets_exist(html)


def test_follow_up_form_errors_are_referenced_by_the_inputs(client, planner):
    meeting = MeetingFactory()
    client.force_login(planner)
    response = client.post(reverse("reviews:action_add", args=[meeting.pk]), {"description": ""})
    html = response.content.decode()
    assert "_error" in html
    assert_describedby_targets_exist(html)


def test_correction_form_errors_are_referenced_by_the_inputs(client, planner):
    meeting = MeetingFactory()
    meeting_close(meeting=meeting, user=planner)
    meeting.refresh_from_db()
    client.force_login(planner)
    response = client.post(
        reverse("reviews:meeting_amend", args=[meeting.pk]),
        {"title": "", "version": meeting.version, "reason": ""},
    )
    html = response.content.decode()
    assert 'id="id_title_error"' in html or 'id="id_reason_error"' in html
    assert_describedby_targets_exist(html)


def test_import_form_help_text_is_referenced_by_the_inputs(client, planner):
    client.force_login(planner)
    html = client.get(reverse("imports:import_start")).content.decode()
    assert_describedby_targets_exist(html)


# --- 5. sort labels: lazy, and Korean descending labels --------------------------------------


def test_sort_labels_are_korean_in_korean_and_translated_lazily(client, planner):
    client.force_login(planner)
    html = client.get(reverse("projects:proposal_list")).content.decode()
    assert "관리번호 (내림차순)" in html
    assert "descending" not in html
    choices = dict(ProposalFilterSet().form.fields["ordering"].choices)
    with translation.override("en"):
        english = str(choices["management_no"])
        assert english == translation.gettext("관리번호")
        assert str(choices["-management_no"]).startswith(english)
    assert str(choices["-management_no"]) == "관리번호 (내림차순)"


# --- 6. empty choices have words, not dashes -------------------------------------------------


def test_dashboard_filters_say_all(client, planner):
    pagecache.clear()
    client.force_login(planner)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert "---------" not in html
    assert re.search(r'<select name="pillar"[^>]*>\s*<option value=""[^>]*>전체</option>', html)
    assert re.search(
        r'<select name="lead_department"[^>]*>\s*<option value=""[^>]*>전체</option>', html
    )


def test_form_selects_say_choose(client, planner):
    PortfolioFactory()
    client.force_login(planner)
    html = client.get(reverse("reviews:meeting_plan")).content.decode()
    assert "---------" not in html
    assert "선택하세요" in html
    meeting = MeetingFactory()
    html = client.get(reverse("reviews:action_add", args=[meeting.pk])).content.decode()
    assert "---------" not in html


# --- 7. the htmx row: focus target, live message, overdue count ------------------------------


def test_htmx_completion_moves_focus_announces_and_updates_the_overdue_count(client, head):
    meeting = MeetingFactory(held_on=timezone.localdate() - datetime.timedelta(days=30))
    late = timezone.localdate() - datetime.timedelta(days=2)
    first, _second = (
        ActionFactory(meeting=meeting, owner_department=head.department, due_date=late)
        for _ in range(2)
    )
    client.force_login(head)
    page = client.get(reverse("dashboard:my_department")).content.decode()
    assert 'id="overdue-count"' in page and 'id="action-live"' in page
    assert "기한이 지난 조치가 2건" in page

    response = client.post(
        reverse("reviews:action_complete", args=[first.pk]),
        {"completion_note": "완료", "version": first.version},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="action-{first.pk}"')
    assert re.search(rf'id="action-{first.pk}-state" tabindex="-1" autofocus', html)
    assert '<div id="action-live" hx-swap-oob="innerHTML">후속조치를 완료 처리했습니다.' in html
    oob = html[html.index('<div id="overdue-count" hx-swap-oob="innerHTML">') :]
    assert "기한이 지난 조치가 1건" in oob
    assert '<small id="open-count" hx-swap-oob="innerHTML">(1건)</small>' in html
    assert '<small class="muted" id="open-count">(2건)</small>' in page


def test_htmx_completion_error_focuses_the_note(client, head):
    meeting = MeetingFactory(held_on=timezone.localdate() - datetime.timedelta(days=30))
    action = ActionFactory(meeting=meeting, owner_department=head.department)
    client.force_login(head)
    html = client.post(
        reverse("reviews:action_complete", args=[action.pk]),
        {"completion_note": " ", "version": action.version},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert re.search(r'aria-describedby="note-\d+_error" autofocus', html)
    assert '<div id="action-live" hx-swap-oob="innerHTML"></div>' in html
    action.refresh_from_db()
    assert action.state == ActionState.OPEN


def test_completion_without_javascript_still_redirects(client, head):
    meeting = MeetingFactory(held_on=timezone.localdate() - datetime.timedelta(days=30))
    action = ActionFactory(meeting=meeting, owner_department=head.department)
    client.force_login(head)
    response = client.post(
        reverse("reviews:action_complete", args=[action.pk]),
        {"completion_note": "완료", "version": action.version, "next": "/proposals/my-department/"},
    )
    assert response.status_code == 302


# --- 8. wording and display ------------------------------------------------------------------


def test_progress_chart_leaves_room_for_the_last_month_label():
    trend = [(datetime.date(2026, m, 1), 10 * m) for m in range(1, 12)]
    line = progress_line(trend)
    # The label is centred on the point; "11월" is about 30 units wide at 13 px.
    assert line["points"][-1]["x"] + 20 <= line["width"]
    assert line["right"] + 20 <= line["width"]


@pytest.mark.parametrize(
    "value, shown",
    [
        (Decimal("15890.0"), "15,890"),
        (Decimal("26280"), "26,280"),
        (Decimal("1234.5"), "1,234.5"),
        ("26,280.0", "26,280"),
        (None, ""),
        (Decimal("0.0"), "0"),
    ],
)
def test_million_format(value, shown):
    assert format_million(value) == shown
    template = Template("{% load portfolio %}{{ v|million }}")
    assert template.render(Context({"v": value})) == shown


def test_proposal_detail_shows_the_cost_with_separators(client, head):
    proposal = ProposalFactory(lead_department=head.department, budget_million=Decimal("15890.0"))
    client.force_login(head)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "15,890" in html and "15890.0" not in html


def test_dashboard_counts_use_the_plural_in_english(client, planner):
    pagecache.clear()
    portfolio = PortfolioFactory()
    for _ in range(3):
        ProposalFactory(portfolio=portfolio, confidence=5)
    client.force_login(planner)
    html = client.get(reverse("dashboard:index"), headers={"accept-language": "en"})
    html = html.content.decode()
    assert "3 proposals" in html
    assert "3 proposal<" not in html


def test_required_fields_are_marked_in_words_everywhere(client, planner):
    PortfolioFactory()
    client.force_login(planner)
    for url in (reverse("reviews:meeting_plan"), reverse("imports:import_start")):
        html = client.get(url).content.decode()
        assert '<span class="required">(필수)</span>' in html, url
        assert '<span aria-hidden="true">*</span>' not in html, url
