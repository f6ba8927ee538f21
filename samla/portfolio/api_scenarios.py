"""API: selection scenarios. A scenario holds the optimiser's settings (plan years, objective,
share of the pot, carry-forward, capacity, forced-in and forced-out proposals); running it
solves the mixed-integer programme and freezes the result, with the reason each proposal
left out was left out; the frontier shows the best value at other budget levels; the
portfolio board's decision records the chosen scenario. Everyone in the collaboration reads;
managers change, run and record decisions."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from samla.api.transactions import atomic
from samla.finance import portfolio as engine
from samla.governance.api_common import Shape, collaboration_access, crud, find, input_schema
from samla.governance.models import Decision
from samla.organisations.access import CollaborationAccess
from samla.organisations.api import READ_ERRORS, WRITE_ERRORS, ValidationErrorOut
from samla.portfolio import services
from samla.portfolio.api_common import SCENARIO, hours, item, kroner
from samla.portfolio.models import Proposal, Scenario

router = Router()


class PortfolioChosenOut(Schema):
    proposal: UUID
    title: str | None = Field(..., description="null when the proposal was deleted since the run.")


class PortfolioShortfallOut(Schema):
    year: int
    amount: float = Field(..., description="Kroner (budget) or hours (capacity) missing that year.")


class PortfolioLeftOutOut(Schema):
    proposal: UUID
    title: str | None
    code: str = Field(
        ...,
        description="Which constraint keeps it out: forced_out, requires, excluded_by, budget, "
        "capacity, included_with or no_value.",
    )
    other: UUID | None = Field(..., description="The proposal the reason names, if any.")
    years: list[PortfolioShortfallOut]
    reason: str = Field(..., description="The reason, in words.")


class PortfolioScenarioResultOut(Schema):
    years: list[int]
    budgets: list[float] = Field(
        ..., description="The money available each year (the pot × the share)."
    )
    capacities: list[float]
    chosen: list[PortfolioChosenOut]
    value: float = Field(
        ..., description="The chosen proposals' total value (weighted score, or NPV)."
    )
    spent: list[float] = Field(..., description="Spending per year.")
    hours: list[float]
    left_out: list[PortfolioLeftOutOut]
    gap: float = Field(
        ..., description="The relative gap to optimality the solver proved (0.001 = 0.1 %)."
    )
    optimal: bool
    seconds: float
    greedy_value: float = Field(
        ..., description="What the rule «best value per krone first» would reach."
    )
    greedy_chosen: list[UUID]
    solved_at: datetime.datetime | None


def _reason(
    code: str, other: str | None, years: list[Any], titles: dict[str, str], forced_out: bool
) -> str:
    other_title = titles.get(other or "", _("et slettet forslag"))
    if code == "forced_out":
        if forced_out:
            return _("Holdt utenfor i scenarioet.")
        return _("Forutsetter et forslag som er avslått eller parkert.")
    if code == "requires":
        return _("Forutsetter «%(other)s», som ikke er valgt.") % {"other": other_title}
    if code == "excluded_by":
        return _("Utelukkes av «%(other)s», som er valgt.") % {"other": other_title}
    if code == "included_with":
        return _("Hører sammen med «%(other)s», som ikke kan velges.") % {"other": other_title}
    if code == "budget":
        shortfalls = "; ".join(
            _("%(year)s mangler %(amount)s") % {"year": year, "amount": kroner(amount)}
            for year, amount in years
        )
        return _("Får ikke plass i budsjettet: %(years)s.") % {"years": shortfalls}
    if code == "capacity":
        shortfalls = "; ".join(
            _("%(year)s mangler %(hours)s timer") % {"year": year, "hours": hours(amount)}
            for year, amount in years
        )
        return _("Får ikke plass i kapasiteten: %(years)s.") % {"years": shortfalls}
    return _("Ville ikke gitt høyere samlet verdi innenfor betingelsene.")


def scenario_result(scenario: Scenario) -> dict[str, Any] | None:
    """The frozen result in the API's shape, with titles and reasons in words."""
    result = scenario.result
    if not result:
        return None
    keys = {*result["chosen"], *result["left_out"]}
    keys |= {reason["other"] for reason in result["left_out"].values() if reason.get("other")}
    titles = {
        str(uuid): title
        for uuid, title in Proposal.objects.filter(
            collaboration_id=scenario.collaboration_id, uuid__in=keys
        ).values_list("uuid", "title")
    }
    forced_out = {str(uuid) for uuid in scenario.forced_out.values_list("uuid", flat=True)}
    return {
        "years": result["years"],
        "budgets": result["budgets"],
        "capacities": result["capacities"],
        "chosen": [{"proposal": key, "title": titles.get(key)} for key in result["chosen"]],
        "value": result["value"],
        "spent": result["spent"],
        "hours": result["hours"],
        "left_out": [
            {
                "proposal": key,
                "title": titles.get(key),
                "code": reason["code"],
                "other": reason.get("other"),
                "years": [{"year": year, "amount": amount} for year, amount in reason["years"]],
                "reason": _reason(
                    reason["code"], reason.get("other"), reason["years"], titles, key in forced_out
                ),
            }
            for key, reason in sorted(
                result["left_out"].items(), key=lambda kv: titles.get(kv[0], "")
            )
        ],
        "gap": result["gap"],
        "optimal": result["optimal"],
        "seconds": result["seconds"],
        "greedy_value": result["greedy_value"],
        "greedy_chosen": result["greedy_chosen"],
        "solved_at": scenario.solved_at,
    }


