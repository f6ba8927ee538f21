"""The governance API: who may read and write what.

Every resource is read by every persona (anonymous 401, the outsider of beta 404, everyone in
alfa 200) and every write is tried by every persona: managers (admin, office) change
everything, the project's leader (editor_a) runs the project, editor_b (of an organisation
the project concerns) adds risks and log entries and changes the log entries they wrote,
the viewer reads. Refused writes answer 403 and write nothing.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction

from conftest import World, build_world
from samla.governance import services
from samla.governance.models import (
    Activity,
    Body,
    BodyMember,
    Decision,
    Dependency,
    LogEntry,
    Meeting,
    PhaseModel,
    Programme,
    Project,
    Risk,
    Stakeholder,
    StatusReport,
)
from tests.test_api_organisations import (
    EVERYONE_IN_ALFA,
    MANAGERS,
    PERSONAS,
    call,
    expected,
    token_for,
)
from tests.test_governance_services import START, fill_report

P = "/collaborations/alfa"
LEAD = MANAGERS | {"editor_a"}
CONTRIBUTORS = LEAD | {"editor_b"}


@dataclass
class Gov:
    phase_model: PhaseModel
    programme: Programme
    project: Project
    body: Body
    member: BodyMember
    meeting: Meeting
    decision: Decision
    risk: Risk
    programme_risk: Risk
    draft: StatusReport
    published: StatusReport
    activity: Activity
    second: Activity
    dependency: Dependency
    stakeholder: Stakeholder
    log_entry: LogEntry  # written by editor_b
    beta_project: Project

    @property
    def project_path(self) -> str:
        return f"{P}/projects/{self.project.uuid}"


def build_gov(world: World) -> Gov:
    model = services.phase_model_install(collaboration=world.alfa, key="prosjektveiviseren")
    programme = services.programme_create(collaboration=world.alfa, name="Digitalisering")
    project = services.project_create(
        collaboration=world.alfa,
        phase_model=model,
        programme=programme,
        name="Felles arkiv",
        start=START,
        leader=world.editor_a,
        organisations=[world.org_a, world.org_b],
    )
    body = services.body_create(
        collaboration=world.alfa, kind="steering_group", name="Styringsgruppen", abbreviation="SG"
    )
    member = services.body_member_create(body=body, user=world.office, organisation=world.org_a)
    meeting = services.meeting_create(
        body=body, title="Møte 1", starts_at=datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC)
    )
    services.agenda_item_create(meeting=meeting, title="Oppstart", project=project)
    decision = services.decision_record(
        body=body, decided_on=START, title="Oppstart", text="Prosjektet startes.", project=project
    )
    services.action_item_create(
        collaboration=world.alfa, text="Skriv mandat", project=project, meeting=meeting
    )
    risk = services.risk_create(project=project, title="Forsinkelse", probability=3, impact=4)
    programme_risk = services.risk_create(
        programme=programme, title="Budsjettkutt", probability=2, impact=5
    )
    services.sub_goal_create(mandate=project.mandate, text="Ett arkiv")
    services.concept_create(mandate=project.mandate, name="Nullalternativet", is_zero=True)
    services.mandate_role_create(mandate=project.mandate, kind="owner", user=world.office)
    services.cost_line_create(
        mandate=project.mandate, name="Prosjektledelse", year=2026, amount=Decimal("400000")
    )
    services.financing_create(mandate=project.mandate, source="Skjønnsmidler", amount=Decimal(1000))
    services.resource_line_create(
        mandate=project.mandate,
        forum="Styringsgruppen",
        persons=5,
        meetings=6,
        hours_per_meeting=Decimal(2),
    )
    published = services.status_report_create(project=project, period=datetime.date(2026, 1, 1))
    fill_report(published)
    published = services.status_report_publish(report=published, user=world.editor_a)
    draft = services.status_report_create(project=project, period=datetime.date(2026, 2, 1))
    activity = services.activity_create(
        project=project, name="Kartlegging", start=START, end=START + datetime.timedelta(days=20)
    )
    second = services.activity_create(
        project=project,
        name="Anskaffelse",
        start=START + datetime.timedelta(days=21),
        end=START + datetime.timedelta(days=60),
    )
    dependency = services.dependency_create(predecessor=activity, successor=second)
    stakeholder = services.stakeholder_create(project=project, name="Ansatte")
    services.communication_item_create(
        project=project,
        stakeholder=stakeholder,
        audience="Ansatte",
        message="Oppstart",
        channel="meeting",
    )
    log_entry = services.log_entry_create(
        project=project, author=world.editor_b, kind="concern", title="Lite kapasitet"
    )
    beta_project = services.project_create(collaboration=world.beta, name="Beta", start=START)
    return Gov(
        model,
        programme,
        project,
        body,
        member,
        meeting,
        decision,
        risk,
        programme_risk,
        draft,
        published,
        activity,
        second,
        dependency,
        stakeholder,
        log_entry,
        beta_project,
    )


@pytest.fixture(scope="module")
def shared_data(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[World, Gov]]:
    """Built once for the module in a transaction rolled back at the end; each test runs in
    a savepoint of its own and gets fresh copies (as in tests/test_api_cases.py)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        world = build_world()
        data = (world, build_gov(world))
    yield data
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(shared_data: tuple[World, Gov], db: None) -> World:
    return copy.deepcopy(shared_data[0])


