"""The business-case model and its yearly cash flows, in real prices.

Timing convention: the base year is t = 0 and is not discounted; year ``base_year + k`` is
discounted by the product of (1 + r_j) for j = 1..k, which is (1 + r)^k for a constant
rate r. A stepped rate (e.g. 4 % for the first 40 years, then 3 %) applies each band's rate
to the years in that band, so the factor keeps compounding across bands.

Every amount is positive; the line's kind gives the sign: investment and operating are
costs, benefit, time saving and residual value are benefits.

The yearly flows are linear in the uncertain amounts, which is what makes the Monte Carlo
one matrix product: :func:`linear_flows` returns for each alternative a constant part and a
coefficient per uncertain input, per component (costs, benefits, net budget cost, tax).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from samla.finance.distributions import Amount, Distribution, expected

FloatArray = NDArray[np.float64]

DEFAULT_DISCOUNT_RATE = 0.04  # DFØ's real rate for the first 40 years
DEFAULT_HOURLY_RATE = 500.0
DEFAULT_TAX_FINANCING_RATE = 0.20


class LineKind(StrEnum):
    INVESTMENT = "investment"
    OPERATING = "operating"
    BENEFIT = "benefit"
    TIME_SAVING = "time_saving"
    RESIDUAL = "residual"

    @property
    def is_cost(self) -> bool:
        return self in (LineKind.INVESTMENT, LineKind.OPERATING)

    @property
    def budget_by_default(self) -> bool:
        # Time saved and residual value do not change a budget unless the user says so.
        return self in (LineKind.INVESTMENT, LineKind.OPERATING, LineKind.BENEFIT)


class SplitMethod(StrEnum):
    POPULATION = "population"
    EQUAL = "equal"
    MIX = "mix"  # a fixed share split equally, the rest by population
    WEIGHTS = "weights"
    USERS = "users"


@dataclass(frozen=True)
class SplitKey:
    method: SplitMethod
    fixed_share: float = 0.0  # MIX: the equal part, 0..1
    weights: tuple[tuple[str, float], ...] = ()  # WEIGHTS: organisation name -> weight


@dataclass(frozen=True)
class Organisation:
    name: str
    population: int | None = None
    users: int | None = None


@dataclass(frozen=True)
class Line:
    kind: LineKind
    name: str
    amount: Amount  # for TIME_SAVING: hours per year
    first_year: int
    last_year: int
    hourly_rate: float | None = None  # TIME_SAVING only; None means the case's rate
    split: SplitKey | None = None  # None means the case's key
    budget: bool | None = None  # changes a public budget; None means the kind's default

    @property
    def affects_budget(self) -> bool:
        return self.kind.budget_by_default if self.budget is None else self.budget


@dataclass(frozen=True)
class Alternative:
    name: str
    lines: tuple[Line, ...] = ()
    zero: bool = False


@dataclass(frozen=True)
class RateBand:
    rate: float
    years: int | None = None  # how many years the band lasts; None: the rest


@dataclass(frozen=True)
class DiscountSchedule:
    bands: tuple[RateBand, ...] = (RateBand(DEFAULT_DISCOUNT_RATE),)

    @classmethod
    def constant(cls, rate: float) -> DiscountSchedule:
        return cls((RateBand(rate),))

    def rate_in_year(self, k: int) -> float:
        """The rate that discounts year k (k >= 1) back to year k - 1."""
        start = 1
        for band in self.bands:
            if band.years is None or k < start + band.years:
                return band.rate
            start += band.years
        return self.bands[-1].rate

    def factors(self, years: int) -> FloatArray:
        """Discount factors for t = 0..years-1; factor 0 is 1."""
        rates = np.array([self.rate_in_year(k) for k in range(1, years)], dtype=np.float64)
        return np.concatenate(([1.0], np.cumprod(1.0 / (1.0 + rates))))

    @property
    def is_constant(self) -> bool:
        return len({band.rate for band in self.bands}) == 1


@dataclass(frozen=True)
class MonteCarloSettings:
    iterations: int = 10_000
    seed: int | None = None
    bins: int = 30


@dataclass(frozen=True)
class Correlation:
    first: str  # input ids: "Alternative/Line"
    second: str
    rho: float


@dataclass(frozen=True)
class Case:
    name: str
    base_year: int
    years: int
    alternatives: tuple[Alternative, ...]
    discount: DiscountSchedule = field(default_factory=DiscountSchedule)
    hourly_rate: float = DEFAULT_HOURLY_RATE
    organisations: tuple[Organisation, ...] = ()
    split: SplitKey | None = None
    monte_carlo: MonteCarloSettings | None = None
    tax_financing_rate: float = 0.0  # 0: not included
    optimism_bias: tuple[tuple[LineKind, float], ...] = ()
    correlations: tuple[Correlation, ...] = ()

    @property
    def last_year(self) -> int:
        return self.base_year + self.years - 1

    @property
    def calendar_years(self) -> list[int]:
        return list(range(self.base_year, self.base_year + self.years))

    @property
    def zero_alternative(self) -> Alternative | None:
        return next((alt for alt in self.alternatives if alt.zero), None)

    def uplift(self, kind: LineKind) -> float:
        return dict(self.optimism_bias).get(kind, 0.0)


def input_id(alternative: Alternative, line: Line) -> str:
    return f"{alternative.name}/{line.name}"


def optimism_factor(case: Case, kind: LineKind) -> float:
    """Costs are raised by the uplift; benefits are lowered by it."""
    uplift = case.uplift(kind)
    return 1 + uplift if kind.is_cost else 1 - uplift


def line_scale(case: Case, line: Line) -> float:
    """Kroner per unit of the line's amount, optimism bias included."""
    unit = 1.0
    if line.kind is LineKind.TIME_SAVING:
        unit = case.hourly_rate if line.hourly_rate is None else line.hourly_rate
    return unit * optimism_factor(case, line.kind)


