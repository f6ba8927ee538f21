"""The portfolio API: criteria and weights (directly or by AHP), proposals with their value,
costs, scores and dependencies, groups, the investment pot and selection scenarios, with the
same access helpers and services as the pages. Each module holds one area;
``samla.portfolio.api_common`` says where each kind of object lives."""

from __future__ import annotations

from ninja import Router

from samla.portfolio import api_criteria, api_pot, api_proposals, api_scenarios
from samla.portfolio.api_common import own_operations

router = Router(tags=["portfolio"])
for area in (api_criteria, api_proposals, api_pot, api_scenarios):
    own_operations(area.router, "samla.portfolio.api")
    router.add_router("", area.router)
