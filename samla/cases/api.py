"""API resources for business cases: cases, versions, alternatives and lines, the case
document and the engine's results.

Thin endpoints, as in ``samla.landscape.api``: schemas validate and shape, the access
helpers of ``samla.cases.access`` fetch and check permissions (404 outside the user's
collaborations, 403 for a change by someone who is not a manager), ``samla.cases.services``
writes (422 with the message for every refused change, a frozen version's included).

``…/results`` answers exactly ``to_json_dict(evaluate_version(version))``: the JSON that
``samla case evaluate --json`` prints for the version's document (``…/document``).

Resources nest under their parent: ``/collaborations/{slug}/cases/{case}/versions/{version}
/alternatives/{alternative}/lines/{line}``; a child under another parent is 404.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

import yaml
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import WithJsonSchema

from samla.api.enums import enum_schema
from samla.api.transactions import atomic
from samla.api.versioning import RowVersionIn, RowVersionOut, VersionIn
from samla.api.versioning import VersionOut as VersionCounterOut
from samla.cases import services
from samla.cases.access import (
    access_alternative,
    access_case,
    access_line,
    access_version,
)
from samla.cases.document import evaluate_version, version_document
from samla.cases.models import Alternative, BusinessCase, CaseVersion, Effect, Line
from samla.core.locking import check_version
from samla.finance.caseformat import CaseFormatError, parse_case
from samla.finance.evaluate import to_json_dict
from samla.landscape.models import SystemCategory
from samla.organisations.access import CollaborationAccess, access_collaboration
from samla.organisations.api import READ_ERRORS, WRITE_ERRORS, DecimalString
from samla.organisations.models import CostSharingKey, User

# Enums whose class name another API enum shares are written out inline (samla.api.enums).
LineKind = Annotated[Line.Kind, WithJsonSchema(enum_schema(Line.Kind, "LineKind"))]

router = Router(tags=["cases"])

SMALL = 32767  # PositiveSmallIntegerField's upper bound


def _amount() -> Any:
    return Field(None, ge=0, max_digits=16, decimal_places=2)


# --- Schemas -----------------------------------------------------------------------------------


class VersionRefOut(Schema):
    uuid: UUID
    number: int
    stage: CaseVersion.Stage


class CaseOut(VersionCounterOut):
    uuid: UUID
    name: str
    description: str
    category: UUID | None = Field(description="The system category the case justifies.")
    category_name: str | None
    created_at: datetime.datetime
    versions: list[VersionRefOut] = Field(description="Newest first.")

    @staticmethod
    def resolve_category(obj: BusinessCase) -> UUID | None:
        return obj.category.uuid if obj.category else None

    @staticmethod
    def resolve_category_name(obj: BusinessCase) -> str | None:
        return obj.category.name if obj.category else None

    @staticmethod
    def resolve_versions(obj: BusinessCase) -> list[CaseVersion]:
        return sorted(obj.versions.all(), key=lambda version: -version.number)


class CaseCreateIn(Schema):
    """A new case gets a first draft version with the zero alternative."""

    name: str = Field(max_length=200)
    description: str = ""
    category: UUID | None = Field(None, description="A system category's uuid.")
    base_year: int = Field(ge=1990, le=2100)
    years: int = Field(10, ge=1, le=100, description="The analysis period, the base year included.")


class CaseUpdateIn(VersionIn):
    """Only the fields given are changed; ``category: null`` removes the category."""

    name: str | None = Field(None, max_length=200)
    description: str | None = None
    category: UUID | None = None


class LineOut(VersionCounterOut):
    uuid: UUID
    kind: LineKind
    name: str
    description: str
    distribution: Line.Distribution
    amount: DecimalString | None = Field(description="Point, mode or mean; hours for time saving.")
    low: DecimalString | None
    high: DecimalString | None
    spread: DecimalString | None = Field(
        description="The normal distribution's standard deviation."
    )
    first_year: int
    last_year: int
    split_key: UUID | None = Field(
        description="A cost-sharing key of its own; null: the version's."
    )
    affects_budget: bool | None = Field(description="Null: the kind's default.")
    order: int

    @staticmethod
    def resolve_split_key(obj: Line) -> UUID | None:
        return obj.split_key.uuid if obj.split_key else None


class LineCreateIn(Schema):
    kind: LineKind
    name: str = Field(max_length=200)
    description: str = Field("", max_length=500)
    distribution: Line.Distribution = Line.Distribution.POINT
    amount: Decimal | None = _amount()
    low: Decimal | None = _amount()
    high: Decimal | None = _amount()
    spread: Decimal | None = _amount()
    first_year: int | None = Field(None, ge=0, le=SMALL, description="Default: the base year.")
    last_year: int | None = Field(
        None, ge=0, le=SMALL, description="Default: the last year of the period."
    )  # both left out: one year for an investment (the base year) or a residual value (the last)
    split_key: UUID | None = Field(None, description="A cost-sharing key's uuid.")
    affects_budget: bool | None = None
    order: int | None = Field(None, ge=0, le=SMALL)


class LineUpdateIn(VersionIn):
    """Only the fields given are changed."""

    kind: LineKind | None = None
    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=500)
    distribution: Line.Distribution | None = None
    amount: Decimal | None = _amount()
    low: Decimal | None = _amount()
    high: Decimal | None = _amount()
    spread: Decimal | None = _amount()
    first_year: int | None = Field(None, ge=0, le=SMALL)
    last_year: int | None = Field(None, ge=0, le=SMALL)
    split_key: UUID | None = None
    affects_budget: bool | None = None
    order: int | None = Field(None, ge=0, le=SMALL)


class EffectOut(Schema):
    uuid: UUID
    name: str
    score: int = Field(description="−4 to +4 (pluss-minus).")
    reason: str


class AlternativeOut(RowVersionOut):
    uuid: UUID
    name: str
    description: str
    is_zero: bool
    order: int
    lines: list[LineOut]
    effects: list[EffectOut]


class AlternativeCreateIn(Schema):
    name: str = Field(max_length=120)
    description: str = ""
    is_zero: bool = False
    order: int | None = Field(None, ge=0, le=SMALL)


class AlternativeUpdateIn(RowVersionIn):
    """Only the fields given are changed."""

    name: str | None = Field(None, max_length=120)
    description: str | None = None
    is_zero: bool | None = None
    order: int | None = Field(None, ge=0, le=SMALL)


class AssumptionOut(Schema):
    uuid: UUID
    text: str
    source: str
    order: int


class VersionOut(VersionCounterOut):
    uuid: UUID
    case: UUID
    number: int
    stage: CaseVersion.Stage
    note: str
    base_year: int
    years: int
    last_year: int
    discount_rate: DecimalString
    hourly_rate: DecimalString
    tax_financing: bool
    optimism_bias: str = Field(description="Empty, green_book_it_lower or green_book_it_upper.")
    split_key: UUID | None = Field(description="Null: by population.")
    monte_carlo_iterations: int
    monte_carlo_seed: int
    frozen_at: datetime.datetime | None
    frozen_by: str | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_case(obj: CaseVersion) -> UUID:
        return obj.case.uuid

    @staticmethod
    def resolve_split_key(obj: CaseVersion) -> UUID | None:
        return obj.split_key.uuid if obj.split_key else None

    @staticmethod
    def resolve_frozen_by(obj: CaseVersion) -> str | None:
        user = obj.frozen_by
        return (user.get_full_name() or user.username) if user else None


class VersionDetailOut(VersionOut):
    alternatives: list[AlternativeOut]
    assumptions: list[AssumptionOut]

    @staticmethod
    def resolve_alternatives(obj: CaseVersion) -> list[Alternative]:
        return list(
            obj.alternatives.prefetch_related(
                Prefetch("lines", queryset=Line.objects.select_related("split_key")),
                Prefetch("effects", queryset=Effect.objects.order_by("name")),
            )
        )

    @staticmethod
    def resolve_assumptions(obj: CaseVersion) -> list[Any]:
        return list(obj.assumptions.all())


class VersionUpdateIn(VersionIn):
    """Only the fields given are changed; only a draft can change. ``split_key: null``
    splits by population."""

    note: str | None = Field(None, max_length=300)
    base_year: int | None = Field(None, ge=0, le=SMALL)
    years: int | None = Field(None, ge=0, le=SMALL)
    discount_rate: Decimal | None = Field(None, max_digits=6, decimal_places=4)
    hourly_rate: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    tax_financing: bool | None = None
    optimism_bias: CaseVersion.OptimismBias | None = None
    split_key: UUID | None = None
    monte_carlo_iterations: int | None = Field(None, ge=0)
    monte_carlo_seed: int | None = Field(None, ge=0)


class FreezeIn(Schema):
    stage: Literal["approved", "after_procurement", "final"]


# --- Helpers -----------------------------------------------------------------------------------


def _access(request: HttpRequest, slug: str) -> CollaborationAccess:
    user: User = request.auth  # type: ignore[attr-defined]
    return access_collaboration(user, slug)


def _case(access: CollaborationAccess, case_id: UUID, *, for_change: bool = False) -> BusinessCase:
    return access_case(access, case_id, for_change=for_change)


def _version(
    access: CollaborationAccess, case_id: UUID, version_id: UUID, *, for_change: bool = False
) -> CaseVersion:
    version = access_version(access, version_id, for_change=for_change)
    if version.case.uuid != case_id:
        raise Http404
    return version


def _alternative(
    access: CollaborationAccess,
    case_id: UUID,
    version_id: UUID,
    alternative_id: UUID,
    *,
    for_change: bool = False,
) -> Alternative:
    alternative = access_alternative(access, alternative_id, for_change=for_change)
    version = alternative.version
    if version.uuid != version_id or version.case.uuid != case_id:
        raise Http404
    return alternative


def _line(
    access: CollaborationAccess,
    case_id: UUID,
    version_id: UUID,
    alternative_id: UUID,
    line_id: UUID,
    *,
    for_change: bool = False,
) -> Line:
    line = access_line(access, line_id, for_change=for_change)
    alternative = line.alternative
    if (
        alternative.uuid != alternative_id
        or alternative.version.uuid != version_id
        or alternative.version.case.uuid != case_id
    ):
        raise Http404
    return line


def _fields(
    access: CollaborationAccess, model: type[models.Model], given: dict[str, Any]
) -> dict[str, Any]:
    """The service's keyword arguments from the input's fields.

    ``null`` empties a text field, clears a nullable one and is refused for the others; the
    uuid of a category or a cost-sharing key becomes the object in the collaboration.
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
            related: Any = model_field.related_model
            assert related in (SystemCategory, CostSharingKey)
            found = related._default_manager.filter(
                collaboration=access.collaboration, uuid=value
            ).first()
            if found is None:
                raise ValidationError(
                    {name: _("Finnes ikke i samarbeidet: %(uuids)s.") % {"uuids": value}}
                )
            value = found
        fields[name] = value
    return fields


