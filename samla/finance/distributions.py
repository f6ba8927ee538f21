"""Uncertain amounts: triangular, PERT, uniform and normal distributions.

An amount in a business case is either a plain number or one of these. The point estimate
used for the deterministic results is the distribution's mean (expected value), so the
deterministic NPV equals the Monte Carlo mean up to sampling noise.

``low`` and ``high`` are the values the one-way sensitivity (tornado) uses: the extremes
the user gave for the bounded distributions, and the 5th and 95th percentiles for the
normal distribution, which has no finite extremes.

Sampling is vectorised per distribution family: one call draws a block of shape
(iterations, inputs of that family).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# Standard normal quantile at 0.95 (so mean ± Z95 * sd are the 5th and 95th percentiles).
Z95 = 1.6448536269514722
# The usual PERT weight of the mode.
PERT_LAMBDA = 4.0

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Triangular:
    min: float
    mode: float
    max: float

    @property
    def mean(self) -> float:
        return (self.min + self.mode + self.max) / 3

    @property
    def low(self) -> float:
        return self.min

    @property
    def high(self) -> float:
        return self.max


@dataclass(frozen=True)
class Pert:
    min: float
    mode: float
    max: float

    @property
    def mean(self) -> float:
        return (self.min + PERT_LAMBDA * self.mode + self.max) / (PERT_LAMBDA + 2)

    @property
    def low(self) -> float:
        return self.min

    @property
    def high(self) -> float:
        return self.max


@dataclass(frozen=True)
class Uniform:
    min: float
    max: float

    @property
    def mean(self) -> float:
        return (self.min + self.max) / 2

    @property
    def low(self) -> float:
        return self.min

    @property
    def high(self) -> float:
        return self.max


@dataclass(frozen=True)
class Normal:
    mean: float
    sd: float

    @property
    def low(self) -> float:
        return self.mean - Z95 * self.sd

    @property
    def high(self) -> float:
        return self.mean + Z95 * self.sd


Distribution = Triangular | Pert | Uniform | Normal
Amount = float | Distribution


def expected(amount: Amount) -> float:
    """The point estimate of an amount: the number itself, or the distribution's mean."""
    return float(amount) if isinstance(amount, int | float) else amount.mean


def describe(amount: Amount) -> str:
    if isinstance(amount, Triangular):
        return f"triangular({amount.min:g}, {amount.mode:g}, {amount.max:g})"
    if isinstance(amount, Pert):
        return f"PERT({amount.min:g}, {amount.mode:g}, {amount.max:g})"
    if isinstance(amount, Uniform):
        return f"uniform({amount.min:g}, {amount.max:g})"
    if isinstance(amount, Normal):
        return f"normal({amount.mean:g}, sd {amount.sd:g})"
    return f"{amount:g}"


def _params(distributions: list[Distribution], *names: str) -> list[FloatArray]:
    return [np.array([getattr(d, name) for d in distributions], dtype=np.float64) for name in names]


def draw_family(
    rng: np.random.Generator, distributions: list[Distribution], iterations: int
) -> FloatArray:
    """Draw ``iterations`` values of each distribution; all of one family, shape (n, len)."""
    family = type(distributions[0])
    size = (iterations, len(distributions))
    if family is Triangular:
        low, mode, high = _params(distributions, "min", "mode", "max")
        width = high - low
        # Inverse CDF of the triangular distribution, closed form.
        cut = np.divide(mode - low, width, out=np.zeros_like(width), where=width > 0)
        u = rng.random(size)
        left = low + np.sqrt(u * width * (mode - low))
        right = high - np.sqrt((1 - u) * width * (high - mode))
        return np.where(u < cut, left, right)
    if family is Pert:
        low, mode, high = _params(distributions, "min", "mode", "max")
        width = high - low
        safe = np.where(width > 0, width, 1.0)
        alpha = 1 + PERT_LAMBDA * (mode - low) / safe
        beta = 1 + PERT_LAMBDA * (high - mode) / safe
        return low + width * rng.beta(alpha, beta, size)
    if family is Uniform:
        low, high = _params(distributions, "min", "max")
        return low + (high - low) * rng.random(size)
    if family is Normal:
        mean, sd = _params(distributions, "mean", "sd")
        return mean + sd * rng.standard_normal(size)
    raise TypeError(f"not a distribution: {family!r}")
