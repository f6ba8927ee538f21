"""Which persona may open and post to which page. Beside every allowed path, a forbidden one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from conftest import World

PERSONAS = ["admin", "office", "editor_a", "editor_b", "viewer", "outsider"]
EVERYONE_IN_ALFA = {"admin", "office", "editor_a", "editor_b", "viewer"}
MANAGERS = {"admin", "office"}
ADMINS = {"admin"}

UrlMaker = Callable[[World], str]


def alfa(name: str, **kwargs: Callable[[World], object]) -> UrlMaker:
    def make(world: World) -> str:
        return reverse(
            f"organisations:{name}",
            kwargs={"slug": "alfa", **{k: f(world) for k, f in kwargs.items()}},
        )

    return make


org_a = {"organisation_id": lambda w: w.org_a.uuid}
org_b = {"organisation_id": lambda w: w.org_b.uuid}
membership_b = {"membership_id": lambda w: w.alfa.memberships.get(organisation=w.org_b).uuid}
role_viewer = {"role_id": lambda w: w.viewer.roles.get().uuid}
key = {"key_id": lambda w: w.alfa.cost_sharing_keys.get().uuid}

# (page, personas that get 200; everyone else in alfa gets 403, outsiders 404)
GET_PAGES: list[tuple[str, UrlMaker, set[str]]] = [
    ("dashboard", alfa("dashboard"), EVERYONE_IN_ALFA),
    ("organisation list", alfa("organisation_list"), EVERYONE_IN_ALFA),
    ("organisation detail", alfa("organisation_detail", **org_a), EVERYONE_IN_ALFA),
    ("organisation edit A", alfa("organisation_edit", **org_a), MANAGERS | {"editor_a"}),
    ("organisation edit B", alfa("organisation_edit", **org_b), MANAGERS | {"editor_b"}),
    ("organisation create", alfa("organisation_create"), MANAGERS),
    ("member list", alfa("member_list"), EVERYONE_IN_ALFA),
    ("member edit", alfa("member_edit", **membership_b), MANAGERS),
    ("role list", alfa("role_list"), MANAGERS),
    ("role invite", alfa("role_invite"), ADMINS),
    ("role edit", alfa("role_edit", **role_viewer), ADMINS),
    ("cost key list", alfa("cost_key_list"), EVERYONE_IN_ALFA),
    ("cost key detail", alfa("cost_key_detail", **key), EVERYONE_IN_ALFA),
    ("cost key create", alfa("cost_key_create"), MANAGERS),
    ("cost key edit", alfa("cost_key_edit", **key), MANAGERS),
    ("collaboration settings", alfa("collaboration_edit"), ADMINS),
]


@pytest.fixture
def world_with_key(world: World) -> World:
    from samla.organisations import services

    services.cost_sharing_key_create(collaboration=world.alfa, name="Innbyggertall", method="population")
    return world


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_get_page(world_with_key: World, page: tuple[str, UrlMaker, set[str]], persona: str) -> None:
    _, make_url, allowed = page
    response = world_with_key.client_for(persona).get(make_url(world_with_key))
    if persona in allowed:
        assert response.status_code == 200
    elif persona == "outsider":
        assert response.status_code == 404
        assert b"A kommune" not in response.content
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("page", GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_anonymous_is_sent_to_login(world_with_key: World, page: tuple[str, UrlMaker, set[str]]) -> None:
    url = page[1](world_with_key)
    response = world_with_key.client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_unknown_collaboration_and_module_are_404(world: World) -> None:
    client = world.client_for("admin")
    assert client.get("/s/finnes-ikke/").status_code == 404
    assert client.get("/s/alfa/kommer/finnes-ikke/").status_code == 404
    assert client.get("/s/alfa/organisasjoner/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_organisation_of_another_collaboration_is_404_even_by_uuid(world: World) -> None:
    client = world.client_for("admin")
    url = reverse("organisations:organisation_detail", args=["alfa", world.org_c.uuid])
    assert client.get(url).status_code == 404


def test_superuser_sees_every_collaboration(world: World) -> None:
    world.outsider.is_superuser = True
    world.outsider.save()
    assert world.client_for("outsider").get("/s/alfa/").status_code == 200


def test_only_superusers_create_collaborations(world: World) -> None:
    assert world.client_for("admin").get(reverse("organisations:collaboration_create")).status_code == 403
    world.admin.is_superuser = True
    world.admin.save()
    assert world.client_for("admin").get(reverse("organisations:collaboration_create")).status_code == 200


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("admin", 302), ("office", 302), ("editor_a", 403), ("viewer", 403), ("outsider", 404)],
)
def test_remove_member_post(world: World, persona: str, expected: int) -> None:
    membership = world.alfa.memberships.get(organisation=world.org_b)
    url = reverse("organisations:member_remove", args=["alfa", membership.uuid])
    response = world.client_for(persona).post(url)
    assert response.status_code == expected
    still_there = world.alfa.memberships.filter(pk=membership.pk).exists()
    # B has an editor, so even an allowed removal is refused with a message and nothing changes.
    assert still_there


@pytest.mark.parametrize(
    ("persona", "expected", "removed"),
    [("admin", 302, True), ("office", 403, False), ("viewer", 403, False), ("outsider", 404, False)],
)
def test_remove_role_post(world: World, persona: str, expected: int, removed: bool) -> None:
    role = world.viewer.roles.get()
    response = world.client_for(persona).post(reverse("organisations:role_remove", args=["alfa", role.uuid]))
    assert response.status_code == expected
    assert (not world.viewer.roles.exists()) == removed


@pytest.mark.parametrize(
    ("persona", "expected", "deleted"),
    [("admin", 302, True), ("office", 302, True), ("editor_a", 403, False), ("outsider", 404, False)],
)
def test_delete_cost_key_post(world_with_key: World, persona: str, expected: int, deleted: bool) -> None:
    key_obj = world_with_key.alfa.cost_sharing_keys.get()
    url = reverse("organisations:cost_key_delete", args=["alfa", key_obj.uuid])
    response = world_with_key.client_for(persona).post(url)
    assert response.status_code == expected
    assert (not world_with_key.alfa.cost_sharing_keys.exists()) == deleted


def test_get_is_not_allowed_on_post_only_actions(world: World) -> None:
    role = world.viewer.roles.get()
    response = world.client_for("admin").get(reverse("organisations:role_remove", args=["alfa", role.uuid]))
    assert response.status_code == 405
    assert world.viewer.roles.exists()
