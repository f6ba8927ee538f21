"""Benefit-realisation arithmetic, free of Django: realisation against a trajectory.

An indicator runs from a *baseline* (value and date) to a *target* (value and date), through
optional *intermediate targets*; together they are the trajectory. The planned value on a
date is the straight line between the two trajectory points around it (the baseline value
before the baseline date, the target value after the target date).

Realisation = (value − baseline) / (target − baseline): 0 at the baseline, 1 at the target,
for indicators that should rise and for those that should fall (target below baseline).

Status of an indicator, judged at the date of its latest measurement: with
*planned* the realisation the trajectory asks for on that date and *actual* the measured one,
- on track (i rute) when actual ≥ planned − ON_TRACK_MARGIN,
- at risk (i faresonen) when actual ≥ planned − AT_RISK_MARGIN,
- behind (bak plan) otherwise,
- not measured (ikke målt) with no measurement at all.
The margins are fractions of the whole way from baseline to target (0.05 = five percent of
the way).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

ON_TRACK_MARGIN = 0.05
AT_RISK_MARGIN = 0.20
# Floating-point slack when comparing realisations against the margins.
_EPSILON = 1e-9


@dataclass(frozen=True)
class Point:
    on: datetime.date
    value: float


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    NOT_MEASURED = "not_measured"


# Worst first: the order lists and dashboards sort by.
STATUS_ORDER: tuple[Status, ...] = (
    Status.BEHIND,
    Status.AT_RISK,
    Status.NOT_MEASURED,
    Status.ON_TRACK,
)


def status_rank(status: Status) -> int:
    """0 for the worst status (behind plan), rising to on track."""
    return STATUS_ORDER.index(status)


@dataclass(frozen=True)
class Assessment:
    status: Status
    realisation: float | None  # actual, at the latest measurement; None when not measured
    planned_realisation: float  # what the trajectory asks for at that date
    shortfall: float | None  # planned − actual, never below 0; None when not measured


def realisation(value: float, baseline: float, target: float) -> float:
    """(value − baseline) / (target − baseline)."""
    if target == baseline:
        raise ValueError("target equals baseline")
    return (value - baseline) / (target - baseline)


def trajectory(baseline: Point, target: Point, targets: Sequence[Point] = ()) -> list[Point]:
    """Baseline, the intermediate targets strictly between the two dates in date order (the
    first of two on the same date wins), then the target."""
    if target.on <= baseline.on:
        raise ValueError("target date must be after baseline date")
    between: dict[datetime.date, Point] = {}
    for point in sorted(targets, key=lambda p: p.on):
        if baseline.on < point.on < target.on:
            between.setdefault(point.on, point)
    return [baseline, *between.values(), target]


def planned_value(
    on: datetime.date, baseline: Point, target: Point, targets: Sequence[Point] = ()
) -> float:
    """The trajectory's value on ``on``: linear between neighbouring points."""
    points = trajectory(baseline, target, targets)
    if on <= points[0].on:
        return points[0].value
    if on >= points[-1].on:
        return points[-1].value
    for before, after in zip(points, points[1:], strict=False):
        if before.on <= on <= after.on:
            if on == after.on:
                return after.value
            span = (after.on - before.on).days
            share = (on - before.on).days / span
            return before.value + (after.value - before.value) * share
    raise AssertionError("unreachable: the date lies within the trajectory")  # pragma: no cover


def assess(
    baseline: Point,
    target: Point,
    targets: Sequence[Point],
    latest: Point | None,
    *,
    today: datetime.date | None = None,
) -> Assessment:
    """The indicator's status judged at its latest measurement. With no measurement, the
    planned realisation is the one for ``today`` (0 when not given)."""
    if latest is None:
        planned = (
            realisation(
                planned_value(today, baseline, target, targets), baseline.value, target.value
            )
            if today is not None
            else 0.0
        )
        return Assessment(Status.NOT_MEASURED, None, planned, None)
    planned = realisation(
        planned_value(latest.on, baseline, target, targets), baseline.value, target.value
    )
    actual = realisation(latest.value, baseline.value, target.value)
    if actual >= planned - ON_TRACK_MARGIN - _EPSILON:
        status = Status.ON_TRACK
    elif actual >= planned - AT_RISK_MARGIN - _EPSILON:
        status = Status.AT_RISK
    else:
        status = Status.BEHIND
    return Assessment(status, actual, planned, max(0.0, planned - actual))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months; the day is clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def next_due(last: datetime.date | None, baseline: datetime.date, months: int) -> datetime.date:
    """When the next measurement is due: ``months`` after the last one (or the baseline)."""
    return add_months(last if last is not None else baseline, months)


def monetised(value: float, baseline: float, target: float, kroner_per_unit: float) -> float:
    """Kroner of the improvement from the baseline, positive when the value moved toward the
    target: (value − baseline) × kroner_per_unit × sign(target − baseline)."""
    if target == baseline:
        raise ValueError("target equals baseline")
    sign = 1.0 if target > baseline else -1.0
    return (value - baseline) * kroner_per_unit * sign
