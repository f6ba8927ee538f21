"""Authorisation matrix entries (API operations, keyed by (method, OpenAPI path)) for one
module; merged into ``tests.authz.api.OPERATIONS`` and ``BODIES``.

Benefits (samla/benefits/access.py): alfa's benefit is owned by B's editor and accrues to A,
so the benefit and its indicators are changed by managers and B's editor; measurements are
entered by them and by A's editor (for A); benefit maps are the managers'."""

from __future__ import annotations

from typing import Any

from tests.authz.rules import ALFA, MANAGERS

C = "/api/v1/collaborations/{slug}"
CHANGE = MANAGERS | {"editor_b"}
MEASURE = CHANGE | {"editor_a"}
BENEFIT = f"{C}/benefits/{{benefit_id}}"
INDICATOR = f"{C}/indicators/{{indicator_id}}"
MAP = f"{C}/benefit-maps/{{benefit_map_id}}"

OPERATIONS: dict[tuple[str, str], frozenset[str]] = {
    ("GET", f"{C}/benefits"): ALFA,
    ("POST", f"{C}/benefits"): MANAGERS,
    ("GET", BENEFIT): ALFA,
    ("PATCH", BENEFIT): CHANGE,
    ("DELETE", BENEFIT): MANAGERS,
    ("GET", f"{BENEFIT}/plan-vs-actual"): ALFA,
    ("GET", f"{BENEFIT}/indicators"): ALFA,
    ("POST", f"{BENEFIT}/indicators"): CHANGE,
    ("GET", INDICATOR): ALFA,
    ("PATCH", INDICATOR): CHANGE,
    ("DELETE", INDICATOR): CHANGE,
    ("PUT", f"{INDICATOR}/targets/{{date}}"): CHANGE,
    ("DELETE", f"{INDICATOR}/targets/{{date}}"): CHANGE,
    ("GET", f"{INDICATOR}/measurements"): ALFA,
    ("POST", f"{INDICATOR}/measurements"): MEASURE,
    ("GET", f"{C}/measurements/{{measurement_id}}"): ALFA,
    ("PATCH", f"{C}/measurements/{{measurement_id}}"): MEASURE,
    ("DELETE", f"{C}/measurements/{{measurement_id}}"): MEASURE,
    ("GET", f"{C}/benefit-maps"): ALFA,
    ("POST", f"{C}/benefit-maps"): MANAGERS,
    ("GET", MAP): ALFA,
    ("PATCH", MAP): MANAGERS,
    ("DELETE", MAP): MANAGERS,
    ("GET", f"{MAP}/nodes"): ALFA,
    ("POST", f"{MAP}/nodes"): MANAGERS,
    ("GET", f"{MAP}/nodes/{{map_node_id}}"): ALFA,
    ("PATCH", f"{MAP}/nodes/{{map_node_id}}"): MANAGERS,
    ("DELETE", f"{MAP}/nodes/{{map_node_id}}"): MANAGERS,
    ("GET", f"{MAP}/links"): ALFA,
    ("POST", f"{MAP}/links"): MANAGERS,
    ("GET", f"{MAP}/links/{{map_link_id}}"): ALFA,
    ("DELETE", f"{MAP}/links/{{map_link_id}}"): MANAGERS,
}

# Bodies the generator cannot guess, by (method, path): objects → JSON body.
BODIES: dict[tuple[str, str], Any] = {
    # With an owner, so that an allowed call registers the benefit (the schema leaves the
    # owner out for the service to refuse in words).
    ("POST", f"{C}/benefits"): lambda o: {
        "title": "Matrise",
        "benefit_class": "budget",
        "owner": str(o["benefit"].owner.uuid),
    },
    # A target that differs from the baseline and comes after it.
    ("POST", f"{BENEFIT}/indicators"): lambda o: {
        "name": "Matrise",
        "unit": "count",
        "baseline_value": "0",
        "baseline_date": "2026-01-01",
        "target_value": "10",
        "target_date": "2027-01-01",
    },
    # The existing link the other way round.
    ("POST", f"{MAP}/links"): lambda o: {
        "source": str(o["map_link"].target.uuid),
        "target": str(o["map_link"].source.uuid),
    },
}
