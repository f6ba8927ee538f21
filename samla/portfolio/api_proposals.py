"""API: proposals (with their value, costs per year, scores, dependencies and status) and
groups of proposals (mutual exclusion or inclusion).

Who may: everyone in the collaboration reads. Managers change everything. An editor submits
proposals for their own organisation and changes them (fields, costs, what they require)
while they are «innmeldt»; the status, the scores (the assessment) and starting a project
are the managers'.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from samla.api.transactions import atomic
from samla.governance.api_common import (
    Shape,
    collaboration_access,
    crud,
    find,
    find_all,
    input_schema,
)
from samla.governance.models import PhaseModel
from samla.organisations.access import CollaborationAccess
from samla.organisations.api import READ_ERRORS, WRITE_ERRORS, DecimalString
from samla.organisations.models import Role, User
from samla.portfolio import access as rights
from samla.portfolio import services
from samla.portfolio.api_common import CRITERION, GROUP, PROPOSAL, item
from samla.portfolio.models import (
    Criterion,
    Proposal,
    ProposalCost,
    ProposalGroup,
    Score,
)

router = Router()

StatusValue = Literal[
    "submitted", "assessed", "recommended", "approved", "rejected", "parked", "started"
]
NextStatus = Literal["submitted", "assessed", "recommended", "approved", "rejected", "parked"]


class PortfolioCostOut(Schema):
    year: int
    amount: DecimalString
    hours: DecimalString
    version: int


class PortfolioScoreOut(Schema):
    criterion: UUID
    criterion_name: str
    weight: DecimalString
    score: int | None = Field(..., description="0–5; null when not scored (counts as 0).")
    rationale: str
    contribution: float = Field(
        ..., description="weight × score / 5 × 100: this criterion's share of the value."
    )
    version: int | None


def _breakdown(proposal: Proposal) -> list[dict[str, Any]]:
    """Every criterion with the proposal's score and what it adds to the value (0–100)."""
    cached = getattr(proposal, "_api_breakdown", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    scores = {s.criterion_id: s for s in Score.objects.filter(proposal=proposal)}
    rows = []
    for criterion in Criterion.objects.filter(collaboration_id=proposal.collaboration_id).order_by(
        "order", "pk"
    ):
        score = scores.get(criterion.pk)
        points = score.score if score is not None else 0
        rows.append(
            {
                "criterion": criterion.uuid,
                "criterion_name": criterion.name,
                "weight": criterion.weight,
                "score": score.score if score is not None else None,
                "rationale": score.rationale if score is not None else "",
                "contribution": round(float(criterion.weight) * points / 5 * 100, 4),
                "version": score.version if score is not None else None,
            }
        )
    proposal._api_breakdown = rows  # type: ignore[attr-defined]
    return rows


def _costs(proposal: Proposal) -> list[ProposalCost]:
    return list(ProposalCost.objects.filter(proposal=proposal).order_by("year"))


PROPOSAL_OUT = Shape(
    "PortfolioProposalOut",
    Proposal,
    (*services.PROPOSAL_FIELDS, "status", "requires", "project", "created_at"),
    extras={
        "value": (float, lambda p: round(sum(row["contribution"] for row in _breakdown(p)), 4)),
        "total_cost": (DecimalString, lambda p: sum((c.amount for c in _costs(p)), Decimal(0))),
        "costs": (list[PortfolioCostOut], _costs),
        "scores": (list[PortfolioScoreOut], _breakdown),
        "groups": (list[UUID], lambda p: list(p.groups.values_list("uuid", flat=True))),
        "required_by": (list[UUID], lambda p: list(p.required_by.values_list("uuid", flat=True))),
    },
)


class PortfolioProposalSummaryOut(Schema):
    uuid: UUID
    code: str
    title: str
    sponsor: UUID
    sponsor_name: str
    status: str
    risk: int
    earliest_start: int | None
    value: float = Field(..., description="Σ weight × score / 5 × 100 over the criteria (0–100).")
    total_cost: DecimalString = Field(..., description="The sum of the costs of every year.")
    total_hours: DecimalString
    version: int


@router.get(PROPOSAL.collection, response={200: list[PortfolioProposalSummaryOut], **READ_ERRORS})
def proposal_list(request: HttpRequest, slug: str, status: StatusValue | None = None) -> Any:
    """The proposals ranked by value (highest first), with their total cost; ``?status=``."""
    access = collaboration_access(request, slug)
    proposals = Proposal.objects.filter(collaboration=access.collaboration).select_related(
        "sponsor"
    )
    if status:
        proposals = proposals.filter(status=status)
    proposals = proposals.prefetch_related(
        Prefetch("costs", queryset=ProposalCost.objects.order_by("year"))
    )
    values = services.proposal_values(access.collaboration)
    rows: list[dict[str, Any]] = [
        {
            "uuid": p.uuid,
            "code": p.code,
            "title": p.title,
            "sponsor": p.sponsor.uuid,
            "sponsor_name": p.sponsor.name,
            "status": p.status,
            "risk": p.risk,
            "earliest_start": p.earliest_start,
            "value": values.get(p.pk, 0.0),
            "total_cost": sum((c.amount for c in p.costs.all()), Decimal(0)),
            "total_hours": sum((c.hours for c in p.costs.all()), Decimal(0)),
            "version": p.version,
        }
        for p in proposals
    ]
    rows.sort(key=lambda row: (-row["value"], row["title"]))
    return rows


def _may_submit_at_all(access: CollaborationAccess, _parent: Any) -> None:
    if not (
        access.is_manager
        or (access.role.kind == Role.Kind.EDITOR and access.editable_organisation_id)
    ):
        raise PermissionDenied(_("Bare programkontoret og redaktører kan melde inn forslag."))


def _sponsor_allowed(access: CollaborationAccess, fields: dict[str, Any]) -> None:
    sponsor = fields.get("sponsor")
    if sponsor is not None and not rights.may_submit_for(access, sponsor):
        raise PermissionDenied(
            _("En redaktør kan bare melde inn forslag for sin egen organisasjon.")
        )


def _create(access: CollaborationAccess, _parent: Any, fields: dict[str, Any]) -> Proposal:
    _sponsor_allowed(access, fields)
    return services.proposal_create(collaboration=access.collaboration, **fields)


def _update(access: CollaborationAccess, proposal: Proposal, fields: dict[str, Any]) -> Proposal:
    _sponsor_allowed(access, fields)
    return services.proposal_update(proposal=proposal, **fields)


crud(
    router,
    PROPOSAL,
    PROPOSAL_OUT,
    may_create=_may_submit_at_all,
    create=_create,
    create_in=input_schema("PortfolioProposalIn", Proposal, services.PROPOSAL_FIELDS),
    update=_update,
    update_in=input_schema(
        "PortfolioProposalPatch", Proposal, services.PROPOSAL_FIELDS, partial=True
    ),
    delete=lambda _a, obj: services.proposal_delete(proposal=obj),
    text={
        "create": "Submit a proposal (status «innmeldt»): managers for any member, an editor "
        "for their own organisation (``sponsor``).",
        "detail": "The proposal with its value (0–100) and the score behind it per criterion, "
        "its costs per year, what it requires and is required by, and its groups.",
        "update": "Only the fields given are changed: managers, and the sponsor's editor while "
        "the proposal is «innmeldt». A proposal started as a project answers 422.",
        "delete": "A proposal others require, or one started as a project, answers 422.",
    },
)


def _detail(access: CollaborationAccess, proposal_id: UUID) -> dict[str, Any]:
    return PROPOSAL_OUT.dump(item(PROPOSAL, access, proposal_id))


# --- Status ---------------------------------------------------------------------------------------


class PortfolioStatusIn(Schema):
    status: NextStatus = Field(
        ...,
        description="submitted → assessed → recommended → approved; rejected or parked from "
        "any open status; parked → submitted or assessed. «started» only by start-project.",
    )


@router.post(PROPOSAL.path + "/status", response={200: PROPOSAL_OUT.schema, **WRITE_ERRORS})
@atomic
def proposal_status(
    request: HttpRequest, slug: str, proposal_id: UUID, payload: PortfolioStatusIn
) -> Any:
    """Move the proposal along its flow (managers); a step the flow does not allow answers 422."""
    access = collaboration_access(request, slug)
    proposal = item(PROPOSAL, access, proposal_id)
    access.require_manager()
    services.proposal_set_status(proposal=proposal, status=payload.status)
    return _detail(access, proposal_id)


# --- Requires -------------------------------------------------------------------------------------


class PortfolioRequiresIn(Schema):
    requires: list[UUID] = Field(..., description="The uuids of the proposals this one requires.")


@router.put(PROPOSAL.path + "/requires", response={200: PROPOSAL_OUT.schema, **WRITE_ERRORS})
@atomic
def proposal_requires(
    request: HttpRequest, slug: str, proposal_id: UUID, payload: PortfolioRequiresIn
) -> Any:
    """Replace what the proposal requires. A dependency cycle answers 422 naming it."""
    access = collaboration_access(request, slug)
    proposal = item(PROPOSAL, access, proposal_id, for_change=True)
    others = find_all(access, Proposal, payload.requires, "requires")
    services.proposal_set_requires(proposal=proposal, requires=others)
    return _detail(access, proposal_id)


# --- Costs per year -------------------------------------------------------------------------------


class PortfolioCostIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    amount: Decimal = Field(..., ge=0, max_digits=14, decimal_places=0, description="Kroner.")
    hours: Decimal = Field(Decimal(0), ge=0, max_digits=10, decimal_places=0)


class PortfolioCostsIn(Schema):
    costs: list[PortfolioCostIn] = Field(
        ..., description="Every year the proposal needs money or hours; years left out are removed."
    )


@router.put(PROPOSAL.path + "/costs", response={200: list[PortfolioCostOut], **WRITE_ERRORS})
@atomic
def proposal_costs(
    request: HttpRequest, slug: str, proposal_id: UUID, payload: PortfolioCostsIn
) -> Any:
    """Replace the proposal's cost and hours per year (managers, and the sponsor's editor
    while it is «innmeldt»). A year given twice answers 422 and nothing is written."""
    access = collaboration_access(request, slug)
    proposal = item(PROPOSAL, access, proposal_id, for_change=True)
    years = [cost.year for cost in payload.costs]
    twice = sorted({year for year in years if years.count(year) > 1})
    if twice:
        raise ValidationError(
            {"costs": [_("Året %(year)s står mer enn én gang.") % {"year": twice[0]}]}
        )
    for cost in ProposalCost.objects.filter(proposal=proposal).exclude(year__in=years):
        services.proposal_cost_delete(cost=cost)
    for given in payload.costs:
        services.proposal_cost_set(
            proposal=proposal, year=given.year, amount=given.amount, hours=given.hours
        )
    return _costs(proposal)


# --- Scores ---------------------------------------------------------------------------------------


class PortfolioScoreIn(Schema):
    score: int = Field(
        ..., ge=0, le=5, description="0 (nothing) … 5 (very much) on this criterion."
    )
    rationale: str = Field("", description="Why this score: makes the value traceable.")


@router.put(
    PROPOSAL.path + "/scores/{uuid:criterion_id}", response={200: PortfolioScoreOut, **WRITE_ERRORS}
)
@atomic
def proposal_score(
    request: HttpRequest,
    slug: str,
    proposal_id: UUID,
    criterion_id: UUID,
    payload: PortfolioScoreIn,
) -> Any:
    """Score the proposal on one criterion (managers: scoring is the assessment)."""
    access = collaboration_access(request, slug)
    proposal = item(PROPOSAL, access, proposal_id)
    criterion = item(CRITERION, access, criterion_id)
    access.require_manager()
    services.score_set(
        proposal=proposal, criterion=criterion, score=payload.score, rationale=payload.rationale
    )
    return next(row for row in _breakdown(proposal) if row["criterion"] == criterion.uuid)


# --- Start as a project ---------------------------------------------------------------------------


class PortfolioStartProjectIn(Schema):
    start: datetime.date
    end: datetime.date | None = None
    phase_model: UUID | None = Field(
        None, description="A PhaseModel's uuid: the project is made from it."
    )
    leader: UUID | None = Field(None, description="A User's uuid.")


@router.post(PROPOSAL.path + "/start-project", response={200: PROPOSAL_OUT.schema, **WRITE_ERRORS})
@atomic
def proposal_start_project(
    request: HttpRequest, slug: str, proposal_id: UUID, payload: PortfolioStartProjectIn
) -> Any:
    """Start an approved proposal as a project (managers); the answer's ``project`` names it.
    Any other status answers 422."""
    access = collaboration_access(request, slug)
    proposal = item(PROPOSAL, access, proposal_id)
    access.require_manager()
    phase_model = (
        find(access, PhaseModel, payload.phase_model, "phase_model")
        if payload.phase_model
        else None
    )
    leader = find(access, User, payload.leader, "leader") if payload.leader else None
    services.proposal_start_project(
        proposal=proposal,
        phase_model=phase_model,
        leader=leader,
        start=payload.start,
        end=payload.end,
    )
    return _detail(access, proposal_id)


# --- Groups ---------------------------------------------------------------------------------------

GROUP_OUT = Shape("PortfolioGroupOut", ProposalGroup, ("kind", "name", "members"))


def _group_update(
    _access: CollaborationAccess, group: ProposalGroup, fields: dict[str, Any]
) -> ProposalGroup:
    return services.group_update(
        group=group, name=fields.get("name"), members=fields.get("members")
    )


crud(
    router,
    GROUP,
    GROUP_OUT,
    listing=lambda access, _parent, _f: (
        ProposalGroup.objects.filter(collaboration=access.collaboration)
        .prefetch_related("members")
        .order_by("name")
    ),
    may_create=lambda access, _parent: access.require_manager(),
    create=lambda access, _parent, f: services.group_create(
        collaboration=access.collaboration, **f
    ),
    create_in=input_schema(
        "PortfolioGroupIn", ProposalGroup, ("kind", "name", "members"), required=["members"]
    ),
    update=_group_update,
    update_in=input_schema("PortfolioGroupPatch", ProposalGroup, ("name", "members"), partial=True),
    delete=lambda _a, obj: services.group_delete(group=obj),
    text={
        "create": "A group of at least two proposals: ``exclusion`` (at most one of them is "
        "chosen) or ``inclusion`` (all or none).",
        "update": "Change the name or the members (the kind stays).",
    },
)
