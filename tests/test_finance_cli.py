"""`samla case evaluate FILE [--json]`, through call_command and as a real process."""

from __future__ import annotations

import json
import os
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parent.parent
SAMLA = ROOT / ".venv" / "bin" / "samla"
EXAMPLES = ROOT / "docs" / "examples"
E_PROCUREMENT = EXAMPLES / "e-handel-knutepunkt-sorlandet.yaml"
CONSOLIDATION = EXAMPLES / "systemkonsolidering-oslo.json"
ALTERNATIVE_KEYS = {
    "npv",
    "npv_vs_zero",
    "irr",
    "payback_year",
    "discounted_payback_year",
    "benefit_cost_ratio",
    "by_organisation",
    "tornado",
    "monte_carlo",
}

SMALL_CASE = """\
name: Liten sak
base_year: 2020
years: 3
discount_rate: 0.0
organisations: [{name: A, population: 3}, {name: B, population: 1}]
alternatives:
  - {name: Nullalternativ, zero: true, lines: []}
  - name: Ny
    lines:
      - {kind: investment, name: Kjøp, amount: 1000}
      - {kind: benefit, name: Gevinst, amount: {min: 400, max: 800}, from: 2021}
monte_carlo: {iterations: 1000, seed: 4}
"""


def evaluate_json(path: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    out = StringIO()
    call_command("case", "evaluate", str(path), "--json", *extra, stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_json_output_of_a_small_case_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(SMALL_CASE, encoding="utf-8")
    data = evaluate_json(path)
    null, new = data["alternatives"]
    assert set(new) >= ALTERNATIVE_KEYS
    # Rate 0: -1000 + 2 x 600 (the uniform's mean).
    assert new["npv"] == 200.0 and new["npv_vs_zero"] == 200.0 and null["npv"] == 0.0
    assert new["payback_year"] == 2022 and new["discounted_payback_year"] == 2022
    assert new["benefit_cost_ratio"] == pytest.approx(1.2)
    assert new["irr"] == pytest.approx(0.13066, abs=1e-5)  # -1000 + 600/(1+r) + 600/(1+r)^2 = 0
    assert (
        new["by_organisation"]["A"]["npv"] == 150.0 and new["by_organisation"]["B"]["npv"] == 50.0
    )
    assert new["by_organisation"]["A"]["costs"] == [750.0, 0.0, 0.0]
    assert new["by_organisation"]["B"]["benefits"] == [0.0, 150.0, 150.0]
    (bar,) = new["tornado"]
    assert (
        bar["input"],
        bar["low"],
        bar["high"],
        bar["npv_low"],
        bar["npv_high"],
        bar["swing"],
    ) == (
        "Ny/Gevinst",
        400.0,
        800.0,
        -200.0,
        600.0,
        800.0,
    )
    assert bar["break_even"] == 500.0
    mc = new["monte_carlo"]
    assert mc["iterations"] == 1000 and mc["p10"] < mc["p50"] < mc["p90"]
    assert mc["prob_positive"] == pytest.approx(0.75, abs=0.05)  # P(U(400, 800) > 500)


def test_iterations_and_seed_can_be_overridden(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(SMALL_CASE, encoding="utf-8")
    data = evaluate_json(path, "--iterations", "500", "--seed", "9")
    assert data["alternatives"][1]["monte_carlo"]["iterations"] == 500
    assert data["alternatives"][1]["monte_carlo"]["seed"] == 9


def test_human_output_is_a_norwegian_table(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(SMALL_CASE, encoding="utf-8")
    out = StringIO()
    call_command("case", "evaluate", str(path), stdout=out)
    text = out.getvalue()
    assert "Nåverdi" in text and "Mot nullalt." in text
    assert "200 kr" in text and "13,1 %" in text
    assert "Per organisasjon" in text and "150 kr" in text


def test_invalid_file_raises_with_exit_status_2_naming_field_and_line(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(SMALL_CASE.replace("amount: 1000", "amount: -1000"), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("case", "evaluate", str(path), "--json")
    assert caught.value.returncode == 2
    assert "line 10: alternatives[1].lines[0].amount: must be positive" in str(caught.value)


@pytest.mark.parametrize("example", [E_PROCUREMENT, CONSOLIDATION])
def test_examples_evaluate_through_call_command(example: Path) -> None:
    data = evaluate_json(example, "--iterations", "2000")
    for alt in data["alternatives"]:
        assert set(alt) >= ALTERNATIVE_KEYS
    assert data["alternatives"][1]["npv_vs_zero"] > 0


def run_samla(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SAMLA_TESTING": "1"}
    return subprocess.run(
        [str(SAMLA), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.skipif(not SAMLA.exists(), reason="the samla command is installed by make")
def test_samla_case_evaluate_as_a_process() -> None:
    result = run_samla(
        "case", "evaluate", "docs/examples/e-handel-knutepunkt-sorlandet.yaml", "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [alt["name"] for alt in data["alternatives"]] == ["Nullalternativ", "Felles e-handel"]
    shared = data["alternatives"][1]
    assert set(shared) >= ALTERNATIVE_KEYS
    assert set(shared["by_organisation"]) == {
        "Lillesand",
        "Birkenes",
        "Iveland",
        "Vennesla",
        "Songdalen",
        "Søgne",
    }
    assert {"p10", "p50", "p90", "mean", "prob_positive"} <= set(shared["monte_carlo"])
    swings = [bar["swing"] for bar in shared["tornado"]]
    assert swings == sorted(swings, reverse=True)
    # Shares of the NPV add up to the NPV (to the øre of each line's present value).
    assert sum(org["npv"] for org in shared["by_organisation"].values()) == pytest.approx(
        shared["npv"], abs=1
    )


@pytest.mark.skipif(not SAMLA.exists(), reason="the samla command is installed by make")
def test_invalid_file_exits_2_as_a_process(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        '{\n  "name": "x",\n  "base_year": 2020,\n  "years": "ten",\n  "alternatives": []\n}\n'
    )
    result = run_samla("case", "evaluate", str(path), "--json")
    assert result.returncode == 2
    assert "line 4: years: must be a whole number" in result.stderr
    assert result.stdout == ""
