"""The portfolio API: who may read and write what, what it computes, and that bad input is
refused with a Norwegian message and nothing written.

Alfa's portfolio: criteria «Gevinst» (0.6) and «Risiko» (0.4); proposal A (A kommune,
«innmeldt», value 84, 1.5 MNOK over 2027–28), proposal B (B kommune, «innmeldt», value 64,
0.8 MNOK) and proposal C (A kommune, «vurdert», value 80, 0.3 MNOK, requires A); B and C
exclude each other; the pot holds 2.0 MNOK in 2027 and 0.5 MNOK in 2028. The best selection
is A + C (164); the rule «best value per krone first» takes B first and ends at A + B (148).
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction

from conftest import World, build_world
from samla.governance import services as governance
from samla.governance.models import Decision, Project
from samla.portfolio import services
from samla.portfolio.models import (
    Comparison,
    Criterion,
    PotYear,
    Proposal,
    ProposalCost,
    ProposalGroup,
    Scenario,
    Score,
)
from tests.test_api_organisations import (
    ANONYMOUS,
    EVERYONE_IN_ALFA,
    MANAGERS,
    PERSONAS,
    call,
    expected,
    token_for,
)

P = "/collaborations/alfa/portfolio"
SPONSOR_A = MANAGERS | {"editor_a"}


@dataclass
class Port:
    gain: Criterion
    risk: Criterion
    a: Proposal
    b: Proposal
    c: Proposal
    group: ProposalGroup
    pot_2027: PotYear
    pot_2028: PotYear
    scenario: Scenario
    decision: Decision
    beta_criterion: Criterion
    beta_proposal: Proposal
    beta_pot: PotYear
    beta_scenario: Scenario
    beta_decision: Decision

    def proposal(self, proposal: Proposal) -> str:
        return f"{P}/proposals/{proposal.uuid}"


def _decision(collaboration: Any, title: str) -> Decision:
    body = governance.body_create(
        collaboration=collaboration,
        kind="portfolio_board",
        name="Porteføljestyret",
        abbreviation="PF",
    )
    return governance.decision_record(
        body=body, decided_on=datetime.date(2026, 11, 1), title=title, text="Porteføljen vedtas."
    )


def build_port(world: World) -> Port:
    alfa = world.alfa
    gain = services.criterion_create(collaboration=alfa, name="Gevinst")
    risk = services.criterion_create(collaboration=alfa, name="Risiko")
    services.weights_set(collaboration=alfa, weights={gain: Decimal("0.6"), risk: Decimal("0.4")})
    a = services.proposal_create(collaboration=alfa, title="Felles sak/arkiv", sponsor=world.org_a)
    b = services.proposal_create(collaboration=alfa, title="Ny nettside", sponsor=world.org_b)
    c = services.proposal_create(collaboration=alfa, title="Innbyggerportal", sponsor=world.org_a)
    services.proposal_set_status(proposal=c, status="assessed")
    for proposal, costs, scores in (
        (a, {2027: 1_000_000, 2028: 500_000}, (5, 3)),
        (b, {2027: 800_000}, (2, 5)),
        (c, {2027: 300_000}, (4, 4)),
    ):
        for year, amount in costs.items():
            services.proposal_cost_set(proposal=proposal, year=year, amount=Decimal(amount))
        services.score_set(proposal=proposal, criterion=gain, score=scores[0])
        services.score_set(proposal=proposal, criterion=risk, score=scores[1])
    services.proposal_set_requires(proposal=c, requires=[a])
    group = services.group_create(
        collaboration=alfa, kind="exclusion", name="Portal eller nettside", members=[b, c]
    )
    pot_2027 = services.pot_year_create(collaboration=alfa, year=2027, capacity_hours=Decimal(4000))
    services.contribution_set(
        pot_year=pot_2027, organisation=world.org_a, amount=Decimal(1_200_000)
    )
    services.contribution_set(pot_year=pot_2027, organisation=world.org_b, amount=Decimal(800_000))
    pot_2028 = services.pot_year_create(collaboration=alfa, year=2028)
    services.contribution_set(pot_year=pot_2028, organisation=world.org_a, amount=Decimal(500_000))
    scenario = services.scenario_create(
        collaboration=alfa, name="Hovedscenario", first_year=2027, years=2
    )
    beta = world.beta
    beta_criterion = services.criterion_create(collaboration=beta, name="Beta-kriterium")
    beta_proposal = services.proposal_create(
        collaboration=beta, title="Beta-forslag", sponsor=world.org_c
    )
    beta_pot = services.pot_year_create(collaboration=beta, year=2027)
    beta_scenario = services.scenario_create(collaboration=beta, name="Beta", first_year=2027)
    return Port(
        gain, risk, a, b, c, group, pot_2027, pot_2028, scenario, _decision(alfa, "Porteføljen 2027"),
        beta_criterion, beta_proposal, beta_pot, beta_scenario, _decision(beta, "Beta"),
    )  # fmt: skip


@pytest.fixture(scope="module")
def shared_data(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[World, Port]]:
    """Built once for the module in a transaction rolled back at the end; each test runs in
    a savepoint of its own and gets fresh copies (as in tests/test_api_governance.py)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        world = build_world()
        data = (world, build_port(world))
    yield data
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(shared_data: tuple[World, Port], db: None) -> World:
    return copy.deepcopy(shared_data[0])


