"""Every dashboard link into the proposal list lands on exactly the proposals it counts.

The page is parsed like a browser would: each <a href> into the list is followed, and the list's
result count must equal the number the dashboard shows beside (or inside) that link. A filter the
list does not know would be silently ignored by django-filter, so the links may only use the
list's own parameter names.
"""

import datetime
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from core import pagecache
from projects.filters import ProposalFilterSet
from projects.models import Department, Pillar, Portfolio, Proposal
from tests.factories import (
    ActionFactory,
    DepartmentFactory,
    MeetingFactory,
    UserFactory,
    bulk_proposals,
)

# These tests read the context of pages they load more than once.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]
DASHBOARD = reverse("dashboard:index")
LIST = reverse("projects:proposal_list")


@dataclass
class Link:
    href: str
    text: str = ""
    section: str = ""
    row: str = ""  # the text of the enclosing table row or list item
    parts: list = field(default_factory=list)


class LinkParser(HTMLParser):
    """Collect each link with its text, its dashboard section and its row's text."""

    def __init__(self):
        super().__init__()
        self.links: list[Link] = []
        self.sections: list[str] = []
        self.rows: list[tuple[list[str], list[Link]]] = []
        self.open_link: Link | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.sections.append(attrs.get("aria-labelledby", ""))
        elif tag in ("tr", "li"):
            self.rows.append(([], []))
        elif tag == "a" and attrs.get("href"):
            self.open_link = Link(href=attrs["href"], section=(self.sections or [""])[-1])
            self.links.append(self.open_link)
            if self.rows:
                self.rows[-1][1].append(self.open_link)

    def handle_endtag(self, tag):
        if tag == "section" and self.sections:
            self.sections.pop()
        elif tag in ("tr", "li") and self.rows:
            parts, links = self.rows.pop()
            for link in links:
                link.row = " ".join(" ".join(parts).split())
        elif tag == "a" and self.open_link:
            self.open_link.text = " ".join("".join(self.open_link.parts).split())
            self.open_link = None

    def handle_data(self, data):
        for parts, _links in self.rows:
            parts.append(data)
        if self.open_link:
            self.open_link.parts.append(data)


def _list_links(html: str) -> list[Link]:
    parser = LinkParser()
    parser.feed(html)
    return [link for link in parser.links if urlsplit(link.href).path == LIST]


def _stale_heading_count(html: str) -> int:
    return int(re.search(r"일 넘게 갱신되지 않은 사업 \((\d+)건\)", html).group(1))


def _expected(link: Link, html: str) -> int | None:
    """Return the proposal count the dashboard shows for `link` (None: it shows none)."""
    params = dict(parse_qsl(urlsplit(link.href).query))
    if link.section == "h-matrix":
        number = re.fullmatch(r"(\d+)(건,.*)?", link.text)
        if number:  # a cell or a column total: the number is the link
            return int(number.group(1))
        return int(re.findall(r"\d+", link.row)[-1])  # a pillar: the row's total
    if link.section == "h-status":
        return int(re.findall(r"\d+", link.row.removeprefix(link.text))[0])
    if link.section == "h-confidence":
        return int(re.search(r"(\d+)건", link.row).group(1))
    if link.section == "h-changes" and "stale_days" in params:
        return _stale_heading_count(html)
    if link.section == "h-departments":
        # The row shows follow-up counts; the link promises that department's own proposals.
        return Proposal.objects.filter(lead_department_id=params["lead_department"]).count()
    return None


@pytest.fixture
def portfolio(settings):
    """The seed (35, some demo) plus 100 proposals led by two departments, supporting each other.

    Every third bulk proposal is supported by the other department, so "lead department" and
    "lead or supporting department" give different lists; updates spread over 90 days leave
    more than the dashboard's 12 listed stale proposals.
    """
    settings.GP_STALE_DAYS = 30
    pagecache.clear()
    call_command("seed", verbosity=0)
    call_command("load_demo", scale=1, verbosity=0)
    dept_a, dept_b = DepartmentFactory(name="링크가과"), DepartmentFactory(name="링크나과")
    bulk_proposals(
        100,
        portfolio=Portfolio.objects.first(),
        departments=[dept_a, dept_b],
        pillars=list(Pillar.objects.all()),
    )
    meeting = MeetingFactory(
        portfolio=Portfolio.objects.first(),
        held_on=datetime.date.today() - datetime.timedelta(days=3),
    )
    ActionFactory(meeting=meeting, owner_department=dept_a)
    yield dept_a
    pagecache.clear()