SCENARIO_OUT = Shape(
    "PortfolioScenarioOut",
    Scenario,
    (
        *services.SCENARIO_FIELDS,
        "forced_in",
        "forced_out",
        "solved_at",
        "decision",
        "created_by",
        "created_at",
    ),
    extras={"result": (PortfolioScenarioResultOut | None, scenario_result)},
)
SCENARIO_INPUT = (*services.SCENARIO_FIELDS, "forced_in", "forced_out")


def _create(access: CollaborationAccess, _parent: Any, fields: dict[str, Any]) -> Scenario:
    return services.scenario_create(collaboration=access.collaboration, user=access.user, **fields)


crud(
    router,
    SCENARIO,
    SCENARIO_OUT,
    listing=lambda access, _parent, _f: (
        Scenario.objects.filter(collaboration=access.collaboration)
        .select_related("decision", "created_by")
        .prefetch_related("forced_in", "forced_out")
        .order_by("-created_at")
    ),
    may_create=lambda access, _parent: access.require_manager(),
    create=_create,
    create_in=input_schema("PortfolioScenarioIn", Scenario, SCENARIO_INPUT),
    update=lambda _a, obj, f: services.scenario_update(scenario=obj, **f),
    update_in=input_schema("PortfolioScenarioPatch", Scenario, SCENARIO_INPUT, partial=True),
    delete=lambda _a, obj: services.scenario_delete(scenario=obj),
    text={
        "create": "Save a scenario's settings; ``run`` solves it.",
        "update": "Only the fields given are changed; the old result is dropped. A decided "
        "scenario answers 422.",
        "delete": "A decided scenario answers 422.",
    },
)


@router.post(SCENARIO.path + "/run", response={200: PortfolioScenarioResultOut, **WRITE_ERRORS})
@atomic
def scenario_run(request: HttpRequest, slug: str, scenario_id: UUID) -> Any:
    """Solve the scenario (managers) and freeze the result: the chosen proposals, their
    value, spending and hours per year, the reason for each proposal left out, the solver's
    proven gap, and the greedy rule's value for comparison. A dependency cycle, or forced-in
    proposals that cannot fit the budget (naming the years and by how much), answer 422."""
    access = collaboration_access(request, slug)
    scenario = item(SCENARIO, access, scenario_id, for_change=True)
    scenario = services.scenario_run(scenario=scenario)
    return scenario_result(scenario)


class PortfolioFrontierPointOut(Schema):
    budget_factor: float
    budget: float = Field(..., description="The total budget over the plan years at this level.")
    value: float = Field(..., description="The best total value within that budget.")


@router.get(
    SCENARIO.path + "/frontier",
    response={200: list[PortfolioFrontierPointOut], **READ_ERRORS, 422: ValidationErrorOut},
)
def scenario_frontier(
    request: HttpRequest,
    slug: str,
    scenario_id: UUID,
    low: float = Query(0.5, ge=0.1, le=5, description="The smallest share of the pot."),
    high: float = Query(1.5, ge=0.1, le=5, description="The largest share of the pot."),
    steps: int = Query(11, ge=2, le=21, description="How many budget levels from low to high."),
) -> Any:
    """The efficient frontier: the best value the scenario's constraints allow with the pot
    scaled from ``low`` to ``high`` (levels where the forced-in proposals do not fit are left
    out). Computed, not saved. ``low`` above ``high``, or a dependency cycle, answers 422."""
    access = collaboration_access(request, slug)
    scenario = item(SCENARIO, access, scenario_id)
    if low > high:
        raise ValidationError(
            {"low": [_("Den laveste andelen kan ikke være større enn den høyeste.")]}
        )
    problem, candidates = services.scenario_problem(scenario)
    cycle = engine.dependency_cycle(problem.proposals)
    if cycle:
        titles = " → ".join(candidates[key].title if key in candidates else key for key in cycle)
        raise ValidationError(
            {"__all__": [_("Avhengighetene går i ring: %(cycle)s.") % {"cycle": titles}]}
        )
    # The scenario's budgets are the pot times its share; the frontier scales the pot itself.
    pot = dataclasses.replace(
        problem, budgets=tuple(b / float(scenario.budget_factor) for b in problem.budgets)
    )
    step = (high - low) / (steps - 1)
    points = []
    for k in range(steps):
        factor = round(low + k * step, 4)
        for budget, value in engine.frontier(pot, [factor]):
            points.append({"budget_factor": factor, "budget": budget, "value": value})
    return points


class PortfolioDecisionIn(Schema):
    decision: UUID = Field(..., description="The portfolio board's Decision's uuid.")


@router.post(SCENARIO.path + "/decision", response={200: SCENARIO_OUT.schema, **WRITE_ERRORS})
@atomic
def scenario_decision(
    request: HttpRequest, slug: str, scenario_id: UUID, payload: PortfolioDecisionIn
) -> Any:
    """Record the portfolio board's decision choosing this scenario (managers): the chosen
    proposals not yet approved become approved, and the scenario can no longer change. A
    scenario not yet run, or already decided, answers 422."""
    access = collaboration_access(request, slug)
    scenario = item(SCENARIO, access, scenario_id, for_change=True)
    decision = find(access, Decision, payload.decision, "decision")
    services.scenario_record_decision(scenario=scenario, decision=decision)
    return SCENARIO_OUT.dump(item(SCENARIO, access, scenario_id))
