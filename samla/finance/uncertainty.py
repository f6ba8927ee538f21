"""Sensitivity and Monte Carlo on a result that is linear in the uncertain inputs.

Every NPV in a business case is ``constant + x @ w`` where x holds the uncertain inputs and
w their present-value weights (see cashflow.linear_flows), so:

- one-way sensitivity moves one input to its low and high value: NPV = base + (v - mean) w;
- the break-even value of an input is where that line crosses zero: mean - base / w;
- the Monte Carlo draws all iterations at once, X of shape (iterations, inputs), and gets
  every statistic of every alternative with one matrix product X @ W.

Correlation between inputs uses the Iman–Conover method: each input is drawn from its own
distribution, then the columns are reordered so that their ranks follow correlated normal
scores. It keeps every marginal exactly and needs no inverse CDFs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from samla.finance.cashflow import Correlation, UncertainInput
from samla.finance.distributions import Distribution, draw_family

FloatArray = NDArray[np.float64]

SCURVE_PERCENTILES = tuple(range(0, 101, 5))


class CorrelationError(ValueError):
    """The correlations given cannot hold together (the matrix is not positive definite)."""


def means(inputs: list[UncertainInput]) -> FloatArray:
    return np.array([item.distribution.mean for item in inputs], dtype=np.float64)


def correlation_matrix(
    inputs: list[UncertainInput], correlations: tuple[Correlation, ...]
) -> FloatArray:
    index = {item.id: position for position, item in enumerate(inputs)}
    matrix = np.eye(len(inputs))
    for pair in correlations:
        i, j = index[pair.first], index[pair.second]
        matrix[i, j] = matrix[j, i] = pair.rho
    return matrix


def draw(
    inputs: list[UncertainInput],
    iterations: int,
    rng: np.random.Generator,
    correlations: tuple[Correlation, ...] = (),
) -> FloatArray:
    """Samples of every input, shape (iterations, inputs), drawn family by family."""
    samples = np.empty((iterations, len(inputs)))
    families: dict[type, list[int]] = {}
    for position, item in enumerate(inputs):
        families.setdefault(type(item.distribution), []).append(position)
    for columns in families.values():
        distributions: list[Distribution] = [inputs[c].distribution for c in columns]
        samples[:, columns] = draw_family(rng, distributions, iterations)
    if correlations:
        samples = _impose_correlation(samples, inputs, correlations, rng)
    return samples


def _impose_correlation(
    samples: FloatArray,
    inputs: list[UncertainInput],
    correlations: tuple[Correlation, ...],
    rng: np.random.Generator,
) -> FloatArray:
    matrix = correlation_matrix(inputs, correlations)
    involved = np.flatnonzero(np.any(matrix - np.eye(len(inputs)) != 0, axis=0))
    target = matrix[np.ix_(involved, involved)]
    try:
        cholesky = np.linalg.cholesky(target)
    except np.linalg.LinAlgError as error:
        raise CorrelationError(
            "the correlations are not consistent (not positive definite)"
        ) from error
    scores = rng.standard_normal((samples.shape[0], involved.size)) @ cholesky.T
    ranks = np.argsort(np.argsort(scores, axis=0), axis=0)
    result = samples.copy()
    result[:, involved] = np.take_along_axis(np.sort(samples[:, involved], axis=0), ranks, axis=0)
    return result


@dataclass(frozen=True)
class TornadoBar:
    input: str
    low: float
    high: float
    npv_low: float
    npv_high: float
    swing: float
    break_even: float | None  # the input value at which the NPV is zero, others at base


def tornado(
    base_npv: float, weights: FloatArray, inputs: list[UncertainInput]
) -> tuple[TornadoBar, ...]:
    """One-way sensitivity of ``base_npv`` to each input it depends on, largest swing first."""
    bars = []
    for item, weight in zip(inputs, weights, strict=True):
        if weight == 0:
            continue
        mean = item.distribution.mean
        low, high = item.distribution.low, item.distribution.high
        npv_low = base_npv + (low - mean) * float(weight)
        npv_high = base_npv + (high - mean) * float(weight)
        bars.append(
            TornadoBar(
                input=item.id,
                low=low,
                high=high,
                npv_low=npv_low,
                npv_high=npv_high,
                swing=abs(npv_high - npv_low),
                break_even=mean - base_npv / float(weight),
            )
        )
    return tuple(sorted(bars, key=lambda bar: -bar.swing))


@dataclass(frozen=True)
class MonteCarloResult:
    iterations: int
    seed: int | None
    p10: float
    p50: float
    p90: float
    mean: float
    std: float
    prob_positive: float
    histogram_edges: tuple[float, ...]
    histogram_counts: tuple[int, ...]
    s_curve: tuple[tuple[int, float], ...]  # (percentile, NPV)


def summarise(npvs: FloatArray, iterations: int, seed: int | None, bins: int) -> MonteCarloResult:
    """The statistics of one column of simulated NPVs."""
    percentiles = np.percentile(npvs, [10, 50, 90, *SCURVE_PERCENTILES])
    counts, edges = np.histogram(npvs, bins=bins)
    return MonteCarloResult(
        iterations=iterations,
        seed=seed,
        p10=float(percentiles[0]),
        p50=float(percentiles[1]),
        p90=float(percentiles[2]),
        mean=float(np.mean(npvs)),
        std=float(np.std(npvs)),
        prob_positive=float(np.mean(npvs > 0)),
        histogram_edges=tuple(float(edge) for edge in edges),
        histogram_counts=tuple(int(count) for count in counts),
        s_curve=tuple(zip(SCURVE_PERCENTILES, (float(v) for v in percentiles[3:]), strict=True)),
    )


def simulate(
    inputs: list[UncertainInput],
    constants: FloatArray,
    weights: FloatArray,
    iterations: int,
    seed: int | None,
    correlations: tuple[Correlation, ...] = (),
) -> FloatArray:
    """Simulated values of several linear statistics: shape (iterations, statistics).

    ``constants`` has shape (statistics,), ``weights`` (inputs, statistics).
    """
    rng = np.random.default_rng(seed)
    if not inputs:
        return np.broadcast_to(constants, (iterations, constants.size)).copy()
    samples = draw(inputs, iterations, rng, correlations)
    result: FloatArray = samples @ weights + constants
    return result
