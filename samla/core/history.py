"""Readable change history for any model with django-simple-history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

TYPE_LABELS = {"+": _("Opprettet"), "~": _("Endret"), "-": _("Slettet")}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: Any
    action: str
    changes: list[FieldChange]


def _related_names(field: Any, rows: list[Any]) -> str:
    """A many-to-many change comes as the through table's rows (``[{"benefit": 1,
    "organisation": 4}]``); show the related objects' names instead."""
    key = field.m2m_reverse_field_name()
    ids = [row.get(key) for row in rows if isinstance(row, dict)]
    objects = field.related_model._default_manager.filter(pk__in=ids)
    return ", ".join(sorted(str(obj) for obj in objects))


def _display(model: type[models.Model], field_name: str, value: Any) -> Any:
    field: Any = model._meta.get_field(field_name)
    if field.many_to_many and isinstance(value, list):
        return _related_names(field, value)
    if field.choices and value is not None:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("ja") if value else _("nei")
    return "" if value is None else value


def history_of(obj: models.Model, limit: int = 50) -> list[HistoryEntry]:
    """Newest first: who changed what, and from what to what."""
    model = type(obj)
    history = obj.history  # type: ignore[attr-defined]
    records = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    # The version counter changes on every save; it is not a change anyone made.
    version = getattr(model, "version_field", None)
    excluded = [version] if version and hasattr(obj, "edit_version") else []
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes: list[FieldChange] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=excluded)
            for change in delta.changes:
                field: Any = model._meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        field=str(field.verbose_name),
                        old=_display(model, change.field, change.old),
                        new=_display(model, change.field, change.new),
                    )
                )
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=str(TYPE_LABELS.get(record.history_type, record.history_type)),
                changes=changes,
            )
        )
    return entries
