"""API resources for the application landscape and its analysis.

Thin endpoints, as in ``samla.organisations.api``: the schemas validate and shape input and
output, the access helpers fetch and check permissions (404 outside the user's
collaborations, 403 for a change the role does not allow), ``samla.landscape.services``
writes and ``samla.landscape.analysis`` reads. References in the input are uuids; one that
is not in the collaboration answers 422, like every ``ValidationError`` of a service.

Who may change what is described in ``samla.landscape.access``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import PlainSerializer, WithJsonSchema, field_validator

from samla.api.enums import enum_schema
from samla.api.transactions import atomic
from samla.api.versioning import RowVersionIn, RowVersionOut, VersionIn, VersionOut
from samla.core.dates import today
from samla.core.locking import check_version
from samla.landscape import analysis, services
from samla.landscape.access import (
    access_category,
    access_contract,
    access_ict_cost,
    access_installation,
    access_product,
    access_service_area,
    access_target_choice,
    access_vendor,
    may_edit_contract_parties,
    require_landscape_editor,
    require_organisation,
)
from samla.landscape.models import (
    Contract,
    IctCost,
    Installation,
    Product,
    ServiceArea,
    SystemCategory,
    TargetChoice,
    TimeClass,
    Vendor,
)
from samla.organisations.access import CollaborationAccess, access_collaboration
from samla.organisations.api import READ_ERRORS, WRITE_ERRORS, DecimalString
from samla.organisations.models import Organisation, User

# Enums whose class name another API enum shares are written out inline (samla.api.enums).
IctCostKind = Annotated[IctCost.Kind, WithJsonSchema(enum_schema(IctCost.Kind, "IctCostKind"))]

router = Router(tags=["landscape"])

M = TypeVar("M", bound=models.Model)

# Amounts go out as strings in øre ("1234567.89"), also those computed with more decimals
# (a contract's value split over its products); shares with four decimals.
Money = Annotated[
    Decimal,
    PlainSerializer(lambda value: format(value.quantize(Decimal("0.01")), "f"), return_type=str),
]
Share = Annotated[
    Decimal,
    PlainSerializer(lambda value: format(value.quantize(Decimal("0.0001")), "f"), return_type=str),
]

SMALL = 32767  # PositiveSmallIntegerField's upper bound


# --- Schemas: catalogue --------------------------------------------------------------------


class ServiceAreaOut(VersionOut):
    uuid: UUID
    code: str
    name: str
    order: int


class ServiceAreaCreateIn(Schema):
    code: str = Field(max_length=20)
    name: str = Field(max_length=120)
    order: int = Field(0, ge=0, le=SMALL)


class ServiceAreaUpdateIn(VersionIn):
    """Only the fields given are changed."""

    code: str | None = Field(None, max_length=20)
    name: str | None = Field(None, max_length=120)
    order: int | None = Field(None, ge=0, le=SMALL)


class CategoryOut(VersionOut):
    uuid: UUID
    service_area: UUID
    service_area_name: str
    code: str
    name: str
    description: str
    examples: str
    order: int

    @staticmethod
    def resolve_service_area(obj: SystemCategory) -> UUID:
        return obj.service_area.uuid

    @staticmethod
    def resolve_service_area_name(obj: SystemCategory) -> str:
        return obj.service_area.name


class CategoryCreateIn(Schema):
    service_area: UUID = Field(description="A service area's uuid.")
    code: str = Field(max_length=20)
    name: str = Field(max_length=120)
    description: str = ""
    examples: str = Field("", max_length=200)
    order: int = Field(0, ge=0, le=SMALL)


class CategoryUpdateIn(VersionIn):
    """Only the fields given are changed."""

    service_area: UUID | None = None
    code: str | None = Field(None, max_length=20)
    name: str | None = Field(None, max_length=120)
    description: str | None = None
    examples: str | None = Field(None, max_length=200)
    order: int | None = Field(None, ge=0, le=SMALL)


# --- Schemas: vendors and products ---------------------------------------------------------


def _without_spaces(value: str | None) -> str | None:
    return value.replace(" ", "") if value is not None else None


class VendorOut(VersionOut):
    uuid: UUID
    name: str
    organisation_number: str
    website: str


class VendorCreateIn(Schema):
    name: str = Field(max_length=200)
    organisation_number: str = Field("", description="Nine digits, when known.")
    website: str = Field("", max_length=200)

    _organisation_number = field_validator("organisation_number")(_without_spaces)


class VendorUpdateIn(VersionIn):
    """Only the fields given are changed."""

    name: str | None = Field(None, max_length=200)
    organisation_number: str | None = None
    website: str | None = Field(None, max_length=200)

    _organisation_number = field_validator("organisation_number")(_without_spaces)


class ProductOut(RowVersionOut):
    uuid: UUID
    vendor: UUID | None
    vendor_name: str | None
    name: str
    version: str
    hosting: Product.Hosting | None
    description: str

    @staticmethod
    def resolve_vendor(obj: Product) -> UUID | None:
        return obj.vendor.uuid if obj.vendor else None

    @staticmethod
    def resolve_vendor_name(obj: Product) -> str | None:
        return obj.vendor.name if obj.vendor else None

    @staticmethod
    def resolve_hosting(obj: Product) -> str | None:
        return obj.hosting or None


class ProductCreateIn(Schema):
    vendor: UUID | None = Field(None, description="A vendor's uuid.")
    name: str = Field(max_length=200)
    version: str = Field("", max_length=60)
    hosting: Product.Hosting | None = None
    description: str = ""


class ProductUpdateIn(RowVersionIn):
    """Only the fields given are changed; ``vendor: null`` removes the vendor."""

    vendor: UUID | None = None
    name: str | None = Field(None, max_length=200)
    version: str | None = Field(None, max_length=60)
    hosting: Product.Hosting | None = None
    description: str | None = None


# --- Schemas: installations ----------------------------------------------------------------

FIT = Field(None, ge=1, le=4, description="1 (poor) to 4 (good).")


class InstallationOut(VersionOut):
    uuid: UUID
    organisation: UUID
    organisation_name: str
    category: UUID
    category_name: str
    product: UUID
    product_name: str
    users: int | None
    user_groups: str
    lifecycle: Installation.Lifecycle
    functional_fit: int | None
    technical_fit: int | None
    computed_time_class: TimeClass | None = Field(description="From the two fits.")
    time_override: TimeClass | None
    time_override_reason: str
    time_class: TimeClass | None = Field(description="The override, else the computed class.")
    integrations: list[UUID] = Field(description="Installations this one sends data to.")
    notes: str

    @staticmethod
    def resolve_organisation(obj: Installation) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_organisation_name(obj: Installation) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_category(obj: Installation) -> UUID:
        return obj.category.uuid

    @staticmethod
    def resolve_category_name(obj: Installation) -> str:
        return obj.category.name

    @staticmethod
    def resolve_product(obj: Installation) -> UUID:
        return obj.product.uuid

    @staticmethod
    def resolve_product_name(obj: Installation) -> str:
        return obj.product.name

    @staticmethod
    def resolve_time_override(obj: Installation) -> str | None:
        return obj.time_override or None

    @staticmethod
    def resolve_integrations(obj: Installation) -> list[UUID]:
        return [target.uuid for target in obj.integrations.all()]


class InstallationCreateIn(Schema):
    organisation: UUID = Field(description="A member organisation's uuid.")
    category: UUID
    product: UUID
    users: int | None = Field(None, ge=0)
    user_groups: str = Field("", max_length=300)
    lifecycle: Installation.Lifecycle = Installation.Lifecycle.ACTIVE
    functional_fit: int | None = FIT
    technical_fit: int | None = FIT
    time_override: TimeClass | None = Field(None, description="Needs time_override_reason.")
    time_override_reason: str = ""
    notes: str = ""
    integrations: list[UUID] | None = Field(None, description="Installations' uuids.")


class InstallationUpdateIn(VersionIn):
    """Only the fields given are changed; ``integrations``, when given, replace the stored ones."""

    organisation: UUID | None = None
    category: UUID | None = None
    product: UUID | None = None
    users: int | None = Field(None, ge=0)
    user_groups: str | None = Field(None, max_length=300)
    lifecycle: Installation.Lifecycle | None = None
    functional_fit: int | None = FIT
    technical_fit: int | None = FIT
    time_override: TimeClass | None = None
    time_override_reason: str | None = None
    notes: str | None = None
    integrations: list[UUID] | None = None


# --- Schemas: contracts --------------------------------------------------------------------

YEARLY_VALUE = Field(None, ge=0, max_digits=14, decimal_places=2, description="Kroner a year.")
TOTAL_VALUE = Field(None, ge=0, max_digits=16, decimal_places=2, description="Kroner.")


class ContractOut(VersionOut):
    uuid: UUID
    number: str
    title: str
    vendor: UUID
    vendor_name: str
    organisations: list[UUID] = Field(description="The parties: member organisations.")
    products: list[UUID]
    start_date: datetime.date | None
    end_date: datetime.date | None
    extension_options: int
    extension_option_months: int
    notice_period_months: int
    yearly_value: Money | None
    total_estimated_value: Money | None
    procedure: Contract.Procedure
    is_framework_agreement: bool
    document_url: str
    notice_deadline: datetime.date | None = Field(
        description="The last day to give notice so that the contract ends on its end date."
    )
    latest_end_date: datetime.date | None = Field(
        description="The end date if every option to extend is used."
    )

    @staticmethod
    def resolve_vendor(obj: Contract) -> UUID:
        return obj.vendor.uuid

    @staticmethod
    def resolve_vendor_name(obj: Contract) -> str:
        return obj.vendor.name

    @staticmethod
    def resolve_organisations(obj: Contract) -> list[UUID]:
        return [organisation.uuid for organisation in obj.organisations.all()]

    @staticmethod
    def resolve_products(obj: Contract) -> list[UUID]:
        return [product.uuid for product in obj.products.all()]


class ContractCreateIn(Schema):
    number: str = Field(max_length=60)
    title: str = Field(max_length=200)
    vendor: UUID = Field(description="A vendor's uuid.")
    organisations: list[UUID] = Field(description="Member organisations' uuids.")
    products: list[UUID] = Field([], description="Products' uuids.")
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    extension_options: int = Field(0, ge=0, le=SMALL)
    extension_option_months: int = Field(0, ge=0, le=SMALL)
    notice_period_months: int = Field(0, ge=0, le=SMALL)
    yearly_value: Decimal | None = YEARLY_VALUE
    total_estimated_value: Decimal | None = TOTAL_VALUE
    procedure: Contract.Procedure = Contract.Procedure.UNKNOWN
    is_framework_agreement: bool = False
    document_url: str = Field("", max_length=500)


class ContractUpdateIn(VersionIn):
    """Only the fields given are changed; ``organisations`` and ``products``, when given,
    replace the stored ones."""

    number: str | None = Field(None, max_length=60)
    title: str | None = Field(None, max_length=200)
    vendor: UUID | None = None
    organisations: list[UUID] | None = None
    products: list[UUID] | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    extension_options: int | None = Field(None, ge=0, le=SMALL)
    extension_option_months: int | None = Field(None, ge=0, le=SMALL)
    notice_period_months: int | None = Field(None, ge=0, le=SMALL)
    yearly_value: Decimal | None = YEARLY_VALUE
    total_estimated_value: Decimal | None = TOTAL_VALUE
    procedure: Contract.Procedure | None = None
    is_framework_agreement: bool | None = None
    document_url: str | None = Field(None, max_length=500)


# --- Schemas: ICT costs --------------------------------------------------------------------

AMOUNT = Field(
    max_digits=16,
    decimal_places=2,
    description="Kroner. Income may be given as a positive figure; it is stored negative.",
)


class IctCostOut(VersionOut):
    uuid: UUID
    organisation: UUID
    organisation_name: str
    year: int
    kind: IctCostKind
    category: IctCost.Category
    amount: Money
    exposed_to_competition: bool
    description: str

    @staticmethod
    def resolve_organisation(obj: IctCost) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_organisation_name(obj: IctCost) -> str:
        return obj.organisation.name


class IctCostCreateIn(Schema):
    organisation: UUID = Field(description="A member organisation's uuid.")
    year: int = Field(ge=1990, le=2100)
    kind: IctCostKind = IctCost.Kind.OPERATING
    category: IctCost.Category
    amount: Decimal = AMOUNT
    exposed_to_competition: bool | None = Field(
        None, description="Left out: by category (bought in the market or not)."
    )
    description: str = Field("", max_length=200)


class IctCostUpdateIn(VersionIn):
    """Only the fields given are changed."""

    organisation: UUID | None = None
    year: int | None = Field(None, ge=1990, le=2100)
    kind: IctCostKind | None = None
    category: IctCost.Category | None = None
    amount: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    exposed_to_competition: bool | None = None
    description: str | None = Field(None, max_length=200)


# --- Schemas: target portfolio -------------------------------------------------------------


class TargetChoiceOut(VersionOut):
    uuid: UUID
    category: UUID
    category_name: str
    product: UUID
    product_name: str
    decided_by: str
    decided_on: datetime.date
    rationale: str
    migration_deadline: datetime.date | None

    @staticmethod
    def resolve_category(obj: TargetChoice) -> UUID:
        return obj.category.uuid

    @staticmethod
    def resolve_category_name(obj: TargetChoice) -> str:
        return obj.category.name

    @staticmethod
    def resolve_product(obj: TargetChoice) -> UUID:
        return obj.product.uuid

    @staticmethod
    def resolve_product_name(obj: TargetChoice) -> str:
        return obj.product.name


class TargetChoiceCreateIn(Schema):
    category: UUID
    product: UUID
    decided_by: str = Field(max_length=200, description="The body that decided, e.g. the board.")
    decided_on: datetime.date
    rationale: str
    migration_deadline: datetime.date | None = None


class TargetChoiceUpdateIn(VersionIn):
    """Only the fields given are changed. The category stays; choose for another category
    with a new target choice."""

    product: UUID | None = None
    decided_by: str | None = Field(None, max_length=200)
    decided_on: datetime.date | None = None
    rationale: str | None = None
    migration_deadline: datetime.date | None = None


# --- Schemas: analysis ---------------------------------------------------------------------


class OrganisationRefOut(Schema):
    uuid: UUID
    name: str


class ProductRefOut(Schema):
    uuid: UUID
    name: str


class CategoryRefOut(Schema):
    uuid: UUID
    code: str
    name: str


class ContractRefOut(Schema):
    uuid: UUID
    number: str
    title: str


class ProductUseOut(Schema):
    product: ProductRefOut
    organisations: list[OrganisationRefOut]
    used_in: str = Field(description="Members using it of all members, e.g. 2/3.")
    users: int
    yearly_cost: Money = Field(description="Contracts' yearly value split over their products.")
    contracts_ending: list[ContractRefOut] = Field(
        description="Contracts covering it that end inside the planning horizon."
    )


class HarmonisationOut(Schema):
    category: CategoryRefOut
    service_area: str
    member_count: int
    distinct_products: int
    users: int
    yearly_cost: Money
    contracts_ending: int
    target: ProductRefOut | None = Field(description="The chosen target product, if any.")
    products: list[ProductUseOut]


class ScorePartsOut(Schema):
    products: DecimalString
    cost: DecimalString
    contracts: DecimalString
    users: DecimalString


class ConsolidationOut(Schema):
    category: CategoryRefOut
    score: DecimalString = Field(description="The sum of the parts, 0–1.")
    parts: ScorePartsOut = Field(
        description="Each figure relative to the largest category, times its weight: "
        "products 0.4, cost 0.3, contracts 0.2, users 0.1."
    )
    distinct_products: int
    yearly_cost: Money
    contracts_ending: int
    users: int


class TimelineOut(Schema):
    contract: ContractRefOut
    vendor_name: str
    organisations: list[OrganisationRefOut]
    start_date: datetime.date | None
    end_date: datetime.date | None
    notice_deadline: datetime.date | None
    latest_end_date: datetime.date | None
    ends_inside_horizon: bool
    needs_procurement: bool = Field(description="Ends inside the horizon with no options left.")
    above_threshold: bool = Field(description="Estimated value above the procurement threshold.")
    notice_passed: bool


class CostYearOut(Schema):
    year: int
    operating: Money
    investment: Money
    total: Money
    exposed: Money = Field(description="Cost exposed to competition.")
    exposed_share: Share | None = Field(description="exposed / total; null when total is 0.")
    by_category: dict[str, Money]


class OrganisationCostsOut(Schema):
    organisation: OrganisationRefOut
    years: list[CostYearOut]


class CostTableOut(Schema):
    years: list[int]
    organisations: list[OrganisationCostsOut]


class TransitionOut(Schema):
    organisation: OrganisationRefOut
    action: Literal["keep", "migrate", "retire", "adopt"]
    current: list[ProductRefOut]


class CategoryTargetOut(Schema):
    choice: UUID
    category: CategoryRefOut
    target: ProductRefOut
    migration_deadline: datetime.date | None
    transitions: list[TransitionOut]


class ExitItemOut(Schema):
    deadline: datetime.date | None
    kind: Literal["terminate", "migrate", "retire"]
    organisation: OrganisationRefOut | None = Field(description="Null for a shared contract.")
    category: CategoryRefOut
    product: ProductRefOut
    target: ProductRefOut
    contract: ContractRefOut | None


# --- Helpers: turning references in the input into objects ----------------------------------


def _access(request: HttpRequest, slug: str) -> CollaborationAccess:
    user: User = request.auth  # type: ignore[attr-defined]
    return access_collaboration(user, slug)


def _not_found(field: str, values: Iterable[UUID]) -> ValidationError:
    uuids = ", ".join(str(value) for value in values)
    return ValidationError({field: _("Finnes ikke i samarbeidet: %(uuids)s.") % {"uuids": uuids}})


def _in_collaboration(
    access: CollaborationAccess, model: type[M], field: str, wanted: list[UUID]
) -> list[M]:
    """The objects with these uuids in the collaboration, in the order given, in one query."""
    found = {
        obj.uuid: obj  # type: ignore[attr-defined]
        for obj in model._default_manager.filter(
            collaboration=access.collaboration, uuid__in=wanted
        )
    }
    unknown = [value for value in wanted if value not in found]
    if unknown:
        raise _not_found(field, unknown)
    return [found[value] for value in dict.fromkeys(wanted)]


def _members(access: CollaborationAccess, field: str, wanted: list[UUID]) -> list[Organisation]:
    found = {
        organisation.uuid: organisation
        for organisation in Organisation.objects.filter(
            memberships__collaboration=access.collaboration, uuid__in=wanted
        )
    }
    unknown = [str(value) for value in wanted if value not in found]
    if unknown:
        raise ValidationError(
            {field: _("Ikke medlem av samarbeidet: %(uuids)s.") % {"uuids": ", ".join(unknown)}}
        )
    return [found[value] for value in dict.fromkeys(wanted)]


def _fields(
    access: CollaborationAccess, model: type[models.Model], given: dict[str, Any]
) -> dict[str, Any]:
    """The service's keyword arguments from the input's fields.

    ``null`` empties a text field, clears a nullable one and is refused for the others;
    the uuid of a foreign key becomes the object it names in the collaboration (for an
    organisation: a member of it).
    """
    fields = {}
    for name, value in given.items():
        model_field = model._meta.get_field(name)
        if value is None:
            if isinstance(model_field, models.CharField | models.TextField):
                value = ""
            elif not model_field.null:
                raise ValidationError({name: _("Feltet kan ikke være tomt.")})
        elif isinstance(model_field, models.ForeignKey):
            related = model_field.related_model
            if related is Organisation:
                value = _members(access, name, [value])[0]
            else:
                value = _in_collaboration(access, related, name, [value])[0]
        fields[name] = value
    return fields


def _require_contract_parties(access: CollaborationAccess, parties: list[Organisation]) -> None:
    # An empty list is the service's to refuse (422), not a question of permission.
    if parties and not may_edit_contract_parties(access, parties):
        raise PermissionDenied(_("Avtaler med flere parter endres av programkontoret."))


def _installations(access: CollaborationAccess) -> models.QuerySet[Installation]:
    return analysis.installations(access.collaboration).prefetch_related(
        Prefetch("integrations", queryset=Installation.objects.only("id", "uuid"))
    )


def _contract_out(access: CollaborationAccess, contract: Contract) -> Contract:
    """The contract again, with its parties and products, in three queries."""
    return analysis.contracts(access.collaboration).get(pk=contract.pk)


def _organisation_ref(organisation: Organisation) -> dict[str, Any]:
    return {"uuid": organisation.uuid, "name": organisation.name}


def _product_ref(product: Product) -> dict[str, Any]:
    return {"uuid": product.uuid, "name": product.name}


def _category_ref(category: SystemCategory) -> dict[str, Any]:
    return {"uuid": category.uuid, "code": category.code, "name": category.name}


def _contract_ref(contract: Contract | analysis.ContractRef) -> dict[str, Any]:
    return {"uuid": contract.uuid, "number": contract.number, "title": contract.title}


PREFIX = "/collaborations/{slug}"


# --- Service areas ---------------------------------------------------------------------------


@router.get(f"{PREFIX}/service-areas", response={200: list[ServiceAreaOut], **READ_ERRORS})
def service_area_list(request: HttpRequest, slug: str) -> Any:
    return ServiceArea.objects.filter(collaboration=_access(request, slug).collaboration)


@router.post(f"{PREFIX}/service-areas", response={201: ServiceAreaOut, **WRITE_ERRORS})
def service_area_create(request: HttpRequest, slug: str, payload: ServiceAreaCreateIn) -> Any:
    """Add a service area to the catalogue (administrators and the programme office)."""
    access = _access(request, slug)
    access.require_manager()
    fields = _fields(access, ServiceArea, payload.dict())
    return Status(201, services.service_area_save(collaboration=access.collaboration, **fields))


@router.get(
    f"{PREFIX}/service-areas/{{uuid:area_id}}", response={200: ServiceAreaOut, **READ_ERRORS}
)
def service_area_detail(request: HttpRequest, slug: str, area_id: UUID) -> Any:
    return access_service_area(_access(request, slug), area_id)


@router.patch(
    f"{PREFIX}/service-areas/{{uuid:area_id}}", response={200: ServiceAreaOut, **WRITE_ERRORS}
)
@atomic
def service_area_update(
    request: HttpRequest, slug: str, area_id: UUID, payload: ServiceAreaUpdateIn
) -> Any:
    access = _access(request, slug)
    area = access_service_area(access, area_id, for_change=True)
    check_version(area, payload.version)
    fields = _fields(access, ServiceArea, payload.dict(exclude_unset=True))
    return services.service_area_save(collaboration=access.collaboration, area=area, **fields)


@router.delete(f"{PREFIX}/service-areas/{{uuid:area_id}}", response={204: None, **WRITE_ERRORS})
def service_area_delete(request: HttpRequest, slug: str, area_id: UUID) -> Any:
    """Only a service area without categories can be deleted."""
    area = access_service_area(_access(request, slug), area_id, for_change=True)
    services.service_area_delete(area=area)
    return Status(204, None)


# --- Categories ------------------------------------------------------------------------------


@router.get(f"{PREFIX}/categories", response={200: list[CategoryOut], **READ_ERRORS})
def category_list(request: HttpRequest, slug: str) -> Any:
    collaboration = _access(request, slug).collaboration
    return SystemCategory.objects.filter(collaboration=collaboration).select_related("service_area")


@router.post(f"{PREFIX}/categories", response={201: CategoryOut, **WRITE_ERRORS})
def category_create(request: HttpRequest, slug: str, payload: CategoryCreateIn) -> Any:
    """Add a category to the catalogue (administrators and the programme office)."""
    access = _access(request, slug)
    access.require_manager()
    fields = _fields(access, SystemCategory, payload.dict())
    return Status(201, services.category_save(collaboration=access.collaboration, **fields))


@router.get(f"{PREFIX}/categories/{{uuid:category_id}}", response={200: CategoryOut, **READ_ERRORS})
def category_detail(request: HttpRequest, slug: str, category_id: UUID) -> Any:
    return access_category(_access(request, slug), category_id)


@router.patch(
    f"{PREFIX}/categories/{{uuid:category_id}}", response={200: CategoryOut, **WRITE_ERRORS}
)
@atomic
def category_update(
    request: HttpRequest, slug: str, category_id: UUID, payload: CategoryUpdateIn
) -> Any:
    access = _access(request, slug)
    category = access_category(access, category_id, for_change=True)
    check_version(category, payload.version)
    fields = _fields(access, SystemCategory, payload.dict(exclude_unset=True))
    return services.category_save(collaboration=access.collaboration, category=category, **fields)


@router.delete(f"{PREFIX}/categories/{{uuid:category_id}}", response={204: None, **WRITE_ERRORS})
def category_delete(request: HttpRequest, slug: str, category_id: UUID) -> Any:
    """Only a category no installation uses can be deleted; its target choice goes with it."""
    category = access_category(_access(request, slug), category_id, for_change=True)
    services.category_delete(category=category)
    return Status(204, None)


# --- Vendors ---------------------------------------------------------------------------------


@router.get(f"{PREFIX}/vendors", response={200: list[VendorOut], **READ_ERRORS})
def vendor_list(request: HttpRequest, slug: str) -> Any:
    return Vendor.objects.filter(collaboration=_access(request, slug).collaboration)


@router.post(f"{PREFIX}/vendors", response={201: VendorOut, **WRITE_ERRORS})
def vendor_create(request: HttpRequest, slug: str, payload: VendorCreateIn) -> Any:
    """Add a vendor (managers and editors)."""
    access = _access(request, slug)
    require_landscape_editor(access)
    fields = _fields(access, Vendor, payload.dict())
    return Status(201, services.vendor_save(collaboration=access.collaboration, **fields))


@router.get(f"{PREFIX}/vendors/{{uuid:vendor_id}}", response={200: VendorOut, **READ_ERRORS})
def vendor_detail(request: HttpRequest, slug: str, vendor_id: UUID) -> Any:
    return access_vendor(_access(request, slug), vendor_id)


@router.patch(f"{PREFIX}/vendors/{{uuid:vendor_id}}", response={200: VendorOut, **WRITE_ERRORS})
@atomic
def vendor_update(request: HttpRequest, slug: str, vendor_id: UUID, payload: VendorUpdateIn) -> Any:
    """Change a vendor (administrators and the programme office)."""
    access = _access(request, slug)
    vendor = access_vendor(access, vendor_id, for_change=True)
    check_version(vendor, payload.version)
    fields = _fields(access, Vendor, payload.dict(exclude_unset=True))
    return services.vendor_save(collaboration=access.collaboration, vendor=vendor, **fields)


@router.delete(f"{PREFIX}/vendors/{{uuid:vendor_id}}", response={204: None, **WRITE_ERRORS})
def vendor_delete(request: HttpRequest, slug: str, vendor_id: UUID) -> Any:
    """Only a vendor without products or contracts can be deleted."""
    vendor = access_vendor(_access(request, slug), vendor_id, for_change=True)
    services.vendor_delete(vendor=vendor)
    return Status(204, None)


# --- Products --------------------------------------------------------------------------------


@router.get(f"{PREFIX}/products", response={200: list[ProductOut], **READ_ERRORS})
def product_list(request: HttpRequest, slug: str) -> Any:
    collaboration = _access(request, slug).collaboration
    return Product.objects.filter(collaboration=collaboration).select_related("vendor")


@router.post(f"{PREFIX}/products", response={201: ProductOut, **WRITE_ERRORS})
def product_create(request: HttpRequest, slug: str, payload: ProductCreateIn) -> Any:
    """Add a product (managers and editors)."""
    access = _access(request, slug)
    require_landscape_editor(access)
    fields = _fields(access, Product, payload.dict())
    return Status(201, services.product_save(collaboration=access.collaboration, **fields))


@router.get(f"{PREFIX}/products/{{uuid:product_id}}", response={200: ProductOut, **READ_ERRORS})
def product_detail(request: HttpRequest, slug: str, product_id: UUID) -> Any:
    return access_product(_access(request, slug), product_id)


@router.patch(f"{PREFIX}/products/{{uuid:product_id}}", response={200: ProductOut, **WRITE_ERRORS})
@atomic
def product_update(
    request: HttpRequest, slug: str, product_id: UUID, payload: ProductUpdateIn
) -> Any:
    """Change a product (administrators and the programme office)."""
    access = _access(request, slug)
    product = access_product(access, product_id, for_change=True)
    check_version(product, payload.row_version)
    fields = _fields(access, Product, payload.dict(exclude_unset=True))
    return services.product_save(collaboration=access.collaboration, product=product, **fields)


@router.delete(f"{PREFIX}/products/{{uuid:product_id}}", response={204: None, **WRITE_ERRORS})
def product_delete(request: HttpRequest, slug: str, product_id: UUID) -> Any:
    """Only a product no installation or target choice uses can be deleted."""
    product = access_product(_access(request, slug), product_id, for_change=True)
    services.product_delete(product=product)
    return Status(204, None)


# --- Installations ---------------------------------------------------------------------------


@router.get(f"{PREFIX}/installations", response={200: list[InstallationOut], **READ_ERRORS})
def installation_list(
    request: HttpRequest,
    slug: str,
    organisation: UUID | None = None,
    category: UUID | None = None,
    time_class: TimeClass | None = None,
) -> Any:
    """Every installation, or those of one organisation, category or TIME class."""
    items = _installations(_access(request, slug)).order_by(
        "category__name", "organisation__name", "product__name"
    )
    if organisation is not None:
        items = items.filter(organisation__uuid=organisation)
    if category is not None:
        items = items.filter(category__uuid=category)
    if time_class is None:
        return items
    # The TIME class is computed from the fits unless overridden, so it is filtered here.
    return [installation for installation in items if installation.time_class == time_class]


@router.post(f"{PREFIX}/installations", response={201: InstallationOut, **WRITE_ERRORS})
def installation_create(request: HttpRequest, slug: str, payload: InstallationCreateIn) -> Any:
    """Register an installation (managers, or the editor of its organisation)."""
    access = _access(request, slug)
    require_landscape_editor(access)
    fields = _fields(access, Installation, payload.dict(exclude={"integrations"}))
    require_organisation(access, fields["organisation"])
    integrations = None
    if payload.integrations is not None:
        integrations = _in_collaboration(access, Installation, "integrations", payload.integrations)
    installation = services.installation_save(
        collaboration=access.collaboration, integrations=integrations, **fields
    )
    return Status(201, installation)


@router.get(
    f"{PREFIX}/installations/{{uuid:installation_id}}",
    response={200: InstallationOut, **READ_ERRORS},
)
def installation_detail(request: HttpRequest, slug: str, installation_id: UUID) -> Any:
    return access_installation(_access(request, slug), installation_id)


@router.patch(
    f"{PREFIX}/installations/{{uuid:installation_id}}",
    response={200: InstallationOut, **WRITE_ERRORS},
)
@atomic
def installation_update(
    request: HttpRequest, slug: str, installation_id: UUID, payload: InstallationUpdateIn
) -> Any:
    """Change an installation; an editor may not move it to another organisation."""
    access = _access(request, slug)
    installation = access_installation(access, installation_id, for_change=True)
    check_version(installation, payload.version)
    given = payload.dict(exclude_unset=True, exclude={"integrations"})
    fields = _fields(access, Installation, given)
    if "organisation" in fields:
        require_organisation(access, fields["organisation"])
    integrations = None
    if payload.integrations is not None:
        integrations = _in_collaboration(access, Installation, "integrations", payload.integrations)
    return services.installation_save(
        collaboration=access.collaboration,
        installation=installation,
        integrations=integrations,
        **fields,
    )


@router.delete(
    f"{PREFIX}/installations/{{uuid:installation_id}}", response={204: None, **WRITE_ERRORS}
)
def installation_delete(request: HttpRequest, slug: str, installation_id: UUID) -> Any:
    installation = access_installation(_access(request, slug), installation_id, for_change=True)
    services.installation_delete(installation=installation)
    return Status(204, None)


# --- Contracts -------------------------------------------------------------------------------


@router.get(f"{PREFIX}/contracts", response={200: list[ContractOut], **READ_ERRORS})
def contract_list(request: HttpRequest, slug: str) -> Any:
    return analysis.contracts(_access(request, slug).collaboration).order_by("end_date", "number")


@router.post(f"{PREFIX}/contracts", response={201: ContractOut, **WRITE_ERRORS})
def contract_create(request: HttpRequest, slug: str, payload: ContractCreateIn) -> Any:
    """Register a contract (managers, or an editor whose organisation is the only party)."""
    access = _access(request, slug)
    require_landscape_editor(access)
    fields = _fields(access, Contract, payload.dict(exclude={"organisations", "products"}))
    parties = _members(access, "organisations", payload.organisations)
    _require_contract_parties(access, parties)
    products = _in_collaboration(access, Product, "products", payload.products)
    contract = services.contract_save(
        collaboration=access.collaboration, organisations=parties, products=products, **fields
    )
    return Status(201, _contract_out(access, contract))


@router.get(f"{PREFIX}/contracts/{{uuid:contract_id}}", response={200: ContractOut, **READ_ERRORS})
def contract_detail(request: HttpRequest, slug: str, contract_id: UUID) -> Any:
    access = _access(request, slug)
    return _contract_out(access, access_contract(access, contract_id))


@router.patch(
    f"{PREFIX}/contracts/{{uuid:contract_id}}", response={200: ContractOut, **WRITE_ERRORS}
)
@atomic
def contract_update(
    request: HttpRequest, slug: str, contract_id: UUID, payload: ContractUpdateIn
) -> Any:
    access = _access(request, slug)
    contract = access_contract(access, contract_id, for_change=True)
    check_version(contract, payload.version)
    given = payload.dict(exclude_unset=True, exclude={"organisations", "products"})
    fields = _fields(access, Contract, given)
    # Parties and products left out are kept as they are.
    if payload.organisations is not None:
        parties = _members(access, "organisations", payload.organisations)
        _require_contract_parties(access, parties)
    else:
        parties = list(contract.organisations.all())
    if payload.products is not None:
        products = _in_collaboration(access, Product, "products", payload.products)
    else:
        products = list(contract.products.all())
    services.contract_save(
        collaboration=access.collaboration,
        contract=contract,
        organisations=parties,
        products=products,
        **fields,
    )
    return _contract_out(access, contract)


@router.delete(f"{PREFIX}/contracts/{{uuid:contract_id}}", response={204: None, **WRITE_ERRORS})
def contract_delete(request: HttpRequest, slug: str, contract_id: UUID) -> Any:
    contract = access_contract(_access(request, slug), contract_id, for_change=True)
    services.contract_delete(contract=contract)
    return Status(204, None)


# --- ICT costs -------------------------------------------------------------------------------


@router.get(f"{PREFIX}/ict-costs", response={200: list[IctCostOut], **READ_ERRORS})
def ict_cost_list(
    request: HttpRequest,
    slug: str,
    organisation: UUID | None = None,
    year: int | None = None,
) -> Any:
    """Every cost line, or those of one organisation or year."""
    collaboration = _access(request, slug).collaboration
    lines = IctCost.objects.filter(collaboration=collaboration).select_related("organisation")
    if organisation is not None:
        lines = lines.filter(organisation__uuid=organisation)
    if year is not None:
        lines = lines.filter(year=year)
    return lines


@router.post(f"{PREFIX}/ict-costs", response={201: IctCostOut, **WRITE_ERRORS})
def ict_cost_create(request: HttpRequest, slug: str, payload: IctCostCreateIn) -> Any:
    """Register a cost line (managers, or the editor of its organisation)."""
    access = _access(request, slug)
    require_landscape_editor(access)
    fields = _fields(access, IctCost, payload.dict(exclude={"exposed_to_competition"}))
    require_organisation(access, fields["organisation"])
    exposed = payload.exposed_to_competition
    if exposed is None:
        exposed = services.default_exposure(payload.category)
    cost = services.ict_cost_save(
        collaboration=access.collaboration, exposed_to_competition=exposed, **fields
    )
    return Status(201, cost)


@router.get(f"{PREFIX}/ict-costs/{{uuid:cost_id}}", response={200: IctCostOut, **READ_ERRORS})
def ict_cost_detail(request: HttpRequest, slug: str, cost_id: UUID) -> Any:
    return access_ict_cost(_access(request, slug), cost_id)


@router.patch(f"{PREFIX}/ict-costs/{{uuid:cost_id}}", response={200: IctCostOut, **WRITE_ERRORS})
@atomic
def ict_cost_update(
    request: HttpRequest, slug: str, cost_id: UUID, payload: IctCostUpdateIn
) -> Any:
    """Change a cost line; an editor may not move it to another organisation."""
    access = _access(request, slug)
    cost = access_ict_cost(access, cost_id, for_change=True)
    check_version(cost, payload.version)
    fields = _fields(access, IctCost, payload.dict(exclude_unset=True))
    if "organisation" in fields:
        require_organisation(access, fields["organisation"])
    return services.ict_cost_save(collaboration=access.collaboration, cost=cost, **fields)


@router.delete(f"{PREFIX}/ict-costs/{{uuid:cost_id}}", response={204: None, **WRITE_ERRORS})
def ict_cost_delete(request: HttpRequest, slug: str, cost_id: UUID) -> Any:
    cost = access_ict_cost(_access(request, slug), cost_id, for_change=True)
    services.ict_cost_delete(cost=cost)
    return Status(204, None)


# --- Target choices --------------------------------------------------------------------------


@router.get(f"{PREFIX}/target-choices", response={200: list[TargetChoiceOut], **READ_ERRORS})
def target_choice_list(request: HttpRequest, slug: str) -> Any:
    collaboration = _access(request, slug).collaboration
    return (
        TargetChoice.objects.filter(collaboration=collaboration)
        .select_related("category", "product")
        .order_by("category__name")
    )


@router.post(f"{PREFIX}/target-choices", response={201: TargetChoiceOut, **WRITE_ERRORS})
def target_choice_create(request: HttpRequest, slug: str, payload: TargetChoiceCreateIn) -> Any:
    """Choose the common product for a category (administrators and the programme office).

    A category has one target: choosing again for it replaces the earlier choice.
    """
    access = _access(request, slug)
    access.require_manager()
    fields = _fields(access, TargetChoice, payload.dict())
    choice = services.target_choice_set(collaboration=access.collaboration, **fields)
    return Status(201, choice)


@router.get(
    f"{PREFIX}/target-choices/{{uuid:choice_id}}", response={200: TargetChoiceOut, **READ_ERRORS}
)
def target_choice_detail(request: HttpRequest, slug: str, choice_id: UUID) -> Any:
    return access_target_choice(_access(request, slug), choice_id)


@router.patch(
    f"{PREFIX}/target-choices/{{uuid:choice_id}}", response={200: TargetChoiceOut, **WRITE_ERRORS}
)
@atomic
def target_choice_update(
    request: HttpRequest, slug: str, choice_id: UUID, payload: TargetChoiceUpdateIn
) -> Any:
    access = _access(request, slug)
    choice = access_target_choice(access, choice_id, for_change=True)
    check_version(choice, payload.version)
    fields = _fields(access, TargetChoice, payload.dict(exclude_unset=True))
    current = {
        "product": choice.product,
        "decided_by": choice.decided_by,
        "decided_on": choice.decided_on,
        "rationale": choice.rationale,
        "migration_deadline": choice.migration_deadline,
    }
    return services.target_choice_set(
        collaboration=access.collaboration, category=choice.category, **{**current, **fields}
    )


@router.delete(f"{PREFIX}/target-choices/{{uuid:choice_id}}", response={204: None, **WRITE_ERRORS})
def target_choice_delete(request: HttpRequest, slug: str, choice_id: UUID) -> Any:
    choice = access_target_choice(_access(request, slug), choice_id, for_change=True)
    services.target_choice_remove(choice=choice)
    return Status(204, None)


# --- Analysis (read only, for everyone with a role) -----------------------------------------


@router.get(
    f"{PREFIX}/landscape/harmonisation", response={200: list[HarmonisationOut], **READ_ERRORS}
)
def harmonisation(request: HttpRequest, slug: str) -> Any:
    """Per category in use: the products, who uses them, users, yearly cost and the contracts
    ending inside the planning horizon."""
    collaboration = _access(request, slug).collaboration
    return [_harmonisation_out(row) for row in analysis.harmonisation(collaboration, today=today())]


def _harmonisation_out(row: analysis.CategoryHarmonisation) -> dict[str, Any]:
    return {
        "category": _category_ref(row.category),
        "service_area": row.category.service_area.name,
        "member_count": row.member_count,
        "distinct_products": row.distinct_products,
        "users": row.users,
        "yearly_cost": row.yearly_cost,
        "contracts_ending": row.contracts_ending,
        "target": _product_ref(row.target.product) if row.target else None,
        "products": [
            {
                "product": _product_ref(use.product),
                "organisations": [_organisation_ref(o) for o in use.organisations],
                "used_in": use.used_in(row.member_count),
                "users": use.users,
                "yearly_cost": use.yearly_cost,
                "contracts_ending": [_contract_ref(c) for c in use.contracts_ending],
            }
            for use in row.products
        ],
    }


@router.get(
    f"{PREFIX}/landscape/consolidation", response={200: list[ConsolidationOut], **READ_ERRORS}
)
def consolidation(request: HttpRequest, slug: str) -> Any:
    """Categories ranked by how much there is to gain from one common product."""
    collaboration = _access(request, slug).collaboration
    return [
        {
            "category": _category_ref(opportunity.harmonisation.category),
            "score": opportunity.score,
            "parts": opportunity.parts,
            "distinct_products": opportunity.harmonisation.distinct_products,
            "yearly_cost": opportunity.harmonisation.yearly_cost,
            "contracts_ending": opportunity.harmonisation.contracts_ending,
            "users": opportunity.harmonisation.users,
        }
        for opportunity in analysis.consolidation_opportunities(collaboration, today=today())
    ]


@router.get(
    f"{PREFIX}/landscape/contract-timeline", response={200: list[TimelineOut], **READ_ERRORS}
)
def contract_timeline(request: HttpRequest, slug: str) -> Any:
    """Every contract by end date, flagged for the planning horizon, procurement and notice."""
    collaboration = _access(request, slug).collaboration
    return [
        {
            "contract": _contract_ref(entry.contract),
            "vendor_name": entry.contract.vendor.name,
            "organisations": [_organisation_ref(o) for o in entry.contract.organisations.all()],
            "start_date": entry.contract.start_date,
            "end_date": entry.contract.end_date,
            "notice_deadline": entry.contract.notice_deadline,
            "latest_end_date": entry.contract.latest_end_date,
            "ends_inside_horizon": entry.ends_inside_horizon,
            "needs_procurement": entry.needs_procurement,
            "above_threshold": entry.above_threshold,
            "notice_passed": entry.notice_passed,
        }
        for entry in analysis.contract_timeline(collaboration, today=today())
    ]


@router.get(f"{PREFIX}/landscape/ict-costs", response={200: CostTableOut, **READ_ERRORS})
def ict_cost_table(request: HttpRequest, slug: str) -> Any:
    """Per organisation and year: operating, investment, total and the share exposed to
    competition. Every organisation has an entry for every year that has costs."""
    years, table = analysis.ict_costs(_access(request, slug).collaboration)
    return {
        "years": years,
        "organisations": [
            {
                "organisation": _organisation_ref(row.organisation),
                "years": [
                    {
                        "year": cost_year.year,
                        "operating": cost_year.operating,
                        "investment": cost_year.investment,
                        "total": cost_year.total,
                        "exposed": cost_year.exposed,
                        "exposed_share": cost_year.exposed_share,
                        "by_category": cost_year.by_category,
                    }
                    for cost_year in row.years
                ],
            }
            for row in table
        ],
    }


@router.get(
    f"{PREFIX}/landscape/target-portfolio", response={200: list[CategoryTargetOut], **READ_ERRORS}
)
def target_portfolio(request: HttpRequest, slug: str) -> Any:
    """For every category with a target: what each member keeps, migrates, retires or adopts."""
    collaboration = _access(request, slug).collaboration
    return [
        {
            "choice": item.choice.uuid,
            "category": _category_ref(item.choice.category),
            "target": _product_ref(item.choice.product),
            "migration_deadline": item.choice.migration_deadline,
            "transitions": [
                {
                    "organisation": _organisation_ref(transition.organisation),
                    "action": transition.action,
                    "current": [_product_ref(p) for p in transition.current],
                }
                for transition in item.transitions
            ],
        }
        for item in analysis.target_portfolio(collaboration)
    ]


@router.get(f"{PREFIX}/landscape/exit-plan", response={200: list[ExitItemOut], **READ_ERRORS})
def exit_plan(request: HttpRequest, slug: str) -> Any:
    """Contracts to terminate and products to leave, by deadline."""
    collaboration = _access(request, slug).collaboration
    return [
        {
            "deadline": item.deadline,
            "kind": item.kind,
            "organisation": _organisation_ref(item.organisation) if item.organisation else None,
            "category": _category_ref(item.category),
            "product": _product_ref(item.product),
            "target": _product_ref(item.target),
            "contract": _contract_ref(item.contract) if item.contract else None,
        }
        for item in analysis.exit_plan(collaboration)
    ]
