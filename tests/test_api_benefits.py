"""The benefits API: the register, indicators with their trajectory and intermediate targets,
measurements and benefit maps — read by everyone in the collaboration, changed by whom
``samla/benefits/access.py`` says, bad input refused with a clear message and nothing
written, stale edits refused (409), other collaborations' objects not found."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps

from conftest import World
from samla.benefits import services
from samla.benefits.models import Benefit, BenefitMap, Indicator, MapLink, MapNode, Measurement
from samla.cases.models import Line
from tests.test_api_organisations import call, token_for
from tests.test_benefits_plan_vs_actual import build_realisation

P = "/collaborations/alfa"
READERS = ("admin", "office", "editor_a", "editor_b", "viewer")


@dataclass
class Ben:
    benefit: Benefit
    bare: Benefit  # no indicator yet
    indicator: Indicator
    measurement: Measurement
    benefit_map: BenefitMap
    challenge: MapNode
    node: MapNode
    link: MapLink
    beta_benefit: Benefit
    beta_indicator: Indicator
    beta_measurement: Measurement
    beta_map: BenefitMap
    beta_node: MapNode
    tokens: dict[str, str | None]


@pytest.fixture
def ben(world: World) -> Ben:
    benefit = services.benefit_create(
        collaboration=world.alfa,
        title="Mindre tid på fakturabehandling",
        benefit_class="capacity",
        owner=world.editor_b,
        organisations=[world.org_a],
    )
    bare = services.benefit_create(
        collaboration=world.alfa,
        title="Bedre tjenester",
        benefit_class="non_priced",
        owner=world.office,
    )
    indicator = services.indicator_create(
        benefit=benefit,
        name="Timer per måned",
        unit="hours",
        baseline_value=Decimal(1000),
        baseline_date=datetime.date(2026, 1, 1),
        target_value=Decimal(600),
        target_date=datetime.date(2028, 1, 1),
        kroner_per_unit=Decimal(650),
    )
    services.indicator_target_set(
        indicator=indicator, date=datetime.date(2027, 1, 1), value=Decimal(800)
    )
    measurement = services.measurement_create(
        indicator=indicator,
        measured_on=datetime.date(2026, 6, 1),
        value=Decimal(900),
        organisation=world.org_a,
    )
    benefit_map = services.map_create(collaboration=world.alfa, name="Fakturakartet")
    challenge = services.map_node_create(
        benefit_map=benefit_map, kind="challenge", title="Manuell fakturabehandling"
    )
    node = services.map_node_create(
        benefit_map=benefit_map, kind="benefit", title="Spart tid", benefit=benefit
    )
    link = services.map_link_create(benefit_map=benefit_map, source=challenge, target=node)
    beta_benefit = services.benefit_create(
        collaboration=world.beta,
        title="Betas gevinst",
        benefit_class="budget",
        owner=world.outsider,
        organisations=[world.org_c],
    )
    beta_indicator = services.indicator_create(
        benefit=beta_benefit,
        name="Kroner",
        unit="kroner",
        baseline_value=Decimal(0),
        baseline_date=datetime.date(2026, 1, 1),
        target_value=Decimal(100),
        target_date=datetime.date(2027, 1, 1),
    )
    beta_measurement = services.measurement_create(
        indicator=beta_indicator, measured_on=datetime.date(2026, 3, 1), value=Decimal(10)
    )
    beta_map = services.map_create(collaboration=world.beta, name="Betakart")
    beta_node = services.map_node_create(benefit_map=beta_map, kind="challenge", title="Beta")
    tokens = {p: token_for(world, p) for p in (*READERS, "outsider")}
    tokens["anonymous"] = None
    return Ben(
        benefit,
        bare,
        indicator,
        measurement,
        benefit_map,
        challenge,
        node,
        link,
        beta_benefit,
        beta_indicator,
        beta_measurement,
        beta_map,
        beta_node,
        tokens,
    )


def as_(ben: Ben, persona: str, method: str, path: str, body: Any = None) -> Any:
    return call(ben.tokens[persona], method, path, body)


def benefit_rows() -> dict[str, int]:
    """Rows of every benefits model and of its history (every save writes one)."""
    return {
        model.__name__: model._default_manager.count()
        for model in apps.get_app_config("benefits").get_models()
    }


def refused(
    ben: Ben, persona: str, method: str, path: str, body: Any, *, status: int = 422
) -> dict[str, Any]:
    """The request answers ``status`` and writes nothing; returns the answer."""
    before = benefit_rows()
    response = as_(ben, persona, method, path, body)
    assert response.status_code == status, response.content
    assert benefit_rows() == before
    answer: dict[str, Any] = response.json()
    return answer


def message(answer: dict[str, Any]) -> str:
    return json.dumps(answer, ensure_ascii=False)


def paths(ben: Ben) -> dict[str, str]:
    benefit_map = f"{P}/benefit-maps/{ben.benefit_map.uuid}"
    return {
        "benefits": f"{P}/benefits",
        "benefit": f"{P}/benefits/{ben.benefit.uuid}",
        "indicators": f"{P}/benefits/{ben.benefit.uuid}/indicators",
        "indicator": f"{P}/indicators/{ben.indicator.uuid}",
        "measurements": f"{P}/indicators/{ben.indicator.uuid}/measurements",
        "measurement": f"{P}/measurements/{ben.measurement.uuid}",
        "maps": f"{P}/benefit-maps",
        "map": benefit_map,
        "nodes": f"{benefit_map}/nodes",
        "node": f"{benefit_map}/nodes/{ben.node.uuid}",
        "links": f"{benefit_map}/links",
        "link": f"{benefit_map}/links/{ben.link.uuid}",
    }


# --- Reading -----------------------------------------------------------------------------------


def test_everyone_in_the_collaboration_reads_every_resource(world: World, ben: Ben) -> None:
    for persona in READERS:
        for name, path in paths(ben).items():
            response = as_(ben, persona, "GET", path)
            assert response.status_code == 200, (persona, name, response.content)
    for persona, status in (("outsider", 404), ("anonymous", 401)):
        for name, path in paths(ben).items():
            response = as_(ben, persona, "GET", path)
            assert response.status_code in (status, 403), (persona, name, response.status_code)
            assert "fakturabehandling" not in response.content.decode()


def test_a_benefit_shows_its_organisations_owner_and_its_indicators_progress(
    world: World, ben: Ben
) -> None:
    listed = as_(ben, "viewer", "GET", f"{P}/benefits").json()
    by_title = {b["title"]: b for b in listed}
    # A benefit without an indicator is listed, marked, never left out.
    assert by_title["Bedre tjenester"]["missing_indicator"] is True
    assert by_title["Bedre tjenester"]["indicators"] == []
    benefit = by_title["Mindre tid på fakturabehandling"]
    assert benefit["missing_indicator"] is False
    assert benefit["organisations"] == [str(world.org_a.uuid)]
    assert benefit["owner"] == str(world.editor_b.uuid)
    assert benefit["owner_name"] == "Editor_B Test"
    [summary] = benefit["indicators"]
    assert summary["uuid"] == str(ben.indicator.uuid)
    # (900 − 1000) / (600 − 1000): a quarter of the way, ahead of the trajectory on 1 June.
    assert summary["realisation"] == pytest.approx(0.25)
    assert summary["status"] == "on_track"
    assert benefit["version"] == 1
    missing = as_(ben, "viewer", "GET", f"{P}/benefits?missing_indicator=true").json()
    assert [b["title"] for b in missing] == ["Bedre tjenester"]
    assert as_(ben, "viewer", "GET", f"{P}/benefits?benefit_class=capacity").json()[0][
        "uuid"
    ] == str(ben.benefit.uuid)


def test_an_indicator_shows_its_trajectory_latest_measurement_status_and_next_due(
    ben: Ben,
) -> None:
    indicator = as_(ben, "viewer", "GET", paths(ben)["indicator"]).json()
    assert [(p["date"], p["value"]) for p in indicator["trajectory"]] == [
        ("2026-01-01", "1000.0000"),
        ("2027-01-01", "800.0000"),
        ("2028-01-01", "600.0000"),
    ]
    assert indicator["latest"]["uuid"] == str(ben.measurement.uuid)
    assert indicator["latest"]["value"] == "900.0000"
    assert indicator["status"] == "on_track"
    assert indicator["status_label"] == "I rute"
    assert indicator["realisation"] == pytest.approx(0.25)
    assert indicator["next_due"] == "2026-09-01"  # quarterly after the latest
    assert indicator["unit_label"] == "timer"
    listed = as_(ben, "viewer", "GET", paths(ben)["indicators"]).json()
    assert [i["uuid"] for i in listed] == [str(ben.indicator.uuid)]
    measured = as_(ben, "viewer", "GET", paths(ben)["measurements"]).json()
    assert [m["value"] for m in measured] == ["900.0000"]
    assert measured[0]["organisation"] is not None
    assert measured[0]["realisation"] == pytest.approx(0.25)


# --- The register ------------------------------------------------------------------------------


def test_managers_register_benefits_others_may_not(world: World, ben: Ben) -> None:
    body = {
        "title": "Færre purringer",
        "benefit_class": "budget",
        "owner": str(world.editor_a.uuid),
        "organisations": [str(world.org_a.uuid), str(world.org_b.uuid)],
    }
    for persona in ("editor_a", "editor_b", "viewer"):
        answer = refused(ben, persona, "POST", f"{P}/benefits", body, status=403)
        assert answer["detail"]
    response = as_(ben, "office", "POST", f"{P}/benefits", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["missing_indicator"] is True
    assert sorted(created["organisations"]) == sorted(
        [str(world.org_a.uuid), str(world.org_b.uuid)]
    )
    assert Benefit.objects.get(uuid=created["uuid"]).owner == world.editor_a


def test_the_owner_changes_the_benefit_but_only_managers_delete_it(world: World, ben: Ben) -> None:
    path = paths(ben)["benefit"]
    refused(ben, "editor_a", "PATCH", path, {"status": "planned"}, status=403)
    refused(ben, "viewer", "PATCH", path, {"status": "planned"}, status=403)
    response = as_(ben, "editor_b", "PATCH", path, {"status": "planned", "version": 1})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "planned" and response.json()["version"] == 2
    refused(ben, "editor_b", "DELETE", path, None, status=403)
    # With measurements it stays: set its status instead.
    answer = refused(ben, "office", "DELETE", path, None)
    assert "Avsluttet uten å realiseres" in message(answer)
    bare = f"{P}/benefits/{ben.bare.uuid}"
    assert as_(ben, "office", "DELETE", bare).status_code == 204
    assert not Benefit.objects.filter(pk=ben.bare.pk).exists()


def test_the_responsible_person_changes_the_benefit_too(world: World, ben: Ben) -> None:
    path = paths(ben)["benefit"]
    refused(ben, "editor_a", "PATCH", path, {"title": "Ny tittel"}, status=403)
    response = as_(ben, "office", "PATCH", path, {"responsible": str(world.editor_a.uuid)})
    assert response.status_code == 200, response.content
    response = as_(ben, "editor_a", "PATCH", path, {"title": "Ny tittel"})
    assert response.status_code == 200, response.content
    assert Benefit.objects.get(pk=ben.benefit.pk).title == "Ny tittel"


def test_a_benefit_needs_an_owner(world: World, ben: Ben) -> None:
    body = {"title": "Uten eier", "benefit_class": "budget"}
    answer = refused(ben, "office", "POST", f"{P}/benefits", body)
    assert "gevinsteier" in answer["detail"]
    assert "owner" in answer["errors"]
    answer = refused(ben, "office", "POST", f"{P}/benefits", {**body, "owner": None})
    assert "owner" in answer["errors"]
    answer = refused(ben, "office", "PATCH", paths(ben)["benefit"], {"owner": None})
    assert "owner" in answer["errors"]


def test_null_for_a_field_that_cannot_be_empty_is_refused(world: World, ben: Ben) -> None:
    for path, body in (
        (paths(ben)["benefit"], {"title": None}),
        (paths(ben)["benefit"], {"benefit_class": None}),
        (paths(ben)["indicator"], {"baseline_value": None}),
        (paths(ben)["indicator"], {"target_date": None}),
        (paths(ben)["measurement"], {"value": None}),
        (paths(ben)["measurement"], {"measured_on": None}),
        (paths(ben)["node"], {"kind": None}),
    ):
        answer = refused(ben, "admin", "PATCH", path, body)
        field = next(iter(body))
        assert field in answer["errors"], (path, answer)


def test_organisations_and_owners_must_be_the_collaborations(world: World, ben: Ben) -> None:
    body = {
        "title": "Feil organisasjon",
        "benefit_class": "budget",
        "owner": str(world.editor_a.uuid),
        "organisations": [str(world.org_c.uuid)],
    }
    answer = refused(ben, "admin", "POST", f"{P}/benefits", body)
    assert "organisations" in answer["errors"]
    answer = refused(
        ben,
        "admin",
        "POST",
        f"{P}/benefits",
        {**body, "organisations": [], "owner": str(world.outsider.uuid)},
    )
    assert "owner" in answer["errors"]
    # An organisation with measurements cannot be dropped from the benefit.
    answer = refused(
        ben, "admin", "PATCH", paths(ben)["benefit"], {"organisations": [str(world.org_b.uuid)]}
    )
    assert "A kommune" in answer["detail"]


# --- Indicators and their targets --------------------------------------------------------------

INDICATOR = {
    "name": "Andel elektroniske fakturaer",
    "unit": "percent",
    "baseline_value": "20",
    "baseline_date": "2026-01-01",
    "target_value": "80",
    "target_date": "2027-12-31",
}


def test_the_owner_adds_and_changes_indicators_an_editor_may_not(world: World, ben: Ben) -> None:
    path = paths(ben)["indicators"]
    for persona in ("editor_a", "viewer"):
        refused(ben, persona, "POST", path, INDICATOR, status=403)
    response = as_(ben, "editor_b", "POST", path, INDICATOR)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "not_measured" and created["latest"] is None
    assert created["benefit"] == str(ben.benefit.uuid)
    item = f"{P}/indicators/{created['uuid']}"
    refused(ben, "editor_a", "PATCH", item, {"name": "Nytt navn"}, status=403)
    response = as_(ben, "editor_b", "PATCH", item, {"frequency": "monthly", "version": 1})
    assert response.status_code == 200, response.content
    assert response.json()["next_due"] == "2026-02-01"
    refused(ben, "editor_a", "DELETE", item, None, status=403)
    assert as_(ben, "editor_b", "DELETE", item).status_code == 204
    assert not Indicator.objects.filter(uuid=created["uuid"]).exists()


def test_a_target_equal_to_the_baseline_is_refused(ben: Ben) -> None:
    body = {**INDICATOR, "target_value": "20"}
    answer = refused(ben, "office", "POST", paths(ben)["indicators"], body)
    assert "Målet kan ikke være lik nullpunktet" in answer["detail"]
    assert answer["errors"] == {"target_value": ["Målet kan ikke være lik nullpunktet."]}
    answer = refused(ben, "office", "PATCH", paths(ben)["indicator"], {"target_value": "1000"})
    assert "Målet kan ikke være lik nullpunktet" in answer["detail"]
    assert list(answer["errors"]) == ["target_value"]
    answer = refused(
        ben, "office", "POST", paths(ben)["indicators"], {**INDICATOR, "target_date": "2025-01-01"}
    )
    assert "Måldatoen må være etter" in answer["detail"]
    assert answer["errors"] == {"target_date": ["Måldatoen må være etter nullpunktets dato."]}
    # The baseline cannot move past measurements already taken.
    answer = refused(
        ben, "office", "PATCH", paths(ben)["indicator"], {"baseline_date": "2026-07-01"}
    )
    assert "før nullpunktets dato" in answer["detail"]


def test_intermediate_targets_are_set_by_date_and_removed(world: World, ben: Ben) -> None:
    target = f"{paths(ben)['indicator']}/targets/2027-06-30"
    refused(ben, "editor_a", "PUT", target, {"value": "700"}, status=403)
    response = as_(ben, "editor_b", "PUT", target, {"value": "700"})
    assert response.status_code == 201, response.content
    assert response.json() == {"date": "2027-06-30", "value": "700.0000", "version": 1}
    response = as_(ben, "editor_b", "PUT", target, {"value": "650", "version": 1})
    assert response.status_code == 200 and response.json()["version"] == 2
    answer = refused(ben, "editor_b", "PUT", target, {"value": "600", "version": 1}, status=409)
    assert answer["current_version"] == 2
    trajectory = as_(ben, "viewer", "GET", paths(ben)["indicator"]).json()["trajectory"]
    assert ("2027-06-30", "650.0000") in [(p["date"], p["value"]) for p in trajectory]
    # Outside the baseline and target dates: refused.
    outside = f"{paths(ben)['indicator']}/targets/2029-01-01"
    answer = refused(ben, "editor_b", "PUT", outside, {"value": "500"})
    assert "mellom nullpunktets dato" in answer["detail"]
    refused(ben, "editor_a", "DELETE", target, None, status=403)
    assert as_(ben, "editor_b", "DELETE", target).status_code == 204
    refused(ben, "editor_b", "DELETE", target, None, status=404)
    refused(ben, "editor_b", "PUT", f"{paths(ben)['indicator']}/targets/31-12-2027", {"value": "1"})


# --- Measurements ------------------------------------------------------------------------------


def test_an_editor_measures_for_their_own_organisation(world: World, ben: Ben) -> None:
    path = paths(ben)["measurements"]
    body = {"measured_on": "2026-09-01", "value": "850"}
    refused(ben, "viewer", "POST", path, body, status=403)
    # B's editor owns the benefit; A's measures for A (taken when none is named), not for B.
    refused(
        ben, "editor_a", "POST", path, {**body, "organisation": str(world.org_b.uuid)}, status=403
    )
    response = as_(ben, "editor_a", "POST", path, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["organisation"] == str(world.org_a.uuid)
    assert created["measured_by"] == str(world.editor_a.uuid)
    item = f"{P}/measurements/{created['uuid']}"
    response = as_(ben, "editor_a", "PATCH", item, {"value": "840", "version": 1})
    assert response.status_code == 200 and response.json()["value"] == "840.0000"
    refused(ben, "viewer", "PATCH", item, {"value": "1"}, status=403)
    refused(ben, "editor_a", "PATCH", item, {"organisation": str(world.org_b.uuid)}, status=403)
    assert as_(ben, "editor_a", "DELETE", item).status_code == 204
    # The owner measures for the whole benefit.
    response = as_(ben, "editor_b", "POST", path, {**body, "unit": "timer"})
    assert response.status_code == 201, response.content
    assert response.json()["organisation"] is None
    # A's editor may not change that one (it would quietly become A's), as on the pages.
    whole = f"{P}/measurements/{response.json()['uuid']}"
    refused(ben, "editor_a", "PATCH", whole, {"value": "1"}, status=403)
    refused(ben, "editor_a", "DELETE", whole, None, status=403)


def test_a_measurement_before_the_baseline_or_in_another_unit_is_refused(ben: Ben) -> None:
    path = paths(ben)["measurements"]
    answer = refused(ben, "office", "POST", path, {"measured_on": "2025-12-31", "value": "900"})
    assert "før nullpunktet (01.01.2026)" in answer["detail"]
    assert "measured_on" in answer["errors"]
    answer = refused(
        ben, "office", "POST", path, {"measured_on": "2026-09-01", "value": "900", "unit": "kroner"}
    )
    assert "«kroner» passer ikke med indikatorens enhet «timer»" in answer["detail"]
    assert "unit" in answer["errors"]
    answer = refused(
        ben, "office", "PATCH", paths(ben)["measurement"], {"measured_on": "2025-01-01"}
    )
    assert "før nullpunktet" in answer["detail"]
    for unit in ("hours", "Timer", " t "):
        response = as_(
            ben, "office", "POST", path, {"measured_on": "2026-09-01", "value": "880", "unit": unit}
        )
        assert response.status_code == 201, (unit, response.content)


# --- Stale edits ---------------------------------------------------------------------------------


def test_a_stale_version_is_refused_with_the_current_one(world: World, ben: Ben) -> None:
    for name, body in (
        ("benefit", {"description": "Endret"}),
        ("indicator", {"method": "Telling"}),
        ("measurement", {"comment": "Sjekket"}),
        ("map", {"description": "Endret"}),
        ("node", {"description": "Endret"}),
    ):
        path = paths(ben)[name]
        assert as_(ben, "admin", "PATCH", path, {**body, "version": 1}).status_code == 200
        answer = refused(ben, "admin", "PATCH", path, {**body, "version": 1}, status=409)
        assert answer["current_version"] == 2, name


# --- Other collaborations ----------------------------------------------------------------------


def test_another_collaborations_objects_are_not_found(world: World, ben: Ben) -> None:
    beta_map = f"{P}/benefit-maps/{ben.beta_map.uuid}"
    for method, path in (
        ("GET", f"{P}/benefits/{ben.beta_benefit.uuid}"),
        ("PATCH", f"{P}/benefits/{ben.beta_benefit.uuid}"),
        ("GET", f"{P}/benefits/{ben.beta_benefit.uuid}/indicators"),
        ("POST", f"{P}/benefits/{ben.beta_benefit.uuid}/indicators"),
        ("GET", f"{P}/indicators/{ben.beta_indicator.uuid}"),
        ("DELETE", f"{P}/indicators/{ben.beta_indicator.uuid}"),
        ("GET", f"{P}/indicators/{ben.beta_indicator.uuid}/measurements"),
        ("POST", f"{P}/indicators/{ben.beta_indicator.uuid}/measurements"),
        ("PUT", f"{P}/indicators/{ben.beta_indicator.uuid}/targets/2026-06-01"),
        ("GET", f"{P}/measurements/{ben.beta_measurement.uuid}"),
        ("DELETE", f"{P}/measurements/{ben.beta_measurement.uuid}"),
        ("GET", beta_map),
        ("DELETE", beta_map),
        ("GET", f"{beta_map}/nodes"),
        # alfa's map with beta's node in the path
        ("GET", f"{paths(ben)['map']}/nodes/{ben.beta_node.uuid}"),
        ("GET", f"{beta_map}/nodes/{ben.node.uuid}"),  # and the other way round
        ("GET", f"{beta_map}/links/{ben.link.uuid}"),
    ):
        body: Any = (
            {"value": "1", "measured_on": "2026-06-01"} if method in ("POST", "PUT") else None
        )
        if method == "PATCH":
            body = {"description": "X"}
        if method == "POST" and "indicators" in path and "measurements" not in path:
            body = INDICATOR
        answer = refused(ben, "admin", method, path, body, status=404)
        assert "Beta" not in message(answer)
    # Beta's objects named in a body: 422, nothing written.
    for path, body, field in (
        (
            paths(ben)["nodes"],
            {"kind": "benefit", "title": "X", "benefit": str(ben.beta_benefit.uuid)},
            "benefit",
        ),
        (
            paths(ben)["links"],
            {"source": str(ben.challenge.uuid), "target": str(ben.beta_node.uuid)},
            "target",
        ),
        (
            paths(ben)["measurements"],
            {"measured_on": "2026-06-01", "value": "1", "organisation": str(world.org_c.uuid)},
            "organisation",
        ),
    ):
        answer = refused(ben, "admin", "POST", path, body)
        assert field in answer["errors"], answer


# --- Benefit maps --------------------------------------------------------------------------------


def test_managers_draw_benefit_maps_others_read_them(world: World, ben: Ben) -> None:
    for persona in ("editor_a", "editor_b", "viewer"):
        refused(ben, persona, "POST", f"{P}/benefit-maps", {"name": "Kart"}, status=403)
        refused(ben, persona, "PATCH", paths(ben)["map"], {"name": "Kart"}, status=403)
        refused(
            ben,
            persona,
            "POST",
            paths(ben)["nodes"],
            {"kind": "objective", "title": "Mål"},
            status=403,
        )
        refused(ben, persona, "DELETE", paths(ben)["link"], None, status=403)
    response = as_(ben, "office", "POST", f"{P}/benefit-maps", {"name": "Nytt kart"})
    assert response.status_code == 201, response.content
    benefit_map = f"{P}/benefit-maps/{response.json()['uuid']}"
    objective = as_(
        ben, "office", "POST", f"{benefit_map}/nodes", {"kind": "objective", "title": "Mål"}
    )
    change = as_(
        ben, "office", "POST", f"{benefit_map}/nodes", {"kind": "change", "title": "Ny løsning"}
    )
    assert objective.status_code == change.status_code == 201
    link = as_(
        ben,
        "office",
        "POST",
        f"{benefit_map}/links",
        {"source": change.json()["uuid"], "target": objective.json()["uuid"]},
    )
    assert link.status_code == 201, link.content
    shown = as_(ben, "viewer", "GET", benefit_map).json()
    assert shown["node_count"] == 2 and shown["link_count"] == 1
    # Twice, to itself, to another map's node, a benefit on a node that is not a benefit: 422.
    again = {"source": change.json()["uuid"], "target": objective.json()["uuid"]}
    assert (
        "finnes allerede" in refused(ben, "office", "POST", f"{benefit_map}/links", again)["detail"]
    )
    itself = {"source": change.json()["uuid"], "target": change.json()["uuid"]}
    refused(ben, "office", "POST", f"{benefit_map}/links", itself)
    other = {"source": change.json()["uuid"], "target": str(ben.node.uuid)}
    assert (
        "annet gevinstkart"
        in refused(ben, "office", "POST", f"{benefit_map}/links", other)["detail"]
    )
    wrong = {"kind": "challenge", "title": "X", "benefit": str(ben.benefit.uuid)}
    refused(ben, "office", "POST", f"{benefit_map}/nodes", wrong)
    assert (
        as_(ben, "office", "DELETE", f"{benefit_map}/links/{link.json()['uuid']}").status_code
        == 204
    )
    assert as_(ben, "office", "DELETE", benefit_map).status_code == 204
    assert not BenefitMap.objects.filter(uuid=shown["uuid"]).exists()


# --- Plan versus actual with the business case -------------------------------------------------


def test_plan_versus_actual_from_the_approved_business_case(world: World, ben: Ben) -> None:
    # See tests/test_benefits_plan_vs_actual.py: 400 hours a year at 650 kr in 2027–2028,
    # split a quarter to A and three quarters to B; measured 227 500 kr in 2027, 195 000 in 2028.
    realisation = build_realisation(world)
    path = f"{P}/benefits/{realisation.benefit.uuid}/plan-vs-actual"
    answer = as_(ben, "viewer", "GET", path).json()
    assert answer["case_line"] == str(realisation.line.uuid)
    assert answer["case_version"] == str(realisation.version.uuid)
    assert answer["plan_counts"] is True and answer["priced"] is True
    assert answer["years"] == [2027, 2028]
    assert [(t["year"], t["plan"], t["actual"]) for t in answer["totals"]] == [
        (2027, "260000.00", "227500.00"),
        (2028, "260000.00", "195000.00"),
    ]
    rows = {row["name"]: row for row in answer["organisations"]}
    assert rows["A kommune"]["years"][0]["plan"] == "65000.00"
    # A's own 162 500 and a quarter of the whole benefit's 65 000 (shared like the plan)
    assert rows["A kommune"]["years"][0]["actual"] == "178750.00"
    assert rows["B kommune"]["years"][0]["actual"] == "48750.00"
    assert "Felles" not in rows
    assert (
        "Målinger for hele gevinsten er fordelt etter samme nøkkel som planen." in answer["notes"]
    )
    # A benefit without a case line has no plan, and says so.
    bare = as_(ben, "viewer", "GET", f"{P}/benefits/{ben.benefit.uuid}/plan-vs-actual").json()
    assert bare["plan_counts"] is False and bare["plan"] is None
    assert any("ikke koblet til en linje" in note for note in bare["notes"])
    refused(ben, "outsider", "GET", path, None, status=404)


def test_a_benefit_is_linked_to_a_monetised_business_case_line(world: World, ben: Ben) -> None:
    realisation = build_realisation(world)
    body = {
        "title": "Koblet til business case",
        "benefit_class": "capacity",
        "owner": str(world.editor_b.uuid),
        "case_line": str(realisation.line.uuid),
    }
    response = as_(ben, "office", "POST", f"{P}/benefits", body)
    assert response.status_code == 201, response.content
    assert response.json()["case_line"] == str(realisation.line.uuid)
    operating = Line.objects.get(
        alternative__version=realisation.version, kind="operating", alternative__name="Nytt system"
    )
    answer = refused(
        ben,
        "office",
        "POST",
        f"{P}/benefits",
        {**body, "title": "Drift", "case_line": str(operating.uuid)},
    )
    assert "prissatt gevinst eller spart tid" in answer["detail"]
