"""Access helpers for the landscape. Same rules as the foundation's: 404 across
collaborations, 403 for changes the role does not allow.

Who may change what:
- the catalogue (service areas, categories) and target portfolio: administrators and the
  programme office;
- vendors and products: anyone who may edit (editors add the systems they use), but only
  managers change or delete existing ones;
- installations and ICT costs: managers, and the editor of the organisation they belong to;
- contracts: managers, and an editor when their organisation is the only party.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from samla.landscape.models import (
    Contract,
    IctCost,
    Installation,
    Product,
    ServiceArea,
    SystemCategory,
    TargetChoice,
    Vendor,
)
from samla.organisations.access import CollaborationAccess, _parse_uuid
from samla.organisations.models import Organisation, Role

M = TypeVar("M", bound=models.Model)


def _fetch(
    queryset: models.QuerySet[M], access: CollaborationAccess, object_id: str | uuid.UUID
) -> M:
    obj = queryset.filter(uuid=_parse_uuid(object_id), collaboration=access.collaboration).first()
    if obj is None:
        raise Http404
    return obj


def may_edit_landscape(access: CollaborationAccess) -> bool:
    """Managers and editors may add to the landscape; viewers may not."""
    return access.is_manager or access.role.kind == Role.Kind.EDITOR


def require_landscape_editor(access: CollaborationAccess) -> None:
    if not may_edit_landscape(access):
        raise PermissionDenied("Leseren kan ikke endre landskapet.")


def require_organisation(access: CollaborationAccess, organisation: Organisation) -> None:
    """Managers may write for every member; an editor only for its own organisation."""
    if not access.may_edit_organisation(organisation):
        raise PermissionDenied("Du kan bare endre data for din egen organisasjon.")


def may_edit_contract_parties(access: CollaborationAccess, organisations: Iterable[Organisation]) -> bool:
    if access.is_manager:
        return True
    own = access.editable_organisation_id
    ids = {o.pk for o in organisations}
    return own is not None and ids == {own}


def access_service_area(access: CollaborationAccess, area_id: str | uuid.UUID, *, for_change: bool = False) -> ServiceArea:
    area = _fetch(ServiceArea.objects.all(), access, area_id)
    if for_change:
        access.require_manager()
    return area


def access_category(access: CollaborationAccess, category_id: str | uuid.UUID, *, for_change: bool = False) -> SystemCategory:
    category = _fetch(SystemCategory.objects.select_related("service_area"), access, category_id)
    if for_change:
        access.require_manager()
    return category


def access_vendor(access: CollaborationAccess, vendor_id: str | uuid.UUID, *, for_change: bool = False) -> Vendor:
    vendor = _fetch(Vendor.objects.all(), access, vendor_id)
    if for_change:
        access.require_manager()
    return vendor


def access_product(access: CollaborationAccess, product_id: str | uuid.UUID, *, for_change: bool = False) -> Product:
    product = _fetch(Product.objects.select_related("vendor"), access, product_id)
    if for_change:
        access.require_manager()
    return product


def access_installation(
    access: CollaborationAccess, installation_id: str | uuid.UUID, *, for_change: bool = False
) -> Installation:
    installation = _fetch(
        Installation.objects.select_related("organisation", "category", "product", "product__vendor"),
        access,
        installation_id,
    )
    if for_change:
        require_organisation(access, installation.organisation)
    return installation


def access_contract(
    access: CollaborationAccess, contract_id: str | uuid.UUID, *, for_change: bool = False
) -> Contract:
    contract = _fetch(Contract.objects.select_related("vendor"), access, contract_id)
    if for_change and not may_edit_contract_parties(access, contract.organisations.all()):
        raise PermissionDenied("Avtaler med flere parter endres av programkontoret.")
    return contract


def access_ict_cost(
    access: CollaborationAccess, cost_id: str | uuid.UUID, *, for_change: bool = False
) -> IctCost:
    cost = _fetch(IctCost.objects.select_related("organisation"), access, cost_id)
    if for_change:
        require_organisation(access, cost.organisation)
    return cost


def access_target_choice(
    access: CollaborationAccess, choice_id: str | uuid.UUID, *, for_change: bool = False
) -> TargetChoice:
    choice = _fetch(TargetChoice.objects.select_related("category", "product"), access, choice_id)
    if for_change:
        access.require_manager()
    return choice
