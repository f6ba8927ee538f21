"""API: a project's mandate (one per project, made with it) and its parts: sub-goals,
concepts, roles, cost lines, financing (entered, or computed with a cost-sharing key) and
resource lines. The project leader and managers change them; everyone else reads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from samla.governance import access as rights
from samla.governance import services
from samla.governance.api_common import (
    Resource,
    Shape,
    child,
    collaboration_access,
    crud,
    find,
    input_schema,
)
from samla.governance.api_projects import PROJECT
from samla.governance.models import (
    Concept,
    CostLine,
    Financing,
    Mandate,
    MandateRole,
    ResourceLine,
    SubGoal,
)
from samla.organisations.api import WRITE_ERRORS
from samla.organisations.models import CostSharingKey

router = Router()

MANDATE = child(
    PROJECT,
    "mandate",
    Mandate,
    "mandate",
    lambda access, ids, for_change: rights.access_mandate(
        access, ids["project_id"], for_change=for_change
    ),
    "project",
    param=None,
)
MANDATE_OUT = Shape("MandateOut", Mandate, (*services.MANDATE_FIELDS, "financing_key"))

crud(
    router,
    MANDATE,
    MANDATE_OUT,
    update=lambda _a, obj, f: services.mandate_update(mandate=obj, **f),
    update_in=input_schema("MandatePatch", Mandate, services.MANDATE_FIELDS, partial=True),
    text={"detail": "The project's mandate: its text sections; the parts are listed below it."},
)


def _lead(access: Any, mandate: Mandate) -> None:
    rights.require_project_lead(access, mandate.project)


def _part(
    name: str,
    model: type[Any],
    segment: str,
    fetch: Any,
    fields: tuple[str, ...],
    kwarg: str,
    *,
    optional: tuple[str, ...] = ("order",),
    out_extra: tuple[str, ...] = (),
) -> tuple[Resource, Shape]:
    """A part of the mandate: list, add, read, change and delete, by the services
    ``<name>_create(mandate=…)``, ``<name>_update(<kwarg>=…)`` and ``<name>_delete``."""
    resource = child(MANDATE, name, model, segment, fetch, "mandate")
    title = "".join(word.title() for word in name.split("_"))
    create_service = getattr(services, f"{name}_create")
    update_service = getattr(services, f"{name}_update")
    delete_service = getattr(services, f"{name}_delete")
    related = model._meta.get_field("mandate").remote_field.related_name
    shape = Shape(f"{title}Out", model, (*fields, *out_extra))
    crud(
        router,
        resource,
        shape,
        listing=lambda _a, mandate, _f: getattr(mandate, related).order_by("order", "pk"),
        may_create=_lead,
        create=lambda _a, mandate, f: create_service(mandate=mandate, **f),
        create_in=input_schema(f"{title}In", model, fields, optional=optional),
        update=lambda _a, obj, f: update_service(**{kwarg: obj}, **f),
        update_in=input_schema(f"{title}Patch", model, fields, partial=True),
        delete=lambda _a, obj: delete_service(**{kwarg: obj}),
    )
    return resource, shape


SUB_GOAL, _ = _part(
    "sub_goal", SubGoal, "sub-goals", rights.access_sub_goal, services.SUB_GOAL_FIELDS, "sub_goal"
)
CONCEPT, _ = _part(
    "concept", Concept, "concepts", rights.access_concept, services.CONCEPT_FIELDS, "concept"
)
MANDATE_ROLE, _ = _part(
    "mandate_role",
    MandateRole,
    "roles",
    rights.access_mandate_role,
    services.MANDATE_ROLE_FIELDS,
    "role",
)
COST_LINE, _ = _part(
    "cost_line",
    CostLine,
    "cost-lines",
    rights.access_cost_line,
    services.COST_LINE_FIELDS,
    "cost_line",
)
FINANCING, FINANCING_OUT = _part(
    "financing",
    Financing,
    "financing",
    rights.access_financing,
    services.FINANCING_FIELDS,
    "financing",
    out_extra=("computed",),
)
RESOURCE_LINE, _ = _part(
    "resource_line",
    ResourceLine,
    "resources",
    rights.access_resource_line,
    services.RESOURCE_FIELDS,
    "line",
)


class FinancingComputeIn(Schema):
    key: UUID | None = Field(None, description="A cost-sharing key's uuid; null: by population.")
    amount: Decimal | None = Field(
        None,
        ge=0,
        max_digits=14,
        decimal_places=2,
        description="The amount to split; null: the direct costs less the other sources.",
    )


@router.post(
    MANDATE.path + "/financing/compute",
    response={200: list[FINANCING_OUT.schema], **WRITE_ERRORS},  # type: ignore[name-defined]
)
def financing_compute(
    request: HttpRequest, slug: str, project_id: UUID, payload: FinancingComputeIn
) -> Any:
    """Replace the members' financing with their shares of the amount by the key, between
    the members the project concerns (all members when it names none)."""
    access = collaboration_access(request, slug)
    mandate = rights.access_mandate(access, project_id, for_change=True)
    key = find(access, CostSharingKey, payload.key, "key") if payload.key else None
    services.mandate_financing_compute(mandate=mandate, key=key, amount=payload.amount)
    return FINANCING_OUT.dump_all(
        mandate.financing.select_related("organisation").order_by("order", "pk")
    )
