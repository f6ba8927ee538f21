"""PATCH bodies: a field sent as ``null`` that the model cannot hold empty is refused with
422 (text fields that may be blank take it as empty text), instead of failing in the
database."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _


def changes(model: type[models.Model], payload: Any, **exclude: Any) -> dict[str, Any]:
    fields = payload.dict(exclude_unset=True, **exclude)
    errors: dict[str, list[str]] = {}
    for name, value in list(fields.items()):
        if value is not None:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if getattr(field, "null", True):
            continue
        if isinstance(field, models.CharField | models.TextField) and field.blank:
            fields[name] = ""
        else:
            errors[name] = [_("Feltet kan ikke være tomt.")]
    if errors:
        raise ValidationError(errors)
    return fields
