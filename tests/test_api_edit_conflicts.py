"""No lost updates in the API: two clients read the same object and both PATCH it with the
version they read. The first wins; the second gets 409 with the current version, and
nothing of it is written. A PATCH with the current version, or with none, goes through.
Each app's PATCH endpoints are covered, and every output carries the version."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from django.test import Client

from samla.organisations import services as organisation_services
from samla.organisations.models import Membership
from tests import test_edit_conflicts
from tests.test_edit_conflicts import Everything

# The same data as the page tests: built once per module, a fresh copy per test.
shared = test_edit_conflicts.shared
frozen_today = test_edit_conflicts.frozen_today
everything = test_edit_conflicts.everything

A = "/api/v1/collaborations/alfa"


@dataclass(frozen=True)
class Patch:
    url: str
    obj: models.Model
    field: str
    first: Any
    second: Any
    version_key: str = "version"


PATCHES: dict[str, Callable[[Everything], Patch]] = {
    "organisation": lambda e: Patch(
        f"{A}/organisations/{e.world.org_a.uuid}", e.world.org_a, "name", "A 1", "A 2"
    ),
    "membership": lambda e: Patch(
        f"{A}/memberships/{Membership.objects.get(organisation=e.world.org_b, collaboration=e.world.alfa).uuid}",
        Membership.objects.get(organisation=e.world.org_b, collaboration=e.world.alfa),
        "is_host",
        True,
        False,
    ),
    "cost key": lambda e: Patch(
        f"{A}/cost-sharing-keys/{e.world.alfa.cost_sharing_keys.first().uuid}",  # type: ignore[union-attr]
        e.world.alfa.cost_sharing_keys.first(),  # type: ignore[arg-type]
        "name",
        "Nøkkel 1",
        "Nøkkel 2",
    ),
    "vendor": lambda e: Patch(
        f"{A}/vendors/{e.survey.elements.vendor.uuid}",  # type: ignore[union-attr]
        e.survey.elements.vendor,  # type: ignore[arg-type]
        "name",
        "Lev 1",
        "Lev 2",
    ),
    "product": lambda e: Patch(
        f"{A}/products/{e.survey.elements.uuid}",
        e.survey.elements,
        "name",
        "System 1",
        "System 2",
        "row_version",
    ),
    "installation": lambda e: Patch(
        f"{A}/installations/{e.installation.uuid}", e.installation, "notes", "Merk 1", "Merk 2"
    ),
    "contract": lambda e: Patch(
        f"{A}/contracts/{e.contract.uuid}", e.contract, "title", "Avtale 1", "Avtale 2"
    ),
    "questionnaire": lambda e: Patch(
        f"{A}/questionnaires/{e.survey.questionnaire.uuid}",
        e.survey.questionnaire,
        "name",
        "Skjema 1",
        "Skjema 2",
    ),
    "campaign": lambda e: Patch(
        f"{A}/campaigns/{e.survey.campaign.uuid}", e.survey.campaign, "name", "Und 1", "Und 2"
    ),
    "user group": lambda e: Patch(
        f"{A}/campaigns/{e.survey.campaign.uuid}/user-groups/{e.survey.group_a.uuid}",
        e.survey.group_a,
        "name",
        "Gruppe 1",
        "Gruppe 2",
    ),
    "case": lambda e: Patch(
        f"{A}/cases/{e.cases.case.uuid}", e.cases.case, "name", "Case 1", "Case 2"
    ),
    "alternative": lambda e: Patch(
        f"{A}/cases/{e.cases.case.uuid}/versions/{e.cases.v2.uuid}"
        f"/alternatives/{e.cases.alternative.uuid}",
        e.cases.alternative,
        "name",
        "Alt 1",
        "Alt 2",
        "row_version",
    ),
}


def api_client(e: Everything, persona: str) -> tuple[Client, dict[str, str]]:
    _, plain = organisation_services.api_token_create(user=e.world.persona(persona), name="t")
    return Client(), {"Authorization": f"Bearer {plain}"}


def patch(client: tuple[Client, dict[str, str]], url: str, body: dict[str, Any]) -> Any:
    http, headers = client
    return http.patch(url, json.dumps(body), content_type="application/json", headers=headers)


def get(client: tuple[Client, dict[str, str]], url: str) -> Any:
    http, headers = client
    return http.get(url, headers=headers)


def read(client: tuple[Client, dict[str, str]], p: Any) -> int:
    """The version as a client sees it: from the object's own address, or from its list when
    the object has none (memberships)."""
    response = get(client, p.url)
    if response.status_code == 405:
        listing = get(client, p.url.rsplit("/", 1)[0])
        assert listing.status_code == 200, listing.content
        uuid = p.url.rsplit("/", 1)[1]
        rows = listing.json()
        rows = rows["items"] if isinstance(rows, dict) else rows
        return int(next(row for row in rows if row["uuid"] == uuid)[p.version_key])
    assert response.status_code == 200, response.content
    return int(response.json()[p.version_key])


def stored(obj: models.Model, field: str) -> Any:
    obj.refresh_from_db()
    return getattr(obj, field)


@pytest.mark.parametrize("name", list(PATCHES))
def test_two_stale_patches_the_second_gets_409_and_writes_nothing(
    everything: Everything, name: str
) -> None:
    p = PATCHES[name](everything)
    first, second = api_client(everything, "office"), api_client(everything, "admin")
    version, other = read(first, p), read(second, p)
    assert version == other == p.obj.edit_version  # type: ignore[attr-defined]

    won = patch(first, p.url, {p.field: p.first, p.version_key: version})
    assert won.status_code == 200, won.content
    assert won.json()[p.version_key] == version + 1

    lost = patch(second, p.url, {p.field: p.second, p.version_key: version})
    assert lost.status_code == 409, lost.content
    body = lost.json()
    assert body["current_version"] == version + 1
    assert "Noen andre har lagret" in body["detail"]
    assert stored(p.obj, p.field) == p.first
    assert p.obj.edit_version == version + 1  # type: ignore[attr-defined]

    # Read again, the second client's change goes through.
    again = patch(second, p.url, {p.field: p.second, p.version_key: version + 1})
    assert again.status_code == 200, again.content
    assert stored(p.obj, p.field) == p.second


def test_a_patch_without_a_version_still_works(everything: Everything) -> None:
    p = PATCHES["vendor"](everything)
    client = api_client(everything, "office")
    assert patch(client, p.url, {"name": "Uten versjon"}).status_code == 200
    assert stored(p.obj, "name") == "Uten versjon"


def test_a_bad_version_is_refused_as_input(everything: Everything) -> None:
    p = PATCHES["vendor"](everything)
    client = api_client(everything, "office")
    assert patch(client, p.url, {"name": "X", "version": 0}).status_code == 422
    assert stored(p.obj, "name") != "X"


def test_the_openapi_document_shows_version_and_409(everything: Everything) -> None:
    client = api_client(everything, "office")
    document = get(client, "/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "version" in schemas["VendorUpdateIn"]["properties"]
    assert "version" in schemas["VendorOut"]["properties"]
    assert "row_version" in schemas["ProductUpdateIn"]["properties"]
    operation = document["paths"]["/api/v1/collaborations/{slug}/vendors/{vendor_id}"]["patch"]
    assert "409" in operation["responses"]
