"""Model rules of the portfolio core, on PostgreSQL."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.conflicts import VersionConflict
from projects.models import Proposal, ProposalStatus, StatusUpdate
from projects.services import (
    proposal_create,
    proposal_update,
    proposal_update_status,
)
from tests.factories import PillarFactory, PortfolioFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def test_duplicate_management_number_is_refused_in_korean_and_writes_nothing(portfolio):
    """A second proposal with the same 관리번호 gets a Korean error and is not saved."""
    proposal_create(portfolio=portfolio, management_no="A-01", title="첫 사업")
    with pytest.raises(ValidationError) as excinfo:
        proposal_create(portfolio=portfolio, management_no="A-01", title="둘째 사업")
    assert "같은 관리번호의 사업이 이미 있습니다." in str(excinfo.value)
    assert Proposal.objects.filter(management_no="A-01").count() == 1


def test_same_management_number_is_allowed_in_another_portfolio(portfolio):
    """Management numbers are unique per portfolio, so a second programme can reuse them."""
    other = PortfolioFactory(code="pledges", name="공약")
    proposal_create(portfolio=portfolio, management_no="A-01", title="사업")
    proposal_create(portfolio=other, management_no="A-01", title="공약 사업")
    assert Proposal.objects.filter(management_no="A-01").count() == 2


def test_pillar_of_another_portfolio_is_refused(portfolio):
    """A proposal cannot point at a pillar that its portfolio does not have."""
    foreign_pillar = PillarFactory(portfolio=PortfolioFactory(code="other"))
    with pytest.raises(ValidationError) as excinfo:
        proposal_create(
            portfolio=portfolio, management_no="B-1", title="사업", pillar=foreign_pillar
        )
    assert "pillar" in excinfo.value.message_dict
    assert not Proposal.objects.filter(management_no="B-1").exists()


def test_database_refuses_progress_out_of_range(proposal):
    """The progress range is a database constraint, not only a form rule."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(progress=101)


def test_database_refuses_done_below_100_percent(proposal):
    """'완료' with less than 100 % cannot be stored."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.DONE, progress=90)


def test_period_end_before_start_is_refused(portfolio):
    with pytest.raises(ValidationError) as excinfo:
        proposal_create(
            portfolio=portfolio, management_no="C-1", title="사업", start_year=2030, end_year=2024
        )
    assert "종료 연도는 시작 연도보다 빠를 수 없습니다." in str(excinfo.value)


def test_status_update_becomes_current_state_and_keeps_previous(proposal, head):
    """The latest update is the proposal's state; the update remembers what it replaced."""
    update = proposal_update_status(
        proposal=proposal,
        user=head,
        expected_version=proposal.version,
        status=ProposalStatus.ON_TRACK,
        progress=30,
        confidence=4,
        what_changed="착수",
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.progress, proposal.confidence) == ("on_track", 30, 4)
    assert proposal.version == 2 == update.version
    assert proposal.last_update_at == update.created_at
    assert update.previous_status == ProposalStatus.REVIEWING
    assert update.previous_progress == 0


def test_stale_version_is_refused_and_nothing_is_lost(proposal, head):
    """Two heads editing at once: the second save is refused and shows what changed."""
    loaded_version = proposal.version
    proposal_update_status(
        proposal=proposal,
        user=head,
        expected_version=loaded_version,
        status=ProposalStatus.ON_TRACK,
        progress=20,
    )
    with pytest.raises(VersionConflict) as excinfo:
        proposal_update_status(
            proposal=proposal,
            user=head,
            expected_version=loaded_version,
            status=ProposalStatus.PARTIAL,
            progress=10,
        )
    newer = excinfo.value.current.history.filter(version__gt=loaded_version)
    assert [h.status for h in newer] == ["on_track"]
    assert "다른 사용자가 먼저" in str(excinfo.value)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ON_TRACK
    assert StatusUpdate.objects.filter(proposal=proposal).count() == 1


@pytest.mark.parametrize(
    ("status", "progress", "reason", "field"),
    [
        (ProposalStatus.DONE, 90, "", "progress"),
        (ProposalStatus.ON_HOLD, 10, "", "reason"),
        (ProposalStatus.DROPPED, 10, "  ", "reason"),
        (ProposalStatus.ON_TRACK, 101, "", "progress"),
    ],
)
def test_status_rules_give_field_errors_and_write_nothing(
    proposal, head, status, progress, reason, field
):
    with pytest.raises(ValidationError) as excinfo:
        proposal_update_status(
            proposal=proposal,
            user=head,
            expected_version=proposal.version,
            status=status,
            progress=progress,
            reason=reason,
        )
    assert field in excinfo.value.message_dict
    proposal.refresh_from_db()
    assert proposal.version == 1
    assert not StatusUpdate.objects.exists()


def test_status_update_history_cannot_be_rewritten(proposal, head):
    update = proposal_update_status(
        proposal=proposal, user=head, expected_version=1, status=ProposalStatus.ON_TRACK, progress=5
    )
    update.progress = 50
    with pytest.raises(ValidationError):
        update.save()
    with pytest.raises(ValidationError):
        update.delete()
    assert StatusUpdate.objects.get().progress == 5


def test_every_change_is_kept_in_the_audit_history(proposal, head):
    """Who changed what, and when, is recorded for master-data edits and status changes."""
    proposal_update(proposal=proposal, user=head, expected_version=1, title="새 사업명")
    proposal_update_status(
        proposal=proposal,
        user=head,
        expected_version=2,
        status=ProposalStatus.ON_TRACK,
        progress=40,
    )
    history = list(proposal.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~", "~"]
    assert history[1].history_user == head
    delta = history[1].diff_against(history[0])
    assert [c.field for c in delta.changes] == ["title", "version"]
    assert history[2].status == "on_track" and history[2].history_user == head


def test_master_data_edit_uses_the_optimistic_lock(proposal, head):
    proposal_update(proposal=proposal, user=head, expected_version=1, summary="개요 1")
    with pytest.raises(VersionConflict):
        proposal_update(proposal=proposal, user=head, expected_version=1, summary="개요 2")
    proposal.refresh_from_db()
    assert proposal.summary == "개요 1"


def test_stale_queryset_includes_never_updated(head):
    never = ProposalFactory(lead_department=head.department)
    fresh = ProposalFactory(lead_department=head.department)
    proposal_update_status(
        proposal=fresh, user=head, expected_version=1, status=ProposalStatus.ON_TRACK, progress=1
    )
    assert list(Proposal.objects.stale(30)) == [never]
