"""The benefits API: the benefit register, indicators with their trajectory and
intermediate targets, measurements, and benefit maps, with the same access helpers and
services as the pages. Each module holds one area; ``samla.benefits.api_common`` holds what
they share."""

from __future__ import annotations

from ninja import Router

from samla.benefits import api_maps, api_register
from samla.benefits.api_common import own_module

router = Router(tags=["benefits"])
for area in (api_register, api_maps):
    own_module(area.router, "samla.benefits.api")
    router.add_router("", area.router)
