"""Bad input on the business-case forms gets a clear Norwegian message and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import World
from samla.cases.models import Alternative, Assumption, BusinessCase, CaseVersion, Effect, Line
from tests.test_case_pages import EXAMPLE, Cases, build_cases

NOTHING_SAVED = "Ingenting er lagret"


@pytest.fixture
def cases(world: Any) -> Cases:
    return build_cases(world)


def url(name: str, *args: Any) -> str:
    return reverse(f"cases:{name}", args=["alfa", *args])


def snapshot() -> tuple[Any, ...]:
    return (
        list(BusinessCase.objects.values_list("name", "description", "category_id").order_by("pk")),
        list(
            CaseVersion.objects.values_list(
                "stage",
                "note",
                "base_year",
                "years",
                "discount_rate",
                "hourly_rate",
                "split_key_id",
                "monte_carlo_iterations",
            ).order_by("pk")
        ),
        list(Alternative.objects.values_list("name", "is_zero").order_by("pk")),
        list(
            Line.objects.values_list(
                "name", "kind", "distribution", "amount", "low", "high", "first_year", "last_year"
            ).order_by("pk")
        ),
        list(Effect.objects.values_list("name", "score", "reason").order_by("pk")),
        list(Assumption.objects.values_list("text", "source").order_by("pk")),
    )


def assert_refused(response: Any, field: str | None, message: str) -> None:
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field or "__all__", [])
    assert any(message.lower() in error.lower() for error in errors), form.errors
    page = response.content.decode()
    assert NOTHING_SAVED in page
    assert 'id="error-summary"' in page


VALID_CASE = {
    "name": "Ny sak",
    "description": "",
    "category": "",
    "base_year": "2026",
    "years": "10",
}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "påkrevet"),
        ({"base_year": "1800"}, "base_year", "større enn eller lik 1990"),
        ({"base_year": "tjue"}, "base_year", "heltall"),
        ({"years": "0"}, "years", "større enn eller lik 1"),
        ({"category": "00000000-0000-0000-0000-000000000000"}, "category", "gyldig valg"),
    ],
)
def test_new_case_bad_input(cases: Cases, change: dict[str, str], field: str, message: str) -> None:
    before = snapshot()
    response = cases.client("admin").post(url("case_create"), {**VALID_CASE, **change})
    assert_refused(response, field, message)
    assert snapshot() == before


def test_new_case_with_a_taken_name(cases: Cases) -> None:
    before = snapshot()
    response = cases.client("admin").post(
        url("case_create"), {**VALID_CASE, "name": cases.case.name}
    )
    assert response.status_code == 200
    assert NOTHING_SAVED in response.content.decode()
    assert snapshot() == before


VALID_SETTINGS = {
    "note": "",
    "base_year": "2014",
    "years": "10",
    "discount_rate": "4",
    "hourly_rate": "500",
    "optimism_bias": "",
    "split_key": "",
    "monte_carlo_iterations": "2000",
    "monte_carlo_seed": "1",
}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"discount_rate": "fire"}, "discount_rate", "Skriv et tall"),
        ({"discount_rate": "3,125"}, "discount_rate", "høyst to desimaler"),
        ({"discount_rate": "150"}, "discount_rate", "mindre enn eller lik 100"),
        ({"hourly_rate": "-5"}, "hourly_rate", "større enn eller lik 0"),
        ({"monte_carlo_iterations": "10"}, "monte_carlo_iterations", "større enn eller lik 100"),
        ({"monte_carlo_iterations": "5000000"}, "monte_carlo_iterations", "mindre enn eller lik"),
        ({"optimism_bias": "alt for mye"}, "optimism_bias", "gyldig valg"),
        ({"split_key": "00000000-0000-0000-0000-000000000000"}, "split_key", "gyldig valg"),
        # The lines run 2014–2023: a later base year leaves them outside the period.
        ({"base_year": "2016"}, "years", "utenfor analyseperioden"),
        ({"years": "3"}, "years", "utenfor analyseperioden"),
    ],
)
def test_version_settings_bad_input(
    cases: Cases, change: dict[str, str], field: str, message: str
) -> None:
    before = snapshot()
    response = cases.client("office").post(
        url("version_edit", cases.v2.uuid), {**VALID_SETTINGS, **change}
    )
    assert_refused(response, field, message)
    assert snapshot() == before


def test_version_settings_accept_norwegian_decimals(cases: Cases) -> None:
    response = cases.client("office").post(
        url("version_edit", cases.v2.uuid),
        {**VALID_SETTINGS, "discount_rate": "3,5", "hourly_rate": "1 234,50"},
    )
    assert response.status_code == 302
    cases.v2.refresh_from_db()
    assert str(cases.v2.discount_rate) == "0.0350"
    assert str(cases.v2.hourly_rate) == "1234.50"
    page = cases.client("office").get(url("version_edit", cases.v2.uuid)).content.decode()
    assert 'value="3,5"' in page


def test_split_key_of_another_collaboration_is_refused(cases: Cases) -> None:
    from samla.organisations import services as organisation_services

    foreign = organisation_services.cost_sharing_key_create(
        collaboration=cases.world.beta, name="Beta-nøkkel", method="equal"
    )
    before = snapshot()
    response = cases.client("office").post(
        url("version_edit", cases.v2.uuid), {**VALID_SETTINGS, "split_key": str(foreign.uuid)}
    )
    assert_refused(response, "split_key", "gyldig valg")
    assert snapshot() == before


VALID_LINE = {
    "kind": "operating",
    "name": "Support",
    "description": "",
    "distribution": "point",
    "amount": "120 000",
    "low": "",
    "high": "",
    "spread": "",
    "first_year": "2015",
    "last_year": "2023",
    "split_key": "",
    "affects_budget": "",
}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "påkrevet"),
        ({"kind": "gave"}, "kind", "gyldig valg"),
        ({"amount": ""}, "amount", "må fylles ut for denne usikkerheten"),
        ({"amount": "mye"}, "amount", "Skriv et tall"),
        ({"amount": "-100"}, "amount", "større enn eller lik 0"),
        (
            {
                "distribution": "triangular",
                "low": "200 000",
                "amount": "100 000",
                "high": "300 000",
            },
            "amount",
            "Lavt ≤ mest sannsynlig ≤ høyt",
        ),
        ({"distribution": "triangular", "low": "", "high": "5"}, "low", "må fylles ut"),
        ({"distribution": "uniform", "low": "5", "high": "5"}, "high", "større enn lavt"),
        ({"distribution": "normal", "spread": ""}, "spread", "må fylles ut"),
        ({"first_year": "2030", "last_year": "2030"}, "first_year", "analyseperioden 2014–2023"),
        ({"first_year": "2020", "last_year": "2016"}, "last_year", "før fra år"),
        ({"split_key": "00000000-0000-0000-0000-000000000000"}, "split_key", "gyldig valg"),
        ({"affects_budget": "kanskje"}, "affects_budget", "gyldig valg"),
    ],
)
def test_line_bad_input(cases: Cases, change: dict[str, str], field: str, message: str) -> None:
    before = snapshot()
    response = cases.client("admin").post(
        url("line_create", cases.alternative.uuid), {**VALID_LINE, **change}
    )
    assert_refused(response, field, message)
    assert snapshot() == before


def test_line_with_a_taken_name(cases: Cases) -> None:
    before = snapshot()
    response = cases.client("admin").post(
        url("line_create", cases.alternative.uuid), {**VALID_LINE, "name": cases.line.name}
    )
    assert_refused(response, "name", "allerede en linje")
    assert snapshot() == before


def test_line_edit_bad_input_changes_nothing(cases: Cases) -> None:
    before = snapshot()
    response = cases.client("admin").post(
        url("line_edit", cases.line.uuid),
        {**VALID_LINE, "name": cases.line.name, "first_year": "1999"},
    )
    assert_refused(response, "first_year", "analyseperioden")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "description": ""}, "name", "påkrevet"),
        ({"name": "Nullalternativ", "description": ""}, "name", "finnes allerede"),
        (
            {"name": "Nytt null", "description": "", "is_zero": "on"},
            "is_zero",
            "allerede et nullalternativ",
        ),
    ],
)
def test_alternative_bad_input(
    cases: Cases, data: dict[str, str], field: str, message: str
) -> None:
    before = snapshot()
    response = cases.client("admin").post(url("alternative_create", cases.v2.uuid), data)
    assert_refused(response, field, message)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "score": "1", "reason": "x"}, "name", "påkrevet"),
        ({"name": "X", "score": "5", "reason": "x"}, "score", "gyldig valg"),
        ({"name": "X", "score": "", "reason": "x"}, "score", "påkrevet"),
        ({"name": "X", "score": "1", "reason": ""}, "reason", "påkrevet"),
    ],
)
def test_effect_bad_input(cases: Cases, data: dict[str, str], field: str, message: str) -> None:
    before = snapshot()
    response = cases.client("admin").post(url("effect_create", cases.alternative.uuid), data)
    assert_refused(response, field, message)
    assert snapshot() == before


def test_assumption_bad_input(cases: Cases) -> None:
    before = snapshot()
    response = cases.client("admin").post(
        url("assumption_create", cases.v2.uuid), {"text": "", "source": "x" * 301}
    )
    assert_refused(response, "text", "påkrevet")
    assert "source" in response.context["form"].errors
    assert snapshot() == before


def test_freeze_with_an_unknown_stage(cases: Cases) -> None:
    before = snapshot()
    response = cases.client("admin").post(
        url("version_freeze", cases.v2.uuid), {"stage": "draft"}, follow=True
    )
    assert "Velg godkjent" in response.content.decode()
    assert snapshot() == before


# --- Import ----------------------------------------------------------------------------------


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_import_errors_name_field_and_line(cases: Cases) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    broken = text.replace("base_year: 2014", "base_year: tjue", 1).replace(
        "        year: 2014\n        budget: false          # people's time",
        "        year: 1990\n        budget: false          # people's time",
        1,
    )
    assert broken.count("tjue") == 1 and "year: 1990" in broken
    line_of_base_year = next(
        i for i, line in enumerate(broken.splitlines(), 1) if line.startswith("base_year:")
    )
    before = snapshot()
    response = cases.client("admin").post(
        url("case_import"), {"file": upload("sak.yaml", broken.encode()), "name": "Ny"}
    )
    assert response.status_code == 200
    problems = response.context["problems"]
    assert any(p.path == "base_year" and p.line == line_of_base_year for p in problems), problems
    page = response.content.decode()
    assert "Ingenting er lagret" in page
    assert f'<td class="samla-num">{line_of_base_year}</td><td><code>base_year</code></td>' in page
    assert snapshot() == before


def test_import_json_errors_name_the_line(cases: Cases) -> None:
    content = (
        b'{\n  "name": "X",\n  "base_year": 2020,\n  "years": "ti",\n  "alternatives": []\n}\n'
    )
    before = snapshot()
    response = cases.client("admin").post(url("case_import"), {"file": upload("sak.json", content)})
    problems = response.context["problems"]
    assert any(p.path == "years" and p.line == 4 for p in problems), problems
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("sak.yaml", b"x" * (1024 * 1024 + 1), "større enn 1 MB"),
        ("sak.yaml", b"\xff\xfe\x00 ikke utf-8 \xff", "UTF-8"),
        ("sak.txt", b"name: x", ".yaml, .yml eller .json"),
    ],
)
def test_import_file_refused(cases: Cases, name: str, content: bytes, message: str) -> None:
    before = snapshot()
    response = cases.client("admin").post(url("case_import"), {"file": upload(name, content)})
    assert_refused(response, "file", message)
    assert snapshot() == before


def test_import_without_file(cases: Cases) -> None:
    before = snapshot()
    response = cases.client("admin").post(url("case_import"), {"name": "X"})
    assert_refused(response, "file", "påkrevet")
    assert snapshot() == before


def test_import_with_a_split_the_collaboration_lacks_writes_nothing(world: Any) -> None:
    """Without the 30/70 key the e-handel example is refused, with nothing half-imported."""
    before = snapshot()
    response = world.client_for("admin").post(
        url("case_import"), {"file": upload("e-handel.yaml", EXAMPLE.read_bytes())}
    )
    assert_refused(response, None, "finnes ikke som fordelingsnøkkel")
    assert snapshot() == before


def test_import_of_the_example_saves_the_case(world: Any) -> None:
    from decimal import Decimal

    from samla.organisations import services as organisation_services

    organisation_services.cost_sharing_key_create(
        collaboration=world.alfa,
        name="30/70",
        method="fixed_plus_population",
        fixed_share_percent=Decimal(30),
    )
    response = world.client_for("office").post(
        url("case_import"),
        {"file": upload("e-handel.yaml", EXAMPLE.read_bytes()), "name": "Importert"},
    )
    assert response.status_code == 302
    case = BusinessCase.objects.get(name="Importert")
    assert Line.objects.filter(alternative__version__case=case).count() > 5


@pytest.mark.parametrize(
    "change, named",
    [
        (
            lambda d: d.update(discount_rate=[{"rate": 0.04, "years": 3}, {"rate": 0.03}]),
            "Trinnvis",
        ),
        (lambda d: d.update(optimism_bias={"investment": 0.5}), "optimismebias"),
        (lambda d: d["alternatives"][1]["lines"][0].update(hourly_rate=700), "timepris"),
    ],
)
def test_import_refuses_what_a_stored_version_cannot_hold(
    world: World, change: Any, named: str
) -> None:
    """Dropping these silently would make the stored case disagree with the file."""
    from samla.cases import services as case_services
    from samla.cases.models import BusinessCase

    document: dict[str, Any] = {
        "name": "Utenfor formatet",
        "base_year": 2026,
        "years": 5,
        "alternatives": [
            {"name": "Null", "zero": True, "lines": []},
            {
                "name": "Tiltak",
                "lines": [{"kind": "time_saving", "name": "Tid", "hours": 100, "from": 2027}],
            },
        ],
    }
    change(document)
    with pytest.raises(ValidationError) as raised:
        case_services.case_import(collaboration=world.alfa, document=document)
    assert named in " ".join(raised.value.messages)
    assert not BusinessCase.objects.filter(name="Utenfor formatet").exists()


def test_import_states_the_correlations_it_leaves_out(world: World) -> None:
    import yaml

    from samla.cases import services as case_services

    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for field in ("organisations", "split"):
        document.pop(field)
    for alternative in document["alternatives"]:
        for line in alternative["lines"]:
            line.pop("split", None)
    case = case_services.case_import(collaboration=world.alfa, document=document)
    texts = [a.text for a in case.versions.get().assumptions.all()]
    assert any("Korrelasjonene" in text and "Innkjøpsgevinst 2016" in text for text in texts)
