"""The queryset scopes of the permissions modules: what each role may change, as querysets."""

import pytest

from accounts.models import Role
from projects import permissions
from projects.models import Proposal
from reviews.models import FollowUpAction
from reviews.permissions import actions_completable_by
from tests.factories import ActionFactory, HeadFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_scopes_follow_the_roles():
    head = HeadFactory()
    other = HeadFactory()
    mine = ProposalFactory(lead_department=head.department)
    theirs = ProposalFactory(lead_department=other.department)
    theirs.supporting_departments.add(head.department)
    my_action = ActionFactory(owner_department=head.department)
    ActionFactory(owner_department=other.department)
    proposals, actions = Proposal.objects.all(), FollowUpAction.objects.all()

    assert list(permissions.proposals_editable_by(head, proposals)) == [mine]
    assert list(actions_completable_by(head, actions)) == [my_action]
    planner = UserFactory(role=Role.PLANNING)
    assert permissions.proposals_editable_by(planner, proposals).count() == 2
    assert actions_completable_by(planner, actions).count() == 2
    for role in (Role.DEPUTY_MAYOR, Role.VIEWER):
        reader = UserFactory(role=role)
        assert not permissions.proposals_editable_by(reader, proposals).exists()
        assert not actions_completable_by(reader, actions).exists()


def test_scopes_agree_with_the_predicates():
    head = HeadFactory()
    proposals = [ProposalFactory(lead_department=head.department), ProposalFactory()]
    editable = set(permissions.proposals_editable_by(head, Proposal.objects.all()))
    for proposal in proposals:
        assert (proposal in editable) == permissions.can_edit_proposal(head, proposal)
