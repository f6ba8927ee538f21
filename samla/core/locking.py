"""No lost updates: every editable object carries a ``version`` that goes up by one on each
save. An edit form carries the version it was opened at (hidden field ``_version``); the save
first locks the row and compares, so of two people editing the same object the second gets a
conflict instead of silently overwriting the first. The API does the same with a ``version``
field in the request body and answers 409.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

VERSION_FIELD = "_version"


class Versioned(models.Model):
    """Abstract base: ``version`` starts at 1 and every save of an existing row adds one."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


class EditConflict(Exception):
    """Someone saved the object after the editor opened it."""

    def __init__(self, obj: models.Model, submitted: int, current: int) -> None:
        super().__init__(f"{type(obj).__name__} {obj.pk}: edited from version {submitted}, now {current}")
        self.obj = obj
        self.submitted = submitted
        self.current = current


def submitted_version(request: HttpRequest) -> int | None:
    """The version an edit form was opened at, or None when the form did not carry one."""
    raw = request.POST.get(VERSION_FIELD)
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def check_version(obj: models.Model, submitted: int | None) -> None:
    """Lock ``obj``'s row (call inside the saving transaction) and refuse a stale edit.

    ``submitted`` None means the client did not say which version it edited (an older API
    client): the save goes ahead, as before versions existed."""
    if submitted is None or not hasattr(obj, "version"):
        return
    current = (
        type(obj)._base_manager.select_for_update()
        .filter(pk=obj.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current is not None and current != submitted:
        raise EditConflict(obj, submitted, current)
