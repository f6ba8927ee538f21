"""Shared test fixtures: personas in two collaborations.

Collaboration "alfa" has two member municipalities, A and B. The personas:
  admin     administrator of alfa
  office    programme office of alfa
  editor_a  editor of municipality A in alfa
  editor_b  editor of municipality B in alfa
  viewer    viewer in alfa
  outsider  administrator of another collaboration, "beta", with its own member C
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client

from samla.organisations import services
from samla.organisations.models import Collaboration, Organisation, Role, User

PASSWORD = "correct-horse-battery-staple"


@dataclass
class World:
    alfa: Collaboration
    beta: Collaboration
    org_a: Organisation
    org_b: Organisation
    org_c: Organisation
    admin: User
    office: User
    editor_a: User
    editor_b: User
    viewer: User
    outsider: User

    def persona(self, name: str) -> User:
        return getattr(self, name)

    def client_for(self, name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(self.persona(name))
        return client


def _user(username: str) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.no", password=PASSWORD,
        first_name=username.title(), last_name="Test",
    )
    return user


def build_world() -> World:
    admin = _user("admin")
    outsider = _user("outsider")
    alfa = services.collaboration_create(
        created_by=admin, name="Alfa-samarbeidet", slug="alfa", kind=Collaboration.Kind.MERGER
    )
    beta = services.collaboration_create(
        created_by=outsider, name="Beta-samarbeidet", slug="beta",
        kind=Collaboration.Kind.INTER_MUNICIPAL,
    )
    org_a = services.organisation_create_as_member(
        collaboration=alfa, name="A kommune", organisation_number="974760673",
        municipality_number="0301", population=10_000,
        population_date=datetime.date(2026, 1, 1), employees=800, is_host=True,
    ).organisation
    org_b = services.organisation_create_as_member(
        collaboration=alfa, name="B kommune", organisation_number="964338531",
        municipality_number="0302", population=30_000,
        population_date=datetime.date(2026, 1, 1), employees=2_000,
    ).organisation
    org_c = services.organisation_create_as_member(
        collaboration=beta, name="C kommune", organisation_number="938801363",
        municipality_number="0303", population=5_000,
    ).organisation
    office, editor_a, editor_b, viewer = (_user(n) for n in ("office", "editor_a", "editor_b", "viewer"))
    services.role_assign(collaboration=alfa, user=office, kind=Role.Kind.PROGRAMME_OFFICE)
    services.role_assign(collaboration=alfa, user=editor_a, kind=Role.Kind.EDITOR, organisation=org_a)
    services.role_assign(collaboration=alfa, user=editor_b, kind=Role.Kind.EDITOR, organisation=org_b)
    services.role_assign(collaboration=alfa, user=viewer, kind=Role.Kind.VIEWER)
    return World(alfa, beta, org_a, org_b, org_c, admin, office, editor_a, editor_b, viewer, outsider)


@pytest.fixture
def world(db: None) -> World:
    return build_world()
