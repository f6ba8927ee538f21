"""The portfolio's objects of the authorisation matrix: a criterion, two proposals (one of
``own``, still «innmeldt», with a cost and a score; one of ``other``), a group of the two, a
pot year with a contribution, and a scenario."""

from __future__ import annotations

from decimal import Decimal

from samla.organisations.models import Organisation
from samla.portfolio import services as portfolio
from tests.authz.objects import Objects


def build_portfolio(objects: Objects, own: Organisation, other: Organisation) -> None:
    collaboration, mark, things = objects.collaboration, objects.mark, objects.things
    things["criterion"] = criterion = portfolio.criterion_create(
        collaboration=collaboration, name=f"Kriterium {mark}"
    )
    portfolio.weights_set(collaboration=collaboration, weights={criterion: Decimal(1)})
    things["proposal"] = proposal = portfolio.proposal_create(
        collaboration=collaboration, title=f"Forslag {mark}", sponsor=own
    )
    things["other_proposal"] = other_proposal = portfolio.proposal_create(
        collaboration=collaboration, title=f"Annet forslag {mark}", sponsor=other
    )
    things["proposal_cost"] = portfolio.proposal_cost_set(
        proposal=proposal, year=2027, amount=Decimal(100_000), hours=Decimal(200)
    )
    things["score"] = portfolio.score_set(proposal=proposal, criterion=criterion, score=4)
    things["proposal_group"] = portfolio.group_create(
        collaboration=collaboration,
        kind="exclusion",
        name=f"Gruppe {mark}",
        members=[proposal, other_proposal],
    )
    things["pot_year"] = pot_year = portfolio.pot_year_create(
        collaboration=collaboration, year=2027
    )
    things["contribution"] = portfolio.contribution_set(
        pot_year=pot_year, organisation=own, amount=Decimal(500_000)
    )
    scenario = portfolio.scenario_create(
        collaboration=collaboration, name=f"Scenario {mark}", first_year=2027, years=3
    )
    # Solved, so that its result, memo, workbook and frontier are on the pages the matrix reads.
    things["scenario"] = portfolio.scenario_run(scenario=scenario)
