"""Placeholder: filled in by the module's own commit."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["surveys"])
