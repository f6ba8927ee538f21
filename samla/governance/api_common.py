"""The machinery every governance API module shares: resources, schemas built from the
models' fields, references by uuid, and the list/get/create/patch/delete endpoints.

A ``Resource`` says where one kind of object lives (its item path, e.g.
``/collaborations/{slug}/projects/{project_id}/risks/{risk_id}``), which access helper of
``samla.governance.access`` fetches it, and the attribute leading to its parent; fetching
an object also checks that every parent in the path is its own (404 otherwise). ``crud``
adds the endpoints; what may be written, and by whom, is in the create/update/delete
functions each module gives it, which call the same access checks and services as the pages.

Objects are referred to by uuid, in and out. Input: a uuid names an object of the
collaboration (422 when there is none); ``null`` empties a text field and clears an
optional reference. PATCH changes only the fields given; with ``version`` it refuses a
stale edit (409, ``samla.core.locking``).
"""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Optional
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import create_model

from samla.api.versioning import CURRENT, EDITED
from samla.cases.models import BusinessCase, CaseVersion
from samla.core.locking import check_version
from samla.governance.models import (
    Activity,
    AgendaItem,
    BodyMember,
    Gate,
    Meeting,
    Milestone,
    PhaseModelPhase,
    ProjectPhase,
    Stakeholder,
)
from samla.landscape.models import SystemCategory, TargetChoice
from samla.organisations.access import CollaborationAccess, access_collaboration
from samla.organisations.api import READ_ERRORS, WRITE_ERRORS, DecimalString
from samla.organisations.models import CostSharingKey, Organisation, User

COLLABORATION = "/collaborations/{slug}"
SMALL = 32767  # PositiveSmallIntegerField's upper bound
LARGE = 2147483647  # PositiveIntegerField's

Ids = dict[str, UUID]
Fields = dict[str, Any]


def collaboration_access(request: HttpRequest, slug: str) -> CollaborationAccess:
    user: User = request.auth  # type: ignore[attr-defined]
    return access_collaboration(user, slug)


# --- Resources ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """One kind of object and where it lives.

    ``path`` is the item's path; ``param`` its path parameter (None for a singleton such as
    a project's mandate, found from its parent's); ``parent_field`` the attribute (``__``
    between steps) from the object to the parent resource's object."""

    name: str
    model: type[models.Model]
    path: str
    fetch: Callable[..., Any]
    param: str | None
    parent: Resource | None = None
    parent_field: str = ""
    collection: str = ""

    def get(self, access: CollaborationAccess, ids: Ids, *, for_change: bool = False) -> Any:
        """The object named by the path, with the right asked for; 404 when a parent in the
        path is not its own."""
        key = ids[self.param] if self.param else ids
        obj = self.fetch(access, key, for_change=for_change)
        self.check_parents(obj, ids)
        return obj

    def check_parents(self, obj: Any, ids: Ids) -> None:
        resource: Resource | None = self
        while resource is not None and resource.parent is not None:
            for step in resource.parent_field.split("__"):
                obj = getattr(obj, step, None)
                if obj is None:
                    raise Http404
            resource = resource.parent
            if resource.param is not None and obj.uuid != ids[resource.param]:
                raise Http404

    def params(self) -> list[str]:
        """The path parameters naming this object and its parents, outermost first."""
        names: list[str] = []
        resource: Resource | None = self
        while resource is not None:
            if resource.param is not None:
                names.insert(0, resource.param)
            resource = resource.parent
        return names


def child(
    parent: Resource | None,
    name: str,
    model: type[models.Model],
    segment: str,
    fetch: Callable[..., Any],
    parent_field: str = "",
    param: str | None = "",
) -> Resource:
    """A resource at ``<parent's path>/<segment>/{uuid:<name>_id}`` (``param=None``: at
    ``<parent's path>/<segment>``, a singleton)."""
    base = parent.path if parent is not None else COLLABORATION
    collection = f"{base}/{segment}"
    if param is None:
        return Resource(name, model, collection, fetch, None, parent, parent_field)
    param = param or f"{name}_id"
    return Resource(
        name,
        model,
        f"{collection}/{{uuid:{param}}}",
        fetch,
        param,
        parent,
        parent_field,
        collection,
    )


# --- References --------------------------------------------------------------------------------

