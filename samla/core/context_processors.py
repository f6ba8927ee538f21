"""What the layout needs on every page: the collaboration switcher and the module menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from samla.organisations.selectors import collaborations_for_user

    access = getattr(request, "samla_access", None)
    return {
        "access": access,
        "current_collaboration": access.collaboration if access else user.current_collaboration,
        "my_collaborations": list(collaborations_for_user(user).only("name", "slug")),
        "landscape_registers": _landscape_registers(),
    }


def _landscape_registers() -> list[tuple[str, object]]:
    from samla.landscape.registers import REGISTERS

    return [(slug, register.title) for slug, register in REGISTERS.items()]