@pytest.fixture
def port(shared_data: tuple[World, Port], world: World) -> Port:
    return copy.deepcopy(shared_data[1])


@pytest.fixture
def admin(world: World) -> str | None:
    return token_for(world, "admin")


def portfolio_rows() -> dict[str, int]:
    """How many rows of each portfolio model and of its history (every save writes one), to
    prove a refused request wrote nothing."""
    return {
        model.__name__: model._default_manager.count()
        for model in apps.get_app_config("portfolio").get_models()
    }


# --- Reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_in_the_collaboration_reads_the_portfolio(
    world: World, port: Port, persona: str
) -> None:
    token = token_for(world, persona)
    paths = {
        "criteria": f"{P}/criteria",
        "criterion": f"{P}/criteria/{port.gain.uuid}",
        "proposals": f"{P}/proposals",
        "proposal": port.proposal(port.a),
        "groups": f"{P}/groups",
        "group": f"{P}/groups/{port.group.uuid}",
        "pot": f"{P}/pot",
        "pot_year": f"{P}/pot/{port.pot_2027.uuid}",
        "scenarios": f"{P}/scenarios",
        "scenario": f"{P}/scenarios/{port.scenario.uuid}",
        "frontier": f"{P}/scenarios/{port.scenario.uuid}/frontier",
    }
    responses = {name: call(token, "GET", path) for name, path in paths.items()}
    statuses = {name: response.status_code for name, response in responses.items()}
    assert set(statuses.values()) == {expected(persona, EVERYONE_IN_ALFA)}, statuses
    if persona not in EVERYONE_IN_ALFA:
        return
    assert [(c["name"], c["weight"]) for c in responses["criteria"].json()] == [
        ("Gevinst", "0.600000"),
        ("Risiko", "0.400000"),
    ]
    ranked = [
        (p["title"], p["value"], p["total_cost"], p["status"])
        for p in responses["proposals"].json()
    ]
    assert ranked == [
        ("Felles sak/arkiv", 84.0, "1500000", "submitted"),
        ("Innbyggerportal", 80.0, "300000", "assessed"),
        ("Ny nettside", 64.0, "800000", "submitted"),
    ]
    proposal = responses["proposal"].json()
    assert proposal["value"] == 84.0
    assert proposal["sponsor"] == str(world.org_a.uuid)
    assert [(s["criterion_name"], s["score"], s["contribution"]) for s in proposal["scores"]] == [
        ("Gevinst", 5, 60.0),
        ("Risiko", 3, 24.0),
    ]
    assert [(c["year"], c["amount"]) for c in proposal["costs"]] == [
        (2027, "1000000"),
        (2028, "500000"),
    ]
    assert proposal["required_by"] == [str(port.c.uuid)]
    assert proposal["requires"] == []
    assert responses["group"].json()["members"] and responses["group"].json()["kind"] == "exclusion"
    assert [(y["year"], Decimal(y["total"])) for y in responses["pot"].json()] == [
        (2027, Decimal(2_000_000)),
        (2028, Decimal(500_000)),
    ]
    assert responses["scenario"].json()["result"] is None
    assert len(responses["frontier"].json()) == 11


def test_the_list_filters_by_status(world: World, port: Port, admin: str) -> None:
    response = call(admin, "GET", f"{P}/proposals?status=assessed")
    assert [p["title"] for p in response.json()] == ["Innbyggerportal"]
    assert call(admin, "GET", f"{P}/proposals?status=nonsense").status_code == 422


# --- Who may write -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    method: str
    path: Callable[[Port], str]
    body: Callable[[World, Port], Any]
    allowed: set[str]
    success: int = 200


