"""OpenID Connect log-in, end to end against a real provider running in the test process.

Samla's own code and allauth run unmodified; the provider (tests/oidc_provider.py) is a
real HTTP server on 127.0.0.1 that allauth talks to with ``requests`` for discovery,
token, userinfo and JWKS.  The tests play the browser: POST the "Logg inn med …"
button, follow the redirect to the provider, and carry its redirect back to our callback.

The provider configuration is produced by samla/settings.py itself (loaded afresh with
the OIDC_* environment variables set) and applied with ``override_settings``.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib import auth
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from samla.organisations.models import User
from tests.oidc_provider import OIDCProvider, TestUser, new_rsa_key

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "samla" / "settings.py"
PROVIDER_ID = "oidc"
LOGIN_PATH = f"/accounts/oidc/{PROVIDER_ID}/login/"
CALLBACK_PATH = f"/accounts/oidc/{PROVIDER_ID}/login/callback/"
AUTH_ERROR = "socialaccount/authentication_error.html"
SIGNUP_CLOSED = "account/signup_closed.html"


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def idp() -> Iterator[OIDCProvider]:
    with OIDCProvider() as provider:
        yield provider


@pytest.fixture
def provider(idp: OIDCProvider, monkeypatch: pytest.MonkeyPatch) -> OIDCProvider:
    idp.reset()
    idp.user = TestUser(sub="entra-editor-a", email="editor_a@example.no", name="Editor A")
    # Only ever talk to 127.0.0.1 directly, whatever proxy the environment names.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    return idp


def providers_from_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict:
    """SOCIALACCOUNT_PROVIDERS as samla/settings.py builds it from these OIDC_* variables."""
    for name in (
        "OIDC_SERVER_URL",
        "OIDC_CLIENT_ID",
        "OIDC_CLIENT_SECRET",
        "OIDC_PROVIDER_ID",
        "OIDC_PROVIDER_NAME",
        "OIDC_SCOPES",
        "OIDC_PKCE",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("_samla_settings_probe", SETTINGS_FILE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SOCIALACCOUNT_PROVIDERS


@pytest.fixture
def oidc(provider: OIDCProvider, monkeypatch: pytest.MonkeyPatch) -> Iterator[OIDCProvider]:
    """Samla configured (through its settings module) against the in-process provider."""
    providers = providers_from_settings(
        monkeypatch,
        OIDC_SERVER_URL=provider.issuer,
        OIDC_CLIENT_ID=provider.client_id,
        OIDC_CLIENT_SECRET=provider.client_secret,
    )
    app = providers["openid_connect"]["APPS"][0]
    assert app["provider_id"] == PROVIDER_ID and app["name"] == "Entra ID"
    with override_settings(SOCIALACCOUNT_PROVIDERS=providers):
        yield provider


# --- the browser -------------------------------------------------------------------------


def start_login(client: Client) -> str:
    """Press "Logg inn med …"; return the provider authorization URL we are sent to."""
    response = client.post(LOGIN_PATH)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def callback_path(location: str) -> str:
    """The provider's redirect back to Samla, as a path the test client can GET."""
    parts = urlsplit(location)
    assert parts.scheme == "http" and parts.netloc == "testserver", location
    assert parts.path == CALLBACK_PATH
    return f"{parts.path}?{parts.query}"


def oidc_login(client: Client, provider: OIDCProvider):
    authorize_url = start_login(client)
    return client.get(callback_path(provider.follow_authorize(authorize_url)))


def logged_in_user(client: Client):
    return auth.get_user(client)


def assert_not_logged_in(client: Client) -> None:
    assert not logged_in_user(client).is_authenticated
    assert auth.SESSION_KEY not in client.session


def template_names(response) -> set[str]:
    return {t.name for t in response.templates}


# --- 1. an invited person logs in ----------------------------------------------------------


