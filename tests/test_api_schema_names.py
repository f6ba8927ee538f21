"""Every schema and enum the API names in ``components/schemas`` is one class.

django-ninja files them by class name and keeps the last of two with the same name, so a
clash silently gives one of them the other's definition (five ``Kind`` enums once became
the case lines' kinds, and a collaboration of kind "merger" broke its own schema)."""

from __future__ import annotations

import enum
import typing
from collections import defaultdict
from typing import Any

from pydantic import BaseModel, WithJsonSchema

from samla.api.api import api
from samla.organisations.models import Collaboration, Organisation


def named_types() -> dict[str, set[str]]:
    """Component name → the classes of that name reachable from every operation, except
    enums that are written out inline (``Annotated[..., WithJsonSchema(...)]``)."""
    found: dict[str, set[str]] = defaultdict(set)
    seen: set[Any] = set()

    def walk(annotation: Any) -> None:
        if typing.get_origin(annotation) is typing.Annotated:
            if any(isinstance(m, WithJsonSchema) for m in annotation.__metadata__):
                return
            walk(typing.get_args(annotation)[0])
            return
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            found[annotation.__name__].add(f"{annotation.__module__}.{annotation.__qualname__}")
            return
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in seen:
                return
            seen.add(annotation)
            if not annotation.__name__.startswith(("PathParams", "QueryParams", "BodyParams")):
                found[annotation.__name__].add(f"{annotation.__module__}.{annotation.__qualname__}")
            for info in annotation.model_fields.values():
                walk(info.rebuild_annotation())
            return
        for argument in typing.get_args(annotation):
            walk(argument)

    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    walk(model)
                for response in (operation.response_models or {}).values():
                    if response is not None:
                        walk(response)
    return found


def test_no_two_schemas_or_enums_share_a_component_name() -> None:
    clashes = {name: sorted(classes) for name, classes in named_types().items() if len(classes) > 1}
    assert not clashes, (
        "Different classes with the same name in the OpenAPI document (only the last is kept; "
        "rename one, or write an enum out with samla.api.enums.enum_schema):\n  "
        + "\n  ".join(f"{name}: {classes}" for name, classes in sorted(clashes.items()))
    )


def test_kinds_are_their_own() -> None:
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]

    def kind_enum(component: str) -> list[str]:
        node = components[component]["properties"]["kind"]
        return node["enum"]

    assert kind_enum("CollaborationDetailOut") == list(Collaboration.Kind.values)
    assert kind_enum("OrganisationOut") == list(Organisation.Kind.values)
    assert "merger" in kind_enum("CollaborationDetailOut")
