"""What the portfolio's API modules share: where each kind of object lives, and the
machinery of the governance API (``samla.governance.api_common``: resources, schemas built
from the models' fields, references by uuid, list/get/create/patch/delete with the version
check) applied to the portfolio.

Everything lives under ``/collaborations/{slug}/portfolio/``: ``criteria``, ``proposals``,
``groups``, ``pot`` (one item per year) and ``scenarios``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import Http404
from ninja import Router

from samla.governance.api_common import Resource, child
from samla.organisations.access import CollaborationAccess, _parse_uuid
from samla.organisations.models import Organisation
from samla.portfolio import access as rights
from samla.portfolio.models import Criterion, PotYear, Proposal, ProposalGroup, Scenario

CRITERION = child(
    None,
    "criterion",
    Criterion,
    "portfolio/criteria",
    rights.access_criterion,
    param="criterion_id",
)
PROPOSAL = child(
    None,
    "proposal",
    Proposal,
    "portfolio/proposals",
    rights.access_proposal,
    param="proposal_id",
)
GROUP = child(
    None,
    "group",
    ProposalGroup,
    "portfolio/groups",
    rights.access_group,
    param="proposal_group_id",
)
POT_YEAR = child(
    None,
    "pot_year",
    PotYear,
    "portfolio/pot",
    rights.access_pot_year,
    param="pot_year_id",
)
SCENARIO = child(
    None,
    "scenario",
    Scenario,
    "portfolio/scenarios",
    rights.access_scenario,
    param="scenario_id",
)


def item(
    resource: Resource, access: CollaborationAccess, object_id: Any, *, for_change: bool = False
) -> Any:
    """The object ``object_id`` of ``resource`` in the collaboration (404 otherwise; 403 when
    ``for_change`` and the role may not change it)."""
    assert resource.param is not None
    return resource.get(access, {resource.param: object_id}, for_change=for_change)


def member_organisation(access: CollaborationAccess, organisation_id: Any) -> Organisation:
    """A member organisation of the collaboration named in the path; 404 otherwise."""
    organisation = Organisation.objects.filter(
        uuid=_parse_uuid(organisation_id), memberships__collaboration=access.collaboration
    ).first()
    if organisation is None:
        raise Http404
    return organisation


def own_operations(router: Router, module: str) -> None:
    """Operation ids from the portfolio's module, not the governance machinery's: the
    OpenAPI document names each operation ``samla_portfolio_api_<name>``."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            operation.view_func.__module__ = module


def kroner(amount: float | Decimal) -> str:
    whole = int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{whole:,}".replace(",", "\u00a0") + " kr"


def hours(amount: float | Decimal) -> str:
    whole = int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{whole:,}".replace(",", "\u00a0")