def _cases(access: CollaborationAccess) -> QuerySet[BusinessCase]:
    return (
        BusinessCase.objects.filter(collaboration=access.collaboration)
        .select_related("category")
        .prefetch_related("versions")
    )


def _case_out(access: CollaborationAccess, case: BusinessCase) -> BusinessCase:
    return _cases(access).get(pk=case.pk)


def _version_out(version: CaseVersion) -> CaseVersion:
    return CaseVersion.objects.select_related("case", "split_key", "frozen_by").get(pk=version.pk)


def _alternative_out(alternative: Alternative) -> Alternative:
    return Alternative.objects.prefetch_related(
        Prefetch("lines", queryset=Line.objects.select_related("split_key")),
        Prefetch("effects", queryset=Effect.objects.order_by("name")),
    ).get(pk=alternative.pk)


PREFIX = "/collaborations/{slug}/cases"
CASE = PREFIX + "/{uuid:case_id}"
VERSION = CASE + "/versions/{uuid:version_id}"
ALTERNATIVE = VERSION + "/alternatives/{uuid:alternative_id}"
LINE = ALTERNATIVE + "/lines/{uuid:line_id}"


# --- Cases -------------------------------------------------------------------------------------


@router.get(PREFIX, response={200: list[CaseOut], **READ_ERRORS})
def case_list(request: HttpRequest, slug: str) -> Any:
    return _cases(_access(request, slug)).order_by("name")


