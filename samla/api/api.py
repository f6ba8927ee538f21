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


api = NinjaAPI(
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


from samla.cases.api import router as cases_router  # noqa: E402
from samla.governance.api import router as governance_router  # noqa: E402
from samla.landscape.api import router as landscape_router  # noqa: E402
from samla.organisations.api import router as organisations_router  # noqa: E402
from samla.surveys.api import router as surveys_router  # noqa: E402

api.add_router("/", organisations_router)
api.add_router("/", landscape_router)
api.add_router("/", surveys_router)
api.add_router("/", cases_router)
api.add_router("/", governance_router)
