"""Helpers shared by every app's services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def apply_fields(obj: Any, fields: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    """Set ``fields`` on ``obj``; a name outside ``allowed`` is a programming error."""
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"{type(obj).__name__} has no editable field {name!r}")
        setattr(obj, name, value)