# How an object referred to by uuid is found in the collaboration.
SCOPES: dict[type[models.Model], str] = {
    User: "roles__collaboration",
    Organisation: "memberships__collaboration",
    PhaseModelPhase: "phase_model__collaboration",
    ProjectPhase: "project__collaboration",
    Gate: "project__collaboration",
    Milestone: "project__collaboration",
    Activity: "project__collaboration",
    Stakeholder: "project__collaboration",
    Meeting: "body__collaboration",
    BodyMember: "body__collaboration",
    AgendaItem: "meeting__body__collaboration",
    CaseVersion: "case__collaboration",
}
for _model in (SystemCategory, TargetChoice, BusinessCase, CostSharingKey):
    SCOPES.setdefault(_model, "collaboration")


def _missing(name: str, value: Any) -> ValidationError:
    return ValidationError({name: _("Finnes ikke i samarbeidet: %(uuids)s.") % {"uuids": value}})


def find(access: CollaborationAccess, model: type[models.Model], uuid: UUID, name: str) -> Any:
    """The object ``uuid`` of ``model`` in the collaboration; 422 for field ``name`` if none."""
    scope = SCOPES.get(model, "collaboration")
    found = model._default_manager.filter(uuid=uuid, **{scope: access.collaboration}).first()
    if found is None:
        raise _missing(name, uuid)
    return found


def find_all(
    access: CollaborationAccess, model: type[models.Model], uuids: Iterable[UUID], name: str
) -> list[Any]:
    return [find(access, model, uuid, name) for uuid in dict.fromkeys(uuids)]


def resolve(access: CollaborationAccess, model: type[models.Model], given: Fields) -> Fields:
    """The service's keyword arguments from the input's fields: uuids become the objects of
    the collaboration; ``null`` empties a text field, clears an optional one and is refused
    for the others."""
    fields: Fields = {}
    for name, value in given.items():
        model_field = model._meta.get_field(name)
        related: Any = model_field.related_model
        if value is None:
            if isinstance(model_field, models.CharField | models.TextField):
                value = ""
            elif model_field.many_to_many:
                value = []
            elif not model_field.null:
                raise ValidationError({name: _("Feltet kan ikke være tomt.")})
        elif model_field.many_to_many:
            value = find_all(access, related, value, name)
        elif model_field.is_relation:
            value = find(access, related, value, name)
        fields[name] = value
    return fields


# --- Schemas -----------------------------------------------------------------------------------


def _choices(model_field: Any) -> Any:
    values = tuple(value for value, _label in model_field.choices)
    if model_field.blank and "" not in values:
        values = (*values, "")
    return Literal[values]  # type: ignore[valid-type]


def _input_type(model_field: Any) -> tuple[Any, dict[str, Any]]:
    """The input's type and its constraints."""
    if model_field.many_to_many:
        return list[UUID], {}
    if model_field.is_relation:
        return UUID, {}
    if model_field.choices:
        return _choices(model_field), {}
    if isinstance(model_field, models.BooleanField):
        return bool, {}
    if isinstance(model_field, models.DecimalField):
        return Decimal, {
            "max_digits": model_field.max_digits,
            "decimal_places": model_field.decimal_places,
        }
    if isinstance(model_field, models.PositiveSmallIntegerField):
        return int, {"ge": 0, "le": SMALL}
    if isinstance(model_field, models.PositiveIntegerField):
        return int, {"ge": 0, "le": LARGE}
    if isinstance(model_field, models.IntegerField):
        return int, {}
    if isinstance(model_field, models.DateTimeField):
        return datetime.datetime, {}
    if isinstance(model_field, models.DateField):
        return datetime.date, {}
    if isinstance(model_field, models.CharField | models.TextField):
        limit = model_field.max_length
        return str, ({"max_length": limit} if limit else {})
    if isinstance(model_field, models.JSONField):
        return Any, {}
    raise TypeError(f"No API type for {model_field!r}")


def _output_type(model_field: Any) -> Any:
    if model_field.many_to_many:
        return list[UUID]
    if model_field.is_relation:
        return Optional[UUID]  # noqa: UP045 - a runtime type for create_model
    kind: Any = _input_type(model_field)[0]
    if kind is Decimal:
        kind = DecimalString
    elif model_field.choices:
        kind = str
    return Optional[kind] if model_field.null else kind  # noqa: UP045


def _description(model_field: Any) -> str | None:
    if model_field.choices:
        return "One of " + ", ".join(repr(value) for value, _label in model_field.choices) + "."
    if model_field.many_to_many:
        return f"The uuids of {model_field.related_model.__name__} objects."
    if model_field.is_relation:
        return f"A {model_field.related_model.__name__}'s uuid."
    return None


def _required(model_field: Any) -> bool:
    return not (
        model_field.blank
        or model_field.null
        or model_field.has_default()
        or model_field.many_to_many
    )


