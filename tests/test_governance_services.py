"""Programmes and projects: the shipped phase models, instantiating them, decisions that
pass gates and approve milestones, mandates, status reports, risks, plans, the calendar
feed, who may do what, and the selectors' query counts at two data sizes."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from conftest import World
from samla.governance import access as governance_access
from samla.governance import selectors, services
from samla.governance.demo import seed_demo_governance
from samla.governance.models import (
    Body,
    BodyKind,
    CostLine,
    Decision,
    Gate,
    LogEntry,
    Milestone,
    PhaseModel,
    PhaseModelMilestone,
    Project,
    ProjectPhase,
    RagStatus,
    Risk,
    StatusReport,
)
from samla.governance.phase_library import DREJEBOG, EHANDEL, LIBRARY, PROSJEKTVEIVISEREN
from samla.organisations.access import access_collaboration
from samla.organisations.models import CostSharingKey

START = datetime.date(2026, 1, 5)


# --- Helpers (also used by test_governance_bad_input.py) ------------------------------------


def phase_model(world: World, key: str = "prosjektveiviseren") -> PhaseModel:
    existing = PhaseModel.objects.filter(collaboration=world.alfa, library_key=key).first()
    return existing or services.phase_model_install(collaboration=world.alfa, key=key)


def make_project(world: World, key: str = "prosjektveiviseren", **fields: Any) -> Project:
    defaults: dict[str, Any] = {
        "name": f"Prosjekt {Project.objects.count() + 1}",
        "start": START,
        "organisations": [world.org_a],
        "leader": world.viewer,
    }
    defaults.update(fields)
    return services.project_create(
        collaboration=world.alfa, phase_model=phase_model(world, key), **defaults
    )


def make_body(world: World, abbreviation: str = "SG", **fields: Any) -> Body:
    return services.body_create(
        collaboration=world.alfa,
        kind=fields.pop("kind", BodyKind.STEERING_GROUP),
        name=fields.pop("name", f"Organ {abbreviation}"),
        abbreviation=abbreviation,
        **fields,
    )


def tick_mandatory(gate: Gate, world: World) -> None:
    for item in gate.checklist.filter(mandatory=True):
        services.checklist_item_set_done(item=item, done=True, user=world.office)


def pass_gate(world: World, gate: Gate, body: Body, day: datetime.date = START) -> Decision:
    tick_mandatory(gate, world)
    return services.decision_record(
        body=body, decided_on=day, title=f"{gate.code} passeres", text="Vedtatt.", gate=gate
    )


# --- The library ---------------------------------------------------------------------------


def test_prosjektveiviseren_has_six_phases_and_bp1_to_bp5_with_mandatory_items() -> None:
    model = PROSJEKTVEIVISEREN
    assert [p.name for p in model.phases] == [
        "Idé",
        "Konsept",
        "Planlegge",
        "Gjennomføre",
        "Avslutte",
        "Realisere",
    ]
    assert [g.code for g in model.gates] == ["BP1", "BP2", "BP3", "BP4", "BP5"]
    bp3 = next(g for g in model.gates if g.code == "BP3")
    mandatory = " ".join(item.text for item in bp3.checklist if item.mandatory)
    for needed in ("Gevinstrealiseringsplan", "endringsledelse", "(DPIA)", "(ROS)"):
        assert needed.lower() in mandatory.lower()
    assert any(not item.mandatory for item in bp3.checklist)
    assert all(any(i.mandatory for i in g.checklist) for g in model.gates)


def test_ehandel_model_has_the_phases_and_milestones_1_to_8_of_seed_003() -> None:
    model = EHANDEL
    assert [p.name for p in model.phases] == [
        "Idéfase",
        "Forstudie",
        "Forprosjekt",
        "Design og utvikling",
        "Implementering og overlevering",
        "Gevinstrealisering og evaluering",
    ]
    milestones = {m.code: m for m in model.milestones}
    assert list(milestones) == [str(n) for n in range(1, 9)]
    assert milestones["1"].name == "Godkjenning av prosjektmandat"
    assert milestones["3"].approver == "Kommunestyrene"
    assert milestones["3"].approver_kind == BodyKind.MUNICIPAL_COUNCIL
    assert {m.approver for code, m in milestones.items() if code != "3"} == {"Styringsgruppen"}
    assert milestones["8"].name == "Sluttrapport godkjennes"


def test_danish_playbook_has_its_milestones_with_deliverable_and_role() -> None:
    model = DREJEBOG
    assert [(p.original_name, p.name) for p in model.phases] == [
        ("Planlægning", "Planlegging"),
        ("Indkøb", "Innkjøp"),
        ("Implementering", "Implementering"),
    ]
    milestones = model.milestones
    assert len(milestones) == 32
    assert all(m.deliverable and m.responsible_role and m.original_name for m in milestones)
    by_code = {m.code: m for m in milestones}
    assert by_code["1.11"].original_name == "Programbeskrivelse godkendt og politisk behandlet"
    assert by_code["2.8"].approver == "Programstyregruppen"
    assert "kravspecifikation" in by_code["2.3"].deliverable
    assert by_code["3.10"].original_name == "Fejring afholdt!"
    assert model.language == "da"


def test_install_copies_the_model_once(world: World) -> None:
    model = services.phase_model_install(collaboration=world.alfa, key="drejebog")
    assert model.phases.count() == 3
    assert model.gates.count() == 2
    assert model.milestones.count() == 32
    assert model.history.count() == 1  # type: ignore[attr-defined]
    assert PhaseModelMilestone.history.count() == 32  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="allerede lagt inn"):
        services.phase_model_install(collaboration=world.alfa, key="drejebog")
    with pytest.raises(ValidationError, match="finnes ikke"):
        services.phase_model_install(collaboration=world.alfa, key="prince2")
    assert set(LIBRARY) == {"prosjektveiviseren", "ehandel", "drejebog"}


# --- Projects ------------------------------------------------------------------------------


def test_project_instantiates_its_phase_model(world: World) -> None:
    project = make_project(world, name="Felles arkiv", code="FA-1")
    phases = list(project.phases.order_by("order"))
    assert [p.name for p in phases] == [p.name for p in PROSJEKTVEIVISEREN.phases]
    assert phases[0].planned_start == START
    assert phases[0].status == ProjectPhase.Status.ACTIVE
    assert project.current_phase == phases[0]
    for before, after in zip(phases, phases[1:], strict=False):
        assert after.planned_start == before.planned_end + datetime.timedelta(days=1)
    # Template durations in weeks: Idé 4 weeks.
    assert phases[0].planned_end == START + datetime.timedelta(weeks=4, days=-1)
    gates = list(project.gates.order_by("order"))
    assert [g.code for g in gates] == ["BP1", "BP2", "BP3", "BP4", "BP5"]
    assert all(g.planned_date == g.phase.planned_end for g in gates)
    assert gates[2].checklist.filter(mandatory=True).count() == 7
    milestones = list(project.milestones.select_related("phase"))
    assert len(milestones) == len(PROSJEKTVEIVISEREN.milestones)
    for milestone in milestones:
        assert (
            milestone.phase.planned_start <= milestone.planned_date <= milestone.phase.planned_end
        )
    assert project.mandate.pk is not None
    assert list(project.organisations.all()) == [world.org_a]


def test_project_phases_fit_a_given_end(world: World) -> None:
    end = datetime.date(2026, 12, 31)
    project = make_project(world, key="ehandel", end=end)
    phases = list(project.phases.order_by("order"))
    assert phases[0].planned_start == START
    assert phases[-1].planned_end == end
    assert all(p.planned_end >= p.planned_start for p in phases)


def test_project_rows_are_its_own_once_created(world: World) -> None:
    project = make_project(world, key="ehandel")
    template = PhaseModel.objects.get(collaboration=world.alfa, library_key="ehandel")
    template_milestone = template.milestones.get(code="1")
    services.phase_model_milestone_update(milestone=template_milestone, name="Endret i malen")
    milestone = project.milestones.get(code="1")
    assert milestone.name == "Godkjenning av prosjektmandat"
    services.milestone_update(
        milestone=milestone, forecast_date=datetime.date(2026, 3, 1), name="Mandat godkjent"
    )
    template_milestone.refresh_from_db()
    assert template_milestone.name == "Endret i malen"
    services.phase_model_delete(phase_model=template)
    project.refresh_from_db()
    assert project.phase_model is None
    assert project.milestones.count() == 8


def test_phase_model_copy_is_independent(world: World) -> None:
    source = phase_model(world, "prosjektveiviseren")
    copy = services.phase_model_copy(source=source, name="Vår prosjektmodell")
    assert copy.phases.count() == 6
    assert copy.gates.count() == 5
    assert copy.milestones.count() == source.milestones.count()
    gate = copy.gates.get(code="BP3")
    services.phase_model_checklist_item_create(
        gate=gate, text="Arkivplan er oppdatert", mandatory=True
    )
    assert source.gates.get(code="BP3").checklist.count() + 1 == gate.checklist.count()


# --- Decisions -----------------------------------------------------------------------------


def test_decision_passes_a_gate_and_moves_the_project_to_the_next_phase(world: World) -> None:
    project = make_project(world)
    body = make_body(world, "PS", kind=BodyKind.PROJECT_BOARD)
    bp1 = project.gates.get(code="BP1")
    decision = pass_gate(world, bp1, body, datetime.date(2026, 2, 1))
    assert decision.number == "PS 1/2026"
    assert decision.project == project
    bp1.refresh_from_db()
    assert bp1.status == Gate.Status.PASSED
    assert bp1.decided_by == decision
    idea, concept = project.phases.order_by("order")[:2]
    assert idea.status == ProjectPhase.Status.COMPLETED
    assert idea.actual_end == datetime.date(2026, 2, 1)
    assert concept.status == ProjectPhase.Status.ACTIVE
    assert concept.actual_start == datetime.date(2026, 2, 1)
    project.refresh_from_db()
    assert project.current_phase == concept
    second = pass_gate(world, project.gates.get(code="BP2"), body, datetime.date(2026, 3, 1))
    assert second.number == "PS 2/2026"
    # Numbers restart every year and belong to the body.
    other = make_body(world, "SG")
    assert (
        services.decision_record(
            body=other,
            decided_on=datetime.date(2026, 5, 1),
            title="Orientering",
            text="Tatt til orientering.",
        ).number
        == "SG 1/2026"
    )
    assert (
        services.decision_record(
            body=body, decided_on=datetime.date(2027, 1, 10), title="Nytt år", text="Vedtatt."
        ).number
        == "PS 1/2027"
    )
    assert bp1.history.count() >= 2  # type: ignore[attr-defined]


def test_rejected_gate_is_decided_again_later(world: World) -> None:
    project = make_project(world)
    body = make_body(world)
    bp1 = project.gates.get(code="BP1")
    rejected = services.decision_record(
        body=body,
        decided_on=START,
        title="BP1 utsettes",
        text="Idébeskrivelsen må bearbeides.",
        gate=bp1,
        gate_outcome=Decision.GateOutcome.REJECTED,
    )
    bp1.refresh_from_db()
    assert bp1.status == Gate.Status.REJECTED
    assert bp1.decided_by == rejected
    project.refresh_from_db()
    assert project.current_phase.name == "Idé"
    passed = pass_gate(world, bp1, body, datetime.date(2026, 2, 1))
    bp1.refresh_from_db()
    assert bp1.status == Gate.Status.PASSED
    assert bp1.decided_by == passed
    assert bp1.decisions.count() == 2


def test_decision_approves_a_milestone(world: World) -> None:
    project = make_project(world, key="ehandel")
    body = make_body(world)
    services.project_assign_approver(project=project, kind=BodyKind.STEERING_GROUP, body=body)
    milestone = project.milestones.get(code="1")
    decision = services.decision_record(
        body=body,
        decided_on=datetime.date(2026, 2, 15),
        title="Mandatet godkjent",
        text="Styringsgruppen godkjenner prosjektmandatet.",
        milestone=milestone,
    )
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.APPROVED
    assert milestone.approved_by == decision
    assert milestone.actual_date == datetime.date(2026, 2, 15)
    # Milestone 3 is approved by the municipal councils, not by the steering group.
    assert project.milestones.get(code="3").approver_body is None


def test_decision_links_a_target_choice_and_a_case_version(world: World) -> None:
    from samla.cases import services as case_services
    from samla.landscape import services as landscape_services
    from samla.landscape.models import SystemCategory

    category = SystemCategory.objects.filter(collaboration=world.alfa).order_by("pk").first()
    assert category is not None  # the catalogue comes with every collaboration
    vendor = landscape_services.vendor_save(collaboration=world.alfa, name="Leverandør AS")
    product = landscape_services.product_save(
        collaboration=world.alfa, vendor=vendor, name="Arkiv 1"
    )
    choice = landscape_services.target_choice_set(
        collaboration=world.alfa,
        category=category,
        product=product,
        decided_by="Prosjektstyret",
        decided_on=START,
        rationale="Brukes allerede i begge kommunene.",
    )
    case = case_services.case_create(collaboration=world.alfa, name="Felles arkiv", base_year=2026)
    version = case.versions.get()
    body = make_body(world)
    decision = services.decision_record(
        body=body,
        decided_on=START,
        title="Felles sak/arkivsystem",
        text="Arkiv 1 velges som felles system.",
        alternatives="Arkiv 1.\n\nArkiv 2.\n\nFortsette som i dag.",
        target_choice=choice,
        case_version=version,
    )
    assert decision.alternative_list == ["Arkiv 1.", "Arkiv 2.", "Fortsette som i dag."]
    register = selectors.decision_register(world.alfa)
    assert register.object_list[0].target_choice == choice
    assert register.object_list[0].case_version == version


def test_meeting_agenda_minutes_and_next_meeting(world: World) -> None:
    from django.utils import timezone

    body = make_body(world)
    chair = services.body_member_create(
        body=body, user=world.admin, organisation=world.org_a, role="chair"
    )
    member = services.body_member_create(body=body, name="Tillitsvalgt", organisation=world.org_b)
    first = services.meeting_create(
        body=body,
        starts_at=timezone.make_aware(datetime.datetime(2026, 2, 1, 9)),
        location="Rådhuset",
    )
    later = services.meeting_create(
        body=body, starts_at=timezone.make_aware(datetime.datetime(2026, 3, 1, 9))
    )
    services.meeting_set_present(meeting=first, members=[chair, member])
    item = services.agenda_item_create(
        meeting=first, title="Mandat", case_paper_url="https://example.no/sak/1", presenter="PL"
    )
    decision = services.decision_record(
        body=body,
        agenda_item=item,
        decided_on=datetime.date(2026, 2, 1),
        title="Mandat",
        text="Godkjent.",
    )
    assert decision.meeting == first
    action = services.action_item_create(
        collaboration=world.alfa,
        meeting=first,
        text="Send ut referat",
        owner=world.office,
        due=datetime.date(2026, 2, 8),
    )
    services.action_item_update(item=action, status="done")
    action.refresh_from_db()
    assert action.done_on is not None
    assert selectors.next_meeting(first) == later
    assert set(first.present.all()) == {chair, member}
    with pytest.raises(ValidationError, match="vedtak"):
        services.meeting_delete(meeting=first)


# --- Mandate -------------------------------------------------------------------------------


def test_mandate_resource_plan_as_in_seed_003(world: World) -> None:
    project = make_project(world, key="ehandel")
    mandate = project.mandate
    rows = [
        ("Styringsgruppe", 8, 6, "2"),
        ("Prosjektleder", 1, 40, "16"),
        ("Prosjektgruppe", 4, 12, "6"),
        ("Felles innkjøpstjeneste", 2, 24, "8"),
        ("Innkjøpskoordinatorer", 6, 23, "4"),
    ]
    lines = [
        services.resource_line_create(
            mandate=mandate, forum=f, persons=p, meetings=m, hours_per_meeting=Decimal(h)
        )
        for f, p, m, h in rows
    ]
    assert lines[1].hours == 640
    assert sum(line.hours for line in lines) == 1960
    assert sum(line.cost for line in lines) == Decimal("980000.00")  # 500 kr an hour
    services.sub_goal_create(
        mandate=mandate,
        text="Alle kommunene har tatt i bruk e-handel.",
        measure="Andel av innkjøpsvolumet via e-handel",
        target="5 %",
        deadline=datetime.date(2026, 12, 31),
    )
    services.concept_create(mandate=mandate, name="Nullalternativet", is_zero=True)
    role = services.mandate_role_create(
        mandate=mandate, kind="steering_group", user=world.admin, organisation=world.org_a
    )
    assert role.person_name == str(world.admin)
    services.mandate_update(
        mandate=mandate, main_goal="God kompetanse, rutiner og systemer for innkjøp."
    )
    assert mandate.history.count() == 2  # type: ignore[attr-defined]


def test_financing_computed_by_population_and_by_key(world: World) -> None:
    project = make_project(world, organisations=[world.org_a, world.org_b])
    mandate = project.mandate
    services.cost_line_create(
        mandate=mandate,
        kind=CostLine.Kind.DIRECT,
        name="Prosjektledelse",
        year=2026,
        amount=Decimal("400000"),
    )
    services.cost_line_create(
        mandate=mandate,
        kind=CostLine.Kind.INDIRECT,
        name="Lønn",
        year=2026,
        amount=Decimal("980000"),
    )
    services.financing_create(mandate=mandate, source="Difi", amount=Decimal("100000"))
    rows = services.mandate_financing_compute(mandate=mandate)
    # 300 000 left after Difi, split 10 000 : 30 000 by population.
    assert {r.organisation: r.amount for r in rows} == {
        world.org_a: Decimal("75000.00"),
        world.org_b: Decimal("225000.00"),
    }
    assert all(r.computed for r in rows)
    from samla.organisations import services as organisation_services

    equal = organisation_services.cost_sharing_key_create(
        collaboration=world.alfa, name="Likt", method=CostSharingKey.Method.EQUAL
    )
    rows = services.mandate_financing_compute(
        mandate=mandate, key=equal, amount=Decimal("100000.01")
    )
    assert sum(r.amount for r in rows) == Decimal("100000.01")
    assert mandate.financing.count() == 3
    mandate.refresh_from_db()
    assert mandate.financing_key == equal


# --- Status reports ------------------------------------------------------------------------


def fill_report(report: StatusReport, colour: str = RagStatus.GREEN, **fields: Any) -> StatusReport:
    values = {
        key: colour for key in ("overall", "schedule", "quality", "economy", "risk", "benefits")
    }
    values.update(fields)
    return services.status_report_update(report=report, **values)


def test_status_report_publish_freezes_a_snapshot_and_shows_the_changes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "today", lambda: datetime.date(2026, 6, 1))
    project = make_project(world, key="ehandel")
    services.cost_line_create(
        mandate=project.mandate, name="Prosjektledelse", year=2026, amount=Decimal("400000")
    )
    services.cost_line_create(
        mandate=project.mandate, name="Prosjektledelse", year=2027, amount=Decimal("100000")
    )
    risk = services.risk_create(
        project=project, title="Motstand mot endring", probability=3, impact=4
    )
    january = services.status_report_create(
        project=project, period=datetime.date(2026, 1, 17), user=world.viewer
    )
    assert january.period == datetime.date(2026, 1, 1)
    [line] = january.cost_lines.all()
    assert (line.name, line.budget, line.forecast) == (
        "Prosjektledelse",
        Decimal("500000.00"),
        Decimal("500000.00"),
    )
    fill_report(january, overall_comment="Etter plan.", next_steps="Forstudie.")
    services.status_cost_line_update(line=line, spent=Decimal("30000"))
    published = services.status_report_publish(report=january, user=world.viewer)
    assert published.state == StatusReport.State.PUBLISHED
    assert published.changes == {"first": True}
    assert published.snapshot["totals"]["spent"] == "30000.00"
    assert published.snapshot["risks"][0]["score"] == 12
    project.refresh_from_db()
    assert project.latest_status_report == published

    february = services.status_report_create(project=project, period=datetime.date(2026, 2, 1))
    assert february.overall == RagStatus.GREEN  # starts from January's
    assert february.cost_lines.get().spent == Decimal("30000.00")
    fill_report(february, schedule=RagStatus.YELLOW, schedule_comment="Analysen er forsinket.")
    services.status_cost_line_update(
        line=february.cost_lines.get(), spent=Decimal("80000"), forecast=Decimal("550000")
    )
    services.risk_update(risk=risk, probability=4)
    services.risk_create(
        project=project, title="Gevinstene er overvurdert", probability=2, impact=4
    )
    # Milestone 1 is planned in the idea phase, before the end of February: late.
    services.milestone_update(
        milestone=project.milestones.get(code="1"), forecast_date=datetime.date(2026, 2, 20)
    )
    second = services.status_report_publish(report=february, user=world.viewer)
    changes = second.changes
    assert changes["previous_period"] == "2026-01-01"
    assert changes["dimensions"] == [{"dimension": "schedule", "from": "green", "to": "yellow"}]
    assert changes["cost_lines"] == [
        {
            "name": "Prosjektledelse",
            "change": "changed",
            "deltas": {"spent": "50000.00", "forecast": "50000.00"},
        }
    ]
    assert [m["code"] for m in changes["milestones_newly_late"]] == ["1"]
    assert [r["title"] for r in changes["risks_new"]] == ["Gevinstene er overvurdert"]
    assert changes["risks_changed"] == [
        {"uuid": str(risk.uuid), "title": risk.title, "from": 12, "to": 16}
    ]
    assert second.previous == published
    project.refresh_from_db()
    assert project.latest_status_report == second
    # The January snapshot did not move.
    published.refresh_from_db()
    assert published.snapshot["totals"]["spent"] == "30000.00"


# --- Risks ---------------------------------------------------------------------------------


def test_risks_are_numbered_scored_and_counted_in_the_matrix(world: World) -> None:
    project = make_project(world)
    programme = services.programme_create(collaboration=world.alfa, name="Programmet")
    first = services.risk_create(
        project=project,
        title="A",
        probability=5,
        impact=5,
        residual_probability=2,
        residual_impact=3,
    )
    second = services.risk_create(project=project, title="B", probability=1, impact=2)
    programme_risk = services.risk_create(programme=programme, title="C", probability=3, impact=3)
    assert (first.number, second.number, programme_risk.number) == (1, 2, 1)
    assert (first.score, first.residual_score, first.level) == (25, 6, "high")
    assert (second.score, second.residual_score, second.level) == (2, None, "low")
    assert programme_risk.level == "medium"
    matrix = selectors.risk_matrix(Risk.objects.filter(collaboration=world.alfa))
    assert matrix[4][4] == 1 and matrix[1][0] == 1 and matrix[2][2] == 1
    assert sum(map(sum, matrix)) == 3
    residual = selectors.risk_matrix(Risk.objects.filter(collaboration=world.alfa), residual=True)
    assert residual[2][1] == 1 and sum(map(sum, residual)) == 1
    assert [r.title for r in selectors.portfolio_top_risks(world.alfa)] == ["A", "C", "B"]


# --- Plan ----------------------------------------------------------------------------------


def test_plan_has_a_critical_path(world: World) -> None:
    project = make_project(world)
    day = datetime.date

    def activity(name: str, start: datetime.date, end: datetime.date) -> Any:
        return services.activity_create(
            project=project, name=name, start=start, end=end, responsible=world.viewer
        )

    mandate = activity("Mandat", day(2026, 1, 5), day(2026, 1, 16))
    analysis = activity("Analyse", day(2026, 1, 19), day(2026, 2, 27))
    info = activity("Informasjon", day(2026, 1, 19), day(2026, 1, 23))
    plan = activity("Plan", day(2026, 3, 2), day(2026, 3, 13))
    services.dependency_create(predecessor=mandate, successor=analysis, lag_days=2)
    services.dependency_create(predecessor=mandate, successor=info)
    services.dependency_create(predecessor=analysis, successor=plan, lag_days=2)
    result = selectors.project_plan(project)
    assert result.schedule is not None
    assert result.schedule.critical_path == (mandate.pk, analysis.pk, plan.pk)
    assert result.is_critical(plan) and not result.is_critical(info)
    assert result.schedule.finish == day(2026, 3, 13)
    assert result.schedule.conflicts == frozenset()


# --- Calendar ------------------------------------------------------------------------------


def test_calendar_feed_token_and_entries(world: World) -> None:
    from django.utils import timezone

    project = make_project(
        world,
        leader=world.office,
        start=datetime.date.fromordinal(datetime.date(2026, 1, 5).toordinal()),
    )
    body = make_body(world)
    services.body_member_create(body=body, user=world.office)
    meeting = services.meeting_create(
        body=body, starts_at=timezone.make_aware(datetime.datetime(2026, 2, 1, 9))
    )
    feed, token = services.calendar_feed_create(user=world.office)
    assert token.startswith(services.CALENDAR_TOKEN_PREFIX)
    assert token not in feed.digest
    assert services.calendar_feed_user(token) == world.office
    assert services.calendar_feed_user("samlacal_wrong") is None
    new_feed, new_token = services.calendar_feed_create(user=world.office)
    assert services.calendar_feed_user(token) is None
    assert services.calendar_feed_user(new_token) == world.office
    services.calendar_feed_revoke(feed=new_feed)
    assert services.calendar_feed_user(new_token) is None

    entries = selectors.calendar_entries(
        world.office, since=datetime.date(2025, 1, 1), until=datetime.date(2028, 1, 1)
    )
    kinds = [entry.kind for entry in entries]
    assert kinds.count("meeting") == 1
    assert kinds.count("gate") == 5
    assert kinds.count("milestone") == project.milestones.count()
    assert entries[0].uid == f"meeting-{meeting.uuid}@samla"
    # The outsider sees none of it.
    assert selectors.calendar_entries(world.outsider) == []


# --- Access --------------------------------------------------------------------------------


def test_who_may_do_what(world: World) -> None:
    project = make_project(world, organisations=[world.org_a])  # leader: the viewer
    risk = services.risk_create(project=project, title="R", probability=2, impact=2)
    entry = services.log_entry_create(
        project=project, author=world.editor_a, kind=LogEntry.Kind.CONCERN, title="Bekymring"
    )

    def access(name: str, slug: str = "alfa") -> Any:
        return access_collaboration(world.persona(name), slug)

    # Outsiders: 404, never 403.
    outsider = access("outsider", "beta")
    for helper, obj in (
        (governance_access.access_project, project),
        (governance_access.access_risk, risk),
        (governance_access.access_log_entry, entry),
    ):
        with pytest.raises(Http404):
            helper(outsider, obj.uuid)
    # Everyone in the collaboration reads.
    for name in ("admin", "office", "editor_a", "editor_b", "viewer"):
        assert governance_access.access_project(access(name), project.uuid) == project
    # Project fields: managers only.
    governance_access.access_project(access("office"), project.uuid, for_change=True)
    with pytest.raises(PermissionDenied):
        governance_access.access_project(access("viewer"), project.uuid, for_change=True)
    # The project leader (here a viewer by role) runs the project; other viewers do not.
    governance_access.access_risk(access("viewer"), risk.uuid, for_change=True)
    governance_access.access_mandate(access("viewer"), project.uuid, for_change=True)
    with pytest.raises(PermissionDenied):
        governance_access.access_risk(access("editor_a"), risk.uuid, for_change=True)
    # Editors contribute to projects that concern their organisation.
    governance_access.require_project_contributor(access("editor_a"), project)
    with pytest.raises(PermissionDenied):
        governance_access.require_project_contributor(access("editor_b"), project)
    governance_access.access_log_entry(access("editor_a"), entry.uuid, for_change=True)
    with pytest.raises(PermissionDenied):
        governance_access.access_log_entry(access("editor_b"), entry.uuid, for_change=True)
    # Decisions: managers only.
    body = make_body(world)
    decision = services.decision_record(body=body, decided_on=START, title="T", text="V")
    governance_access.access_decision(access("admin"), decision.uuid, for_change=True)
    with pytest.raises(PermissionDenied):
        governance_access.access_decision(access("viewer"), decision.uuid, for_change=True)
    with pytest.raises(Http404):
        governance_access.access_decision(access("admin"), "not-a-uuid")


# --- Selectors: fixed query counts ---------------------------------------------------------


def build_portfolio(world: World, projects: int) -> Body:
    body = Body.objects.filter(collaboration=world.alfa, abbreviation="SG").first() or make_body(
        world
    )
    for index in range(projects):
        project = make_project(
            world, key="ehandel", name=f"Porteføljeprosjekt {Project.objects.count() + 1}"
        )
        for number in range(3):
            services.risk_create(
                project=project,
                title=f"Risiko {number}",
                probability=1 + (index + number) % 5,
                impact=3,
            )
        report = services.status_report_create(project=project, period=datetime.date(2026, 1, 1))
        fill_report(report, RagStatus.YELLOW if index % 2 else RagStatus.GREEN)
        services.status_report_publish(report=report, user=world.office)
        services.status_report_create(project=project, period=datetime.date(2026, 2, 1))
        services.decision_record(
            body=body,
            decided_on=START,
            title="Mandat",
            text="Godkjent.",
            milestone=project.milestones.get(code="1"),
        )
        services.log_entry_create(
            project=project, author=world.office, kind=LogEntry.Kind.LESSON, title="Lærdom"
        )
        first = services.activity_create(
            project=project, name="A", start=START, end=START + datetime.timedelta(days=9)
        )
        second = services.activity_create(
            project=project,
            name="B",
            start=START + datetime.timedelta(days=10),
            end=START + datetime.timedelta(days=19),
        )
        services.dependency_create(predecessor=first, successor=second)
    return body


def query_counts(world: World) -> dict[str, int]:
    project = Project.objects.filter(collaboration=world.alfa).order_by("-pk").first()
    assert project is not None
    calls = {
        "heat_map": lambda: selectors.portfolio_heat_map(world.alfa),
        "register": lambda: list(selectors.decision_register(world.alfa, per_page=20)),
        "register_filtered": lambda: list(
            selectors.decision_register(world.alfa, year=2026, body=Body.objects.first())
        ),
        "overview": lambda: selectors.project_overview(project, today=datetime.date(2026, 6, 1)),
        "top_risks": lambda: selectors.portfolio_top_risks(world.alfa),
        "matrix": lambda: selectors.risk_matrix(Risk.objects.filter(collaboration=world.alfa)),
        "lessons": lambda: list(selectors.lessons_learned(world.alfa)),
        "plan": lambda: selectors.project_plan(project),
        "calendar": lambda: selectors.calendar_entries(world.viewer),
        "late": lambda: list(
            selectors.late_milestones(world.alfa, today=datetime.date(2026, 6, 1))
        ),
    }
    counts = {}
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as captured:
            result = call()
        counts[name] = len(captured)
        if name == "heat_map":
            # Reading the latest status of every project costs nothing more.
            with CaptureQueriesContext(connection) as extra:
                assert all(p.latest_status_report.overall for p in result)
            assert len(extra) == 0
    return counts


def test_selector_query_counts_do_not_grow_with_the_data(world: World) -> None:
    build_portfolio(world, 2)
    small = query_counts(world)
    build_portfolio(world, 5)
    large = query_counts(world)
    assert small == large
    assert small["heat_map"] == 1
    assert small["register"] == 2
    assert small["overview"] == 6
    assert small["top_risks"] == small["matrix"] == small["lessons"] == 1
    assert small["plan"] == 2
    assert small["calendar"] == 4


# --- Demo ----------------------------------------------------------------------------------


def test_demo_is_complete_and_idempotent(world: World) -> None:
    programme = seed_demo_governance(world.alfa)
    counts = (Project.objects.count(), Decision.objects.count(), StatusReport.objects.count())
    assert seed_demo_governance(world.alfa) == programme
    assert (
        Project.objects.count(),
        Decision.objects.count(),
        StatusReport.objects.count(),
    ) == counts
    ehandel = programme.projects.get(code="FD-EH")
    mandate = ehandel.mandate
    assert sum(line.hours for line in mandate.resources.all()) == 1960
    assert sum(line.cost for line in mandate.resources.all()) == Decimal("980000.00")
    assert mandate.sub_goals.count() == 5
    assert mandate.concepts.filter(is_zero=True).count() == 1
    assert ehandel.gates.get(code="BP1").status == Gate.Status.PASSED
    assert ehandel.milestones.get(code="1").status == Milestone.Status.APPROVED
    assert ehandel.status_reports.filter(state=StatusReport.State.PUBLISHED).count() == 2
    assert ehandel.status_reports.filter(state=StatusReport.State.DRAFT).count() == 1
    assert ehandel.risks.count() == 7
    plan = selectors.project_plan(ehandel)
    assert plan.schedule is not None and len(plan.schedule.critical_path) > 5
    assert not plan.schedule.conflicts
    assert {p.phase_model.library_key for p in programme.projects.all()} == set(LIBRARY)
    heat = selectors.portfolio_heat_map(world.alfa)
    assert [p.latest_status_report is not None for p in heat].count(True) == 1


def test_report_published_within_its_month_counts_late_from_today(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "today", lambda: datetime.date(2026, 1, 20))
    project = make_project(world, key="ehandel")
    early, later = project.milestones.order_by("planned_date")[:2]
    services.milestone_update(milestone=early, forecast_date=datetime.date(2026, 1, 10))
    services.milestone_update(milestone=later, forecast_date=datetime.date(2026, 1, 25))
    report = fill_report(
        services.status_report_create(project=project, period=datetime.date(2026, 1, 1))
    )
    snapshot = services.status_report_publish(report=report, user=world.office).snapshot
    assert [m["uuid"] for m in snapshot["milestones_late"]] == [str(early.uuid)]
    assert str(later.uuid) in [m["uuid"] for m in snapshot["milestones_due"]]
