"""The governance API's actions and refusals: a project instantiated from a template,
checklist ticks, decisions passing gates and approving milestones, publishing a status report
(read-only afterwards), financing computed with a key, filters, stale edits (409), and bad
input (422 with the message, nothing written)."""

# ruff: noqa: F811 - the tests take the fixtures imported from tests/test_api_governance.py

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import World
from samla.api.api import api as ninja_api
from samla.core.locking import EditConflict
from samla.governance import services
from samla.governance.models import Gate, Milestone, StatusReport
from tests.test_api_governance import (  # noqa: F401 - gov, shared_data and world: fixtures
    Gov,
    P,
    gov,
    governance_rows,
    shared_data,
    world,
)
from tests.test_api_organisations import call, token_for
from tests.test_governance_services import fill_report


def as_(world: World, persona: str, method: str, path: str, body: Any = None) -> Any:
    return call(token_for(world, persona), method, path, body)


def refused(world: World, method: str, path: str, body: Any, field: str | None = None) -> str:
    """The request (as admin) answers 422, writes nothing; returns the message."""
    before = governance_rows()
    response = as_(world, "admin", method, path, body)
    assert response.status_code == 422, response.content
    assert governance_rows() == before
    if field is not None:
        errors = response.json().get("errors") or {}
        assert field in errors or field in json.dumps(response.json()), response.json()
    return json.dumps(response.json(), ensure_ascii=False)


# --- Instantiating a template ------------------------------------------------------------------


