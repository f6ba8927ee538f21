"""The governance API: phase models, programmes, projects and everything that belongs to
them, with the same access helpers and services as the pages. Each module holds one area;
``samla.governance.api_common`` holds the machinery they share."""

from __future__ import annotations

from ninja import Router

from samla.governance import api_mandates, api_meetings, api_plans, api_projects, api_risks

router = Router(tags=["governance"])
for area in (api_projects, api_mandates, api_meetings, api_risks, api_plans):
    router.add_router("", area.router)