WRITES: dict[str, Write] = {
    "criterion create": Write(
        "POST", lambda p: f"{P}/criteria", lambda w, p: {"name": "Nytte"}, MANAGERS, 201
    ),
    "criterion patch": Write(
        "PATCH",
        lambda p: f"{P}/criteria/{p.gain.uuid}",
        lambda w, p: {"description": "Mer"},
        MANAGERS,
    ),
    "criterion delete": Write(
        "DELETE", lambda p: f"{P}/criteria/{p.risk.uuid}", lambda w, p: None, MANAGERS, 204
    ),
    "weights": Write(
        "PUT",
        lambda p: f"{P}/criteria/weights",
        lambda w, p: {
            "weights": [
                {"criterion": str(p.gain.uuid), "weight": "0.5"},
                {"criterion": str(p.risk.uuid), "weight": "0.5"},
            ]
        },
        MANAGERS,
    ),
    "ahp": Write(
        "POST",
        lambda p: f"{P}/criteria/ahp",
        lambda w, p: {
            "comparisons": [{"first": str(p.gain.uuid), "second": str(p.risk.uuid), "value": 3}],
            "apply": True,
        },
        MANAGERS,
    ),
    "proposal create for A": Write(
        "POST",
        lambda p: f"{P}/proposals",
        lambda w, p: {"title": "Ny idé", "sponsor": str(w.org_a.uuid)},
        SPONSOR_A,
        201,
    ),
    "proposal create for B": Write(
        "POST",
        lambda p: f"{P}/proposals",
        lambda w, p: {"title": "Ny idé", "sponsor": str(w.org_b.uuid)},
        MANAGERS | {"editor_b"},
        201,
    ),
    "proposal patch while submitted": Write(
        "PATCH", lambda p: p.proposal(p.a), lambda w, p: {"description": "Mer tekst"}, SPONSOR_A
    ),
    "proposal patch once assessed": Write(
        "PATCH", lambda p: p.proposal(p.c), lambda w, p: {"description": "Mer tekst"}, MANAGERS
    ),
    "proposal handed to B": Write(
        "PATCH", lambda p: p.proposal(p.a), lambda w, p: {"sponsor": str(w.org_b.uuid)}, MANAGERS
    ),
    "proposal delete": Write(
        "DELETE", lambda p: p.proposal(p.b), lambda w, p: None, MANAGERS | {"editor_b"}, 204
    ),
    "status": Write(
        "POST", lambda p: p.proposal(p.a) + "/status", lambda w, p: {"status": "assessed"}, MANAGERS
    ),
    "requires": Write(
        "PUT",
        lambda p: p.proposal(p.a) + "/requires",
        lambda w, p: {"requires": [str(p.b.uuid)]},
        SPONSOR_A,
    ),
    "costs": Write(
        "PUT",
        lambda p: p.proposal(p.a) + "/costs",
        lambda w, p: {"costs": [{"year": 2027, "amount": "900000", "hours": "300"}]},
        SPONSOR_A,
    ),
    "score": Write(
        "PUT",
        lambda p: p.proposal(p.a) + f"/scores/{p.gain.uuid}",
        lambda w, p: {"score": 2, "rationale": "Lite"},
        MANAGERS,
    ),
    "group create": Write(
        "POST",
        lambda p: f"{P}/groups",
        lambda w, p: {
            "kind": "inclusion",
            "name": "Sammen",
            "members": [str(p.a.uuid), str(p.b.uuid)],
        },
        MANAGERS,
        201,
    ),
    "group patch": Write(
        "PATCH",
        lambda p: f"{P}/groups/{p.group.uuid}",
        lambda w, p: {"name": "Enten-eller"},
        MANAGERS,
    ),
    "group delete": Write(
        "DELETE", lambda p: f"{P}/groups/{p.group.uuid}", lambda w, p: None, MANAGERS, 204
    ),
    "pot create": Write("POST", lambda p: f"{P}/pot", lambda w, p: {"year": 2029}, MANAGERS, 201),
    "pot patch": Write(
        "PATCH",
        lambda p: f"{P}/pot/{p.pot_2027.uuid}",
        lambda w, p: {"capacity_hours": "5000"},
        MANAGERS,
    ),
    "pot delete": Write(
        "DELETE", lambda p: f"{P}/pot/{p.pot_2028.uuid}", lambda w, p: None, MANAGERS, 204
    ),
    "contribution": Write(
        "PUT",
        lambda p: f"{P}/pot/{p.pot_2028.uuid}/contributions/{p.a.sponsor.uuid}",
        lambda w, p: {"amount": "600000"},
        MANAGERS,
    ),
    "contributions computed": Write(
        "POST",
        lambda p: f"{P}/pot/{p.pot_2028.uuid}/contributions/compute",
        lambda w, p: {"total": "400000"},
        MANAGERS,
    ),
    "scenario create": Write(
        "POST",
        lambda p: f"{P}/scenarios",
        lambda w, p: {"name": "Stramt", "first_year": 2027},
        MANAGERS,
        201,
    ),
    "scenario patch": Write(
        "PATCH",
        lambda p: f"{P}/scenarios/{p.scenario.uuid}",
        lambda w, p: {"budget_factor": "0.8"},
        MANAGERS,
    ),
    "scenario delete": Write(
        "DELETE", lambda p: f"{P}/scenarios/{p.scenario.uuid}", lambda w, p: None, MANAGERS, 204
    ),
    "scenario run": Write(
        "POST", lambda p: f"{P}/scenarios/{p.scenario.uuid}/run", lambda w, p: None, MANAGERS
    ),
}


