"""Finance benchmark (issue: business cases).

The Monte Carlo engine at 100 000 iterations × 15 years × 30 uncertain inputs, beside a
plain numpy floor of the same size: draw the same number of random numbers and do one
matrix product. Best of several runs each; the ratio engine / floor says how much the
engine's distribution sampling and bookkeeping cost over the bare arithmetic.
Target: the engine under 500 ms on the 2-core machine.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from samla.finance.cashflow import (
    Alternative,
    Case,
    Line,
    LineKind,
    MonteCarloSettings,
    linear_flows,
    uncertain_inputs,
)
from samla.finance.distributions import Normal, Pert, Triangular, Uniform
from samla.finance.evaluate import evaluate
from samla.finance.uncertainty import simulate

ITERATIONS = 100_000
YEARS = 15
INPUTS = 30
RUNS = 7


def benchmark_case() -> Case:
    """30 uncertain lines over 15 years, the four families mixed, in two alternatives."""
    families = [
        Triangular(800_000, 1_000_000, 1_600_000),
        Pert(800_000, 1_000_000, 1_600_000),
        Uniform(800_000, 1_600_000),
        Normal(1_000_000, 150_000),
    ]
    kinds = [LineKind.OPERATING, LineKind.BENEFIT, LineKind.TIME_SAVING]
    lines = [
        Line(
            kinds[i % 3],
            f"Linje {i}",
            families[i % 4],
            2025 + i % 5,
            2039,
        )
        for i in range(INPUTS - 2)
    ]
    zero = Alternative(
        "Null",
        (
            Line(LineKind.OPERATING, "Gammel drift", Triangular(1e6, 2e6, 3e6), 2025, 2039),
            Line(LineKind.OPERATING, "Gammel lisens", Uniform(1e5, 3e5), 2025, 2039),
        ),
        zero=True,
    )
    return Case(
        name="bench",
        base_year=2025,
        years=YEARS,
        alternatives=(
            zero,
            Alternative("Ny", (Line(LineKind.INVESTMENT, "Kjøp", 5e6, 2025, 2025), *lines)),
        ),
        monte_carlo=MonteCarloSettings(ITERATIONS, seed=1),
        tax_financing_rate=0.2,
    )


def floor_once(rng: np.random.Generator, flows: np.ndarray, factors: np.ndarray) -> np.ndarray:
    samples = rng.random((ITERATIONS, INPUTS))
    return samples @ (flows @ factors)  # type: ignore[no-any-return]


def best_ms(function: Any) -> float:
    function()  # warm up
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return min(timings)


def run(only: list[str]) -> dict[str, Any]:
    case = benchmark_case()
    inputs = uncertain_inputs(case)
    factors = case.discount.factors(YEARS)
    linear = linear_flows(case, inputs)
    # The engine proper: draw every input for every iteration, one product for all NPVs.
    weights = np.stack([item.net_coefficients @ factors for item in linear], axis=1)
    constants = np.array([item.net_constant @ factors for item in linear])
    engine_ms = best_ms(lambda: simulate(inputs, constants, weights, ITERATIONS, 1))
    evaluate_ms = best_ms(lambda: evaluate(case))
    rng = np.random.default_rng(1)
    flows = rng.random((INPUTS, YEARS))
    floor_ms = best_ms(lambda: floor_once(rng, flows, factors))
    result = {
        "size": f"{ITERATIONS} iterations × {YEARS} years × {INPUTS} uncertain inputs",
        "engine_ms": round(engine_ms, 1),
        "evaluate_ms": round(evaluate_ms, 1),
        "floor_ms": round(floor_ms, 1),
        "ratio": round(engine_ms / floor_ms, 1),
        "target_ms": 500,
    }
    print(
        f"Monte Carlo ({result['size']}), best of {RUNS}: engine {result['engine_ms']} ms, "
        f"numpy floor {result['floor_ms']} ms, ratio {result['ratio']}; the whole evaluate "
        f"(flows, tornado, shares, statistics) {result['evaluate_ms']} ms"
    )
    return result
