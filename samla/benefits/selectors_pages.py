"""Reads for the register, indicator and measurement pages only: the register's filters
with their counts, the trajectory chart of an indicator (with the table of the same
numbers), and which indicators a person may measure. The benefit arithmetic and the
register rows themselves come from ``samla.benefits.selectors``."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from samla.benefits import access as access_rules
from samla.benefits.models import Benefit, BenefitClass, BenefitStatus, Indicator, Measurement
from samla.benefits.selectors import (
    MISSING_INDICATOR,
    MISSING_INDICATOR_LABEL,
    STATUS_LABELS,
    RegisterEntry,
)
from samla.finance import benefits as arithmetic
from samla.governance.models import Programme, Project
from samla.organisations.access import CollaborationAccess
from samla.organisations.models import Organisation

MISSING = MISSING_INDICATOR
# The indicator statuses a register row can be filtered on, worst first.
INDICATOR_STATUS_LABELS: dict[str, Any] = {
    **{status.value: STATUS_LABELS[status] for status in arithmetic.STATUS_ORDER},
    MISSING: MISSING_INDICATOR_LABEL,
}
# Designsystemet colours of the status tags (always with the text beside the colour).
STATUS_COLOURS = {
    arithmetic.Status.ON_TRACK: "success",
    arithmetic.Status.AT_RISK: "warning",
    arithmetic.Status.BEHIND: "danger",
    arithmetic.Status.NOT_MEASURED: "neutral",
    MISSING: "warning",
}


def status_colour(status: Any) -> str:
    return STATUS_COLOURS.get(str(status) if status is not None else MISSING, "neutral")


# --- The register's filters -----------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    """One filter of the register: its query parameter, label and options with counts."""

    name: str
    label: str
    options: list[Option]
    chosen: str


def _labels(
    collaboration: Any,
) -> tuple[dict[str, list[tuple[str, str]]], dict[str, dict[int, str]]]:
    """Each filter's options (value, label), and pk → UUID of the organisations, projects
    and programmes (the filters' values are UUIDs)."""
    programmes = list(Programme.objects.filter(collaboration=collaboration).order_by("name"))
    organisations = list(
        Organisation.objects.filter(memberships__collaboration=collaboration).order_by("name")
    )
    projects = list(
        Project.objects.filter(collaboration=collaboration, benefits__isnull=False)
        .distinct()
        .order_by("code", "name")
    )
    labels = {
        "status": [(v, str(label)) for v, label in BenefitStatus.choices],
        "klasse": [(v, str(label)) for v, label in BenefitClass.choices],
        "organisasjon": [(str(o.uuid), o.name) for o in organisations],
        "prosjekt": [(str(p.uuid), f"{p.code} {p.name}".strip()) for p in projects],
        "program": [(str(p.uuid), p.name) for p in programmes],
        "indikator": [(str(v), str(label)) for v, label in INDICATOR_STATUS_LABELS.items()],
    }
    uuids = {
        "organisasjon": {o.pk: str(o.uuid) for o in organisations},
        "prosjekt": {p.pk: str(p.uuid) for p in projects},
        "program": {p.pk: str(p.uuid) for p in programmes},
    }
    return labels, uuids


FACET_LABELS = {
    "status": gettext_lazy("Status"),
    "klasse": gettext_lazy("Gevinstklasse"),
    "organisasjon": gettext_lazy("Organisasjon"),
    "prosjekt": gettext_lazy("Prosjekt"),
    "program": gettext_lazy("Program"),
    "indikator": gettext_lazy("Indikatorstatus"),
}


def _row_values(entry: RegisterEntry, uuids: dict[str, dict[int, str]]) -> dict[str, set[str]]:
    """What a register entry offers for each filter. A benefit belongs to its own programme
    and to the programme of its project."""
    project = uuids["prosjekt"].get(entry.project_id) if entry.project_id is not None else None
    return {
        "status": {entry.status},
        "klasse": {entry.benefit_class},
        "organisasjon": {
            uuids["organisasjon"][pk]
            for pk in entry.organisation_ids
            if pk in uuids["organisasjon"]
        },
        "prosjekt": {project} if project else set(),
        "program": {uuids["program"][pk] for pk in entry.programme_ids if pk in uuids["program"]},
        "indikator": {MISSING} if entry.missing_indicator else entry.statuses,
    }


def filter_register(
    rows: Sequence[RegisterEntry], params: Any, collaboration: Any
) -> tuple[list[RegisterEntry], list[Facet], dict[str, str]]:
    """The register entries (``selectors.register_entries``) that pass every chosen filter (in the order given), and each filter's
    options counted among the rows that pass the *other* filters (so a count says what
    choosing it would show). Unknown values in the query string are ignored."""
    labels, uuids = _labels(collaboration)
    chosen: dict[str, str] = {}
    for name in FACET_LABELS:
        value = str(params.get(name, "") or "").strip()
        if value and value in {v for v, _label in labels[name]}:
            chosen[name] = value
    values = [(row, _row_values(row, uuids)) for row in rows]

    def passes(offered: dict[str, set[str]], skip: str | None = None) -> bool:
        return all(value in offered[name] for name, value in chosen.items() if name != skip)

    facets = []
    for name, label in FACET_LABELS.items():
        counts: Counter[str] = Counter()
        for _row, offered in values:
            if passes(offered, skip=name):
                counts.update(offered[name])
        options = [
            Option(value, text, counts[value], chosen.get(name) == value)
            for value, text in labels[name]
        ]
        facets.append(Facet(name, str(label), options, chosen.get(name, "")))
    return [row for row, offered in values if passes(offered)], facets, chosen


# --- The trajectory of one indicator ---------------------------------------------------------


@dataclass(frozen=True)
class TrajectoryRow:
    """One date of the trajectory table: the planned value on that date (from the
    trajectory), the measured value(s) when there is a measurement, and whether the date is
    a point of the trajectory itself (baseline, intermediate target, target)."""

    on: datetime.date
    planned: float
    measured: list[float]
    label: str


def _points(
    indicator: Indicator,
) -> tuple[arithmetic.Point, arithmetic.Point, list[arithmetic.Point]]:
    baseline = arithmetic.Point(indicator.baseline_date, float(indicator.baseline_value))
    target = arithmetic.Point(indicator.target_date, float(indicator.target_value))
    between = [arithmetic.Point(t.date, float(t.value)) for t in indicator.targets.all()]
    return baseline, target, between


def trajectory(indicator: Indicator, measurements: Iterable[Measurement]) -> dict[str, Any]:
    """The chart data (``planned``: the trajectory's points, ``measured``: the
    measurements, each as ``[ISO date, value]``) and the table rows of the same numbers."""
    baseline, target, between = _points(indicator)
    points = arithmetic.trajectory(baseline, target, between)
    measured: dict[datetime.date, list[float]] = {}
    for m in measurements:
        measured.setdefault(m.measured_on, []).append(float(m.value))
    labels = {baseline.on: pgettext("indikator", "Nullpunkt"), target.on: _("Mål")}
    for point in points[1:-1]:
        labels[point.on] = pgettext("indikator", "Delmål")
    dates = sorted({p.on for p in points} | set(measured))
    rows = [
        TrajectoryRow(
            on=day,
            planned=arithmetic.planned_value(day, baseline, target, between),
            measured=measured.get(day, []),
            label=labels.get(day, ""),
        )
        for day in dates
    ]
    chart = {
        "unit": indicator.unit_label,
        "planned_label": _("Plan (bane)"),
        "measured_label": _("Målt"),
        "planned": [[p.on.isoformat(), p.value] for p in points],
        "measured": [
            [day.isoformat(), value] for day in sorted(measured) for value in measured[day]
        ],
    }
    return {"chart": chart, "rows": rows}


# --- Who measures what ------------------------------------------------------------------------


def measurable_indicators(access: CollaborationAccess) -> QuerySet[Indicator]:
    """The indicators the person may enter measurements for (see ``access.may_measure``)."""
    indicators = Indicator.objects.filter(benefit__collaboration=access.collaboration)
    if not access.is_manager:
        mine = Q(benefit__owner=access.user) | Q(benefit__responsible=access.user)
        own = access.editable_organisation_id
        if own is not None:
            mine |= Q(benefit__organisations=own)
        indicators = indicators.filter(mine)
    return (
        indicators.distinct()
        .select_related("benefit")
        .order_by("benefit__code", "benefit__title", "order", "pk")
    )


def may_import(access: CollaborationAccess) -> bool:
    """Managers and editors may use the import page (each row is checked on its own);
    others only when they own or answer for a benefit."""
    if access.is_manager or access.editable_organisation_id is not None:
        return True
    return Benefit.objects.filter(
        Q(owner=access.user) | Q(responsible=access.user), collaboration=access.collaboration
    ).exists()


def measurement_organisations(
    access: CollaborationAccess, benefit: Benefit
) -> tuple[QuerySet[Organisation], bool]:
    """The organisations a measurement of ``benefit`` may be entered for by this person, and
    whether they must choose one (an editor measures for their own organisation only)."""
    accrues_to = benefit.organisations.all().order_by("name")
    if access_rules.may_change_benefit(access, benefit):
        if not accrues_to.exists():
            accrues_to = Organisation.objects.filter(
                memberships__collaboration=access.collaboration
            ).order_by("name")
        return accrues_to, False
    own = access.editable_organisation_id
    return (accrues_to.filter(pk=own) if own is not None else accrues_to.none()), True


def may_change_measurement(
    access: CollaborationAccess, benefit: Benefit, measurement: Measurement
) -> bool:
    return access_rules.may_change_measurement(access, benefit, measurement)


def realisation_decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 4)))
