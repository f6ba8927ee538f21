"""Evaluate a business case: every result for every alternative, as frozen dataclasses.

The *decision basis* of an alternative is its flows minus the zero alternative's flows
(the change the decision makes). IRR, payback, tornado and Monte Carlo describe the
decision basis; for the zero alternative itself they describe its own flows. A case
without a zero alternative is compared with doing nothing (no flows).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from samla.finance import sharing
from samla.finance.cashflow import (
    BENEFITS,
    BUDGET,
    COSTS,
    TAX,
    Alternative,
    Case,
    LinearFlows,
    MonteCarloSettings,
    Organisation,
    SplitKey,
    SplitMethod,
    line_yearly,
    linear_flows,
    net,
    uncertain_inputs,
)
from samla.finance.metrics import Payback, irr_roots, payback, ratio
from samla.finance.uncertainty import (
    MonteCarloResult,
    TornadoBar,
    means,
    simulate,
    summarise,
    tornado,
)

FloatArray = NDArray[np.float64]
ORE = Decimal("0.01")
DEFAULT_MONTE_CARLO = MonteCarloSettings(iterations=10_000, seed=0)


@dataclass(frozen=True)
class YearFlow:
    year: int
    discount_factor: float
    costs: float  # investment and operating, optimism bias included
    benefits: float  # benefit, time saving and residual value
    tax_financing: float
    net: float
    net_vs_zero: float


@dataclass(frozen=True)
class OrganisationYear:
    year: int
    costs: Decimal  # tax-financing cost included
    benefits: Decimal
    net_vs_zero: Decimal


@dataclass(frozen=True)
class OrganisationResult:
    name: str
    npv: Decimal
    npv_vs_zero: Decimal
    payback_year: int | None  # on its own share of the decision basis
    yearly: tuple[OrganisationYear, ...]


@dataclass(frozen=True)
class AlternativeResult:
    name: str
    zero: bool
    npv: float
    npv_vs_zero: float
    pv_costs: float
    pv_benefits: float
    pv_tax_financing: float
    pv_budget: float  # net public budget cost
    benefit_cost_ratio: float | None
    benefit_cost_ratio_vs_zero: float | None
    npv_per_budget_krone: float | None
    npv_per_budget_krone_vs_zero: float | None
    irr: float | None  # the unique IRR of the decision basis
    irr_roots: tuple[float, ...]  # every real IRR; several when flows change sign often
    payback_year: int | None
    payback_years: float | None
    discounted_payback_year: int | None
    discounted_payback_years: float | None
    yearly: tuple[YearFlow, ...]
    by_organisation: tuple[OrganisationResult, ...]
    tornado: tuple[TornadoBar, ...]
    monte_carlo: MonteCarloResult


@dataclass(frozen=True)
class CaseResult:
    name: str
    base_year: int
    years: int
    discount_factors: tuple[float, ...]
    hourly_rate: float
    tax_financing_rate: float
    uncertain_inputs: tuple[str, ...]
    alternatives: tuple[AlternativeResult, ...]


def split_weights(key: SplitKey, organisations: tuple[Organisation, ...]) -> dict[str, Decimal]:
    names = [org.name for org in organisations]
    population = {org.name: org.population or 0 for org in organisations}
    if key.method is SplitMethod.EQUAL:
        return sharing.equal_weights(names)
    if key.method is SplitMethod.POPULATION:
        return sharing.population_weights(population)
    if key.method is SplitMethod.MIX:
        return sharing.fixed_plus_population_weights(
            population, Decimal(str(key.fixed_share)) * 100
        )
    if key.method is SplitMethod.USERS:
        return sharing.population_weights({org.name: org.users or 0 for org in organisations})
    given = {name: Decimal(str(weight)) for name, weight in key.weights}
    return {name: given.get(name, Decimal(0)) for name in names}


def default_split(case: Case) -> SplitKey:
    if case.split is not None:
        return case.split
    if case.organisations and all(org.population for org in case.organisations):
        return SplitKey(SplitMethod.POPULATION)
    return SplitKey(SplitMethod.EQUAL)


def _money(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(ORE)


@dataclass(frozen=True)
class _OrganisationFlows:
    npv: dict[str, Decimal]
    costs: dict[str, list[Decimal]]
    benefits: dict[str, list[Decimal]]


def _organisation_flows(
    case: Case, alternative: Alternative, flows: FloatArray, factors: FloatArray
) -> _OrganisationFlows:
    """Each line split by its key, year by year and as a present value, to the øre."""
    names = [org.name for org in case.organisations]
    npv = dict.fromkeys(names, Decimal(0))
    costs = {name: [Decimal(0)] * case.years for name in names}
    benefits = {name: [Decimal(0)] * case.years for name in names}
    case_key = default_split(case)
    parts: list[tuple[SplitKey, bool, FloatArray]] = [
        (line.split or case_key, line.kind.is_cost, line_yearly(case, line))
        for line in alternative.lines
    ]
    if case.tax_financing_rate:
        parts.append((case_key, True, flows[TAX]))
    for key, is_cost, yearly in parts:
        weights = split_weights(key, case.organisations)
        target = costs if is_cost else benefits
        for t, amount in enumerate(yearly):
            if amount:
                for name, share in sharing.split_amount(_money(amount), weights).items():
                    target[name][t] += share
        present = float(yearly @ factors)
        sign = -1 if is_cost else 1
        for name, share in sharing.split_amount(_money(present), weights).items():
            npv[name] += sign * share
    return _OrganisationFlows(npv, costs, benefits)


def _by_organisation(
    case: Case, own: _OrganisationFlows, zero: _OrganisationFlows | None
) -> tuple[OrganisationResult, ...]:
    results = []
    for org in case.organisations:
        name = org.name
        net_vs_zero = [
            own.benefits[name][t]
            - own.costs[name][t]
            - ((zero.benefits[name][t] - zero.costs[name][t]) if zero else Decimal(0))
            for t in range(case.years)
        ]
        paid_back = payback(np.array([float(v) for v in net_vs_zero]))
        results.append(
            OrganisationResult(
                name=name,
                npv=own.npv[name],
                npv_vs_zero=own.npv[name] - (zero.npv[name] if zero else Decimal(0)),
                payback_year=case.base_year + paid_back.index if paid_back else None,
                yearly=tuple(
                    OrganisationYear(
                        year, own.costs[name][t], own.benefits[name][t], net_vs_zero[t]
                    )
                    for t, year in enumerate(case.calendar_years)
                ),
            )
        )
    return tuple(results)


def benefit_cost_ratio(flows: FloatArray, factors: FloatArray) -> float | None:
    """PV of benefits over PV of costs, from yearly components of shape (COMPONENTS, years).

    Year by year, a negative cost (a tax-financing gain, or a cost saved against the zero
    alternative) counts as a benefit and a negative benefit as a cost, so the ratio of an
    alternative that is cheaper than the zero alternative stays defined.
    """
    signed = np.stack([flows[BENEFITS], -flows[COSTS], -flows[TAX]]) * factors
    return ratio(float(signed[signed > 0].sum()), float(-signed[signed < 0].sum()))


def _year(payback_result: Payback | None, base_year: int) -> tuple[int | None, float | None]:
    if payback_result is None:
        return None, None
    return base_year + payback_result.index, payback_result.years


def evaluate(case: Case, monte_carlo: MonteCarloSettings | None = None) -> CaseResult:
    """Every result of ``case``. ``monte_carlo`` overrides the case's own settings."""
    settings = monte_carlo or case.monte_carlo or DEFAULT_MONTE_CARLO
    inputs = uncertain_inputs(case)
    linear = linear_flows(case, inputs)
    factors = case.discount.factors(case.years)
    point = means(inputs)
    flows = [item.at(point) for item in linear]
    zero_position = next((i for i, alt in enumerate(case.alternatives) if alt.zero), None)
    nothing = LinearFlows(np.zeros_like(linear[0].constant), np.zeros_like(linear[0].coefficients))
    zero_linear = linear[zero_position] if zero_position is not None else nothing
    zero_flows = zero_linear.at(point)

    # The decision basis of every alternative as one linear statistic: constant + x @ w.
    basis_constants = []
    basis_weights = []
    for alt, item in zip(case.alternatives, linear, strict=True):
        compared = nothing if alt.zero else zero_linear
        basis_constants.append(float((item.net_constant - compared.net_constant) @ factors))
        basis_weights.append((item.net_coefficients - compared.net_coefficients) @ factors)
    constants = np.array(basis_constants)
    weights = np.array(basis_weights).T.reshape(len(inputs), len(case.alternatives))
    simulated = simulate(
        inputs, constants, weights, settings.iterations, settings.seed, case.correlations
    )

    zero_split = (
        _organisation_flows(case, case.alternatives[zero_position], flows[zero_position], factors)
        if case.organisations and zero_position is not None
        else None
    )
    results = []
    for position, alt in enumerate(case.alternatives):
        own = flows[position]
        reference = np.zeros_like(own) if alt.zero else zero_flows
        own_net, reference_net = net(own), net(reference)
        basis = own_net - reference_net
        pv = own @ factors
        reference_pv = reference @ factors
        npv = float(own_net @ factors)
        npv_vs_zero = float((own_net - net(zero_flows)) @ factors)
        basis_npv = float(basis @ factors)
        roots = irr_roots(basis)
        simple = payback(basis)
        discounted = payback(basis, factors)
        own_split = _organisation_flows(case, alt, own, factors) if case.organisations else None
        results.append(
            AlternativeResult(
                name=alt.name,
                zero=alt.zero,
                npv=npv,
                npv_vs_zero=npv_vs_zero,
                pv_costs=float(pv[COSTS]),
                pv_benefits=float(pv[BENEFITS]),
                pv_tax_financing=float(pv[TAX]),
                pv_budget=float(pv[BUDGET]),
                benefit_cost_ratio=benefit_cost_ratio(own, factors),
                benefit_cost_ratio_vs_zero=benefit_cost_ratio(own - reference, factors),
                npv_per_budget_krone=ratio(npv, float(pv[BUDGET])),
                npv_per_budget_krone_vs_zero=ratio(
                    basis_npv, float(pv[BUDGET] - reference_pv[BUDGET])
                ),
                irr=roots[0] if len(roots) == 1 else None,
                irr_roots=roots,
                payback_year=_year(simple, case.base_year)[0],
                payback_years=_year(simple, case.base_year)[1],
                discounted_payback_year=_year(discounted, case.base_year)[0],
                discounted_payback_years=_year(discounted, case.base_year)[1],
                yearly=tuple(
                    YearFlow(
                        year=year,
                        discount_factor=float(factors[t]),
                        costs=float(own[COSTS, t]),
                        benefits=float(own[BENEFITS, t]),
                        tax_financing=float(own[TAX, t]),
                        net=float(own_net[t]),
                        net_vs_zero=float(own_net[t] - net(zero_flows)[t]),
                    )
                    for t, year in enumerate(case.calendar_years)
                ),
                by_organisation=(
                    _by_organisation(case, own_split, None if alt.zero else zero_split)
                    if own_split
                    else ()
                ),
                tornado=tornado(basis_npv, weights[:, position], inputs),
                monte_carlo=summarise(
                    simulated[:, position], settings.iterations, settings.seed, settings.bins
                ),
            )
        )
    return CaseResult(
        name=case.name,
        base_year=case.base_year,
        years=case.years,
        discount_factors=tuple(float(f) for f in factors),
        hourly_rate=case.hourly_rate,
        tax_financing_rate=case.tax_financing_rate,
        uncertain_inputs=tuple(item.id for item in inputs),
        alternatives=tuple(results),
    )


