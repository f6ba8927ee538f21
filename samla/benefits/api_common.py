"""What the benefits API modules share: where each kind of object lives, how an indicator's
progress is put in an answer, and the governance API's machinery
(``samla.governance.api_common``: resources, schemas built from the models' fields,
references by uuid, list/get/create/patch/delete with the version check) applied here.

Paths are shallow: an indicator is listed and added under its benefit
(``benefits/{benefit_id}/indicators``) and then lives at ``indicators/{indicator_id}``; a
measurement likewise under ``indicators/{indicator_id}/measurements`` and at
``measurements/{measurement_id}``. Benefit maps keep their nodes and links under them.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Router, Schema

from samla.benefits import access as rights
from samla.benefits import selectors
from samla.benefits.models import (
    Benefit,
    BenefitMap,
    Indicator,
    MapLink,
    MapNode,
    Measurement,
)
from samla.cases.models import Line
from samla.finance import benefits as arithmetic
from samla.governance.api_common import COLLABORATION, SCOPES, child
from samla.organisations.api import DecimalString

# How a reference by uuid in a request body is found in the collaboration (the governance
# machinery's table; objects with a ``collaboration`` field need no entry).
SCOPES.setdefault(Line, "alternative__version__case__collaboration")
SCOPES.setdefault(MapNode, "map__collaboration")
SCOPES.setdefault(Indicator, "benefit__collaboration")

BENEFIT = child(None, "benefit", Benefit, "benefits", rights.access_benefit)
INDICATOR = child(
    None,
    "benefit_indicator",
    Indicator,
    "indicators",
    rights.access_indicator,
    param="indicator_id",
)
MEASUREMENT = child(
    None,
    "benefit_measurement",
    Measurement,
    "measurements",
    rights.access_measurement,
    param="measurement_id",
)
BENEFIT_MAP = child(None, "benefit_map", BenefitMap, "benefit-maps", rights.access_map)
MAP_NODE = child(
    BENEFIT_MAP,
    "benefit_map_node",
    MapNode,
    "nodes",
    rights.access_map_node,
    "map",
    param="map_node_id",
)
MAP_LINK = child(
    BENEFIT_MAP,
    "benefit_map_link",
    MapLink,
    "links",
    rights.access_map_link,
    "map",
    param="map_link_id",
)
INDICATORS_OF_BENEFIT = f"{BENEFIT.path}/indicators"
MEASUREMENTS_OF_INDICATOR = f"{INDICATOR.path}/measurements"
TARGET = f"{INDICATOR.path}/targets/{{date}}"

assert BENEFIT.path.startswith(COLLABORATION)


def own_module(router: Router, module: str) -> None:
    """Operations made by the governance machinery carry its module name, which names them in
    the OpenAPI document (``operationId``): give them this app's."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            operation.view_func.__module__ = module


STATUS_HELP = (
    "on_track, at_risk, behind or not_measured: judged at the latest measurement against the "
    "trajectory (baseline, intermediate targets, target, straight lines between them); on "
    "track when the realisation is at most 5 % of the way below the planned, at risk up to "
    "20 %, behind beyond."
)

# --- Progress -----------------------------------------------------------------------------------


class BenefitTrajectoryPoint(Schema):
    date: datetime.date
    value: DecimalString


class BenefitLatestMeasurement(Schema):
    uuid: UUID
    measured_on: datetime.date
    value: DecimalString
    organisation: UUID | None


class BenefitIndicatorSummary(Schema):
    uuid: UUID
    name: str
    unit: str
    unit_label: str
    status: str = Field(description=STATUS_HELP)
    status_label: str
    realisation: float | None


def _targets(indicator: Indicator) -> list[Any]:
    return sorted(indicator.targets.all(), key=lambda target: target.date)


def progress(indicator: Indicator) -> dict[str, Any]:
    """Status, realisation and the next due date of ``indicator`` as the register shows them
    (``samla.benefits.selectors.indicator_progress``; the rule is ``STATUS_RULE`` there)."""
    try:
        state = selectors.indicator_progress(indicator)
    except (ValueError, OverflowError):  # a next due date beyond the year 9999
        assessment = arithmetic.assess(
            arithmetic.Point(indicator.baseline_date, float(indicator.baseline_value)),
            arithmetic.Point(indicator.target_date, float(indicator.target_value)),
            [arithmetic.Point(t.date, float(t.value)) for t in _targets(indicator)],
            None,
        )
        return {
            "status": str(assessment.status),
            "status_label": selectors.status_label(assessment.status),
            "realisation": None,
            "planned_realisation": assessment.planned_realisation,
            "latest": None,
            "next_due": None,
            "overdue": False,
        }
    return {
        "status": str(state.status),
        "status_label": state.status_label,
        "realisation": state.realisation,
        "planned_realisation": state.planned_realisation,
        "latest": state.latest,
        "next_due": state.next_due,
        "overdue": state.overdue,
    }


def trajectory(indicator: Indicator) -> list[dict[str, Any]]:
    """Baseline, intermediate targets and target, in date order."""
    points = [{"date": indicator.baseline_date, "value": indicator.baseline_value}]
    points += [{"date": target.date, "value": target.value} for target in _targets(indicator)]
    points.append({"date": indicator.target_date, "value": indicator.target_value})
    return points


def cached_progress(indicator: Indicator) -> dict[str, Any]:
    """``progress``, worked out once per indicator object."""
    state: dict[str, Any] | None = getattr(indicator, "_api_progress", None)
    if state is None:
        state = progress(indicator)
        indicator._api_progress = state  # type: ignore[attr-defined]
    return state


def latest_out(measurement: Measurement | None) -> dict[str, Any] | None:
    if measurement is None:
        return None
    return {
        "uuid": measurement.uuid,
        "measured_on": measurement.measured_on,
        "value": measurement.value,
        "organisation": measurement.organisation.uuid if measurement.organisation else None,
    }


def summary(indicator: Indicator) -> dict[str, Any]:
    state = cached_progress(indicator)
    return {
        "uuid": indicator.uuid,
        "name": indicator.name,
        "unit": indicator.unit,
        "unit_label": indicator.unit_label,
        "status": state["status"],
        "status_label": state["status_label"],
        "realisation": state["realisation"],
    }


def realisation_of(measurement: Measurement) -> float | None:
    indicator = measurement.indicator
    try:
        return arithmetic.realisation(
            float(measurement.value), float(indicator.baseline_value), float(indicator.target_value)
        )
    except ValueError:
        return None
