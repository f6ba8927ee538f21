"""Portfolio selection benchmark (issue: portfolio).

1 000 proposals over a 5-year plan, 200 dependencies and 50 mutual-exclusion groups, a yearly
budget that covers about a third of what is asked and a capacity in hours. The MILP
(``samla.finance.portfolio.select``, HiGHS through scipy) must reach proven optimality within
a 0.1 % gap in under 5 s; beside it, the greedy rule (highest value per krone first) with its
total value, its time, and the ratio of the two values. Pure computation: no database.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

PROPOSALS = 1_000
YEARS = 5
DEPENDENCIES = 200
EXCLUSION_GROUPS = 50
TARGET_S = 5.0
RUNS = 3


def build(seed: int = 1000) -> Any:
    from samla.finance.portfolio import Problem, Proposal

    rng = random.Random(seed)
    keys = [f"F{i:04d}" for i in range(PROPOSALS)]
    requires: dict[str, set[str]] = {k: set() for k in keys}
    while sum(len(v) for v in requires.values()) < DEPENDENCIES:
        a, b = sorted(rng.sample(range(PROPOSALS), 2))
        requires[keys[b]].add(keys[a])  # later requires earlier: never a cycle
    proposals = []
    demand = [0.0] * YEARS
    hours_demand = [0.0] * YEARS
    for key in keys:
        start = rng.randrange(YEARS)
        length = rng.randint(1, 3)
        size = rng.lognormvariate(14.5, 0.8)  # median ≈ 2 mill. kr a year
        costs = [0.0] * YEARS
        hours = [0.0] * YEARS
        for y in range(start, min(YEARS, start + length)):
            costs[y] = round(size * rng.uniform(0.6, 1.4), -3)
            hours[y] = round(costs[y] / 1_000 * rng.uniform(0.5, 2))
            demand[y] += costs[y]
            hours_demand[y] += hours[y]
        value = round(min(100.0, max(1.0, rng.gauss(50, 20) + size / 1e6)), 1)
        proposals.append(Proposal(key, value, tuple(costs), tuple(hours), tuple(sorted(requires[key]))))
    pool = keys[:]
    rng.shuffle(pool)
    exclusions = []
    for _ in range(EXCLUSION_GROUPS):
        size = rng.randint(2, 4)
        exclusions.append(tuple(pool[:size]))
        pool = pool[size:]
    return Problem(
        proposals=tuple(proposals),
        budgets=tuple(round(d / 3, -3) for d in demand),
        capacities=tuple(round(h / 2.5) for h in hours_demand),
        carry_forward=True,
        exclusions=tuple(exclusions),
    )


def run(only: list[str]) -> dict[str, Any]:
    from samla.finance.portfolio import greedy, select

    problem = build()
    milp_times, greedy_times = [], []
    best = quick = None
    for _ in range(RUNS):
        started = time.perf_counter()
        best = select(problem, gap=0.001, time_limit=60)
        milp_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        quick = greedy(problem)
        greedy_times.append(time.perf_counter() - started)
    assert best is not None and quick is not None
    reasons: dict[str, int] = {}
    for reason in best.left_out.values():
        reasons[reason.code] = reasons.get(reason.code, 0) + 1
    figures: dict[str, Any] = {
        "size": {"proposals": PROPOSALS, "years": YEARS, "dependencies": DEPENDENCIES, "exclusion_groups": EXCLUSION_GROUPS},
        "milp": {
            "value": round(best.value, 1),
            "chosen": len(best.chosen),
            "gap": best.gap,
            "proven_optimal_within_gap": best.optimal,
            "min_s": round(min(milp_times), 3),
            "median_s": round(statistics.median(milp_times), 3),
        },
        "greedy": {
            "value": round(quick.value, 1),
            "chosen": len(quick.chosen),
            "min_s": round(min(greedy_times), 4),
            "median_s": round(statistics.median(greedy_times), 4),
        },
        "greedy_to_optimal_value_ratio": round(quick.value / best.value, 4),
        "left_out_reasons": reasons,
    }
    m, g = figures["milp"], figures["greedy"]
    verdict = "ok" if m["median_s"] < TARGET_S and best.optimal and best.gap <= 0.001 else "SLOW"
    print(f"MILP   value {m['value']:>9} chosen {m['chosen']:>4} gap {m['gap']:.5f} min {m['min_s']} s median {m['median_s']} s  target <{TARGET_S} s: {verdict}")
    print(f"greedy value {g['value']:>9} chosen {g['chosen']:>4} min {g['min_s']} s median {g['median_s']} s")
    print(f"greedy / optimal value: {figures['greedy_to_optimal_value_ratio']}; left out: {reasons}")
    return figures
