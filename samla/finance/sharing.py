"""Splitting an amount between parties by weights, to the øre.

Pure Python: no Django import. Largest-remainder rounding makes the shares add up to
exactly the amount: each party first gets its share rounded down to whole øre, and the
øre left over go one by one to the parties with the largest remainders (ties broken by
the order the parties were given in, so the result is deterministic).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_FLOOR, Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
ORE = Decimal("0.01")


class SharingError(ValueError):
    """The weights cannot split an amount (empty, negative, or all zero)."""


def normalise_weights(weights: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """Weights as fractions that sum to 1."""
    if not weights:
        raise SharingError("no parties to share between")
    if any(w < 0 for w in weights.values()):
        raise SharingError("weights must not be negative")
    total = sum(weights.values(), Decimal(0))
    if total == 0:
        raise SharingError("weights sum to zero")
    return {key: Decimal(w) / total for key, w in weights.items()}


def split_amount(amount: Decimal, weights: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """Split ``amount`` (kroner) by ``weights``; the shares sum to ``amount`` to the øre.

    A negative amount (income) is split as its absolute value and negated, so that a
    refund is shared exactly as a cost would be.
    """
    amount = Decimal(amount).quantize(ORE)
    if amount < 0:
        return {key: -share for key, share in split_amount(-amount, weights).items()}
    fractions = normalise_weights(weights)
    total_ore = int(amount / ORE)
    exact = {key: fraction * total_ore for key, fraction in fractions.items()}
    floors = {key: int(value.to_integral_value(rounding=ROUND_FLOOR)) for key, value in exact.items()}
    left_over = total_ore - sum(floors.values())
    order = list(fractions)
    by_remainder = sorted(order, key=lambda key: (-(exact[key] - floors[key]), order.index(key)))
    for key in by_remainder[:left_over]:
        floors[key] += 1
    return {key: Decimal(floors[key]) * ORE for key in order}


def population_weights(population: Mapping[K, int]) -> dict[K, Decimal]:
    return {key: Decimal(value) for key, value in population.items()}


def equal_weights(parties: list[K]) -> dict[K, Decimal]:
    return {key: Decimal(1) for key in parties}


def fixed_plus_population_weights(
    population: Mapping[K, int], fixed_share_percent: Decimal
) -> dict[K, Decimal]:
    """A fixed share split equally, the rest by population (e.g. 30 % equal / 70 % by population)."""
    if not 0 <= fixed_share_percent <= 100:
        raise SharingError("fixed share must be between 0 and 100 %")
    fixed = Decimal(fixed_share_percent) / 100
    equal = normalise_weights(equal_weights(list(population)))
    by_population = (
        normalise_weights(population_weights(population))
        if sum(population.values()) > 0
        else equal
    )
    return {key: fixed * equal[key] + (1 - fixed) * by_population[key] for key in population}
