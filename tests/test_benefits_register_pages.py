"""The benefit register pages: the register (behind plan first, «mangler indikator» listed,
filters with counts, XLSX reopened), a benefit's page (indicators with trajectory, status and
its rule, the chart's data and table, the business-case line), and creating, changing and
deleting benefits per persona, with bad input refused in Norwegian and nothing written.

The data: «G-01 Raskere saksbehandling» is owned by editor_b, accrues to A and is behind
plan; «G-02 Lavere lisenskostnader» is the office's, accrues to A and B, is on track and
linked to a business-case line; «G-03 Bedre tjenester» has no indicator."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import World
from samla.benefits import services
from samla.benefits.models import Benefit, Indicator, Measurement
from samla.benefits.selectors import STATUS_RULE
from samla.cases import services as case_services
from samla.cases.models import Line
from samla.governance import services as governance
from samla.governance.models import Programme, Project

PERSONAS = ["admin", "office", "editor_a", "editor_b", "viewer", "outsider"]
EVERYONE = {"admin", "office", "editor_a", "editor_b", "viewer"}
MANAGERS = {"admin", "office"}
CHANGE_G1 = MANAGERS | {"editor_b"}
MEASURE_G1 = CHANGE_G1 | {"editor_a"}
D = datetime.date


@dataclass
class Register:
    world: World
    programme: Programme
    project: Project
    line: Line
    slow: Benefit  # G-01, behind plan
    licences: Benefit  # G-02, on track
    services_benefit: Benefit  # G-03, no indicator
    hours: Indicator
    kroner: Indicator
    measurement: Measurement

    def client(self, persona: str | None) -> Client:
        return self.world.client_for(persona)


def build_register(world: World) -> Register:
    programme = governance.programme_create(collaboration=world.alfa, name="Digitalt løft")
    project = governance.project_create(
        collaboration=world.alfa,
        name="Felles saksbehandling",
        code="P-7",
        start=D(2026, 1, 5),
        organisations=[world.org_a],
        leader=world.editor_b,
        programme=programme,
    )
    case = case_services.case_create(
        collaboration=world.alfa, name="Felles lisenser", base_year=2026
    )
    alternative = case_services.alternative_create(
        version=case.versions.get(), name="Felles avtale"
    )
    line = case_services.line_create(
        alternative=alternative,
        kind="benefit",
        name="Lavere lisenskost",
        amount=Decimal(200_000),
        first_year=2027,
        last_year=2030,
    )
    slow = services.benefit_create(
        collaboration=world.alfa,
        code="G-01",
        title="Raskere saksbehandling",
        benefit_class="capacity",
        owner=world.editor_b,
        project=project,
        organisations=[world.org_a],
    )
    hours = services.indicator_create(
        benefit=slow,
        name="Timer brukt",
        unit="hours",
        baseline_value=Decimal(1000),
        baseline_date=D(2026, 1, 1),
        target_value=Decimal(600),
        target_date=D(2028, 1, 1),
        kroner_per_unit=Decimal(650),
    )
    services.indicator_target_set(indicator=hours, date=D(2027, 1, 1), value=Decimal(800))
    measurement = services.measurement_create(
        indicator=hours,
        measured_on=D(2026, 7, 1),
        value=Decimal(990),
        organisation=world.org_a,
        comment="Fra sakssystemet",
        user=world.editor_a,
    )
    licences = services.benefit_create(
        collaboration=world.alfa,
        code="G-02",
        title="Lavere lisenskostnader",
        benefit_class="budget",
        status="realising",
        owner=world.office,
        responsible=world.editor_a,
        programme=programme,
        case_line=line,
        organisations=[world.org_a, world.org_b],
    )
    kroner = services.indicator_create(
        benefit=licences,
        name="Lisenskostnad",
        unit="kroner",
        baseline_value=Decimal(500_000),
        baseline_date=D(2026, 1, 1),
        target_value=Decimal(300_000),
        target_date=D(2027, 12, 31),
    )
    services.measurement_create(
        indicator=kroner, measured_on=D(2026, 12, 31), value=Decimal(390_000)
    )
    services_benefit = services.benefit_create(
        collaboration=world.alfa,
        code="G-03",
        title="Bedre tjenester",
        benefit_class="non_priced",
        kind="qualitative",
        owner=world.office,
    )
    return Register(
        world,
        programme,
        project,
        line,
        slow,
        licences,
        services_benefit,
        hours,
        kroner,
        measurement,
    )


@pytest.fixture
def register(world: World) -> Register:
    return build_register(world)


def url(name: str, slug: str = "alfa", **kwargs: Any) -> str:
    return reverse(f"benefits:{name}", kwargs={"slug": slug, **kwargs})


UrlMaker = Callable[[Register], str]

GET_PAGES: list[tuple[str, UrlMaker, set[str]]] = [
    ("list", lambda r: url("benefit_list"), EVERYONE),
    ("xlsx", lambda r: url("benefit_list_xlsx"), EVERYONE),
    ("create", lambda r: url("benefit_create"), MANAGERS),
    ("detail", lambda r: url("benefit_detail", benefit_id=r.slow.uuid), EVERYONE),
    ("edit G-01", lambda r: url("benefit_edit", benefit_id=r.slow.uuid), CHANGE_G1),
    (
        "edit G-02 (responsible A's editor)",
        lambda r: url("benefit_edit", benefit_id=r.licences.uuid),
        MANAGERS | {"editor_a"},
    ),
]


@pytest.mark.parametrize("page", GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_get_page_per_persona(register: Register, page: tuple[str, UrlMaker, set[str]]) -> None:
    _, make_url, allowed = page
    address = make_url(register)
    for persona in PERSONAS:
        response = register.client(persona).get(address)
        expected = 200 if persona in allowed else 404 if persona == "outsider" else 403
        assert response.status_code == expected, f"{persona} on {address}: {response.status_code}"
        if persona == "outsider":
            assert b"Raskere saksbehandling" not in response.content
    assert register.client(None).get(address).status_code == 302


def test_benefits_of_another_collaboration_are_404(register: Register) -> None:
    client = register.client("outsider")
    for name in ("benefit_detail", "benefit_edit"):
        assert client.get(url(name, "beta", benefit_id=register.slow.uuid)).status_code == 404
    assert (
        client.post(url("benefit_delete", "beta", benefit_id=register.slow.uuid)).status_code == 404
    )
    assert Benefit.objects.count() == 3


# --- The register -------------------------------------------------------------------------


def _titles(content: bytes) -> list[str]:
    text = content.decode()
    found = [(text.find(t), t) for t in ("Raskere", "Lavere lisenskostnader", "Bedre tjenester")]
    return [t for position, t in sorted(found) if position >= 0]


def test_register_lists_behind_plan_first_and_never_hides_a_benefit_without_indicator(
    register: Register,
) -> None:
    response = register.client("viewer").get(url("benefit_list"))
    assert response.status_code == 200
    body = response.content.decode()
    table = body[body.index("<table") :]
    assert _titles(table.encode()) == ["Raskere", "Lavere lisenskostnader", "Bedre tjenester"]
    assert "Mangler indikator" in table
    assert 'data-color="danger" data-size="sm">Bak plan' in table
    assert 'data-color="success" data-size="sm">I rute' in table
    assert str(STATUS_RULE)[:40] in body
    # the viewer gets no buttons to register or import
    assert url("benefit_create") not in body
    assert url("measurement_import") not in body


def test_register_filters_with_counts(register: Register) -> None:
    client = register.client("viewer")
    body = client.get(url("benefit_list")).content.decode()
    assert "Bak plan (1)" in body
    assert "Mangler indikator (1)" in body
    assert "A kommune (2)" in body
    assert "B kommune (1)" in body
    assert "Digitalt løft (2)" in body  # G-02 directly, G-01 through its project

    response = client.get(url("benefit_list"), {"indikator": "missing_indicator"})
    assert _titles(response.content) == ["Bedre tjenester"]
    response = client.get(url("benefit_list"), {"organisasjon": str(register.world.org_b.uuid)})
    assert _titles(response.content) == ["Lavere lisenskostnader"]
    body = response.content.decode()
    # the other filters count among B's benefits only
    assert "I rute (1)" in body and "Bak plan (0)" in body
    response = client.get(url("benefit_list"), {"prosjekt": str(register.project.uuid)})
    assert _titles(response.content) == ["Raskere"]
    response = client.get(url("benefit_list"), {"klasse": "budget", "status": "realising"})
    assert _titles(response.content) == ["Lavere lisenskostnader"]
    response = client.get(url("benefit_list"), {"status": "realised"})
    assert "Ingen gevinster passer filteret." in response.content.decode()
    # an unknown value is ignored, not an error
    response = client.get(url("benefit_list"), {"indikator": "tull", "organisasjon": "x"})
    assert response.status_code == 200
    assert len(_titles(response.content)) == 3


def test_register_xlsx_has_benefits_and_indicators_with_latest_measurement(
    register: Register,
) -> None:
    response = register.client("viewer").get(url("benefit_list_xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('gevinstregister-alfa.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    benefits = list(workbook["Gevinster"].iter_rows(values_only=True))
    assert benefits[0][:5] == ("Nummer", "Gevinst", "Gevinstklasse", "Type", "Status")
    assert [row[0] for row in benefits[1:]] == ["G-01", "G-02", "G-03"]
    g3 = benefits[3]
    assert g3[10] == 0 and g3[11] == "Mangler indikator"
    assert benefits[1][7] == "A kommune" and benefits[2][7] == "A kommune, B kommune"
    indicators = list(workbook["Indikatorer"].iter_rows(values_only=True))
    header = indicators[0]
    rows = {row[2]: dict(zip(header, row, strict=True)) for row in indicators[1:]}
    hours = rows["Timer brukt"]
    assert hours["Siste måling"] == 990
    assert hours["Siste måling (dato)"] == datetime.datetime(2026, 7, 1)
    assert hours["Status"] == "Bak plan"
    assert hours["Realisert (%)"] == 2.5
    assert rows["Lisenskostnad"]["Status"] == "I rute"
    assert rows["Lisenskostnad"]["Realisert (%)"] == 55.0
    # filtered like the page
    response = register.client("viewer").get(url("benefit_list_xlsx"), {"klasse": "budget"})
    sheet = load_workbook(io.BytesIO(response.content))["Gevinster"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["G-02"]


# --- A benefit's page ---------------------------------------------------------------------


def test_detail_shows_indicators_trajectory_status_rule_and_measurements(
    register: Register,
) -> None:
    response = register.client("viewer").get(url("benefit_detail", benefit_id=register.slow.uuid))
    body = response.content.decode()
    assert "Timer brukt" in body
    assert "Bak plan" in body and str(STATUS_RULE)[:40] in body
    assert "Fra sakssystemet" in body
    assert "2,5\xa0%" in body  # realised 2,5 % of the way
    chart_id = f"trajectory-{register.hours.uuid}"
    assert f'data-trajectory="{chart_id}"' in body
    start = body.index(f'id="{chart_id}"')
    data = json.loads(body[body.index(">", start) + 1 : body.index("</script>", start)])
    assert data["planned"] == [["2026-01-01", 1000.0], ["2027-01-01", 800.0], ["2028-01-01", 600.0]]
    assert data["measured"] == [["2026-07-01", 990.0]]
    # the table holds the same numbers: the measurement's date with its planned value
    assert "01.07.2026" in body and "990" in body
    assert "Delmål" in body
    # the viewer gets no buttons
    assert url("benefit_edit", benefit_id=register.slow.uuid) not in body
    assert url("measurement_create", indicator_id=register.hours.uuid) not in body


def test_detail_links_project_programme_and_case_version(register: Register) -> None:
    body = (
        register.client("viewer")
        .get(url("benefit_detail", benefit_id=register.licences.uuid))
        .content.decode()
    )
    version = register.line.alternative.version
    assert reverse("cases:version_detail", args=["alfa", version.uuid]) in body
    assert "Lavere lisenskost" in body
    assert reverse("governance:programme_detail", args=["alfa", register.programme.uuid]) in body


def test_detail_of_a_benefit_without_indicator_says_so(register: Register) -> None:
    body = (
        register.client("office")
        .get(url("benefit_detail", benefit_id=register.services_benefit.uuid))
        .content.decode()
    )
    assert "Mangler indikator" in body
    assert url("indicator_create", benefit_id=register.services_benefit.uuid) in body


def test_editor_of_a_benefits_organisation_sees_the_measure_button(register: Register) -> None:
    body = (
        register.client("editor_a")
        .get(url("benefit_detail", benefit_id=register.slow.uuid))
        .content.decode()
    )
    assert url("measurement_create", indicator_id=register.hours.uuid) in body
    assert url("measurement_edit", measurement_id=register.measurement.uuid) in body
    assert url("indicator_edit", indicator_id=register.hours.uuid) not in body


# --- Create, edit, delete -------------------------------------------------------------------


def _benefit_post(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "code": "G-09",
        "title": "Færre manuelle registreringer",
        "description": "",
        "benefit_class": "capacity",
        "kind": "direct",
        "status": "planned",
        "owner": str(world.editor_a.uuid),
        "responsible": "",
        "organisations": [str(world.org_a.uuid)],
        "project": "",
        "programme": "",
        "case_line": "",
        "preconditions": "",
    }
    data.update(overrides)
    return data


def test_office_registers_a_benefit(register: Register) -> None:
    world = register.world
    data = _benefit_post(world, case_line=str(register.line.uuid))
    response = register.client("office").post(url("benefit_create"), data)
    benefit = Benefit.objects.get(code="G-09")
    assert response.status_code == 302
    assert response["Location"] == url("benefit_detail", benefit_id=benefit.uuid)
    assert benefit.owner == world.editor_a and benefit.case_line == register.line
    assert list(benefit.organisations.all()) == [world.org_a]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"owner": ""}, "En gevinst må ha en gevinsteier."),
        (
            {"title": "Raskere saksbehandling"},
            "Samarbeidet har allerede en gevinst med denne tittelen.",
        ),
        ({"code": "G-01"}, "Nummeret er allerede i bruk."),
        ({"benefit_class": "tull"}, "Velg et gyldig valg"),
        ({"organisations": ["00000000-0000-0000-0000-000000000000"]}, "Velg et gyldig valg"),
    ],
)
def test_bad_benefit_is_refused_and_nothing_written(
    register: Register, overrides: dict[str, Any], message: str
) -> None:
    before = Benefit.objects.count()
    response = register.client("office").post(
        url("benefit_create"), _benefit_post(register.world, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Ingenting er lagret" in response.content.decode()
    assert Benefit.objects.count() == before


def test_case_line_of_another_collaboration_or_a_cost_is_not_offered(register: Register) -> None:
    cost = case_services.line_create(
        alternative=register.line.alternative,
        kind="operating",
        name="Drift",
        amount=Decimal(10),
        first_year=2027,
        last_year=2027,
    )
    response = register.client("office").post(
        url("benefit_create"), _benefit_post(register.world, case_line=str(cost.uuid))
    )
    assert "Velg et gyldig valg" in response.content.decode()
    assert not Benefit.objects.filter(code="G-09").exists()


def test_owner_edits_their_benefit_and_cannot_remove_the_owner(register: Register) -> None:
    world = register.world
    client = register.client("editor_b")
    address = url("benefit_edit", benefit_id=register.slow.uuid)
    form = client.get(address).content.decode()
    assert f'value="{world.editor_b.uuid}" selected' in form
    data = _benefit_post(
        world,
        code="G-01",
        title="Raskere saksbehandling",
        owner=str(world.editor_b.uuid),
        project=str(register.project.uuid),
        status="realising",
        _version=register.slow.version,
    )
    response = client.post(address, {**data, "owner": ""})
    assert "En gevinst må ha en gevinsteier." in response.content.decode()
    register.slow.refresh_from_db()
    assert register.slow.status == "identified" and register.slow.owner == world.editor_b
    response = client.post(address, data)
    assert response.status_code == 302
    register.slow.refresh_from_db()
    assert register.slow.status == "realising"


def test_measured_organisation_cannot_be_removed(register: Register) -> None:
    world = register.world
    data = _benefit_post(
        world,
        code="G-01",
        title="Raskere saksbehandling",
        owner=str(world.editor_b.uuid),
        organisations=[str(world.org_b.uuid)],
        _version=register.slow.version,
    )
    response = register.client("office").post(
        url("benefit_edit", benefit_id=register.slow.uuid), data
    )
    assert "Det finnes målinger for A kommune" in response.content.decode()
    assert list(register.slow.organisations.all()) == [world.org_a]


def test_stale_edit_gets_the_conflict_page(register: Register) -> None:
    world = register.world
    data = _benefit_post(
        world,
        code="G-01",
        title="Raskere saksbehandling",
        owner=str(world.editor_b.uuid),
        _version=register.slow.version,
    )
    services.benefit_update(benefit=register.slow, description="Endret av en annen")
    response = register.client("office").post(
        url("benefit_edit", benefit_id=register.slow.uuid), data
    )
    assert response.status_code == 409
    register.slow.refresh_from_db()
    assert register.slow.description == "Endret av en annen"


def test_measured_benefit_is_not_deleted(register: Register) -> None:
    client = register.client("office")
    response = client.post(url("benefit_delete", benefit_id=register.slow.uuid), follow=True)
    assert "Gevinsten har målinger og kan ikke slettes." in response.content.decode()
    assert Benefit.objects.filter(pk=register.slow.pk).exists()


def test_only_managers_delete_a_benefit(register: Register) -> None:
    address = url("benefit_delete", benefit_id=register.services_benefit.uuid)
    assert register.client("editor_b").post(address).status_code == 403
    assert register.client("office").get(address).status_code == 405
    assert Benefit.objects.filter(pk=register.services_benefit.pk).exists()
    response = register.client("office").post(address)
    assert response["Location"] == url("benefit_list")
    assert not Benefit.objects.filter(pk=register.services_benefit.pk).exists()


def _count_queries(client: Client, address: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_register_and_its_xlsx_take_the_same_number_of_queries_for_more_benefits(
    register: Register,
) -> None:
    client = register.client("office")
    small = {a: _count_queries(client, a) for a in (url("benefit_list"), url("benefit_list_xlsx"))}
    world = register.world
    for n in range(6):
        benefit = services.benefit_create(
            collaboration=world.alfa,
            title=f"Ekstra {n}",
            benefit_class="capacity",
            owner=world.editor_a,
            project=register.project,
            programme=register.programme,
            organisations=[world.org_a, world.org_b],
        )
        indicator = services.indicator_create(
            benefit=benefit,
            name="Timer",
            unit="hours",
            baseline_value=Decimal(100),
            baseline_date=D(2026, 1, 1),
            target_value=Decimal(50),
            target_date=D(2027, 1, 1),
        )
        services.indicator_target_set(indicator=indicator, date=D(2026, 6, 1), value=Decimal(80))
        for month in (3, 6):
            services.measurement_create(
                indicator=indicator, measured_on=D(2026, month, 1), value=Decimal(90)
            )
    for address, before in small.items():
        assert _count_queries(client, address) == before, address


def test_register_pages_while_order_counts_and_xlsx_cover_every_benefit(
    register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samla.benefits.views import register as register_views

    monkeypatch.setattr(register_views, "REGISTER_PAGE_SIZE", 2)
    client = register.client("viewer")
    first = client.get(url("benefit_list")).content.decode()
    # behind plan first on page 1; the one without indicator on page 2
    assert _titles(first[first.index("<table") :].encode()) == [
        "Raskere",
        "Lavere lisenskostnader",
    ]
    assert "3 gevinster" in first  # the caption counts every benefit
    assert "Side 1 av 2" in first and "side=2" in first
    assert "Mangler indikator (1)" in first and "A kommune (2)" in first
    second = client.get(url("benefit_list"), {"side": 2}).content.decode()
    assert _titles(second[second.index("<table") :].encode()) == ["Bedre tjenester"]
    assert "Side 2 av 2" in second
    # the download holds every benefit, not one page
    response = client.get(url("benefit_list_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content))["Gevinster"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "G-01",
        "G-02",
        "G-03",
    ]


def test_register_entries_agree_with_the_full_rows(register: Register) -> None:
    from samla.benefits import selectors

    day = D(2026, 11, 1)
    entries = selectors.register_entries(register.world.alfa, today=day)
    rows = selectors.benefits_with_progress(register.world.alfa, today=day)
    assert [e.pk for e in entries] == [r.benefit.pk for r in rows]
    assert [e.worst for e in entries] == [r.worst for r in rows]
    assert [[i.assessment for i in e.indicators] for e in entries] == [
        [p.assessment for p in r.indicators] for r in rows
    ]
