"""Enums written out in the OpenAPI document where they are used.

django-ninja files every enum under ``components/schemas`` by its class name and keeps only
the last of two with the same name: five different ``Kind`` enums (of collaborations,
organisations, questions, case lines and ICT costs) became one, and clients were told that
a collaboration's kind is a case line's kind. An enum that shares its name with another is
given inline instead, through ``enum_schema`` (``tests/test_api_schema_names.py`` fails on
a new clash)."""

from __future__ import annotations

from enum import Enum
from typing import Any


def enum_schema(choices: type[Enum], title: str) -> dict[str, Any]:
    """The JSON schema of ``choices``, inline: ``Annotated[X, WithJsonSchema(...)]``."""
    return {"type": "string", "enum": [member.value for member in choices], "title": title}