def line_active_years(case: Case, line: Line) -> FloatArray:
    years = np.arange(case.base_year, case.base_year + case.years)
    return ((years >= line.first_year) & (years <= line.last_year)).astype(np.float64)


def line_yearly(case: Case, line: Line) -> FloatArray:
    """The line's yearly amount in kroner at its point estimate, positive whatever the kind."""
    return expected(line.amount) * line_scale(case, line) * line_active_years(case, line)


@dataclass(frozen=True)
class UncertainInput:
    id: str
    alternative: str
    line: str
    distribution: Distribution


# Components of an alternative's flows.
COSTS, BENEFITS, BUDGET, TAX = 0, 1, 2, 3
COMPONENTS = 4


@dataclass(frozen=True, eq=False)
class LinearFlows:
    """Yearly flows of one alternative as ``constant + x @ coefficients`` per component.

    ``constant`` has shape (COMPONENTS, years); ``coefficients`` (COMPONENTS, inputs, years),
    where x holds one value per uncertain input of the whole case.
    """

    constant: FloatArray
    coefficients: FloatArray

    def at(self, values: FloatArray) -> FloatArray:
        """The components' yearly flows for one vector of input values: (COMPONENTS, years)."""
        return self.constant + np.einsum("k,ckt->ct", values, self.coefficients)

    @property
    def net_constant(self) -> FloatArray:
        return net(self.constant)

    @property
    def net_coefficients(self) -> FloatArray:
        return net(self.coefficients)


def net(components: FloatArray) -> FloatArray:
    """Benefits minus costs minus tax-financing cost, along the first axis."""
    result: FloatArray = components[BENEFITS] - components[COSTS] - components[TAX]
    return result


def uncertain_inputs(case: Case) -> list[UncertainInput]:
    inputs = [
        UncertainInput(input_id(alt, line), alt.name, line.name, line.amount)
        for alt in case.alternatives
        for line in alt.lines
        if not isinstance(line.amount, int | float)
    ]
    if len({item.id for item in inputs}) != len(inputs):
        raise ValueError("uncertain lines need names that are unique within their alternative")
    return inputs


def linear_flows(case: Case, inputs: list[UncertainInput]) -> list[LinearFlows]:
    """One :class:`LinearFlows` per alternative, in the case's order."""
    index = {item.id: position for position, item in enumerate(inputs)}
    result = []
    for alt in case.alternatives:
        constant = np.zeros((COMPONENTS, case.years))
        coefficients = np.zeros((COMPONENTS, len(inputs), case.years))
        for line in alt.lines:
            per_unit = line_scale(case, line) * line_active_years(case, line)
            component = COSTS if line.kind.is_cost else BENEFITS
            budget_sign = 1.0 if line.kind.is_cost else -1.0
            key = input_id(alt, line)
            if key in index:
                target = coefficients[:, index[key], :]
                scaled = per_unit
            else:
                target = constant
                scaled = per_unit * float(line.amount)  # type: ignore[arg-type]
            target[component] += scaled
            if line.affects_budget:
                target[BUDGET] += budget_sign * scaled
        constant[TAX] = case.tax_financing_rate * constant[BUDGET]
        coefficients[TAX] = case.tax_financing_rate * coefficients[BUDGET]
        result.append(LinearFlows(constant, coefficients))
    return result
