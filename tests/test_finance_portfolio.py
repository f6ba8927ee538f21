"""AHP weights and the budget-constrained selection of samla.finance.portfolio, checked against
independent oracles: power iteration for the eigenvector, exhaustive enumeration for the
optimum, and the constraints themselves for every stated reason."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samla.finance.portfolio import (
    RANDOM_INDEX,
    PortfolioInputError,
    Problem,
    Proposal,
    ahp,
    check_weights,
    dependency_cycle,
    explain,
    frontier,
    greedy,
    select,
)

# --- AHP ------------------------------------------------------------------------------------


def test_random_index_is_saatys() -> None:
    assert RANDOM_INDEX == (0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=1, max_value=3), min_size=2, max_size=8))
def test_a_consistent_matrix_gives_back_its_weights(raw: list[float]) -> None:
    w = np.array(raw) / sum(raw)
    matrix = w[:, None] / w[None, :]
    result = ahp(matrix)
    assert np.allclose(result.weights, w, atol=1e-9)
    assert result.consistency_ratio == pytest.approx(0, abs=1e-9)
    assert result.inconsistencies == ()


def _power_iteration(matrix: np.ndarray) -> tuple[np.ndarray, float]:
    v = np.ones(len(matrix)) / len(matrix)
    for _ in range(500):
        nxt = matrix @ v
        v = nxt / nxt.sum()
    lam = float((matrix @ v / v).mean())
    return v, lam


def test_an_inconsistent_matrix_is_flagged_and_its_worst_comparison_named() -> None:
    # A prefers B, B prefers C, but C is said to beat A strongly: a contradiction.
    m = np.array([[1, 3, 1 / 5], [1 / 3, 1, 3], [5, 1 / 3, 1]])
    result = ahp(m)
    w, lam = _power_iteration(m)
    assert np.allclose(result.weights, w, atol=1e-9)
    assert result.lambda_max == pytest.approx(lam, rel=1e-9)
    n = 3
    assert result.consistency_index == pytest.approx((lam - n) / (n - 1))
    assert result.consistency_ratio == pytest.approx((lam - n) / (n - 1) / 0.58)
    assert result.consistency_ratio > 0.10 and not result.consistent
    worst = result.inconsistencies[0]
    factors = {(i, j): max(m[i, j] / (w[i] / w[j]), (w[i] / w[j]) / m[i, j]) for i, j in [(0, 1), (0, 2), (1, 2)]}
    assert (worst.row, worst.column) == max(factors, key=factors.__getitem__)


def test_a_slightly_inconsistent_matrix_passes() -> None:
    m = np.array([[1, 2, 4], [1 / 2, 1, 3], [1 / 4, 1 / 3, 1]])
    result = ahp(m)
    assert 0 < result.consistency_ratio <= 0.10 and result.consistent


@pytest.mark.parametrize(
    ("matrix", "code"),
    [
        ([[1, 3], [3, 1]], "not_reciprocal"),
        ([[1, 2, 3], [0.5, 1, 2]], "not_square"),
        ([[1, 12], [1 / 12, 1]], "outside_scale"),
        ([[1, -2], [-0.5, 1]], "not_positive"),
        ([[2, 1], [1, 2]], "diagonal"),
        (np.ones((11, 11)).tolist(), "too_many_criteria"),
    ],
)
def test_bad_comparison_matrices_are_refused(matrix: list[list[float]], code: str) -> None:
    with pytest.raises(PortfolioInputError) as caught:
        ahp(matrix)
    assert caught.value.code == code


def test_not_reciprocal_names_the_pair() -> None:
    with pytest.raises(PortfolioInputError) as caught:
        ahp([[1, 3, 1], [1 / 3, 1, 2], [1, 1 / 5, 1]])
    assert caught.value.params["row"] == 1 and caught.value.params["column"] == 2


def test_direct_weights_must_sum_to_one() -> None:
    check_weights([0.5, 0.3, 0.2])
    with pytest.raises(PortfolioInputError) as caught:
        check_weights([0.5, 0.3, 0.3])
    assert caught.value.code == "weights_sum"
    with pytest.raises(PortfolioInputError):
        check_weights([1.2, -0.2])


# --- Selection: exhaustive oracle -------------------------------------------------------------


def _feasible(problem: Problem, chosen: set[str]) -> bool:
    index = {p.key: p for p in problem.proposals}
    years = len(problem.budgets)
    spent = [sum(index[k].costs[y] for k in chosen) for y in range(years)]
    if problem.carry_forward:
        if any(sum(spent[: y + 1]) > sum(problem.budgets[: y + 1]) + 1e-6 for y in range(years)):
            return False
    elif any(s > b + 1e-6 for s, b in zip(spent, problem.budgets, strict=True)):
        return False
    if problem.capacities:
        for y in range(years):
            if sum(index[k].hours[y] for k in chosen) > problem.capacities[y] + 1e-6:
                return False
    if not problem.forced_in <= chosen or chosen & problem.forced_out:
        return False
    if any(q not in chosen for k in chosen for q in index[k].requires):
        return False
    if any(len(set(g) & chosen) > 1 for g in problem.exclusions):
        return False
    return all(len(set(g) & chosen) in (0, len(g)) for g in problem.inclusions)


def _best(problem: Problem) -> float | None:
    keys = [p.key for p in problem.proposals]
    values = {p.key: p.value for p in problem.proposals}
    best = None
    for r in range(len(keys) + 1):
        for combo in itertools.combinations(keys, r):
            chosen = set(combo)
            if _feasible(problem, chosen):
                total = sum(values[k] for k in chosen)
                best = total if best is None or total > best else best
    return best


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n = draw(st.integers(min_value=1, max_value=9))
    years = draw(st.integers(min_value=1, max_value=3))
    keys = [f"P{i}" for i in range(n)]
    proposals = []
    for i, key in enumerate(keys):
        costs = tuple(draw(st.integers(min_value=0, max_value=10)) * 100.0 for _ in range(years))
        hours = tuple(draw(st.integers(min_value=0, max_value=5)) * 10.0 for _ in range(years))
        requires = tuple(sorted(draw(st.sets(st.sampled_from(keys[:i]), max_size=2)))) if i else ()
        proposals.append(Proposal(key, float(draw(st.integers(min_value=0, max_value=50))), costs, hours, requires))
    budgets = tuple(draw(st.integers(min_value=0, max_value=30)) * 100.0 for _ in range(years))
    capacities = tuple(draw(st.integers(min_value=0, max_value=15)) * 10.0 for _ in range(years)) if draw(st.booleans()) else ()
    shuffled = draw(st.permutations(keys))
    exclusions = (tuple(shuffled[:2]),) if n >= 2 and draw(st.booleans()) else ()
    inclusions = (tuple(shuffled[2:4]),) if n >= 4 and draw(st.booleans()) else ()
    forced_out = frozenset(draw(st.sets(st.sampled_from(keys), max_size=1)))
    return Problem(tuple(proposals), budgets, capacities, draw(st.booleans()), frozenset(), forced_out, exclusions, inclusions)


@settings(max_examples=120, deadline=None)
@given(problems())
def test_the_selection_is_optimal_and_every_left_out_proposal_has_a_true_reason(problem: Problem) -> None:
    best = _best(problem)
    assert best is not None  # the empty selection is always feasible without forced-in ones
    result = select(problem, gap=0)
    assert _feasible(problem, set(result.chosen))
    assert result.value == pytest.approx(best)
    g = greedy(problem)
    assert _feasible(problem, set(g.chosen)) and g.value <= result.value + 1e-9
    chosen = set(result.chosen)
    for key, reason in result.left_out.items():
        assert key not in chosen
        if reason.code == "budget":
            spent = [sum(p.costs[y] for p in problem.proposals if p.key in chosen | {key}) for y in range(len(problem.budgets))]
            for year, short in reason.years:
                if problem.carry_forward:
                    assert sum(spent[: year + 1]) - sum(problem.budgets[: year + 1]) == pytest.approx(short)
                else:
                    assert spent[year] - problem.budgets[year] == pytest.approx(short)
        elif reason.code == "requires":
            assert reason.other not in chosen
        elif reason.code == "excluded_by":
            assert reason.other in chosen
        elif reason.code == "forced_out":
            assert key in problem.forced_out
        elif reason.code == "no_value":
            # It would fit: then it must add nothing (or it belongs to an all-or-none group).
            assert next(p for p in problem.proposals if p.key == key).value == 0 or any(key in g for g in problem.inclusions)
    assert set(result.left_out) == {p.key for p in problem.proposals} - chosen


def _simple(*, carry: bool = False, forced: frozenset[str] = frozenset()) -> Problem:
    return Problem(
        proposals=(
            Proposal("A", 10, (600.0, 0.0)),
            Proposal("B", 8, (0.0, 900.0)),
            Proposal("C", 5, (300.0, 300.0), requires=("A",)),
        ),
        budgets=(500.0, 1000.0),
        carry_forward=carry,
        forced_in=forced,
    )


def test_unspent_money_carried_forward_lets_a_later_year_spend_it() -> None:
    without = select(_simple())
    assert set(without.chosen) == {"B"}
    assert without.left_out["A"].code == "budget" and without.left_out["A"].years == ((0, 100.0),)
    assert without.left_out["C"].code == "requires" and without.left_out["C"].other == "A"
    # With carry-forward, year 1's 500 is not enough for A either (spending comes first)…
    assert set(select(_simple(carry=True)).chosen) == {"B"}
    # …but a project spending late can use money saved early.
    late = Problem((Proposal("L", 1, (0.0, 1400.0)),), (500.0, 1000.0), carry_forward=True)
    assert select(late).chosen == ("L",)
    assert select(Problem(late.proposals, late.budgets)).chosen == ()


def test_a_forced_in_set_over_budget_names_the_years_and_amounts() -> None:
    with pytest.raises(PortfolioInputError) as caught:
        select(_simple(forced=frozenset({"C"})))  # C needs A: 900 in year 1 against 500
    assert caught.value.code == "forced_over_budget"
    assert caught.value.params["years"] == ((0, 400.0),)


def test_a_dependency_cycle_is_named() -> None:
    proposals = (Proposal("A", 1, (1.0,), requires=("B",)), Proposal("B", 1, (1.0,), requires=("C",)), Proposal("C", 1, (1.0,), requires=("A",)))
    assert dependency_cycle(proposals) == ["A", "B", "C", "A"]
    with pytest.raises(PortfolioInputError) as caught:
        select(Problem(proposals, (10.0,)))
    assert caught.value.code == "cycle" and "A → B → C → A" in str(caught.value)


def test_forced_in_members_of_one_exclusion_group_are_refused() -> None:
    problem = Problem(
        (Proposal("A", 1, (1.0,)), Proposal("B", 1, (1.0,))), (10.0,), forced_in=frozenset({"A", "B"}), exclusions=(("A", "B"),)
    )
    with pytest.raises(PortfolioInputError) as caught:
        select(problem)
    assert caught.value.code == "forced_exclusive"


def test_the_frontier_never_falls_as_the_budget_grows() -> None:
    points = frontier(_simple(), [0.5, 1, 1.5, 2, 3])
    values = [v for _, v in points]
    assert values == sorted(values) and values[-1] == 23


def test_explain_matches_select() -> None:
    problem = _simple()
    assert explain(problem, {"B"}) == select(problem).left_out
