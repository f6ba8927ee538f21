"""Bearer tokens, the create_api_token command, and the OpenAPI description."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from conftest import World
from samla.organisations import services
from samla.organisations.models import ApiToken
from tests.test_api_organisations import call


def test_a_token_authenticates_its_user(world: World) -> None:
    token, plain = services.api_token_create(user=world.editor_a, name="Integrasjon")
    assert plain.startswith("samla_")
    response = call(plain, "GET", "/collaborations/alfa")
    assert response.status_code == 200
    assert response.json()["role"] == "editor"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_a_digest_is_stored(world: World) -> None:
    token, plain = services.api_token_create(user=world.viewer, name="Integrasjon")
    assert plain not in (token.digest, token.prefix)
    assert token.digest == services.api_token_digest(plain)


def test_revoked_token_is_refused(world: World) -> None:
    token, plain = services.api_token_create(user=world.admin, name="Gammel")
    assert call(plain, "GET", "/collaborations").status_code == 200
    services.api_token_revoke(token=token)
    response = call(plain, "GET", "/collaborations")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert (
        call(
            plain, "PATCH", f"/collaborations/alfa/organisations/{world.org_a.uuid}", {"name": "X"}
        ).status_code
        == 401
    )
    world.org_a.refresh_from_db()
    assert world.org_a.name == "A kommune"


def test_token_of_a_deactivated_user_is_refused(world: World) -> None:
    _, plain = services.api_token_create(user=world.admin, name="Integrasjon")
    world.admin.is_active = False
    world.admin.save()
    assert call(plain, "GET", "/collaborations").status_code == 401


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer samla_feil", "Token samla_feil", "Basic YWRtaW46YWRtaW4="],
)
def test_missing_or_wrong_credentials_are_refused(world: World, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = Client().get("/api/v1/collaborations", headers=headers)
    assert response.status_code == 401


def test_a_browser_session_is_not_enough(world: World) -> None:
    """The API takes bearer tokens only, so a logged-in page cannot be abused through CSRF."""
    response = world.client_for("admin").get("/api/v1/collaborations")
    assert response.status_code == 401


def test_recent_use_is_not_written_on_every_request(world: World) -> None:
    token, plain = services.api_token_create(user=world.viewer, name="Integrasjon")
    call(plain, "GET", "/collaborations")
    token.refresh_from_db()
    first_use = token.last_used_at
    call(plain, "GET", "/collaborations")
    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=first_use - datetime.timedelta(minutes=5)
    )
    call(plain, "GET", "/collaborations")
    token.refresh_from_db()
    assert token.last_used_at > first_use


# --- The create_api_token command ------------------------------------------------------------


def test_create_api_token_prints_a_working_token(world: World) -> None:
    out = StringIO()
    call_command("create_api_token", "office", "--name", "Rapportering", stdout=out)
    plain = out.getvalue().strip()
    assert plain.startswith("samla_")
    assert ApiToken.objects.get(user=world.office).name == "Rapportering"
    response = call(plain, "GET", "/collaborations")
    assert response.status_code == 200
    assert [c["slug"] for c in response.json()] == ["alfa"]


def test_create_api_token_for_unknown_user_fails(world: World) -> None:
    with pytest.raises(CommandError, match="ingen-slik"):
        call_command("create_api_token", "ingen-slik", stdout=StringIO())
    assert not ApiToken.objects.exists()


# --- OpenAPI ---------------------------------------------------------------------------------

PATHS = {
    "/api/v1/collaborations": {"get"},
    "/api/v1/collaborations/{slug}": {"get"},
    "/api/v1/collaborations/{slug}/organisations": {"get", "post"},
    "/api/v1/collaborations/{slug}/organisations/{organisation_id}": {"get", "patch"},
    "/api/v1/collaborations/{slug}/memberships": {"get", "post"},
    "/api/v1/collaborations/{slug}/memberships/{membership_id}": {"patch", "delete"},
    "/api/v1/collaborations/{slug}/cost-sharing-keys": {"get", "post"},
    "/api/v1/collaborations/{slug}/cost-sharing-keys/{key_id}": {"get", "patch", "delete"},
    "/api/v1/collaborations/{slug}/cost-sharing-keys/{key_id}/split": {"post"},
}


@pytest.mark.django_db
def test_openapi_describes_the_resources() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Samla API"
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) == methods, path
        for operation in schema["paths"][path].values():
            assert operation["security"] == [{"BearerToken": []}]
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    # Money goes out as a decimal string.
    share = schema["components"]["schemas"]["ShareOut"]["properties"]
    assert share["amount"]["type"] == "string"


@pytest.mark.django_db
def test_api_docs_page_is_served() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