@router.post(PREFIX, response={201: CaseOut, **WRITE_ERRORS})
def case_create(request: HttpRequest, slug: str, payload: CaseCreateIn) -> Any:
    """A new case with a draft version holding the zero alternative (managers)."""
    access = _access(request, slug)
    access.require_manager()
    fields = _fields(access, BusinessCase, payload.dict(exclude={"base_year", "years"}))
    case = services.case_create(
        collaboration=access.collaboration,
        base_year=payload.base_year,
        years=payload.years,
        **fields,
    )
    return Status(201, _case_out(access, case))


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": "A case document (docs/business-case-format.md) as JSON, or as YAML "
        "with Content-Type application/yaml.",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}


@router.post(PREFIX + "/import", response={201: CaseOut, **WRITE_ERRORS}, openapi_extra=IMPORT_BODY)
def case_import(request: HttpRequest, slug: str, name: str = "") -> Any:
    """Import a case document; ``name`` overrides the document's name. An invalid document
    answers 422 with one message per problem, each naming the field and the line of the body;
    organisations are the collaboration's members and a split must exist as a cost-sharing key.
    """
    access = _access(request, slug)
    access.require_manager()
    syntax = "yaml" if "yaml" in (request.content_type or "") else "json"
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError({"document": [_("Dokumentet må være UTF-8.")]}) from error
    try:
        parse_case(text, syntax)
    except CaseFormatError as error:
        raise ValidationError({"document": [str(problem) for problem in error.problems]}) from error
    document = json.loads(text) if syntax == "json" else yaml.safe_load(text)
    case = services.case_import(collaboration=access.collaboration, document=document, name=name)
    return Status(201, _case_out(access, case))


