"""Access helpers for the portfolio: the only way views, the API and exports fetch its
objects. Objects of another collaboration answer 404; a change the role does not allow 403.

Who may do what:
- everyone with a role in the collaboration reads the portfolio;
- managers (administrators and the programme office) change everything: criteria and
  weights, the pot, groups, scenarios and the proposals' status;
- an editor may submit proposals for their own organisation and change them while they are
  still «innmeldt»;
- viewers read.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from samla.organisations.access import CollaborationAccess, _parse_uuid
from samla.organisations.models import Organisation, Role
from samla.portfolio.models import (
    Criterion,
    PotYear,
    Proposal,
    ProposalGroup,
    ProposalStatus,
    Scenario,
)

M = TypeVar("M", bound=models.Model)


def _fetch(queryset: models.QuerySet[M], access: CollaborationAccess, object_id: str | uuid.UUID) -> M:
    obj = queryset.filter(uuid=_parse_uuid(object_id), collaboration=access.collaboration).first()
    if obj is None:
        raise Http404
    return obj


def may_manage_portfolio(access: CollaborationAccess) -> bool:
    return access.is_manager


def may_submit_for(access: CollaborationAccess, organisation: Organisation) -> bool:
    return access.is_manager or (
        access.role.kind == Role.Kind.EDITOR and access.editable_organisation_id == organisation.pk
    )


def may_change_proposal(access: CollaborationAccess, proposal: Proposal) -> bool:
    if access.is_manager:
        return True
    return (
        proposal.status == ProposalStatus.SUBMITTED
        and access.role.kind == Role.Kind.EDITOR
        and access.editable_organisation_id == proposal.sponsor_id
    )


def access_proposal(access: CollaborationAccess, proposal_id: str | uuid.UUID, *, for_change: bool = False) -> Proposal:
    proposal = _fetch(Proposal.objects.select_related("sponsor", "contact", "project"), access, proposal_id)
    if for_change and not may_change_proposal(access, proposal):
        raise PermissionDenied(_("Bare programkontoret og innmelderens redaktør kan endre et innmeldt forslag."))
    return proposal


def _managed(queryset: models.QuerySet[M], access: CollaborationAccess, object_id: str | uuid.UUID, for_change: bool) -> M:
    obj = _fetch(queryset, access, object_id)
    if for_change:
        access.require_manager()
    return obj


def access_criterion(access: CollaborationAccess, criterion_id: str | uuid.UUID, *, for_change: bool = False) -> Criterion:
    return _managed(Criterion.objects.all(), access, criterion_id, for_change)


def access_pot_year(access: CollaborationAccess, pot_year_id: str | uuid.UUID, *, for_change: bool = False) -> PotYear:
    return _managed(PotYear.objects.all(), access, pot_year_id, for_change)


def access_group(access: CollaborationAccess, group_id: str | uuid.UUID, *, for_change: bool = False) -> ProposalGroup:
    return _managed(ProposalGroup.objects.all(), access, group_id, for_change)


def access_scenario(access: CollaborationAccess, scenario_id: str | uuid.UUID, *, for_change: bool = False) -> Scenario:
    return _managed(Scenario.objects.select_related("decision"), access, scenario_id, for_change)
