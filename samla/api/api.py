"""The Samla API, assembled from each app's ``api.py`` router."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer

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

from samla.organisations.api import router as organisations_router  # noqa: E402

api.add_router("/", organisations_router)