def input_schema(
    name: str,
    model: type[models.Model],
    names: Iterable[str],
    *,
    partial: bool = False,
    optional: Iterable[str] = (),
    required: Iterable[str] = (),
    extra: dict[str, Any] | None = None,
) -> type[Schema]:
    """A request body with the model's fields ``names``: those the model requires are required
    (unless ``partial``, for a PATCH, which also takes the ``version`` edited)."""
    optional, required = set(optional), set(required)
    fields: dict[str, Any] = {}
    for field_name in names:
        model_field = model._meta.get_field(field_name)
        kind, constraints = _input_type(model_field)
        description = _description(model_field)
        must = not partial and (field_name in required or _required(model_field))
        if must and field_name not in optional:
            fields[field_name] = (kind, Field(..., description=description, **constraints))
        else:
            fields[field_name] = (
                Optional[kind],  # noqa: UP045
                Field(None, description=description, **constraints),
            )
    fields.update(extra or {})
    if partial:
        fields["version"] = (
            Optional[int],  # noqa: UP045
            Field(None, ge=1, description=EDITED),
        )
    return create_model(name, __base__=Schema, **fields)


@dataclass
class Shape:
    """An object's output: its uuid, the model's fields ``names`` (references as uuids),
    ``extras`` computed from the object, and ``version``."""

    name: str
    model: type[models.Model]
    names: tuple[str, ...]
    extras: dict[str, tuple[Any, Callable[[Any], Any]]] = field(default_factory=dict)
    schema: type[Schema] = field(init=False)

    def __post_init__(self) -> None:
        fields: dict[str, Any] = {"uuid": (UUID, ...)}
        for field_name in self.names:
            model_field = self.model._meta.get_field(field_name)
            fields[field_name] = (
                _output_type(model_field),
                Field(..., description=_description(model_field)),
            )
        for extra_name, (kind, _get) in self.extras.items():
            fields[extra_name] = (kind, ...)
        fields["version"] = (int, Field(1, description=CURRENT))
        self.schema = create_model(self.name, __base__=Schema, **fields)

    def dump(self, obj: Any) -> dict[str, Any]:
        data: dict[str, Any] = {"uuid": obj.uuid}
        for field_name in self.names:
            model_field = self.model._meta.get_field(field_name)
            if model_field.many_to_many:
                data[field_name] = [related.uuid for related in getattr(obj, field_name).all()]
            elif model_field.is_relation:
                related = getattr(obj, field_name)
                data[field_name] = related.uuid if related is not None else None
            else:
                data[field_name] = getattr(obj, field_name)
        for extra_name, (_kind, get) in self.extras.items():
            data[extra_name] = get(obj)
        data["version"] = getattr(obj, "version", 1)
        return data

    def dump_all(self, objects: Iterable[Any]) -> list[dict[str, Any]]:
        return [self.dump(obj) for obj in objects]


# --- Endpoints ---------------------------------------------------------------------------------

Create = Callable[[CollaborationAccess, Any, Fields], Any]
Update = Callable[[CollaborationAccess, Any, Fields], Any]
Delete = Callable[[CollaborationAccess, Any], None]
Listing = Callable[[CollaborationAccess, Any, Fields], Iterable[Any]]

_KIND = inspect.Parameter.POSITIONAL_OR_KEYWORD


def _signature(resource: Resource, *, item: bool, extra: Iterable[inspect.Parameter] = ()) -> Any:
    params = resource.params() if item else (resource.parent.params() if resource.parent else [])
    return inspect.Signature(
        [
            inspect.Parameter("request", _KIND, annotation=HttpRequest),
            inspect.Parameter("slug", _KIND, annotation=str),
            *(inspect.Parameter(name, _KIND, annotation=UUID) for name in params),
            *extra,
        ]
    )


def _ids(kwargs: dict[str, Any]) -> Ids:
    """The path's uuids (every path parameter but the slug ends in ``_id``; filters do not)."""
    return {name: value for name, value in kwargs.items() if name.endswith("_id")}


def _view(function: Callable[..., Any], name: str, signature: Any, doc: str) -> Callable[..., Any]:
    function.__name__ = name
    function.__qualname__ = name
    function.__module__ = "samla.governance.api"
    function.__doc__ = doc
    function.__signature__ = signature  # type: ignore[attr-defined]
    return function


def parent_of(access: CollaborationAccess, resource: Resource, ids: Ids) -> Any:
    """The object a collection belongs to (the collaboration's access at the top)."""
    return resource.parent.get(access, ids) if resource.parent is not None else access


