"""API fuzzing: schemathesis generates requests for every operation of
``/api/v1/openapi.json`` and sends them, in-process, through the WSGI application as alfa's
administrator, against the matrix's world (path arguments name its real objects, so the
requests reach the services rather than a 404). Every answer must not be a server error,
must have a status code the operation documents, and must match the documented schema.

Each request runs in a savepoint that is rolled back, so one example's delete does not
starve the next. The number of examples per operation is bounded (``FUZZ_EXAMPLES``,
default 5) and derandomised, so the run is repeatable and takes a few minutes at most.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.authz.conftest import Matrix
from tests.authz.harness import KIND_OF_ARGUMENT, kind_in_path

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def wsgi_in_test_transaction(db: None) -> Iterator[None]:
    """The WSGI handler closes "old" connections around each request, which would close the
    test's transaction; Django's test client turns that off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def real_object(matrix: Matrix, path: str, argument: str) -> str | None:
    kind = kind_in_path(path, argument) or KIND_OF_ARGUMENT.get(
        argument, argument.removesuffix("_id")
    )
    thing = matrix.alfa.things.get(kind)
    return None if thing is None else str(thing.uuid)  # type: ignore[attr-defined]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_fuzz(case: Any, matrix: Matrix, wsgi_in_test_transaction: None) -> None:
    if case.path_parameters:
        for argument in list(case.path_parameters):
            if argument == "slug":
                case.path_parameters[argument] = "alfa"
            elif (value := real_object(matrix, case.path, argument)) is not None:
                case.path_parameters[argument] = value
    headers = {"Authorization": f"Bearer {matrix.tokens['admin']}"}
    with transaction.atomic():
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
        headers=headers,
    )
