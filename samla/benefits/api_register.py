"""API: the benefit register, indicators with their trajectory, and measurements.

Everyone with a role reads; managers register and delete benefits; a benefit's owner and
responsible person change it and its indicators (and their intermediate targets); an editor
of an organisation the benefit accrues to enters measurements for that organisation (without
naming one, the measurement is for the editor's own). Whatever a service refuses answers 422
with its message and writes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from samla.api.transactions import atomic
from samla.api.versioning import CURRENT, EDITED
from samla.benefits import access as rights
from samla.benefits import selectors_reports, services
from samla.benefits.api_common import (
    BENEFIT,
    INDICATOR,
    INDICATORS_OF_BENEFIT,
    MEASUREMENT,
    MEASUREMENTS_OF_INDICATOR,
    TARGET,
    BenefitIndicatorSummary,
    BenefitLatestMeasurement,
    BenefitTrajectoryPoint,
    cached_progress,
    latest_out,
    realisation_of,
    summary,
    trajectory,
)
from samla.benefits.models import Benefit, Indicator, IndicatorTarget, Measurement
from samla.core.locking import check_version
from samla.governance.api_common import (
    Shape,
    collaboration_access,
    crud,
    input_schema,
    resolve,
)
from samla.organisations.access import CollaborationAccess
from samla.organisations.api import READ_ERRORS, WRITE_ERRORS, DecimalString
from samla.organisations.models import Organisation

router = Router()


def _indicators() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("benefit").prefetch_related(
        "targets", Prefetch("measurements", Measurement.objects.select_related("organisation"))
    )


# --- Benefits ----------------------------------------------------------------------------------


def _benefits(access: CollaborationAccess) -> QuerySet[Benefit]:
    return (
        Benefit.objects.filter(collaboration=access.collaboration)
        .select_related("owner", "responsible", "project", "programme", "case_line")
        .prefetch_related("organisations", Prefetch("indicators", _indicators()))
    )


def _benefit_listing(access: CollaborationAccess, _parent: Any, given: dict[str, Any]) -> Any:
    benefits = _benefits(access)
    if given["status"]:
        benefits = benefits.filter(status=given["status"])
    if given["benefit_class"]:
        benefits = benefits.filter(benefit_class=given["benefit_class"])
    if given["missing_indicator"] is not None:
        benefits = benefits.filter(indicators__isnull=given["missing_indicator"]).distinct()
    return benefits.order_by("code", "title")


def _name(user: Any) -> str | None:
    return None if user is None else (user.get_full_name() or user.get_username())


BENEFIT_OUT = Shape(
    "BenefitOut",
    Benefit,
    (*services.BENEFIT_FIELDS, "organisations", "created_at"),
    extras={
        "owner_name": (str | None, lambda benefit: _name(benefit.owner)),
        "responsible_name": (str | None, lambda benefit: _name(benefit.responsible)),
        "indicators": (
            list[BenefitIndicatorSummary],
            lambda benefit: [summary(indicator) for indicator in benefit.indicators.all()],
        ),
        "missing_indicator": (bool, lambda benefit: not benefit.indicators.all()),
    },
)
BENEFIT_INPUT = (*services.BENEFIT_FIELDS, "organisations")


def _delete_benefit(access: CollaborationAccess, benefit: Benefit) -> None:
    access.require_manager()
    services.benefit_delete(benefit=benefit)


crud(
    router,
    BENEFIT,
    BENEFIT_OUT,
    listing=_benefit_listing,
    filters={"status": str, "benefit_class": str, "missing_indicator": bool},
    may_create=lambda access, _parent: access.require_manager(),
    create=lambda access, _parent, f: services.benefit_create(
        collaboration=access.collaboration, **f
    ),
    # The owner is checked by the service, which says so in words (422) when it is missing.
    create_in=input_schema("BenefitIn", Benefit, BENEFIT_INPUT, optional=["owner"]),
    update=lambda _a, obj, f: services.benefit_update(benefit=obj, **f),
    update_in=input_schema("BenefitPatch", Benefit, BENEFIT_INPUT, partial=True),
    delete=_delete_benefit,
    text={
        "list": "The collaboration's benefits, each with its indicators' status and realisation; "
        "a benefit without an indicator is listed with ``missing_indicator`` true, never left out.",
        "create": "Register a benefit (managers). It must have an owner with a role in the "
        "collaboration; the organisations it accrues to must be members.",
        "update": "Only the fields given are changed (managers, the benefit's owner and its "
        "responsible person). An organisation with measurements cannot be removed.",
        "delete": "Managers only; a benefit with measurements cannot be deleted (set its status "
        "to abandoned instead).",
    },
)

# --- Indicators --------------------------------------------------------------------------------


INDICATOR_OUT = Shape(
    "BenefitIndicatorOut",
    Indicator,
    ("benefit", *services.INDICATOR_FIELDS),
    extras={
        "unit_label": (str, lambda indicator: indicator.unit_label),
        "trajectory": (list[BenefitTrajectoryPoint], trajectory),
        "latest": (
            BenefitLatestMeasurement | None,
            lambda indicator: latest_out(cached_progress(indicator)["latest"]),
        ),
        "status": (str, lambda indicator: cached_progress(indicator)["status"]),
        "status_label": (str, lambda indicator: cached_progress(indicator)["status_label"]),
        "overdue": (bool, lambda indicator: cached_progress(indicator)["overdue"]),
        "realisation": (float | None, lambda indicator: cached_progress(indicator)["realisation"]),
        "planned_realisation": (
            float,
            lambda indicator: cached_progress(indicator)["planned_realisation"],
        ),
        "next_due": (
            datetime.date | None,
            lambda indicator: cached_progress(indicator)["next_due"],
        ),
    },
)
BenefitIndicatorIn = input_schema("BenefitIndicatorIn", Indicator, services.INDICATOR_FIELDS)


def _indicator(access: CollaborationAccess, indicator_id: UUID) -> Indicator:
    rights.access_indicator(access, indicator_id)
    return _indicators().get(uuid=indicator_id)


@router.get(
    INDICATORS_OF_BENEFIT,
    response={200: list[INDICATOR_OUT.schema], **READ_ERRORS},  # type: ignore[name-defined]
)
def benefit_indicator_list(request: HttpRequest, slug: str, benefit_id: UUID) -> Any:
    """The benefit's indicators in order, each with its trajectory (baseline, intermediate
    targets, target), latest measurement, status (on_track, at_risk, behind, not_measured),
    realisation and when the next measurement is due."""
    access = collaboration_access(request, slug)
    benefit = rights.access_benefit(access, benefit_id)
    return INDICATOR_OUT.dump_all(_indicators().filter(benefit=benefit).order_by("order", "pk"))


@router.post(INDICATORS_OF_BENEFIT, response={201: INDICATOR_OUT.schema, **WRITE_ERRORS})
@atomic
def benefit_indicator_create(
    request: HttpRequest,
    slug: str,
    benefit_id: UUID,
    payload: BenefitIndicatorIn,  # type: ignore[valid-type]
) -> Any:
    """Add an indicator to the benefit (managers, its owner and responsible person). The
    target must differ from the baseline and come after it."""
    access = collaboration_access(request, slug)
    benefit = rights.access_benefit(access, benefit_id, for_change=True)
    fields = resolve(access, Indicator, payload.dict(exclude_unset=True))  # type: ignore[attr-defined]
    indicator = services.indicator_create(benefit=benefit, **fields)
    return Status(201, INDICATOR_OUT.dump(_indicator(access, indicator.uuid)))


crud(
    router,
    INDICATOR,
    INDICATOR_OUT,
    update=lambda _a, obj, f: services.indicator_update(indicator=obj, **f),
    update_in=input_schema(
        "BenefitIndicatorPatch", Indicator, services.INDICATOR_FIELDS, partial=True
    ),
    delete=lambda _a, obj: services.indicator_delete(indicator=obj),
    text={
        "detail": "The indicator with its trajectory, latest measurement, status, realisation "
        "and next due date.",
        "update": "Only the fields given are changed (managers, the benefit's owner and "
        "responsible person). Measurements and intermediate targets must still fit the dates.",
        "delete": "Deletes the indicator with its intermediate targets and measurements.",
    },
)

# --- Intermediate targets ----------------------------------------------------------------------


class BenefitTargetIn(Schema):
    value: Decimal = Field(..., max_digits=18, decimal_places=4)
    version: int | None = Field(None, ge=1, description=EDITED)


class BenefitTargetOut(Schema):
    date: datetime.date
    value: DecimalString
    version: int = Field(..., description=CURRENT)


def _target_out(target: IndicatorTarget) -> dict[str, Any]:
    return {"date": target.date, "value": target.value, "version": target.version}


@router.put(TARGET, response={200: BenefitTargetOut, 201: BenefitTargetOut, **WRITE_ERRORS})
@atomic
def benefit_indicator_target_set(
    request: HttpRequest,
    slug: str,
    indicator_id: UUID,
    date: datetime.date,
    payload: BenefitTargetIn,
) -> Any:
    """Set the intermediate target on ``date`` (YYYY-MM-DD), between the baseline date and
    the target date: 201 when it is new, 200 when it changed. With ``version``, a target
    changed since answers 409."""
    access = collaboration_access(request, slug)
    indicator = rights.access_indicator(access, indicator_id, for_change=True)
    existing = indicator.targets.filter(date=date).first()
    if existing is not None:
        check_version(existing, payload.version)
    target = services.indicator_target_set(indicator=indicator, date=date, value=payload.value)
    target.refresh_from_db()  # the value as stored (four decimals)
    return Status(200 if existing is not None else 201, _target_out(target))


@router.delete(TARGET, response={204: None, **WRITE_ERRORS})
@atomic
def benefit_indicator_target_delete(
    request: HttpRequest, slug: str, indicator_id: UUID, date: datetime.date
) -> Any:
    """Remove the intermediate target on ``date``; 404 when there is none."""
    access = collaboration_access(request, slug)
    indicator = rights.access_indicator(access, indicator_id, for_change=True)
    target = indicator.targets.filter(date=date).first()
    if target is None:
        raise Http404
    services.indicator_target_delete(target=target)
    return Status(204, None)


# --- Measurements ------------------------------------------------------------------------------

MEASUREMENT_OUT = Shape(
    "BenefitMeasurementOut",
    Measurement,
    ("indicator", *services.MEASUREMENT_FIELDS, "measured_by", "created_at"),
    extras={
        "unit_label": (str, lambda measurement: measurement.indicator.unit_label),
        "realisation": (float | None, realisation_of),
    },
)
BenefitMeasurementIn = input_schema(
    "BenefitMeasurementIn",
    Measurement,
    services.MEASUREMENT_FIELDS,
    extra={
        "unit": (
            str | None,
            Field(
                None,
                max_length=60,
                description="The unit the value is given in (``hours``, ``timer``, ``kr``, a "
                "custom unit's name …); when given it must be the indicator's, or 422.",
            ),
        )
    },
)


def _measurements(indicator: Indicator) -> QuerySet[Measurement]:
    return indicator.measurements.select_related(
        "indicator__benefit", "organisation", "measured_by"
    ).order_by("measured_on", "pk")


@router.get(MEASUREMENTS_OF_INDICATOR, response={200: list[MEASUREMENT_OUT.schema], **READ_ERRORS})  # type: ignore[name-defined]
def benefit_measurement_list(
    request: HttpRequest, slug: str, indicator_id: UUID, organisation: UUID | None = None
) -> Any:
    """The indicator's measurements by date (``organisation``: only those for that
    organisation)."""
    access = collaboration_access(request, slug)
    indicator = rights.access_indicator(access, indicator_id)
    measurements = _measurements(indicator)
    if organisation is not None:
        measurements = measurements.filter(organisation__uuid=organisation)
    return MEASUREMENT_OUT.dump_all(measurements)


def _own_organisation(access: CollaborationAccess, benefit: Benefit) -> Organisation | None:
    """The organisation an editor who may not change the benefit measures for: their own."""
    if rights.may_change_benefit(access, benefit) or access.editable_organisation_id is None:
        return None
    return Organisation.objects.get(pk=access.editable_organisation_id)


@router.post(MEASUREMENTS_OF_INDICATOR, response={201: MEASUREMENT_OUT.schema, **WRITE_ERRORS})
@atomic
def benefit_measurement_create(
    request: HttpRequest,
    slug: str,
    indicator_id: UUID,
    payload: BenefitMeasurementIn,  # type: ignore[valid-type]
) -> Any:
    """Enter a measurement (managers, the benefit's owner and responsible person, and editors
    of an organisation the benefit accrues to, for their own organisation, which is taken
    when none is named). It may not be dated before the indicator's baseline; ``unit``, when
    given, must be the indicator's."""
    access = collaboration_access(request, slug)
    indicator = rights.access_indicator(access, indicator_id)
    benefit = indicator.benefit
    rights.require_measure(access, benefit)
    given = payload.dict(exclude_unset=True)  # type: ignore[attr-defined]
    unit = given.pop("unit", None)
    fields = resolve(access, Measurement, given)
    if fields.get("organisation") is None:
        own = _own_organisation(access, benefit)
        if own is not None:
            fields["organisation"] = own
    rights.require_measure(access, benefit, fields.get("organisation"))
    measurement = services.measurement_create(
        indicator=indicator, user=access.user, unit=unit, **fields
    )
    return Status(201, MEASUREMENT_OUT.dump(_measurements(indicator).get(pk=measurement.pk)))


