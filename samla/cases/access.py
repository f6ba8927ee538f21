"""Access helpers for business cases: the only way views and the API fetch them.

Everyone with a role in the collaboration reads its cases; administrators and the
programme office (managers) create, edit, freeze and delete. Objects of another
collaboration answer 404; a change the role does not allow answers 403. Whether a version
is frozen is the services' business: they refuse every change to one with a message.
"""

from __future__ import annotations

import uuid

from django.http import Http404

from samla.cases.models import Alternative, Assumption, BusinessCase, CaseVersion, Effect, Line
from samla.organisations.access import CollaborationAccess, _parse_uuid


def may_manage_cases(access: CollaborationAccess) -> bool:
    return access.is_manager


def require_case_manager(access: CollaborationAccess) -> None:
    access.require_manager()


def access_case(
    access: CollaborationAccess, case_id: str | uuid.UUID, *, for_change: bool = False
) -> BusinessCase:
    case = (
        BusinessCase.objects.select_related("category", "collaboration")
        .filter(uuid=_parse_uuid(case_id), collaboration=access.collaboration)
        .first()
    )
    if case is None:
        raise Http404
    if for_change:
        access.require_manager()
    return case


def access_version(
    access: CollaborationAccess, version_id: str | uuid.UUID, *, for_change: bool = False
) -> CaseVersion:
    version = (
        CaseVersion.objects.select_related(
            "case__collaboration", "case__category", "split_key", "frozen_by"
        )
        .filter(uuid=_parse_uuid(version_id), case__collaboration=access.collaboration)
        .first()
    )
    if version is None:
        raise Http404
    if for_change:
        access.require_manager()
    return version


def access_alternative(
    access: CollaborationAccess, alternative_id: str | uuid.UUID, *, for_change: bool = False
) -> Alternative:
    alternative = (
        Alternative.objects.select_related("version__case__collaboration")
        .filter(
            uuid=_parse_uuid(alternative_id),
            version__case__collaboration=access.collaboration,
        )
        .first()
    )
    if alternative is None:
        raise Http404
    if for_change:
        access.require_manager()
    return alternative


def access_line(
    access: CollaborationAccess, line_id: str | uuid.UUID, *, for_change: bool = False
) -> Line:
    line = (
        Line.objects.select_related("alternative__version__case__collaboration", "split_key")
        .filter(
            uuid=_parse_uuid(line_id),
            alternative__version__case__collaboration=access.collaboration,
        )
        .first()
    )
    if line is None:
        raise Http404
    if for_change:
        access.require_manager()
    return line


def access_assumption(
    access: CollaborationAccess, assumption_id: str | uuid.UUID, *, for_change: bool = False
) -> Assumption:
    assumption = (
        Assumption.objects.select_related("version__case__collaboration")
        .filter(
            uuid=_parse_uuid(assumption_id),
            version__case__collaboration=access.collaboration,
        )
        .first()
    )
    if assumption is None:
        raise Http404
    if for_change:
        access.require_manager()
    return assumption


def access_effect(
    access: CollaborationAccess, effect_id: str | uuid.UUID, *, for_change: bool = False
) -> Effect:
    effect = (
        Effect.objects.select_related("alternative__version__case__collaboration")
        .filter(
            uuid=_parse_uuid(effect_id),
            alternative__version__case__collaboration=access.collaboration,
        )
        .first()
    )
    if effect is None:
        raise Http404
    if for_change:
        access.require_manager()
    return effect