def test_invited_user_logs_in_and_is_linked(world, oidc: OIDCProvider) -> None:
    users_before = User.objects.count()
    client = Client()
    authorize_url = start_login(client)

    # What Samla asked the provider for: code flow, our callback, our client, PKCE S256.
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    assert authorize_url.startswith(f"{oidc.issuer}/authorize?")
    assert query["response_type"] == "code"
    assert query["client_id"] == oidc.client_id
    assert query["redirect_uri"] == f"http://testserver{CALLBACK_PATH}"
    assert set(query["scope"].split()) == {"openid", "profile", "email"}
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 12

    response = client.get(callback_path(oidc.follow_authorize(authorize_url)))

    # The code was redeemed once, with the secret and the PKCE verifier, and userinfo fetched.
    [token_request] = oidc.token_requests
    assert token_request.status == 200
    assert token_request.form["code_verifier"]
    assert oidc.userinfo_requests == 1

    # Logged in as the existing account, landing on the home redirect.
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:home")
    assert logged_in_user(client) == world.editor_a
    assert User.objects.count() == users_before
    account = SocialAccount.objects.get(user=world.editor_a)
    assert (account.provider, account.uid) == (PROVIDER_ID, "entra-editor-a")
    assert account.extra_data["userinfo"]["email"] == "editor_a@example.no"
    assert account.extra_data["id_token"]["iss"] == oidc.issuer

    # And the home page takes them on into their collaboration rather than back to log-in.
    home = client.get(response["Location"])
    assert home.status_code in (200, 302)
    if home.status_code == 302:
        assert not home["Location"].startswith(reverse("account_login"))


def test_linked_account_logs_in_again_by_subject(world, oidc: OIDCProvider) -> None:
    oidc_login(Client(), oidc)
    assert SocialAccount.objects.filter(user=world.editor_a).count() == 1

    # Next time the provider's stable subject finds the link, even if the e-mail changed.
    oidc.user = TestUser(sub="entra-editor-a", email="renamed@example.no", email_verified=False)
    client = Client()
    response = oidc_login(client, oidc)
    assert response.status_code == 302
    assert logged_in_user(client) == world.editor_a
    assert SocialAccount.objects.count() == 1


def test_email_match_is_case_insensitive(world, oidc: OIDCProvider) -> None:
    oidc.user = TestUser(sub="entra-viewer", email="Viewer@Example.NO")
    client = Client()
    oidc_login(client, oidc)
    assert logged_in_user(client) == world.viewer


# --- 2. an unknown e-mail is refused -------------------------------------------------------


def test_unknown_email_is_refused_and_no_account_is_created(world, oidc: OIDCProvider) -> None:
    oidc.user = TestUser(sub="entra-stranger", email="stranger@example.no")
    users_before = User.objects.count()
    client = Client()
    response = oidc_login(client, oidc)

    assert response.status_code == 200
    assert SIGNUP_CLOSED in template_names(response)
    assert_not_logged_in(client)
    assert User.objects.count() == users_before
    assert not User.objects.filter(email__iexact="stranger@example.no").exists()
    assert not SocialAccount.objects.exists()
    assert not EmailAddress.objects.filter(email__iexact="stranger@example.no").exists()
    # Nothing is parked for a sign-up form to pick up later either.
    assert "socialaccount_sociallogin" not in client.session
    signup = client.get(reverse("socialaccount_signup"))
    assert signup.status_code == 302
    assert signup["Location"] == reverse("account_login")
    assert User.objects.count() == users_before


# --- 3. an unverified e-mail does not log in an existing account ---------------------------


@pytest.mark.parametrize("email_verified", [False, None], ids=["false", "claim-absent"])
def test_unverified_email_does_not_log_in_existing_account(
    world, oidc: OIDCProvider, email_verified: bool | None
) -> None:
    oidc.user = TestUser(sub="entra-x", email="editor_a@example.no", email_verified=email_verified)
    users_before = User.objects.count()
    client = Client()
    response = oidc_login(client, oidc)

    assert response.status_code == 200
    assert SIGNUP_CLOSED in template_names(response)
    assert_not_logged_in(client)
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()
    world.editor_a.refresh_from_db()
    assert world.editor_a.has_usable_password()


def test_id_token_cannot_vouch_when_userinfo_says_unverified(world, oidc: OIDCProvider) -> None:
    # allauth takes the claims from userinfo; a verified id_token does not override it.
    oidc.userinfo_claims = {"email_verified": False}
    client = Client()
    oidc_login(client, oidc)
    assert_not_logged_in(client)
    assert not SocialAccount.objects.exists()


