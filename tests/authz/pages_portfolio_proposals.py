"""Authorisation matrix entries (pages, keyed by URL name) for one part of a module; merged
into ``tests.authz.pages.PAGES``. Vocabulary in ``tests.authz.rules``.

The portfolio's proposals, criteria (with AHP) and groups (samla/portfolio/access.py):
everyone in the collaboration reads; managers change everything; an editor submits for
their own organisation and changes its proposals while «innmeldt» — ``proposal`` is A's,
``other_proposal`` B's, both «innmeldt»."""

from __future__ import annotations

from tests.authz.rules import ALFA, MANAGERS, Page, action, form, read

A_EDITORS = MANAGERS | {"editor_a"}
B_EDITORS = MANAGERS | {"editor_b"}
SUBMITTERS = MANAGERS | {"editor_a", "editor_b"}
OTHER = {"proposal_id": "other_proposal"}
YEAR = {"year": "=2027"}

PAGES: dict[str, Page | list[Page]] = {
    "portfolio:overview": read(),
    "portfolio:proposal_xlsx": read(),
    "portfolio:proposal_create": form(SUBMITTERS),
    "portfolio:proposal_detail": read(),
    "portfolio:proposal_edit": [
        Page(A_EDITORS, A_EDITORS, {}, "A"),
        Page(B_EDITORS, B_EDITORS, OTHER, "B"),
    ],
    "portfolio:proposal_delete": [
        Page(None, A_EDITORS, {}, "A"),
        Page(None, B_EDITORS, OTHER, "B"),
    ],
    "portfolio:proposal_status": action(MANAGERS),
    "portfolio:proposal_requires": [
        Page(A_EDITORS, A_EDITORS, {}, "A"),
        Page(B_EDITORS, B_EDITORS, OTHER, "B"),
    ],
    "portfolio:proposal_cost_create": [
        Page(A_EDITORS, A_EDITORS, {}, "A"),
        Page(B_EDITORS, B_EDITORS, OTHER, "B"),
    ],
    "portfolio:proposal_cost_edit": form(A_EDITORS, **YEAR),
    "portfolio:proposal_cost_delete": action(A_EDITORS, **YEAR),
    # no business case is linked: the allowed get a message back on the proposal
    "portfolio:proposal_costs_from_case": action(A_EDITORS),
    "portfolio:proposal_scores": form(MANAGERS),
    # the proposal is «innmeldt»: managers are sent back to it with a message
    "portfolio:proposal_start_project": form(MANAGERS),
    "portfolio:group_list": read(),
    "portfolio:proposal_group_create": form(MANAGERS),
    "portfolio:proposal_group_edit": form(MANAGERS),
    "portfolio:proposal_group_delete": action(MANAGERS),
    # the weights form is the managers'; everyone reads the criteria
    "portfolio:criteria": form(MANAGERS, readers=ALFA),
    "portfolio:criterion_create": form(MANAGERS),
    "portfolio:criterion_edit": form(MANAGERS),
    "portfolio:criterion_delete": action(MANAGERS),
    # anyone may try comparisons (nothing is saved); applying the weights is the managers'
    "portfolio:ahp": Page(ALFA, ALFA),
}
