"""Portfolio arithmetic, free of Django: AHP weights and the budget-constrained selection.

AHP (Saaty): a reciprocal matrix of pairwise comparisons on the 1–9 scale gives criterion
weights as its principal eigenvector; the consistency ratio CR = CI / RI, with
CI = (λmax − n) / (n − 1) and Saaty's random index RI, above 0.10 means the comparisons
contradict each other. The comparisons that contradict the resulting weights most are named.

Selection: choose proposals maximising total value subject to each year's budget
(optionally carrying unspent money into later years), each year's capacity in hours, forced-in
and forced-out proposals, dependencies ("A requires B"), mutual exclusions ("at most one of")
and inclusions ("all or none of"), as a mixed-integer linear programme solved by HiGHS
through ``scipy.optimize.milp``. Every proposal left out gets the reason why: the constraint
that would break if it were added to the chosen set.

Problems with the input raise :class:`PortfolioInputError` with a machine-readable ``code``,
the ``params`` to explain it, and an English ``str``; the pages translate by ``code``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# Saaty's random consistency index for n = 1 … 10.
RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)
CR_LIMIT = 0.10
RECIPROCAL_TOLERANCE = 1e-6
DEFAULT_GAP = 0.001  # 0.1 %


class PortfolioInputError(ValueError):
    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


# --- AHP ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inconsistency:
    row: int
    column: int
    given: float  # the comparison as entered, a_ij
    implied: float  # what the weights say it should be, w_i / w_j
    factor: float  # max(given/implied, implied/given) ≥ 1


@dataclass(frozen=True)
class AhpResult:
    weights: tuple[float, ...]
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    inconsistencies: tuple[Inconsistency, ...]  # worst first

    @property
    def consistent(self) -> bool:
        return self.consistency_ratio <= CR_LIMIT


def ahp(matrix: Sequence[Sequence[float]], *, worst: int = 3) -> AhpResult:
    """Weights and consistency of a pairwise comparison matrix (1 ≤ n ≤ 10)."""
    a = np.asarray(matrix, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise PortfolioInputError("not_square", "the comparison matrix must be square")
    n = a.shape[0]
    if n > len(RANDOM_INDEX):
        raise PortfolioInputError(
            "too_many_criteria", f"AHP takes at most {len(RANDOM_INDEX)} criteria", limit=len(RANDOM_INDEX)
        )
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise PortfolioInputError("not_positive", "every comparison must be a positive number")
    if np.any(a > 9 + 1e-9) or np.any(a < 1 / 9 - 1e-9):
        raise PortfolioInputError("outside_scale", "comparisons must lie on Saaty's scale 1/9 … 9")
    for i in range(n):
        if abs(a[i, i] - 1) > RECIPROCAL_TOLERANCE:
            raise PortfolioInputError("diagonal", "a criterion compared with itself must be 1", row=i)
        for j in range(i + 1, n):
            if abs(a[i, j] * a[j, i] - 1) > RECIPROCAL_TOLERANCE:
                raise PortfolioInputError(
                    "not_reciprocal",
                    f"comparison ({i + 1},{j + 1}) = {a[i, j]:g} but ({j + 1},{i + 1}) = {a[j, i]:g}, "
                    f"not {1 / a[i, j]:g}",
                    row=i,
                    column=j,
                    given=float(a[i, j]),
                    mirrored=float(a[j, i]),
                )
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    lambda_max = float(values[k].real)
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n - 1]
    cr = ci / ri if ri > 0 else 0.0
    found = []
    for i in range(n):
        for j in range(i + 1, n):
            implied = w[i] / w[j]
            ratio = a[i, j] / implied
            found.append(Inconsistency(i, j, float(a[i, j]), float(implied), float(max(ratio, 1 / ratio))))
    found.sort(key=lambda x: -x.factor)
    return AhpResult(
        weights=tuple(float(x) for x in w),
        lambda_max=lambda_max,
        consistency_index=max(ci, 0.0),
        random_index=ri,
        consistency_ratio=max(cr, 0.0),
        inconsistencies=tuple(found[:worst]) if cr > CR_LIMIT else (),
    )


def check_weights(weights: Sequence[float], *, tolerance: float = 1e-6) -> None:
    """Directly entered weights: each in [0, 1], together exactly 1."""
    if any(w < 0 or w > 1 for w in weights):
        raise PortfolioInputError("weight_range", "each weight must lie between 0 and 1")
    total = float(sum(weights))
    if abs(total - 1) > tolerance:
        raise PortfolioInputError("weights_sum", f"the weights sum to {total:g}, not 1", total=total)


# --- Selection ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    key: str
    value: float  # weighted score, or NPV
    costs: tuple[float, ...]  # per plan year
    hours: tuple[float, ...] = ()  # per plan year; empty when capacity is not planned
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    proposals: tuple[Proposal, ...]
    budgets: tuple[float, ...]  # per plan year
    capacities: tuple[float, ...] = ()  # hours per plan year; empty = unlimited
    carry_forward: bool = False
    forced_in: frozenset[str] = frozenset()
    forced_out: frozenset[str] = frozenset()
    exclusions: tuple[tuple[str, ...], ...] = ()  # at most one of each group
    inclusions: tuple[tuple[str, ...], ...] = ()  # all or none of each group


@dataclass(frozen=True)
class Reason:
    """Why a proposal is not in the chosen set. ``code`` is one of: forced_out,
    requires (``other``: the required proposal left out), excluded_by (``other``: the chosen
    one of its exclusion group), budget (``years`` with the shortfall in kroner), capacity
    (``years`` with the shortfall in hours), included_with (``other``: a member of its
    inclusion group that cannot come), no_value (adding it would not raise the total)."""

    code: str
    other: str | None = None
    years: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True)
class Selection:
    chosen: tuple[str, ...]
    value: float
    spent: tuple[float, ...]  # per year
    hours: tuple[float, ...]
    left_out: dict[str, Reason] = field(default_factory=dict)
    gap: float = 0.0  # relative MIP gap proven by the solver
    optimal: bool = True
    seconds: float = 0.0


def _index(problem: Problem) -> dict[str, int]:
    index = {}
    for i, p in enumerate(problem.proposals):
        if p.key in index:
            raise PortfolioInputError("duplicate", f"proposal {p.key} appears twice", key=p.key)
        index[p.key] = i
    return index


def validate(problem: Problem) -> None:
    """Everything that makes the problem meaningless or certainly infeasible, named."""
    index = _index(problem)
    years = len(problem.budgets)
    for p in problem.proposals:
        if len(p.costs) != years:
            raise PortfolioInputError("cost_years", f"{p.key} has {len(p.costs)} yearly costs, not {years}", key=p.key)
        if problem.capacities and p.hours and len(p.hours) != years:
            raise PortfolioInputError("hour_years", f"{p.key} has {len(p.hours)} yearly hours, not {years}", key=p.key)
        for other in p.requires:
            if other not in index:
                raise PortfolioInputError("unknown", f"{p.key} requires unknown {other}", key=p.key, other=other)
    for group in (*problem.exclusions, *problem.inclusions):
        for key in group:
            if key not in index:
                raise PortfolioInputError("unknown", f"unknown proposal {key} in a group", key=key, other=key)
    cycle = dependency_cycle(problem.proposals)
    if cycle:
        raise PortfolioInputError("cycle", "dependency cycle: " + " → ".join(cycle), cycle=cycle)
    both = problem.forced_in & problem.forced_out
    if both:
        key = sorted(both)[0]
        raise PortfolioInputError("forced_both", f"{key} is forced both in and out", key=key)
    forced = _forced_closure(problem, index)
    clash = forced & problem.forced_out
    if clash:
        key = sorted(clash)[0]
        raise PortfolioInputError(
            "forced_requires_out", f"a forced-in proposal needs {key}, which is forced out", key=key
        )
    for group in problem.exclusions:
        inside = sorted(set(group) & forced)
        if len(inside) > 1:
            raise PortfolioInputError(
                "forced_exclusive", f"{inside[0]} and {inside[1]} are both forced in but exclude each other",
                key=inside[0], other=inside[1],
            )
    shortfalls = _over_budget(problem, [index[k] for k in forced])
    if shortfalls:
        raise PortfolioInputError(
            "forced_over_budget",
            "the forced-in proposals exceed the budget: "
            + ", ".join(f"year {y + 1} by {amount:,.0f}" for y, amount in shortfalls),
            years=tuple(shortfalls),
        )


def dependency_cycle(proposals: Sequence[Proposal]) -> list[str]:
    """A cycle of "requires" as [a, b, …, a], or [] when there is none."""
    graph = {p.key: p.requires for p in proposals}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(key: str) -> list[str]:
        state[key] = 1
        stack.append(key)
        for other in graph.get(key, ()):
            if state.get(other) == 1:
                return [*stack[stack.index(other):], other]
            if other not in state:
                found = visit(other)
                if found:
                    return found
        stack.pop()
        state[key] = 2
        return []

    for key in graph:
        if key not in state:
            found = visit(key)
            if found:
                return found
    return []


def _forced_closure(problem: Problem, index: dict[str, int]) -> set[str]:
    """Forced-in proposals with everything they require and everything included with them."""
    groups = {key: group for group in problem.inclusions for key in group}
    todo = list(problem.forced_in)
    seen: set[str] = set()
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        todo.extend(problem.proposals[index[key]].requires)
        todo.extend(groups.get(key, ()))
    return seen


def _over_budget(problem: Problem, chosen: Sequence[int]) -> list[tuple[int, float]]:
    spent = np.zeros(len(problem.budgets))
    for i in chosen:
        spent += np.asarray(problem.proposals[i].costs, dtype=float)
    excess = _excess(spent, np.asarray(problem.budgets, dtype=float), problem.carry_forward)
    return [(y, float(e)) for y, e in enumerate(excess) if e > 1e-6]


def _excess(spent: np.ndarray, budgets: np.ndarray, carry_forward: bool) -> np.ndarray:
    """Spending beyond the budget per year; with carry-forward, beyond the budget so far."""
    if carry_forward:
        return np.cumsum(spent) - np.cumsum(budgets)
    return spent - budgets


def _matrices(problem: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    costs = np.array([p.costs for p in problem.proposals], dtype=float)
    if problem.capacities:
        hours = np.array(
            [p.hours if p.hours else (0.0,) * len(problem.budgets) for p in problem.proposals], dtype=float
        )
    else:
        hours = np.zeros_like(costs)
    values = np.array([p.value for p in problem.proposals], dtype=float)
    return costs, hours, values


def select(problem: Problem, *, gap: float = DEFAULT_GAP, time_limit: float = 60.0) -> Selection:
    """The selection of greatest total value that keeps every constraint."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    validate(problem)
    started = time.perf_counter()
    index = _index(problem)
    n = len(problem.proposals)
    years = len(problem.budgets)
    costs, hours, values = _matrices(problem)
    constraints = []
    budget_rows = costs.T
    budgets = np.asarray(problem.budgets, dtype=float)
    if problem.carry_forward:
        budget_rows = np.cumsum(budget_rows, axis=0)
        budgets = np.cumsum(budgets)
    constraints.append(LinearConstraint(budget_rows, -np.inf, budgets))
    if problem.capacities:
        constraints.append(LinearConstraint(hours.T, -np.inf, np.asarray(problem.capacities, dtype=float)))
    pairs = [(index[p.key], index[q]) for p in problem.proposals for q in p.requires]
    for group in problem.inclusions:
        members = [index[k] for k in group]
        pairs += [(a, b) for a in members for b in members if a != b]
    groups = [[index[k] for k in group] for group in problem.exclusions]
    rows = len(pairs) + len(groups)
    if rows:
        a = lil_matrix((rows, n))
        upper = np.zeros(rows)
        for r, (p, q) in enumerate(pairs):  # x_p − x_q ≤ 0
            a[r, p] = 1
            a[r, q] = -1
        for r, members in enumerate(groups, start=len(pairs)):  # Σ x ≤ 1
            for m in members:
                a[r, m] = 1
            upper[r] = 1
        constraints.append(LinearConstraint(a.tocsr(), -np.inf, upper))
    lower = np.zeros(n)
    upper_bounds = np.ones(n)
    for key in problem.forced_in:
        lower[index[key]] = 1
    for key in problem.forced_out:
        upper_bounds[index[key]] = 0
    result = milp(
        c=-values,
        constraints=constraints,
        integrality=np.ones(n),
        bounds=Bounds(lower, upper_bounds),
        options={"mip_rel_gap": gap, "time_limit": time_limit, "presolve": True},
    )
    if result.x is None:
        raise PortfolioInputError("infeasible", "no selection keeps every constraint")
    x = np.round(result.x).astype(bool)
    seconds = time.perf_counter() - started
    chosen = [p.key for p, on in zip(problem.proposals, x, strict=True) if on]
    solver_gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    selection = Selection(
        chosen=tuple(chosen),
        value=float(values[x].sum()),
        spent=tuple(float(v) for v in costs[x].sum(axis=0)) if x.any() else (0.0,) * years,
        hours=tuple(float(v) for v in hours[x].sum(axis=0)) if x.any() else (0.0,) * years,
        gap=solver_gap,
        optimal=result.status == 0,
        seconds=seconds,
    )
    selection.left_out.update(explain(problem, set(chosen)))
    return selection


