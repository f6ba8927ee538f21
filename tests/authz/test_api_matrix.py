"""The authorisation matrix for the API, generated from its OpenAPI document.

Every operation is called by every persona with its bearer token (anonymous: none) and the
smallest body its schema accepts; ``api.py`` says who may. An operation without an entry
fails ``test_every_operation_has_an_entry``. Alfa's administrator also calls every
operation naming objects with beta's objects (in the path or in the body): 404 or 422,
nothing written, nothing of beta's shown.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from samla.api.api import api
from tests.authz.api import BODIES, OPERATIONS, minimal_body
from tests.authz.conftest import PERSONAS, Matrix
from tests.authz.harness import ARGUMENT, fill, judge, perform
from tests.authz.objects import BETA_MARK, Objects

SCHEMA: dict[str, Any] = api.get_openapi_schema()
COMPONENTS = SCHEMA.get("components", {}).get("schemas", {})
DOCUMENTED = [
    (method.upper(), path) for path, operations in SCHEMA["paths"].items() for method in operations
]
CASES = sorted(op for op in DOCUMENTED if op in OPERATIONS)


def arguments(path: str) -> list[str]:
    return [c for _, _, c in ARGUMENT.findall(path)]


def request_of(
    method: str, path: str, objects: Objects, path_objects: Objects | None = None
) -> tuple[str, Any]:
    """The URL (path arguments from ``path_objects``, else ``objects``; the slug always
    alfa's) and the body (from ``objects``)."""
    where = path_objects or objects
    url = path
    for argument in arguments(path):
        value = "alfa" if argument == "slug" else fill(argument, where, {}, path)
        url = url.replace("{" + argument + "}", value)
    body = None
    if (method, path) in BODIES:
        body = BODIES[(method, path)](objects)
    else:
        operation = SCHEMA["paths"][path][method.lower()]
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            body = minimal_body(content["application/json"]["schema"], COMPONENTS, objects)
    return url, body


def call(client: Client, method: str, url: str, body: Any, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is None:
        return client.generic(method, url, headers=headers)
    return client.generic(
        method, url, json.dumps(body), content_type="application/json", headers=headers
    )


def test_every_operation_has_an_entry() -> None:
    missing = sorted(op for op in DOCUMENTED if op not in OPERATIONS)
    stale = sorted(op for op in OPERATIONS if op not in DOCUMENTED)
    assert not missing, (
        "API operations without an entry in tests/authz/api.py (say who may call them):\n  "
        + "\n  ".join(f"{m} {p}" for m, p in missing)
    )
    assert not stale, f"Entries in tests/authz/api.py for operations that no longer exist: {stale}"


@pytest.mark.parametrize("operation", CASES, ids=[f"{m} {p[22:]}" for m, p in CASES])
def test_operation(matrix: Matrix, db: None, operation: tuple[str, str]) -> None:
    method, path = operation
    allowed = OPERATIONS[operation]
    url, body = request_of(method, path, matrix.alfa)
    problems = []
    for persona in PERSONAS:
        token = matrix.tokens.get(persona)
        outcome = perform(lambda token=token: call(Client(), method, url, body, token))
        if not allowed.__contains__(persona) and outcome.status == 422:
            detail = json.loads(outcome.body or b"{}").get("detail")
            if isinstance(detail, list):
                problems.append(
                    f"{persona}: the body did not pass the schema ({detail[:2]}); "
                    "give one in BODIES"
                )
                continue
        problem = judge(outcome, persona, allowed=persona in allowed, write=method != "GET")
        if problem:
            problems.append(f"{persona}: {problem}")
    assert not problems, f"{method} {url} {json.dumps(body)[:200]}\n  " + "\n  ".join(problems)


CROSS = [
    op
    for op in CASES
    if any(a != "slug" for a in arguments(op[1]))
    or (op[0] == "POST" and "requestBody" in SCHEMA["paths"][op[1]]["post"])
]


@pytest.mark.parametrize("operation", CROSS, ids=[f"{m} {p[22:]}" for m, p in CROSS])
def test_objects_of_another_collaboration_are_not_found(
    matrix: Matrix, db: None, operation: tuple[str, str]
) -> None:
    method, path = operation
    token = matrix.tokens["admin"]
    tries = []
    if any(a != "slug" for a in arguments(path)):
        tries.append(request_of(method, path, matrix.alfa, path_objects=matrix.beta))
    if method in ("POST", "PATCH") and (method, path) not in BODIES:
        url, body = request_of(method, path, matrix.beta, path_objects=matrix.alfa)
        if (
            body
            and BETA_MARK not in json.dumps(body)
            and any(
                str(o.uuid) in json.dumps(body)
                for o in matrix.beta.things.values()
                if getattr(o, "uuid", None)  # rows without a uuid of their own name nothing
            )
        ):
            tries.append((url, body))
    for url, body in tries:
        outcome = perform(lambda url=url, body=body: call(Client(), method, url, body, token))
        assert outcome.status in (404, 422), (
            f"{method} {url} {body}: {outcome.status} {outcome.error}"
        )
        assert BETA_MARK.encode() not in outcome.body
        assert not outcome.writes, f"{method} {url} {body} wrote {outcome.writes}"