def _follow_every_link(client, query: dict) -> dict[str, int]:
    response = client.get(DASHBOARD, query)
    assert response.status_code == 200
    html = response.content.decode()
    links = _list_links(html)
    checked: dict[str, int] = {}
    for link in links:
        params = parse_qsl(urlsplit(link.href).query)
        unknown = {k for k, _v in params} - set(ProposalFilterSet.base_filters)
        assert not unknown, f"{link.href} uses parameters the list ignores: {unknown}"
        page = client.get(link.href)
        assert page.status_code == 200, link.href
        assert not page.context["filter"].form.errors, link.href
        found = page.context["paginator"].count
        expected = _expected(link, html)
        if expected is not None:
            assert found == expected, f"{link.section} {link.text!r} → {link.href}"
            checked[link.section] = checked.get(link.section, 0) + 1
        if "stale_days" in dict(params):
            checked["stale"] = checked.get("stale", 0) + 1
    return checked


def test_every_link_of_the_unfiltered_dashboard_shows_its_count(client, portfolio):
    """Matrix cells, status and confidence counts, department rows and the stale link all land
    on a list holding exactly the number shown."""
    client.force_login(UserFactory(role=Role.DEPUTY_MAYOR))
    checked = _follow_every_link(client, {})
    for section in ("h-matrix", "h-status", "h-confidence", "h-departments", "stale"):
        assert checked.get(section), f"no checked link in {section}: {checked}"
    assert checked["h-matrix"] >= 10


def test_every_link_of_a_department_dashboard_shows_its_count(client, portfolio):
    """Filtered by a lead department (which also supports others' proposals), every link keeps
    that filter: the list counts only the department's own proposals, like the dashboard."""
    dept = portfolio
    client.force_login(UserFactory(role=Role.DEPUTY_MAYOR))
    checked = _follow_every_link(client, {"lead_department": dept.pk})
    for section in ("h-matrix", "h-status", "h-confidence", "h-departments", "stale"):
        assert checked.get(section), f"no checked link in {section}: {checked}"
    # The filter matters: lead-or-supporting would count more.
    led = Proposal.objects.filter(lead_department=dept).count()
    list_page = client.get(LIST, {"department": dept.pk})
    assert list_page.context["paginator"].count > led


def test_a_status_filtered_dashboard_links_keep_the_statuses(client, portfolio):
    """With statuses chosen, confidence and stale links carry them; a status left out of the
    filter has no link (the dashboard counts 0 there)."""
    client.force_login(UserFactory(role=Role.DEPUTY_MAYOR))
    checked = _follow_every_link(
        client, {"lead_department": portfolio.pk, "status": ["on_track", "partial", "done"]}
    )
    assert checked.get("h-confidence") and checked.get("h-status")
    html = client.get(
        DASHBOARD, {"lead_department": portfolio.pk, "status": ["on_track"]}
    ).content.decode()
    assert "status=reviewing" not in html


def test_proposals_xlsx_keeps_the_dashboards_lead_department(client, portfolio):
    """The dashboard's 'proposal list' download with lead_department holds only that
    department's proposals (not those it merely supports, nor everyone's)."""
    dept = portfolio
    client.force_login(UserFactory(role=Role.PLANNING))
    response = client.get(reverse("dashboard:proposals_xlsx"), {"lead_department": dept.pk})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)[1:]
    assert len(rows) == Proposal.objects.filter(lead_department=dept).count() > 0
    assert {row[3] for row in rows} == {dept.name}
    assert Proposal.objects.exclude(lead_department=dept).exists()
    assert Department.objects.count() > 2