def _number(value: Decimal | float | None, places: int = 2) -> float | None:
    return None if value is None else round(float(value), places)


def to_json_dict(result: CaseResult) -> dict[str, Any]:
    """The results as plain JSON types; money rounded to the øre."""
    return {
        "name": result.name,
        "base_year": result.base_year,
        "years": result.years,
        "discount_factors": [round(f, 10) for f in result.discount_factors],
        "hourly_rate": result.hourly_rate,
        "tax_financing_rate": result.tax_financing_rate,
        "uncertain_inputs": list(result.uncertain_inputs),
        "alternatives": [_alternative_json(alt) for alt in result.alternatives],
    }


def _alternative_json(alt: AlternativeResult) -> dict[str, Any]:
    mc = alt.monte_carlo
    return {
        "name": alt.name,
        "zero": alt.zero,
        "npv": _number(alt.npv),
        "npv_vs_zero": _number(alt.npv_vs_zero),
        "pv_costs": _number(alt.pv_costs),
        "pv_benefits": _number(alt.pv_benefits),
        "pv_tax_financing": _number(alt.pv_tax_financing),
        "pv_budget": _number(alt.pv_budget),
        "benefit_cost_ratio": _number(alt.benefit_cost_ratio, 6),
        "benefit_cost_ratio_vs_zero": _number(alt.benefit_cost_ratio_vs_zero, 6),
        "npv_per_budget_krone": _number(alt.npv_per_budget_krone, 6),
        "npv_per_budget_krone_vs_zero": _number(alt.npv_per_budget_krone_vs_zero, 6),
        "irr": _number(alt.irr, 10),
        "irr_roots": [round(root, 10) for root in alt.irr_roots],
        "payback_year": alt.payback_year,
        "payback_years": _number(alt.payback_years, 4),
        "discounted_payback_year": alt.discounted_payback_year,
        "discounted_payback_years": _number(alt.discounted_payback_years, 4),
        "yearly": [
            {
                "year": year.year,
                "discount_factor": round(year.discount_factor, 10),
                "costs": _number(year.costs),
                "benefits": _number(year.benefits),
                "tax_financing": _number(year.tax_financing),
                "net": _number(year.net),
                "net_vs_zero": _number(year.net_vs_zero),
            }
            for year in alt.yearly
        ],
        "by_organisation": {
            org.name: {
                "npv": _number(org.npv),
                "npv_vs_zero": _number(org.npv_vs_zero),
                "payback_year": org.payback_year,
                "years": [year.year for year in org.yearly],
                "costs": [_number(year.costs) for year in org.yearly],
                "benefits": [_number(year.benefits) for year in org.yearly],
                "net_vs_zero": [_number(year.net_vs_zero) for year in org.yearly],
            }
            for org in alt.by_organisation
        },
        "tornado": [
            {
                "input": bar.input,
                "low": bar.low,
                "high": bar.high,
                "npv_low": _number(bar.npv_low),
                "npv_high": _number(bar.npv_high),
                "swing": _number(bar.swing),
                "break_even": _number(bar.break_even, 4),
            }
            for bar in alt.tornado
        ],
        "monte_carlo": {
            "iterations": mc.iterations,
            "seed": mc.seed,
            "p10": _number(mc.p10),
            "p50": _number(mc.p50),
            "p90": _number(mc.p90),
            "mean": _number(mc.mean),
            "std": _number(mc.std),
            "prob_positive": round(mc.prob_positive, 6),
            "histogram": {
                "edges": [_number(edge) for edge in mc.histogram_edges],
                "counts": list(mc.histogram_counts),
            },
            "s_curve": [{"percentile": p, "npv": _number(value)} for p, value in mc.s_curve],
        },
    }
