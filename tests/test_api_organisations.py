"""The API for collaborations, organisations and memberships: who may do what, bad input, queries.

Every endpoint is called by every persona: the allowed ones succeed, anonymous callers get
401, personas of alfa without the right get 403, and the outsider (of collaboration beta)
gets 404 because alfa's objects do not exist for them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from conftest import World
from samla.organisations import services
from samla.organisations.models import Membership, Organisation, Role

ANONYMOUS = "anonymous"
PERSONAS = [ANONYMOUS, "viewer", "editor_a", "editor_b", "office", "admin", "outsider"]
EVERYONE_IN_ALFA = {"viewer", "editor_a", "editor_b", "office", "admin"}
MANAGERS = {"office", "admin"}

# Valid (MOD11) organisation numbers not used by the world fixture.
FREE_NUMBERS = ["910000004", "910000012", "910000020"]


def token_for(world: World, persona: str) -> str | None:
    if persona == ANONYMOUS:
        return None
    _, plain = services.api_token_create(user=world.persona(persona), name="test")
    return plain


def call(
    token: str | None, method: str, path: str, body: dict[str, Any] | None = None
) -> HttpResponse:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().generic(
        method,
        f"/api/v1{path}",
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers=headers,
    )


def api(
    world: World, persona: str, method: str, path: str, body: dict[str, Any] | None = None
) -> HttpResponse:
    return call(token_for(world, persona), method, path, body)


def expected(persona: str, allowed: set[str], success: int = 200) -> int:
    if persona == ANONYMOUS:
        return 401
    if persona == "outsider":
        return 404
    return success if persona in allowed else 403


def membership_of(world: World, organisation: Organisation) -> Membership:
    return Membership.objects.get(collaboration=world.alfa, organisation=organisation)


# --- Collaborations --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_collaboration_list_shows_only_own_collaborations(world: World, persona: str) -> None:
    response = api(world, persona, "GET", "/collaborations")
    if persona == ANONYMOUS:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    slugs = [c["slug"] for c in response.json()]
    assert slugs == (["beta"] if persona == "outsider" else ["alfa"])


@pytest.mark.parametrize("persona", PERSONAS)
def test_collaboration_detail(world: World, persona: str) -> None:
    response = api(world, persona, "GET", "/collaborations/alfa")
    assert response.status_code == expected(persona, EVERYONE_IN_ALFA)
    if response.status_code == 200:
        body = response.json()
        assert body["uuid"] == str(world.alfa.uuid)
        assert body["role"] == Role.objects.get(user=world.persona(persona)).kind
        editable = {"editor_a": world.org_a, "editor_b": world.org_b}.get(persona)
        assert body["editable_organisation"] == (str(editable.uuid) if editable else None)


def test_unknown_collaboration_is_404(world: World) -> None:
    assert api(world, "admin", "GET", "/collaborations/finnes-ikke").status_code == 404


def test_superuser_sees_every_collaboration(world: World) -> None:
    world.viewer.is_superuser = True
    world.viewer.save()
    response = api(world, "viewer", "GET", "/collaborations")
    assert [c["slug"] for c in response.json()] == ["alfa", "beta"]
    assert api(world, "viewer", "GET", "/collaborations/beta").json()["role"] == "administrator"


# --- Organisations ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_organisation_list(world: World, persona: str) -> None:
    response = api(world, persona, "GET", "/collaborations/alfa/organisations")
    assert response.status_code == expected(persona, EVERYONE_IN_ALFA)
    if response.status_code == 200:
        assert [o["name"] for o in response.json()] == ["A kommune", "B kommune"]
        first = response.json()[0]
        assert first["uuid"] == str(world.org_a.uuid)
        assert first["organisation_number"] == "974760673"
        assert first["population"] == 10_000
        assert first["population_date"] == "2026-01-01"


@pytest.mark.parametrize("persona", PERSONAS)
def test_organisation_detail(world: World, persona: str) -> None:
    response = api(world, persona, "GET", f"/collaborations/alfa/organisations/{world.org_b.uuid}")
    assert response.status_code == expected(persona, EVERYONE_IN_ALFA)
    if response.status_code == 200:
        assert response.json()["name"] == "B kommune"


def test_organisation_of_another_collaboration_is_404(world: World) -> None:
    path = f"/collaborations/alfa/organisations/{world.org_c.uuid}"
    assert api(world, "admin", "GET", path).status_code == 404
    assert api(world, "admin", "PATCH", path, {"name": "Kapret"}).status_code == 404
    path = f"/collaborations/beta/organisations/{world.org_c.uuid}"
    assert api(world, "admin", "GET", path).status_code == 404
    world.org_c.refresh_from_db()
    assert world.org_c.name == "C kommune"


def test_malformed_uuid_is_404(world: World) -> None:
    path = "/collaborations/alfa/organisations/ikke-en-uuid"
    assert api(world, "admin", "GET", path).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_organisation_create(world: World, persona: str) -> None:
    organisations, memberships = Organisation.objects.count(), Membership.objects.count()
    body = {
        "name": "D kommune",
        "organisation_number": "910 000 004",
        "municipality_number": "0304",
        "population": 1234,
        "population_date": "2026-01-01",
        "valid_from": "2026-01-01",
    }
    response = api(world, persona, "POST", "/collaborations/alfa/organisations", body)
    assert response.status_code == expected(persona, MANAGERS, success=201)
    if response.status_code == 201:
        created = Organisation.objects.get(uuid=response.json()["uuid"])
        assert created.organisation_number == "910000004"
        assert created.kind == Organisation.Kind.MUNICIPALITY
        membership = membership_of(world, created)
        assert membership.valid_from.isoformat() == "2026-01-01"
        assert not membership.is_host
        assert Organisation.objects.count() == organisations + 1
    else:
        assert (Organisation.objects.count(), Membership.objects.count()) == (
            organisations,
            memberships,
        )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "D", "organisation_number": "123456789"}, "kontrollsiffer"),
        ({"name": "D", "organisation_number": "12345"}, "ni siffer"),
        ({"name": "D", "organisation_number": "974760673"}, "finnes allerede"),
        ({"name": "D", "population": -1}, "greater than or equal to 0"),
        ({"name": "D", "employees": -5}, "greater than or equal to 0"),
        ({"name": "D", "municipality_number": "12"}, "fire siffer"),
        ({"name": "D", "kind": "planet"}, "municipality"),
        ({"name": "D", "valid_from": "2026-02-01", "valid_to": "2026-01-01"}, "valid_to"),
        ({"population": 10}, "name"),
    ],
)
def test_organisation_create_refuses_bad_input_and_writes_nothing(
    world: World, body: dict[str, Any], message: str
) -> None:
    organisations, memberships = Organisation.objects.count(), Membership.objects.count()
    response = api(world, "admin", "POST", "/collaborations/alfa/organisations", body)
    assert response.status_code == 422
    assert message in json.dumps(response.json(), ensure_ascii=False)
    assert Organisation.objects.count() == organisations
    assert Membership.objects.count() == memberships


@pytest.mark.parametrize("persona", PERSONAS)
def test_organisation_update(world: World, persona: str) -> None:
    path = f"/collaborations/alfa/organisations/{world.org_a.uuid}"
    response = api(world, persona, "PATCH", path, {"population": 11_000})
    assert response.status_code == expected(persona, MANAGERS | {"editor_a"})
    world.org_a.refresh_from_db()
    if response.status_code == 200:
        assert response.json()["population"] == 11_000
        assert world.org_a.population == 11_000
        # Fields left out are untouched.
        assert world.org_a.name == "A kommune"
        assert world.org_a.employees == 800
    else:
        assert world.org_a.population == 10_000


def test_organisation_update_records_the_api_user_in_history(world: World) -> None:
    path = f"/collaborations/alfa/organisations/{world.org_a.uuid}"
    assert api(world, "editor_a", "PATCH", path, {"employees": 801}).status_code == 200
    assert world.org_a.history.latest().history_user == world.editor_a


def test_organisation_update_can_clear_the_organisation_number(world: World) -> None:
    path = f"/collaborations/alfa/organisations/{world.org_a.uuid}"
    response = api(world, "admin", "PATCH", path, {"organisation_number": None})
    assert response.status_code == 200
    world.org_a.refresh_from_db()
    assert world.org_a.organisation_number is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"population": -1}, "greater than or equal to 0"),
        ({"organisation_number": "974760674"}, "kontrollsiffer"),
        ({"organisation_number": "964338531"}, "finnes allerede"),
        ({"name": ""}, "name"),
    ],
)
def test_organisation_update_refuses_bad_input_and_writes_nothing(
    world: World, body: dict[str, Any], message: str
) -> None:
    path = f"/collaborations/alfa/organisations/{world.org_a.uuid}"
    history = world.org_a.history.count()
    response = api(world, "admin", "PATCH", path, body)
    assert response.status_code == 422
    assert message in json.dumps(response.json(), ensure_ascii=False)
    world.org_a.refresh_from_db()
    assert (world.org_a.name, world.org_a.population, world.org_a.organisation_number) == (
        "A kommune",
        10_000,
        "974760673",
    )
    assert world.org_a.history.count() == history


def test_validation_error_answers_with_a_readable_message(world: World) -> None:
    path = f"/collaborations/alfa/organisations/{world.org_a.uuid}"
    body = api(world, "admin", "PATCH", path, {"organisation_number": "974760674"}).json()
    assert body["detail"] == "Organisasjonsnummeret 974760674 har feil kontrollsiffer (MOD11)."
    assert body["errors"] == {"organisation_number": [body["detail"]]}


def test_forbidden_change_answers_json_403(world: World) -> None:
    path = f"/collaborations/alfa/organisations/{world.org_a.uuid}"
    response = api(world, "editor_b", "PATCH", path, {"population": 1})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "Du kan ikke endre denne organisasjonen."


# --- Memberships -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_membership_list(world: World, persona: str) -> None:
    response = api(world, persona, "GET", "/collaborations/alfa/memberships")
    assert response.status_code == expected(persona, EVERYONE_IN_ALFA)
    if response.status_code == 200:
        body = response.json()
        assert [m["organisation"]["name"] for m in body] == ["A kommune", "B kommune"]
        assert body[0]["uuid"] == str(membership_of(world, world.org_a).uuid)
        assert body[0]["organisation"]["uuid"] == str(world.org_a.uuid)
        assert [m["is_host"] for m in body] == [True, False]


@pytest.mark.parametrize("persona", PERSONAS)
def test_membership_create(world: World, persona: str) -> None:
    """Organisation C (of beta) joins alfa too, by its organisation number."""
    memberships = Membership.objects.count()
    body = {"organisation_number": "938 801 363", "valid_from": "2026-01-01"}
    response = api(world, persona, "POST", "/collaborations/alfa/memberships", body)
    assert response.status_code == expected(persona, MANAGERS, success=201)
    joined = Membership.objects.filter(collaboration=world.alfa, organisation=world.org_c)
    if response.status_code == 201:
        assert response.json()["uuid"] == str(joined.get().uuid)
        assert response.json()["organisation"]["name"] == "C kommune"
        assert Membership.objects.count() == memberships + 1
    else:
        assert not joined.exists()
        assert Membership.objects.count() == memberships


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"organisation_number": "974760673"}, "allerede medlem"),
        ({"organisation_number": "123456789"}, "kontrollsiffer"),
        ({"organisation_number": "910000004"}, "Fant ingen organisasjon"),
        ({"organisation_number": ""}, "Oppgi organisasjonsnummeret"),
        ({"valid_from": "2026-01-01"}, "organisation_number"),
        (
            {
                "organisation_number": "938801363",
                "valid_from": "2026-02-01",
                "valid_to": "2026-01-01",
            },
            "valid_to cannot be before valid_from",
        ),
    ],
)
def test_membership_create_refuses_bad_input_and_writes_nothing(
    world: World, body: dict[str, Any], message: str
) -> None:
    memberships = Membership.objects.count()
    response = api(world, "office", "POST", "/collaborations/alfa/memberships", body)
    assert response.status_code == 422
    assert message in json.dumps(response.json(), ensure_ascii=False)
    assert Membership.objects.count() == memberships


@pytest.mark.parametrize("persona", PERSONAS)
def test_membership_update(world: World, persona: str) -> None:
    membership = membership_of(world, world.org_b)
    path = f"/collaborations/alfa/memberships/{membership.uuid}"
    response = api(world, persona, "PATCH", path, {"is_host": True, "valid_from": "2025-01-01"})
    assert response.status_code == expected(persona, MANAGERS)
    membership.refresh_from_db()
    host_a = membership_of(world, world.org_a).is_host
    if response.status_code == 200:
        assert response.json()["is_host"] is True
        assert (membership.is_host, str(membership.valid_from), host_a) == (
            True,
            "2025-01-01",
            False,
        )
    else:
        assert (membership.is_host, membership.valid_from, host_a) == (False, None, True)


def test_membership_update_keeps_fields_left_out(world: World) -> None:
    membership = membership_of(world, world.org_a)
    path = f"/collaborations/alfa/memberships/{membership.uuid}"
    response = api(world, "admin", "PATCH", path, {"valid_to": "2030-12-31"})
    assert response.status_code == 200
    membership.refresh_from_db()
    assert (membership.is_host, str(membership.valid_to)) == (True, "2030-12-31")


def test_membership_update_refuses_a_period_ending_before_it_starts(world: World) -> None:
    membership = membership_of(world, world.org_a)
    path = f"/collaborations/alfa/memberships/{membership.uuid}"
    assert api(world, "admin", "PATCH", path, {"valid_from": "2026-06-01"}).status_code == 200
    response = api(world, "admin", "PATCH", path, {"valid_to": "2026-01-01"})
    assert response.status_code == 422
    membership.refresh_from_db()
    assert membership.valid_to is None


@pytest.mark.parametrize("persona", PERSONAS)
def test_membership_delete(world: World, persona: str) -> None:
    membership = services.organisation_create_as_member(
        collaboration=world.alfa, name="D kommune", organisation_number=FREE_NUMBERS[0]
    )
    path = f"/collaborations/alfa/memberships/{membership.uuid}"
    response = api(world, persona, "DELETE", path)
    assert response.status_code == expected(persona, MANAGERS, success=204)
    still_there = Membership.objects.filter(pk=membership.pk).exists()
    assert still_there is (response.status_code != 204)
    # The organisation itself stays registered in Samla.
    assert Organisation.objects.filter(pk=membership.organisation_id).exists()


def test_membership_with_editors_cannot_be_deleted(world: World) -> None:
    membership = membership_of(world, world.org_a)
    response = api(world, "admin", "DELETE", f"/collaborations/alfa/memberships/{membership.uuid}")
    assert response.status_code == 422
    assert "redaktører" in response.json()["detail"]
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_membership_of_another_collaboration_is_404(world: World) -> None:
    beta_membership = Membership.objects.get(collaboration=world.beta)
    for method, body in (("PATCH", {"is_host": True}), ("DELETE", None)):
        path = f"/collaborations/alfa/memberships/{beta_membership.uuid}"
        assert api(world, "admin", method, path, body).status_code == 404
        path = f"/collaborations/beta/memberships/{beta_membership.uuid}"
        assert api(world, "admin", method, path, body).status_code == 404
    beta_membership.refresh_from_db()
    assert not beta_membership.is_host


# --- Query counts ----------------------------------------------------------------------------


def add_members(world: World, count: int) -> None:
    for number in range(count):
        services.organisation_create_as_member(
            collaboration=world.alfa, name=f"Kommune {number:02}", population=1000 + number
        )


def add_collaborations(world: World, count: int) -> None:
    for number in range(count):
        collaboration = services.collaboration_create(
            created_by=world.admin, name=f"Samarbeid {number:02}", slug=f"s{number}", kind="merger"
        )
        services.role_assign(collaboration=collaboration, user=world.viewer, kind=Role.Kind.VIEWER)


# Token lookup and marking it used, the user's role in alfa, then one query for the list.
LIST_PATHS = [
    ("/collaborations", add_collaborations, 3),
    ("/collaborations/alfa/organisations", add_members, 4),
    ("/collaborations/alfa/memberships", add_members, 4),
]


@pytest.mark.parametrize(("path", "grow", "queries"), LIST_PATHS)
def test_list_query_count_does_not_grow_with_the_data(
    world: World, django_assert_max_num_queries: Any, path: str, grow: Any, queries: int
) -> None:
    counts = []
    for extra in (0, 18):
        grow(world, extra)
        token = token_for(world, "viewer")
        with django_assert_max_num_queries(queries) as captured:
            response = call(token, "GET", path)
        assert response.status_code == 200
        assert len(response.json()) >= extra + 1
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
