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
    coefficients = values / np.max(np.abs(values))
    # Eigenvalue root finders keep the relative accuracy of large roots and lose it on
    # small ones, so roots with x >= 1/2 (rates <= 100 %) come from the polynomial in x,
    # and roots with x <= 2/3 from the reversed polynomial in y = 1 + r = 1 / x. The
    # windows overlap so that no root on a boundary is lost; duplicates are merged.
    in_y = coefficients[::-1]
    candidates = [
        1.0 / _polish(coefficients, x) - 1.0 for x in _positive_real(coefficients) if x >= 0.5
    ]
    candidates += [_polish(in_y, y) - 1.0 for y in _positive_real(in_y) if y >= 1.5]
    rates: list[float] = []
    for rate in sorted(candidates):
        if rate > -1 and all(abs(rate - seen) > 1e-7 * max(1.0, abs(seen)) for seen in rates):
            rates.append(rate)
    return tuple(sorted(rates))


def _positive_real(coefficients: FloatArray) -> list[float]:
    """The positive real roots of a polynomial (coefficients in ascending order)."""
    # Zeros at the bottom are roots at 0 (an infinite rate): factor them out. Negligible
    # coefficients at the top only make roots beyond 1e14, and they would blow up the
    # companion matrix, so they go too.
    low = int(np.flatnonzero(coefficients)[0])
    high = int(np.flatnonzero(np.abs(coefficients) > 1e-14 * np.max(np.abs(coefficients)))[-1])
    if high <= low:
        return []
    roots = np.polynomial.polynomial.polyroots(coefficients[low : high + 1])
    real = np.abs(roots.imag) <= 1e-7 * np.maximum(1.0, np.abs(roots))
    return [float(root) for root in roots.real[real & (roots.real > 0)]]


def _polish(coefficients: FloatArray, root: float) -> float:
    """A few Newton steps on the polynomial to recover the digits the eigenvalues lost."""
    derivative = np.polynomial.polynomial.polyder(coefficients)
    for _ in range(4):
        value = np.polynomial.polynomial.polyval(root, coefficients)
        slope = np.polynomial.polynomial.polyval(root, derivative)
        if slope == 0 or not np.isfinite(value / slope):
            break
        step = float(value / slope)
        if abs(step) > 0.5 * abs(root):  # not converging: keep the eigenvalue
            break
        root -= step
    return root


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