def test_inactive_account_is_not_logged_in(world, oidc: OIDCProvider) -> None:
    world.editor_a.is_active = False
    world.editor_a.save(update_fields=["is_active"])
    client = Client()
    response = oidc_login(client, oidc)
    assert_not_logged_in(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")


# --- 4. tampering is refused -----------------------------------------------------------------


def test_tampered_state_is_refused_before_the_code_is_redeemed(world, oidc: OIDCProvider) -> None:
    client = Client()
    back = urlsplit(oidc.follow_authorize(start_login(client)))
    params = {k: v[0] for k, v in parse_qs(back.query).items()}
    params["state"] = params["state"][:-1] + ("A" if params["state"][-1] != "A" else "B")

    response = client.get(back.path, params)

    assert response.status_code == 401
    assert AUTH_ERROR in template_names(response)
    assert_not_logged_in(client)
    assert oidc.token_requests == []  # the code never reached the token endpoint
    assert not SocialAccount.objects.exists()


def test_missing_state_is_refused(world, oidc: OIDCProvider) -> None:
    client = Client()
    back = urlsplit(oidc.follow_authorize(start_login(client)))
    code = parse_qs(back.query)["code"][0]
    response = client.get(back.path, {"code": code})
    assert AUTH_ERROR in template_names(response)
    assert_not_logged_in(client)
    assert oidc.token_requests == []


def test_callback_from_another_browser_session_is_refused(world, oidc: OIDCProvider) -> None:
    """Login CSRF: a victim must not be logged in with a code and state minted elsewhere."""
    attacker = Client()
    forged_callback = callback_path(oidc.follow_authorize(start_login(attacker)))
    victim = Client()
    victim.get(reverse("account_login"))  # has a session of its own
    response = victim.get(forged_callback)
    assert AUTH_ERROR in template_names(response)
    assert_not_logged_in(victim)
    assert oidc.token_requests == []


def test_injected_code_fails_pkce(world, oidc: OIDCProvider) -> None:
    """Code injection: a stolen code, replayed with the attacker's own valid state, is
    refused by the provider because the attacker's code_verifier does not match."""
    victim = Client()
    stolen = parse_qs(urlsplit(oidc.follow_authorize(start_login(victim))).query)["code"][0]

    attacker = Client()
    attacker_back = urlsplit(oidc.follow_authorize(start_login(attacker)))
    state = parse_qs(attacker_back.query)["state"][0]
    response = attacker.get(attacker_back.path, {"code": stolen, "state": state})

    assert AUTH_ERROR in template_names(response)
    assert_not_logged_in(attacker)
    [token_request] = oidc.token_requests
    assert token_request.form["code"] == stolen
    assert (token_request.status, token_request.reason) == (400, "PKCE verification failed")
    assert not SocialAccount.objects.exists()


def test_wrong_code_verifier_in_session_is_refused(world, oidc: OIDCProvider) -> None:
    client = Client()
    callback = callback_path(oidc.follow_authorize(start_login(client)))
    session = client.session
    [stashed] = session["socialaccount_states"].values()
    stashed[0]["pkce_code_verifier"] = "x" * 64
    session.save()

    response = client.get(callback)

    assert AUTH_ERROR in template_names(response)
    assert_not_logged_in(client)
    assert oidc.token_requests[-1].reason == "PKCE verification failed"


def test_code_cannot_be_used_twice(world, oidc: OIDCProvider) -> None:
    client = Client()
    callback = callback_path(oidc.follow_authorize(start_login(client)))
    assert client.get(callback).status_code == 302
    client.logout()
    again = client.get(callback)
    assert AUTH_ERROR in template_names(again)  # the state was consumed on first use
    assert_not_logged_in(client)


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "http://127.0.0.1:1/evil"},
        {"aud": "some-other-client"},
        {"exp": 1_000_000_000},
        {"iss": None},
    ],
    ids=["wrong-issuer", "wrong-audience", "expired", "no-issuer"],
)
def test_id_token_with_bad_claims_is_refused(world, oidc: OIDCProvider, claims: dict) -> None:
    oidc.id_token_claims = claims
    client = Client()
    response = oidc_login(client, oidc)
    assert AUTH_ERROR in template_names(response)
    assert_not_logged_in(client)
    assert not SocialAccount.objects.exists()