def explain(problem: Problem, chosen: set[str]) -> dict[str, Reason]:
    """For each proposal not chosen, the first constraint that adding it would break."""
    index = _index(problem)
    costs, hours, _ = _matrices(problem)
    on = np.zeros(len(problem.proposals), dtype=bool)
    for key in chosen:
        on[index[key]] = True
    spent = costs[on].sum(axis=0) if on.any() else np.zeros(len(problem.budgets))
    used = hours[on].sum(axis=0) if on.any() else np.zeros(len(problem.budgets))
    budgets = np.asarray(problem.budgets, dtype=float)
    exclusive = {key: group for group in problem.exclusions for key in group}
    inclusive = {key: group for group in problem.inclusions for key in group}
    reasons: dict[str, Reason] = {}
    for p in problem.proposals:
        if p.key in chosen:
            continue
        if p.key in problem.forced_out:
            reasons[p.key] = Reason("forced_out")
            continue
        missing = next((q for q in p.requires if q not in chosen), None)
        if missing is not None:
            reasons[p.key] = Reason("requires", other=missing)
            continue
        rival = next((q for q in exclusive.get(p.key, ()) if q != p.key and q in chosen), None)
        if rival is not None:
            reasons[p.key] = Reason("excluded_by", other=rival)
            continue
        partner = next((q for q in inclusive.get(p.key, ()) if q != p.key and q not in chosen), None)
        i = index[p.key]
        excess = _excess(spent + costs[i], budgets, problem.carry_forward)
        short = tuple((y, float(e)) for y, e in enumerate(excess) if e > 1e-6)
        if short:
            reasons[p.key] = Reason("budget", years=short)
            continue
        if problem.capacities:
            over = used + hours[i] - np.asarray(problem.capacities, dtype=float)
            short_hours = tuple((y, float(e)) for y, e in enumerate(over) if e > 1e-6)
            if short_hours:
                reasons[p.key] = Reason("capacity", years=short_hours)
                continue
        if partner is not None:
            reasons[p.key] = Reason("included_with", other=partner)
            continue
        reasons[p.key] = Reason("no_value")
    return reasons


