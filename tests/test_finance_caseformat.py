"""The business-case file format: what it reads, and errors that name the field and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from samla.finance.caseformat import CaseFormatError, load_case, parse_case
from samla.finance.cashflow import LineKind, RateBand, SplitKey, SplitMethod
from samla.finance.distributions import Normal, Pert, Triangular, Uniform
from samla.finance.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"

ISSUE_EXAMPLE = """\
name: Felles e-handel
base_year: 2014
years: 10                 # number of years including the base year
discount_rate: 0.04
hourly_rate: 500
organisations:            # optional; needed for splits
  - {name: Lillesand, population: 10283}
  - {name: Birkenes, population: 5087}
split: population
alternatives:
  - name: Nullalternativ
    zero: true
    lines: []
  - name: Felles løsning
    lines:
      - {kind: investment, name: Anskaffelse, amount: 1200000, year: 2014}
      - {kind: operating, name: Lisens, amount: 300000, from: 2015, to: 2023}
      - {kind: benefit, name: Innkjøpsgevinst, amount: {min: 2500000, mode: 4000000, max: 7000000}, from: 2015}
      - {kind: time_saving, name: Mindre manuelt arbeid, hours: 2000, from: 2015}
monte_carlo: {iterations: 100000, seed: 1}
"""


def problems(text: str, syntax: str = "yaml") -> list[str]:
    with pytest.raises(CaseFormatError) as caught:
        parse_case(text, syntax)
    return [str(problem) for problem in caught.value.problems]


def test_the_issue_example_reads_into_the_model() -> None:
    case = parse_case(ISSUE_EXAMPLE)
    assert (case.name, case.base_year, case.years, case.last_year) == (
        "Felles e-handel",
        2014,
        10,
        2023,
    )
    assert case.discount.factors(2)[1] == pytest.approx(1 / 1.04)
    assert [org.population for org in case.organisations] == [10283, 5087]
    assert case.split == SplitKey(SplitMethod.POPULATION)
    zero, shared = case.alternatives
    assert zero.zero and zero.lines == ()
    investment, licence, gain, time_saving = shared.lines
    assert (investment.kind, investment.first_year, investment.last_year) == (
        LineKind.INVESTMENT,
        2014,
        2014,
    )
    assert (licence.first_year, licence.last_year, licence.amount) == (2015, 2023, 300000.0)
    assert gain.amount == Triangular(2_500_000, 4_000_000, 7_000_000)
    assert (gain.first_year, gain.last_year) == (2015, 2023)  # "to" defaults to the last year
    assert (time_saving.kind, time_saving.amount) == (LineKind.TIME_SAVING, 2000.0)
    assert case.monte_carlo is not None and (
        case.monte_carlo.iterations,
        case.monte_carlo.seed,
    ) == (100_000, 1)


def test_json_reads_the_same_as_yaml() -> None:
    as_json = json.dumps(yaml.safe_load(ISSUE_EXAMPLE), ensure_ascii=False, indent=2)
    assert parse_case(as_json, "json") == parse_case(ISSUE_EXAMPLE)


def test_distributions_defaults_and_options() -> None:
    case = parse_case(
        """\
name: x
base_year: 2020
years: 5
discount_rate: [{rate: 0.04, years: 2}, {rate: 0.03}]
tax_financing: true
optimism_bias: green_book_it_upper
alternatives:
  - name: A
    lines:
      - {kind: investment, name: I, amount: {min: 1, mode: 2, max: 4, dist: pert}}
      - {kind: operating, name: D, amount: {min: 1, max: 3}}
      - {kind: benefit, name: B, amount: {mean: 10, sd: 2}, budget: false}
      - {kind: residual, name: R, amount: 5}
      - {kind: time_saving, name: T, hours: 3, hourly_rate: 700, year: 2022}