def test_wrong_client_secret_is_refused(
    world, oidc: OIDCProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    providers = providers_from_settings(
        monkeypatch,
        OIDC_SERVER_URL=oidc.issuer,
        OIDC_CLIENT_ID=oidc.client_id,
        OIDC_CLIENT_SECRET="wrong",
    )
    with override_settings(SOCIALACCOUNT_PROVIDERS=providers):
        client = Client()
        response = oidc_login(client, oidc)
    assert AUTH_ERROR in template_names(response)
    assert_not_logged_in(client)
    assert oidc.token_requests[-1].error == "invalid_client"


def test_id_token_with_wrong_signature_is_refused_when_verified(
    world, oidc: OIDCProvider, rf
) -> None:
    """allauth's signature check (JWKS lookup by kid, RS256) against our provider's keys.

    This is the check allauth applies to an id_token it did not fetch itself (token
    log-in).  A token signed with a key the provider never published is rejected; the
    genuine one is accepted.
    """
    from allauth.socialaccount.adapter import get_adapter

    request = rf.get("/")
    request.session = {}
    idp_provider = get_adapter(request).get_provider(request, PROVIDER_ID)
    genuine = oidc.make_id_token()
    assert idp_provider.verify_token(request, {"id_token": genuine}).account.uid == "entra-editor-a"

    oidc.signing_key = new_rsa_key()
    forged = oidc.make_id_token()
    with pytest.raises(ValidationError):
        idp_provider.verify_token(request, {"id_token": forged})

    tampered = genuine.rsplit(".", 1)[0] + "." + forged.rsplit(".", 1)[1]
    with pytest.raises(ValidationError):
        idp_provider.verify_token(request, {"id_token": tampered})


def test_code_flow_trusts_the_token_endpoint_not_the_id_token_signature(
    world, oidc: OIDCProvider
) -> None:
    """Pinned allauth 65.21.1 behaviour, so that a change is noticed.

    In the code flow allauth does *not* re-check the id_token signature: it received the
    token directly from the token endpoint (OpenID Connect Core §3.1.3.7 allows relying
    on TLS for that), and it takes the identity from /userinfo with the access token.
    Issuer, audience and expiry are still checked (see above).  So the protection is the
    back channel itself: OIDC_SERVER_URL must be https in production.
    """
    oidc.signing_key = new_rsa_key()
    client = Client()
    oidc_login(client, oidc)
    assert logged_in_user(client) == world.editor_a


# --- account side effects worth knowing ---------------------------------------------------


def test_first_oidc_login_wipes_password_unless_email_address_is_verified(
    world, oidc: OIDCProvider
) -> None:
    """allauth's defence against pre-registered accounts: when the match was made on a
    User.email that Samla never verified, the local password is made unusable."""
    oidc_login(Client(), oidc)
    world.editor_a.refresh_from_db()
    assert not world.editor_a.has_usable_password()

    EmailAddress.objects.create(
        user=world.editor_b, email=world.editor_b.email, verified=True, primary=True
    )
    oidc.user = TestUser(sub="entra-editor-b", email="editor_b@example.no")
    client = Client()
    oidc_login(client, oidc)
    assert logged_in_user(client) == world.editor_b
    world.editor_b.refresh_from_db()
    assert world.editor_b.has_usable_password()


def test_verified_email_domains_setting_admits_providers_without_the_claim(
    world, oidc: OIDCProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entra ID sends no email_verified claim; allauth's per-app ``verified_email`` (a
    list of domains the provider is trusted for) is the knob that makes such log-ins work."""
    oidc.user = TestUser(sub="entra-viewer", email="viewer@example.no", email_verified=None)
    providers = providers_from_settings(
        monkeypatch,
        OIDC_SERVER_URL=oidc.issuer,
        OIDC_CLIENT_ID=oidc.client_id,
        OIDC_CLIENT_SECRET=oidc.client_secret,
    )
    providers["openid_connect"]["APPS"][0]["settings"]["verified_email"] = ["example.no"]
    with override_settings(SOCIALACCOUNT_PROVIDERS=providers):
        client = Client()
        oidc_login(client, oidc)
    assert logged_in_user(client) == world.viewer


# --- 5. the login page ---------------------------------------------------------------------


def test_login_page_shows_provider_button_when_configured(oidc: OIDCProvider, db: None) -> None:
    response = Client().get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Logg inn med Entra ID" in html
    assert f'<form method="post" action="{LOGIN_PATH}?process=login">' in html


def test_login_page_uses_configured_provider_name(
    provider: OIDCProvider, monkeypatch: pytest.MonkeyPatch, db: None
) -> None:
    providers = providers_from_settings(
        monkeypatch,
        OIDC_SERVER_URL=provider.issuer,
        OIDC_CLIENT_ID=provider.client_id,
        OIDC_PROVIDER_NAME="ID-porten",
    )
    with override_settings(SOCIALACCOUNT_PROVIDERS=providers):
        html = Client().get(reverse("account_login")).content.decode()
    assert "Logg inn med ID-porten" in html
    assert "Entra ID" not in html


def test_login_page_has_no_provider_button_when_not_configured(
    monkeypatch: pytest.MonkeyPatch, db: None
) -> None:
    providers = providers_from_settings(monkeypatch)  # no OIDC_* variables
    assert providers == {"openid_connect": {"APPS": []}}
    with override_settings(SOCIALACCOUNT_PROVIDERS=providers):
        response = Client().get(reverse("account_login"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Logg inn med" not in html
        assert "/accounts/oidc/" not in html
        assert Client().post(LOGIN_PATH).status_code == 404
