"""API resources for collaborations, organisations, memberships and cost-sharing keys.

Thin endpoints: the schemas validate and shape input and output, the access helpers fetch
and check permissions (404 outside the user's collaborations, 403 for a change the role
does not allow), the services write and the selectors read. A service's ``ValidationError``
answers 422 through the handler in ``samla.api.api``.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import PlainSerializer, WithJsonSchema, field_validator, model_validator

from samla.api import patching
from samla.api.enums import enum_schema
from samla.api.transactions import atomic
from samla.api.versioning import ConflictOut, VersionIn, VersionOut
from samla.core.dates import today
from samla.core.locking import check_version
from samla.core.validators import validate_organisation_number
from samla.organisations import selectors, services
from samla.organisations.access import (
    CollaborationAccess,
    access_collaboration,
    access_cost_sharing_key,
    access_membership,
    access_organisation,
)
from samla.organisations.models import (
    Collaboration,
    CostSharingKey,
    CostSharingWeight,
    Organisation,
    User,
)

# Enums whose class name another API enum shares are written out inline (samla.api.enums).
CollaborationKind = Annotated[
    Collaboration.Kind, WithJsonSchema(enum_schema(Collaboration.Kind, "CollaborationKind"))
]
OrganisationKind = Annotated[
    Organisation.Kind, WithJsonSchema(enum_schema(Organisation.Kind, "OrganisationKind"))
]

router = Router(tags=["organisations"])

# Decimals go out as plain strings ("1234567.89", never "1.2E+6") so that no client has to
# go through a binary float to read an amount.
DecimalString = Annotated[
    Decimal, PlainSerializer(lambda value: format(value, "f"), return_type=str)
]


# --- Schemas ---------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str | list[dict[str, Any]] = Field(
        description="A readable message, or the list of schema errors for malformed input."
    )
    errors: dict[str, list[str]] | None = Field(
        None, description="Messages per field; ``__all__`` for those about the whole request."
    )


READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}
# 409: a PATCH carrying an older ``version`` than the object's (``samla.core.locking``).
WRITE_ERRORS: dict[int, Any] = {
    **READ_ERRORS,
    403: ErrorOut,
    409: ConflictOut,
    422: ValidationErrorOut,
}


class CollaborationOut(Schema):
    uuid: uuid.UUID
    slug: str
    name: str
    kind: CollaborationKind
    description: str
    planning_horizon_years: int


class CollaborationDetailOut(CollaborationOut):
    role: str = Field(description="The user's role in the collaboration.")
    editable_organisation: uuid.UUID | None = Field(
        description="For editors: the organisation they may change."
    )


class OrganisationOut(VersionOut):
    uuid: uuid.UUID
    name: str
    kind: OrganisationKind
    organisation_number: str | None
    municipality_number: str
    population: int | None
    population_date: datetime.date | None
    employees: int | None


def _normalise_organisation_number(value: str | None) -> str | None:
    return (value or "").replace(" ", "") or None


class OrganisationUpdateIn(VersionIn):
    """Only the fields given are changed."""

    name: str | None = Field(None, max_length=200)
    kind: OrganisationKind | None = None
    organisation_number: str | None = Field(None, description="Nine digits (MOD11).")
    municipality_number: str | None = Field(None, description="Four digits.")
    population: int | None = Field(None, ge=0)
    population_date: datetime.date | None = None
    employees: int | None = Field(None, ge=0)

    _organisation_number = field_validator("organisation_number")(_normalise_organisation_number)


class MembershipPeriodIn(Schema):
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None

    @model_validator(mode="after")
    def _period_in_order(self) -> MembershipPeriodIn:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to cannot be before valid_from")
        return self


class OrganisationCreateIn(MembershipPeriodIn):
    name: str = Field(max_length=200)
    kind: OrganisationKind = Organisation.Kind.MUNICIPALITY
    organisation_number: str | None = Field(None, description="Nine digits (MOD11).")
    municipality_number: str = Field("", description="Four digits.")
    population: int | None = Field(None, ge=0)
    population_date: datetime.date | None = None
    employees: int | None = Field(None, ge=0)
    is_host: bool = False

    _organisation_number = field_validator("organisation_number")(_normalise_organisation_number)


class MemberOrganisationOut(Schema):
    uuid: uuid.UUID
    name: str
    organisation_number: str | None


class MembershipOut(VersionOut):
    uuid: uuid.UUID
    organisation: MemberOrganisationOut
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    is_host: bool


class MembershipCreateIn(MembershipPeriodIn):
    organisation_number: str = Field(
        description="The organisation must already be registered in Samla."
    )
    is_host: bool = False

    _organisation_number = field_validator("organisation_number")(_normalise_organisation_number)


class MembershipUpdateIn(MembershipPeriodIn, VersionIn):
    """Only the fields given are changed."""

    is_host: bool | None = None


class WeightIn(Schema):
    organisation: uuid.UUID = Field(description="A member organisation's uuid.")
    weight: Decimal = Field(ge=0, max_digits=12, decimal_places=4)


class WeightOut(Schema):
    organisation: uuid.UUID
    organisation_name: str
    weight: DecimalString

    @staticmethod
    def resolve_organisation(obj: CostSharingWeight) -> uuid.UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_organisation_name(obj: CostSharingWeight) -> str:
        return obj.organisation.name


class CostSharingKeyOut(VersionOut):
    uuid: uuid.UUID
    name: str
    method: CostSharingKey.Method
    fixed_share_percent: DecimalString | None
    description: str
    weights: list[WeightOut]

    @staticmethod
    def resolve_weights(obj: CostSharingKey) -> list[CostSharingWeight]:
        return list(obj.weights.all())


FIXED_SHARE = Field(
    None,
    ge=0,
    le=100,
    max_digits=5,
    decimal_places=2,
    description="Only for fixed_plus_population: the percentage shared equally.",
)
WEIGHTS = Field(None, description="Only for custom: the weight of each member organisation.")


class CostSharingKeyCreateIn(Schema):
    name: str = Field(max_length=120)
    method: CostSharingKey.Method
    fixed_share_percent: Decimal | None = FIXED_SHARE
    description: str = ""
    weights: list[WeightIn] | None = WEIGHTS


class CostSharingKeyUpdateIn(VersionIn):
    """Only the fields given are changed; ``weights``, when given, replace the stored ones."""

    name: str | None = Field(None, max_length=120)
    method: CostSharingKey.Method | None = None
    fixed_share_percent: Decimal | None = FIXED_SHARE
    description: str | None = None
    weights: list[WeightIn] | None = WEIGHTS


class SplitIn(Schema):
    amount: Decimal = Field(max_digits=16, decimal_places=2, description="Kroner, e.g. 1234567.89")
    on_date: datetime.date | None = Field(None, description="Members on this date; default today.")


class ShareOut(Schema):
    organisation: uuid.UUID
    name: str
    weight: DecimalString
    fraction: DecimalString
    amount: DecimalString


class SplitOut(Schema):
    key: uuid.UUID
    on_date: datetime.date
    amount: DecimalString
    total: DecimalString = Field(description="The sum of the shares: always equal to amount.")
    shares: list[ShareOut]


# --- Helpers: turning references in the input into objects ----------------------------------


def _access(request: HttpRequest, slug: str) -> CollaborationAccess:
    user: User = request.auth  # type: ignore[attr-defined]
    return access_collaboration(user, slug)


def _organisation_by_number(number: str | None) -> Organisation:
    """The registered organisation with this organisation number, or a ValidationError."""
    if not number:
        raise ValidationError({"organisation_number": _("Oppgi organisasjonsnummeret.")})
    try:
        validate_organisation_number(number)
    except ValidationError as exc:
        raise ValidationError({"organisation_number": exc.messages}) from exc
    organisation = Organisation.objects.filter(organisation_number=number).first()
    if organisation is None:
        raise ValidationError(
            {
                "organisation_number": _(
                    "Fant ingen organisasjon med organisasjonsnummer %(number)s. "
                    "Registrer den som ny."
                )
                % {"number": number}
            }
        )
    return organisation


def _weights(collaboration: Collaboration, weights: list[WeightIn]) -> dict[Organisation, Decimal]:
    """The weights keyed by member organisation; unknown or repeated uuids are refused."""
    wanted = [weight.organisation for weight in weights]
    if len(set(wanted)) != len(wanted):
        raise ValidationError({"weights": _("En organisasjon kan bare ha én vekt.")})
    found = {
        membership.organisation.uuid: membership.organisation
        for membership in selectors.members(collaboration).filter(organisation__uuid__in=wanted)
    }
    unknown = [str(value) for value in wanted if value not in found]
    if unknown:
        raise ValidationError(
            {"weights": _("Ikke medlem av samarbeidet: %(uuids)s.") % {"uuids": ", ".join(unknown)}}
        )
    return {found[weight.organisation]: weight.weight for weight in weights}


def _key_out(access: CollaborationAccess, key: CostSharingKey) -> CostSharingKey:
    """The key again, with its weights and their organisations in two queries."""
    return selectors.cost_sharing_keys(access.collaboration).get(pk=key.pk)


# --- Collaborations --------------------------------------------------------------------------


@router.get("/collaborations", response={200: list[CollaborationOut], **READ_ERRORS})
def collaboration_list(request: HttpRequest) -> Any:
    """The collaborations the user has a role in."""
    return selectors.collaborations_for_user(request.auth)  # type: ignore[attr-defined]


@router.get("/collaborations/{slug}", response={200: CollaborationDetailOut, **READ_ERRORS})
def collaboration_detail(request: HttpRequest, slug: str) -> Any:
    access = _access(request, slug)
    editable = access.role.organisation if access.editable_organisation_id else None
    return CollaborationDetailOut(
        **CollaborationOut.from_orm(access.collaboration).dict(),
        role=access.role.kind,
        editable_organisation=editable.uuid if editable else None,
    )


# --- Organisations ---------------------------------------------------------------------------


@router.get(
    "/collaborations/{slug}/organisations",
    response={200: list[OrganisationOut], **READ_ERRORS},
)
def organisation_list(request: HttpRequest, slug: str) -> Any:
    access = _access(request, slug)
    return [membership.organisation for membership in selectors.members(access.collaboration)]


@router.post(
    "/collaborations/{slug}/organisations",
    response={201: OrganisationOut, **WRITE_ERRORS},
)
def organisation_create(request: HttpRequest, slug: str, payload: OrganisationCreateIn) -> Any:
    """Register a new organisation as a member (administrators and the programme office)."""
    access = _access(request, slug)
    access.require_manager()
    membership = services.organisation_create_as_member(
        collaboration=access.collaboration, **payload.dict()
    )
    return Status(201, membership.organisation)


@router.get(
    "/collaborations/{slug}/organisations/{uuid:organisation_id}",
    response={200: OrganisationOut, **READ_ERRORS},
)
def organisation_detail(request: HttpRequest, slug: str, organisation_id: uuid.UUID) -> Any:
    return access_organisation(_access(request, slug), organisation_id)


@router.patch(
    "/collaborations/{slug}/organisations/{uuid:organisation_id}",
    response={200: OrganisationOut, **WRITE_ERRORS},
)
@atomic
def organisation_update(
    request: HttpRequest, slug: str, organisation_id: uuid.UUID, payload: OrganisationUpdateIn
) -> Any:
    """Change an organisation (managers, or the editor of that organisation)."""
    organisation = access_organisation(_access(request, slug), organisation_id, for_change=True)
    check_version(organisation, payload.version)
    return services.organisation_update(
        organisation=organisation, **patching.changes(Organisation, payload)
    )


# --- Memberships -----------------------------------------------------------------------------


@router.get(
    "/collaborations/{slug}/memberships", response={200: list[MembershipOut], **READ_ERRORS}
)
def membership_list(request: HttpRequest, slug: str) -> Any:
    return selectors.members(_access(request, slug).collaboration)


@router.post("/collaborations/{slug}/memberships", response={201: MembershipOut, **WRITE_ERRORS})
def membership_create(request: HttpRequest, slug: str, payload: MembershipCreateIn) -> Any:
    """Add an organisation already registered in Samla, by organisation number."""
    access = _access(request, slug)
    access.require_manager()
    membership = services.membership_create(
        collaboration=access.collaboration,
        organisation=_organisation_by_number(payload.organisation_number),
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        is_host=payload.is_host,
    )
    return Status(201, membership)


@router.patch(
    "/collaborations/{slug}/memberships/{uuid:membership_id}",
    response={200: MembershipOut, **WRITE_ERRORS},
)
@atomic
def membership_update(
    request: HttpRequest, slug: str, membership_id: uuid.UUID, payload: MembershipUpdateIn
) -> Any:
    membership = access_membership(_access(request, slug), membership_id, for_change=True)
    check_version(membership, payload.version)
    changes = payload.dict(exclude_unset=True)
    return services.membership_update(
        membership=membership,
        valid_from=changes.get("valid_from", membership.valid_from),
        valid_to=changes.get("valid_to", membership.valid_to),
        is_host=bool(changes.get("is_host", membership.is_host)),
    )


@router.delete(
    "/collaborations/{slug}/memberships/{uuid:membership_id}",
    response={204: None, **WRITE_ERRORS},
)
def membership_delete(request: HttpRequest, slug: str, membership_id: uuid.UUID) -> Any:
    membership = access_membership(_access(request, slug), membership_id, for_change=True)
    services.membership_delete(membership=membership)
    return Status(204, None)


# --- Cost-sharing keys -----------------------------------------------------------------------


@router.get(
    "/collaborations/{slug}/cost-sharing-keys",
    response={200: list[CostSharingKeyOut], **READ_ERRORS},
)
def cost_sharing_key_list(request: HttpRequest, slug: str) -> Any:
    return selectors.cost_sharing_keys(_access(request, slug).collaboration)


@router.post(
    "/collaborations/{slug}/cost-sharing-keys",
    response={201: CostSharingKeyOut, **WRITE_ERRORS},
)
def cost_sharing_key_create(
    request: HttpRequest, slug: str, payload: CostSharingKeyCreateIn
) -> Any:
    access = _access(request, slug)
    access.require_manager()
    fields = payload.dict(exclude={"weights"})
    weights = _weights(access.collaboration, payload.weights or [])
    key = services.cost_sharing_key_create(
        collaboration=access.collaboration, weights=weights, **fields
    )
    return Status(201, _key_out(access, key))


@router.get(
    "/collaborations/{slug}/cost-sharing-keys/{uuid:key_id}",
    response={200: CostSharingKeyOut, **READ_ERRORS},
)
def cost_sharing_key_detail(request: HttpRequest, slug: str, key_id: uuid.UUID) -> Any:
    access = _access(request, slug)
    return _key_out(access, access_cost_sharing_key(access, key_id))


@router.patch(
    "/collaborations/{slug}/cost-sharing-keys/{uuid:key_id}",
    response={200: CostSharingKeyOut, **WRITE_ERRORS},
)
@atomic
def cost_sharing_key_update(
    request: HttpRequest, slug: str, key_id: uuid.UUID, payload: CostSharingKeyUpdateIn
) -> Any:
    access = _access(request, slug)
    key = access_cost_sharing_key(access, key_id, for_change=True)
    check_version(key, payload.version)
    fields = patching.changes(CostSharingKey, payload, exclude={"weights"})
    if payload.weights is not None:
        weights = _weights(access.collaboration, payload.weights)
    else:
        # Weights left out are kept as they are.
        weights = {w.organisation: w.weight for w in key.weights.select_related("organisation")}
    services.cost_sharing_key_update(key=key, weights=weights, **fields)
    return _key_out(access, key)


@router.delete(
    "/collaborations/{slug}/cost-sharing-keys/{uuid:key_id}",
    response={204: None, **WRITE_ERRORS},
)
def cost_sharing_key_delete(request: HttpRequest, slug: str, key_id: uuid.UUID) -> Any:
    key = access_cost_sharing_key(_access(request, slug), key_id, for_change=True)
    services.cost_sharing_key_delete(key=key)
    return Status(204, None)


@router.post(
    "/collaborations/{slug}/cost-sharing-keys/{uuid:key_id}/split",
    response={200: SplitOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def cost_sharing_key_split(
    request: HttpRequest, slug: str, key_id: uuid.UUID, payload: SplitIn
) -> Any:
    """Split an amount between the members by the key; the shares sum exactly to it.

    A calculation, not a change: everyone with a role in the collaboration may split.
    """
    key = access_cost_sharing_key(_access(request, slug), key_id)
    on_date = payload.on_date or today()
    shares = services.cost_sharing_split(key=key, amount=payload.amount, on_date=on_date)
    return SplitOut(
        key=key.uuid,
        on_date=on_date,
        amount=payload.amount.quantize(Decimal("0.01")),
        total=sum((share.amount for share in shares), Decimal("0.00")),
        shares=[
            ShareOut(
                organisation=share.organisation.uuid,
                name=share.organisation.name,
                weight=share.weight,
                fraction=share.fraction,
                amount=share.amount,
            )
            for share in shares
        ],
    )
