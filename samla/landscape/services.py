"""Writes for the landscape. Each runs in a transaction and validates before saving."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from samla.core.services import apply_fields as _apply
from samla.landscape.catalogue import CATALOGUE
from samla.landscape.models import (
    EXPOSED_BY_DEFAULT,
    Contract,
    IctCost,
    Installation,
    Product,
    ServiceArea,
    SystemCategory,
    TargetChoice,
    Vendor,
)
from samla.organisations.models import Collaboration, Membership, Organisation


def _require_fields(obj: Any, *names: str) -> None:
    """Required references, checked before anything dereferences them."""
    missing = {name: _("Feltet må fylles ut.") for name in names if getattr(obj, f"{name}_id", None) is None}
    if missing:
        raise ValidationError(missing)


def _require_member(collaboration: Collaboration, organisation: Organisation) -> None:
    if not Membership.objects.filter(collaboration=collaboration, organisation=organisation).exists():
        raise ValidationError(
            {"organisation": _("%(name)s er ikke medlem av samarbeidet.") % {"name": organisation}}
        )


def _require_same_collaboration(collaboration: Collaboration, **objects: Any) -> None:
    for field, obj in objects.items():
        if obj is not None and obj.collaboration_id != collaboration.pk:
            raise ValidationError({field: _("Hører til et annet samarbeid.")})


# --- Catalogue ----------------------------------------------------------------------------


@transaction.atomic
def catalogue_install(*, collaboration: Collaboration) -> int:
    """Copy the shipped catalogue into a collaboration; existing codes are left alone.

    Bulk inserts (with their history rows) keep this to a handful of queries, since it runs
    for every new collaboration.
    """
    areas = {a.code: a for a in ServiceArea.objects.filter(collaboration=collaboration)}
    new_areas = [
        ServiceArea(collaboration=collaboration, code=area.code, name=area.name, order=index)
        for index, area in enumerate(CATALOGUE)
        if area.code not in areas
    ]
    if new_areas:
        bulk_create_with_history(new_areas, ServiceArea)
        areas = {a.code: a for a in ServiceArea.objects.filter(collaboration=collaboration)}
    existing = set(SystemCategory.objects.filter(collaboration=collaboration).values_list("code", flat=True))
    new_categories = [
        SystemCategory(
            collaboration=collaboration,
            service_area=areas[area.code],
            code=category.code,
            name=category.name,
            examples=category.examples,
            order=index,
        )
        for area in CATALOGUE
        for index, category in enumerate(area.categories)
        if category.code not in existing
    ]
    if new_categories:
        bulk_create_with_history(new_categories, SystemCategory)
    return len(new_categories)


AREA_FIELDS = ("code", "name", "order")
CATEGORY_FIELDS = ("service_area", "code", "name", "description", "examples", "order")


@transaction.atomic
def service_area_save(*, collaboration: Collaboration, area: ServiceArea | None = None, **fields: Any) -> ServiceArea:
    area = area or ServiceArea(collaboration=collaboration)
    _apply(area, fields, AREA_FIELDS)
    area.full_clean()
    area.save()
    return area


@transaction.atomic
def category_save(
    *, collaboration: Collaboration, category: SystemCategory | None = None, **fields: Any
) -> SystemCategory:
    category = category or SystemCategory(collaboration=collaboration)
    _apply(category, fields, CATEGORY_FIELDS)
    _require_fields(category, "service_area")
    _require_same_collaboration(collaboration, service_area=category.service_area)
    category.full_clean()
    category.save()
    return category


def _delete_protected(obj: Any, message: str) -> None:
    from django.db.models import ProtectedError

    try:
        obj.delete()
    except ProtectedError as exc:
        raise ValidationError(message) from exc


@transaction.atomic
def category_delete(*, category: SystemCategory) -> None:
    if TargetChoice.objects.filter(category=category).exists():
        raise ValidationError(_("Kategorien har et valgt målsystem og kan ikke slettes. Fjern valget i målporteføljen først."))
    _delete_protected(category, _("Kategorien er i bruk av installasjoner og kan ikke slettes."))


@transaction.atomic
def service_area_delete(*, area: ServiceArea) -> None:
    _delete_protected(area, _("Tjenesteområdet har kategorier og kan ikke slettes."))


# --- Vendors and products -----------------------------------------------------------------

VENDOR_FIELDS = ("name", "organisation_number", "website")
PRODUCT_FIELDS = ("vendor", "name", "version", "hosting", "description")


@transaction.atomic
def vendor_save(*, collaboration: Collaboration, vendor: Vendor | None = None, **fields: Any) -> Vendor:
    vendor = vendor or Vendor(collaboration=collaboration)
    _apply(vendor, fields, VENDOR_FIELDS)
    vendor.full_clean()
    vendor.save()
    return vendor


@transaction.atomic
def vendor_delete(*, vendor: Vendor) -> None:
    _delete_protected(vendor, _("Leverandøren har systemer eller avtaler og kan ikke slettes."))


@transaction.atomic
def product_save(*, collaboration: Collaboration, product: Product | None = None, **fields: Any) -> Product:
    product = product or Product(collaboration=collaboration)
    _apply(product, fields, PRODUCT_FIELDS)
    _require_same_collaboration(collaboration, vendor=product.vendor)
    product.full_clean()
    product.save()
    return product


@transaction.atomic
def product_delete(*, product: Product) -> None:
    _delete_protected(product, _("Systemet er i bruk og kan ikke slettes."))


# --- Installations ------------------------------------------------------------------------

INSTALLATION_FIELDS = (
    "organisation",
    "category",
    "product",
    "users",
    "user_groups",
    "lifecycle",
    "functional_fit",
    "technical_fit",
    "time_override",
    "time_override_reason",
    "notes",
)


def _validate_installation(installation: Installation) -> None:
    if installation.time_override and not installation.time_override_reason.strip():
        raise ValidationError(
            {"time_override_reason": _("Begrunn hvorfor TIME-klassen overstyres.")}
        )
    if not installation.time_override:
        installation.time_override_reason = ""


@transaction.atomic
def installation_save(
    *,
    collaboration: Collaboration,
    installation: Installation | None = None,
    integrations: Iterable[Installation] | None = None,
    **fields: Any,
) -> Installation:
    installation = installation or Installation(collaboration=collaboration)
    _apply(installation, fields, INSTALLATION_FIELDS)
    _require_fields(installation, "organisation", "category", "product")
    _require_member(collaboration, installation.organisation)
    _require_same_collaboration(collaboration, category=installation.category, product=installation.product)
    _validate_installation(installation)
    duplicate = Installation.objects.filter(
        collaboration=collaboration,
        organisation=installation.organisation,
        category=installation.category,
        product=installation.product,
    ).exclude(pk=installation.pk)
    if duplicate.exists():
        raise ValidationError(
            {
                "product": _("Installasjonen finnes allerede: %(organisation)s bruker %(product)s i %(category)s.")
                % {
                    "organisation": installation.organisation,
                    "product": installation.product,
                    "category": installation.category,
                }
            }
        )
    installation.full_clean()
    installation.save()
    if integrations is not None:
        targets = list(integrations)
        for target in targets:
            if target.collaboration_id != collaboration.pk or target.pk == installation.pk:
                raise ValidationError({"integrations": _("Ugyldig integrasjon.")})
        installation.integrations.set(targets)
    return installation


@transaction.atomic
def installation_delete(*, installation: Installation) -> None:
    installation.delete()


# --- Contracts ----------------------------------------------------------------------------

CONTRACT_FIELDS = (
    "number",
    "title",
    "vendor",
    "start_date",
    "end_date",
    "extension_options",
    "extension_option_months",
    "notice_period_months",
    "yearly_value",
    "total_estimated_value",
    "procedure",
    "is_framework_agreement",
    "document_url",
)


@transaction.atomic
def contract_save(
    *,
    collaboration: Collaboration,
    organisations: Iterable[Organisation],
    products: Iterable[Product] | None = None,
    contract: Contract | None = None,
    **fields: Any,
) -> Contract:
    """Create or update a contract. ``products=None`` keeps an existing contract's products."""
    contract = contract or Contract(collaboration=collaboration)
    _apply(contract, fields, CONTRACT_FIELDS)
    _require_fields(contract, "vendor")
    parties = list(organisations)
    if not parties:
        raise ValidationError({"organisations": _("En avtale må ha minst én avtalepart.")})
    for organisation in parties:
        _require_member(collaboration, organisation)
    if products is None:
        product_list = list(contract.products.all()) if contract.pk else []
    else:
        product_list = list(products)
    _require_same_collaboration(collaboration, vendor=contract.vendor)
    for product in product_list:
        _require_same_collaboration(collaboration, products=product)
    if contract.start_date and contract.end_date and contract.end_date < contract.start_date:
        raise ValidationError({"end_date": _("Sluttdatoen kan ikke være før startdatoen.")})
    if bool(contract.extension_options) != bool(contract.extension_option_months):
        raise ValidationError(
            {"extension_option_months": _("Oppgi både antall opsjoner og måneder per opsjon.")}
        )
    contract.full_clean()
    contract.save()
    contract.organisations.set(parties)
    contract.products.set(product_list)
    return contract


