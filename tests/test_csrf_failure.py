"""A form sent without its CSRF token is refused with a Norwegian page, and nothing is stored."""

from __future__ import annotations

from django.test import Client

from conftest import World
from samla.organisations.models import Organisation


def test_post_without_csrf_token_gets_norwegian_page_and_writes_nothing(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    before = Organisation.objects.count()
    response = client.post("/s/alfa/organisasjoner/ny/", {"name": "Ny kommune"})
    assert response.status_code == 403
    assert "Skjemaet kunne ikke sendes" in response.content.decode()
    assert Organisation.objects.count() == before
