"""Realisation, trajectory, status, due dates and kroner of samla.finance.benefits: worked
examples from the issue and properties that must hold for rising and falling indicators."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from samla.finance.benefits import (
    AT_RISK_MARGIN,
    ON_TRACK_MARGIN,
    Point,
    Status,
    add_months,
    assess,
    monetised,
    next_due,
    planned_value,
    realisation,
    status_rank,
    trajectory,
)

D = datetime.date
START = D(2026, 1, 1)
END = D(2029, 12, 31)

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31))


@st.composite
def indicators(draw: st.DrawFn) -> tuple[Point, Point, list[Point]]:
    """A baseline, a target (rising or falling) and up to four intermediate targets."""
    start = draw(st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 1, 1)))
    length = draw(st.integers(min_value=2, max_value=2000))
    end = start + datetime.timedelta(days=length)
    base = draw(values)
    goal = draw(values)
    assume(abs(goal - base) > 1e-3)
    offsets = draw(st.sets(st.integers(min_value=1, max_value=length - 1), max_size=4))
    between = [Point(start + datetime.timedelta(days=o), draw(values)) for o in sorted(offsets)]
    return Point(start, base), Point(end, goal), between


# --- Worked examples ------------------------------------------------------------------------


def test_e_handel_five_then_twenty_percent() -> None:
    # «5 % av innkjøpsvolumet via elektronisk handel innen utgangen av 2026, 20 % etter to år»
    base = Point(D(2026, 1, 1), 0.0)
    goal = Point(D(2028, 12, 31), 20.0)
    mid = [Point(D(2026, 12, 31), 5.0)]
    assert planned_value(D(2026, 12, 31), base, goal, mid) == 5.0
    assert planned_value(D(2025, 6, 1), base, goal, mid) == 0.0
    assert planned_value(D(2030, 1, 1), base, goal, mid) == 20.0
    # Halfway between the intermediate target and the target: 12.5 %.
    halfway = D(2027, 12, 31)  # 365 of the 731 days
    assert planned_value(halfway, base, goal, mid) == pytest.approx(5 + 15 * 365 / 731)
    # 4 % at the end of 2026 is 0.2 of the way against a plan of 0.25: on track (5 % margin).
    on_time = assess(base, goal, mid, Point(D(2026, 12, 31), 4.0))
    assert on_time.status is Status.ON_TRACK
    assert on_time.realisation == pytest.approx(0.2)
    assert on_time.planned_realisation == pytest.approx(0.25)
    assert on_time.shortfall == pytest.approx(0.05)
    # 2 % is 0.1 against 0.25: at risk; 0 % behind.
    assert assess(base, goal, mid, Point(D(2026, 12, 31), 2.0)).status is Status.AT_RISK
    assert assess(base, goal, mid, Point(D(2026, 12, 31), 0.0)).status is Status.BEHIND


def test_falling_indicator_hours_in_case_handling() -> None:
    # 10 000 hours a year down to 6 000: 8 000 is half the way.
    base = Point(START, 10_000.0)
    goal = Point(D(2028, 1, 1), 6_000.0)
    assert realisation(8_000, 10_000, 6_000) == 0.5
    assert realisation(11_000, 10_000, 6_000) == -0.25
    result = assess(base, goal, [], Point(D(2027, 1, 1), 8_000.0))
    assert result.status is Status.ON_TRACK
    assert result.planned_realisation == pytest.approx(365 / 730)
    assert assess(base, goal, [], Point(D(2027, 1, 1), 9_900.0)).status is Status.BEHIND
    # Each hour saved is worth 650 kroner: 2 000 hours fewer is +1.3 million.
    assert monetised(8_000, 10_000, 6_000, 650) == 1_300_000
    assert monetised(10_500, 10_000, 6_000, 650) == -325_000


def test_ahead_of_plan_has_no_shortfall() -> None:
    result = assess(Point(START, 0), Point(END, 100), [], Point(D(2026, 2, 1), 90))
    assert result.status is Status.ON_TRACK
    assert result.shortfall == 0.0


def test_not_measured() -> None:
    result = assess(Point(START, 0), Point(D(2027, 1, 1), 100), [], None)
    assert result == assess(Point(START, 0), Point(D(2027, 1, 1), 100), [], None)
    assert result.status is Status.NOT_MEASURED
    assert result.realisation is None and result.shortfall is None
    assert result.planned_realisation == 0.0
    later = assess(Point(START, 0), Point(D(2027, 1, 1), 100), [], None, today=D(2028, 1, 1))
    assert later.planned_realisation == 1.0


def test_status_margins_are_the_documented_ones() -> None:
    assert (ON_TRACK_MARGIN, AT_RISK_MARGIN) == (0.05, 0.20)
    assert [s.value for s in Status] == ["on_track", "at_risk", "behind", "not_measured"]
    ranked = sorted(Status, key=status_rank)
    assert ranked == [Status.BEHIND, Status.AT_RISK, Status.NOT_MEASURED, Status.ON_TRACK]


def test_exactly_on_the_margins() -> None:
    base, goal = Point(START, 0), Point(D(2027, 1, 1), 100)
    done = Point(D(2027, 1, 1), 95)  # planned 1.0, actual 0.95: on the on-track line
    assert assess(base, goal, [], done).status is Status.ON_TRACK
    assert assess(base, goal, [], Point(done.on, 94.9)).status is Status.AT_RISK
    assert assess(base, goal, [], Point(done.on, 80)).status is Status.AT_RISK
    assert assess(base, goal, [], Point(done.on, 79.9)).status is Status.BEHIND


def test_equal_target_and_baseline_is_refused() -> None:
    with pytest.raises(ValueError):
        realisation(1, 5, 5)
    with pytest.raises(ValueError):
        monetised(1, 5, 5, 100)
    with pytest.raises(ValueError):
        planned_value(START, Point(START, 0), Point(START, 1))


def test_intermediate_targets_outside_the_dates_are_ignored() -> None:
    base, goal = Point(START, 0), Point(D(2027, 1, 1), 100)
    outside = [Point(D(2025, 1, 1), 50), Point(D(2028, 1, 1), 50), Point(START, 70)]
    assert trajectory(base, goal, outside) == [base, goal]


def test_next_due_clamps_to_the_month_end() -> None:
    assert next_due(None, D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert next_due(D(2027, 11, 30), D(2026, 1, 1), 3) == D(2028, 2, 29)
    assert next_due(D(2026, 3, 15), D(2026, 1, 1), 12) == D(2027, 3, 15)
    assert next_due(D(2026, 10, 31), D(2026, 1, 1), 6) == D(2027, 4, 30)
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)


# --- Properties -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(values, values)
def test_realisation_is_zero_at_baseline_and_one_at_target(base: float, goal: float) -> None:
    assume(abs(goal - base) > 1e-6)
    assert realisation(base, base, goal) == 0
    assert realisation(goal, base, goal) == pytest.approx(1)


@settings(max_examples=200, deadline=None)
@given(indicators())
def test_planned_value_hits_every_trajectory_point(ind: tuple[Point, Point, list[Point]]) -> None:
    base, goal, between = ind
    for point in [base, *between, goal]:
        assert planned_value(point.on, base, goal, between) == point.value


@settings(max_examples=200, deadline=None)
@given(indicators(), dates)
def test_planned_value_stays_between_its_neighbours(
    ind: tuple[Point, Point, list[Point]], on: datetime.date
) -> None:
    base, goal, between = ind
    points = trajectory(base, goal, between)
    value = planned_value(on, base, goal, between)
    if on <= base.on:
        assert value == base.value
    elif on >= goal.on:
        assert value == goal.value
    else:
        before = max((p for p in points if p.on <= on), key=lambda p: p.on)
        after = min((p for p in points if p.on >= on), key=lambda p: p.on)
        low, high = sorted((before.value, after.value))
        assert low - 1e-6 <= value <= high + 1e-6


@settings(max_examples=200, deadline=None)
@given(indicators(), dates, values, values)
def test_assess_is_monotone_toward_the_target(
    ind: tuple[Point, Point, list[Point]], on: datetime.date, a: float, b: float
) -> None:
    """Moving the measured value toward the target never makes the status worse."""
    base, goal, between = ind
    on = max(on, base.on)
    rising = goal.value > base.value
    nearer, farther = (max(a, b), min(a, b)) if rising else (min(a, b), max(a, b))
    good = assess(base, goal, between, Point(on, nearer))
    bad = assess(base, goal, between, Point(on, farther))
    assert good.planned_realisation == bad.planned_realisation
    assert status_rank(good.status) >= status_rank(bad.status)
    assert good.realisation is not None and bad.realisation is not None
    assert good.realisation >= bad.realisation
    assert Status.NOT_MEASURED not in (good.status, bad.status)


@settings(max_examples=200, deadline=None)
@given(indicators(), dates)
def test_a_value_on_the_trajectory_is_on_track(
    ind: tuple[Point, Point, list[Point]], on: datetime.date
) -> None:
    base, goal, between = ind
    value = planned_value(on, base, goal, between)
    result = assess(base, goal, between, Point(on, value))
    assert result.status is Status.ON_TRACK
    assert result.shortfall == pytest.approx(0, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(values, values, values, st.floats(min_value=0.01, max_value=1e4))
def test_monetised_is_positive_exactly_when_moving_toward_the_target(
    value: float, base: float, goal: float, rate: float
) -> None:
    # Differences far from underflow: kroner are whole øre at the finest.
    assume(abs(goal - base) > 1e-6 and abs(value - base) > 1e-6)
    kroner = monetised(value, base, goal, rate)
    toward = realisation(value, base, goal)
    assert (kroner > 0) == (toward > 0)
    assert kroner == pytest.approx(toward * abs(goal - base) * rate, rel=1e-9, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), dates), dates, st.sampled_from([1, 3, 6, 12]))
def test_next_due_is_months_later_on_or_before_the_same_day(
    last: datetime.date | None, base: datetime.date, months: int
) -> None:
    start = last or base
    due = next_due(last, base, months)
    assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == months
    assert due.day <= start.day
    assert due.day == start.day or due.day >= 28
