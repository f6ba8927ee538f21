"""Reads for the pot and scenario pages, the decision memo and the workbook: the pot as a
table of members × years, and a solved scenario's frozen result turned into rows — the
chosen proposals ranked by value, the roadmap, budget use per year and per member's
contribution, the bubble chart's points, what was left out and why, the efficient frontier
and a side-by-side comparison.

Everything a page shows comes from a fixed number of queries, whatever the number of
proposals, years or members."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Sum
from django.utils.translation import gettext as _

from samla.finance import portfolio as engine
from samla.organisations.models import Collaboration, Organisation
from samla.portfolio import services
from samla.portfolio.models import (
    Contribution,
    Criterion,
    PotYear,
    Proposal,
    ProposalCost,
    Scenario,
)

# The frontier: from half the pot to one and a half, in steps of a tenth.
FRONTIER_FACTORS = tuple(round(0.5 + step / 10, 2) for step in range(11))


def _kroner(amount: float | Decimal) -> str:
    whole = int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{whole:,}".replace(",", "\u00a0") + " kr"


def _hours(amount: float) -> str:
    return f"{round(amount):,}".replace(",", "\u00a0") + " " + _("timer")


# --- The pot --------------------------------------------------------------------------------


@dataclass
class MemberRow:
    organisation: Organisation
    amounts: list[Decimal | None]
    total: Decimal


@dataclass
class PotOverview:
    years: list[PotYear]
    members: list[MemberRow]
    totals: list[Decimal]
    total: Decimal
    scenario: Scenario | None  # whose spending the budget-use table shows
    use: list[dict[str, Any]] = field(default_factory=list)


def pot_years(collaboration: Collaboration) -> list[PotYear]:
    return list(
        PotYear.objects.filter(collaboration=collaboration)
        .order_by("year")
        .prefetch_related(
            Prefetch("contributions", queryset=Contribution.objects.select_related("organisation"))
        )
    )


def members(collaboration: Collaboration) -> list[Organisation]:
    return list(
        Organisation.objects.filter(memberships__collaboration=collaboration).order_by("name")
    )


def reference_scenario(collaboration: Collaboration) -> Scenario | None:
    """The decided scenario (the latest decided), else the latest solved one."""
    solved = Scenario.objects.filter(collaboration=collaboration, result__isnull=False)
    return (
        solved.filter(decision__isnull=False)
        .order_by("-decision__decided_on", "-solved_at")
        .first()
        or solved.order_by("-solved_at").first()
    )


def pot_overview(collaboration: Collaboration) -> PotOverview:
    years = pot_years(collaboration)
    organisations = members(collaboration)
    by_member: dict[int, list[Decimal | None]] = {o.pk: [None] * len(years) for o in organisations}
    extra: dict[int, Organisation] = {}
    for column, pot in enumerate(years):
        for contribution in pot.contributions.all():
            if contribution.organisation_id not in by_member:  # a former member's contribution
                extra[contribution.organisation_id] = contribution.organisation
                by_member[contribution.organisation_id] = [None] * len(years)
            by_member[contribution.organisation_id][column] = contribution.amount
    rows = [
        MemberRow(o, by_member[o.pk], sum((a or Decimal(0) for a in by_member[o.pk]), Decimal(0)))
        for o in [*organisations, *sorted(extra.values(), key=lambda o: o.name)]
    ]
    totals = [
        sum((row.amounts[i] or Decimal(0) for row in rows), Decimal(0)) for i in range(len(years))
    ]
    overview = PotOverview(
        years, rows, totals, sum(totals, Decimal(0)), reference_scenario(collaboration)
    )
    if overview.scenario is not None and overview.scenario.result:
        result = overview.scenario.result
        spent = dict(zip(result["years"], result["spent"], strict=True))
        budgets = dict(zip(result["years"], result["budgets"], strict=True))
        for pot, total in zip(years, totals, strict=True):
            used = spent.get(pot.year)
            overview.use.append(
                {
                    "year": pot.year,
                    "pot": total,
                    "budget": budgets.get(pot.year),
                    "used": used,
                    "share": (used / float(total)) if used is not None and total else None,
                }
            )
    return overview


# --- A scenario's result --------------------------------------------------------------------


@dataclass
class ProposalRow:
    proposal: Proposal
    value: float
    costs: list[float]  # per plan year
    total: float
    start: int | None  # the first plan year with a cost
    chosen: bool
    reason: str = ""
    reason_code: str = ""

    @property
    def value_per_million(self) -> float | None:
        return self.value / (self.total / 1_000_000) if self.total else None


@dataclass
class ScenarioResult:
    scenario: Scenario
    years: list[int]
    chosen: list[ProposalRow]  # ranked by value
    left_out: list[ProposalRow]
    roadmap: list[ProposalRow]  # chosen, by starting year
    budget: list[dict[str, Any]]
    per_member: list[dict[str, Any]]
    member_totals: list[int]  # per year: the members' cells summed
    member_sum: dict[str, Any]  # the total row: spent, share, contribution
    value: float
    cost: float
    costs: list[float]
    gap: float
    seconds: float
    optimal: bool
    greedy_value: float
    charts: dict[str, Any]

    @property
    def greedy_ratio(self) -> float | None:
        return self.greedy_value / self.value if self.value else None


def reason_text(code: str, other: str, years: Sequence[Sequence[Any]]) -> str:
    """A frozen reason in words; ``other`` is the other proposal's title."""
    if code == "forced_out":
        return _(
            "Holdt utenfor i scenarioet (eller forutsetter et forslag som er avslått eller parkert)."
        )
    if code == "requires":
        return _("Forutsetter «%(other)s», som ikke er valgt.") % {"other": other}
    if code == "excluded_by":
        return _("Utelukkes av «%(other)s», som er valgt.") % {"other": other}
    if code == "included_with":
        return _("Hører sammen med «%(other)s», som ikke er valgt.") % {"other": other}
    if code == "budget":
        return _("Budsjettet: %(years)s.") % {
            "years": "; ".join(
                _("%(year)s mangler %(amount)s") % {"year": year, "amount": _kroner(amount)}
                for year, amount in years
            )
        }
    if code == "capacity":
        return _("Kapasiteten: %(years)s.") % {
            "years": "; ".join(
                _("%(year)s mangler %(hours)s") % {"year": year, "hours": _hours(amount)}
                for year, amount in years
            )
        }
    return _("Ville ikke øke den samlede verdien.")