@pytest.fixture
def gov(shared_data: tuple[World, Gov], world: World) -> Gov:
    return copy.deepcopy(shared_data[1])


def governance_rows() -> dict[str, int]:
    """How many rows of each governance model and of its history (every save writes one), to
    prove a refused request wrote nothing."""
    return {
        model.__name__: model._default_manager.count()
        for model in apps.get_app_config("governance").get_models()
    }


# --- Reading -----------------------------------------------------------------------------------


def read_paths(gov: Gov) -> dict[str, str]:
    project = gov.project_path
    gate = gov.project.gates.order_by("order").first()
    assert gate is not None
    item = gate.checklist.order_by("order").first()
    assert item is not None
    mandate = gov.project.mandate
    model = f"{P}/phase-models/{gov.phase_model.uuid}"
    template_gate = gov.phase_model.gates.first()
    assert template_gate is not None
    body = f"{P}/bodies/{gov.body.uuid}"
    meeting = f"{body}/meetings/{gov.meeting.uuid}"
    report = f"{project}/status-reports/{gov.draft.uuid}"
    paths = {
        "phase_models": f"{P}/phase-models",
        "library": f"{P}/phase-models/library",
        "phase_model": model,
        "template_phases": f"{model}/phases",
        "template_phase": f"{model}/phases/{gov.phase_model.phases.first().uuid}",  # type: ignore[union-attr]
        "template_gates": f"{model}/gates",
        "template_gate": f"{model}/gates/{template_gate.uuid}",
        "template_checklist": f"{model}/gates/{template_gate.uuid}/checklist",
        "template_milestones": f"{model}/milestones",
        "programmes": f"{P}/programmes",
        "programme": f"{P}/programmes/{gov.programme.uuid}",
        "programme_risks": f"{P}/programmes/{gov.programme.uuid}/risks",
        "programme_risk": f"{P}/programmes/{gov.programme.uuid}/risks/{gov.programme_risk.uuid}",
        "projects": f"{P}/projects",
        "project": project,
        "phases": f"{project}/phases",
        "phase": f"{project}/phases/{gov.project.phases.first().uuid}",  # type: ignore[union-attr]
        "gates": f"{project}/gates",
        "gate": f"{project}/gates/{gate.uuid}",
        "checklist": f"{project}/gates/{gate.uuid}/checklist",
        "checklist_item": f"{project}/gates/{gate.uuid}/checklist/{item.uuid}",
        "milestones": f"{project}/milestones",
        "milestone": f"{project}/milestones/{gov.project.milestones.first().uuid}",  # type: ignore[union-attr]
        "mandate": f"{project}/mandate",
        "bodies": f"{P}/bodies",
        "body": body,
        "members": f"{body}/members",
        "member": f"{body}/members/{gov.member.uuid}",
        "meetings": f"{body}/meetings",
        "meeting": meeting,
        "agenda_items": f"{meeting}/agenda-items",
        "agenda_item": f"{meeting}/agenda-items/{gov.meeting.agenda_items.get().uuid}",
        "decisions": f"{P}/decisions",
        "decision": f"{P}/decisions/{gov.decision.uuid}",
        "action_items": f"{P}/action-items",
        "action_item": f"{P}/action-items/{gov.decision.collaboration.action_items.get().uuid}",
        "risks": f"{project}/risks",
        "risk": f"{project}/risks/{gov.risk.uuid}",
        "status_reports": f"{project}/status-reports",
        "status_report": report,
        "cost_lines": f"{report}/cost-lines",
        "cost_line": f"{report}/cost-lines/{gov.draft.cost_lines.first().uuid}",  # type: ignore[union-attr]
        "activities": f"{project}/activities",
        "activity": f"{project}/activities/{gov.activity.uuid}",
        "dependencies": f"{project}/dependencies",
        "dependency": f"{project}/dependencies/{gov.dependency.uuid}",
        "stakeholders": f"{project}/stakeholders",
        "stakeholder": f"{project}/stakeholders/{gov.stakeholder.uuid}",
        "communication_items": f"{project}/communication-items",
        "communication_item": (
            f"{project}/communication-items/{gov.project.communication_items.get().uuid}"
        ),
        "log_entries": f"{project}/log-entries",
        "log_entry": f"{project}/log-entries/{gov.log_entry.uuid}",
    }
    for part, related in (
        ("sub-goals", mandate.sub_goals),
        ("concepts", mandate.concepts),
        ("roles", mandate.roles),
        ("cost-lines", mandate.cost_lines),
        ("financing", mandate.financing),
        ("resources", mandate.resources),
    ):
        paths[f"mandate_{part}"] = f"{project}/mandate/{part}"
        paths[f"mandate_{part}_item"] = f"{project}/mandate/{part}/{related.get().uuid}"
    return paths


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_in_the_collaboration_reads_everything(
    world: World, gov: Gov, persona: str
) -> None:
    token = token_for(world, persona)
    responses = {name: call(token, "GET", path) for name, path in read_paths(gov).items()}
    statuses = {name: response.status_code for name, response in responses.items()}
    assert set(statuses.values()) == {expected(persona, EVERYONE_IN_ALFA)}, statuses
    if persona not in EVERYONE_IN_ALFA:
        return
    project = responses["project"].json()
    assert project["name"] == "Felles arkiv"
    assert project["leader"] == str(world.editor_a.uuid)
    assert project["programme"] == str(gov.programme.uuid)
    assert sorted(project["organisations"]) == sorted(
        [str(world.org_a.uuid), str(world.org_b.uuid)]
    )
    assert project["latest_status_report"] == str(gov.published.uuid)
    assert project["version"] >= 1
    assert [p["name"] for p in responses["projects"].json()] == ["Felles arkiv"]
    assert [g["code"] for g in responses["gates"].json()][:2] == ["BP1", "BP2"]
    assert responses["decision"].json()["number"] == f"SG 1/{START.year}"
    risk = responses["risk"].json()
    assert (risk["number"], risk["score"], risk["level"]) == (1, 12, "medium")
    assert responses["mandate_cost-lines_item"].json()["amount"] == "400000.00"
    assert responses["status_reports"].json()[0]["state"] == "draft"
    assert responses["status_reports"].json()[1]["state"] == "published"
    assert responses["dependency"].json()["successor"] == str(gov.second.uuid)
    assert responses["log_entry"].json()["author"] == str(world.editor_b.uuid)
    library = {model["key"]: model["installed"] for model in responses["library"].json()}
    assert library["prosjektveiviseren"] is True
    assert library["ehandel"] is False


