"""Profile, language, API tokens in the UI, invitations and role rules."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import World
from samla.organisations import services
from samla.organisations.models import ApiToken, Role, User


def test_norwegian_by_default_and_english_per_user(world: World) -> None:
    client = world.client_for("viewer")
    page = client.get("/s/alfa/").content.decode()
    assert '<html lang="nb"' in page
    assert "Organisasjoner" in page
    response = client.post(
        reverse("organisations:profile"),
        {"first_name": "Vera", "last_name": "Viewer", "email": "viewer@example.no", "language": "en"},
    )
    assert response.status_code == 302
    page = client.get("/s/alfa/").content.decode()
    assert '<html lang="en"' in page
    assert "Organisations" in page
    assert ">Benefits<" in page and ">Portfolio<" in page  # the menu, in English


def test_anonymous_language_switch_on_login_page(client, db) -> None:  # type: ignore[no-untyped-def]
    page = client.get(reverse("account_login")).content.decode()
    assert '<html lang="nb"' in page and "Logg inn" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    page = client.get(reverse("account_login")).content.decode()
    assert '<html lang="en"' in page and "Log in" in page


def test_profile_bad_email_writes_nothing(world: World) -> None:
    response = world.client_for("viewer").post(
        reverse("organisations:profile"),
        {"first_name": "X", "last_name": "Y", "email": "ikke-en-adresse", "language": "nb"},
    )
    assert response.status_code == 200
    world.viewer.refresh_from_db()
    assert world.viewer.first_name == "Viewer"


def test_create_and_revoke_api_token_in_the_ui(world: World) -> None:
    client = world.client_for("editor_a")
    response = client.post(reverse("organisations:api_token_create"), {"name": "Power BI"})
    assert response.status_code == 200
    plain = response.context["plain"]
    token = ApiToken.objects.get(user=world.editor_a)
    assert plain.startswith("samla_") and plain not in token.digest
    assert services.api_token_authenticate(plain) == world.editor_a
    # Another user cannot revoke it.
    other = world.client_for("editor_b").post(reverse("organisations:api_token_revoke", args=[token.uuid]))
    assert other.status_code == 404
    assert client.post(reverse("organisations:api_token_revoke", args=[token.uuid])).status_code == 302
    assert services.api_token_authenticate(plain) is None


def test_empty_token_name_is_refused(world: World) -> None:
    response = world.client_for("editor_a").post(reverse("organisations:api_token_create"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_invite_new_person_creates_account_and_sends_mail(
    world: World, django_capture_on_commit_callbacks  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("admin").post(
            reverse("organisations:role_invite", args=["alfa"]),
            {
                "email": "Ny.Person@Kommune.no",
                "first_name": "Ny",
                "last_name": "Person",
                "kind": "editor",
                "organisation": str(world.org_b.uuid),
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="ny.person@kommune.no")
    assert not user.has_usable_password()
    role = user.roles.get()
    assert (role.kind, role.organisation) == ("editor", world.org_b)
    assert len(mail.outbox) == 1
    assert "Alfa-samarbeidet" in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "editor"}, "Velg organisasjonen"),
        ({"email": "viewer@example.no"}, "har allerede en rolle"),
        ({"email": "feil"}, "gyldig e-postadresse"),
    ],
)
def test_invite_bad_input(world: World, data: dict[str, str], message: str) -> None:
    before = (User.objects.count(), Role.objects.count())
    base = {"email": "ny@kommune.no", "first_name": "Ny", "last_name": "Person", "kind": "viewer"}
    response = world.client_for("admin").post(reverse("organisations:role_invite", args=["alfa"]), {**base, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (User.objects.count(), Role.objects.count()) == before
    assert mail.outbox == []


def test_editor_organisation_must_be_a_member(world: World) -> None:
    with pytest.raises(ValidationError):
        services.role_assign(collaboration=world.alfa, user=world.viewer, kind="editor", organisation=world.org_c)


def test_last_administrator_cannot_be_removed(world: World) -> None:
    role = world.admin.roles.get(collaboration=world.alfa)
    with pytest.raises(ValidationError, match="minst én administrator"):
        services.role_remove(role=role, acting_user=world.office)


def test_admin_cannot_demote_self(world: World) -> None:
    role = world.admin.roles.get(collaboration=world.alfa)
    response = world.client_for("admin").post(
        reverse("organisations:role_edit", args=["alfa", role.uuid]), {"kind": "viewer"}
    )
    assert response.status_code == 200
    role.refresh_from_db()
    assert role.kind == "administrator"


def test_switch_collaboration(world: World) -> None:
    services.role_assign(collaboration=world.beta, user=world.viewer, kind="viewer")
    client = world.client_for("viewer")
    page = client.get("/s/alfa/").content.decode()
    assert 'id="switch-collaboration"' in page
    response = client.post(reverse("organisations:switch_collaboration"), {"slug": "beta"})
    assert response["Location"] == "/s/beta/"
    world.viewer.refresh_from_db()
    assert world.viewer.current_collaboration == world.beta
    assert client.get("/").url == "/s/beta/"
    # A collaboration without a role cannot be switched to.
    assert world.client_for("editor_a").post(
        reverse("organisations:switch_collaboration"), {"slug": "beta"}
    ).status_code == 404


def test_dashboard_query_count_does_not_grow_with_members(
    world: World, django_assert_num_queries  # type: ignore[no-untyped-def]
) -> None:
    client = world.client_for("viewer")
    client.get("/s/alfa/")  # warm the session and current collaboration

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/s/alfa/").status_code == 200
            assert client.get("/s/alfa/organisasjoner/").status_code == 200
            assert client.get("/s/alfa/medlemmer/").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for index in range(25):
        services.organisation_create_as_member(collaboration=world.alfa, name=f"Ekstra {index}", population=index)
    assert count() == small


def test_collaboration_can_require_totp_for_administrators(world: World) -> None:
    from allauth.mfa.models import Authenticator

    world.alfa.require_admin_totp = True
    world.alfa.save()
    response = world.client_for("admin").get("/s/alfa/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # Other roles are not affected, and an administrator with TOTP gets in.
    assert world.client_for("office").get("/s/alfa/").status_code == 200
    Authenticator.objects.create(user=world.admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert world.client_for("admin").get("/s/alfa/").status_code == 200
