"""The decision memo («Notat for beslutning») of a scenario, reopened with python-docx: the
pot per member, the criteria and weights, the chosen proposals with value and cost, the
roadmap, what was left out and why, the comparison with the other scenarios and the proposed
decision text — with the real figures. Before the first run it still opens and says so."""

from __future__ import annotations

import io

from django.urls import reverse
from docx import Document

from conftest import World
from samla.portfolio import services
from samla.portfolio.models import Scenario
from tests.test_portfolio_scenario_pages import build_portfolio, decision


def _open(world: World, scenario: Scenario) -> tuple[str, list[list[list[str]]]]:
    response = world.client_for("viewer").get(
        reverse("portfolio:scenario_docx", kwargs={"slug": "alfa", "scenario_id": scenario.uuid})
    )
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="notat-for-beslutning-grunnscenario.docx"'
    )
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    return text, tables


def _table(tables: list[list[list[str]]], first_header: str, second_header: str) -> list[list[str]]:
    return next(t for t in tables if t[0][:2] == [first_header, second_header])


def test_the_memo_has_the_real_figures(world: World) -> None:
    portfolio = build_portfolio(world)
    other = services.scenario_create(
        collaboration=world.alfa,
        name="Skole først",
        first_year=2027,
        years=2,
        carry_forward=False,
        forced_in=[portfolio.school],
    )
    services.scenario_run(scenario=other)
    text, tables = _open(world, portfolio.scenario)
    assert "Notat for beslutning" in text
    header = _table(tables, "Felt", "Innhold")
    assert ["Emne", "Investeringsporteføljen 2027–2028: scenarioet «Grunnscenario»"] in header
    pot = _table(tables, "Medlem", "2027")
    assert ["B kommune", "3\u00a0000\u00a0000\u00a0kr", "3\u00a0000\u00a0000\u00a0kr"] in pot
    assert ["Sum", "4\u00a0000\u00a0000\u00a0kr", "4\u00a0000\u00a0000\u00a0kr"] in pot
    criteria = _table(tables, "Kriterium", "Vekt")
    assert criteria[1][:2] == ["Gevinst for innbyggerne", "60,0\u00a0%"]
    chosen = _table(tables, "Nr.", "Forslag")
    assert chosen[1] == [
        "1",
        "Felles sak/arkiv",
        "A kommune",
        "92,0",
        "2\u00a0500\u00a0000\u00a0kr",
    ]
    assert chosen[2][:2] == ["2", "E-handel"]
    assert (
        "velger 2 forslag med samlet verdi 156,0 og samlet kostnad 3\u00a0500\u00a0000\u00a0kr"
        in text
    )
    roadmap = _table(tables, "Forslag", "Oppstart")
    assert roadmap[1][:3] == ["Felles sak/arkiv", "2027", "1\u00a0500\u00a0000\u00a0kr"]
    left = _table(tables, "Forslag", "Verdi")
    reasons = {row[0]: row[3] for row in left[1:]}
    assert reasons["Felles IAM"] == "Forutsetter «Velferdsteknologi», som ikke er valgt."
    assert reasons["Skoleadministrativt system"] == "Utelukkes av «Felles sak/arkiv», som er valgt."
    assert reasons["Velferdsteknologi"].startswith("Budsjettet: 2027 mangler")
    comparison = _table(tables, "Scenario", "Verdi")
    assert comparison[1][:2] == ["Grunnscenario", "156,0"] and comparison[2][:2] == [
        "Skole først",
        "128,0",
    ]
    assert "Porteføljestyret velger scenarioet «Grunnscenario» for 2027–2028" in text
    assert "Felles sak/arkiv, E-handel" in text

    services.scenario_record_decision(scenario=portfolio.scenario, decision=decision(world))
    text, tables = _open(world, Scenario.objects.get(pk=portfolio.scenario.pk))
    assert "Vedtatt: PFS 1/2026" in text
    assert ["Til", "Porteføljestyret"] in _table(tables, "Felt", "Innhold")


def test_an_unsolved_scenario_gives_a_memo_that_says_so(world: World) -> None:
    portfolio = build_portfolio(world)
    Scenario.objects.filter(pk=portfolio.scenario.pk).update(result=None, solved_at=None)
    text, tables = _open(world, Scenario.objects.get(pk=portfolio.scenario.pk))
    assert "Scenarioet er ikke beregnet ennå." in text
    assert _table(tables, "Kriterium", "Vekt")[2][0] == "Økonomisk gevinst"