def greedy(problem: Problem) -> Selection:
    """The rule of thumb to compare with: highest value per krone first, taking each proposal
    that still fits and whose requirements are already taken."""
    validate(problem)
    started = time.perf_counter()
    index = _index(problem)
    costs, hours, values = _matrices(problem)
    budgets = np.asarray(problem.budgets, dtype=float)
    capacities = np.asarray(problem.capacities, dtype=float) if problem.capacities else None
    exclusive = {key: group for group in problem.exclusions for key in group}
    chosen: set[str] = set()
    spent = np.zeros(len(budgets))
    used = np.zeros(len(budgets))

    def fits(i: int) -> bool:
        ok = bool(np.all(_excess(spent + costs[i], budgets, problem.carry_forward) <= 1e-6))
        if ok and capacities is not None:
            ok = bool(np.all(used + hours[i] <= capacities + 1e-6))
        return ok

    def take(i: int) -> None:
        nonlocal spent, used
        chosen.add(problem.proposals[i].key)
        spent = spent + costs[i]
        used = used + hours[i]

    for key in sorted(problem.forced_in):
        take(index[key])
    order = sorted(
        range(len(problem.proposals)),
        key=lambda i: -(values[i] / max(costs[i].sum(), 1.0)),
    )
    grouped = {key for group in problem.inclusions for key in group}
    for i in order:
        p = problem.proposals[i]
        if p.key in chosen or p.key in problem.forced_out or p.key in grouped or values[i] <= 0:
            continue
        if any(q not in chosen for q in p.requires):
            continue
        if any(q in chosen for q in exclusive.get(p.key, ()) if q != p.key):
            continue
        if fits(i):
            take(i)
    picked = np.array([p.key in chosen for p in problem.proposals])
    return Selection(
        chosen=tuple(p.key for p in problem.proposals if p.key in chosen),
        value=float(values[picked].sum()),
        spent=tuple(float(v) for v in spent),
        hours=tuple(float(v) for v in used),
        optimal=False,
        seconds=time.perf_counter() - started,
    )


def frontier(problem: Problem, factors: Sequence[float], *, gap: float = DEFAULT_GAP) -> list[tuple[float, float]]:
    """(total budget, best total value) with every year's budget scaled by each factor."""
    points = []
    for factor in factors:
        scaled = Problem(
            proposals=problem.proposals,
            budgets=tuple(b * factor for b in problem.budgets),
            capacities=problem.capacities,
            carry_forward=problem.carry_forward,
            forced_in=problem.forced_in,
            forced_out=problem.forced_out,
            exclusions=problem.exclusions,
            inclusions=problem.inclusions,
        )
        try:
            points.append((float(sum(scaled.budgets)), select(scaled, gap=gap).value))
        except PortfolioInputError:
            continue  # the forced-in set does not fit this budget level
    return points
