"""The business-case API: who may do what, frozen versions, bad input, the results.

Every endpoint is called by every persona: anonymous callers get 401, the outsider (of
collaboration beta) gets 404, everyone in alfa reads, and only administrators and the
programme office write (403 for the others, nothing written). A frozen version refuses
every change with 422; so does bad input, again writing nothing.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from conftest import World, build_world
from samla.cases import services
from samla.cases.document import evaluate_version, version_document
from samla.cases.models import Alternative, BusinessCase, CaseVersion, Line
from samla.finance.evaluate import to_json_dict
from samla.landscape.models import SystemCategory
from samla.organisations import services as organisation_services
from samla.organisations.models import CostSharingKey
from tests.test_api_organisations import (
    EVERYONE_IN_ALFA,
    MANAGERS,
    PERSONAS,
    api,
    call,
    expected,
    token_for,
)

CASES = "/collaborations/alfa/cases"


@dataclass
class Cases:
    draft: BusinessCase
    version: CaseVersion  # the draft's only version
    zero: Alternative
    shared: Alternative  # "Felles system"
    licence: Line  # a line of "Felles system"
    frozen: BusinessCase
    frozen_version: CaseVersion
    frozen_alternative: Alternative
    frozen_line: Line
    equal_key: CostSharingKey
    beta_case: BusinessCase
    beta_key: CostSharingKey

    def version_path(self, version: CaseVersion | None = None) -> str:
        version = version or self.version
        return f"{CASES}/{version.case.uuid}/versions/{version.uuid}"

    def alternative_path(self, alternative: Alternative | None = None) -> str:
        alternative = alternative or self.shared
        return f"{self.version_path(alternative.version)}/alternatives/{alternative.uuid}"

    def line_path(self, line: Line | None = None) -> str:
        line = line or self.licence
        return f"{self.alternative_path(line.alternative)}/lines/{line.uuid}"


def build_cases(world: World) -> Cases:
    alfa = world.alfa
    draft = services.case_create(
        collaboration=alfa,
        name="Felles sak/arkiv",
        description="Ett system for begge kommunene.",
        base_year=2026,
        years=5,
    )
    version = draft.versions.get()
    services.version_update(version=version, monte_carlo_iterations=500, monte_carlo_seed=5)
    zero = version.alternatives.get()
    services.line_create(
        alternative=zero,
        kind="operating",
        name="Drift av to systemer",
        amount=Decimal("1200000"),
        first_year=2026,
        last_year=2030,
    )
    shared = services.alternative_create(version=version, name="Felles system")
    services.line_create(
        alternative=shared,
        kind="investment",
        name="Anskaffelse og migrering",
        distribution="triangular",
        low=Decimal("800000"),
        amount=Decimal("1000000"),
        high=Decimal("1600000"),
        first_year=2026,
        last_year=2026,
    )
    licence = services.line_create(
        alternative=shared,
        kind="operating",
        name="Lisens",
        amount=Decimal("700000"),
        first_year=2027,
        last_year=2030,
    )
    equal_key = organisation_services.cost_sharing_key_create(
        collaboration=alfa, name="Likt", method=CostSharingKey.Method.EQUAL
    )
    frozen = services.case_import(collaboration=alfa, document=small_document("Godkjent sak"))
    frozen_version = services.version_freeze(
        version=frozen.versions.get(), stage="approved", user=world.office
    )
    frozen_alternative = frozen_version.alternatives.get(name="Nytt")
    beta_case = services.case_import(collaboration=world.beta, document=small_document("Betas sak"))
    beta_key = organisation_services.cost_sharing_key_create(
        collaboration=world.beta, name="Likt i beta", method=CostSharingKey.Method.EQUAL
    )
    return Cases(
        draft=draft,
        version=version,
        zero=zero,
        shared=shared,
        licence=licence,
        frozen=frozen,
        frozen_version=frozen_version,
        frozen_alternative=frozen_alternative,
        frozen_line=frozen_alternative.lines.get(),
        equal_key=equal_key,
        beta_case=beta_case,
        beta_key=beta_key,
    )


def small_document(name: str) -> dict[str, Any]:
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
                "name": "Nytt",
                "lines": [
                    {
                        "kind": "operating",
                        "name": "Drift",
                        "amount": {"min": 200_000, "mode": 300_000, "max": 450_000},
                    }
                ],
            },
        ],
        "monte_carlo": {"iterations": 300, "seed": 2},
    }


@pytest.fixture(scope="module")
def shared_data(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[World, Cases]]:
    """Built once for the module in a transaction rolled back at the end; each test runs in
    a savepoint of its own and gets fresh copies (as in tests/test_api_landscape.py)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        world = build_world()
        data = (world, build_cases(world))
    yield data
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(shared_data: tuple[World, Cases], db: None) -> World:
    return copy.deepcopy(shared_data[0])


