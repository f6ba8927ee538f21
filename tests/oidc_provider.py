"""A small but real OpenID Connect provider for tests.

It serves the authorization-code flow over HTTP on 127.0.0.1 (random port) from a
``ThreadingHTTPServer`` thread inside the test process:

  /.well-known/openid-configuration   discovery document
  /authorize                          auto-approves the configured user and redirects back
                                      with ``code`` and ``state``; honours PKCE (S256)
  /token                              checks client id/secret (post or basic), the code,
                                      the redirect URI and the PKCE ``code_verifier``;
                                      returns an RS256-signed ``id_token``
  /userinfo                           claims of the user for a bearer access token
  /jwks                               the public signing key

Nothing here knows about Samla or allauth; the tests drive Samla against it the way a
browser would.  Knobs for the negative tests: ``id_token_claims`` (override or, with
``None``, remove claims), ``signing_key`` (sign with a key that is not published) and
``userinfo_claims``.  Every token request is recorded in ``token_requests`` with the
outcome, so a test can tell *why* the provider refused.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CODE_LIFETIME = 60
TOKEN_LIFETIME = 300


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class TestUser:
    """The person the provider signs in. ``email_verified=None`` leaves the claim out."""

    __test__ = False  # not a pytest test class

    sub: str
    email: str
    email_verified: bool | None = True
    name: str = "Test Person"

    def claims(self) -> dict[str, Any]:
        claims: dict[str, Any] = {"sub": self.sub, "email": self.email, "name": self.name}
        if self.email_verified is not None:
            claims["email_verified"] = self.email_verified
        return claims


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str | None
    nonce: str | None
    user_claims: dict[str, Any]
    expires_at: float


@dataclass
class TokenRequest:
    """One call to /token and what the provider answered."""

    form: dict[str, str]
    basic_auth: bool
    status: int
    error: str | None = None
    reason: str | None = None


@dataclass
class OIDCProvider:
    client_id: str = "samla-test-client"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    user: TestUser = field(default_factory=lambda: TestUser(sub="sub-1", email="person@example.no"))
    key: rsa.RSAPrivateKey = field(default_factory=new_rsa_key)
    kid: str = "samla-test-key"
    # Negative-test knobs.
    id_token_claims: dict[str, Any] = field(default_factory=dict)
    userinfo_claims: dict[str, Any] = field(default_factory=dict)
    signing_key: rsa.RSAPrivateKey | None = None
    # What happened.
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[TokenRequest] = field(default_factory=list)
    userinfo_requests: int = 0

    def __post_init__(self) -> None:
        self._codes: dict[str, _Grant] = {}
        self._access_tokens: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------
    def start(self) -> OIDCProvider:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.provider = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name="oidc-provider", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> OIDCProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def issuer(self) -> str:
        assert self._server is not None, "provider not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def reset(self) -> None:
        """Forget knobs and records (the key and the client stay)."""
        with self._lock:
            self.id_token_claims = {}
            self.userinfo_claims = {}
            self.signing_key = None
            self.authorize_requests.clear()
            self.token_requests.clear()
            self.userinfo_requests = 0
            self._codes.clear()
            self._access_tokens.clear()

    # --- documents -----------------------------------------------------------------------
    def discovery(self) -> dict[str, Any]:
        iss = self.issuer
        return {
            "issuer": iss,
            "authorization_endpoint": f"{iss}/authorize",
            "token_endpoint": f"{iss}/token",
            "userinfo_endpoint": f"{iss}/userinfo",
            "jwks_uri": f"{iss}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": [
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "nonce",
                "email",
                "email_verified",
                "name",
            ],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def make_id_token(
        self, user_claims: dict[str, Any] | None = None, nonce: str | None = None
    ) -> str:
        """An id_token for ``user_claims`` (default: the configured user), with the knobs applied."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + TOKEN_LIFETIME,
            "auth_time": now,
            "jti": secrets.token_urlsafe(12),
            **(self.user.claims() if user_claims is None else user_claims),
        }
        if nonce:
            claims["nonce"] = nonce
        for name, value in self.id_token_claims.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        key = self.signing_key or self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    # --- endpoints -------------------------------------------------------------------------
    def authorize(self, params: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            self.authorize_requests.append(dict(params))
        redirect_uri = params.get("redirect_uri", "")
        if params.get("client_id") != self.client_id or not redirect_uri.startswith(
            ("http://", "https://")
        ):
            # Never redirect to an unvalidated URI (RFC 6749 §4.1.2.1).
            return 400, {}, {"error": "invalid_request"}

        def back(**query: str) -> tuple[int, dict[str, str], Any]:
            if "state" in params:
                query["state"] = params["state"]
            parts = urlsplit(redirect_uri)
            sep = "&" if parts.query else ""
            url = urlunsplit(parts._replace(query=parts.query + sep + urlencode(query)))
            return 302, {"Location": url}, None

        if params.get("response_type") != "code":
            return back(error="unsupported_response_type")
        if "openid" not in params.get("scope", "").split():
            return back(error="invalid_scope")
        challenge = params.get("code_challenge")
        if challenge and params.get("code_challenge_method", "plain") != "S256":
            return back(error="invalid_request", error_description="only S256 is supported")
        code = secrets.token_urlsafe(24)
        grant = _Grant(
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            code_challenge=challenge,
            nonce=params.get("nonce"),
            user_claims=self.user.claims(),
            expires_at=time.time() + CODE_LIFETIME,
        )
        with self._lock:
            self._codes[code] = grant
        return back(code=code)

    def token(
        self, form: dict[str, str], authorization: str | None
    ) -> tuple[int, dict[str, str], Any]:
        record = TokenRequest(form=dict(form), basic_auth=False, status=400)
        with self._lock:
            self.token_requests.append(record)

        def fail(status: int, error: str, reason: str) -> tuple[int, dict[str, str], Any]:
            record.status, record.error, record.reason = status, error, reason
            return status, {}, {"error": error, "error_description": reason}

        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.lower().startswith("basic "):
            record.basic_auth = True
            decoded = base64.b64decode(authorization[6:]).decode("utf-8")
            client_id, _, client_secret = decoded.partition(":")
        if client_id != self.client_id or not secrets.compare_digest(
            (client_secret or "").encode(), self.client_secret.encode()
        ):
            return fail(401, "invalid_client", "client authentication failed")
        if form.get("grant_type") != "authorization_code":
            return fail(400, "unsupported_grant_type", "grant_type")
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # single use
        if grant is None or grant.expires_at < time.time():
            return fail(400, "invalid_grant", "unknown, used or expired code")
        if grant.client_id != client_id:
            return fail(400, "invalid_grant", "code issued to another client")
        if form.get("redirect_uri") != grant.redirect_uri:
            return fail(400, "invalid_grant", "redirect_uri mismatch")
        verifier = form.get("code_verifier")
        if grant.code_challenge is not None:
            if not verifier or not secrets.compare_digest(s256(verifier), grant.code_challenge):
                return fail(400, "invalid_grant", "PKCE verification failed")
        elif verifier:
            return fail(400, "invalid_grant", "code_verifier without code_challenge")
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._access_tokens[access_token] = {
                "claims": grant.user_claims,
                "expires_at": time.time() + TOKEN_LIFETIME,
            }
        record.status = 200
        return (
            200,
            {"Cache-Control": "no-store"},
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME,
                "scope": "openid profile email",
                "id_token": self.make_id_token(grant.user_claims, grant.nonce),
            },
        )

    def userinfo(self, authorization: str | None) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            self.userinfo_requests += 1
            token = (authorization or "")[7:] if (authorization or "").startswith("Bearer ") else ""
            entry = self._access_tokens.get(token)
        if entry is None or entry["expires_at"] < time.time():
            return (
                401,
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
                {"error": "invalid_token"},
            )
        claims = dict(entry["claims"])
        for name, value in self.userinfo_claims.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return 200, {}, claims

    # --- acting as the browser ---------------------------------------------------------------
    def follow_authorize(self, url: str) -> str:
        """GET the authorization URL as a browser would; return where it redirects to."""
        assert url.startswith(self.issuer + "/authorize"), url

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        opener = urllib.request.build_opener(NoRedirect, urllib.request.ProxyHandler({}))
        try:
            opener.open(url, timeout=5)
        except urllib.error.HTTPError as exc:
            if exc.code == 302:
                return exc.headers["Location"]
            raise
        raise AssertionError("the provider did not redirect back")


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    @property
    def provider(self) -> OIDCProvider:
        return self.server.provider  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return

    def _send(self, status: int, headers: dict[str, str], body: Any) -> None:
        payload = b"" if body is None else json.dumps(body).encode("utf-8")
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        p = self.provider
        if parts.path == "/.well-known/openid-configuration":
            self._send(200, {}, p.discovery())
        elif parts.path == "/jwks":
            self._send(200, {}, p.jwks())
        elif parts.path == "/authorize":
            self._send(*p.authorize(params))
        elif parts.path == "/userinfo":
            self._send(*p.userinfo(self.headers.get("Authorization")))
        else:
            self._send(404, {}, {"error": "not_found"})

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        form = {k: v[-1] for k, v in parse_qs(body).items()}
        if parts.path == "/token":
            self._send(*self.provider.token(form, self.headers.get("Authorization")))
        elif parts.path == "/userinfo":
            self._send(*self.provider.userinfo(self.headers.get("Authorization")))
        else:
            self._send(404, {}, {"error": "not_found"})