@router.get(CASE, response={200: CaseOut, **READ_ERRORS})
def case_detail(request: HttpRequest, slug: str, case_id: UUID) -> Any:
    access = _access(request, slug)
    return _case_out(access, _case(access, case_id))


@router.patch(CASE, response={200: CaseOut, **WRITE_ERRORS})
@atomic
def case_update(request: HttpRequest, slug: str, case_id: UUID, payload: CaseUpdateIn) -> Any:
    access = _access(request, slug)
    case = _case(access, case_id, for_change=True)
    check_version(case, payload.version)
    services.case_update(
        case=case, **_fields(access, BusinessCase, payload.dict(exclude_unset=True))
    )
    return _case_out(access, case)


@router.delete(CASE, response={204: None, **WRITE_ERRORS})
def case_delete(request: HttpRequest, slug: str, case_id: UUID) -> Any:
    """Only a case without frozen versions can be deleted (422 otherwise)."""
    case = _case(_access(request, slug), case_id, for_change=True)
    services.case_delete(case=case)
    return Status(204, None)


# --- Versions ----------------------------------------------------------------------------------


@router.get(CASE + "/versions", response={200: list[VersionOut], **READ_ERRORS})
def version_list(request: HttpRequest, slug: str, case_id: UUID) -> Any:
    case = _case(_access(request, slug), case_id)
    return case.versions.select_related("case", "split_key", "frozen_by").order_by("-number")


