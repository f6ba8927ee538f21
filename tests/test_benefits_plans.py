"""Benefit realisation plans (gevinstrealiseringsplan) per project and per organisation, as
DOCX and XLSX, reopened with python-docx and openpyxl and checked for the real figures of
the realisation in tests/test_benefits_plan_vs_actual.py (plan 260 000 kr a year, actual
227 500 kr in 2027 and 195 000 kr in 2028; A's own share 65 000 kr a year planned and
162 500 kr realised in 2027). Everyone in the collaboration downloads; the outsider gets 404."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from conftest import World
from samla.benefits import services as benefits
from samla.organisations.models import Organisation
from tests.test_benefits_plan_vs_actual import Realisation, build_realisation, kr

READERS = ["admin", "office", "editor_a", "editor_b", "viewer"]


@pytest.fixture
def realisation(world: World) -> Realisation:
    found = build_realisation(world)
    # a benefit with no indicator is in the plan all the same, as «mangler indikator»
    benefits.benefit_create(
        collaboration=world.alfa,
        title="Bedre kvalitet",
        benefit_class="non_priced",
        owner=world.office,
        project=found.project,
        organisations=[world.org_b],
    )
    return found


def project_url(realisation: Realisation, kind: str) -> str:
    return reverse(
        f"benefits:project_plan_{kind}",
        kwargs={"slug": "alfa", "project_id": realisation.project.uuid},
    )


def organisation_url(organisation: Organisation, kind: str) -> str:
    return reverse(
        f"benefits:organisation_plan_{kind}",
        kwargs={"slug": "alfa", "organisation_id": organisation.uuid},
    )


def docx_text(content: bytes) -> tuple[str, list[list[list[str]]]]:
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    return text, tables


def test_project_plan_docx_has_the_dfo_sections_and_figures(realisation: Realisation) -> None:
    response = realisation.world.client_for("viewer").get(project_url(realisation, "docx"))
    assert response.status_code == 200
    assert "gevinstrealiseringsplan-p-sak.docx" in response["Content-Disposition"]
    text, tables = docx_text(response.content)
    for heading in (
        "Gevinstrealiseringsplan for Prosjekt Saksbehandling",
        "1. Sammendrag",
        "2. Gevinstene",
        "Indikatorer, nullpunkt, mål og delmål",
        "Måleplan",
        "Siste målinger",
        "Plan mot faktisk",
        "Forutsetninger for realisering",
        "3. Slik beregnes status",
    ):
        assert heading in text
    assert "Alle bruker det nye systemet." in text
    assert "Mangler indikator: gevinsten kan ikke følges opp ennå." in text
    summary = tables[0]
    assert summary[0][:2] == ["Nr.", "Gevinst"]
    row = next(r for r in summary if r[1] == "Spart saksbehandlingstid Saksbehandling")
    assert row[6] == kr(520_000) and row[7] == kr(422_500)
    missing = next(r for r in summary if r[1] == "Bedre kvalitet")
    assert missing[5] == "Mangler indikator"
    flat = [r for t in tables for r in t]
    # indicator: baseline, target, status; measurement plan: frequency, method, source
    indicator = next(r for r in flat if r[0] == "Timer brukt per år" and len(r) == 7)
    assert indicator[2] == "1\xa0000 (01.01.2026)" and indicator[3] == "600 (31.12.2028)"
    plan_row = next(
        r for r in flat if r[0] == "Timer brukt per år" and len(r) == 5 and r[1] == "Kvartalsvis"
    )
    assert plan_row[2:4] == ["Uttrekk fra sakssystemet", "Sakssystemet"]
    # plan against actual per year, and per organisation
    assert ["2027", kr(260_000), kr(227_500), kr(-32_500).replace("-", "\u2212")] in flat
    assert ["2028", kr(260_000), kr(195_000), kr(-65_000).replace("-", "\u2212")] in flat
    # the March measurement for the whole benefit (65 000) is shared by population: A a quarter
    assert ["A kommune", "2027", kr(65_000), kr(178_750)] in flat
    assert not any(r[0] == "Felles" for r in flat if len(r) == 4)


def test_project_plan_xlsx_has_four_sheets_with_figures(realisation: Realisation) -> None:
    response = realisation.world.client_for("editor_a").get(project_url(realisation, "xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Gevinster", "Indikatorer", "Målinger", "Plan mot faktisk"]
    rows = list(workbook["Gevinster"].iter_rows(values_only=True))
    header = rows[0]
    spart = next(r for r in rows if r[1] == "Spart saksbehandlingstid Saksbehandling")
    assert spart[header.index("Plan (kr)")] == 520_000
    assert spart[header.index("Realisert (kr)")] == 422_500
    assert spart[header.index("Gevinstansvarlig")] == realisation.world.editor_a.get_full_name()
    assert next(r for r in rows if r[1] == "Bedre kvalitet")[header.index("Indikatorstatus")] == (
        "Mangler indikator"
    )
    indicators = list(workbook["Indikatorer"].iter_rows(values_only=True))
    head = indicators[0]
    hours = indicators[1]
    assert hours[head.index("Nullpunkt")] == 1000 and hours[head.index("Mål")] == 600
    assert hours[head.index("Kroner per enhet")] == 650
    assert hours[head.index("Siste verdi")] == 700
    assert hours[head.index("Datakilde")] == "Sakssystemet"
    assert hours[head.index("Siste måling")] == datetime.datetime(2028, 2, 1)
    assert len(list(workbook["Målinger"].iter_rows(values_only=True))) == 1 + 4
    pva = [r for r in workbook["Plan mot faktisk"].iter_rows(values_only=True)][1:]
    assert (
        "Spart saksbehandlingstid Saksbehandling",
        "A kommune",
        2027,
        65_000,
        178_750,
        113_750,
    ) in pva
    assert (
        "Spart saksbehandlingstid Saksbehandling",
        "B kommune",
        2028,
        195_000,
        195_000,
        0,
    ) in pva


def test_organisation_plan_holds_its_own_share(realisation: Realisation) -> None:
    world = realisation.world
    content = world.client_for("viewer").get(organisation_url(world.org_a, "xlsx")).content
    workbook = load_workbook(io.BytesIO(content))
    titles = [r[1] for r in workbook["Gevinster"].iter_rows(min_row=2, values_only=True)]
    assert titles == ["Spart saksbehandlingstid Saksbehandling"]  # «Bedre kvalitet» is B's
    header, *rows = list(workbook["Gevinster"].iter_rows(values_only=True))
    assert rows[0][header.index("Plan (kr)")] == 130_000  # A's quarter of 260 000, two years
    # own measurements and a quarter of the whole benefit's: 162 500 + 16 250
    assert rows[0][header.index("Realisert (kr)")] == 178_750
    pva = list(workbook["Plan mot faktisk"].iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in pva} == {"A kommune"}
    text, tables = docx_text(
        world.client_for("viewer").get(organisation_url(world.org_b, "docx")).content
    )
    assert "Gevinstrealiseringsplan for B kommune" in text
    assert "Organisasjon: B kommune" in text
    assert "Bedre kvalitet" in text


@pytest.mark.parametrize("persona", READERS)
def test_everyone_in_the_collaboration_downloads(realisation: Realisation, persona: str) -> None:
    client = realisation.world.client_for(persona)
    for address in (
        project_url(realisation, "docx"),
        project_url(realisation, "xlsx"),
        organisation_url(realisation.world.org_a, "docx"),
        organisation_url(realisation.world.org_b, "xlsx"),
    ):
        assert client.get(address).status_code == 200


def test_outsider_and_other_collaborations_objects_get_404(realisation: Realisation) -> None:
    world = realisation.world
    assert world.client_for("outsider").get(project_url(realisation, "docx")).status_code == 404
    # C kommune is a member of beta, not alfa
    assert world.client_for("admin").get(organisation_url(world.org_c, "xlsx")).status_code == 404
    assert world.client_for(None).get(project_url(realisation, "xlsx")).status_code == 302


def test_plan_list_offers_projects_and_organisations(realisation: Realisation) -> None:
    html = (
        realisation.world.client_for("viewer")
        .get(reverse("benefits:plan_list", kwargs={"slug": "alfa"}))
        .content.decode()
    )
    assert project_url(realisation, "docx") in html
    assert organisation_url(realisation.world.org_a, "xlsx") in html
    assert "C kommune" not in html


def test_plan_queries_do_not_grow_with_benefits(realisation: Realisation) -> None:
    client = realisation.world.client_for("viewer")
    address = project_url(realisation, "xlsx")
    client.get(address)
    with CaptureQueriesContext(connection) as few:
        client.get(address)
    for number in range(4):
        benefit = benefits.benefit_create(
            collaboration=realisation.world.alfa,
            title=f"Ekstra {number}",
            benefit_class="budget",
            owner=realisation.world.office,
            project=realisation.project,
        )
        indicator = benefits.indicator_create(
            benefit=benefit,
            name="Kroner",
            unit="kroner",
            baseline_value=Decimal(0),
            baseline_date=datetime.date(2026, 1, 1),
            target_value=Decimal(1000),
            target_date=datetime.date(2027, 1, 1),
        )
        benefits.indicator_target_set(
            indicator=indicator, date=datetime.date(2026, 6, 1), value=Decimal(500)
        )
        benefits.measurement_create(
            indicator=indicator, measured_on=datetime.date(2026, 8, 1), value=Decimal(400)
        )
    with CaptureQueriesContext(connection) as many:
        client.get(address)
    assert len(many) == len(few)
