"""The API half of the authorisation matrix, keyed by (method, OpenAPI path).

The value says which personas may call the operation. Every operation of
``/api/v1/openapi.json`` must be here, or the test fails and names it. Writes are sent
with the smallest body the schema accepts (``minimal_body``), filled with alfa's objects —
so an editor's right to add an installation or a user group is tried for organisation A.
"""

from __future__ import annotations

from typing import Any

from tests.authz import api_benefits, api_portfolio
from tests.authz.objects import Objects
from tests.authz.rules import ALFA, LOGGED_IN, MANAGERS

A_EDITORS = MANAGERS | {"editor_a"}
ANY_EDITOR = MANAGERS | {"editor_a", "editor_b"}
C = "/api/v1/collaborations/{slug}"


def crud(
    collection: str,
    item: str,
    *,
    read: frozenset[str] = ALFA,
    create: frozenset[str] = MANAGERS,
    change: frozenset[str] = MANAGERS,
    delete: bool = True,
) -> dict[tuple[str, str], frozenset[str]]:
    table = {
        ("GET", f"{C}/{collection}"): read,
        ("POST", f"{C}/{collection}"): create,
        ("GET", f"{C}/{collection}/{{{item}}}"): read,
        ("PATCH", f"{C}/{collection}/{{{item}}}"): change,
    }
    if delete:
        table[("DELETE", f"{C}/{collection}/{{{item}}}")] = change
    return table


# Governance (samla/governance/access.py): alfa's project concerns A only and is led by B's
# editor; A's editor may add risks and log entries, and wrote the log entry.
LEAD = MANAGERS | {"editor_b"}
CONTRIBUTORS = LEAD | {"editor_a"}
PM = "phase-models/{phase_model_id}"
PROJECT = "projects/{project_id}"
BODY = "bodies/{body_id}"
MANDATE = f"{PROJECT}/mandate"
REPORT = f"{PROJECT}/status-reports/{{report_id}}"

Q = "questionnaires/{questionnaire_id}"
CAMPAIGN = "campaigns/{campaign_id}"
VERSION = "cases/{case_id}/versions/{version_id}"
ALTERNATIVE = f"{VERSION}/alternatives/{{alternative_id}}"