"""
    )
    investment, operating, benefit, residual, time_saving = case.alternatives[0].lines
    assert investment.amount == Pert(1, 2, 4) and (investment.first_year, investment.last_year) == (
        2020,
        2020,
    )
    assert operating.amount == Uniform(1, 3) and (operating.first_year, operating.last_year) == (
        2020,
        2024,
    )
    assert benefit.amount == Normal(10, 2) and benefit.affects_budget is False
    assert (residual.first_year, residual.last_year) == (2024, 2024)
    assert (time_saving.hourly_rate, time_saving.first_year, time_saving.last_year) == (
        700,
        2022,
        2022,
    )
    assert case.discount.bands == (RateBand(0.04, 2), RateBand(0.03, None))
    assert case.tax_financing_rate == 0.2
    assert dict(case.optimism_bias) == {LineKind.INVESTMENT: 2.0, LineKind.OPERATING: 0.41}
    assert case.monte_carlo is None


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        (
            "amount: 300000",
            "amount: -300000",
            "alternatives[1].lines[1].amount",
            "must be positive",
        ),
        ("kind: operating", "kind: opex", "alternatives[1].lines[1].kind", "must be one of"),
        (
            "to: 2023",
            "to: 2030",
            "alternatives[1].lines[1].to",
            "outside the analysis period 2014–2023",
        ),
        (
            "from: 2015, to: 2023",
            "from: 2016, to: 2015",
            "alternatives[1].lines[1].to",
            "before from",
        ),
        (
            "mode: 4000000",
            "mode: 9000000",
            "alternatives[1].lines[2].amount.mode",
            "between min and max",
        ),
        (
            "hours: 2000",
            "amount: 2000",
            "alternatives[1].lines[3].amount",
            "not used by time_saving",
        ),
        (
            "year: 2014}",
            "year: 2014, colour: red}",
            "alternatives[1].lines[0].colour",
            "unknown field",
        ),
        ("population: 5087", "population: many", "organisations[1].population", "whole number"),
        ("split: population", "split: by-size", "split", "must be population, equal"),
        ("discount_rate: 0.04", "discount_rate: -1.5", "discount_rate", "> -1"),
        ("seed: 1", "seed: one", "monte_carlo.seed", "whole number"),
        ("zero: true", "zero: yes please", "alternatives[0].zero", "true or false"),
    ],
)
def test_errors_name_the_field_and_the_line(old: str, new: str, path: str, message: str) -> None:
    assert old in ISSUE_EXAMPLE
    text = ISSUE_EXAMPLE.replace(old, new, 1)
    expected = f"line {line_of(text, new)}: {path}: "
    assert any(p.startswith(expected) and message in p for p in problems(text)), problems(text)


def test_errors_in_json_name_the_field_and_the_line() -> None:
    data = yaml.safe_load(ISSUE_EXAMPLE)
    data["alternatives"][1]["lines"][2]["amount"]["max"] = 1000
    data["alternatives"][1]["lines"][1]["name"] = ""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    found = problems(text, "json")
    name_line = line_of(text, '"name": ""')
    max_line = line_of(text, '"max": 1000')
    assert found == [
        f"line {name_line}: alternatives[1].lines[1].name: must be a non-empty text",
        f"line {max_line}: alternatives[1].lines[2].amount.max: must be greater than min (2500000)",
    ]


def test_every_problem_is_reported_at_once_and_missing_fields_are_named() -> None:
    found = problems("name: x\nyears: 0\nalternatives: []\n")
    assert "line 1: base_year: is required" in found
    assert any(p.startswith("line 2: years: must be a whole number >= 1") for p in found)


def test_syntax_errors_give_the_line() -> None:
    assert problems("name: x\nbase_year: [2014\n") == [
        "line 3: (document): not valid YAML: expected ',' or ']', but got '<stream end>'"
    ]
    (json_problem,) = problems('{\n  "name": "x",\n  "years": 10,\n}', "json")
    assert json_problem.startswith("line 4: (document): not valid JSON")


def test_split_and_correlation_checks() -> None:
    text = ISSUE_EXAMPLE.replace(
        "split: population", "split: {weights: {Lillesand: 1, Kristiansand: 2}}"
    )
    assert problems(text) == [
        f"line {line_of(text, 'split:')}: split.weights.Kristiansand: is not one of the organisations"
    ]
    text = ISSUE_EXAMPLE.replace("split: population", "split: {fixed: 0.3, population: 0.6}")
    assert "fixed and population must add up to 1" in problems(text)[0]
    text = ISSUE_EXAMPLE.replace("{name: Birkenes, population: 5087}", "{name: Birkenes}")
    assert "needs population on every organisation; missing for Birkenes" in problems(text)[0]
    text = (
        ISSUE_EXAMPLE
        + "correlations:\n  - {between: [Felles løsning/Lisens, Felles løsning/Innkjøpsgevinst], rho: 0.5}\n"
    )
    assert "Felles løsning/Lisens is not an uncertain input" in problems(text)[0]


def test_duplicate_names_and_two_zero_alternatives() -> None:
    text = ISSUE_EXAMPLE.replace("name: Felles løsning", "name: Nullalternativ\n    zero: true")
    found = problems(text)
    assert any(
        "alternatives[1].name: 'Nullalternativ' is used by another alternative" in p for p in found
    )
    assert any(
        "alternatives[1].zero: only one alternative can be the zero alternative" in p for p in found
    )
    text = ISSUE_EXAMPLE.replace("name: Lisens", "name: Anskaffelse")
    assert "alternatives[1].lines[1].name: 'Anskaffelse' is used twice" in problems(text)[0]


def test_yaml_words_that_are_values_get_a_hint() -> None:
    text = ISSUE_EXAMPLE.replace("name: Nullalternativ", "name: Null")
    assert problems(text) == [
        f"line {line_of(text, 'name: Null')}: alternatives[0].name: must be a non-empty text, not None (put the text in quotes)"
    ]


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(CaseFormatError, match="cannot read"):
        load_case(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    "name", ["e-handel-knutepunkt-sorlandet.yaml", "systemkonsolidering-oslo.json"]
)
def test_the_examples_load_and_evaluate(name: str) -> None:
    case = load_case(EXAMPLES / name)
    result = evaluate(case)
    assert result.alternatives[0].npv_vs_zero == 0
    for alt in result.alternatives[1:]:
        assert alt.npv_vs_zero > 0 and alt.monte_carlo.prob_positive > 0.5
        assert len(alt.by_organisation) == len(case.organisations)


def test_the_e_procurement_example_follows_seed_003() -> None:
    case = load_case(EXAMPLES / "e-handel-knutepunkt-sorlandet.yaml")
    assert [org.name for org in case.organisations] == [
        "Lillesand",
        "Birkenes",
        "Iveland",
        "Vennesla",
        "Songdalen",
        "Søgne",
    ]
    gains = {
        line.name: line.amount
        for line in case.alternatives[1].lines
        if line.kind is LineKind.BENEFIT
    }
    # 20 % of 500 MNOK bought electronically, 2,5–7 % gain.
    assert gains["Innkjøpsgevinst fra 2017"] == Triangular(2.5e6, 4e6, 7e6)
    assert case.hourly_rate == 500


def test_the_consolidation_example_has_the_three_alternatives_of_seed_000() -> None:
    case = load_case(EXAMPLES / "systemkonsolidering-oslo.json")
    assert [alt.zero for alt in case.alternatives] == [True, False, False]
    assert len(case.alternatives) == 3
