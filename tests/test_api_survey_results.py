"""The API for survey results: the same permissions and anonymity rules as the pages.

Uses the survey of tests/test_survey_results.py: Public 360 shown, WebSak hidden as a whole,
Elements' total shown with both organisations hidden (the subtraction rule).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from conftest import World
from samla.landscape.models import SystemCategory
from tests.test_api_organisations import EVERYONE_IN_ALFA, PERSONAS, api, call, expected, token_for
from tests.test_survey_results import Survey, add_answers, build_survey

ALFA = "/collaborations/alfa"


@pytest.fixture
def survey(world: World) -> Survey:
    return build_survey(world)


def results_path(survey: Survey) -> str:
    return f"{ALFA}/campaigns/{survey.campaign.uuid}/results"


def comparison_path(survey: Survey) -> str:
    return f"{ALFA}/categories/{survey.category.uuid}/comparison"


def product_row(question: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in question["products"] if p["product"]["name"] == name)


def question_named(body: dict[str, Any], start: str) -> dict[str, Any]:
    return next(q for q in body["questions"] if q["text"].startswith(start))


@pytest.mark.parametrize("persona", PERSONAS)
def test_results_and_comparison_for_everyone_in_alfa(survey: Survey, persona: str) -> None:
    world = survey.world
    for path in (results_path(survey), comparison_path(survey)):
        response = api(world, persona, "GET", path)
        assert response.status_code == expected(persona, EVERYONE_IN_ALFA), path


def test_unknown_campaign_or_category_is_404(survey: Survey) -> None:
    token = token_for(survey.world, "viewer")
    missing = uuid.uuid4()
    assert call(token, "GET", f"{ALFA}/campaigns/{missing}/results").status_code == 404
    assert call(token, "GET", f"{ALFA}/categories/{missing}/comparison").status_code == 404
    beta_category = SystemCategory.objects.filter(collaboration=survey.world.beta).first()
    assert beta_category is not None
    path = f"{ALFA}/categories/{beta_category.uuid}/comparison"
    assert call(token, "GET", path).status_code == 404


def test_outsider_cannot_reach_alfas_campaign_through_beta(survey: Survey) -> None:
    path = f"/collaborations/beta/campaigns/{survey.campaign.uuid}/results"
    assert api(survey.world, "outsider", "GET", path).status_code == 404


def test_results_apply_the_thresholds(survey: Survey) -> None:
    body = api(survey.world, "viewer", "GET", results_path(survey)).json()
    assert (body["min_answers"], body["min_free_text"], body["anonymous"]) == (5, 6, True)
    assert {r["product"]["name"]: r["responses"] for r in body["responses"]} == {
        "Elements": 9,
        "Public 360": 7,
        "WebSak": 3,
    }
    covers = question_named(body, "Systemet dekker")
    assert covers["kind"] == "likert" and covers["measures"] == "functional_fit"
    p360 = product_row(covers, "Public 360")
    assert p360["stats"]["hidden"] is False
    assert (p360["stats"]["n"], p360["stats"]["mean"], p360["stats"]["median"]) == (
        6,
        "3.83",
        "4.00",
    )
    assert p360["stats"]["dont_know"] == 1
    assert [(o["label"], o["count"]) for o in p360["stats"]["options"]] == [
        ("1 – Helt uenig", 0),
        ("2", 1),
        ("3", 1),
        ("4", 2),
        ("5 – Helt enig", 2),
    ]
    websak = product_row(covers, "WebSak")
    hidden = {
        "hidden": True,
        "n": None,
        "dont_know": None,
        "mean": None,
        "median": None,
        "minimum": None,
        "maximum": None,
        "options": [],
    }
    assert websak["stats"] == hidden
    assert [o["stats"] for o in websak["organisations"]] == [hidden]
    elements = product_row(covers, "Elements")
    assert (elements["stats"]["n"], elements["stats"]["mean"]) == (9, "3.11")
    assert [o["stats"]["hidden"] for o in elements["organisations"]] == [True, True]
    strengths = question_named(body, "Hva er systemets sterkeste")
    assert product_row(strengths, "Public 360")["texts"][:2] == ["=SUM(A1)", "arkivet er ryddig"]
    assert product_row(strengths, "WebSak")["texts"] is None
    fits = {(f["organisation"]["name"], f["product"]["name"]): f for f in body["fits"]}
    assert fits[("A kommune", "Public 360")]["functional"] == {"mean": "3.83", "n": 6, "fit": 3}
    assert ("B kommune", "WebSak") not in fits


def test_comparison_lists_closed_campaigns_without_free_text(survey: Survey) -> None:
    body = api(survey.world, "editor_b", "GET", comparison_path(survey)).json()
    assert body["category"]["code"] == "ADM-SAK"
    assert [p["name"] for p in body["products"]] == ["Elements", "Public 360", "WebSak"]
    assert [c["campaign"]["name"] for c in body["campaigns"]] == ["Sak/arkiv 2026"]
    campaign = body["campaigns"][0]
    strengths = question_named(campaign, "Hva er systemets sterkeste")
    assert all(p["texts"] is None for p in strengths["products"])
    product_fits = {f["product"]["name"]: f for f in campaign["product_fits"]}
    assert set(product_fits) == {"Elements", "Public 360"}
    assert product_fits["Public 360"]["organisation"] is None


def test_results_cost_the_same_queries_at_two_sizes(
    world: World, django_assert_max_num_queries: Any
) -> None:
    survey = build_survey(world, close=False)
    counts = []
    for extra in (0, 6):
        add_answers(survey, extra)
        token = token_for(world, "viewer")
        with django_assert_max_num_queries(12) as captured:
            response = call(token, "GET", results_path(survey))
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