@pytest.fixture
def cases(shared_data: tuple[World, Cases], world: World) -> Cases:
    return copy.deepcopy(shared_data[1])


def message_of(response: Any) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def snapshot() -> dict[str, Any]:
    """Everything the API can write, to prove a refused request wrote nothing."""
    return {
        "cases": list(BusinessCase.objects.values().order_by("pk")),
        "versions": list(CaseVersion.objects.values().order_by("pk")),
        "alternatives": list(Alternative.objects.values().order_by("pk")),
        "lines": list(Line.objects.values().order_by("pk")),
        "history": (
            BusinessCase.history.count(),
            CaseVersion.history.count(),
            Alternative.history.count(),
            Line.history.count(),
        ),
    }


# --- Reading -----------------------------------------------------------------------------------


def read_paths(cases: Cases) -> dict[str, str]:
    version = cases.version_path()
    return {
        "list": CASES,
        "case": f"{CASES}/{cases.draft.uuid}",
        "versions": f"{CASES}/{cases.draft.uuid}/versions",
        "version": version,
        "results": f"{version}/results",
        "document": f"{version}/document",
        "alternatives": f"{version}/alternatives",
        "alternative": cases.alternative_path(),
        "lines": f"{cases.alternative_path()}/lines",
        "line": cases.line_path(),
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_in_the_collaboration_reads(world: World, cases: Cases, persona: str) -> None:
    token = token_for(world, persona)
    responses = {name: call(token, "GET", path) for name, path in read_paths(cases).items()}
    statuses = {name: response.status_code for name, response in responses.items()}
    assert set(statuses.values()) == {expected(persona, EVERYONE_IN_ALFA)}, statuses
    if persona not in EVERYONE_IN_ALFA:
        return
    listed = responses["list"].json()
    assert [case["name"] for case in listed] == ["Felles sak/arkiv", "Godkjent sak"]
    assert responses["case"].json()["versions"] == [
        {"uuid": str(cases.version.uuid), "number": 1, "stage": "draft"}
    ]
    detail = responses["version"].json()
    assert detail["discount_rate"] == "0.0400"
    assert detail["monte_carlo_iterations"] == 500
    assert [alt["name"] for alt in detail["alternatives"]] == ["Nullalternativet", "Felles system"]
    assert [line["name"] for line in detail["alternatives"][1]["lines"]] == [
        "Anskaffelse og migrering",
        "Lisens",
    ]
    line = responses["line"].json()
    assert (line["amount"], line["first_year"], line["last_year"]) == ("700000.00", 2027, 2030)
    assert [line["name"] for line in responses["lines"].json()] == [
        "Anskaffelse og migrering",
        "Lisens",
    ]
    # The results are the engine's, exactly; the document is the version's.
    results = responses["results"].json()
    assert results == to_json_dict(evaluate_version(cases.version))
    shared = results["alternatives"][1]
    # 1 200 000 a year saved against 700 000 for four years, minus the investment's mean.
    factors = [1 / 1.04**t for t in range(5)]
    expected_npv = -1_133_333.33 + 1_200_000 + sum(500_000 * f for f in factors[1:])
    assert shared["npv_vs_zero"] == pytest.approx(expected_npv, abs=0.01)
    assert responses["document"].json() == version_document(cases.version)


def test_results_of_a_frozen_version_come_from_its_document(world: World, cases: Cases) -> None:
    path = f"{cases.version_path(cases.frozen_version)}/results"
    response = api(world, "viewer", "GET", path)
    assert response.status_code == 200
    assert response.json() == to_json_dict(evaluate_version(cases.frozen_version))
    assert response.json()["alternatives"][1]["monte_carlo"]["iterations"] == 300
    document = api(world, "viewer", "GET", f"{cases.version_path(cases.frozen_version)}/document")
    assert document.json() == cases.frozen_version.frozen_document


def test_case_list_queries_do_not_grow_with_cases(
    world: World, cases: Cases, django_assert_max_num_queries: Any
) -> None:
    token = token_for(world, "viewer")
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    with django_assert_max_num_queries(20) as captured:
        assert client.get(f"/api/v1{CASES}", headers=headers).status_code == 200
    few = len(captured.captured_queries)
    for number in range(3):
        services.case_create(collaboration=world.alfa, name=f"Sak {number}", base_year=2026)
    with django_assert_max_num_queries(few) as captured:
        response = client.get(f"/api/v1{CASES}", headers=headers)
    assert len(response.json()) == 5


def test_another_collaborations_case_is_404(world: World, cases: Cases) -> None:
    beta_version = cases.beta_case.versions.get()
    token = token_for(world, "admin")
    before = snapshot()
    for slug in ("alfa", "beta"):  # alfa's admin has no role in beta
        base = f"/collaborations/{slug}/cases/{cases.beta_case.uuid}"
        assert call(token, "GET", base).status_code == 404
        assert call(token, "PATCH", base, {"name": "Kapret"}).status_code == 404
        assert call(token, "DELETE", base).status_code == 404
        version = f"{base}/versions/{beta_version.uuid}"
        assert call(token, "GET", f"{version}/results").status_code == 404
        assert call(token, "PATCH", version, {"note": "Kapret"}).status_code == 404
    # The outsider cannot reach alfa's case through beta's slug either.
    outsider = token_for(world, "outsider")
    path = f"/collaborations/beta/cases/{cases.draft.uuid}"
    assert call(outsider, "GET", path).status_code == 404
    assert snapshot() == before


def test_child_under_another_parent_is_404(world: World, cases: Cases) -> None:
    token = token_for(world, "admin")
    other_case = f"{CASES}/{cases.frozen.uuid}"
    assert call(token, "GET", f"{other_case}/versions/{cases.version.uuid}").status_code == 404
    wrong_version = cases.version_path(cases.frozen_version)
    assert (
        call(token, "GET", f"{wrong_version}/alternatives/{cases.shared.uuid}").status_code == 404
    )
    wrong_alternative = cases.alternative_path(cases.zero)
    path = f"{wrong_alternative}/lines/{cases.licence.uuid}"
    assert call(token, "GET", path).status_code == 404
    assert call(token, "DELETE", path).status_code == 404
    assert Line.objects.filter(pk=cases.licence.pk).exists()
    assert call(token, "GET", f"{CASES}/ikke-en-uuid").status_code == 404


# --- Writing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    method: str
    path: Callable[[Cases], str]
    body: Callable[[World, Cases], dict[str, Any] | None]
    success: int
    check: Callable[[World, Cases, Any], None]


def check_case_created(world: World, cases: Cases, response: Any) -> None:
    case = BusinessCase.objects.get(uuid=response.json()["uuid"])
    assert case.collaboration == world.alfa
    assert case.category == SystemCategory.objects.get(collaboration=world.alfa, code="ADM-SAK")
    version = case.versions.get()
    assert (version.base_year, version.years, version.stage) == (2027, 8, "draft")
    assert list(version.alternatives.values_list("name", "is_zero")) == [("Nullalternativet", True)]


def check_imported(world: World, cases: Cases, response: Any) -> None:
    case = BusinessCase.objects.get(uuid=response.json()["uuid"])
    assert case.name == "Importert"
    version = case.versions.get()
    assert version.monte_carlo_iterations == 300
    assert version_document(version)["alternatives"][1]["lines"][0]["amount"] == {
        "min": 200_000,
        "mode": 300_000,
        "max": 450_000,
    }


def check_version_updated(world: World, cases: Cases, response: Any) -> None:
    cases.version.refresh_from_db()
    assert cases.version.discount_rate == Decimal("0.035")
    assert cases.version.tax_financing is True
    assert cases.version.split_key == cases.equal_key
    assert response.json()["split_key"] == str(cases.equal_key.uuid)


def check_frozen(world: World, cases: Cases, response: Any) -> None:
    cases.version.refresh_from_db()
    assert cases.version.stage == "after_procurement"
    assert cases.version.frozen_document == version_document(cases.version)
    assert response.json()["frozen_by"] in ("Admin Test", "Office Test")


def check_new_version(world: World, cases: Cases, response: Any) -> None:
    version = CaseVersion.objects.get(uuid=response.json()["uuid"])
    assert (version.case, version.number, version.stage) == (cases.frozen, 2, "draft")
    assert [alt["name"] for alt in response.json()["alternatives"]] == ["Null", "Nytt"]


def check_line_created(world: World, cases: Cases, response: Any) -> None:
    line = Line.objects.get(uuid=response.json()["uuid"])
    assert line.alternative == cases.shared
    assert (line.first_year, line.last_year) == (2028, 2030)  # to the end of the period
    assert line.distribution == "pert"
    assert line.split_key == cases.equal_key


WRITES = {
    "case-create": Write(
        "POST",
        lambda cases: CASES,
        lambda world, cases: {
            "name": "Ny sak",
            "category": str(
                SystemCategory.objects.get(collaboration=world.alfa, code="ADM-SAK").uuid
            ),
            "base_year": 2027,
            "years": 8,
        },
        201,
        check_case_created,
    ),
    "case-import": Write(
        "POST",
        lambda cases: f"{CASES}/import?name=Importert",
        lambda world, cases: small_document("Fra fil"),
        201,
        check_imported,
    ),
    "case-update": Write(
        "PATCH",
        lambda cases: f"{CASES}/{cases.draft.uuid}",
        lambda world, cases: {"description": "Ny bakgrunn."},
        200,
        lambda world, cases, response: (
            (BusinessCase.objects.get(pk=cases.draft.pk).description == "Ny bakgrunn.")
            or pytest.fail("not changed")
        ),
    ),
    "case-delete": Write(
        "DELETE",
        lambda cases: f"{CASES}/{cases.draft.uuid}",
        lambda world, cases: None,
        204,
        lambda world, cases, response: (
            (not BusinessCase.objects.filter(pk=cases.draft.pk).exists())
            or pytest.fail("not deleted")
        ),
    ),
    "version-update": Write(
        "PATCH",
        lambda cases: cases.version_path(),
        lambda world, cases: {
            "discount_rate": "0.035",
            "tax_financing": True,
            "split_key": str(cases.equal_key.uuid),
        },
        200,
        check_version_updated,
    ),
    "version-freeze": Write(
        "POST",
        lambda cases: f"{cases.version_path()}/freeze",
        lambda world, cases: {"stage": "after_procurement"},
        200,
        check_frozen,
    ),
    "version-new": Write(
        "POST",
        lambda cases: f"{cases.version_path(cases.frozen_version)}/new-version",
        lambda world, cases: None,
        201,
        check_new_version,
    ),
    "alternative-create": Write(
        "POST",
        lambda cases: f"{cases.version_path()}/alternatives",
        lambda world, cases: {"name": "Skytjeneste", "description": "Som tjeneste."},
        201,
        lambda world, cases, response: (
            (Alternative.objects.get(uuid=response.json()["uuid"]).order == 2)
            or pytest.fail("wrong order")
        ),
    ),
    "alternative-update": Write(
        "PATCH",
        lambda cases: cases.alternative_path(),
        lambda world, cases: {"name": "Felles system i skyen"},
        200,
        lambda world, cases, response: (
            (Alternative.objects.get(pk=cases.shared.pk).name == "Felles system i skyen")
            or pytest.fail("not renamed")
        ),
    ),
    "alternative-delete": Write(
        "DELETE",
        lambda cases: cases.alternative_path(),
        lambda world, cases: None,
        204,
        lambda world, cases, response: (
            (not Line.objects.filter(pk=cases.licence.pk).exists()) or pytest.fail("lines left")
        ),
    ),
    "line-create": Write(
        "POST",
        lambda cases: f"{cases.alternative_path()}/lines",
        lambda world, cases: {
            "kind": "benefit",
            "name": "Sparte porto",
            "distribution": "pert",
            "low": "100000",
            "amount": "150000",
            "high": 250000,
            "first_year": 2028,
            "split_key": str(cases.equal_key.uuid),
        },
        201,
        check_line_created,
    ),
    "line-update": Write(
        "PATCH",
        lambda cases: cases.line_path(),
        lambda world, cases: {"amount": "650000.50", "last_year": 2029},
        200,
        lambda world, cases, response: (
            (
                response.json()["amount"] == "650000.50"
                and Line.objects.get(pk=cases.licence.pk).last_year == 2029
            )
            or pytest.fail("not changed")
        ),
    ),
    "line-delete": Write(
        "DELETE",
        lambda cases: cases.line_path(),
        lambda world, cases: None,
        204,
        lambda world, cases, response: (
            (not Line.objects.filter(pk=cases.licence.pk).exists()) or pytest.fail("not deleted")
        ),
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", WRITES)
def test_managers_write(world: World, cases: Cases, name: str, persona: str) -> None:
    write = WRITES[name]
    before = snapshot()
    response = api(world, persona, write.method, write.path(cases), write.body(world, cases))
    assert response.status_code == expected(persona, MANAGERS, write.success), response.content
    if response.status_code == write.success:
        write.check(world, cases, response)
    else:
        assert snapshot() == before


# --- Frozen versions -----------------------------------------------------------------------------


def frozen_writes(cases: Cases) -> list[tuple[str, str, dict[str, Any] | None]]:
    version = cases.version_path(cases.frozen_version)
    alternative = cases.alternative_path(cases.frozen_alternative)
    return [
        ("PATCH", version, {"note": "Endret"}),
        ("POST", f"{version}/freeze", {"stage": "final"}),
        ("POST", f"{version}/alternatives", {"name": "Nytt alternativ"}),
        ("PATCH", alternative, {"description": "Endret"}),
        ("DELETE", alternative, None),
        ("POST", f"{alternative}/lines", {"kind": "benefit", "name": "Ny", "amount": 1}),
        ("PATCH", cases.line_path(cases.frozen_line), {"amount": 1}),
        ("DELETE", cases.line_path(cases.frozen_line), None),
        ("DELETE", f"{CASES}/{cases.frozen.uuid}", None),
    ]


def test_frozen_version_refuses_every_change(world: World, cases: Cases) -> None:
    token = token_for(world, "admin")
    before = snapshot()
    for method, path, body in frozen_writes(cases):
        response = call(token, method, path, body)
        assert response.status_code == 422, (method, path, response.content)
        assert response.json()["detail"] in (
            "Versjonen er låst. Lag en ny versjon for å endre den.",
            "Saken har låste versjoner og kan ikke slettes; de er beslutningsgrunnlag.",
        )
    assert snapshot() == before


def test_viewer_gets_403_before_the_frozen_422(world: World, cases: Cases) -> None:
    token = token_for(world, "viewer")
    for method, path, body in frozen_writes(cases):
        assert call(token, method, path, body).status_code == 403


# --- Bad input -----------------------------------------------------------------------------------


BAD_INPUT = {
    "triangular low above mode": (
        "POST",
        lambda cases: f"{cases.alternative_path()}/lines",
        lambda cases: {
            "kind": "investment",
            "name": "Feil",
            "distribution": "triangular",
            "low": 10,
            "amount": 5,
            "high": 20,
        },
        "Lavt ≤ mest sannsynlig ≤ høyt må gjelde.",
    ),
    "missing amount": (
        "POST",
        lambda cases: f"{cases.alternative_path()}/lines",
        lambda cases: {"kind": "investment", "name": "Uten beløp"},
        "Feltet må fylles ut for denne usikkerheten.",
    ),
    "negative amount": (
        "POST",
        lambda cases: f"{cases.alternative_path()}/lines",
        lambda cases: {"kind": "investment", "name": "Negativ", "amount": -5},
        "greater than or equal to 0",
    ),
    "year outside the period": (
        "PATCH",
        lambda cases: cases.line_path(),
        lambda cases: {"last_year": 2035},
        "Året må ligge i analyseperioden 2026–2030.",
    ),
    "another collaboration's key": (
        "PATCH",
        lambda cases: cases.line_path(),
        lambda cases: {"split_key": str(cases.beta_key.uuid)},
        "Finnes ikke i samarbeidet",
    ),
    "duplicate line name": (
        "PATCH",
        lambda cases: cases.line_path(),
        lambda cases: {"name": "Anskaffelse og migrering"},
        "Alternativet har allerede en linje med dette navnet.",
    ),
    "second zero alternative": (
        "PATCH",
        lambda cases: cases.alternative_path(),
        lambda cases: {"is_zero": True},
        "Versjonen har allerede et nullalternativ.",
    ),
    "empty alternative name": (
        "PATCH",
        lambda cases: cases.alternative_path(),
        lambda cases: {"name": None},
        "Feltet kan ikke være blankt.",
    ),
    "period shorter than the lines": (
        "PATCH",
        lambda cases: cases.version_path(),
        lambda cases: {"years": 2},
        "ligger utenfor analyseperioden",
    ),
    "discount rate with too many decimals": (
        "PATCH",
        lambda cases: cases.version_path(),
        lambda cases: {"discount_rate": "0.041234"},
        "decimal places",
    ),
    "unknown stage": (
        "POST",
        lambda cases: f"{cases.version_path()}/freeze",
        lambda cases: {"stage": "draft"},
        "approved",
    ),
    "second draft": (
        "POST",
        lambda cases: f"{cases.version_path()}/new-version",
        lambda cases: None,
        "Saken har allerede et utkast.",
    ),
    "category of another collaboration": (
        "PATCH",
        lambda cases: f"{CASES}/{cases.draft.uuid}",
        lambda cases: {
            "category": str(SystemCategory.objects.filter(collaboration__slug="beta").first().uuid)  # type: ignore[union-attr]
        },
        "Finnes ikke i samarbeidet",
    ),
    "duplicate case name": (
        "POST",
        lambda cases: CASES,
        lambda cases: {"name": "Godkjent sak", "base_year": 2026},
        "finnes allerede",
    ),
    "base year out of range": (
        "POST",
        lambda cases: CASES,
        lambda cases: {"name": "Gammel", "base_year": 1850},
        "greater than or equal to 1990",
    ),
}


@pytest.mark.parametrize("name", BAD_INPUT)
def test_bad_input_is_422_and_writes_nothing(world: World, cases: Cases, name: str) -> None:
    method, path, body, message = BAD_INPUT[name]
    before = snapshot()
    response = api(world, "office", method, path(cases), body(cases))
    assert response.status_code == 422, response.content
    assert message in message_of(response)
    assert snapshot() == before


def test_import_names_field_and_line_of_each_problem(world: World, cases: Cases) -> None:
    document = small_document("Feil i fila")
    document["alternatives"][1]["lines"][0]["amount"] = {"min": 5, "mode": 3, "max": 9}
    document["hourly_rate"] = "mye"
    body = json.dumps(document, ensure_ascii=False, indent=2)
    stripped = [text.strip() for text in body.splitlines()]
    line_of_rate = stripped.index('"hourly_rate": "mye"') + 1
    line_of_mode = stripped.index('"mode": 3,') + 1
    before = snapshot()
    response = Client().post(
        f"/api/v1{CASES}/import",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(world, 'admin')}"},
    )
    assert response.status_code == 422
    problems = response.json()["errors"]["document"]
    assert f"line {line_of_rate}: hourly_rate: must be a number, not 'mye'" in problems
    assert (
        f"line {line_of_mode}: alternatives[1].lines[0].amount.mode: "
        "must lie between min and max (5–9)" in problems
    )
    assert snapshot() == before


def test_line_years_default_as_in_the_case_format(world: World, cases: Cases) -> None:
    token = token_for(world, "admin")
    path = f"{cases.alternative_path()}/lines"
    years = {}
    for kind in ("investment", "residual", "benefit"):
        response = call(token, "POST", path, {"kind": kind, "name": kind, "amount": 1000})
        assert response.status_code == 201, response.content
        years[kind] = (response.json()["first_year"], response.json()["last_year"])
    assert years == {
        "investment": (2026, 2026),
        "residual": (2030, 2030),
        "benefit": (2026, 2030),
    }


def test_import_yaml_and_refusals(world: World, cases: Cases) -> None:
    token = token_for(world, "admin")
    headers = {"Authorization": f"Bearer {token}"}
    text = "name: Fra YAML\nbase_year: 2026\nyears: 3\nalternatives:\n  - {name: Som i dag, zero: true}\n"
    response = Client().post(
        f"/api/v1{CASES}/import", data=text, content_type="application/yaml", headers=headers
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Fra YAML"
    before = snapshot()
    # A split that is not one of the collaboration's keys, a stepped rate, not JSON at all.
    document = small_document("Med nøkkel") | {"split": {"weights": {"A kommune": 1}}}
    document["organisations"] = [{"name": "A kommune"}]
    response = call(token, "POST", f"{CASES}/import", document)
    assert response.status_code == 422
    assert "finnes ikke som fordelingsnøkkel i samarbeidet" in message_of(response)
    stepped = small_document("Trinnvis") | {
        "discount_rate": [{"rate": 0.04, "years": 2}, {"rate": 0.03}]
    }
    response = call(token, "POST", f"{CASES}/import", stepped)
    assert response.status_code == 422
    assert "Trinnvis kalkulasjonsrente" in message_of(response)
    response = Client().post(
        f"/api/v1{CASES}/import",
        data="{ikke json",
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert "not valid JSON" in message_of(response)
    assert snapshot() == before
