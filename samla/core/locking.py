"""No lost updates: every editable object carries a ``version`` that goes up by one on each
save. An edit form carries the version it was opened at (hidden field ``_version``); the save
first locks the row and compares, so of two people editing the same object the second gets a
conflict instead of silently overwriting the first. The API does the same with a ``version``
field in the request body and answers 409.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

VERSION_FIELD = "_version"


class VersionedBase(models.Model):
    """What every versioned model shares; the counter lives in the field ``version_field``.

    Use ``Versioned`` (the field is ``version``). A model where ``version`` already means
    something else (a product's release, an alternative's case version) uses
    ``RowVersioned`` (the field is ``row_version``). Code that works on any of them reads
    ``obj.edit_version``."""

    version_field: ClassVar[str] = "version"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            setattr(self, self.version_field, self.edit_version + 1)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, self.version_field}
        super().save(*args, **kwargs)

    @property
    def edit_version(self) -> int:
        return int(getattr(self, self.version_field) or 0)


class Versioned(VersionedBase):
    """Abstract base: ``version`` starts at 1 and every save of an existing row adds one."""

    version = models.PositiveIntegerField(_("versjonsnummer"), default=1, editable=False)

    class Meta:
        abstract = True


class RowVersioned(VersionedBase):
    """As ``Versioned``, for models that already have a field called ``version``."""

    version_field: ClassVar[str] = "row_version"
    row_version = models.PositiveIntegerField(_("versjonsnummer"), default=1, editable=False)

    class Meta:
        abstract = True


def version_field_name(obj: models.Model | type[models.Model]) -> str | None:
    """The name of the version counter of ``obj`` (an instance or a model), None if it has none."""
    model = obj if isinstance(obj, type) else type(obj)
    return model.version_field if issubclass(model, VersionedBase) else None


class EditConflict(Exception):
    """Someone saved the object after the editor opened it."""

    def __init__(self, obj: models.Model, submitted: int, current: int) -> None:
        super().__init__(
            f"{type(obj).__name__} {obj.pk}: edited from version {submitted}, now {current}"
        )
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
    field = version_field_name(obj)
    if submitted is None or field is None:
        return
    current = (
        type(obj)
        # Ordered by pk only: a Meta.ordering through a nullable relation would join it,
        # and PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
        ._base_manager.select_for_update(of=("self",))
        .filter(pk=obj.pk)
        .order_by("pk")
        .values_list(field, flat=True)
        .first()
    )
    if current is not None and current != submitted:
        raise EditConflict(obj, submitted, current)


@contextmanager
def checked(request: HttpRequest, obj: models.Model) -> Iterator[None]:
    """``with checked(request, obj): save…`` — one transaction that first refuses a stale edit
    (the version in the posted form), then runs the save."""
    with transaction.atomic():
        check_version(obj, submitted_version(request))
        yield
