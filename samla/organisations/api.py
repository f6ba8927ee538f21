"""API resources for collaborations, organisations, memberships and cost-sharing keys."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["organisations"])
