"""Plan versus actual with the business case.

The case «Saksbehandling» (base year 2026, four years) has an alternative with a time saving
line of 400 hours a year in 2027–2028. The benefit «Spart saksbehandlingstid» is linked to
it; its indicator is hours, 1000 → 600, at 650 kr an hour. So the PLAN is 400 × 650 =
260 000 kr a year, split by population (A 10 000, B 30 000: a quarter and three quarters)
into 65 000 and 195 000 kr. The ACTUAL is the latest measurement in each year made kroner,
(value − 1000) × 650 × −1 (fewer hours is better):
- 2027: A measured 800 in June and 750 in December → 250 × 650 = 162 500 kr; a measurement
  for no organisation of 900 in March → 65 000 kr for the whole benefit, shared by the plan's
  key: 16 250 to A and 48 750 to B;
- 2028: B measured 700 → 195 000 kr.
Only an approved version is a plan: a draft's benefit gets a note and no plan."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World
from samla.benefits import selectors_reports
from samla.benefits import services as benefits
from samla.benefits.models import Benefit, Indicator
from samla.cases import services as cases
from samla.cases.models import CaseVersion, Line
from samla.governance import services as gov
from samla.governance.models import Programme, Project

NBSP = "\xa0"


def case_document(name: str, hours: int = 400) -> dict[str, Any]:
    return {
        "name": name,
        "base_year": 2026,
        "years": 4,
        "alternatives": [
            {
                "name": "Null",
                "zero": True,
                "lines": [{"kind": "operating", "name": "Drift", "amount": 500_000}],
            },
            {
                "name": "Nytt system",
                "lines": [
                    {"kind": "investment", "name": "Innføring", "amount": 900_000, "year": 2026},
                    {"kind": "operating", "name": "Drift", "amount": 300_000},
                    {
                        "kind": "time_saving",
                        "name": "Spart tid",
                        "hours": hours,
                        "from": 2027,
                        "to": 2028,
                    },
                ],
            },
        ],
        "monte_carlo": {"iterations": 200, "seed": 2},
    }


@dataclass
class Realisation:
    world: World
    programme: Programme
    project: Project
    version: CaseVersion
    line: Line
    benefit: Benefit
    indicator: Indicator


def build_realisation(
    world: World, *, approved: bool = True, name: str = "Saksbehandling"
) -> Realisation:
    programme = gov.programme_create(collaboration=world.alfa, name=f"Program {name}")
    project = gov.project_create(
        collaboration=world.alfa,
        name=f"Prosjekt {name}",
        code=f"P-{name[:3]}",
        start=datetime.date(2026, 1, 1),
        organisations=[world.org_a, world.org_b],
        leader=world.editor_b,
        programme=programme,
    )
    case = cases.case_import(collaboration=world.alfa, document=case_document(name))
    version = case.versions.get()
    if approved:
        version = cases.version_freeze(version=version, stage="approved", user=world.office)
    line = Line.objects.get(alternative__version=version, name="Spart tid")
    benefit = benefits.benefit_create(
        collaboration=world.alfa,
        title=f"Spart saksbehandlingstid {name}",
        code=f"G-{name[:3]}",
        benefit_class="capacity",
        owner=world.editor_b,
        responsible=world.editor_a,
        project=project,
        case_line=line,
        organisations=[world.org_a, world.org_b],
        preconditions="Alle bruker det nye systemet.",
    )
    indicator = benefits.indicator_create(
        benefit=benefit,
        name="Timer brukt per år",
        unit="hours",
        baseline_value=Decimal(1000),
        baseline_date=datetime.date(2026, 1, 1),
        target_value=Decimal(600),
        target_date=datetime.date(2028, 12, 31),
        kroner_per_unit=Decimal(650),
        frequency="quarterly",
        method="Uttrekk fra sakssystemet",
        data_source="Sakssystemet",
    )
    for day, value, organisation in (
        (datetime.date(2027, 3, 1), 900, None),
        (datetime.date(2027, 6, 1), 800, world.org_a),
        (datetime.date(2027, 12, 1), 750, world.org_a),
        (datetime.date(2028, 2, 1), 700, world.org_b),
    ):
        benefits.measurement_create(
            indicator=indicator, measured_on=day, value=Decimal(value), organisation=organisation
        )
    return Realisation(world, programme, project, version, line, benefit, indicator)


@pytest.fixture
def realisation(world: World) -> Realisation:
    return build_realisation(world)


def kr(amount: int) -> str:
    text = f"{amount:,}".replace(",", NBSP)
    return f"{text}{NBSP}kr"


def test_plan_is_the_line_in_kroner_split_by_population(realisation: Realisation) -> None:
    pva = selectors_reports.benefit_plan_versus_actual(realisation.benefit)
    assert pva.plan_counts
    assert pva.notes == ["Målinger for hele gevinsten er fordelt etter samme nøkkel som planen."]
    assert pva.rate == Decimal(650)
    assert pva.years == [2027, 2028]
    totals = {cell.year: (cell.plan, cell.actual) for cell in pva.totals}
    assert totals == {
        2027: (Decimal("260000.00"), Decimal("227500.00")),
        2028: (Decimal("260000.00"), Decimal("195000.00")),
    }
    rows = {row.name: {c.year: (c.plan, c.actual) for c in row.cells} for row in pva.rows}
    # the whole benefit's 65 000 in 2027 is shared like the plan; no «Felles» row is left
    assert list(rows) == ["A kommune", "B kommune"]
    assert rows["A kommune"] == {
        2027: (Decimal("65000.00"), Decimal("178750.00")),
        2028: (Decimal("65000.00"), None),
    }
    assert rows["B kommune"] == {
        2027: (Decimal("195000.00"), Decimal("48750.00")),
        2028: (Decimal("195000.00"), Decimal("195000.00")),
    }
    assert pva.plan == Decimal("520000.00") and pva.actual == Decimal("422500.00")


def test_organisation_rows_sum_to_the_total_each_year(world: World) -> None:
    """A's own measurement counts for A only; the whole benefit's are shared by the plan's
    key (a quarter to A, three quarters to B), to the øre."""
    realisation = build_realisation(world)
    benefits.measurement_create(
        indicator=realisation.indicator,
        measured_on=datetime.date(2028, 9, 1),
        value=Decimal("640.01"),
        organisation=None,
    )
    pva = selectors_reports.benefit_plan_versus_actual(realisation.benefit)
    assert [row.name for row in pva.rows] == ["A kommune", "B kommune"]
    for index, total in enumerate(pva.totals):
        actuals = [row.cells[index].actual or Decimal(0) for row in pva.rows]
        plans = [row.cells[index].plan or Decimal(0) for row in pva.rows]
        assert sum(actuals, Decimal(0)) == total.actual, total.year
        assert sum(plans, Decimal(0)) == total.plan, total.year
    rows = {row.name: {c.year: c.actual for c in row.cells} for row in pva.rows}
    # 2028: B's own 195 000; the whole benefit's 359,99 h × 650 = 233 993,50 shared 1:3
    assert rows["A kommune"][2028] == Decimal("58498.38")
    assert rows["B kommune"][2028] == Decimal("195000.00") + Decimal("175495.12")
    assert pva.actual == Decimal("227500.00") + Decimal("195000.00") + Decimal("233993.50")


def test_a_line_with_its_own_key_is_split_by_it(world: World) -> None:
    from samla.organisations import services as org_services

    key = org_services.cost_sharing_key_create(
        collaboration=world.alfa, name="Likt", method="equal"
    )
    document = case_document("Lik deling")
    document["alternatives"][1]["lines"][2]["split"] = "equal"
    case = cases.case_import(collaboration=world.alfa, document=document)
    version = cases.version_freeze(version=case.versions.get(), stage="approved", user=world.office)
    line = Line.objects.get(alternative__version=version, name="Spart tid")
    assert line.split_key == key
    benefit = benefits.benefit_create(
        collaboration=world.alfa,
        title="Likt delt",
        benefit_class="capacity",
        owner=world.office,
        case_line=line,
    )
    pva = selectors_reports.benefit_plan_versus_actual(benefit)
    # no priced indicator: hours at the case's own rate (500 kr) → 200 000 kr a year
    rows = {row.name: row.cells[0].plan for row in pva.rows}
    assert rows == {"A kommune": Decimal("100000.00"), "B kommune": Decimal("100000.00")}
    assert "Gevinsten mangler indikator, så ingenting er målt." in pva.notes


def test_a_draft_version_is_no_plan(world: World) -> None:
    draft = build_realisation(world, approved=False)
    pva = selectors_reports.benefit_plan_versus_actual(draft.benefit)
    assert not pva.plan_counts
    assert pva.plan is None
    assert pva.actual == Decimal("422500.00")  # the measurements still count
    assert any("utkast" in note for note in pva.notes)


def test_benefit_page_shows_plan_and_actual(realisation: Realisation) -> None:
    address = reverse(
        "benefits:benefit_plan_vs_actual",
        kwargs={"slug": "alfa", "benefit_id": realisation.benefit.uuid},
    )
    for persona in ("admin", "editor_a", "viewer"):
        html = realisation.world.client_for(persona).get(address).content.decode()
        assert kr(260_000) in html and kr(227_500) in html and kr(195_000) in html
        assert f"{kr(65_000)} / {kr(178_750)}" in html
        assert "fordelt etter samme nøkkel som planen" in html
    assert realisation.world.client_for("outsider").get(address).status_code == 404


def test_draft_note_on_the_benefit_page(world: World) -> None:
    draft = build_realisation(world, approved=False, name="Utkast")
    address = reverse(
        "benefits:benefit_plan_vs_actual",
        kwargs={"slug": "alfa", "benefit_id": draft.benefit.uuid},
    )
    html = world.client_for("viewer").get(address).content.decode()
    assert "Business case-versjonen er et utkast" in html


def test_case_version_page_lists_linked_benefits(realisation: Realisation) -> None:
    address = reverse(
        "cases:version_detail",
        kwargs={"slug": "alfa", "version_id": realisation.version.uuid},
    )
    html = realisation.world.client_for("viewer").get(address).content.decode()
    assert 'id="linked-benefits"' in html
    assert "Spart saksbehandlingstid Saksbehandling" in html
    assert kr(520_000) in html and kr(422_500) in html


def _case_page_queries(world: World, version: CaseVersion) -> int:
    address = reverse("cases:version_detail", kwargs={"slug": "alfa", "version_id": version.uuid})
    client = world.client_for("viewer")
    client.get(address)  # warm the session and caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_case_version_page_queries_do_not_grow_with_benefits(realisation: Realisation) -> None:
    few = _case_page_queries(realisation.world, realisation.version)
    for number in range(3):
        benefit = benefits.benefit_create(
            collaboration=realisation.world.alfa,
            title=f"Ekstra {number}",
            benefit_class="capacity",
            owner=realisation.world.office,
            case_line=realisation.line,
            organisations=[realisation.world.org_a],
        )
        indicator = benefits.indicator_create(
            benefit=benefit,
            name="Timer",
            unit="hours",
            baseline_value=Decimal(100),
            baseline_date=datetime.date(2026, 1, 1),
            target_value=Decimal(50),
            target_date=datetime.date(2028, 1, 1),
            kroner_per_unit=Decimal(600),
        )
        benefits.measurement_create(
            indicator=indicator,
            measured_on=datetime.date(2027, 5, 1),
            value=Decimal(80),
            organisation=realisation.world.org_a,
        )
    assert _case_page_queries(realisation.world, realisation.version) == few