def _update_measurement(
    access: CollaborationAccess, measurement: Measurement, fields: dict[str, Any]
) -> Measurement:
    if "organisation" in fields:
        organisation = fields["organisation"]
        if organisation is None:
            organisation = _own_organisation(access, measurement.indicator.benefit)
            fields["organisation"] = organisation
        rights.require_measure(access, measurement.indicator.benefit, organisation)
    return services.measurement_update(measurement=measurement, **fields)


crud(
    router,
    MEASUREMENT,
    MEASUREMENT_OUT,
    update=_update_measurement,
    update_in=input_schema(
        "BenefitMeasurementPatch", Measurement, services.MEASUREMENT_FIELDS, partial=True
    ),
    delete=lambda _a, obj: services.measurement_delete(measurement=obj),
    text={
        "update": "Only the fields given are changed (whoever may measure for the "
        "measurement's organisation, and for the one it is moved to).",
        "delete": "Whoever may measure for the measurement's organisation.",
    },
)


# --- Plan versus actual ------------------------------------------------------------------------


class BenefitPlanYear(Schema):
    year: int
    plan: DecimalString | None
    actual: DecimalString | None
    difference: DecimalString | None = Field(description="actual − plan (kroner)")


class BenefitPlanOrganisation(Schema):
    name: str = Field(description="The organisation, or «Felles» for the whole benefit.")
    plan: DecimalString | None
    actual: DecimalString | None
    years: list[BenefitPlanYear]