def attempt(
    token: str | None, method: str, path: str, body: Any
) -> tuple[Any, dict[str, int], dict[str, int]]:
    """One request in a savepoint that is rolled back, with the rows before and after."""
    with transaction.atomic():
        before = portfolio_rows()
        response = call(token, method, path, body)
        after = portfolio_rows()
        transaction.set_rollback(True)
    return response, before, after


@pytest.mark.parametrize("name", list(WRITES))
def test_who_may_write(world: World, port: Port, name: str) -> None:
    write = WRITES[name]
    problems = []
    for persona in PERSONAS:
        response, before, after = attempt(
            token_for(world, persona), write.method, write.path(port), write.body(world, port)
        )
        want = expected(persona, write.allowed, write.success)
        if response.status_code != want:
            problems.append(
                f"{persona}: {response.status_code} (want {want}) {response.content[:200]!r}"
            )
        elif want == write.success and before == after:
            problems.append(f"{persona}: allowed, but nothing was written")
        elif want != write.success and before != after:
            problems.append(f"{persona}: refused, but wrote something")
    assert not problems, "\n".join(problems)


def test_an_editor_submits_for_their_own_organisation(world: World, port: Port) -> None:
    editor = token_for(world, "editor_a")
    response = call(
        editor,
        "POST",
        f"{P}/proposals",
        {"title": "Felles chatbot", "sponsor": str(world.org_a.uuid)},
    )
    assert response.status_code == 201
    created = response.json()
    assert (created["status"], created["sponsor"], created["value"]) == (
        "submitted",
        str(world.org_a.uuid),
        0.0,
    )
    path = f"{P}/proposals/{created['uuid']}"
    assert (
        call(
            editor, "PUT", path + "/costs", {"costs": [{"year": 2027, "amount": "250000"}]}
        ).status_code
        == 200
    )
    # Once the office has assessed it, the editor reads but no longer changes it.
    assert (
        call(
            token_for(world, "office"), "POST", path + "/status", {"status": "assessed"}
        ).status_code
        == 200
    )
    before = portfolio_rows()
    assert call(editor, "PATCH", path, {"title": "Endret"}).status_code == 403
    assert call(editor, "PUT", path + "/costs", {"costs": []}).status_code == 403
    assert call(editor, "DELETE", path).status_code == 403
    assert portfolio_rows() == before
    assert call(editor, "GET", path).json()["status"] == "assessed"


# --- What the API computes ---------------------------------------------------------------------


def test_costs_replace_the_years_given(world: World, port: Port, admin: str) -> None:
    path = port.proposal(port.a) + "/costs"
    response = call(
        admin, "PUT", path, {"costs": [{"year": 2028, "amount": "700000", "hours": "120"}]}
    )
    assert response.status_code == 200
    assert response.json() == [{"year": 2028, "amount": "700000", "hours": "120", "version": 2}]
    assert list(ProposalCost.objects.filter(proposal=port.a).values_list("year", "amount")) == [
        (2028, Decimal(700_000))
    ]


def test_a_score_answers_its_share_of_the_value(world: World, port: Port, admin: str) -> None:
    response = call(admin, "PUT", port.proposal(port.b) + f"/scores/{port.gain.uuid}", {"score": 5})
    assert response.status_code == 200
    assert (response.json()["score"], response.json()["contribution"]) == (5, 60.0)
    assert call(admin, "GET", port.proposal(port.b)).json()["value"] == 100.0