@transaction.atomic
def contract_delete(*, contract: Contract) -> None:
    contract.delete()


# --- ICT costs ----------------------------------------------------------------------------

COST_FIELDS = ("organisation", "year", "kind", "category", "amount", "exposed_to_competition", "description")


def default_exposure(category: str) -> bool:
    return category in EXPOSED_BY_DEFAULT


@transaction.atomic
def ict_cost_save(*, collaboration: Collaboration, cost: IctCost | None = None, **fields: Any) -> IctCost:
    cost = cost or IctCost(collaboration=collaboration)
    _apply(cost, fields, COST_FIELDS)
    _require_fields(cost, "organisation")
    _require_member(collaboration, cost.organisation)
    if cost.amount is not None:
        if cost.category == IctCost.Category.INCOME and cost.amount > 0:
            cost.amount = -cost.amount  # income is entered as a positive figure, stored negative
        elif cost.category != IctCost.Category.INCOME and cost.amount < 0:
            raise ValidationError({"amount": _("Kostnader kan ikke være negative. Bruk kostnadsarten «Inntekter».")})
    if cost.category == IctCost.Category.INVESTMENT:
        cost.kind = IctCost.Kind.INVESTMENT
    cost.full_clean()
    cost.save()
    return cost


@transaction.atomic
def ict_cost_delete(*, cost: IctCost) -> None:
    cost.delete()


# --- Target portfolio ---------------------------------------------------------------------


@transaction.atomic
def target_choice_set(
    *,
    collaboration: Collaboration,
    category: SystemCategory,
    product: Product,
    decided_by: str,
    decided_on: datetime.date,
    rationale: str,
    migration_deadline: datetime.date | None = None,
) -> TargetChoice:
    _require_same_collaboration(collaboration, category=category, product=product)
    if not rationale.strip():
        raise ValidationError({"rationale": _("Skriv hvorfor systemet ble valgt.")})
    choice = TargetChoice.objects.filter(collaboration=collaboration, category=category).first() or TargetChoice(
        collaboration=collaboration, category=category
    )
    choice.product = product
    choice.decided_by = decided_by
    choice.decided_on = decided_on
    choice.rationale = rationale
    choice.migration_deadline = migration_deadline
    choice.full_clean()
    choice.save()
    return choice


@transaction.atomic
def target_choice_remove(*, choice: TargetChoice) -> None:
    choice.delete()


def yearly_value_per_product(contract: Contract, product_count: int) -> Decimal:
    """A contract's yearly value split evenly over the products it covers."""
    if not contract.yearly_value:
        return Decimal(0)
    return contract.yearly_value / max(product_count, 1)
