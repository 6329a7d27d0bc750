"""Load the facts the source article states. Running it twice changes nothing.

Everything goes through the services, with the article's dates: the proposals' fields are
marked as the article's (verbatim, shortened or summarised; the pillars inferred), the
2023-07-24 meeting is recorded as held and closed that day with its nine agenda items and
four follow-ups, and what the article does not say is recorded as "기사에 기록 없음". A meeting
closed in 2023 plans no reminders.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from dashboard import seed_facts as facts
from projects.models import DataSource, Pillar, Portfolio, Proposal
from projects.provenance import FieldSource, source_entry
from projects.services import proposal_create
from reviews.models import (
    ActionState,
    Feasibility,
    FollowUpAction,
    MeetingState,
    ProposalReview,
    ReviewMeeting,
)
from reviews.services import (
    action_create,
    meeting_close,
    meeting_create,
    meeting_update,
    review_add,
)


def article_sources(no: str) -> dict:
    """The provenance of a seeded proposal's title and summary (its pillar is inferred)."""
    at = facts.ARTICLE_PUBLISHED
    phrase = facts.SHORTENED_TITLES.get(no, "")
    title = source_entry(FieldSource.ARTICLE, at=at, verbatim=not phrase, phrase=phrase)
    return {"title": title, "summary": source_entry(FieldSource.ARTICLE, at=at, verbatim=False)}


class Command(BaseCommand):
    help = "기사에 나온 사실(전략 5개, 2023-07-24 보고회, 사업 9건, 후속조치 4건)을 적재합니다."

    @transaction.atomic
    def handle(self, *args, **options):
        defaults = {**facts.PORTFOLIO, "stated_total": facts.STATED_TOTAL}
        portfolio, _ = Portfolio.objects.get_or_create(
            code=facts.PORTFOLIO["code"], defaults=defaults
        )
        if portfolio.stated_total is None:  # a portfolio seeded before the field existed
            portfolio.stated_total = facts.STATED_TOTAL
            portfolio.save(update_fields=["stated_total"])
        pillars = {}
        for number, name in facts.PILLARS:
            pillars[number], _ = Pillar.objects.get_or_create(
                portfolio=portfolio, number=number, defaults={"name": name}
            )

        # Known since the meeting the article reports, however late the rows are loaded.
        as_of = {"known_since": facts.ARTICLE_AS_OF}
        created = 0
        proposals = {}
        for no, title, pillar_no, inferred, summary in facts.PROPOSALS:
            # A proposal the report renamed (기사-05 → GY-05) is still the article's: no duplicate.
            existing = Proposal.objects.filter(portfolio=portfolio).with_code(no).first()
            if existing is None:
                existing = proposal_create(
                    portfolio=portfolio,
                    management_no=no,
                    title=title,
                    pillar=pillars.get(pillar_no),
                    summary=summary,
                    data_source=DataSource.ARTICLE,
                    inferred_fields=["pillar"] if inferred else [],
                    source=article_sources(no),
                    **as_of,
                )
                created += 1
            proposals[no] = existing

        meeting = self._meeting(portfolio, proposals)
        self.stdout.write(
            self.style.SUCCESS(
                f"기사 사실 적재 완료: 사업군 1, 전략 {len(pillars)}, 사업 {len(proposals)}"
                f"(신규 {created}), 보고회 1({meeting.get_state_display()}), "
                f"후속조치 {len(facts.ACTIONS)}"
            )
        )

    def _meeting(self, portfolio, proposals) -> ReviewMeeting:
        """The 2023-07-24 meeting, held and closed that day with what the article says."""
        meeting = ReviewMeeting.objects.filter(
            portfolio=portfolio, held_on=facts.MEETING["held_on"], title=facts.MEETING["title"]
        ).first()
        if meeting is None:
            meeting = meeting_create(
                portfolio=portfolio,
                state=MeetingState.HELD,
                data_source=DataSource.ARTICLE,
                **facts.MEETING,
            )
        if meeting.state == MeetingState.CLOSED:
            return meeting  # its record is read-only; corrections go through amendments
        if meeting.minutes != facts.MEETING["minutes"]:
            # Loaded by an earlier seed, with the quote cut: the article's words, whole.
            meeting = meeting_update(
                meeting=meeting,
                user=None,
                expected_version=meeting.version,
                minutes=facts.MEETING["minutes"],
            )
        for order, (no, proposal) in enumerate(proposals.items(), start=1):
            if not ProposalReview.objects.filter(meeting=meeting, proposal=proposal).exists():
                review_add(
                    meeting=meeting,
                    proposal=proposal,
                    order=order,
                    # The article gives no verdict per item.
                    feasibility=Feasibility.UNRECORDED,
                    decision=facts.REVIEW_DECISIONS.get(no, ""),
                )
        for kind, description in facts.ACTIONS:
            if not FollowUpAction.objects.filter(meeting=meeting, kind=kind).exists():
                action_create(
                    meeting=meeting,
                    kind=kind,
                    description=description,
                    # Agreed; the article records no progress and no due date.
                    state=ActionState.UNRECORDED,
                    data_source=DataSource.ARTICLE,
                )
        # Closed in the past: `at` plans no reminders for a meeting of 2023.
        return meeting_close(meeting=meeting, user=None, at=facts.MEETING_CLOSED_AT)
