"""Access helpers: the only way views and the API fetch tenant objects.

Everything in Samla belongs to a collaboration. A user sees a collaboration only through a
role in it (superusers act as administrators everywhere). Objects of collaborations the
user has no role in answer 404, never 403, so that their existence does not leak. Within
a collaboration, a missing right to change something answers 403.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from samla.organisations.models import (
    Collaboration,
    CostSharingKey,
    Membership,
    Organisation,
    Role,
    User,
)


@dataclass(frozen=True)
class CollaborationAccess:
    """A user's standing in one collaboration."""

    user: User
    collaboration: Collaboration
    role: Role

    @property
    def is_manager(self) -> bool:
        return self.role.is_manager

    @property
    def is_administrator(self) -> bool:
        return self.role.is_administrator

    @property
    def editable_organisation_id(self) -> int | None:
        return self.role.organisation_id if self.role.kind == Role.Kind.EDITOR else None

    def may_edit_organisation(self, organisation: Organisation) -> bool:
        return self.role.may_edit_organisation(organisation)

    def require_manager(self) -> None:
        if not self.is_manager:
            raise PermissionDenied("Krever rollen administrator eller programkontor.")

    def require_administrator(self) -> None:
        if not self.is_administrator:
            raise PermissionDenied("Krever rollen administrator.")


def _parse_uuid(value: str | uuid.UUID) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


def access_collaboration(user: User, slug: str) -> CollaborationAccess:
    """The user's access to the collaboration ``slug``; 404 when the user has no role there."""
    if not user.is_authenticated:
        raise Http404
    role = (
        Role.objects.select_related("collaboration", "organisation")
        .filter(user=user, collaboration__slug=slug)
        .first()
    )
    if role is None:
        if not user.is_superuser:
            raise Http404
        collaboration = Collaboration.objects.filter(slug=slug).first()
        if collaboration is None:
            raise Http404
        # Superusers act as administrators in every collaboration without a stored role.
        role = Role(user=user, collaboration=collaboration, kind=Role.Kind.ADMINISTRATOR)
    return CollaborationAccess(user=user, collaboration=role.collaboration, role=role)


def access_organisation(
    access: CollaborationAccess, organisation_id: str | uuid.UUID, *, for_change: bool = False
) -> Organisation:
    """A member organisation of the collaboration; 403 for a change the role does not allow."""
    organisation = Organisation.objects.filter(
        uuid=_parse_uuid(organisation_id), memberships__collaboration=access.collaboration
    ).first()
    if organisation is None:
        raise Http404
    if for_change and not access.may_edit_organisation(organisation):
        raise PermissionDenied("Du kan ikke endre denne organisasjonen.")
    return organisation


def access_membership(
    access: CollaborationAccess, membership_id: str | uuid.UUID, *, for_change: bool = False
) -> Membership:
    membership = (
        Membership.objects.select_related("organisation")
        .filter(uuid=_parse_uuid(membership_id), collaboration=access.collaboration)
        .first()
    )
    if membership is None:
        raise Http404
    if for_change:
        access.require_manager()
    return membership


def access_role(
    access: CollaborationAccess, role_id: str | uuid.UUID, *, for_change: bool = False
) -> Role:
    if not access.is_manager:
        # Only the programme office and administrators see who has which role.
        raise PermissionDenied
    role = (
        Role.objects.select_related("user", "organisation")
        .filter(uuid=_parse_uuid(role_id), collaboration=access.collaboration)
        .first()
    )
    if role is None:
        raise Http404
    if for_change:
        access.require_administrator()
    return role


def access_cost_sharing_key(
    access: CollaborationAccess, key_id: str | uuid.UUID, *, for_change: bool = False
) -> CostSharingKey:
    key = CostSharingKey.objects.filter(
        uuid=_parse_uuid(key_id), collaboration=access.collaboration
    ).first()
    if key is None:
        raise Http404
    if for_change:
        access.require_manager()
    return key
