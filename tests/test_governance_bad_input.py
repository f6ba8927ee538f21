"""Bad input gets a clear Norwegian message and writes nothing (history rows included):
end before start, dependency cycles, probability or impact outside 1–5, passing a gate with
open mandatory checklist items, editing a published status report, approving twice."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import World
from samla.governance import services
from samla.governance.models import BodyKind, Decision, Gate, Milestone, Project, Risk, StatusReport
from tests.test_governance_services import (
    START,
    fill_report,
    make_body,
    make_project,
    pass_gate,
    phase_model,
    tick_mandatory,
)


def governance_counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in apps.get_app_config("governance").get_models()
    }


@contextmanager
def refused(message: str, field: str | None = None) -> Iterator[None]:
    """The block raises a ValidationError containing ``message`` and writes nothing."""
    before = governance_counts()
    with pytest.raises(ValidationError) as error:
        yield
    text = " ".join(error.value.messages)
    assert message.lower() in text.lower(), text
    if field is not None:
        assert hasattr(error.value, "error_dict"), error.value
        assert field in error.value.message_dict, error.value.message_dict
    assert governance_counts() == before


# --- End before start ----------------------------------------------------------------------

END_BEFORE_START = "Sluttdatoen kan ikke være før startdatoen"


def test_project_ending_before_it_starts(world: World) -> None:
    phase_model(world)
    with refused(END_BEFORE_START, "end"):
        make_project(world, end=START - datetime.timedelta(days=1))
    project = make_project(world)
    with refused(END_BEFORE_START, "end"):
        services.project_update(project=project, end=START - datetime.timedelta(days=1))
    project.refresh_from_db()
    assert project.end is None


def test_programme_ending_before_it_starts(world: World) -> None:
    with refused(END_BEFORE_START, "end"):
        services.programme_create(
            collaboration=world.alfa,
            name="Program",
            start=datetime.date(2026, 5, 1),
            end=datetime.date(2026, 4, 30),
        )


def test_activity_ending_before_it_starts(world: World) -> None:
    project = make_project(world)
    with refused(END_BEFORE_START, "end"):
        services.activity_create(
            project=project, name="A", start=START, end=START - datetime.timedelta(days=1)
        )
    activity = services.activity_create(project=project, name="A", start=START, end=START)
    with refused(END_BEFORE_START, "end"):
        services.activity_update(activity=activity, end=START - datetime.timedelta(days=3))
    activity.refresh_from_db()
    assert activity.end == START


def test_phase_and_meeting_ending_before_they_start(world: World) -> None:
    project = make_project(world)
    phase = project.phases.get(order=1)
    with refused(END_BEFORE_START, "planned_end"):
        services.project_phase_update(
            phase=phase, planned_end=phase.planned_start - datetime.timedelta(days=1)
        )
    body = make_body(world)
    starts = timezone.make_aware(datetime.datetime(2026, 3, 1, 10))
    with refused("Møtet kan ikke slutte før det starter", "ends_at"):
        services.meeting_create(
            body=body, starts_at=starts, ends_at=starts - datetime.timedelta(hours=1)
        )


def test_project_too_short_for_its_phases(world: World) -> None:
    phase_model(world)
    with refused("for kort", "end"):
        make_project(world, end=START + datetime.timedelta(days=2))


# --- Dependency cycles ---------------------------------------------------------------------


def test_dependency_cycles_are_refused(world: World) -> None:
    project = make_project(world)
    a, b, c = (
        services.activity_create(project=project, name=name, start=START, end=START)
        for name in ("Mandat", "Analyse", "Plan")
    )
    services.dependency_create(predecessor=a, successor=b)
    services.dependency_create(predecessor=b, successor=c)
    with refused("sirkel: Plan → Mandat → Analyse → Plan", "successor"):
        services.dependency_create(predecessor=c, successor=a)
    with refused("sirkel: Analyse → Mandat → Analyse", "successor"):
        services.dependency_create(predecessor=b, successor=a)
    with refused("kan ikke avhenge av seg selv", "successor"):
        services.dependency_create(predecessor=a, successor=a)
    with refused("finnes allerede"):
        services.dependency_create(predecessor=a, successor=b)
    other = make_project(world)
    elsewhere = services.activity_create(project=other, name="X", start=START, end=START)
    with refused("forskjellige prosjekter", "successor"):
        services.dependency_create(predecessor=a, successor=elsewhere)


# --- Probability and impact outside 1–5 ----------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"probability": 0, "impact": 3}, "probability"),
        ({"probability": 6, "impact": 3}, "probability"),
        ({"probability": 3, "impact": 7}, "impact"),
        ({"probability": 3, "impact": -1}, "impact"),
        (
            {"probability": 3, "impact": 3, "residual_probability": 0, "residual_impact": 2},
            "residual_probability",
        ),
        (
            {"probability": 3, "impact": 3, "residual_probability": 2, "residual_impact": 9},
            "residual_impact",
        ),
        ({"probability": "3", "impact": 3}, "probability"),
    ],
)
def test_risk_scores_outside_one_to_five(world: World, fields: dict[str, Any], field: str) -> None:
    project = make_project(world)
    with refused("fra 1 til 5", field):
        services.risk_create(project=project, title="Risiko", **fields)


def test_risk_update_outside_one_to_five_changes_nothing(world: World) -> None:
    project = make_project(world)
    risk = services.risk_create(project=project, title="Risiko", probability=2, impact=2)
    with refused("fra 1 til 5", "impact"):
        services.risk_update(risk=risk, impact=6)
    with refused("må fylles ut", "probability"):
        services.risk_update(risk=risk, probability=None)
    risk = Risk.objects.get(pk=risk.pk)
    assert (risk.probability, risk.impact) == (2, 2)


def test_risk_needs_exactly_one_owner(world: World) -> None:
    project = make_project(world)
    programme = services.programme_create(collaboration=world.alfa, name="Program")
    with refused("enten et prosjekt eller et program"):
        services.risk_create(
            project=project, programme=programme, title="R", probability=1, impact=1
        )
    with refused("enten et prosjekt eller et program"):
        services.risk_create(title="R", probability=1, impact=1)


# --- Passing gates -------------------------------------------------------------------------


def test_gate_with_open_mandatory_items_is_not_passed(world: World) -> None:
    project = make_project(world)
    body = make_body(world)
    bp1 = project.gates.get(code="BP1")
    mandatory = list(bp1.checklist.filter(mandatory=True).order_by("order"))
    services.checklist_item_set_done(item=mandatory[0], done=True, user=world.office)
    with refused(f"{len(mandatory) - 1} obligatoriske sjekkpunkter er ikke utført", "gate"):
        services.decision_record(
            body=body, decided_on=START, title="BP1", text="Passeres.", gate=bp1
        )
    bp1.refresh_from_db()
    assert bp1.status == Gate.Status.OPEN
    # Optional items do not block.
    for item in mandatory:
        services.checklist_item_set_done(item=item, done=True, user=world.office)
    assert bp1.checklist.filter(mandatory=False, done=False).exists()
    services.decision_record(body=body, decided_on=START, title="BP1", text="Passeres.", gate=bp1)


def test_gate_after_an_open_gate_is_not_passed(world: World) -> None:
    project = make_project(world)
    body = make_body(world)
    bp2 = project.gates.get(code="BP2")
    tick_mandatory(bp2, world)
    with refused("BP2 kan ikke passeres før BP1 er passert", "gate"):
        services.decision_record(
            body=body, decided_on=START, title="BP2", text="Passeres.", gate=bp2
        )


def test_gate_is_passed_only_by_its_approving_body(world: World) -> None:
    project = make_project(world)
    steering = make_body(world, "SG")
    board = make_body(world, "PS", kind=BodyKind.PROJECT_BOARD)
    services.project_assign_approver(project=project, kind=BodyKind.PORTFOLIO_BOARD, body=steering)
    bp1 = project.gates.get(code="BP1")
    tick_mandatory(bp1, world)
    with refused("BP1 godkjennes av Organ SG, ikke av Organ PS", "body"):
        services.decision_record(
            body=board, decided_on=START, title="BP1", text="Passeres.", gate=bp1
        )


def test_passed_gate_cannot_change(world: World) -> None:
    project = make_project(world)
    body = make_body(world)
    bp1 = project.gates.get(code="BP1")
    pass_gate(world, bp1, body)
    with refused("er passert; sjekklisten kan ikke endres"):
        services.checklist_item_set_done(item=bp1.checklist.first(), done=False, user=world.office)
    with refused("er passert og kan ikke endres"):
        services.gate_update(gate=bp1, name="Nytt navn")


# --- Approving twice -----------------------------------------------------------------------


def test_gate_is_passed_only_once(world: World) -> None:
    project = make_project(world)
    body = make_body(world)
    bp1 = project.gates.get(code="BP1")
    pass_gate(world, bp1, body)
    with refused("Beslutningspunktet BP1 er allerede passert", "gate"):
        services.decision_record(
            body=body, decided_on=START, title="BP1 igjen", text="Passeres.", gate=bp1
        )
    with refused("Beslutningspunktet BP1 er allerede passert", "gate"):
        services.decision_record(
            body=body,
            decided_on=START,
            title="BP1 avvises",
            text="Avvises.",
            gate=bp1,
            gate_outcome=Decision.GateOutcome.REJECTED,
        )
    assert Decision.objects.filter(gate=bp1).count() == 1


def test_milestone_is_approved_only_once(world: World) -> None:
    project = make_project(world, key="ehandel")
    body = make_body(world)
    milestone = project.milestones.get(code="1")
    services.decision_record(
        body=body, decided_on=START, title="Mandat", text="Godkjent.", milestone=milestone
    )
    with refused("er allerede godkjent", "milestone"):
        services.decision_record(
            body=body, decided_on=START, title="Mandat igjen", text="Godkjent.", milestone=milestone
        )
    with refused("statusen kan ikke endres", "status"):
        services.milestone_update(milestone=milestone, status=Milestone.Status.REACHED)
    other = project.milestones.get(code="2")
    with refused("godkjennes ved et vedtak", "status"):
        services.milestone_update(milestone=other, status=Milestone.Status.APPROVED)
    with refused("godkjent ved vedtak og kan ikke slettes"):
        services.milestone_delete(milestone=milestone)


def test_decisions_that_decided_something_are_kept(world: World) -> None:
    project = make_project(world)
    body = make_body(world)
    decision = pass_gate(world, project.gates.get(code="BP1"), body)
    with refused("kan ikke slettes"):
        services.decision_delete(decision=decision)
    with refused("kan ikke slettes"):
        services.body_delete(body=body)
    with refused("kan ikke slettes"):
        services.project_delete(project=project)
    with refused("forkortelsen inngår i vedtaksnumrene", "abbreviation"):
        services.body_update(body=body, abbreviation="XX")


# --- Published status reports --------------------------------------------------------------


def test_published_status_report_cannot_change(world: World) -> None:
    project = make_project(world)
    report = services.status_report_create(project=project, period=datetime.date(2026, 1, 1))
    line = services.status_cost_line_create(
        report=report, name="Lisenser", budget=Decimal(100), spent=Decimal(0), forecast=Decimal(100)
    )
    fill_report(report)
    services.status_report_publish(report=report, user=world.office)
    report.refresh_from_db()
    line.refresh_from_db()
    message = "Rapporten er publisert og kan ikke endres"
    with refused(message):
        services.status_report_update(report=report, overall="red")
    with refused(message):
        services.status_cost_line_create(
            report=report,
            name="Konsulenter",
            budget=Decimal(1),
            spent=Decimal(0),
            forecast=Decimal(1),
        )
    with refused(message):
        services.status_cost_line_update(line=line, spent=Decimal(50))
    with refused(message):
        services.status_cost_line_delete(line=line)
    with refused(message):
        services.status_report_delete(report=report)
    with refused("allerede publisert"):
        services.status_report_publish(report=report, user=world.office)
    report.refresh_from_db()
    assert report.overall == "green"
    assert report.state == StatusReport.State.PUBLISHED


def test_status_report_publishing_and_months(world: World) -> None:
    project = make_project(world)
    january = services.status_report_create(project=project, period=datetime.date(2026, 1, 1))
    with refused("Mangler: Samlet, Fremdrift, Kvalitet, Økonomi, Risiko, Gevinster"):
        services.status_report_publish(report=january, user=world.office)
    with refused("allerede en statusrapport for 01.2026", "period"):
        services.status_report_create(project=project, period=datetime.date(2026, 1, 20))
    february = services.status_report_create(project=project, period=datetime.date(2026, 2, 1))
    fill_report(february)
    services.status_report_publish(report=february, user=world.office)
    fill_report(january)
    with refused("Rapporten for 02.2026 er allerede publisert"):
        services.status_report_publish(report=january, user=world.office)
    with refused("er ikke et gyldig valg", "overall"):
        services.status_report_update(report=january, overall="purple")


# --- Across collaborations -----------------------------------------------------------------


def test_objects_of_another_collaboration_are_refused(world: World) -> None:
    other_programme = services.programme_create(collaboration=world.beta, name="Beta-program")
    phase_model(world)
    with refused("Hører til et annet samarbeid", "programme"):
        make_project(world, programme=other_programme)
    with refused("ingen rolle i samarbeidet", "leader"):
        make_project(world, leader=world.outsider)
    with refused("er ikke medlem av samarbeidet", "organisations"):
        make_project(world, organisations=[world.org_c])
    project = make_project(world)
    beta_body = services.body_create(
        collaboration=world.beta,
        kind=BodyKind.STEERING_GROUP,
        name="Beta-styret",
        abbreviation="BS",
    )
    bp1 = project.gates.get(code="BP1")
    tick_mandatory(bp1, world)
    with refused("Hører til et annet samarbeid", "project"):
        services.decision_record(
            body=beta_body, decided_on=START, title="BP1", text="Passeres.", gate=bp1
        )


def test_unique_names_and_abbreviations(world: World) -> None:
    make_project(world, name="Felles arkiv", code="FA")
    with refused("allerede et prosjekt med dette navnet"):
        make_project(world, name="Felles arkiv")
    with refused("Prosjektnummeret er allerede i bruk"):
        make_project(world, name="Noe annet", code="FA")
    make_body(world, "SG")
    with refused("Forkortelsen er allerede i bruk"):
        make_body(world, "SG", name="Et annet organ")


def test_stale_copies_cannot_undo_decisions(world: World) -> None:
    project = make_project(world, key="ehandel")
    body = make_body(world)
    stale_milestone = project.milestones.get(code="1")
    stale_gate = project.gates.get(code="BP1")
    stale_project = Project.objects.get(pk=project.pk)
    services.decision_record(
        body=body,
        decided_on=START,
        title="Mandat",
        text="Godkjent.",
        milestone=project.milestones.get(code="1"),
    )
    pass_gate(world, project.gates.get(code="BP1"), body)
    # Copies read before the decisions keep their old status in memory only.
    services.milestone_update(milestone=stale_milestone, deliverable="Mandat v2")
    with refused("er passert og kan ikke endres"):
        services.gate_update(gate=stale_gate, name="Nytt navn")
    services.project_update(project=stale_project, description="Ny beskrivelse")
    milestone = Milestone.objects.get(pk=stale_milestone.pk)
    assert (milestone.status, milestone.deliverable) == (Milestone.Status.APPROVED, "Mandat v2")
    assert milestone.approved_by is not None
    project.refresh_from_db()
    assert project.current_phase.name == "Forstudie"
    assert project.description == "Ny beskrivelse"
