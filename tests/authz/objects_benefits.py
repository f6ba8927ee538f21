"""The benefits' objects of the authorisation matrix (filled in with the benefits app)."""

from __future__ import annotations

from samla.organisations.models import Organisation, User
from tests.authz.objects import Objects


def build_benefits(
    objects: Objects, own: Organisation, other: Organisation, *, owner: User
) -> None:
    return None
