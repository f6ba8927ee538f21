"""Decision metrics on yearly flows: NPV, IRR, payback, ratios, optimism-bias presets.

Flows are arrays indexed by t = 0..n-1 from the base year (see cashflow's timing
convention). Every function here is pure numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from samla.finance.cashflow import LineKind

FloatArray = NDArray[np.float64]

# HM Treasury, Supplementary Green Book Guidance: Optimism Bias (2003), table 1, from Mott
# MacDonald's review of large public procurement (2002). IT projects fall under
# "equipment/development": capital expenditure +200 % (upper bound, early stage) to +10 %
# (lower bound, once risks are managed). Outsourcing's operating expenditure: +41 % to 0 %.
OPTIMISM_BIAS_PRESETS: dict[str, dict[LineKind, float]] = {
    "green_book_it_upper": {LineKind.INVESTMENT: 2.00, LineKind.OPERATING: 0.41},
    "green_book_it_lower": {LineKind.INVESTMENT: 0.10, LineKind.OPERATING: 0.00},
}


def npv(flows: ArrayLike, factors: ArrayLike) -> float:
    return float(np.dot(np.asarray(flows, dtype=np.float64), np.asarray(factors, dtype=np.float64)))


def sign_changes(flows: ArrayLike) -> int:
    values = np.asarray(flows, dtype=np.float64)
    signs = np.sign(values[values != 0])
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def irr_roots(flows: ArrayLike) -> tuple[float, ...]:
    """Every real rate r > -1 at which the NPV of ``flows`` is zero, ascending.

    With x = 1 / (1 + r) the NPV is the polynomial sum(f_t * x^t); its positive real roots
    give the rates. No sign change in the flows means no root (Descartes' rule).
    """
    values = np.asarray(flows, dtype=np.float64)
    if sign_changes(values) == 0:
        return ()
    values = values / np.max(np.abs(values))
    # Coefficients far below the largest only matter at rates next to -100 %, and they
    # wreck the companion matrix's conditioning, so they count as zero here.
    nonzero = np.flatnonzero(np.abs(values) > 1e-12)
    # Leading zeros are factors of x (a root at x = 0, an infinite rate): drop them.
    coefficients = values[nonzero[0] : nonzero[-1] + 1]
    roots = np.polynomial.polynomial.polyroots(coefficients)
    real = roots.real[
        (np.abs(roots.imag) <= 1e-7 * np.maximum(1.0, np.abs(roots))) & (roots.real > 0)
    ]
    rates: list[float] = []
    for x in real:
        rate = _polish(values, 1.0 / x - 1.0)
        if rate > -1 and all(abs(rate - seen) > 1e-9 * max(1.0, abs(seen)) for seen in rates):
            rates.append(rate)
    return tuple(sorted(rates))


def _polish(values: FloatArray, rate: float) -> float:
    """A few Newton steps on NPV(rate) to recover the digits the root finder lost."""
    t = np.arange(len(values), dtype=np.float64)
    for _ in range(3):
        base = 1.0 + rate
        if base <= 0:
            break
        discount = base**-t
        value = float(values @ discount)
        slope = float(values @ (-t * discount / base))
        if slope == 0 or not np.isfinite(slope):
            break
        step = value / slope
        if not np.isfinite(step) or abs(step) > 0.5 * abs(base):
            break
        rate -= step
    return float(rate)


def irr(flows: ArrayLike) -> float | None:
    """The internal rate of return when it is unique; None when there is none or several."""
    roots = irr_roots(flows)
    return roots[0] if len(roots) == 1 else None


@dataclass(frozen=True)
class Payback:
    index: int  # t of the first year-end from which the cumulative flow stays >= 0
    years: float  # interpolated linearly between year-ends, counted from the base year


def payback(flows: ArrayLike, factors: ArrayLike | None = None) -> Payback | None:
    """When the cumulative (optionally discounted) flow turns and stays non-negative.

    A flow whose cumulative sum is never negative pays back at t = 0. A flow still negative
    in the last year never pays back (None).
    """
    values = np.asarray(flows, dtype=np.float64)
    if factors is not None:
        values = values * np.asarray(factors, dtype=np.float64)
    if values.size == 0:
        return None
    cumulative = np.cumsum(values)
    tolerance = 1e-9 * max(1.0, float(np.max(np.abs(values))))
    negative = np.flatnonzero(cumulative < -tolerance)
    if negative.size == 0:
        return Payback(0, 0.0)
    k = int(negative[-1]) + 1
    if k == len(cumulative):
        return None
    before, after = float(cumulative[k - 1]), float(cumulative[k])
    return Payback(k, (k - 1) + (-before) / (after - before))


def ratio(numerator: float, denominator: float) -> float | None:
    """A ratio that is only meaningful for a positive denominator."""
    return numerator / denominator if denominator > 0 else None