OPERATIONS: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/api/v1/collaborations"): LOGGED_IN,  # each sees their own
    ("GET", C): ALFA,
    # --- organisations ------------------------------------------------------------------
    ("GET", f"{C}/organisations"): ALFA,
    ("POST", f"{C}/organisations"): MANAGERS,
    ("GET", f"{C}/organisations/{{organisation_id}}"): ALFA,
    ("PATCH", f"{C}/organisations/{{organisation_id}}"): A_EDITORS,
    ("GET", f"{C}/memberships"): ALFA,
    ("POST", f"{C}/memberships"): MANAGERS,
    ("PATCH", f"{C}/memberships/{{membership_id}}"): MANAGERS,
    ("DELETE", f"{C}/memberships/{{membership_id}}"): MANAGERS,
    **crud("cost-sharing-keys", "key_id"),
    ("POST", f"{C}/cost-sharing-keys/{{key_id}}/split"): ALFA,  # a calculation
    # --- landscape ----------------------------------------------------------------------
    **crud("service-areas", "area_id"),
    **crud("categories", "category_id"),
    **crud("vendors", "vendor_id", create=ANY_EDITOR),
    **crud("products", "product_id", create=ANY_EDITOR),
    **crud("installations", "installation_id", create=A_EDITORS, change=A_EDITORS),
    **crud("contracts", "contract_id", create=A_EDITORS, change=A_EDITORS),
    **crud("ict-costs", "cost_id", create=A_EDITORS, change=A_EDITORS),
    **crud("target-choices", "choice_id"),
    ("GET", f"{C}/landscape/harmonisation"): ALFA,
    ("GET", f"{C}/landscape/consolidation"): ALFA,
    ("GET", f"{C}/landscape/contract-timeline"): ALFA,
    ("GET", f"{C}/landscape/ict-costs"): ALFA,
    ("GET", f"{C}/landscape/target-portfolio"): ALFA,
    ("GET", f"{C}/landscape/exit-plan"): ALFA,
    # --- surveys ------------------------------------------------------------------------
    **crud("questionnaires", "questionnaire_id"),
    ("POST", f"{C}/{Q}/copy"): MANAGERS,
    **crud(f"{Q}/sections", "section_id"),
    **crud(f"{Q}/questions", "question_id"),
    ("POST", f"{C}/{Q}/questions/{{question_id}}/move"): MANAGERS,
    **crud("campaigns", "campaign_id"),
    ("POST", f"{C}/{CAMPAIGN}/launch"): MANAGERS,
    ("POST", f"{C}/{CAMPAIGN}/close"): MANAGERS,
    ("POST", f"{C}/{CAMPAIGN}/remind"): MANAGERS,
    ("GET", f"{C}/{CAMPAIGN}/tracking"): ALFA,
    ("GET", f"{C}/{CAMPAIGN}/results"): ALFA,
    **crud(f"{CAMPAIGN}/user-groups", "group_id", create=A_EDITORS, change=A_EDITORS),
    ("POST", f"{C}/{CAMPAIGN}/user-groups/{{group_id}}/open-link"): A_EDITORS,
    ("POST", f"{C}/{CAMPAIGN}/user-groups/{{group_id}}/invitations"): A_EDITORS,
    ("GET", f"{C}/categories/{{category_id}}/comparison"): ALFA,
    # --- business cases -----------------------------------------------------------------
    **crud("cases", "case_id"),
    ("POST", f"{C}/cases/import"): MANAGERS,
    ("GET", f"{C}/cases/{{case_id}}/versions"): ALFA,
    ("GET", f"{C}/{VERSION}"): ALFA,
    ("PATCH", f"{C}/{VERSION}"): MANAGERS,
    ("POST", f"{C}/{VERSION}/freeze"): MANAGERS,
    ("POST", f"{C}/{VERSION}/new-version"): MANAGERS,
    ("GET", f"{C}/{VERSION}/results"): ALFA,
    ("GET", f"{C}/{VERSION}/document"): ALFA,
    **crud(f"{VERSION}/alternatives", "alternative_id"),
    **crud(f"{ALTERNATIVE}/lines", "line_id"),
    # --- governance ---------------------------------------------------------------------
    **crud("phase-models", "phase_model_id"),
    ("GET", f"{C}/phase-models/library"): ALFA,
    ("POST", f"{C}/phase-models/install"): MANAGERS,
    ("POST", f"{C}/{PM}/copy"): MANAGERS,
    **crud(f"{PM}/phases", "phase_id"),
    **crud(f"{PM}/gates", "gate_id"),
    **crud(f"{PM}/gates/{{gate_id}}/checklist", "item_id"),
    **crud(f"{PM}/milestones", "milestone_id"),
    **crud("programmes", "programme_id"),
    **crud("programmes/{programme_id}/risks", "risk_id"),
    **crud("projects", "project_id"),
    ("POST", f"{C}/{PROJECT}/approvers"): MANAGERS,
    **crud(f"{PROJECT}/phases", "phase_id", create=LEAD, change=LEAD),
    **crud(f"{PROJECT}/gates", "gate_id"),
    **crud(f"{PROJECT}/gates/{{gate_id}}/checklist", "item_id"),
    ("POST", f"{C}/{PROJECT}/gates/{{gate_id}}/checklist/{{item_id}}/tick"): LEAD,
    **crud(f"{PROJECT}/milestones", "milestone_id", create=LEAD, change=LEAD),
    ("GET", f"{C}/{MANDATE}"): ALFA,
    ("PATCH", f"{C}/{MANDATE}"): LEAD,
    **crud(f"{MANDATE}/sub-goals", "sub_goal_id", create=LEAD, change=LEAD),
    **crud(f"{MANDATE}/concepts", "concept_id", create=LEAD, change=LEAD),
    **crud(f"{MANDATE}/roles", "mandate_role_id", create=LEAD, change=LEAD),
    **crud(f"{MANDATE}/cost-lines", "cost_line_id", create=LEAD, change=LEAD),
    **crud(f"{MANDATE}/financing", "financing_id", create=LEAD, change=LEAD),
    ("POST", f"{C}/{MANDATE}/financing/compute"): LEAD,
    **crud(f"{MANDATE}/resources", "resource_line_id", create=LEAD, change=LEAD),
    **crud(f"{PROJECT}/activities", "activity_id", create=LEAD, change=LEAD),
    **crud(f"{PROJECT}/dependencies", "dependency_id", create=LEAD, change=LEAD),
    **crud(f"{PROJECT}/stakeholders", "stakeholder_id", create=LEAD, change=LEAD),
    **crud(f"{PROJECT}/communication-items", "item_id", create=LEAD, change=LEAD),
    **crud(f"{PROJECT}/risks", "risk_id", create=CONTRIBUTORS, change=LEAD),
    # the leader changes every entry, its author (A's editor) their own
    **crud(f"{PROJECT}/log-entries", "entry_id", create=CONTRIBUTORS, change=CONTRIBUTORS),
    **crud(f"{PROJECT}/status-reports", "report_id", create=LEAD, change=LEAD),
    ("POST", f"{C}/{REPORT}/publish"): LEAD,
    **crud(f"{REPORT}/cost-lines", "line_id", create=LEAD, change=LEAD),
    **crud("bodies", "body_id"),
    **crud(f"{BODY}/members", "member_id"),
    **crud(f"{BODY}/meetings", "meeting_id"),
    **crud(f"{BODY}/meetings/{{meeting_id}}/agenda-items", "item_id"),
    **crud("decisions", "decision_id"),
    **crud("action-items", "item_id"),
    **api_portfolio.OPERATIONS,
    **api_benefits.OPERATIONS,
}

