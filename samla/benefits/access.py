"""Access helpers for benefits: the only way views, the API and exports fetch its objects.
Objects of another collaboration answer 404; a change the role does not allow 403.

Who may do what:
- everyone with a role in the collaboration reads every benefit, indicator, measurement,
  map and report;
- managers (administrators and the programme office) register benefits and change all of it;
- a benefit's owner (gevinsteier) and responsible person (gevinstansvarlig) change that
  benefit and its indicators and enter its measurements, but do not delete it;
- an editor of an organisation the benefit accrues to enters measurements for their own
  organisation (the figures usually come from the municipality's own systems);
- benefit maps are the managers'.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from samla.benefits.models import Benefit, BenefitMap, Indicator, MapLink, MapNode, Measurement
from samla.organisations.access import CollaborationAccess, _parse_uuid
from samla.organisations.models import Organisation

M = TypeVar("M", bound=models.Model)


def _fetch(queryset: models.QuerySet[M], object_id: str | uuid.UUID) -> M:
    obj = queryset.filter(uuid=_parse_uuid(object_id)).first()
    if obj is None:
        raise Http404
    return obj


def may_create_benefit(access: CollaborationAccess) -> bool:
    return access.is_manager


def may_change_benefit(access: CollaborationAccess, benefit: Benefit) -> bool:
    return access.is_manager or access.user.pk in (benefit.owner_id, benefit.responsible_id)


def may_measure(
    access: CollaborationAccess, benefit: Benefit, organisation: Organisation | None = None
) -> bool:
    """May enter measurements of ``benefit`` (for ``organisation``, when given)."""
    if may_change_benefit(access, benefit):
        return True
    own = access.editable_organisation_id
    if own is None or (organisation is not None and organisation.pk != own):
        return False
    return benefit.organisations.filter(pk=own).exists()


def may_change_measurement(
    access: CollaborationAccess, benefit: Benefit, measurement: Measurement
) -> bool:
    """Those who change the benefit change all its measurements; an editor who measures for
    their organisation changes that organisation's measurements only, not those of the whole
    benefit (which a change would otherwise quietly move to the editor's organisation)."""
    if may_change_benefit(access, benefit):
        return True
    own = access.editable_organisation_id
    return (
        own is not None
        and measurement.organisation_id == own
        and may_measure(access, benefit, measurement.organisation)
    )


def may_manage_maps(access: CollaborationAccess) -> bool:
    return access.is_manager


def access_benefit(
    access: CollaborationAccess, benefit_id: str | uuid.UUID, *, for_change: bool = False
) -> Benefit:
    benefit = _fetch(
        Benefit.objects.filter(collaboration=access.collaboration).select_related(
            "owner", "responsible", "project", "programme", "case_line"
        ),
        benefit_id,
    )
    if for_change and not may_change_benefit(access, benefit):
        raise PermissionDenied(
            _("Bare programkontoret, gevinsteieren og gevinstansvarlig kan endre gevinsten.")
        )
    return benefit


def access_benefit_for_delete(access: CollaborationAccess, benefit_id: str | uuid.UUID) -> Benefit:
    benefit = access_benefit(access, benefit_id)
    access.require_manager()
    return benefit


def access_indicator(
    access: CollaborationAccess, indicator_id: str | uuid.UUID, *, for_change: bool = False
) -> Indicator:
    indicator = _fetch(
        Indicator.objects.filter(benefit__collaboration=access.collaboration).select_related(
            "benefit"
        ),
        indicator_id,
    )
    if for_change and not may_change_benefit(access, indicator.benefit):
        raise PermissionDenied(
            _("Bare programkontoret, gevinsteieren og gevinstansvarlig kan endre indikatoren.")
        )
    return indicator


def require_measure(
    access: CollaborationAccess, benefit: Benefit, organisation: Organisation | None = None
) -> None:
    if not may_measure(access, benefit, organisation):
        raise PermissionDenied(
            _(
                "Målinger registreres av programkontoret, gevinsteieren, gevinstansvarlig eller redaktøren for en organisasjon gevinsten tilfaller."
            )
        )


def access_measurement(
    access: CollaborationAccess, measurement_id: str | uuid.UUID, *, for_change: bool = False
) -> Measurement:
    measurement = _fetch(
        Measurement.objects.filter(
            indicator__benefit__collaboration=access.collaboration
        ).select_related("indicator__benefit", "organisation", "measured_by"),
        measurement_id,
    )
    if for_change and not may_change_measurement(
        access, measurement.indicator.benefit, measurement
    ):
        raise PermissionDenied(
            _(
                "Målingen kan endres av programkontoret, gevinsteieren, gevinstansvarlig eller redaktøren for organisasjonen den gjelder."
            )
        )
    return measurement


def access_map(
    access: CollaborationAccess, map_id: str | uuid.UUID, *, for_change: bool = False
) -> BenefitMap:
    benefit_map = _fetch(
        BenefitMap.objects.filter(collaboration=access.collaboration).select_related(
            "programme", "project"
        ),
        map_id,
    )
    if for_change:
        access.require_manager()
    return benefit_map


def access_map_node(
    access: CollaborationAccess, node_id: str | uuid.UUID, *, for_change: bool = False
) -> MapNode:
    node = _fetch(
        MapNode.objects.filter(map__collaboration=access.collaboration).select_related("map"),
        node_id,
    )
    if for_change:
        access.require_manager()
    return node


def access_map_link(
    access: CollaborationAccess, link_id: str | uuid.UUID, *, for_change: bool = False
) -> MapLink:
    link = _fetch(
        MapLink.objects.filter(map__collaboration=access.collaboration).select_related("map"),
        link_id,
    )
    if for_change:
        access.require_manager()
    return link
