"""Authorisation matrix entries (pages, keyed by URL name) for one part of a module; merged
into ``tests.authz.pages.PAGES``. Vocabulary in ``tests.authz.rules``.

The investment pot and the scenarios (samla/portfolio/views/pot.py, scenarios.py): everyone
in the collaboration reads, downloads the memo and workbook, and draws the frontier;
managers change the pot, create, change, run and delete scenarios and record the board's
decision."""

from __future__ import annotations

from tests.authz.rules import MANAGERS, Page, action, form, read

PAGES: dict[str, Page | list[Page]] = {
    "portfolio:pot": read(),
    "portfolio:pot_year_create": form(MANAGERS),
    "portfolio:pot_year_edit": form(MANAGERS),
    "portfolio:pot_year_compute": form(MANAGERS),
    "portfolio:pot_year_delete": action(MANAGERS),
    "portfolio:scenario_list": read(),
    "portfolio:scenario_create": form(MANAGERS),
    "portfolio:scenario_compare": read(),
    "portfolio:scenario_detail": read(),
    "portfolio:scenario_edit": form(MANAGERS),
    "portfolio:scenario_delete": action(MANAGERS),
    "portfolio:scenario_run": action(MANAGERS),
    "portfolio:scenario_frontier": read(),
    "portfolio:scenario_decision": form(MANAGERS),
    "portfolio:scenario_docx": read(),
    "portfolio:scenario_xlsx": read(),
}
