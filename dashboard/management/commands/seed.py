"""Load the facts the source article states. Running it twice changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from dashboard import seed_facts as facts
from projects.models import DataSource, Pillar, Portfolio, Proposal
from projects.services import proposal_create
from reviews.models import FollowUpAction, MeetingState, ProposalReview, ReviewMeeting
from reviews.services import action_create, meeting_create, review_add


class Command(BaseCommand):
    help = "기사에 나온 사실(전략 5개, 2023-07-24 보고회, 사업 9건, 후속조치 4건)을 적재합니다."

    @transaction.atomic
    def handle(self, *args, **options):
        portfolio, _ = Portfolio.objects.get_or_create(
            code=facts.PORTFOLIO["code"], defaults=facts.PORTFOLIO
        )
        pillars = {}
        for number, name in facts.PILLARS:
            pillars[number], _ = Pillar.objects.get_or_create(
                portfolio=portfolio, number=number, defaults={"name": name}
            )

        created = 0
        proposals = {}
        for no, title, pillar_no, inferred, summary in facts.PROPOSALS:
            existing = Proposal.objects.filter(portfolio=portfolio, management_no=no).first()
            if existing is None:
                existing = proposal_create(
                    portfolio=portfolio,
                    management_no=no,
                    title=title,
                    pillar=pillars.get(pillar_no),
                    summary=summary,
                    data_source=DataSource.ARTICLE,
                    inferred_fields=["pillar"] if inferred else [],
                )
                created += 1
            proposals[no] = existing

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
        for order, (no, proposal) in enumerate(proposals.items(), start=1):
            if not ProposalReview.objects.filter(meeting=meeting, proposal=proposal).exists():
                review_add(
                    meeting=meeting,
                    proposal=proposal,
                    order=order,
                    decision=facts.REVIEW_DECISIONS.get(no, ""),
                )
        for kind, description in facts.ACTIONS:
            if not FollowUpAction.objects.filter(meeting=meeting, kind=kind).exists():
                action_create(
                    meeting=meeting,
                    kind=kind,
                    description=description,
                    data_source=DataSource.ARTICLE,
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"기사 사실 적재 완료: 사업군 1, 전략 {len(pillars)}, 사업 {len(proposals)}"
                f"(신규 {created}), 보고회 1, 후속조치 {len(facts.ACTIONS)}"
            )
        )