@router.get(VERSION, response={200: VersionDetailOut, **READ_ERRORS})
def version_detail(request: HttpRequest, slug: str, case_id: UUID, version_id: UUID) -> Any:
    return _version(_access(request, slug), case_id, version_id)


@router.patch(VERSION, response={200: VersionDetailOut, **WRITE_ERRORS})
@atomic
def version_update(
    request: HttpRequest, slug: str, case_id: UUID, version_id: UUID, payload: VersionUpdateIn
) -> Any:
    """Change a draft's settings; a frozen version answers 422."""
    access = _access(request, slug)
    version = _version(access, case_id, version_id, for_change=True)
    check_version(version, payload.version)
    fields = _fields(access, CaseVersion, payload.dict(exclude_unset=True))
    services.version_update(version=version, **fields)
    return _version_out(version)


@router.post(VERSION + "/freeze", response={200: VersionDetailOut, **WRITE_ERRORS})
def version_freeze(
    request: HttpRequest, slug: str, case_id: UUID, version_id: UUID, payload: FreezeIn
) -> Any:
    """Approve (or mark as updated after procurement, or final) and lock the draft."""
    access = _access(request, slug)
    version = _version(access, case_id, version_id, for_change=True)
    frozen = services.version_freeze(version=version, stage=payload.stage, user=access.user)
    return _version_out(frozen)


@router.post(VERSION + "/new-version", response={201: VersionDetailOut, **WRITE_ERRORS})
def version_new(request: HttpRequest, slug: str, case_id: UUID, version_id: UUID) -> Any:
    """A new draft copied from this version (one draft per case at a time)."""
    access = _access(request, slug)
    version = _version(access, case_id, version_id, for_change=True)
    return Status(201, _version_out(services.version_new(source=version)))


@router.get(VERSION + "/results", response={200: dict[str, Any], **READ_ERRORS})
def version_results(request: HttpRequest, slug: str, case_id: UUID, version_id: UUID) -> Any:
    """The engine's results: the same JSON as ``samla case evaluate --json`` on the document."""
    version = _version(_access(request, slug), case_id, version_id)
    return to_json_dict(evaluate_version(version))


@router.get(VERSION + "/document", response={200: dict[str, Any], **READ_ERRORS})
def version_document_detail(
    request: HttpRequest, slug: str, case_id: UUID, version_id: UUID
) -> Any:
    """The version as a case document (the frozen one for a frozen version)."""
    version = _version(_access(request, slug), case_id, version_id)
    return version_document(version)


# --- Alternatives ------------------------------------------------------------------------------


@router.get(VERSION + "/alternatives", response={200: list[AlternativeOut], **READ_ERRORS})
def alternative_list(request: HttpRequest, slug: str, case_id: UUID, version_id: UUID) -> Any:
    version = _version(_access(request, slug), case_id, version_id)
    return VersionDetailOut.resolve_alternatives(version)


@router.post(VERSION + "/alternatives", response={201: AlternativeOut, **WRITE_ERRORS})
def alternative_create(
    request: HttpRequest,
    slug: str,
    case_id: UUID,
    version_id: UUID,
    payload: AlternativeCreateIn,
) -> Any:
    access = _access(request, slug)
    version = _version(access, case_id, version_id, for_change=True)
    given = payload.dict(exclude_none=True)
    alternative = services.alternative_create(version=version, **given)
    return Status(201, _alternative_out(alternative))


@router.get(ALTERNATIVE, response={200: AlternativeOut, **READ_ERRORS})
def alternative_detail(
    request: HttpRequest, slug: str, case_id: UUID, version_id: UUID, alternative_id: UUID
) -> Any:
    alternative = _alternative(_access(request, slug), case_id, version_id, alternative_id)
    return _alternative_out(alternative)


