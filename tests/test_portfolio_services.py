"""The portfolio's data layer: criteria and AHP weights, proposals and their flow, the pot,
scenarios solved and frozen, and refusals that write nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from conftest import World
from samla.organisations.access import access_collaboration
from samla.portfolio import access, services
from samla.portfolio.models import (
    Comparison,
    Contribution,
    Criterion,
    Proposal,
    ProposalStatus,
    Scenario,
)

pytestmark = pytest.mark.django_db


def _criteria(world: World) -> list[Criterion]:
    return [
        services.criterion_create(collaboration=world.alfa, name=name)
        for name in ("Gevinst for innbyggerne", "Økonomisk gevinst", "Risiko ved å la være")
    ]


def _proposal(
    world: World, title: str, costs: dict[int, int], *, sponsor=None, scores=(), **fields
) -> Proposal:  # type: ignore[no-untyped-def]
    proposal = services.proposal_create(
        collaboration=world.alfa, title=title, sponsor=sponsor or world.org_a, **fields
    )
    for year, amount in costs.items():
        services.proposal_cost_set(
            proposal=proposal, year=year, amount=Decimal(amount), hours=Decimal(amount // 1000)
        )
    for criterion, score in scores:
        services.score_set(proposal=proposal, criterion=criterion, score=score)
    return proposal


def _pot(world: World, budgets: dict[int, int]) -> None:
    for year, amount in budgets.items():
        pot = services.pot_year_create(
            collaboration=world.alfa, year=year, capacity_hours=Decimal(10_000)
        )
        services.contributions_compute(pot_year=pot, total=Decimal(amount))


# --- Weights --------------------------------------------------------------------------------


def test_ahp_sets_weights_summing_to_one_and_keeps_the_judgements(world: World) -> None:
    criteria = _criteria(world)
    result = services.weights_from_ahp(
        collaboration=world.alfa, matrix=[[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]
    )
    assert result.consistent
    stored = [Criterion.objects.get(pk=c.pk).weight for c in criteria]
    assert sum(stored) == Decimal(1)
    assert stored[0] > stored[1] > stored[2]
    assert Comparison.objects.filter(collaboration=world.alfa).count() == 3


def test_ahp_judgements_leave_a_history_row_each(world: World) -> None:
    _criteria(world)
    services.weights_from_ahp(
        collaboration=world.alfa, matrix=[[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]
    )
    stored = Comparison.objects.filter(collaboration=world.alfa)
    assert stored.count() == 3
    for comparison in stored:
        created = comparison.history.filter(history_type="+")  # type: ignore[attr-defined]
        assert [row.value for row in created] == [comparison.value]


def test_a_matrix_that_is_not_reciprocal_is_refused_naming_the_pair_and_nothing_changes(
    world: World,
) -> None:
    criteria = _criteria(world)
    services.weights_set(
        collaboration=world.alfa,
        weights={
            criteria[0]: Decimal("0.5"),
            criteria[1]: Decimal("0.3"),
            criteria[2]: Decimal("0.2"),
        },
    )
    with pytest.raises(ValidationError) as caught:
        services.weights_from_ahp(
            collaboration=world.alfa, matrix=[[1, 3, 5], [3, 1, 2], [1 / 5, 1 / 2, 1]]
        )
    message = caught.value.message_dict["matrix"][0]
    assert "«Gevinst for innbyggerne» mot «Økonomisk gevinst» er 3" in message and "1/3" in message
    assert [Criterion.objects.get(pk=c.pk).weight for c in criteria] == [
        Decimal("0.5"),
        Decimal("0.3"),
        Decimal("0.2"),
    ]
    assert not Comparison.objects.exists()


def test_direct_weights_must_sum_to_one(world: World) -> None:
    criteria = _criteria(world)
    with pytest.raises(ValidationError) as caught:
        services.weights_set(
            collaboration=world.alfa, weights={c: Decimal("0.4") for c in criteria}
        )
    assert "summerer til 1,2" in caught.value.message_dict["weights"][0]
    assert all(c.weight == 0 for c in Criterion.objects.all())


# --- Proposals ------------------------------------------------------------------------------


def test_the_flow_allows_only_its_steps(world: World) -> None:
    proposal = _proposal(world, "Felles HR-system", {2027: 1_000_000})
    with pytest.raises(ValidationError):
        services.proposal_set_status(proposal=proposal, status=ProposalStatus.APPROVED)
    for status in (ProposalStatus.ASSESSED, ProposalStatus.RECOMMENDED, ProposalStatus.APPROVED):
        proposal = services.proposal_set_status(proposal=proposal, status=status)
    with pytest.raises(ValidationError):
        services.proposal_set_status(proposal=proposal, status=ProposalStatus.STARTED)
    started = services.proposal_start_project(
        proposal=proposal, start=datetime.date(2027, 1, 1), leader=world.office
    )
    assert started.status == ProposalStatus.STARTED
    assert started.project is not None and started.project.name == "Felles HR-system"
    assert list(started.project.organisations.all()) == [world.org_a]


def test_a_dependency_cycle_is_refused_with_the_cycle_named(world: World) -> None:
    a = _proposal(world, "Identitetsløsning", {2027: 100})
    b = _proposal(world, "Selvbetjeningsportal", {2027: 100})
    c = _proposal(world, "Digital postkasse", {2027: 100})
    services.proposal_set_requires(proposal=b, requires=[a])
    services.proposal_set_requires(proposal=c, requires=[b])
    with pytest.raises(ValidationError) as caught:
        services.proposal_set_requires(proposal=a, requires=[c])
    assert "går i ring" in caught.value.message_dict["requires"][0]
    assert "Identitetsløsning" in caught.value.message_dict["requires"][0]
    assert not a.requires.exists()


def test_editors_submit_for_their_own_organisation_only(world: World) -> None:
    mine = _proposal(world, "Velferdsteknologi", {2027: 100}, sponsor=world.org_a)
    theirs = _proposal(world, "Skoleadministrasjon", {2027: 100}, sponsor=world.org_b)
    editor = access_collaboration(world.editor_a, "alfa")
    assert access.access_proposal(editor, mine.uuid, for_change=True) == mine
    with pytest.raises(PermissionDenied):
        access.access_proposal(editor, theirs.uuid, for_change=True)
    services.proposal_set_status(proposal=mine, status=ProposalStatus.ASSESSED)
    with pytest.raises(PermissionDenied):
        access.access_proposal(editor, mine.uuid, for_change=True)
    with pytest.raises(Http404):
        access.access_proposal(access_collaboration(world.outsider, "beta"), mine.uuid)


# --- The pot and scenarios ------------------------------------------------------------------


def test_contributions_by_population_fill_the_pot(world: World) -> None:
    _pot(world, {2027: 4_000_000})
    amounts = {c.organisation: c.amount for c in Contribution.objects.all()}
    assert amounts == {world.org_a: Decimal(1_000_000), world.org_b: Decimal(3_000_000)}


def test_a_scenario_chooses_within_the_pot_and_says_why_the_rest_was_left_out(world: World) -> None:
    criteria = _criteria(world)
    services.weights_set(
        collaboration=world.alfa,
        weights={
            criteria[0]: Decimal("0.5"),
            criteria[1]: Decimal("0.3"),
            criteria[2]: Decimal("0.2"),
        },
    )
    _pot(world, {2027: 2_000_000, 2028: 2_000_000})
    big = _proposal(
        world,
        "Stor plattform",
        {2027: 1_800_000, 2028: 1_000_000},
        scores=[(criteria[0], 5), (criteria[1], 5)],
    )
    small = _proposal(world, "Lite verktøy", {2027: 500_000}, scores=[(criteria[0], 2)])
    later = _proposal(world, "Neste steg", {2028: 900_000}, scores=[(criteria[2], 5)])
    services.proposal_set_requires(proposal=later, requires=[small])
    scenario = services.scenario_create(
        collaboration=world.alfa,
        name="Grunnscenario",
        first_year=2027,
        years=2,
        carry_forward=False,
    )
    scenario = services.scenario_run(scenario=scenario)
    result = scenario.result
    assert result is not None and result["optimal"]
    assert result["chosen"] == [str(big.uuid)]
    assert result["left_out"][str(small.uuid)] == {
        "code": "budget",
        "other": None,
        "years": [[2027, 300_000.0]],
    }
    assert result["left_out"][str(later.uuid)]["code"] == "requires"
    assert result["value"] == pytest.approx(80.0)  # 0.5 × 100 + 0.3 × 100


def test_a_forced_in_set_that_does_not_fit_names_the_years_and_writes_no_result(
    world: World,
) -> None:
    _pot(world, {2027: 1_000_000, 2028: 1_000_000})
    a = _proposal(world, "A", {2027: 800_000})
    b = _proposal(world, "B", {2027: 700_000, 2028: 1_500_000})
    scenario = services.scenario_create(
        collaboration=world.alfa,
        name="Alt inn",
        first_year=2027,
        years=2,
        carry_forward=False,
        forced_in=[a, b],
    )
    with pytest.raises(ValidationError) as caught:
        services.scenario_run(scenario=scenario)
    message = caught.value.messages[0]
    assert "2027 mangler 500\u00a0000 kr" in message and "2028 mangler 500\u00a0000 kr" in message
    assert Scenario.objects.get(pk=scenario.pk).result is None


def test_a_decided_scenario_approves_its_choice_and_is_then_frozen(world: World) -> None:
    from samla.governance import services as governance

    _pot(world, {2027: 1_000_000})
    chosen = _proposal(world, "Valgt", {2027: 500_000}, npv=Decimal(2_000_000))
    scenario = services.scenario_run(
        scenario=services.scenario_create(
            collaboration=world.alfa,
            name="Vedtas",
            first_year=2027,
            years=1,
            objective=Scenario.Objective.NPV,
        )
    )
    assert scenario.result is not None and scenario.result["chosen"] == [str(chosen.uuid)]
    body = governance.body_create(
        collaboration=world.alfa,
        kind="portfolio_board",
        name="Porteføljestyret",
        abbreviation="PFS",
    )
    decision = governance.decision_record(
        body=body,
        decided_on=datetime.date(2026, 12, 1),
        title="Porteføljen for 2027",
        text="Vedtatt.",
        user=world.admin,
    )
    version_before = Proposal.objects.get(pk=chosen.pk).version
    services.scenario_record_decision(scenario=scenario, decision=decision)
    approved = Proposal.objects.get(pk=chosen.pk)
    assert approved.status == ProposalStatus.APPROVED
    assert approved.version == version_before + 1
    latest = approved.history.first()  # type: ignore[attr-defined]
    assert latest.status == ProposalStatus.APPROVED and latest.history_type == "~"
    assert latest.prev_record.status == ProposalStatus.SUBMITTED
    with pytest.raises(ValidationError):
        services.scenario_update(scenario=scenario, name="Endret")
    with pytest.raises(ValidationError):
        services.scenario_record_decision(scenario=scenario, decision=decision)


# --- Cost and NPV from a business case -------------------------------------------------------

CASE = {
    "name": "Felles plattform",
    "base_year": 2027,
    "years": 3,
    "discount_rate": 0.04,
    "tax_financing": False,
    "alternatives": [
        {"name": "Som i dag", "zero": True, "lines": []},
        {
            "name": "Liten løsning",
            "lines": [
                {"kind": "investment", "name": "Oppsett", "amount": 300_000, "year": 2027},
                {"kind": "benefit", "name": "Sparte timer", "amount": 100_000, "from": 2028},
            ],
        },
        {
            "name": "Felles plattform",
            "lines": [
                {"kind": "investment", "name": "Innføring", "amount": 1_000_000, "year": 2027},
                {"kind": "operating", "name": "Lisens", "amount": 200_000, "from": 2028},
                {"kind": "benefit", "name": "Gevinst", "amount": 900_000, "from": 2028},
            ],
        },
    ],
}


def case_version(world: World, document: dict | None = None):  # type: ignore[no-untyped-def,type-arg]
    from samla.cases import services as cases

    return cases.case_import(collaboration=world.alfa, document=document or CASE).versions.get()


def test_costs_and_npv_come_from_the_best_alternative_of_the_case(world: World) -> None:
    from samla.portfolio.models import ProposalCost

    version = case_version(world)
    proposal = _proposal(world, "Plattform", {2026: 50_000, 2027: 10_000}, case_version=version)
    kept_hours = ProposalCost.objects.get(proposal=proposal, year=2027).hours
    taken = services.proposal_costs_from_case(proposal=proposal)
    assert taken.alternative == "Felles plattform" and taken.draft
    costs = {c.year: (c.amount, c.hours) for c in ProposalCost.objects.filter(proposal=proposal)}
    assert costs == {
        2027: (Decimal(1_000_000), kept_hours),
        2028: (Decimal(200_000), Decimal(0)),
        2029: (Decimal(200_000), Decimal(0)),
    }
    # NPV against the zero alternative: -1 mill now, +700 000 net in each of two years
    expected = round(-1_000_000 + 700_000 / 1.04 + 700_000 / 1.04**2)
    assert Proposal.objects.get(pk=proposal.pk).npv == Decimal(expected)
    # the replaced year and the change of 2027 are in the history
    assert ProposalCost.history.filter(year=2026, history_type="-").exists()  # type: ignore[attr-defined]
    assert ProposalCost.objects.get(proposal=proposal, year=2027).history.count() == 2  # type: ignore[attr-defined]


def test_a_case_without_an_alternative_to_the_zero_one_is_refused_and_nothing_changes(
    world: World,
) -> None:
    from samla.portfolio.models import ProposalCost

    only_zero = {**CASE, "alternatives": [CASE["alternatives"][0]]}  # type: ignore[index]
    proposal = _proposal(
        world, "Plattform", {2027: 10_000}, case_version=case_version(world, only_zero)
    )
    with pytest.raises(ValidationError) as caught:
        services.proposal_costs_from_case(proposal=proposal)
    assert "ikke noe alternativ utenom nullalternativet" in caught.value.messages[0]
    assert [c.amount for c in ProposalCost.objects.filter(proposal=proposal)] == [Decimal(10_000)]
    assert Proposal.objects.get(pk=proposal.pk).npv is None
    unlinked = _proposal(world, "Uten sak", {2027: 10_000})
    with pytest.raises(ValidationError, match="ikke knyttet til en business case"):
        services.proposal_costs_from_case(proposal=unlinked)


def test_costs_from_a_chosen_alternative_and_an_unknown_one_is_refused(world: World) -> None:
    from samla.portfolio.models import ProposalCost

    proposal = _proposal(world, "Plattform", {2027: 10_000}, case_version=case_version(world))
    with pytest.raises(ValidationError, match="ikke noe alternativ «Finnes ikke»"):
        services.proposal_costs_from_case(proposal=proposal, alternative="Finnes ikke")
    with pytest.raises(ValidationError, match="ikke noe alternativ «Som i dag»"):
        services.proposal_costs_from_case(proposal=proposal, alternative="Som i dag")  # zero
    assert [c.amount for c in ProposalCost.objects.filter(proposal=proposal)] == [Decimal(10_000)]
    taken = services.proposal_costs_from_case(proposal=proposal, alternative="Liten løsning")
    assert taken.alternative == "Liten løsning"
    assert [(c.year, c.amount) for c in ProposalCost.objects.filter(proposal=proposal)] == [
        (2027, Decimal(300_000))
    ]
    expected = round(-300_000 + 100_000 / 1.04 + 100_000 / 1.04**2)
    assert Proposal.objects.get(pk=proposal.pk).npv == Decimal(expected) < 0