def test_ahp_gives_weights_and_consistency(world: World, port: Port, admin: str) -> None:
    cost = services.criterion_create(collaboration=world.alfa, name="Kostnad")
    gain, risk = str(port.gain.uuid), str(port.risk.uuid)
    consistent = [
        {"first": gain, "second": str(risk), "value": 2},
        {"first": gain, "second": str(cost.uuid), "value": 4},
        {"first": risk, "second": str(cost.uuid), "value": 2},
    ]
    before = portfolio_rows()
    response = call(admin, "POST", f"{P}/criteria/ahp", {"comparisons": consistent})
    assert response.status_code == 200
    result = response.json()
    assert [round(w["weight"], 4) for w in result["weights"]] == [0.5714, 0.2857, 0.1429]
    assert result["consistency_ratio"] == pytest.approx(0, abs=1e-9)
    assert result["random_index"] == 0.58
    assert (result["consistent"], result["applied"], result["inconsistencies"]) == (True, False, [])
    assert portfolio_rows() == before  # without apply: a calculation only

    # Gevinst > Risiko > Kostnad, but Kostnad > Gevinst: contradictory, still saved when applied.
    contradictory = [
        {"first": gain, "second": risk, "value": 3},
        {"first": str(cost.uuid), "second": gain, "value": 3},  # the lower triangle, given instead
        {"first": risk, "second": str(cost.uuid), "value": 3},
    ]
    response = call(
        admin, "POST", f"{P}/criteria/ahp", {"comparisons": contradictory, "apply": True}
    )
    assert response.status_code == 200
    result = response.json()
    assert result["consistency_ratio"] > 0.10
    assert result["consistent"] is False and result["applied"] is True
    assert "over 0,10" in result["message"]
    assert result["inconsistencies"]
    worst = result["inconsistencies"][0]
    assert {worst["first_name"], worst["second_name"]} <= {"Gevinst", "Risiko", "Kostnad"}
    weights = {c.name: c.weight for c in Criterion.objects.filter(collaboration=world.alfa)}
    assert sum(weights.values()) == Decimal(1)
    assert Comparison.objects.filter(collaboration=world.alfa).count() == 3


def test_scenario_run_finds_the_best_selection_and_says_why_the_rest_is_out(
    world: World, port: Port, admin: str
) -> None:
    path = f"{P}/scenarios/{port.scenario.uuid}"
    response = call(admin, "POST", path + "/run")
    assert response.status_code == 200, response.content
    result = response.json()
    assert sorted(c["title"] for c in result["chosen"]) == ["Felles sak/arkiv", "Innbyggerportal"]
    assert result["value"] == pytest.approx(164)
    assert result["years"] == [2027, 2028]
    assert result["budgets"] == [2_000_000, 500_000]
    assert result["spent"] == [1_300_000, 500_000]
    assert result["optimal"] is True and result["gap"] <= 0.001
    assert result["greedy_value"] == pytest.approx(148)
    [left] = result["left_out"]
    assert (left["title"], left["code"], left["other"]) == (
        "Ny nettside",
        "excluded_by",
        str(port.c.uuid),
    )
    assert left["reason"] == "Utelukkes av «Innbyggerportal», som er valgt."
    assert call(admin, "GET", path).json()["result"]["value"] == pytest.approx(164)

    # Half the pot (1.0 MNOK in 2027, 1.25 MNOK by 2028 with money carried forward): B alone.
    assert call(admin, "PATCH", path, {"budget_factor": "0.5"}).status_code == 200
    result = call(admin, "POST", path + "/run").json()
    assert [c["title"] for c in result["chosen"]] == ["Ny nettside"]
    reasons = {item["title"]: item["reason"] for item in result["left_out"]}
    assert reasons == {
        "Felles sak/arkiv": "Får ikke plass i budsjettet: 2027 mangler 800\u00a0000 kr; 2028 mangler 1\u00a0050\u00a0000 kr.",
        "Innbyggerportal": "Forutsetter «Felles sak/arkiv», som ikke er valgt.",
    }


def test_the_frontier_rises_with_the_budget(world: World, port: Port, admin: str) -> None:
    response = call(
        admin, "GET", f"{P}/scenarios/{port.scenario.uuid}/frontier?low=0.5&high=1.5&steps=3"
    )
    assert response.status_code == 200
    points = response.json()
    assert [p["budget_factor"] for p in points] == [0.5, 1.0, 1.5]
    assert [p["budget"] for p in points] == [1_250_000, 2_500_000, 3_750_000]
    # Half the pot: A no longer fits 2028 (nor C, which needs A), so B alone.
    assert [p["value"] for p in points] == pytest.approx([64, 164, 164])
    bad = call(admin, "GET", f"{P}/scenarios/{port.scenario.uuid}/frontier?low=1.5&high=0.5")
    assert bad.status_code == 422


