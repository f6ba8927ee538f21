"""The criteria pages of the portfolio: criteria with weights (set directly, summing to 1),
and the AHP editor (pairwise comparisons on Saaty's scale → priority vector, λmax, CI, RI,
CR, the most inconsistent comparisons named). Readers may try comparisons, which writes
nothing; only managers apply weights. Bad input (weights not summing to 1, a matrix that is
not reciprocal, values off the scale) gets a clear message and nothing is written."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import World
from samla.portfolio import services
from samla.portfolio.models import Comparison, Criterion

PERSONAS = ["admin", "office", "editor_a", "editor_b", "viewer", "outsider"]
EVERYONE = {"admin", "office", "editor_a", "editor_b", "viewer"}
MANAGERS = {"admin", "office"}
NAMES = ("Gevinst for innbyggerne", "Økonomisk gevinst", "Risiko ved å la være")


@pytest.fixture
def criteria(world: World) -> list[Criterion]:
    items = [services.criterion_create(collaboration=world.alfa, name=name) for name in NAMES]
    services.weights_set(
        collaboration=world.alfa,
        weights=dict(zip(items, (Decimal("0.5"), Decimal("0.3"), Decimal("0.2")), strict=True)),
    )
    return items


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"portfolio:{name}", kwargs={"slug": "alfa", **kwargs})


def text(response: Any) -> str:
    return response.content.decode()


def weights(items: list[Criterion]) -> list[Decimal]:
    return [Criterion.objects.get(pk=c.pk).weight for c in items]


def pairs(items: list[Criterion], values: tuple[str, str, str]) -> dict[str, str]:
    """(1 vs 2, 1 vs 3, 2 vs 3) as the AHP form posts them."""
    a, b, c = items
    return {
        f"pair_{a.pk}_{b.pk}": values[0],
        f"pair_{a.pk}_{c.pk}": values[1],
        f"pair_{b.pk}_{c.pk}": values[2],
    }


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("criteria", EVERYONE),
        ("ahp", EVERYONE),
        ("criterion_create", MANAGERS),
        ("criterion_edit", MANAGERS),
    ],
)
def test_get_page_per_persona(
    world: World, criteria: list[Criterion], name: str, allowed: set[str]
) -> None:
    address = url(name, criterion_id=criteria[0].uuid) if name == "criterion_edit" else url(name)
    for persona in PERSONAS:
        response = world.client_for(persona).get(address)
        expected = 200 if persona in allowed else 404 if persona == "outsider" else 403
        assert response.status_code == expected, f"{persona} on {address}: {response.status_code}"
    assert world.client_for(None).get(address).status_code == 302


def test_criteria_page_shows_weights_and_sum(world: World, criteria: list[Criterion]) -> None:
    viewer = text(world.client_for("viewer").get(url("criteria")))
    assert "50,0\xa0%" in viewer and "100,0\xa0%" in viewer
    assert "Sett vektene direkte" not in viewer and "Nytt kriterium" not in viewer
    office = text(world.client_for("office").get(url("criteria")))
    assert "Sett vektene direkte" in office and 'value="0,5"' in office


def _weights_post(items: list[Criterion], values: tuple[str, ...]) -> dict[str, str]:
    return {f"weight_{c.pk}": v for c, v in zip(items, values, strict=True)}


def test_direct_weights_must_sum_to_one_and_nothing_is_written(
    world: World, criteria: list[Criterion]
) -> None:
    client = world.client_for("office")
    response = client.post(url("criteria"), _weights_post(criteria, ("0,4", "0,4", "0,4")))
    assert response.status_code == 200
    assert "summerer til 1,2" in text(response) and "Skjemaet har feil" in text(response)
    assert weights(criteria) == [Decimal("0.5"), Decimal("0.3"), Decimal("0.2")]
    response = client.post(url("criteria"), _weights_post(criteria, ("1,5", "-0,3", "x")))
    assert "Vekten må ligge mellom 0 og 1" in text(response)
    assert weights(criteria) == [Decimal("0.5"), Decimal("0.3"), Decimal("0.2")]
    assert (
        client.post(url("criteria"), _weights_post(criteria, ("0,6", "0.25", "0,15"))).status_code
        == 302
    )
    assert weights(criteria) == [Decimal("0.6"), Decimal("0.25"), Decimal("0.15")]


def test_only_managers_set_weights(world: World, criteria: list[Criterion]) -> None:
    for persona in ("editor_a", "viewer"):
        response = world.client_for(persona).post(
            url("criteria"), _weights_post(criteria, ("0,6", "0,2", "0,2"))
        )
        assert response.status_code == 403
    assert weights(criteria) == [Decimal("0.5"), Decimal("0.3"), Decimal("0.2")]


def test_criterion_create_edit_delete(world: World, criteria: list[Criterion]) -> None:
    client = world.client_for("office")
    duplicate = client.post(url("criterion_create"), {"name": NAMES[0]})
    assert "allerede et kriterium med dette navnet" in text(duplicate)
    assert Criterion.objects.filter(collaboration=world.alfa).count() == 3
    assert (
        world.client_for("editor_a").post(url("criterion_create"), {"name": "Nytt"}).status_code
        == 403
    )
    assert (
        client.post(
            url("criterion_create"), {"name": "Samfunnsnytte", "description": "Mye"}
        ).status_code
        == 302
    )
    created = Criterion.objects.get(name="Samfunnsnytte")
    assert created.order == 4
    edit = url("criterion_edit", criterion_id=created.uuid)
    saved = client.post(
        edit, {"name": "Samfunnsnytte 2", "order": "", "_version": str(created.edit_version)}
    )
    assert saved.status_code == 302
    created.refresh_from_db()
    assert (created.name, created.order) == ("Samfunnsnytte 2", 4)
    assert "Vektene summerer til" not in text(client.get(url("overview")))  # still 1
    assert client.post(url("criterion_delete", criterion_id=criteria[2].uuid)).status_code == 302
    assert not Criterion.objects.filter(pk=criteria[2].pk).exists()
    assert "ikke 100" in text(client.get(url("criteria")))  # 0,8 left


def test_ahp_compute_shows_the_result_and_writes_nothing(
    world: World, criteria: list[Criterion]
) -> None:
    response = world.client_for("viewer").post(
        url("ahp"), {**pairs(criteria, ("3", "5", "2")), "compute": "1"}
    )
    page = text(response)
    assert response.status_code == 200
    assert "Resultat av sammenligningene (ikke lagret)" in page
    assert "λ<sub>max</sub>" in page and "Konsistensforhold (CR = CI / RI)" in page
    assert "0,58" in page  # RI for three criteria
    assert "konsistente nok" in page
    assert "Bruk vektene" not in page
    assert weights(criteria) == [Decimal("0.5"), Decimal("0.3"), Decimal("0.2")]
    assert not Comparison.objects.exists()


def test_viewer_cannot_apply_ahp_weights(world: World, criteria: list[Criterion]) -> None:
    response = world.client_for("editor_a").post(
        url("ahp"), {**pairs(criteria, ("3", "5", "2")), "apply": "1"}
    )
    assert response.status_code == 403
    assert not Comparison.objects.exists()


def test_manager_applies_ahp_weights_and_readers_see_the_matrix(
    world: World, criteria: list[Criterion]
) -> None:
    response = world.client_for("office").post(
        url("ahp"), {**pairs(criteria, ("3", "5", "2")), "apply": "1"}
    )
    assert response.status_code == 302
    stored = weights(criteria)
    assert sum(stored) == Decimal(1) and stored[0] > stored[1] > stored[2]
    assert Comparison.objects.filter(collaboration=world.alfa).count() == 3
    page = text(world.client_for("viewer").get(url("ahp")))
    assert "Dagens vekter kommer fra disse sammenligningene" in page
    assert "Sammenligningsmatrisen" in page
    assert '<td class="samla-num">1/3</td>' in page and '<td class="samla-num">1/5</td>' in page
    a, b, c = criteria
    assert f'<option value="3" selected>«{a.name}»' in page.replace("&laquo;", "«").replace(
        "&raquo;", "»"
    )
    assert "beregnet fra parvise sammenligninger" in text(
        world.client_for("viewer").get(url("criteria"))
    )


def test_inconsistent_comparisons_are_named(world: World, criteria: list[Criterion]) -> None:
    # A ≫ B, B ≫ C, but C ≫ A: a circle
    response = world.client_for("office").post(
        url("ahp"), {**pairs(criteria, ("9", "1/9", "9")), "compute": "1"}
    )
    page = text(response)
    assert "motsier hverandre" in page and "over 0,10" in page
    assert "«Gevinst for innbyggerne» mot «Økonomisk gevinst»: gitt 9" in page.replace(
        "&laquo;", "«"
    ).replace("&raquo;", "»")
    assert not Comparison.objects.exists()
    applied = world.client_for("office").post(
        url("ahp"), {**pairs(criteria, ("9", "1/9", "9")), "apply": "1"}, follow=True
    )
    assert "inkonsistente" in text(applied)


def test_a_pasted_matrix_that_is_not_reciprocal_is_refused_naming_the_pair(
    world: World, criteria: list[Criterion]
) -> None:
    for action in ("compute", "apply"):
        response = world.client_for("office").post(
            url("ahp"),
            {**pairs(criteria, ("1", "1", "1")), "matrix": "1 3 5\n3 1 2\n1/5 1/2 1", action: "1"},
        )
        page = text(response).replace("&laquo;", "«").replace("&raquo;", "»")
        assert response.status_code == 200
        assert "Matrisen er ikke resiprok" in page
        assert "«Gevinst for innbyggerne» mot «Økonomisk gevinst» er 3" in page and "1/3" in page
    assert weights(criteria) == [Decimal("0.5"), Decimal("0.3"), Decimal("0.2")]
    assert not Comparison.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"matrix": "1 3\n1/3 1"}, "én rad og én kolonne per kriterium (3)"),
        ({"matrix": "1 tre 5\n1/3 1 2\n1/5 1/2 1"}, "ikke er et tall eller en brøk"),
        ({"matrix": "1 12 5\n1/12 1 2\n1/5 1/2 1"}, "Saatys skala fra 1/9 til 9"),
        ({"matrix": "2 3 5\n1/3 1 2\n1/5 1/2 1"}, "sammenlignet med seg selv skal være 1"),
        ({"matrix": "1 0 5\n1/3 1 2\n1/5 1/2 1"}, "må være et positivt tall"),
        ({"pair": "7/3"}, "Velg en verdi på Saatys skala"),
    ],
)
def test_invalid_ahp_input_writes_nothing(
    world: World, criteria: list[Criterion], data: dict[str, str], message: str
) -> None:
    post = pairs(criteria, ("3", "5", "2"))
    if "pair" in data:
        post[next(iter(post))] = data["pair"]
    else:
        post["matrix"] = data["matrix"]
    response = world.client_for("office").post(url("ahp"), {**post, "apply": "1"})
    assert response.status_code == 200
    assert message in text(response)
    assert weights(criteria) == [Decimal("0.5"), Decimal("0.3"), Decimal("0.2")]
    assert not Comparison.objects.exists()


def test_ahp_needs_two_criteria(world: World) -> None:
    services.criterion_create(collaboration=world.alfa, name="Alene")
    page = text(world.client_for("office").get(url("ahp")))
    assert "AHP trenger minst to" in page


def test_outsider_cannot_reach_alfas_criteria(world: World, criteria: list[Criterion]) -> None:
    client: Client = world.client_for("outsider")
    assert client.get(url("criterion_edit", criterion_id=criteria[0].uuid)).status_code == 404
    beta = reverse(
        "portfolio:criterion_edit", kwargs={"slug": "beta", "criterion_id": criteria[0].uuid}
    )
    assert client.get(beta).status_code == 404


def test_criteria_as_xlsx_has_the_weights_and_no_matrix_when_set_directly(
    world: World, criteria: list[Criterion]
) -> None:
    assert world.client_for("outsider").get(url("criteria") + "?format=xlsx").status_code == 404
    response = world.client_for("viewer").get(url("criteria") + "?format=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Kriterier"]
    rows = list(workbook["Kriterier"].iter_rows(values_only=True))
    assert rows[0] == ("Kriterium", "Hva som gir høy score", "Vekt", "Vekt (%)")
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        (NAMES[0], 0.5, 50.0),
        (NAMES[1], 0.3, 30.0),
        (NAMES[2], 0.2, 20.0),
        ("Sum", 1.0, 100.0),
    ]


def test_criteria_as_xlsx_has_the_ahp_matrix_and_its_cr(
    world: World, criteria: list[Criterion]
) -> None:
    world.client_for("office").post(url("ahp"), {**pairs(criteria, ("3", "5", "2")), "apply": "1"})
    stored = weights(criteria)
    workbook = load_workbook(
        io.BytesIO(world.client_for("viewer").get(url("criteria") + "?format=xlsx").content)
    )
    assert workbook.sheetnames == ["Kriterier", "AHP"]
    rows = list(workbook["AHP"].iter_rows(values_only=True))
    assert rows[0] == ("Kriterium mot kriterium", *NAMES, "Vekt fra AHP")
    assert rows[1][:4] == (NAMES[0], 1, 3, 5)
    assert rows[2][:4] == (NAMES[1], round(1 / 3, 4), 1, 2)
    assert rows[3][:4] == (NAMES[2], 0.2, 0.5, 1)
    assert [round(r[4], 3) for r in rows[1:4]] == [round(float(w), 3) for w in stored]
    cr = {r[0]: r[1] for r in rows[4:] if r and r[0]}
    assert 0 < cr["Konsistensforhold (CR)"] < 0.1 and cr["Konsistent (CR ≤ 0,10)"] == "ja"