def _proposal_rows(
    scenario: Scenario, keys: Iterable[str], plan: list[int]
) -> dict[str, ProposalRow]:
    proposals = {
        str(p.uuid): p
        for p in Proposal.objects.filter(
            collaboration_id=scenario.collaboration_id, uuid__in=list(keys)
        ).select_related("sponsor")
    }
    costs: dict[int, list[float]] = {p.pk: [0.0] * len(plan) for p in proposals.values()}
    for proposal_id, year, amount in ProposalCost.objects.filter(
        proposal_id__in=costs, year__in=plan
    ).values_list("proposal_id", "year", "amount"):
        costs[proposal_id][plan.index(year)] = float(amount)
    if scenario.objective == Scenario.Objective.NPV:
        values = {p.pk: float(p.npv or 0) for p in proposals.values()}
    else:
        values = services.proposal_values(scenario.collaboration)
    rows = {}
    for key, proposal in proposals.items():
        cost = costs[proposal.pk]
        start = next((year for year, amount in zip(plan, cost, strict=True) if amount > 0), None)
        rows[key] = ProposalRow(
            proposal, values.get(proposal.pk, 0.0), cost, sum(cost), start, chosen=False
        )
    return rows


def _contributions(
    collaboration_id: int, plan: list[int]
) -> tuple[list[Organisation], dict[tuple[int, int], float]]:
    amounts: dict[tuple[int, int], float] = {}
    organisations: dict[int, Organisation] = {}
    for contribution in Contribution.objects.filter(
        pot_year__collaboration_id=collaboration_id, pot_year__year__in=plan
    ).select_related("organisation", "pot_year"):
        organisations[contribution.organisation_id] = contribution.organisation
        amounts[(contribution.organisation_id, contribution.pot_year.year)] = float(
            contribution.amount
        )
    return sorted(organisations.values(), key=lambda o: o.name), amounts


def whole_kroner(amounts: Sequence[float], total: float) -> list[int]:
    """``amounts`` in whole kroner that add up to ``total`` rounded (largest remainder):
    each is rounded down, and the kroner still missing go to the largest fractions."""
    target = int(Decimal(str(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP))  # as shown
    floors = [math.floor(a) for a in amounts]
    missing = target - sum(floors)
    order = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] - floors[i]), i))
    if missing >= 0:
        for i in order[:missing]:
            floors[i] += 1
    else:  # the amounts already exceed the total (cannot happen with shares of it)
        for i in order[::-1][:-missing]:
            floors[i] -= 1
    return floors


