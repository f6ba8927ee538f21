"""Settings from the environment, the `samla` command, demo data, error pages and headers."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client, override_settings

from conftest import World
from samla.organisations.models import Collaboration, CostSharingKey, Membership, Organisation, Role
from samla.settings import email_settings_from_url

ROOT = Path(__file__).resolve().parent.parent
SAMLA = ROOT / ".venv" / "bin" / "samla"


def run_samla(*args: str, env: dict[str, str] | None = None, cwd: str = "/") -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "SAMLA_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [str(SAMLA), *args], env={**base, **(env or {})}, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_email_url_parsing() -> None:
    smtp = email_settings_from_url("smtp://samla%40kommune.no:hemm%2Belig@smtp.kommune.no:587?tls=1")
    assert smtp["EMAIL_HOST"] == "smtp.kommune.no"
    assert smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_HOST_USER"] == "samla@kommune.no"
    assert smtp["EMAIL_HOST_PASSWORD"] == "hemm+elig"
    assert smtp["EMAIL_USE_TLS"] is True
    assert email_settings_from_url("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured):
        email_settings_from_url("carrier-pigeon://x")


@pytest.mark.skipif(not SAMLA.exists(), reason="the samla command is installed by make")
def test_samla_command_works_from_any_directory_and_needs_a_secret_in_production(tmp_path: Path) -> None:
    result = run_samla("check", env={"DEBUG": "1", "SAMLA_VAR_DIR": str(tmp_path)}, cwd=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    result = run_samla("check", env={"SAMLA_VAR_DIR": str(tmp_path)}, cwd=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.skipif(not SAMLA.exists(), reason="the samla command is installed by make")
def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    env = {
        "SECRET_KEY": "x" * 20 + "a-long-and-random-production-secret-key-0123456789",
        "ALLOWED_HOSTS": "samla.kommune.no",
        "SAMLA_VAR_DIR": str(tmp_path),
    }
    result = run_samla("check", "--deploy", "--fail-level", "WARNING", env=env, cwd=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_seed_demo_loads_once_and_keeps_data(db: None) -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "programkontor" in out.getvalue()
    assert set(Collaboration.objects.values_list("slug", flat=True)) == {"nye-asker", "knutepunkt-sorlandet"}
    assert Membership.objects.filter(collaboration__slug="nye-asker").count() == 3
    assert Membership.objects.filter(collaboration__slug="knutepunkt-sorlandet").count() == 6
    kinds = set(Role.objects.filter(collaboration__slug="nye-asker").values_list("kind", flat=True))
    assert kinds == {"administrator", "programme_office", "editor", "viewer"}
    assert CostSharingKey.objects.filter(collaboration__slug="nye-asker").count() == 4
    asker = Organisation.objects.get(name="Asker kommune")
    asker.population = 1
    asker.save()
    before = (Organisation.objects.count(), Membership.objects.count(), Role.objects.count())
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", "--if-empty", stdout=StringIO())
    assert (Organisation.objects.count(), Membership.objects.count(), Role.objects.count()) == before
    asker.refresh_from_db()
    assert asker.population == 1  # re-running keeps data


def test_seed_demo_national_scale(db: None) -> None:
    call_command("seed_demo", "--scale", "national", stdout=StringIO())
    members = Membership.objects.filter(collaboration__slug="nasjonal").select_related("organisation")
    assert members.count() == 356
    populations = [m.organisation.population for m in members]
    assert 5_000_000 < sum(populations) < 6_000_000
    assert len({m.organisation.organisation_number for m in members}) == 356


def test_create_api_token_command(world: World) -> None:
    out = StringIO()
    call_command("create_api_token", "viewer", stdout=out)
    token = out.getvalue().strip()
    response = Client().get("/api/v1/collaborations", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_error_pages_are_norwegian(world: World) -> None:
    client = world.client_for("viewer")
    not_found = client.get("/s/finnes-ikke/")
    assert not_found.status_code == 404 and "Fant ikke siden" in not_found.content.decode()
    forbidden = client.get("/s/alfa/brukere/")
    assert forbidden.status_code == 403 and "Ingen tilgang" in forbidden.content.decode()


@override_settings(DEBUG=False)
def test_500_page_is_norwegian_and_standalone(db: None) -> None:
    from django.urls import path

    from samla import urls

    def boom(request):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    urls.urlpatterns.append(path("boom-test/", boom))
    try:
        client = Client(raise_request_exception=False)
        response = client.get("/boom-test/")
    finally:
        urls.urlpatterns.pop()
    assert response.status_code == 500
    assert "Noe gikk galt" in response.content.decode()


def test_security_headers(world: World) -> None:
    response = world.client_for("viewer").get("/s/alfa/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.content.decode()


def test_login_is_throttled(world: World) -> None:
    from conftest import PASSWORD

    client = Client()
    pages = [
        client.post("/accounts/login/", {"login": "viewer", "password": "wrong"}).content.decode()
        for _ in range(6)
    ]
    assert "For mange innloggingsforsøk" not in pages[0]
    assert "For mange innloggingsforsøk" in pages[-1]
    # While throttled, even the right password does not get in.
    response = client.post("/accounts/login/", {"login": "viewer", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_with_password_works(world: World) -> None:
    from conftest import PASSWORD

    client = Client()
    response = client.post("/accounts/login/", {"login": "editor_a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_signup_is_closed(db: None) -> None:
    from samla.organisations.models import User

    response = Client().post(
        "/accounts/signup/",
        {"username": "ny", "email": "ny@example.no", "password1": "Xy7-long-pass", "password2": "Xy7-long-pass"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="ny").exists()


def test_python_version() -> None:
    assert sys.version_info[:2] == (3, 11)


def test_api_docs_are_served_without_a_cdn(world: World) -> None:
    response = world.client_for("viewer").get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
