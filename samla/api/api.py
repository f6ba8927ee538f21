"""The Samla API, assembled from each app's ``api.py`` router."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import HttpBearer

from samla.core.conflicts import conflict_message
from samla.core.locking import EditConflict
from samla.organisations.services import api_token_authenticate


class BearerToken(HttpBearer):
    """``Authorization: Bearer samla_…``; tokens are made by ``samla create_api_token``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"title": "Detail"}},
    "required": ["detail"],
    "title": "Error",
}
# Answers any operation may give besides its own: a malformed request body (400) and input
# that does not validate, in the body or the query string (422). Documented once here so the
# OpenAPI document tells the truth for every operation.
COMMON_ERRORS = {
    "400": "The request could not be read (for example malformed JSON).",
    "422": "The input does not validate; `detail` says why and nothing is written.",
}


class SamlaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                for status, description in COMMON_ERRORS.items():
                    if status in responses or int(status) in responses:
                        continue  # the operation documents it itself
                    responses[int(status)] = {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    }
        return schema


api = SamlaAPI(
    title="Samla API",
    version="1",
    description="Samla's API. Authenticate with a bearer token from your profile page.",
    auth=BearerToken(),
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A service refused the input: 422 with the messages, nothing written (services are atomic)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(
        request, {"detail": " ".join(exc.messages), "errors": errors}, status=422
    )


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """The role does not allow the change: 403 as JSON, not the HTML error page."""
    return api.create_response(
        request, {"detail": str(exc) or _("Du har ikke tilgang til dette.")}, status=403
    )


@api.exception_handler(EditConflict)
def edit_conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
    """The object changed after the version the client edited: 409, nothing written."""
    return api.create_response(
        request, {"detail": conflict_message(), "current_version": exc.current}, status=409
    )


from samla.benefits.api import router as benefits_router  # noqa: E402
from samla.cases.api import router as cases_router  # noqa: E402
from samla.governance.api import router as governance_router  # noqa: E402
from samla.landscape.api import router as landscape_router  # noqa: E402
from samla.organisations.api import router as organisations_router  # noqa: E402
from samla.portfolio.api import router as portfolio_router  # noqa: E402
from samla.surveys.api import router as surveys_router  # noqa: E402

api.add_router("/", organisations_router)
api.add_router("/", landscape_router)
api.add_router("/", surveys_router)
api.add_router("/", cases_router)
api.add_router("/", governance_router)
api.add_router("/", portfolio_router)
api.add_router("/", benefits_router)