# Bodies the generator cannot guess, by (method, path).
BODIES: dict[tuple[str, str], Any] = {
    ("POST", f"{C}/{PM}/gates"): lambda o: {
        "phase": str(o["template_phase"].uuid),
        "code": "BP9",
        "name": "Matrise",
        "approver": "Styringsgruppen",
    },
    ("POST", f"{C}/{PM}/milestones"): lambda o: {
        "phase": str(o["template_phase"].uuid),
        "name": "Matrise",
    },
    ("POST", f"{C}/{PROJECT}/dependencies"): lambda o: {
        "predecessor": str(o["next_activity"].uuid),
        "successor": str(o["last_activity"].uuid),
    },
    ("POST", f"{C}/{Q}/questions"): lambda o: {
        "section": str(o["section"].uuid),
        "kind": "text",
        "text": "Matrise",
    },
    **api_portfolio.BODIES,
    **api_benefits.BODIES,
}


def minimal_body(schema: dict[str, Any], components: dict[str, Any], objects: Objects) -> Any:
    """The smallest value the JSON schema accepts: required properties only; uuids name the
    object of the property's kind in ``objects``."""

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        if "allOf" in node and len(node["allOf"]) == 1:
            return resolve(node["allOf"][0])
        if "anyOf" in node:
            options = [o for o in node["anyOf"] if o.get("type") != "null"]
            return resolve(options[0])
        return node

    def uuid_for(name: str) -> str:
        for kind in (name, name.removesuffix("s"), name.removesuffix("_id")):
            if kind in objects.things:
                return str(objects[kind].uuid)  # type: ignore[attr-defined]
        raise LookupError(f"no object for the uuid property {name!r}: add a body to BODIES")

    def value(name: str, node: dict[str, Any]) -> Any:
        node = resolve(node)
        if "enum" in node:
            return node["enum"][0]
        kind = node.get("type")
        if kind == "object" or "properties" in node:
            required = node.get("required", [])
            return {
                key: value(key, sub)
                for key, sub in node.get("properties", {}).items()
                if key in required
            }
        if kind == "array":
            return [value(name, node.get("items", {}))]
        if kind == "integer":
            return max(node.get("minimum", 1), 1)
        if kind == "number":
            return max(node.get("minimum", 1), 1)
        if kind == "boolean":
            return False
        fmt = node.get("format")
        if fmt == "uuid":
            return uuid_for(name)
        if fmt == "date":
            return "2026-06-01"
        if fmt == "date-time":
            return "2026-06-01T12:00:00Z"
        if fmt == "email" or "email" in name:
            return "matrise@example.no"
        return "Matrise"

    return value("", schema)
