"""Authorisation matrix entries (pages, keyed by URL name) for one part of a module; merged
into ``tests.authz.pages.PAGES``. Vocabulary in ``tests.authz.rules``.

Benefit maps, realisation plans, plan against actual and the dashboard: everyone in the
collaboration reads; maps are changed by managers only (samla/benefits/access.py)."""

from __future__ import annotations

from tests.authz.rules import MANAGERS, Page, action, form, read

PAGES: dict[str, Page | list[Page]] = {
    # dashboard, plans and plan against actual
    "benefits:dashboard": read(),
    "benefits:plan_list": read(),
    "benefits:project_plan_docx": read(),
    "benefits:project_plan_xlsx": read(),
    "benefits:organisation_plan_docx": read(),
    "benefits:organisation_plan_xlsx": read(),
    "benefits:benefit_plan_vs_actual": read(),
    # benefit maps
    "benefits:map_list": read(),
    "benefits:map_detail": read(),
    "benefits:map_create": form(MANAGERS),
    "benefits:map_edit": form(MANAGERS),
    "benefits:map_delete": action(MANAGERS),
    "benefits:map_node_create": form(MANAGERS),
    "benefits:map_node_edit": form(MANAGERS),
    "benefits:map_node_delete": action(MANAGERS),
    "benefits:map_link_create": form(MANAGERS),
    "benefits:map_link_delete": action(MANAGERS),
}
