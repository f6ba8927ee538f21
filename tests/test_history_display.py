"""History pages name the related objects of a many-to-many change, not the rows of its
through table."""

from __future__ import annotations

from decimal import Decimal

from conftest import World
from samla.benefits import services as benefits
from samla.core.history import history_of
from samla.portfolio import services as portfolio


def test_organisations_added_to_a_benefit_are_named(world: World) -> None:
    benefit = benefits.benefit_create(
        collaboration=world.alfa,
        title="Færre lisenser",
        benefit_class="budget",
        owner=world.office,
        organisations=[world.org_a],
    )
    benefits.benefit_update(benefit=benefit, organisations=[world.org_a, world.org_b])
    changes = [(c.old, c.new) for entry in history_of(benefit) for c in entry.changes]
    assert ("A kommune", "A kommune, B kommune") in changes, changes
    assert not any("{" in str(new) for _, new in changes)


def test_a_proposals_dependencies_are_named_both_ways_of_a_self_relation(world: World) -> None:
    first = portfolio.proposal_create(
        collaboration=world.alfa, title="Felles IAM", sponsor=world.org_a
    )
    second = portfolio.proposal_create(
        collaboration=world.alfa, title="Ny sak/arkiv", sponsor=world.org_a
    )
    portfolio.proposal_cost_set(proposal=second, year=2027, amount=Decimal(1))
    portfolio.proposal_set_requires(proposal=second, requires=[first])
    second.save()  # the m2m change is recorded with the next save of the proposal
    texts = [str(c.new) for entry in history_of(second) for c in entry.changes]
    assert "Felles IAM" in texts, texts
