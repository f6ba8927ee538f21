"""Reads of the plan pages: the project plan laid out as a Gantt chart.

The chart is drawn on the server as SVG (no script needed, nothing inline for the CSP to
block): one row per activity, bars from start to end, the critical path (scheduling.py)
marked, finish-to-start links as arrows, milestones as diamonds, and a time scale of months
or quarters. The activity table on the page is its text alternative.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from samla.core.dates import today
from samla.governance import selectors
from samla.governance.models import Activity, Milestone, Project

MONTH = "month"
QUARTER = "quarter"
ZOOMS = (MONTH, QUARTER)
PIXELS_PER_DAY = {MONTH: 3.0, QUARTER: 1.0}

LABEL_WIDTH = 240
HEADER_HEIGHT = 36
ROW_HEIGHT = 28
BAR_HEIGHT = 16
LABEL_CHARS = 34


@dataclass(frozen=True)
class Period:
    label: str
    x: float
    width: float
    text_x: float


@dataclass(frozen=True)
class Bar:
    activity: Activity
    label: str
    y: float
    x: float
    width: float
    progress_width: float
    critical: bool
    text_y: float
    bar_y: float
    progress_y: float


@dataclass(frozen=True)
class Diamond:
    milestone: Milestone
    date: datetime.date
    label: str
    points: str
    text_y: float
    text_x: float
    y: float


@dataclass(frozen=True)
class Arrow:
    path: str
    critical: bool


@dataclass(frozen=True)
class Gantt:
    zoom: str
    width: float
    height: float
    chart_x: float
    periods: list[Period]
    bars: list[Bar]
    diamonds: list[Diamond]
    arrows: list[Arrow]
    today_x: float | None
    start: datetime.date
    end: datetime.date
    row_lines: list[float] = field(default_factory=list)


def milestone_date(milestone: Milestone) -> datetime.date:
    return milestone.actual_date or milestone.forecast_date or milestone.planned_date


def plan_milestones(project: Project) -> QuerySet[Milestone]:
    return Milestone.objects.filter(project=project).order_by("planned_date", "order", "pk")


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


MONTH_NAMES = (
    "jan.", "feb.", "mar.", "apr.", "mai", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "des.",
)  # fmt: skip


def _period_label(start: datetime.date, zoom: str) -> str:
    if zoom == QUARTER:
        return _("K%(quarter)d %(year)d") % {
            "quarter": (start.month - 1) // 3 + 1,
            "year": start.year,
        }
    return f"{_(MONTH_NAMES[start.month - 1])} {start.year % 100:02d}"


def gantt(
    plan: selectors.ProjectPlan,
    milestones: list[Milestone],
    zoom: str,
    *,
    on: datetime.date | None = None,
) -> Gantt | None:
    """The chart's geometry at a zoom level; None when there is nothing to draw."""
    if zoom not in ZOOMS:
        zoom = MONTH
    dates = [a.start for a in plan.activities] + [a.end for a in plan.activities]
    dates += [milestone_date(m) for m in milestones]
    if not dates:
        return None
    step = 3 if zoom == QUARTER else 1
    first = (_quarter_start if zoom == QUARTER else _month_start)(min(dates))
    last = _add_months((_quarter_start if zoom == QUARTER else _month_start)(max(dates)), step)
    scale = PIXELS_PER_DAY[zoom]

    def x_of(day: datetime.date) -> float:
        return LABEL_WIDTH + (day - first).days * scale

    periods = []
    cursor = first
    while cursor < last:
        following = _add_months(cursor, step)
        x = x_of(cursor)
        width = (following - cursor).days * scale
        periods.append(
            Period(label=_period_label(cursor, zoom), x=x, width=width, text_x=x + width / 2)
        )
        cursor = following

    critical = plan.schedule.critical if plan.schedule else frozenset()
    bars = []
    row_of: dict[int, int] = {}
    for row, activity in enumerate(plan.activities):
        row_of[activity.pk] = row
        y = HEADER_HEIGHT + row * ROW_HEIGHT
        x = x_of(activity.start)
        width = max(scale, (activity.end - activity.start).days * scale + scale)
        bars.append(
            Bar(
                activity=activity,
                label=_short(f"{activity.code} {activity.name}".strip()),
                y=y,
                x=x,
                width=width,
                progress_width=width * activity.progress / 100,
                critical=activity.pk in critical,
                text_y=y + ROW_HEIGHT / 2 + 4,
                bar_y=y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                progress_y=y + (ROW_HEIGHT + BAR_HEIGHT) / 2 - 4,
            )
        )
    by_pk = {bar.activity.pk: bar for bar in bars}
    arrows = []
    for dependency in plan.dependencies:
        before = by_pk.get(dependency.predecessor_id)
        after = by_pk.get(dependency.successor_id)
        if before is None or after is None:
            continue
        x1 = before.x + before.width
        y1 = before.bar_y + BAR_HEIGHT / 2
        x2 = after.x
        y2 = after.bar_y + (0 if after.y > before.y else BAR_HEIGHT)
        if x2 >= x1 + 6:
            # Right along the predecessor's middle, then down (or up) onto the successor.
            path = f"M{x1:.1f},{y1:.1f} H{x2 + 4:.1f} V{y2:.1f}"
        else:
            # The successor starts earlier on the scale: out, along the row gap, back in.
            gap = after.y if after.y > before.y else after.y + ROW_HEIGHT
            path = f"M{x1:.1f},{y1:.1f} H{x1 + 6:.1f} V{gap:.1f} H{x2 + 4:.1f} V{y2:.1f}"
        arrows.append(
            Arrow(
                path=path,
                critical=dependency.predecessor_id in critical
                and dependency.successor_id in critical,
            )
        )

    diamonds = []
    offset = HEADER_HEIGHT + len(bars) * ROW_HEIGHT
    for index, milestone in enumerate(milestones):
        day = milestone_date(milestone)
        y = offset + index * ROW_HEIGHT
        cx = x_of(day) + scale / 2
        cy = y + ROW_HEIGHT / 2
        r = 7
        diamonds.append(
            Diamond(
                milestone=milestone,
                date=day,
                label=_short(f"◆ {milestone.name}"),
                points=f"{cx:.1f},{cy - r:.1f} {cx + r:.1f},{cy:.1f} {cx:.1f},{cy + r:.1f} {cx - r:.1f},{cy:.1f}",
                text_y=cy + 4,
                text_x=8,
                y=y,
            )
        )
    rows = len(bars) + len(diamonds)
    height = HEADER_HEIGHT + rows * ROW_HEIGHT + 4
    width = x_of(last) + 1
    now = on or today()
    today_x = x_of(now) if first <= now < last else None
    return Gantt(
        zoom=zoom,
        width=width,
        height=height,
        chart_x=LABEL_WIDTH,
        periods=periods,
        bars=bars,
        diamonds=diamonds,
        arrows=arrows,
        today_x=today_x,
        start=first,
        end=last - datetime.timedelta(days=1),
        row_lines=[HEADER_HEIGHT + i * ROW_HEIGHT for i in range(rows + 1)],
    )