@router.patch(ALTERNATIVE, response={200: AlternativeOut, **WRITE_ERRORS})
@atomic
def alternative_update(
    request: HttpRequest,
    slug: str,
    case_id: UUID,
    version_id: UUID,
    alternative_id: UUID,
    payload: AlternativeUpdateIn,
) -> Any:
    access = _access(request, slug)
    alternative = _alternative(access, case_id, version_id, alternative_id, for_change=True)
    check_version(alternative, payload.row_version)
    fields = _fields(access, Alternative, payload.dict(exclude_unset=True))
    services.alternative_update(alternative=alternative, **fields)
    return _alternative_out(alternative)


@router.delete(ALTERNATIVE, response={204: None, **WRITE_ERRORS})
def alternative_delete(
    request: HttpRequest, slug: str, case_id: UUID, version_id: UUID, alternative_id: UUID
) -> Any:
    access = _access(request, slug)
    alternative = _alternative(access, case_id, version_id, alternative_id, for_change=True)
    services.alternative_delete(alternative=alternative)
    return Status(204, None)


# --- Lines -------------------------------------------------------------------------------------


@router.get(ALTERNATIVE + "/lines", response={200: list[LineOut], **READ_ERRORS})
def line_list(
    request: HttpRequest, slug: str, case_id: UUID, version_id: UUID, alternative_id: UUID
) -> Any:
    alternative = _alternative(_access(request, slug), case_id, version_id, alternative_id)
    return alternative.lines.select_related("split_key")


@router.post(ALTERNATIVE + "/lines", response={201: LineOut, **WRITE_ERRORS})
def line_create(
    request: HttpRequest,
    slug: str,
    case_id: UUID,
    version_id: UUID,
    alternative_id: UUID,
    payload: LineCreateIn,
) -> Any:
    """Add a line. Without years, an investment falls in the base year, a residual value in
    the last year, and other lines run through the analysis period (as in the case format)."""
    access = _access(request, slug)
    alternative = _alternative(access, case_id, version_id, alternative_id, for_change=True)
    version = alternative.version
    given = payload.dict()
    if given["order"] is None:
        del given["order"]
    if given["first_year"] is None and given["last_year"] is None:
        # As in the case format: an investment falls in the base year, a residual value in
        # the last year, anything else runs through the period.
        if given["kind"] == Line.Kind.INVESTMENT:
            given["last_year"] = version.base_year
        elif given["kind"] == Line.Kind.RESIDUAL:
            given["first_year"] = version.last_year
    if given["first_year"] is None:
        given["first_year"] = version.base_year
    if given["last_year"] is None:
        given["last_year"] = version.last_year
    line = services.line_create(alternative=alternative, **_fields(access, Line, given))
    return Status(201, line)


@router.get(LINE, response={200: LineOut, **READ_ERRORS})
def line_detail(
    request: HttpRequest,
    slug: str,
    case_id: UUID,
    version_id: UUID,
    alternative_id: UUID,
    line_id: UUID,
) -> Any:
    return _line(_access(request, slug), case_id, version_id, alternative_id, line_id)


@router.patch(LINE, response={200: LineOut, **WRITE_ERRORS})
@atomic
def line_update(
    request: HttpRequest,
    slug: str,
    case_id: UUID,
    version_id: UUID,
    alternative_id: UUID,
    line_id: UUID,
    payload: LineUpdateIn,
) -> Any:
    """Only the fields given are changed; amounts not used by the distribution are cleared."""
    access = _access(request, slug)
    line = _line(access, case_id, version_id, alternative_id, line_id, for_change=True)
    check_version(line, payload.version)
    fields = _fields(access, Line, payload.dict(exclude_unset=True))
    return services.line_update(line=line, **fields)


@router.delete(LINE, response={204: None, **WRITE_ERRORS})
def line_delete(
    request: HttpRequest,
    slug: str,
    case_id: UUID,
    version_id: UUID,
    alternative_id: UUID,
    line_id: UUID,
) -> Any:
    access = _access(request, slug)
    line = _line(access, case_id, version_id, alternative_id, line_id, for_change=True)
    services.line_delete(line=line)
    return Status(204, None)
