"""The portfolio API: the same access helpers and services as the pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["portfolio"])
