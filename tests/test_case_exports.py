"""Business-case exports: the workbook's formulas, recalculated by a formula engine
(``formulas``), give the engine's NPVs; the DOCX report has its sections and figures.

The two documented examples are imported without their organisations and splits (the
test collaboration has its own members) and without correlations (Samla does not store
them); neither changes an NPV. The Oslo file's optimism bias ``{investment: 0.1}`` becomes
the preset with the same numbers (Samla stores presets).
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import formulas
import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from conftest import World
from samla.cases import services
from samla.cases.document import evaluate_version, parse_document, version_document
from samla.cases.exports import version_docx, version_xlsx
from samla.cases.models import BusinessCase, CaseVersion, Effect
from samla.core.templatetags.samla import nok
from samla.core.xlsx import neutralise
from samla.finance.evaluate import CaseResult, to_json_dict

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
ITERATIONS = 2_000  # enough for the report's figures; the NPVs do not depend on it


def load_example(name: str) -> dict[str, Any]:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else yaml.safe_load(text)


def without_organisations(document: dict[str, Any]) -> dict[str, Any]:
    """The document for a collaboration with other members: no organisations, splits or
    correlations; fewer Monte Carlo draws."""
    document = copy.deepcopy(document)
    for field in ("organisations", "split", "correlations", "sources"):
        document.pop(field, None)
    for alternative in document["alternatives"]:
        for line in alternative.get("lines", []):
            line.pop("split", None)
    if document.get("optimism_bias") == {"investment": 0.1}:
        document["optimism_bias"] = "green_book_it_lower"  # the same numbers, as Samla stores it
    document["monte_carlo"] = {"iterations": ITERATIONS, "seed": 7}
    return document


# Tax financing with benefits that change budgets (the tax cost turns into a gain in some
# years), the Green Book IT upper optimism bias, every distribution, hours saved, a
# residual value, and a name that a spreadsheet would take for a formula.
TAX_AND_BIAS = {
    "name": "=Skatt og optimisme",
    "description": "+En sak som prøver formlene.",
    "base_year": 2026,
    "years": 6,
    "discount_rate": 0.035,
    "hourly_rate": 650,
    "tax_financing": True,
    "optimism_bias": "green_book_it_upper",
    "alternatives": [
        {
            "name": "Dagens løsning",
            "zero": True,
            "lines": [
                {"kind": "operating", "name": "Drift i dag", "amount": 900_000},
                {"kind": "benefit", "name": "Gebyrinntekter", "amount": 100_000},
            ],
        },
        {
            "name": "=Nytt system [skyløsning]: fase 1/2",
            "lines": [
                {
                    "kind": "investment",
                    "name": "-Etablering",
                    "amount": {"min": 1_000_000, "mode": 1_500_000, "max": 3_000_000},
                    "year": 2026,
                },
                {
                    "kind": "operating",
                    "name": "Lisens",
                    "amount": {"min": 300_000, "mode": 400_000, "max": 600_000, "dist": "pert"},
                    "from": 2027,
                },
                {
                    "kind": "benefit",
                    "name": "Sparte porto og trykk",
                    "amount": {"mean": 700_000, "sd": 100_000},
                    "from": 2027,
                },
                {
                    "kind": "benefit",
                    "name": "Salg av gammel maskinvare",
                    "amount": {"min": 50_000, "max": 150_000},
                    "year": 2027,
                },
                {
                    "kind": "time_saving",
                    "name": "Raskere saksbehandling",
                    "hours": {"min": 1_000, "mode": 2_500, "max": 4_000},
                    "from": 2028,
                },
                {
                    "kind": "time_saving",
                    "name": "Selvbetjening",
                    "hours": 800,
                    "from": 2028,
                    "budget": True,
                },
                {"kind": "residual", "name": "Restverdi", "amount": 250_000, "year": 2031},
            ],
        },
        {
            "name": "Utsett et år",
            "lines": [{"kind": "operating", "name": "Drift", "amount": 950_000}],
        },
    ],
    "monte_carlo": {"iterations": ITERATIONS, "seed": 11},
}

CASES = {
    "e-handel": lambda: without_organisations(load_example("e-handel-knutepunkt-sorlandet.yaml")),
    "oslo": lambda: without_organisations(load_example("systemkonsolidering-oslo.json")),
    "tax-and-bias": lambda: copy.deepcopy(TAX_AND_BIAS),
}


def import_case(world: World, document: dict[str, Any]) -> CaseVersion:
    case = services.case_import(collaboration=world.alfa, document=document)
    return case.versions.get()


def recalculate(content: bytes, tmp_path: Path) -> dict[tuple[str, str], Any]:
    """Every cell of the workbook after recalculation: (SHEET IN CAPITALS, cell) -> value."""
    path = tmp_path / "case.xlsx"
    path.write_bytes(content)
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    cells: dict[tuple[str, str], Any] = {}
    for key, value in solution.items():
        sheet, _, cell = key.rpartition("!")
        if ":" in cell or not sheet.startswith("'["):
            continue
        array = getattr(value, "value", value)
        cells[(sheet.split("]", 1)[1].rstrip("'"), cell)] = array[0][0]
    return cells


def summary_rows(content: bytes) -> list[int]:
    sheet = load_workbook(io.BytesIO(content))["Sammendrag"]
    return [row for row in range(5, sheet.max_row + 1) if sheet[f"B{row}"].value]


@pytest.mark.parametrize("name", CASES)
def test_recalculated_workbook_gives_the_engines_npvs(
    world: World, tmp_path: Path, name: str
) -> None:
    version = import_case(world, CASES[name]())
    result = evaluate_version(version)
    content = version_xlsx(version, result=result)
    cells = recalculate(content, tmp_path)
    rows = summary_rows(content)
    assert len(rows) == len(result.alternatives)
    for row, alt in zip(rows, result.alternatives, strict=True):
        assert float(cells[("SAMMENDRAG", f"B{row}")]) == pytest.approx(alt.npv, abs=0.01)
        assert float(cells[("SAMMENDRAG", f"C{row}")]) == pytest.approx(alt.npv_vs_zero, abs=0.01)
        for column, ratio in (("D", alt.benefit_cost_ratio), ("E", alt.benefit_cost_ratio_vs_zero)):
            value = cells[("SAMMENDRAG", f"{column}{row}")]
            if ratio is None:
                assert value == ""
            else:
                assert float(value) == pytest.approx(ratio, rel=1e-9)
    # The examples are not trivial: an alternative with a non-zero NPV against zero.
    assert any(abs(alt.npv_vs_zero) > 100_000 for alt in result.alternatives)
    check_distribution_sheet(content, cells, result, version)


def check_distribution_sheet(
    content: bytes, cells: dict[tuple[str, str], Any], result: CaseResult, version: CaseVersion
) -> None:
    """Each organisation's share to the øre; the total per year is the alternative's costs
    plus its tax-financing cost (split line by line, so within an øre per line)."""
    sheet = load_workbook(io.BytesIO(content))["Fordeling"]
    lines = 1 + max(
        len(alt.lines) for alt in parse_document(version_document(version)).alternatives
    )
    for alternative in result.alternatives:
        title_row = next(
            row
            for row in range(1, sheet.max_row + 1)
            if sheet[f"A{row}"].value == neutralise(alternative.name)
        )
        first_org = alternative.by_organisation[0]
        assert sheet[f"A{title_row + 2}"].value == first_org.name == "A kommune"
        assert sheet[f"C{title_row + 2}"].value == float(first_org.yearly[0].costs)
        total_row = title_row + 2 + 2 * len(alternative.by_organisation)
        assert sheet[f"A{total_row}"].value == "Alle organisasjoner"
        for index, year in enumerate(alternative.yearly):
            column = chr(ord("C") + index)
            total = float(cells[("FORDELING", f"{column}{total_row}")])
            assert total == pytest.approx(year.costs + year.tax_financing, abs=0.01 * lines)
            benefits = float(cells[("FORDELING", f"{column}{total_row + 1}")])
            assert benefits == pytest.approx(year.benefits, abs=0.01 * lines)


def test_formulas_follow_the_assumptions(world: World, tmp_path: Path) -> None:
    """The NPV is live: a higher rate in the assumptions sheet gives the engine's NPV at
    that rate, and the cells hold formulas, not values."""
    document = CASES["tax-and-bias"]()
    version = import_case(world, document)
    content = version_xlsx(version)
    workbook = load_workbook(io.BytesIO(content))
    assumptions = workbook["Forutsetninger"]
    rate_cell = workbook.defined_names["Kalkulasjonsrente"].attr_text.split("!")[1].replace("$", "")
    assert assumptions[rate_cell].value == pytest.approx(0.035)
    assumptions[rate_cell].value = 0.07
    changed = io.BytesIO()
    workbook.save(changed)
    cells = recalculate(changed.getvalue(), tmp_path)

    services.version_update(version=version, discount_rate="0.07")
    expected = evaluate_version(version)
    rows = summary_rows(content)
    for row, alt in zip(rows, expected.alternatives, strict=True):
        assert float(cells[("SAMMENDRAG", f"C{row}")]) == pytest.approx(alt.npv_vs_zero, abs=0.01)

    sheet = workbook["=Nytt system -skyløsning-- fase"]
    assert str(sheet["K6"].value) == "=1/(1+Kalkulasjonsrente)^K5"
    time_saving = next(row for row in sheet.iter_rows(min_row=9) if row[0].value == "Selvbetjening")
    assert time_saving[8].value == "=Timepris"
    assert time_saving[9].value == "=1-Påslag_spart_tid"


def test_text_that_looks_like_a_formula_stays_text(world: World) -> None:
    version = import_case(world, CASES["tax-and-bias"]())
    workbook = load_workbook(io.BytesIO(version_xlsx(version)))
    assert workbook["Forutsetninger"]["A1"].value == "'=Skatt og optimisme"
    titles = workbook.sheetnames
    assert titles[0] == "Forutsetninger"
    assert "=Nytt system -skyløsning-- fase" in titles  # no []:/ and 31 characters at most
    sheet = workbook["=Nytt system -skyløsning-- fase"]
    assert sheet["A1"].value == "'=Nytt system [skyløsning]: fase 1/2"
    names = [row[0].value for row in sheet.iter_rows(min_row=9)]
    assert "'-Etablering" in names
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    # Only our formulas: they refer to cells or names, never run user text.
                    assert "Skatt og" not in cell.value and "Etablering" not in cell.value


# --- The report -------------------------------------------------------------------------------


def report_text(content: bytes) -> tuple[list[tuple[str, str]], str]:
    document = Document(io.BytesIO(content))
    headings = [
        (paragraph.style.name, paragraph.text)
        for paragraph in document.paragraphs
        if paragraph.style is not None and paragraph.style.name.startswith(("Heading", "Title"))
    ]
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.append(" | ".join(cell.text for cell in row.cells))
    return headings, "\n".join(texts)


def frozen_oslo(world: World) -> tuple[CaseVersion, CaseResult]:
    version = import_case(world, CASES["oslo"]())
    BusinessCase.objects.filter(pk=version.case_id).update(description="Bakgrunn fra styremøtet.")
    consolidation = version.alternatives.get(name="Konsolidering med obligatorisk tjeneste")
    services.effect_create(
        alternative=consolidation,
        name="Informasjonssikkerhet",
        score=3,
        reason="Én leverandør å følge opp.",
    )
    services.effect_create(
        alternative=consolidation, name="Valgfrihet", score=-2, reason="Færre verktøy."
    )
    services.assumption_create(version=version, text="Lisensprisene holder seg.", source="Avtale")
    version = services.version_freeze(version=version, stage="approved", user=world.office)
    return version, evaluate_version(version)


def test_report_has_the_sections_and_the_figures(world: World) -> None:
    version, result = frozen_oslo(world)
    headings, text = report_text(version_docx(version, result=result))
    assert headings[0] == ("Title", version.case.name)
    level_one = [title for style, title in headings if style == "Heading 1"]
    assert level_one == [
        "Bakgrunn",
        "Hva saken begrunner",
        "Forutsetninger",
        "Alternativer",
        "Sammenligning av alternativene",
        "Tilbakebetaling",
        "Følsomhetsanalyse",
        "Usikkerhetsanalyse",
        "Fordeling per organisasjon",
        "Ikke-prissatte virkninger",
        "Samlet vurdering",
    ]
    assert "versjon 1: Godkjent. Låst " in text and "av Office Test." in text
    assert "Bakgrunn fra styremøtet." in text
    assert "Lisensprisene holder seg. | Avtale" in text
    assert "Kalkulasjonsrente (reell) | 4,0\xa0%" in text
    # The comparison as the version page has it: the JSON figures through the page's filters.
    figures = to_json_dict(result)["alternatives"]
    for label, key in (("Nåverdi", "npv"), ("Nåverdi mot nullalternativet", "npv_vs_zero")):
        assert " | ".join([label, *(nok(alt[key]) for alt in figures)]) in text
    p90 = " | ".join(["Monte Carlo P90", *(nok(alt["monte_carlo"]["p90"]) for alt in figures)])
    assert p90 in text
    best = max((a for a in figures if not a["zero"]), key=lambda a: a["npv_vs_zero"])
    assert best["name"] == "Konsolidering med obligatorisk tjeneste"
    mc = best["monte_carlo"]
    assert f"{best['name']} | {nok(mc['p10'])} | {nok(mc['p50'])} | {nok(mc['p90'])}" in text
    assert (
        f"{best['name']} har høyest nåverdi mot nullalternativet: {nok(best['npv_vs_zero'])}"
    ) in text
    assert "Informasjonssikkerhet (+3): Én leverandør å følge opp." in text
    assert "Valgfrihet | \u22122 | Færre verktøy." in text
    assert best["tornado"][0]["input"] + " | " in text
    for name, org in best["by_organisation"].items():
        assert f"{name} | {nok(org['npv'])} | {nok(org['npv_vs_zero'])}" in text
    assert f"tilbakebetalt {best['payback_year']} (" in text


def test_report_of_a_draft_without_effects(world: World) -> None:
    version = import_case(world, CASES["tax-and-bias"]())
    assert not Effect.objects.exists()
    headings, text = report_text(version_docx(version))
    assert ("Title", "=Skatt og optimisme") in headings
    assert "versjon 1: Utkast." in text and "Låst" not in text
    assert "Ingen ikke-prissatte virkninger er registrert." in text
    assert "Skattefinansieringskostnad | 20\xa0% av netto budsjettvirkning" in text
    assert "Investering 200\xa0%, Driftskostnad 41\xa0%" in text
