"""Every write of the benefits app: keyword-only, atomic, validated with ``full_clean`` and
Norwegian messages; a refused write leaves nothing behind.

Checks beyond the model's own constraints:
- a benefit has an owner with a role in the collaboration; the organisations it accrues to
  are members; its project, programme and business-case line are the collaboration's, and
  the line is a monetised benefit (a priced benefit or saved hours);
- an indicator's intermediate targets lie between the baseline date and the target date;
- a measurement is not dated before the indicator's baseline, is given in the indicator's
  unit (when the caller names one, as imports and the API do), and is for an organisation
  the benefit accrues to;
- a benefit map's nodes and links stay within the map, and a link joins two different
  nodes once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from samla.benefits.models import (
    Benefit,
    BenefitMap,
    Indicator,
    IndicatorTarget,
    MapLink,
    MapNode,
    Measurement,
    NodeKind,
    Unit,
)
from samla.core.services import apply_fields
from samla.organisations.models import Collaboration, Membership, Organisation, Role, User

BENEFIT_FIELDS = (
    "code",
    "title",
    "description",
    "benefit_class",
    "kind",
    "status",
    "owner",
    "responsible",
    "project",
    "programme",
    "case_line",
    "preconditions",
)
INDICATOR_FIELDS = (
    "name",
    "unit",
    "custom_unit",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "frequency",
    "method",
    "data_source",
    "kroner_per_unit",
    "order",
)
MEASUREMENT_FIELDS = ("measured_on", "value", "comment", "organisation")
MAP_FIELDS = ("name", "description", "programme", "project")
NODE_FIELDS = ("kind", "title", "description", "benefit", "project", "order")
MONETISED_LINE_KINDS = ("benefit", "time_saving")


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _same_collaboration(collaboration_id: int, **objects: Any) -> None:
    for field, obj in objects.items():
        if obj is not None and obj.collaboration_id != collaboration_id:
            raise _error(field, _("Hører til et annet samarbeid."))


def _users_in_collaboration(collaboration_id: int, **users: User | None) -> None:
    wanted = {field: user for field, user in users.items() if user is not None}
    with_role = set(
        Role.objects.filter(
            collaboration_id=collaboration_id, user__in=list(wanted.values())
        ).values_list("user_id", flat=True)
    )
    for field, user in wanted.items():
        if user.pk not in with_role and not user.is_superuser:
            raise _error(field, _("%(user)s har ingen rolle i samarbeidet.") % {"user": user})


def _members(collaboration_id: int, organisations: Iterable[Organisation], field: str) -> None:
    wanted = {organisation.pk: organisation for organisation in organisations}
    members = set(
        Membership.objects.filter(
            collaboration_id=collaboration_id, organisation_id__in=wanted
        ).values_list("organisation_id", flat=True)
    )
    for pk, organisation in wanted.items():
        if pk not in members:
            raise _error(
                field, _("%(name)s er ikke medlem av samarbeidet.") % {"name": organisation.name}
            )


# --- Benefits -------------------------------------------------------------------------------


def _validate_benefit(benefit: Benefit) -> None:
    if benefit.owner_id is None:
        raise _error("owner", _("En gevinst må ha en gevinsteier."))
    collaboration_id = benefit.collaboration_id
    _users_in_collaboration(collaboration_id, owner=benefit.owner, responsible=benefit.responsible)
    _same_collaboration(collaboration_id, project=benefit.project, programme=benefit.programme)
    line = benefit.case_line
    if line is not None:
        if line.alternative.version.case.collaboration_id != collaboration_id:
            raise _error("case_line", _("Hører til et annet samarbeid."))
        if line.kind not in MONETISED_LINE_KINDS:
            raise _error("case_line", _("Velg en linje med prissatt gevinst eller spart tid."))


@transaction.atomic
def benefit_create(
    *, collaboration: Collaboration, organisations: Sequence[Organisation] = (), **fields: Any
) -> Benefit:
    benefit = Benefit(collaboration=collaboration)
    apply_fields(benefit, fields, BENEFIT_FIELDS)
    if benefit.owner_id is None:
        raise _error("owner", _("En gevinst må ha en gevinsteier."))
    benefit.full_clean()
    _validate_benefit(benefit)
    _members(collaboration.pk, organisations, "organisations")
    benefit.save()
    benefit.organisations.set(organisations)
    return benefit


@transaction.atomic
def benefit_update(
    *, benefit: Benefit, organisations: Sequence[Organisation] | None = None, **fields: Any
) -> Benefit:
    apply_fields(benefit, fields, BENEFIT_FIELDS)
    if benefit.owner_id is None:
        raise _error("owner", _("En gevinst må ha en gevinsteier."))
    benefit.full_clean()
    _validate_benefit(benefit)
    if organisations is not None:
        _members(benefit.collaboration_id, organisations, "organisations")
        measured = set(
            Measurement.objects.filter(
                indicator__benefit=benefit, organisation__isnull=False
            ).values_list("organisation_id", flat=True)
        )
        dropped = measured - {o.pk for o in organisations}
        if dropped:
            names = ", ".join(
                Organisation.objects.filter(pk__in=dropped)
                .order_by("name")
                .values_list("name", flat=True)
            )
            raise _error(
                "organisations",
                _("Det finnes målinger for %(names)s; de kan ikke fjernes fra gevinsten.")
                % {"names": names},
            )
        benefit.organisations.set(organisations)
    benefit.save()
    return benefit


@transaction.atomic
def benefit_delete(*, benefit: Benefit) -> None:
    if Measurement.objects.filter(indicator__benefit=benefit).exists():
        raise _error(
            "status",
            _(
                "Gevinsten har målinger og kan ikke slettes. Sett status til «Avsluttet uten å realiseres» i stedet."
            ),
        )
    benefit.delete()


# --- Indicators -----------------------------------------------------------------------------


def _validate_indicator(indicator: Indicator) -> None:
    """After ``full_clean``: the measurements and intermediate targets still fit the dates."""
    if indicator.pk is None:
        return
    first = (
        indicator.measurements.order_by("measured_on").values_list("measured_on", flat=True).first()
    )
    if first is not None and first < indicator.baseline_date:
        raise _error(
            "baseline_date",
            _("Det finnes målinger fra %(date)s, før nullpunktets dato.")
            % {"date": first.strftime("%d.%m.%Y")},
        )
    outside = indicator.targets.exclude(
        date__gt=indicator.baseline_date, date__lt=indicator.target_date
    )
    if outside.exists():
        raise _error("target_date", _("Delmålene må ligge mellom nullpunktets dato og måldatoen."))


def _indicator_field_errors(indicator: Indicator) -> dict[str, Any]:
    """The indicator's check constraints as messages on their fields (the database's own
    messages would stand for the whole form, away from the field to correct)."""
    errors: dict[str, Any] = {}
    try:  # values full_clean cannot read are its to report
        same = Decimal(str(indicator.baseline_value)) == Decimal(str(indicator.target_value))
    except (InvalidOperation, ValueError):
        same = False
    if same:
        errors["target_value"] = [_("Målet kan ikke være lik nullpunktet.")]
    start, end = indicator.baseline_date, indicator.target_date
    if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end <= start:
        errors["target_date"] = [_("Måldatoen må være etter nullpunktets dato.")]
    if indicator.unit == Unit.CUSTOM and not (indicator.custom_unit or "").strip():
        errors["custom_unit"] = [_("Skriv navnet på enheten.")]
    return errors


def _clean_indicator(indicator: Indicator) -> None:
    if indicator.unit != Unit.CUSTOM:
        indicator.custom_unit = ""
    errors = _indicator_field_errors(indicator)
    try:
        indicator.full_clean(validate_constraints=not errors)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    _validate_indicator(indicator)


@transaction.atomic
def indicator_create(*, benefit: Benefit, **fields: Any) -> Indicator:
    indicator = Indicator(benefit=benefit)
    if "order" not in fields:
        fields["order"] = (benefit.indicators.aggregate(m=Max("order"))["m"] or 0) + 1
    apply_fields(indicator, fields, INDICATOR_FIELDS)
    _clean_indicator(indicator)
    indicator.save()
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, **fields: Any) -> Indicator:
    apply_fields(indicator, fields, INDICATOR_FIELDS)
    _clean_indicator(indicator)
    indicator.save()
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator) -> None:
    indicator.delete()


@transaction.atomic
def indicator_target_set(
    *, indicator: Indicator, date: datetime.date, value: Decimal
) -> IndicatorTarget:
    """Add or change the intermediate target on ``date``."""
    if not indicator.baseline_date < date < indicator.target_date:
        raise _error(
            "date",
            _("Et delmål må ligge mellom nullpunktets dato (%(start)s) og måldatoen (%(end)s).")
            % {
                "start": indicator.baseline_date.strftime("%d.%m.%Y"),
                "end": indicator.target_date.strftime("%d.%m.%Y"),
            },
        )
    row = IndicatorTarget.objects.filter(indicator=indicator, date=date).first() or IndicatorTarget(
        indicator=indicator, date=date
    )
    row.value = value
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def indicator_target_delete(*, target: IndicatorTarget) -> None:
    target.delete()


# --- Measurements ---------------------------------------------------------------------------


def unit_matches(indicator: Indicator, unit: str) -> bool:
    """``unit`` as an import or API caller wrote it: the code (``hours``), the label
    (``timer``) or, for a custom unit, its name; case and surrounding space do not matter."""
    given = unit.strip().casefold()
    names = {indicator.unit.casefold(), str(Unit(indicator.unit).label).casefold()}
    if indicator.unit == Unit.CUSTOM:
        names = {indicator.custom_unit.strip().casefold()}
    aliases = {
        "kroner": {"kr", "nok", "kroner"},
        "percent": {"%", "prosent"},
        "hours": {"t", "timer", "hours"},
    }
    names |= aliases.get(indicator.unit, set())
    return given in names


def _validate_measurement(measurement: Measurement, unit: str | None) -> None:
    indicator = measurement.indicator
    if unit is not None and unit.strip() and not unit_matches(indicator, unit):
        raise _error(
            "unit",
            _("Enheten «%(given)s» passer ikke med indikatorens enhet «%(unit)s».")
            % {"given": unit, "unit": indicator.unit_label},
        )
    if measurement.measured_on is not None and measurement.measured_on < indicator.baseline_date:
        raise _error(
            "measured_on",
            _("Målingen kan ikke være datert før nullpunktet (%(date)s).")
            % {"date": indicator.baseline_date.strftime("%d.%m.%Y")},
        )
    organisation = measurement.organisation
    if organisation is not None:
        benefit = indicator.benefit
        accrues_to = set(benefit.organisations.values_list("pk", flat=True))
        if accrues_to and organisation.pk not in accrues_to:
            raise _error(
                "organisation",
                _("Gevinsten tilfaller ikke %(name)s.") % {"name": organisation.name},
            )
        if not accrues_to:
            _members(benefit.collaboration_id, [organisation], "organisation")


@transaction.atomic
def measurement_create(
    *, indicator: Indicator, user: User | None = None, unit: str | None = None, **fields: Any
) -> Measurement:
    measurement = Measurement(indicator=indicator, measured_by=user)
    apply_fields(measurement, fields, MEASUREMENT_FIELDS)
    measurement.full_clean()
    _validate_measurement(measurement, unit)
    measurement.save()
    return measurement


@transaction.atomic
def measurement_update(
    *, measurement: Measurement, unit: str | None = None, **fields: Any
) -> Measurement:
    apply_fields(measurement, fields, MEASUREMENT_FIELDS)
    measurement.full_clean()
    _validate_measurement(measurement, unit)
    measurement.save()
    return measurement


@transaction.atomic
def measurement_delete(*, measurement: Measurement) -> None:
    measurement.delete()


# --- Benefit maps ---------------------------------------------------------------------------


def _validate_map(benefit_map: BenefitMap) -> None:
    _same_collaboration(
        benefit_map.collaboration_id, programme=benefit_map.programme, project=benefit_map.project
    )


@transaction.atomic
def map_create(*, collaboration: Collaboration, **fields: Any) -> BenefitMap:
    benefit_map = BenefitMap(collaboration=collaboration)
    apply_fields(benefit_map, fields, MAP_FIELDS)
    benefit_map.full_clean()
    _validate_map(benefit_map)
    benefit_map.save()
    return benefit_map


@transaction.atomic
def map_update(*, benefit_map: BenefitMap, **fields: Any) -> BenefitMap:
    apply_fields(benefit_map, fields, MAP_FIELDS)
    benefit_map.full_clean()
    _validate_map(benefit_map)
    benefit_map.save()
    return benefit_map


@transaction.atomic
def map_delete(*, benefit_map: BenefitMap) -> None:
    benefit_map.delete()


def _validate_node(node: MapNode) -> None:
    collaboration_id = node.map.collaboration_id
    _same_collaboration(collaboration_id, benefit=node.benefit, project=node.project)
    if node.benefit_id is not None and node.kind != NodeKind.BENEFIT:
        raise _error(
            "benefit", _("Bare et element av typen gevinst kan kobles til en gevinst i registeret.")
        )
    if node.project_id is not None and node.kind != NodeKind.CHANGE:
        raise _error("project", _("Bare en endring kan leveres av et prosjekt."))


@transaction.atomic
def map_node_create(*, benefit_map: BenefitMap, **fields: Any) -> MapNode:
    node = MapNode(map=benefit_map)
    if "order" not in fields:
        fields["order"] = (benefit_map.nodes.aggregate(m=Max("order"))["m"] or 0) + 1
    apply_fields(node, fields, NODE_FIELDS)
    node.full_clean()
    _validate_node(node)
    node.save()
    return node


@transaction.atomic
def map_node_update(*, node: MapNode, **fields: Any) -> MapNode:
    apply_fields(node, fields, NODE_FIELDS)
    node.full_clean()
    _validate_node(node)
    node.save()
    return node


@transaction.atomic
def map_node_delete(*, node: MapNode) -> None:
    node.delete()


@transaction.atomic
def map_link_create(*, benefit_map: BenefitMap, source: MapNode, target: MapNode) -> MapLink:
    for field, node in (("source", source), ("target", target)):
        if node.map_id != benefit_map.pk:
            raise _error(field, _("Elementet hører til et annet gevinstkart."))
    link = MapLink(map=benefit_map, source=source, target=target)
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def map_link_delete(*, link: MapLink) -> None:
    link.delete()
