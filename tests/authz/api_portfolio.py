"""Authorisation matrix entries (API operations, keyed by (method, OpenAPI path)) for one
module; merged into ``tests.authz.api.OPERATIONS`` and ``BODIES``.

The portfolio (samla/portfolio/access.py): everyone in alfa reads; managers change all.
Alfa's ``proposal`` is sponsored by A and still «innmeldt», so A's editor may change it
(fields, costs, what it requires) and submit new ones for A; B's editor may not. Status,
scores and starting a project are the managers'."""

from __future__ import annotations

from typing import Any

from tests.authz.rules import ALFA, MANAGERS

C = "/api/v1/collaborations/{slug}"
P = f"{C}/portfolio"
PROPOSAL = f"{P}/proposals/{{proposal_id}}"
POT_YEAR = f"{P}/pot/{{pot_year_id}}"
SCENARIO = f"{P}/scenarios/{{scenario_id}}"
SPONSOR_A = MANAGERS | {"editor_a"}


def _crud(
    collection: str,
    item: str,
    *,
    create: frozenset[str] = MANAGERS,
    change: frozenset[str] = MANAGERS,
) -> dict[tuple[str, str], frozenset[str]]:
    return {
        ("GET", f"{P}/{collection}"): ALFA,
        ("POST", f"{P}/{collection}"): create,
        ("GET", f"{P}/{collection}/{{{item}}}"): ALFA,
        ("PATCH", f"{P}/{collection}/{{{item}}}"): change,
        ("DELETE", f"{P}/{collection}/{{{item}}}"): change,
    }


OPERATIONS: dict[tuple[str, str], frozenset[str]] = {
    **_crud("criteria", "criterion_id"),
    ("PUT", f"{P}/criteria/weights"): MANAGERS,
    ("POST", f"{P}/criteria/ahp"): MANAGERS,
    **_crud("proposals", "proposal_id", create=SPONSOR_A, change=SPONSOR_A),
    ("POST", f"{PROPOSAL}/status"): MANAGERS,
    ("PUT", f"{PROPOSAL}/requires"): SPONSOR_A,
    ("PUT", f"{PROPOSAL}/costs"): SPONSOR_A,
    ("PUT", f"{PROPOSAL}/scores/{{criterion_id}}"): MANAGERS,
    ("POST", f"{PROPOSAL}/start-project"): MANAGERS,
    **_crud("groups", "proposal_group_id"),
    **_crud("pot", "pot_year_id"),
    ("PUT", f"{POT_YEAR}/contributions/{{organisation_id}}"): MANAGERS,
    ("POST", f"{POT_YEAR}/contributions/compute"): MANAGERS,
    **_crud("scenarios", "scenario_id"),
    ("POST", f"{SCENARIO}/run"): MANAGERS,
    ("GET", f"{SCENARIO}/frontier"): ALFA,  # a calculation, nothing saved
    ("POST", f"{SCENARIO}/decision"): MANAGERS,
}

# Bodies the generator cannot guess, by (method, path): objects → JSON body.
# Bodies without references are given here too: the cross-collaboration test would otherwise
# send them "with beta's objects" (a thing without a uuid — a cost, a score, a contribution —
# makes every body look like one) and expect a refusal.
BODIES: dict[tuple[str, str], Any] = {
    ("POST", f"{P}/criteria"): lambda o: {"name": "Matrise"},
    ("POST", f"{POT_YEAR}/contributions/compute"): lambda o: {"total": "900000"},
    # A's editor may submit for A (``organisation``), B's may not.
    ("POST", f"{P}/proposals"): lambda o: {
        "title": "Matrise",
        "sponsor": str(o["organisation"].uuid),
    },
    ("POST", f"{PROPOSAL}/status"): lambda o: {"status": "assessed"},
    ("PUT", f"{PROPOSAL}/requires"): lambda o: {"requires": [str(o["other_proposal"].uuid)]},
    ("PUT", f"{PROPOSAL}/costs"): lambda o: {
        "costs": [{"year": 2027, "amount": 150000, "hours": 100}, {"year": 2028, "amount": 50000}]
    },
    ("POST", f"{P}/criteria/ahp"): lambda o: {
        "comparisons": [
            {"first": str(o["criterion"].uuid), "second": str(o["criterion"].uuid), "value": 1}
        ],
        "apply": True,
    },
    ("POST", f"{P}/groups"): lambda o: {
        "kind": "inclusion",
        "name": "Matrise",
        "members": [str(o["proposal"].uuid), str(o["other_proposal"].uuid)],
    },
    ("POST", f"{P}/pot"): lambda o: {"year": 2031, "capacity_hours": 1000},
    ("POST", f"{P}/scenarios"): lambda o: {
        "name": "Matrise",
        "first_year": 2027,
        "years": 2,
        "forced_in": [str(o["proposal"].uuid)],
    },
}
