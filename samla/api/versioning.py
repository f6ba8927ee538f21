"""No lost updates in the API: a PATCH may say which ``version`` it edited, and every object
says which version it is at. A PATCH from an older version answers 409 and writes nothing
(see ``samla.core.locking``). The body field is ``row_version`` where ``version`` already
means something else (a product's release, an alternative's case version)."""

from __future__ import annotations

from ninja import Field, Schema

EDITED = "The version edited (from a GET); if the object has changed since, 409 and nothing is written."
CURRENT = "Goes up by one on every change; send it back in a PATCH to refuse lost updates."


class VersionIn(Schema):
    version: int | None = Field(None, ge=1, exclude=True, description=EDITED)


class RowVersionIn(Schema):
    row_version: int | None = Field(None, ge=1, exclude=True, description=EDITED)


class VersionOut(Schema):
    version: int = Field(..., description=CURRENT)


class RowVersionOut(Schema):
    row_version: int = Field(..., description=CURRENT)


class ConflictOut(Schema):
    detail: str
    current_version: int = Field(..., description="The version the object is at now.")