def test_a_project_made_from_a_template_gets_its_phases_gates_and_milestones(
    world: World, gov: Gov
) -> None:
    body = {
        "name": "Ny portal",
        "start": "2026-03-02",
        "end": "2027-03-01",
        "phase_model": str(gov.phase_model.uuid),
        "leader": str(world.editor_a.uuid),
        "organisations": [str(world.org_a.uuid)],
    }
    response = as_(world, "office", "POST", f"{P}/projects", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["phase_model"] == str(gov.phase_model.uuid)
    assert created["organisations"] == [str(world.org_a.uuid)]
    path = f"{P}/projects/{created['uuid']}"
    phases = as_(world, "viewer", "GET", f"{path}/phases").json()
    assert [p["name"] for p in phases] == list(
        gov.phase_model.phases.order_by("order").values_list("name", flat=True)
    )
    assert phases[0]["planned_start"] == "2026-03-02"
    assert phases[-1]["planned_end"] <= "2027-03-01"
    gates = as_(world, "viewer", "GET", f"{path}/gates").json()
    assert gates[0]["code"] == "BP1" and gates[0]["status"] == "open"
    checklist = as_(world, "viewer", "GET", f"{path}/gates/{gates[0]['uuid']}/checklist").json()
    assert any(item["mandatory"] for item in checklist)
    assert as_(world, "viewer", "GET", f"{path}/milestones").json()
    assert as_(world, "viewer", "GET", f"{path}/mandate").status_code == 200


# --- Gates and milestones are decided ----------------------------------------------------------


def test_ticking_the_checklist_and_a_decision_pass_the_gate(world: World, gov: Gov) -> None:
    gate = gov.project.gates.get(code="BP1")
    gate_path = f"{gov.project_path}/gates/{gate.uuid}"
    decision = {
        "body": str(gov.body.uuid),
        "decided_on": "2026-02-02",
        "title": "BP1 passeres",
        "text": "Vedtatt.",
        "gate": str(gate.uuid),
        "project": str(gov.project.uuid),
    }
    message = refused(world, "POST", f"{P}/decisions", decision, "gate")
    assert "obligatoriske sjekkpunkter er ikke utført" in message
    for item in gate.checklist.filter(mandatory=True):
        response = as_(world, "editor_a", "POST", f"{gate_path}/checklist/{item.uuid}/tick", {})
        assert response.status_code == 200
        assert response.json()["done"] is True
        assert response.json()["done_by"] == str(world.editor_a.uuid)
    response = as_(world, "office", "POST", f"{P}/decisions", decision)
    assert response.status_code == 201, response.content
    recorded = response.json()
    assert recorded["number"] == "SG 2/2026"
    assert recorded["recorded_by"] == str(world.office.uuid)
    passed = as_(world, "viewer", "GET", gate_path).json()
    assert (passed["status"], passed["decided_by"]) == ("passed", recorded["uuid"])
    # Passed once; its checklist is closed; the decision cannot be deleted.
    refused(world, "POST", f"{P}/decisions", {**decision, "title": "Igjen"}, "gate")
    item = gate.checklist.first()
    assert item is not None
    refused(world, "POST", f"{gate_path}/checklist/{item.uuid}/tick", {"done": False})
    refused(world, "DELETE", f"{P}/decisions/{recorded['uuid']}", None)
    # Undoing a tick works before the gate is passed.
    bp2 = gov.project.gates.get(code="BP2")
    item = bp2.checklist.first()
    assert item is not None
    path = f"{gov.project_path}/gates/{bp2.uuid}/checklist/{item.uuid}/tick"
    as_(world, "editor_a", "POST", path, {"done": True, "comment": "Ok"})
    undone = as_(world, "editor_a", "POST", path, {"done": False}).json()
    assert (undone["done"], undone["done_by"], undone["comment"]) == (False, None, "Ok")


def test_a_decision_approves_a_milestone(world: World, gov: Gov) -> None:
    milestone = gov.project.milestones.order_by("planned_date").first()
    assert milestone is not None
    decision = {
        "body": str(gov.body.uuid),
        "decided_on": "2026-02-02",
        "title": "Godkjent",
        "text": "Godkjent.",
        "milestone": str(milestone.uuid),
    }
    response = as_(world, "admin", "POST", f"{P}/decisions", decision)
    assert response.status_code == 201, response.content
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.APPROVED
    shown = as_(world, "viewer", "GET", f"{gov.project_path}/milestones/{milestone.uuid}").json()
    assert (shown["status"], shown["approved_by"]) == ("approved", response.json()["uuid"])
    refused(world, "POST", f"{P}/decisions", decision, "milestone")


def test_a_body_is_made_the_approver_and_only_its_decisions_pass(world: World, gov: Gov) -> None:
    path = f"{gov.project_path}/approvers"
    other = services.body_create(
        collaboration=world.alfa, kind="management", name="Rådmannsutvalget", abbreviation="RU"
    )
    body = {"kind": "portfolio_board", "body": str(other.uuid)}
    assert as_(world, "editor_a", "POST", path, body).status_code == 403
    response = as_(world, "office", "POST", path, body)
    assert response.status_code == 200, response.content
    assert response.json()["changed"] > 0
    gate = gov.project.gates.get(code="BP1")
    gate.refresh_from_db()
    assert gate.approver_body == other
    for item in gate.checklist.filter(mandatory=True):
        services.checklist_item_set_done(item=item, done=True, user=world.office)
    decision = {
        "body": str(gov.body.uuid),
        "decided_on": "2026-02-02",
        "title": "BP1",
        "text": "Vedtatt.",
        "gate": str(gate.uuid),
    }
    message = refused(world, "POST", f"{P}/decisions", decision, "body")
    assert "BP1 godkjennes av Rådmannsutvalget, ikke av Styringsgruppen" in message
    decision["body"] = str(other.uuid)
    assert as_(world, "admin", "POST", f"{P}/decisions", decision).status_code == 201


def test_a_gate_of_another_collaboration_is_refused(world: World, gov: Gov) -> None:
    beta_model = services.phase_model_install(collaboration=world.beta, key="ehandel")
    beta = services.project_create(
        collaboration=world.beta, name="B", start=gov.project.start, phase_model=beta_model
    )
    gate = beta.gates.first()
    assert gate is not None
    decision = {
        "body": str(gov.body.uuid),
        "decided_on": "2026-02-02",
        "title": "Kapret",
        "text": "Nei.",
        "gate": str(gate.uuid),
    }
    assert "Finnes ikke i samarbeidet" in refused(world, "POST", f"{P}/decisions", decision, "gate")
    assert Gate.objects.get(pk=gate.pk).status == Gate.Status.OPEN


# --- Status reports ----------------------------------------------------------------------------


def test_a_published_status_report_is_read_only(world: World, gov: Gov) -> None:
    report = f"{gov.project_path}/status-reports/{gov.draft.uuid}"
    fill_report(gov.draft)
    patched = as_(world, "editor_a", "PATCH", report, {"summary": "Alt går bra", "risk": "yellow"})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["summary"], patched.json()["risk"]) == ("Alt går bra", "yellow")
    published = as_(world, "editor_a", "POST", f"{report}/publish")
    assert published.status_code == 200, published.content
    body = published.json()
    assert body["state"] == "published"
    assert body["published_by"] == str(world.editor_a.uuid)
    assert body["previous"] == str(gov.published.uuid)
    assert body["snapshot"] is not None
    project = as_(world, "viewer", "GET", gov.project_path).json()
    assert project["latest_status_report"] == str(gov.draft.uuid)
    message = refused(world, "PATCH", report, {"summary": "Endret i ettertid"})
    assert "Rapporten er publisert og kan ikke endres" in message
    refused(world, "POST", f"{report}/publish", None)
    refused(world, "DELETE", report, None)
    line = gov.draft.cost_lines.get()
    refused(world, "PATCH", f"{report}/cost-lines/{line.uuid}", {"spent": "5.00"})
    refused(
        world,
        "POST",
        f"{report}/cost-lines",
        {"name": "Ny", "budget": "1", "spent": "0", "forecast": "1"},
    )
    assert StatusReport.objects.get(pk=gov.draft.pk).summary == "Alt går bra"


def test_one_status_report_a_month(world: World, gov: Gov) -> None:
    path = f"{gov.project_path}/status-reports"
    message = refused(world, "POST", path, {"period": "2026-02-14"}, "period")
    assert "har allerede en statusrapport" in message
    created = as_(world, "editor_a", "POST", path, {"period": "2026-04-20"})
    assert created.status_code == 201
    assert created.json()["period"] == "2026-04-01"
    assert created.json()["state"] == "draft"


