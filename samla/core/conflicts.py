"""The conflict page: what the user tried to save against what someone else saved first.

``EditConflictMiddleware`` (``samla.core.middleware``) turns an ``EditConflict`` raised by
``samla.core.locking.check_version`` into this page, answered with 409. Nothing of the
user's input is lost: every field they sent is shown beside the saved value, the differing
ones marked, and anything that could not be matched to a field is listed as sent.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _

from samla.core.locking import VERSION_FIELD, EditConflict, version_field_name

# Form fields that are machinery, never user input.
NOT_INPUT = {"csrfmiddlewaretoken", VERSION_FIELD}
MISSING = object()


@dataclass(frozen=True)
class FieldComparison:
    label: str
    mine: str
    saved: str
    differs: bool
    long: bool


@dataclass(frozen=True)
class Conflict:
    model_name: str
    object_label: str
    rows: list[FieldComparison]
    other_input: list[tuple[str, str]]
    saved_by: Any
    saved_at: datetime.datetime | None
    submitted_version: int
    current_version: int
    deleted: bool


def conflict_message() -> str:
    return _(
        "Noen andre har lagret endringer i dette objektet etter at du åpnet det. "
        "Åpne det på nytt og gjør endringene dine der."
    )


def _display(field: models.Field[Any, Any] | Any, value: Any) -> str:
    """A value as a person reads it: labels of choices, names of related objects."""
    if value is None or value == "":
        return ""
    if getattr(field, "many_to_many", False):
        return ", ".join(sorted(str(item) for item in value))
    if getattr(field, "choices", None) and not isinstance(value, models.Model):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Ja") if value else _("Nei")
    if isinstance(value, datetime.datetime | datetime.date | Decimal | float):
        return str(formats.localize(value))
    return str(value).replace("\r\n", "\n")


def _comparable(field: Any, value: Any) -> Any:
    if getattr(field, "many_to_many", False):
        return {getattr(item, "pk", item) for item in value or ()}
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if value is None:
        return ""
    return value


def _saved_value(field: Any, saved: models.Model) -> Any:
    if field.many_to_many:
        return list(getattr(saved, field.name).all())
    return getattr(saved, field.name)


def _memory_value(field: Any, obj: models.Model, saved: models.Model) -> Any:
    """The value the view put on the in-memory object, or MISSING when it left it alone
    (the object was read in this request, so any difference from the row is the user's)."""
    if field.many_to_many:
        return MISSING
    mine = getattr(obj, field.attname)
    return MISSING if mine == getattr(saved, field.attname) else getattr(obj, field.name)


def _posted_value(field: Any, request: HttpRequest) -> Any:
    """The posted value, cleaned by the model field's own form field when it can be."""
    if field.many_to_many:
        raw: Any = request.POST.getlist(field.name)
    else:
        raw = request.POST.get(field.name)
    try:
        form_field = field.formfield()
        if form_field is None:
            return raw
        value = form_field.clean(raw)
        if field.many_to_many:
            return list(value)
        return value
    except (ValidationError, TypeError, ValueError):
        return ", ".join(raw) if isinstance(raw, list) else raw


def compare(request: HttpRequest, conflict: EditConflict) -> Conflict:
    obj = conflict.obj
    model = type(obj)
    meta = model._meta
    saved = model._base_manager.filter(pk=obj.pk).first()
    version_name = version_field_name(model)
    rows: list[FieldComparison] = []
    matched: set[str] = set(NOT_INPUT)
    if saved is not None:
        fields: list[Any] = list(meta.get_fields())
        for field in fields:
            if not (getattr(field, "concrete", False) or getattr(field, "many_to_many", False)):
                continue
            if field.auto_created or not getattr(field, "editable", False):
                continue
            if getattr(field, "primary_key", False) or field.name == version_name:
                continue
            mine = _memory_value(field, obj, saved)
            if mine is MISSING:
                if field.name not in request.POST:
                    continue
                mine = _posted_value(field, request)
            matched.add(field.name)
            saved_value = _saved_value(field, saved)
            if isinstance(mine, str) and not isinstance(saved_value, str):
                differs = mine.strip() != _display(field, saved_value).strip()
            else:
                differs = _comparable(field, mine) != _comparable(field, saved_value)
            rows.append(
                FieldComparison(
                    label=str(field.verbose_name),
                    mine=_display(field, mine),
                    saved=_display(field, saved_value),
                    differs=differs,
                    long=isinstance(field, models.TextField),
                )
            )
    other_input = [
        (key, ", ".join(request.POST.getlist(key)))
        for key in request.POST
        if key not in matched and any(value.strip() for value in request.POST.getlist(key))
    ]
    saved_by, saved_at = None, None
    if saved is not None and hasattr(saved, "history"):
        last = saved.history.select_related("history_user").order_by("-history_date").first()
        if last is not None:
            saved_by, saved_at = last.history_user, last.history_date
    return Conflict(
        model_name=str(meta.verbose_name),
        object_label=str(saved if saved is not None else obj),
        rows=rows,
        other_input=other_input,
        saved_by=saved_by,
        saved_at=saved_at,
        submitted_version=conflict.submitted,
        current_version=conflict.current,
        deleted=saved is None,
    )


def conflict_response(request: HttpRequest, conflict: EditConflict) -> HttpResponse:
    """409: as JSON for the API, otherwise the conflict page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": conflict_message(), "current_version": conflict.current}, status=409
        )
    return render(
        request,
        "errors/conflict.html",
        {
            "conflict": compare(request, conflict),
            "message": conflict_message(),
            "reopen_url": request.path,
        },
        status=409,
    )
