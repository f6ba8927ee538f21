"""The CLI, the API and the engine give the same numbers for the documented examples.

Each example in docs/examples is imported through ``services.case_import`` into a
collaboration whose members are the file's organisations, with cost-sharing keys for the
file's splits. Then, for the same seed:

* the engine on the (adapted) example file,
* ``samla case evaluate --json`` on the case document the API exports for the version,
* the API's results for the version

agree on every figure the pages show: NPV and NPV against the zero alternative, IRR,
payback, benefit/cost ratios, the split per organisation and the Monte Carlo percentiles.

The file is adapted to what Samla stores, without changing a figure:

* the Oslo file's ``split: users`` becomes the same weights as a custom key (Samla's keys
  have no "users" method) and its ``optimism_bias: {investment: 0.1}`` the equal preset
  ``green_book_it_lower`` (10 % on investments, 0 on operating costs; Samla stores presets);
* correlations are dropped from both files (Samla does not store them yet), which only
  changes the Monte Carlo figures, and does so for the file and Samla alike;
* the organisations are listed in the members' order, which decides who gets a left-over
  øre when a share does not divide evenly.
"""

from __future__ import annotations

import copy
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from conftest import World
from samla.cases import services
from samla.finance.caseformat import parse_case
from samla.finance.evaluate import evaluate, to_json_dict
from samla.organisations import services as organisation_services
from samla.organisations.models import Collaboration, CostSharingKey
from tests.test_api_organisations import api

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
ITERATIONS = 20_000  # the files ask for 100 000; fewer keep the test fast, same for all three
COMPARED = (
    "name",
    "zero",
    "npv",
    "npv_vs_zero",
    "irr",
    "irr_roots",
    "payback_year",
    "payback_years",
    "discounted_payback_year",
    "discounted_payback_years",
    "benefit_cost_ratio",
    "benefit_cost_ratio_vs_zero",
    "by_organisation",
)


def load(name: str) -> dict[str, Any]:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else yaml.safe_load(text)


def adapt(document: dict[str, Any]) -> dict[str, Any]:
    """The example as Samla stores it (see the module's docstring)."""
    document = copy.deepcopy(document)
    document.pop("correlations", None)
    document["monte_carlo"] = {**document["monte_carlo"], "iterations": ITERATIONS}
    if document.get("split") == "users":
        document["split"] = {
            "weights": {org["name"]: org["users"] for org in document["organisations"]}
        }
    if document.get("optimism_bias") == {"investment": 0.1}:
        document["optimism_bias"] = "green_book_it_lower"
    return document


def collaboration_for(world: World, document: dict[str, Any], slug: str) -> Collaboration:
    """A collaboration whose members are the document's organisations, with a key for every
    split the document uses."""
    collaboration = organisation_services.collaboration_create(
        created_by=world.admin,
        name=document["name"][:100],
        slug=slug,
        kind=Collaboration.Kind.INTER_MUNICIPAL,
    )
    members = {}
    for org in document["organisations"]:
        members[org["name"]] = organisation_services.organisation_create_as_member(
            collaboration=collaboration, name=org["name"], population=org.get("population")
        ).organisation
    splits = [document.get("split")] + [
        line.get("split") for alt in document["alternatives"] for line in alt.get("lines", [])
    ]
    method = CostSharingKey.Method
    for number, split in enumerate(split for split in splits if split not in (None, "population")):
        if split == "equal":
            fields: dict[str, Any] = {"method": method.EQUAL}
        elif "fixed" in split:
            fields = {
                "method": method.FIXED_PLUS_POPULATION,
                "fixed_share_percent": Decimal(str(split["fixed"])) * 100,
            }
        else:
            fields = {
                "method": method.CUSTOM,
                "weights": {
                    members[name]: Decimal(str(weight)) for name, weight in split["weights"].items()
                },
            }
        organisation_services.cost_sharing_key_create(
            collaboration=collaboration, name=f"Nøkkel {number}", **fields
        )
    return collaboration


def picked(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            **{key: alt[key] for key in COMPARED},
            **{key: alt["monte_carlo"][key] for key in ("iterations", "seed", "p10", "p50", "p90")},
        }
        for alt in result["alternatives"]
    ]


@pytest.mark.parametrize(
    ("file_name", "slug"),
    [("e-handel-knutepunkt-sorlandet.yaml", "ks"), ("systemkonsolidering-oslo.json", "oslo")],
)
def test_cli_api_and_engine_agree(world: World, tmp_path: Path, file_name: str, slug: str) -> None:
    document = adapt(load(file_name))
    collaboration = collaboration_for(world, document, slug)
    case = services.case_import(collaboration=collaboration, document=document)
    version = case.versions.get()
    path = f"/collaborations/{slug}/cases/{case.uuid}/versions/{version.uuid}"

    exported = api(world, "admin", "GET", f"{path}/document")
    assert exported.status_code == 200
    exported_document = exported.json()
    # The file's organisations, in the members' order, for the engine run on the file.
    order = [org["name"] for org in exported_document["organisations"]]
    assert sorted(order) == sorted(org["name"] for org in document["organisations"])
    document["organisations"].sort(key=lambda org: order.index(org["name"]))
    engine = to_json_dict(evaluate(parse_case(json.dumps(document), "json")))

    document_file = tmp_path / "exported.json"
    document_file.write_text(json.dumps(exported_document, ensure_ascii=False), encoding="utf-8")
    output = io.StringIO()
    call_command("case", "evaluate", str(document_file), "--json", stdout=output)
    cli = json.loads(output.getvalue())

    response = api(world, "admin", "GET", f"{path}/results")
    assert response.status_code == 200
    from_api = response.json()

    assert from_api == cli  # the same document: every figure, histograms and tornado too
    assert picked(cli) == picked(engine)
    # Not vacuous: real figures, split between every member.
    compared = [alt for alt in cli["alternatives"] if not alt["zero"]]
    assert all(abs(alt["npv_vs_zero"]) > 100_000 for alt in compared)
    assert all(len(alt["by_organisation"]) == len(order) for alt in compared)
    assert all(alt["monte_carlo"]["iterations"] == ITERATIONS for alt in compared)
    assert any(alt["irr"] is not None and alt["payback_year"] for alt in compared)