def test_the_boards_decision_approves_the_chosen_proposals(
    world: World, port: Port, admin: str
) -> None:
    path = f"{P}/scenarios/{port.scenario.uuid}"
    not_run = call(admin, "POST", path + "/decision", {"decision": str(port.decision.uuid)})
    assert not_run.status_code == 422
    assert "Beregn scenarioet" in not_run.json()["detail"]
    call(admin, "POST", path + "/run")
    response = call(admin, "POST", path + "/decision", {"decision": str(port.decision.uuid)})
    assert response.status_code == 200
    assert response.json()["decision"] == str(port.decision.uuid)
    statuses = dict(
        Proposal.objects.filter(collaboration=world.alfa).values_list("title", "status")
    )
    assert statuses == {
        "Felles sak/arkiv": "approved",
        "Innbyggerportal": "approved",
        "Ny nettside": "submitted",
    }
    before = portfolio_rows()
    assert call(admin, "PATCH", path, {"name": "Endret"}).status_code == 422
    assert call(admin, "POST", path + "/run").status_code == 422
    assert call(admin, "DELETE", path).status_code == 422
    assert portfolio_rows() == before

    # An approved proposal starts as a project.
    start = call(admin, "POST", port.proposal(port.a) + "/start-project", {"start": "2027-01-04"})
    assert start.status_code == 200, start.content
    project = Project.objects.get(uuid=start.json()["project"])
    assert (project.name, start.json()["status"]) == ("Felles sak/arkiv", "started")


def test_contributions_by_key_add_up_to_the_total(world: World, port: Port, admin: str) -> None:
    path = f"{P}/pot/{port.pot_2028.uuid}/contributions/compute"
    response = call(admin, "POST", path, {"total": "1000000"})
    assert response.status_code == 200
    year = response.json()
    # By population: A 10 000, B 30 000.
    assert [(c["organisation_name"], c["amount"]) for c in year["contributions"]] == [
        ("A kommune", "250000.00"),
        ("B kommune", "750000.00"),
    ]
    assert Decimal(year["total"]) == Decimal(1_000_000)


# --- Bad input: a Norwegian message and nothing written ---------------------------------------


def refused(
    token: str | None, method: str, path: str, body: Any, status: int = 422
) -> dict[str, Any]:
    before = portfolio_rows()
    response = call(token, method, path, body)
    assert response.status_code == status, response.content
    assert portfolio_rows() == before
    return response.json()  # type: ignore[no-any-return]


def test_weights_must_sum_to_one(world: World, port: Port, admin: str) -> None:
    gain, risk = str(port.gain.uuid), str(port.risk.uuid)
    body = {"weights": [{"criterion": gain, "weight": "0.5"}, {"criterion": risk, "weight": "0.4"}]}
    assert refused(admin, "PUT", f"{P}/criteria/weights", body)["detail"] == (
        "Vektene summerer til 0,9; de må summere til 1."
    )
    missing = {"weights": [{"criterion": gain, "weight": "1"}]}
    assert (
        refused(admin, "PUT", f"{P}/criteria/weights", missing)["detail"]
        == "Gi hvert kriterium en vekt."
    )
    twice = {
        "weights": [{"criterion": gain, "weight": "0.5"}, {"criterion": gain, "weight": "0.5"}]
    }
    assert "to vekter" in refused(admin, "PUT", f"{P}/criteria/weights", twice)["detail"]
    assert Criterion.objects.get(pk=port.gain.pk).weight == Decimal("0.6")


def test_ahp_refuses_a_matrix_that_is_not_reciprocal(world: World, port: Port, admin: str) -> None:
    gain, risk = str(port.gain.uuid), str(port.risk.uuid)
    body = {
        "comparisons": [
            {"first": gain, "second": risk, "value": 3},
            {"first": risk, "second": gain, "value": 3},
        ],
        "apply": True,
    }
    detail = refused(admin, "POST", f"{P}/criteria/ahp", body)["detail"]
    assert detail.startswith(
        "Matrisen er ikke resiprok: «Gevinst» mot «Risiko» er 3, så «Risiko» mot «Gevinst» må være 1/3"
    )
    off_scale = {"comparisons": [{"first": gain, "second": risk, "value": 12}], "apply": True}
    assert "Saatys skala" in refused(admin, "POST", f"{P}/criteria/ahp", off_scale)["detail"]
    services.criterion_create(collaboration=world.alfa, name="Kostnad")
    missing = {"comparisons": [{"first": gain, "second": risk, "value": 3}], "apply": True}
    assert (
        refused(admin, "POST", f"{P}/criteria/ahp", missing)["detail"]
        == "Sammenlign «Gevinst» med «Kostnad»."
    )