# --- Mandate -----------------------------------------------------------------------------------


def test_financing_is_computed_with_a_key(world: World, gov: Gov) -> None:
    path = f"{gov.project_path}/mandate/financing/compute"
    response = as_(world, "editor_a", "POST", path, {"amount": "400000"})
    assert response.status_code == 200, response.content
    computed = [row for row in response.json() if row["computed"]]
    # By population: 10 000 and 30 000.
    assert sorted(row["amount"] for row in computed) == ["100000.00", "300000.00"]
    refused(world, "POST", path, {"key": "00000000-0000-0000-0000-000000000000"}, "key")


# --- Filters -----------------------------------------------------------------------------------


def test_lists_filter(world: World, gov: Gov) -> None:
    assert len(as_(world, "viewer", "GET", f"{P}/decisions?year=2026").json()) == 1
    assert as_(world, "viewer", "GET", f"{P}/decisions?year=2025").json() == []
    body = as_(world, "viewer", "GET", f"{P}/decisions?body={gov.body.uuid}").json()
    assert [d["title"] for d in body] == ["Oppstart"]
    log = f"{gov.project_path}/log-entries"
    assert len(as_(world, "viewer", "GET", f"{log}?kind=concern").json()) == 1
    assert as_(world, "viewer", "GET", f"{log}?kind=lesson").json() == []
    projects = as_(world, "viewer", "GET", f"{P}/projects?programme={gov.programme.uuid}").json()
    assert [p["name"] for p in projects] == ["Felles arkiv"]
    risks = as_(world, "viewer", "GET", f"{gov.project_path}/risks?status=closed").json()
    assert risks == []


# --- Stale edits -------------------------------------------------------------------------------


def test_a_patch_with_the_current_version_goes_through(world: World, gov: Gov) -> None:
    path = f"{gov.project_path}/risks/{gov.risk.uuid}"
    version = as_(world, "viewer", "GET", path).json()["version"]
    response = as_(world, "editor_a", "PATCH", path, {"impact": 5, "version": version})
    assert response.status_code == 200, response.content
    assert response.json()["impact"] == 5
    if hasattr(gov.risk, "version"):
        assert response.json()["version"] == version + 1


def test_a_stale_patch_is_a_conflict(world: World, gov: Gov) -> None:
    if not hasattr(gov.risk, "version") or EditConflict not in ninja_api._exception_handlers:
        pytest.skip("versions or the API's 409 handler are not there yet")
    path = f"{gov.project_path}/risks/{gov.risk.uuid}"
    version = as_(world, "viewer", "GET", path).json()["version"]
    assert (
        as_(world, "editor_a", "PATCH", path, {"impact": 5, "version": version}).status_code == 200
    )
    before = governance_rows()
    stale = as_(world, "office", "PATCH", path, {"impact": 1, "version": version})
    assert stale.status_code == 409
    assert governance_rows() == before


# --- Bad input ---------------------------------------------------------------------------------


def test_bad_input_is_refused_with_a_message_and_writes_nothing(world: World, gov: Gov) -> None:
    project = gov.project_path
    end_first = {"name": "X", "start": "2026-05-01", "end": "2026-04-01"}
    assert "Sluttdatoen kan ikke være før startdatoen" in refused(
        world, "POST", f"{P}/projects", end_first, "end"
    )
    assert "Finnes ikke i samarbeidet" in refused(
        world, "PATCH", project, {"leader": str(world.outsider.uuid)}, "leader"
    )
    refused(world, "PATCH", project, {"organisations": [str(world.org_c.uuid)]}, "organisations")
    refused(world, "PATCH", project, {"start": None}, "start")
    refused(world, "PATCH", project, {"start": "i morgen"})
    refused(world, "PATCH", project, {"status": "unknown"})
    refused(world, "POST", f"{P}/projects", {"start": "2026-05-01"})  # no name
    assert "fra 1 til 5" in refused(
        world, "PATCH", f"{project}/risks/{gov.risk.uuid}", {"probability": 7}, "probability"
    )
    cycle = {"predecessor": str(gov.second.uuid), "successor": str(gov.activity.uuid)}
    assert "sirkel" in refused(world, "POST", f"{project}/dependencies", cycle, "successor")
    refused(world, "POST", f"{P}/phase-models/install", {"key": "finnes-ikke"})
    refused(
        world,
        "POST",
        f"{project}/activities",
        {"name": "Baklengs", "start": "2026-03-01", "end": "2026-02-01"},
        "end",
    )
    refused(world, "DELETE", f"{P}/bodies/{gov.body.uuid}", None)  # it has decisions
    refused(world, "DELETE", project, None)  # it has decisions and a published report
    refused(world, "PATCH", f"{P}/bodies/{gov.body.uuid}", {"abbreviation": "NY"}, "abbreviation")
