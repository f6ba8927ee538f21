"""API: the shared investment pot, one item per year, with each member's contribution
(entered, or computed with a cost-sharing key) and the capacity in hours. Everyone in the
collaboration reads; managers change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Sum
from django.http import HttpRequest
from ninja import Field, Router, Schema

from samla.api.transactions import atomic
from samla.core.locking import check_version
from samla.governance.api_common import Shape, collaboration_access, crud, find, input_schema
from samla.organisations.api import WRITE_ERRORS, DecimalString
from samla.organisations.models import CostSharingKey
from samla.portfolio import services
from samla.portfolio.api_common import POT_YEAR, item, member_organisation
from samla.portfolio.models import Contribution, PotYear

router = Router()


class PortfolioContributionOut(Schema):
    organisation: UUID
    organisation_name: str
    amount: DecimalString
    version: int


def _contributions(pot_year: PotYear) -> list[dict[str, Any]]:
    return [
        {
            "organisation": c.organisation.uuid,
            "organisation_name": c.organisation.name,
            "amount": c.amount,
            "version": c.version,
        }
        for c in Contribution.objects.filter(pot_year=pot_year)
        .select_related("organisation")
        .order_by("organisation__name")
    ]


POT_YEAR_OUT = Shape(
    "PortfolioPotYearOut",
    PotYear,
    services.POT_FIELDS,
    extras={
        "total": (
            DecimalString,
            # to the øre, as stored: databases give a sum's scale differently
            lambda pot: (
                pot.contributions.aggregate(total=Sum("amount"))["total"] or Decimal(0)
            ).quantize(Decimal("0.01")),
        ),
        "contributions": (list[PortfolioContributionOut], _contributions),
    },
)

crud(
    router,
    POT_YEAR,
    POT_YEAR_OUT,
    listing=lambda access, _parent, _f: PotYear.objects.filter(
        collaboration=access.collaboration
    ).order_by("year"),
    may_create=lambda access, _parent: access.require_manager(),
    create=lambda access, _parent, f: services.pot_year_create(
        collaboration=access.collaboration, **f
    ),
    create_in=input_schema("PortfolioPotYearIn", PotYear, services.POT_FIELDS),
    update=lambda _a, obj, f: services.pot_year_update(pot_year=obj, **f),
    update_in=input_schema("PortfolioPotYearPatch", PotYear, services.POT_FIELDS, partial=True),
    delete=lambda _a, obj: services.pot_year_delete(pot_year=obj),
    text={
        "list": "The pot's years: the members' contributions, their total (the year's budget) "
        "and the capacity in hours.",
        "create": "Add a year to the pot (one per year).",
        "delete": "Remove the year and its contributions.",
    },
)


class PortfolioContributionIn(Schema):
    amount: Decimal = Field(..., ge=0, max_digits=16, decimal_places=2, description="Kroner.")
    version: int | None = Field(
        None, ge=1, description="The contribution's version you edited: 409 if it changed since."
    )


@router.put(
    POT_YEAR.path + "/contributions/{uuid:organisation_id}",
    response={200: POT_YEAR_OUT.schema, **WRITE_ERRORS},
)
@atomic
def contribution_set(
    request: HttpRequest,
    slug: str,
    pot_year_id: UUID,
    organisation_id: UUID,
    payload: PortfolioContributionIn,
) -> Any:
    """Enter a member's contribution to the year (managers). An organisation that is not a
    member answers 404."""
    access = collaboration_access(request, slug)
    pot_year = item(POT_YEAR, access, pot_year_id, for_change=True)
    organisation = member_organisation(access, organisation_id)
    existing = Contribution.objects.filter(pot_year=pot_year, organisation=organisation).first()
    if existing is not None:
        check_version(existing, payload.version)
    services.contribution_set(pot_year=pot_year, organisation=organisation, amount=payload.amount)
    return POT_YEAR_OUT.dump(item(POT_YEAR, access, pot_year_id))


class PortfolioContributionsComputeIn(Schema):
    total: Decimal = Field(
        ..., ge=0, max_digits=16, decimal_places=2, description="The year's pot in kroner."
    )
    key: UUID | None = Field(
        None, description="A CostSharingKey's uuid; without it, by population."
    )


@router.post(
    POT_YEAR.path + "/contributions/compute", response={200: POT_YEAR_OUT.schema, **WRITE_ERRORS}
)
@atomic
def contributions_compute(
    request: HttpRequest, slug: str, pot_year_id: UUID, payload: PortfolioContributionsComputeIn
) -> Any:
    """Replace the year's contributions with every member's share of ``total`` by the
    cost-sharing key (managers); the shares add up to the total to the øre."""
    access = collaboration_access(request, slug)
    pot_year = item(POT_YEAR, access, pot_year_id, for_change=True)
    key = find(access, CostSharingKey, payload.key, "key") if payload.key else None
    services.contributions_compute(pot_year=pot_year, total=payload.total, key=key)
    return POT_YEAR_OUT.dump(item(POT_YEAR, access, pot_year_id))