def test_a_dependency_cycle_is_refused_and_named(world: World, port: Port, admin: str) -> None:
    body = {"requires": [str(port.c.uuid)]}  # C already requires A
    detail = refused(admin, "PUT", port.proposal(port.a) + "/requires", body)["detail"]
    assert "Avhengighetene går i ring" in detail
    assert "Felles sak/arkiv" in detail and "Innbyggerportal" in detail
    own = {"requires": [str(port.a.uuid)]}
    assert refused(admin, "PUT", port.proposal(port.a) + "/requires", own)["detail"] == (
        "Et forslag kan ikke forutsette seg selv."
    )


def test_forced_in_proposals_over_budget_name_the_years(
    world: World, port: Port, admin: str
) -> None:
    path = f"{P}/scenarios/{port.scenario.uuid}"
    forced = {
        "forced_in": [str(port.a.uuid), str(port.b.uuid)],
        "carry_forward": False,
        "budget_factor": "0.5",
    }
    assert call(admin, "PATCH", path, forced).status_code == 200
    detail = refused(admin, "POST", path + "/run", None)["detail"]
    assert detail == (
        "Forslagene som er tvunget inn, får ikke plass i budsjettet: "
        "2027 mangler 800\u00a0000 kr; 2028 mangler 250\u00a0000 kr."
    )
    assert Scenario.objects.get(pk=port.scenario.pk).result is None


def test_null_for_a_field_that_cannot_be_empty_is_422(world: World, port: Port, admin: str) -> None:
    for path, body in (
        (port.proposal(port.a), {"sponsor": None}),
        (port.proposal(port.a), {"risk": None}),
        (port.proposal(port.a), {"title": None}),
        (f"{P}/criteria/{port.gain.uuid}", {"name": None}),
        (f"{P}/scenarios/{port.scenario.uuid}", {"first_year": None}),
        (f"{P}/scenarios/{port.scenario.uuid}", {"budget_factor": None}),
        (f"{P}/pot/{port.pot_2027.uuid}", {"year": None}),
        (f"{P}/groups/{port.group.uuid}", {"members": None}),
    ):
        refused(admin, "PATCH", path, body)


def test_other_bad_input_is_422(world: World, port: Port, admin: str) -> None:
    costs = {"costs": [{"year": 2027, "amount": "1"}, {"year": 2027, "amount": "2"}]}
    assert refused(admin, "PUT", port.proposal(port.a) + "/costs", costs)["detail"] == (
        "Året 2027 står mer enn én gang."
    )
    step = refused(admin, "POST", port.proposal(port.b) + "/status", {"status": "approved"})[
        "detail"
    ]
    assert step == "Et forslag med status «Innmeldt» kan ikke bli «Godkjent»."
    start = refused(
        admin, "POST", port.proposal(port.b) + "/start-project", {"start": "2027-01-01"}
    )
    assert start["detail"] == "Bare godkjente forslag kan startes som prosjekt."
    refused(
        admin,
        "POST",
        f"{P}/groups",
        {"kind": "exclusion", "name": "Én", "members": [str(port.a.uuid)]},
    )
    refused(admin, "POST", f"{P}/pot", {"year": 2027})  # the pot has 2027 already
    refused(
        admin,
        "POST",
        f"{P}/proposals",
        {"title": "Felles sak/arkiv", "sponsor": str(world.org_a.uuid)},
    )
    both = {
        "name": "Begge",
        "first_year": 2027,
        "forced_in": [str(port.a.uuid)],
        "forced_out": [str(port.a.uuid)],
    }
    assert (
        "både tvinges inn og holdes utenfor"
        in refused(admin, "POST", f"{P}/scenarios", both)["detail"]
    )
    assert (
        "andre forslag forutsetter"
        in refused(admin, "DELETE", port.proposal(port.a), None)["detail"].lower()
    )


