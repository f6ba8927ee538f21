"""Authorisation matrix entries (API operations, keyed by (method, OpenAPI path)) for one
module; merged into ``tests.authz.api.OPERATIONS`` and ``BODIES``."""

from __future__ import annotations

from typing import Any

C = "/api/v1/collaborations/{slug}"

OPERATIONS: dict[tuple[str, str], frozenset[str]] = {}

# Bodies the generator cannot guess, by (method, path): objects → JSON body.
BODIES: dict[tuple[str, str], Any] = {}
