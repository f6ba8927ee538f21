"""View decorators that resolve the user's access before the view runs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from samla.organisations.access import CollaborationAccess, access_collaboration


def needs_totp(access: CollaborationAccess) -> bool:
    """An administrator of a collaboration that demands two-factor log-in, without TOTP."""
    return (
        access.collaboration.require_admin_totp
        and access.is_administrator
        and not Authenticator.objects.filter(user=access.user, type=Authenticator.Type.TOTP).exists()
    )


def collaboration_view(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Log-in required; ``slug`` resolved to ``request.samla_access`` (404 without a role).

    Administrators of a collaboration that requires two-factor log-in are sent to set up
    TOTP before they can open any of its pages.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        access = access_collaboration(request.user, slug)  # type: ignore[arg-type]
        if needs_totp(access):
            messages.warning(
                request,
                _("%(name)s krever tofaktorinnlogging for administratorer. Sett opp en autentiseringsapp først.")
                % {"name": access.collaboration.name},
            )
            return redirect("mfa_activate_totp")
        request.samla_access = access  # type: ignore[attr-defined]
        return view(request, access, *args, **kwargs)

    return wrapper