def _per_member(
    organisations: Sequence[Organisation],
    amounts: Mapping[tuple[int, int], float],
    plan: Sequence[int],
    spent: Sequence[float],
) -> tuple[list[dict[str, Any]], list[int], dict[str, Any]]:
    """Each member's part of each year's spending in proportion to its contribution that
    year, in whole kroner. Every figure shown is rounded first and the totals are sums of
    what is shown, so the cells of a row and of a column add up to their total exactly."""
    spent_cells: list[list[int]] = [[] for _ in organisations]
    given_cells: list[list[int]] = [[] for _ in organisations]
    shares: list[list[float]] = [[] for _ in organisations]
    for index, year in enumerate(plan):
        given = [amounts.get((o.pk, year), 0.0) for o in organisations]
        year_total = sum(given)
        year_shares = [g / year_total if year_total else 0.0 for g in given]
        spent_year = whole_kroner(
            [share * spent[index] for share in year_shares],
            spent[index] if year_total else 0.0,
        )
        given_year = whole_kroner(given, year_total)
        for m in range(len(organisations)):
            spent_cells[m].append(spent_year[m])
            given_cells[m].append(given_year[m])
            shares[m].append(year_shares[m])
    total_spent = sum(sum(row) for row in spent_cells)
    per_member = []
    for m, organisation in enumerate(organisations):
        member_spent = sum(spent_cells[m])
        per_member.append(
            {
                "organisation": organisation,
                "cells": [
                    {"contribution": given, "share": share, "spent": part}
                    for given, share, part in zip(
                        given_cells[m], shares[m], spent_cells[m], strict=True
                    )
                ],
                "contribution": sum(given_cells[m]),
                "spent": member_spent,
                "spent_share": member_spent / total_spent if total_spent else None,
            }
        )
    column_totals = [sum(row[index] for row in spent_cells) for index in range(len(plan))]
    member_sum = {
        "spent": total_spent,
        "spent_share": 1.0 if total_spent else None,
        "contribution": sum(sum(row) for row in given_cells),
        "contributions": [sum(row[index] for row in given_cells) for index in range(len(plan))],
    }
    return per_member, column_totals, member_sum


def scenario_result(scenario: Scenario) -> ScenarioResult | None:
    """The frozen result in rows; None before the first run."""
    result = scenario.result
    if not result:
        return None
    plan: list[int] = list(result["years"])
    chosen_keys: list[str] = list(result["chosen"])
    left: dict[str, Any] = result["left_out"]
    rows = _proposal_rows(scenario, [*chosen_keys, *left], plan)
    chosen = [rows[k] for k in chosen_keys if k in rows]
    for row in chosen:
        row.chosen = True
    chosen.sort(key=lambda r: (-r.value, r.proposal.title))
    left_out = []
    for key, reason in left.items():
        if key not in rows:
            continue  # deleted since the run
        row = rows[key]
        other = rows.get(reason.get("other") or "")
        row.reason_code = reason["code"]
        row.reason = reason_text(
            reason["code"], other.proposal.title if other else "", reason["years"]
        )
        left_out.append(row)
    left_out.sort(key=lambda r: (-r.value, r.proposal.title))
    roadmap = sorted(chosen, key=lambda r: (r.start or 9999, -r.value, r.proposal.title))

    budgets: list[float] = list(result["budgets"])
    spent: list[float] = list(result["spent"])
    budget_rows: list[dict[str, Any]] = []
    carried = 0.0
    for index, year in enumerate(plan):
        carried_in = carried if scenario.carry_forward else 0.0
        available = budgets[index] + carried_in
        left_over = available - spent[index]
        carried = left_over
        budget_rows.append(
            {
                "year": year,
                "budget": budgets[index],
                "carried_in": carried_in,
                "available": available,
                "used": spent[index],
                "left": left_over,
                "carried_forward": left_over
                if scenario.carry_forward and index < len(plan) - 1
                else 0.0,
                "share": spent[index] / available if available > 0 else None,
                "hours": result["hours"][index] if result.get("hours") else None,
                "capacity": result["capacities"][index] if result.get("capacities") else None,
            }
        )

    organisations, amounts = _contributions(scenario.collaboration_id, plan)
    per_member, member_totals, member_sum = _per_member(organisations, amounts, plan, spent)

    everything = sorted([*chosen, *left_out], key=lambda r: r.proposal.title)
    charts = {
        "bubble": {
            "kind": "bubble",
            "chosen": _("Valgt"),
            "left": _("Utelatt"),
            "x": _("Kostnad i planperioden (kr)"),
            "y": _("Verdi"),
            "points": [
                {
                    "name": str(r.proposal),
                    "cost": r.total,
                    "value": round(r.value, 2),
                    "risk": r.proposal.risk,
                    "chosen": r.chosen,
                }
                for r in everything
            ],
        },
        "budget": {
            "kind": "budget",
            "x": [str(y) for y in plan],
            "series": [
                {"name": _("Tilgjengelig"), "values": [round(b["available"]) for b in budget_rows]},
                {"name": _("Brukt"), "values": [round(b["used"]) for b in budget_rows]},
            ],
        },
    }
    return ScenarioResult(
        scenario=scenario,
        years=plan,
        chosen=chosen,
        left_out=left_out,
        roadmap=roadmap,
        budget=budget_rows,
        per_member=per_member,
        member_totals=member_totals,
        member_sum=member_sum,
        value=float(result["value"]),
        cost=sum(spent),
        costs=spent,
        gap=float(result.get("gap") or 0.0),
        seconds=float(result.get("seconds") or 0.0),
        optimal=bool(result.get("optimal")),
        greedy_value=float(result.get("greedy_value") or 0.0),
        charts=charts,
    )


