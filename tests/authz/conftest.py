"""The shared world of the authorisation matrix: built once per module inside a transaction
that is rolled back at the end; every request of a test runs in a savepoint of its own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.test import Client

from conftest import World, build_world
from samla.organisations import services as organisation_services
from tests.authz.objects import ALFA_MARK, BETA_MARK, Objects, build_objects

PERSONAS = ("anonymous", "admin", "office", "editor_a", "editor_b", "viewer", "outsider")


@dataclass
class Matrix:
    world: World
    alfa: Objects
    beta: Objects
    sessions: dict[str, str]  # persona → session key
    tokens: dict[str, str]  # persona → API bearer token

    def client(self, persona: str) -> Client:
        """A fresh client on the persona's session: a view that logs out or switches
        collaboration changes only this client, and the savepoint undoes the rest."""
        client = Client()
        if persona != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client


def _session_for(user: Any) -> str:
    store = SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    assert store.session_key is not None
    return store.session_key


def build_matrix() -> Matrix:
    world = build_world()
    # Alfa's project concerns A only and is led by B's editor: A's editor contributes (and
    # wrote the log entry), B's editor leads, so the three governance rules fall apart.
    alfa = build_objects(
        world.alfa,
        world.org_a,
        world.org_b,
        world.admin,
        ALFA_MARK,
        leader=world.editor_b,
        author=world.editor_a,
        subscriber=world.viewer,
    )
    beta = build_objects(
        world.beta,
        world.org_c,
        world.org_c,
        world.outsider,
        BETA_MARK,
        leader=world.outsider,
        author=world.outsider,
        subscriber=world.outsider,
    )
    sessions = {}
    tokens = {}
    for persona in PERSONAS[1:]:
        user = world.persona(persona)
        sessions[persona] = _session_for(user)
        tokens[persona] = organisation_services.api_token_create(user=user, name="Matrise")[1]
    return Matrix(world, alfa, beta, sessions, tokens)


@pytest.fixture(scope="module")
def matrix(django_db_setup: None, django_db_blocker: Any) -> Iterator[Matrix]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_matrix()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """schemathesis on pytest 9 gives every operation's test the same node id
    (``…::test_api_fuzz``, the operation only in ``item.name``); pytest-xdist schedules by
    node id and would run only the first operation. Put the operation into the id."""
    for item in items:
        if type(item).__name__ == "SchemathesisFunction" and not item.nodeid.endswith("]"):
            operation = item.name.partition("[")[2].removesuffix("]")
            if operation:
                item._id = item._id.with_params(operation)  # type: ignore[attr-defined]
