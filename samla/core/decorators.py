"""View decorators that resolve the user's access before the view runs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from samla.organisations.access import access_collaboration


def collaboration_view(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Log-in required; ``slug`` resolved to ``request.samla_access`` (404 without a role)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        access = access_collaboration(request.user, slug)  # type: ignore[arg-type]
        request.samla_access = access  # type: ignore[attr-defined]
        return view(request, access, *args, **kwargs)

    return wrapper