class BenefitPlanVersusActualOut(Schema):
    benefit: UUID
    case_line: UUID | None
    case_version: UUID | None
    plan_counts: bool = Field(
        description="The line belongs to an approved (frozen) version: only then is it a plan."
    )
    rate: DecimalString | None = Field(description="Kroner an hour, for a time saving line.")
    priced: bool = Field(description="The benefit has an indicator that can be made kroner.")
    years: list[int]
    plan: DecimalString | None
    actual: DecimalString | None
    totals: list[BenefitPlanYear]
    organisations: list[BenefitPlanOrganisation]
    notes: list[str]


def _year(cell: Any) -> dict[str, Any]:
    return {
        "year": cell.year,
        "plan": cell.plan,
        "actual": cell.actual,
        "difference": cell.difference,
    }


@router.get(
    f"{BENEFIT.path}/plan-vs-actual",
    response={200: BenefitPlanVersusActualOut, **READ_ERRORS},
)
def benefit_plan_vs_actual(request: HttpRequest, slug: str, benefit_id: UUID) -> Any:
    """Plan against actual in kroner per year and per organisation: the plan from the linked
    business-case line of an approved version (split by its cost-sharing key), the actual
    from the latest measurement in each year of every priced indicator."""
    access = collaboration_access(request, slug)
    benefit = rights.access_benefit(access, benefit_id)
    pva = selectors_reports.benefit_plan_versus_actual(benefit)
    return {
        "benefit": benefit.uuid,
        "case_line": pva.line.uuid if pva.line is not None else None,
        "case_version": pva.version.uuid if pva.version is not None else None,
        "plan_counts": pva.plan_counts,
        "rate": pva.rate,
        "priced": pva.priced,
        "years": pva.years,
        "plan": pva.plan,
        "actual": pva.actual,
        "totals": [_year(cell) for cell in pva.totals],
        "organisations": [
            {
                "name": row.name,
                "plan": row.plan,
                "actual": row.actual,
                "years": [_year(cell) for cell in row.cells],
            }
            for row in pva.rows
        ],
        "notes": [str(note) for note in pva.notes],
    }