# --- Efficient frontier ---------------------------------------------------------------------


@dataclass
class FrontierPoint:
    factor: float
    budget: float
    value: float | None  # None: the forced-in set does not fit at this level


def frontier(scenario: Scenario) -> list[FrontierPoint]:
    """The best value at each budget level (a share of the whole pot, whatever the
    scenario's own share), the scenario's other settings kept. A dependency cycle is refused
    with a Norwegian ValidationError naming it."""
    problem, candidates = services.scenario_problem(scenario)
    cycle = engine.dependency_cycle(problem.proposals)
    if cycle:
        raise ValidationError(
            services._selection_message(
                engine.PortfolioInputError("cycle", "cycle", cycle=cycle),
                candidates,
                scenario.first_year,
            )
        )
    factor = float(scenario.budget_factor)
    pot = replace(problem, budgets=tuple(b / factor for b in problem.budgets))
    points = []
    for level in FRONTIER_FACTORS:
        found = engine.frontier(pot, [level])  # empty when the forced-in set does not fit
        budget = sum(pot.budgets) * level
        points.append(FrontierPoint(level, budget, found[0][1] if found else None))
    return points


def pot_total(collaboration: Collaboration, years: Sequence[int]) -> float:
    total = PotYear.objects.filter(collaboration=collaboration, year__in=years).aggregate(
        t=Sum("contributions__amount")
    )["t"]
    return float(total or 0)


# --- Comparison -----------------------------------------------------------------------------


@dataclass
class Comparison:
    scenarios: list[Scenario]
    years: list[int]
    costs: list[list[float]]  # per scenario, per year of ``years``
    cost_rows: list[tuple[int, list[float]]]  # per year: the cost in each scenario
    rows: list[dict[str, Any]]  # per proposal: title, marks per scenario, differs
    differences: list[str]


def compare(scenarios: list[Scenario]) -> Comparison:
    solved = [s for s in scenarios if s.result]
    years = sorted({y for s in solved for y in s.result["years"]})  # type: ignore[index]
    costs = []
    for s in scenarios:
        spent = dict(zip(s.result["years"], s.result["spent"], strict=True)) if s.result else {}
        costs.append([spent.get(y, 0.0) for y in years])
    chosen_sets = [set(s.result["chosen"]) if s.result else set() for s in scenarios]
    keys = set().union(*chosen_sets) if chosen_sets else set()
    collaboration_id = scenarios[0].collaboration_id if scenarios else 0
    titles = dict(
        (str(u), t)
        for u, t in Proposal.objects.filter(
            collaboration_id=collaboration_id, uuid__in=list(keys)
        ).values_list("uuid", "title")
    )
    rows = []
    for key in sorted(keys, key=lambda k: titles.get(k, "")):
        if key not in titles:
            continue
        marks = [key in chosen for chosen in chosen_sets]
        rows.append({"title": titles[key], "marks": marks, "differs": not all(marks)})
    differences = []
    for s, chosen in zip(scenarios, chosen_sets, strict=True):
        if not s.result:
            differences.append(_("«%(name)s» er ikke beregnet.") % {"name": s.name})
            continue
        only = sorted(
            titles[k] for k in chosen if k in titles and not all(k in c for c in chosen_sets)
        )
        if only:
            differences.append(
                _("Bare i «%(name)s»: %(titles)s.") % {"name": s.name, "titles": ", ".join(only)}
            )
    if not differences and solved:
        differences.append(_("Scenarioene velger de samme forslagene."))
    cost_rows = [(year, [c[i] for c in costs]) for i, year in enumerate(years)]
    return Comparison(scenarios, years, costs, cost_rows, rows, differences)


def criteria(collaboration: Collaboration) -> list[Criterion]:
    return list(Criterion.objects.filter(collaboration=collaboration).order_by("order", "pk"))