def test_another_collaborations_objects_are_404(world: World, gov: Gov) -> None:
    beta = f"/collaborations/beta/projects/{gov.project.uuid}"
    assert call(token_for(world, "outsider"), "GET", beta).status_code == 404
    alfa = f"{P}/projects/{gov.beta_project.uuid}"
    assert call(token_for(world, "admin"), "GET", alfa).status_code == 404
    assert call(token_for(world, "admin"), "PATCH", alfa, {"name": "Kapret"}).status_code == 404


def test_an_object_under_the_wrong_parent_is_404(world: World, gov: Gov) -> None:
    other = services.project_create(collaboration=world.alfa, name="Annet", start=START)
    token = token_for(world, "admin")
    wrong = f"{P}/projects/{other.uuid}/risks/{gov.risk.uuid}"
    assert call(token, "GET", wrong).status_code == 404
    wrong = f"{P}/programmes/{gov.programme.uuid}/risks/{gov.risk.uuid}"
    assert call(token, "GET", wrong).status_code == 404
    assert call(token, "GET", f"{P}/projects/{gov.project.uuid}/risks/nope").status_code == 404


# --- Writing -----------------------------------------------------------------------------------


def write_cases(
    world: World, gov: Gov
) -> list[tuple[str, str, str, dict[str, Any] | None, set[str], int]]:
    """(name, method, path, body, who may, success status)."""
    project = gov.project_path
    gate = gov.project.gates.get(code="BP1")
    item = gate.checklist.order_by("order").first()
    assert item is not None
    milestone = gov.project.milestones.order_by("planned_date").first()
    assert milestone is not None
    phase = gov.project.phases.order_by("order").first()
    assert phase is not None
    model = f"{P}/phase-models/{gov.phase_model.uuid}"
    body = f"{P}/bodies/{gov.body.uuid}"
    meeting = f"{body}/meetings/{gov.meeting.uuid}"
    report = f"{project}/status-reports/{gov.draft.uuid}"
    line = gov.draft.cost_lines.get()
    mandate = gov.project.mandate
    when = "2026-03-03T10:00:00+01:00"
    return [
        ("install", "POST", f"{P}/phase-models/install", {"key": "ehandel"}, MANAGERS, 201),
        ("model_create", "POST", f"{P}/phase-models", {"name": "Egen"}, MANAGERS, 201),
        ("model_patch", "PATCH", model, {"name": "Ny"}, MANAGERS, 200),
        ("model_copy", "POST", f"{model}/copy", {"name": "Kopi"}, MANAGERS, 201),
        ("model_delete", "DELETE", model, None, MANAGERS, 204),
        ("template_phase", "POST", f"{model}/phases", {"name": "Ekstra"}, MANAGERS, 201),
        ("programme_create", "POST", f"{P}/programmes", {"name": "Nytt"}, MANAGERS, 201),
        (
            "programme_patch",
            "PATCH",
            f"{P}/programmes/{gov.programme.uuid}",
            {"code": "D"},
            MANAGERS,
            200,
        ),
        (
            "project_create",
            "POST",
            f"{P}/projects",
            {"name": "Nytt", "start": "2026-05-04", "phase_model": str(gov.phase_model.uuid)},
            MANAGERS,
            201,
        ),
        ("project_patch", "PATCH", project, {"description": "Endret"}, MANAGERS, 200),
        ("phase_patch", "PATCH", f"{project}/phases/{phase.uuid}", {"description": "x"}, LEAD, 200),
        (
            "gate_patch",
            "PATCH",
            f"{project}/gates/{gate.uuid}",
            {"description": "x"},
            MANAGERS,
            200,
        ),
        (
            "checklist_create",
            "POST",
            f"{project}/gates/{gate.uuid}/checklist",
            {"text": "Nytt"},
            MANAGERS,
            201,
        ),
        (
            "checklist_patch",
            "PATCH",
            f"{project}/gates/{gate.uuid}/checklist/{item.uuid}",
            {"comment": "x"},
            MANAGERS,
            200,
        ),
        (
            "tick",
            "POST",
            f"{project}/gates/{gate.uuid}/checklist/{item.uuid}/tick",
            {"done": True},
            LEAD,
            200,
        ),
        (
            "milestone_patch",
            "PATCH",
            f"{project}/milestones/{milestone.uuid}",
            {"forecast_date": "2026-06-01"},
            LEAD,
            200,
        ),
        (
            "milestone_create",
            "POST",
            f"{project}/milestones",
            {"name": "Ekstra", "planned_date": "2026-06-01"},
            LEAD,
            201,
        ),
        ("mandate_patch", "PATCH", f"{project}/mandate", {"purpose": "Formål"}, LEAD, 200),
        ("sub_goal", "POST", f"{project}/mandate/sub-goals", {"text": "Mål"}, LEAD, 201),
        (
            "role_delete",
            "DELETE",
            f"{project}/mandate/roles/{mandate.roles.get().uuid}",
            None,
            LEAD,
            204,
        ),
        ("financing_compute", "POST", f"{project}/mandate/financing/compute", {}, LEAD, 200),
        (
            "body_create",
            "POST",
            f"{P}/bodies",
            {"kind": "project_board", "name": "Prosjektstyret", "abbreviation": "PS"},
            MANAGERS,
            201,
        ),
        ("member_create", "POST", f"{body}/members", {"name": "Ekstern"}, MANAGERS, 201),
        ("meeting_create", "POST", f"{body}/meetings", {"starts_at": when}, MANAGERS, 201),
        ("meeting_patch", "PATCH", meeting, {"present": [str(gov.member.uuid)]}, MANAGERS, 200),
        ("agenda_create", "POST", f"{meeting}/agenda-items", {"title": "Sak"}, MANAGERS, 201),
        (
            "decision_record",
            "POST",
            f"{P}/decisions",
            {"body": str(gov.body.uuid), "decided_on": "2026-02-02", "title": "T", "text": "V"},
            MANAGERS,
            201,
        ),
        (
            "decision_patch",
            "PATCH",
            f"{P}/decisions/{gov.decision.uuid}",
            {"title": "Rettet"},
            MANAGERS,
            200,
        ),
        ("action_create", "POST", f"{P}/action-items", {"text": "Gjør noe"}, MANAGERS, 201),
        (
            "risk_create",
            "POST",
            f"{project}/risks",
            {"title": "Ny", "probability": 2, "impact": 2},
            CONTRIBUTORS,
            201,
        ),
        ("risk_patch", "PATCH", f"{project}/risks/{gov.risk.uuid}", {"impact": 5}, LEAD, 200),
        (
            "programme_risk_create",
            "POST",
            f"{P}/programmes/{gov.programme.uuid}/risks",
            {"title": "Ny", "probability": 2, "impact": 2},
            MANAGERS,
            201,
        ),
        ("report_create", "POST", f"{project}/status-reports", {"period": "2026-03-01"}, LEAD, 201),
        ("report_patch", "PATCH", report, {"summary": "Bra"}, LEAD, 200),
        ("report_publish", "POST", f"{report}/publish", None, LEAD, 200),
        (
            "cost_line_patch",
            "PATCH",
            f"{report}/cost-lines/{line.uuid}",
            {"spent": "1000.00"},
            LEAD,
            200,
        ),
        (
            "activity_create",
            "POST",
            f"{project}/activities",
            {"name": "Ny", "start": "2026-02-01", "end": "2026-02-10"},
            LEAD,
            201,
        ),
        (
            "dependency_delete",
            "DELETE",
            f"{project}/dependencies/{gov.dependency.uuid}",
            None,
            LEAD,
            204,
        ),
        (
            "stakeholder_create",
            "POST",
            f"{project}/stakeholders",
            {"name": "Innbyggere"},
            LEAD,
            201,
        ),
        (
            "communication_create",
            "POST",
            f"{project}/communication-items",
            {"audience": "Alle", "message": "Info", "channel": "email"},
            LEAD,
            201,
        ),
        (
            "log_create",
            "POST",
            f"{project}/log-entries",
            {"kind": "comment", "title": "Notat"},
            CONTRIBUTORS,
            201,
        ),
        (
            "log_patch_own",
            "PATCH",
            f"{project}/log-entries/{gov.log_entry.uuid}",
            {"text": "Mer"},
            CONTRIBUTORS,
            200,
        ),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_write_what(world: World, gov: Gov, persona: str) -> None:
    token = token_for(world, persona)
    wrong = {}
    for name, method, path, body, allowed, success in write_cases(world, gov):
        want = expected(persona, allowed, success)
        before = governance_rows() if want >= 400 else None
        with transaction.atomic():
            response = call(token, method, path, body)
            if response.status_code != want:
                wrong[name] = (response.status_code, want, response.content[:300])
            if before is not None:
                assert governance_rows() == before, name
            transaction.set_rollback(True)
    assert not wrong, wrong


def test_an_editor_changes_only_their_own_log_entries(world: World, gov: Gov) -> None:
    own = services.log_entry_create(
        project=gov.project, author=world.editor_a, kind="comment", title="Lederens"
    )
    path = f"{gov.project_path}/log-entries/{own.uuid}"
    response = call(token_for(world, "editor_b"), "PATCH", path, {"text": "Kapret"})
    assert response.status_code == 403
    assert call(token_for(world, "editor_b"), "DELETE", path).status_code == 403
    own.refresh_from_db()
    assert own.text == ""