# --- Edit conflicts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "field", "value", "other"),
    [
        ("criterion", "name", "Gevinst 2", "Gevinst 3"),
        ("proposal", "title", "Felles arkiv 2", "Felles arkiv 3"),
        ("group", "name", "Gruppe 2", "Gruppe 3"),
        ("pot_year", "capacity_hours", "10", "20"),
        ("scenario", "name", "Scenario 2", "Scenario 3"),
    ],
)
def test_a_stale_version_is_409(
    world: World, port: Port, admin: str, resource: str, field: str, value: str, other: str
) -> None:
    path = {
        "criterion": f"{P}/criteria/{port.gain.uuid}",
        "proposal": port.proposal(port.a),
        "group": f"{P}/groups/{port.group.uuid}",
        "pot_year": f"{P}/pot/{port.pot_2027.uuid}",
        "scenario": f"{P}/scenarios/{port.scenario.uuid}",
    }[resource]
    version = call(admin, "GET", path).json()["version"]
    first = call(admin, "PATCH", path, {field: value, "version": version})
    assert first.status_code == 200, first.content
    assert first.json()["version"] == version + 1
    before = portfolio_rows()
    second = call(admin, "PATCH", path, {field: other, "version": version})
    assert second.status_code == 409
    assert second.json()["current_version"] == version + 1
    assert portfolio_rows() == before
    assert call(admin, "GET", path).json()[field] == value
    assert call(admin, "PATCH", path, {field: value}).status_code == 200  # no version: goes through


def test_a_stale_contribution_is_409(world: World, port: Port, admin: str) -> None:
    path = f"{P}/pot/{port.pot_2027.uuid}/contributions/{world.org_a.uuid}"
    assert call(admin, "PUT", path, {"amount": "1", "version": 1}).status_code == 200
    conflict = call(admin, "PUT", path, {"amount": "2", "version": 1})
    assert (conflict.status_code, conflict.json()["current_version"]) == (409, 2)


# --- Other collaborations' objects -------------------------------------------------------------


def test_another_collaborations_objects_are_not_found(world: World, port: Port, admin: str) -> None:
    for method, path, body in (
        ("GET", f"{P}/criteria/{port.beta_criterion.uuid}", None),
        ("PATCH", f"{P}/criteria/{port.beta_criterion.uuid}", {"name": "Kapret"}),
        ("GET", port.proposal(port.beta_proposal), None),
        ("PATCH", port.proposal(port.beta_proposal), {"title": "Kapret"}),
        ("DELETE", port.proposal(port.beta_proposal), None),
        ("PUT", port.proposal(port.beta_proposal) + "/costs", {"costs": []}),
        ("PUT", port.proposal(port.a) + f"/scores/{port.beta_criterion.uuid}", {"score": 1}),
        ("GET", f"{P}/pot/{port.beta_pot.uuid}", None),
        ("PUT", f"{P}/pot/{port.pot_2027.uuid}/contributions/{world.org_c.uuid}", {"amount": "1"}),
        ("GET", f"{P}/scenarios/{port.beta_scenario.uuid}", None),
        ("POST", f"{P}/scenarios/{port.beta_scenario.uuid}/run", None),
        ("GET", f"{P}/scenarios/{port.beta_scenario.uuid}/frontier", None),
    ):
        refused(admin, method, path, body, status=404)
    # Beta's uuids in a body name nothing in alfa.
    beta = str(port.beta_proposal.uuid)
    for method, path, body in (
        ("PUT", port.proposal(port.a) + "/requires", {"requires": [beta]}),
        (
            "POST",
            f"{P}/groups",
            {"kind": "exclusion", "name": "X", "members": [str(port.a.uuid), beta]},
        ),
        ("POST", f"{P}/scenarios", {"name": "X", "first_year": 2027, "forced_in": [beta]}),
        ("PATCH", f"{P}/scenarios/{port.scenario.uuid}", {"forced_out": [beta]}),
        ("POST", f"{P}/proposals", {"title": "X", "sponsor": str(world.org_c.uuid)}),
        (
            "POST",
            f"{P}/scenarios/{port.scenario.uuid}/decision",
            {"decision": str(port.beta_decision.uuid)},
        ),
        (
            "PUT",
            f"{P}/criteria/weights",
            {"weights": [{"criterion": str(port.beta_criterion.uuid), "weight": "1"}]},
        ),
        (
            "POST",
            f"{P}/criteria/ahp",
            {
                "comparisons": [
                    {
                        "first": str(port.gain.uuid),
                        "second": str(port.beta_criterion.uuid),
                        "value": 2,
                    }
                ]
            },
        ),
    ):
        assert "Finnes ikke i samarbeidet" in refused(admin, method, path, body)["detail"]
    outsider = token_for(world, "outsider")
    assert (
        call(outsider, "GET", f"/collaborations/beta/portfolio/proposals/{port.a.uuid}").status_code
        == 404
    )
    assert Score.objects.filter(criterion=port.beta_criterion).count() == 0


def test_anonymous_is_401(world: World, port: Port) -> None:
    assert call(token_for(world, ANONYMOUS), "GET", f"{P}/proposals").status_code == 401
