"""The surveys API: questionnaires, campaigns with tracking, and aggregated results.
Respondents use their link, never the API."""

from __future__ import annotations

from ninja import Router

from samla.surveys import api_campaigns, api_questionnaires, api_results

router = Router(tags=["surveys"])
router.add_router("", api_questionnaires.router)
router.add_router("", api_campaigns.router)
router.add_router("", api_results.router)