def crud(
    router: Router,
    resource: Resource,
    shape: Shape,
    *,
    listing: Listing | None = None,
    filters: dict[str, Any] | None = None,
    create: Create | None = None,
    may_create: Callable[[CollaborationAccess, Any], None] | None = None,
    create_in: type[Schema] | None = None,
    update: Update | None = None,
    update_in: type[Schema] | None = None,
    delete: Delete | None = None,
    may_change: Callable[[CollaborationAccess, Any], None] | None = None,
    text: dict[str, str] | None = None,
) -> None:
    """The endpoints of ``resource``: GET collection (``listing``: the objects of the parent,
    with the query parameters ``filters``), POST collection (``create``, after
    ``may_create(access, parent)`` checked the right to add), GET item, PATCH item
    (``update``), DELETE item (``delete``). Objects are fetched with their access helper;
    PATCH and DELETE ask for the change right (and ``may_change(access, obj)`` when given),
    403 without it; whatever a service refuses answers 422 with its message."""
    text = text or {}
    name = resource.name
    out = shape.schema
    model = resource.model

    if listing is not None:
        filter_params = [
            inspect.Parameter(key, _KIND, annotation=Optional[kind], default=None)  # noqa: UP045
            for key, kind in (filters or {}).items()
        ]

        def list_view(request: HttpRequest, slug: str, **kwargs: Any) -> Any:
            access = collaboration_access(request, slug)
            parent = parent_of(access, resource, _ids(kwargs))
            given = {key: kwargs.get(key) for key in filters or {}}
            return shape.dump_all(listing(access, parent, given))

        router.get(resource.collection, response={200: list[out], **READ_ERRORS})(  # type: ignore[valid-type]
            _view(
                list_view,
                f"{name}_list",
                _signature(resource, item=False, extra=filter_params),
                text.get("list", ""),
            )
        )

    if create is not None:
        assert create_in is not None
        payload = inspect.Parameter("payload", _KIND, annotation=create_in)

        def create_view(request: HttpRequest, slug: str, payload: Schema, **kwargs: Any) -> Any:
            access = collaboration_access(request, slug)
            ids = _ids(kwargs)
            parent = parent_of(access, resource, ids)
            if may_create is not None:
                may_create(access, parent)
            fields = resolve(access, model, payload.dict(exclude_unset=True))
            obj = create(access, parent, fields)
            if resource.param is not None:
                ids[resource.param] = obj.uuid
            return Status(201, shape.dump(resource.get(access, ids)))

        router.post(resource.collection, response={201: out, **WRITE_ERRORS})(
            _view(
                create_view,
                f"{name}_create",
                _signature(resource, item=False, extra=[payload]),
                text.get("create", ""),
            )
        )

    def _for_change(access: CollaborationAccess, ids: Ids) -> Any:
        obj = resource.get(access, ids, for_change=True)
        if may_change is not None:
            may_change(access, obj)
        return obj

    def detail_view(request: HttpRequest, slug: str, **kwargs: Any) -> Any:
        access = collaboration_access(request, slug)
        return shape.dump(resource.get(access, _ids(kwargs)))

    router.get(resource.path, response={200: out, **READ_ERRORS})(
        _view(
            detail_view, f"{name}_detail", _signature(resource, item=True), text.get("detail", "")
        )
    )

    if update is not None:
        assert update_in is not None
        payload = inspect.Parameter("payload", _KIND, annotation=update_in)

        def update_view(request: HttpRequest, slug: str, payload: Schema, **kwargs: Any) -> Any:
            access = collaboration_access(request, slug)
            ids = _ids(kwargs)
            obj = _for_change(access, ids)
            given = payload.dict(exclude_unset=True)
            version = given.pop("version", None)
            fields = resolve(access, model, given)
            with transaction.atomic():
                check_version(obj, version)
                update(access, obj, fields)
            return shape.dump(resource.get(access, ids))

        router.patch(resource.path, response={200: out, **WRITE_ERRORS})(
            _view(
                update_view,
                f"{name}_update",
                _signature(resource, item=True, extra=[payload]),
                text.get("update", "Only the fields given are changed."),
            )
        )

    if delete is not None:

        def delete_view(request: HttpRequest, slug: str, **kwargs: Any) -> Any:
            access = collaboration_access(request, slug)
            delete(access, _for_change(access, _ids(kwargs)))
            return Status(204, None)

        router.delete(resource.path, response={204: None, **WRITE_ERRORS})(
            _view(
                delete_view,
                f"{name}_delete",
                _signature(resource, item=True),
                text.get("delete", ""),
            )
        )
