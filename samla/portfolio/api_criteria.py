"""API: the portfolio's criteria and their weights, entered directly or from AHP pairwise
comparisons. Everyone in the collaboration reads; managers change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from samla.api.transactions import atomic
from samla.finance import portfolio as engine
from samla.governance.api_common import Shape, collaboration_access, crud, find, input_schema
from samla.organisations.access import CollaborationAccess
from samla.organisations.api import WRITE_ERRORS
from samla.portfolio import services
from samla.portfolio.api_common import CRITERION
from samla.portfolio.models import Criterion

router = Router()

CRITERION_OUT = Shape(
    "PortfolioCriterionOut", Criterion, ("order", "name", "description", "weight")
)


def _criteria(access: CollaborationAccess) -> list[Criterion]:
    return list(
        Criterion.objects.filter(collaboration=access.collaboration).order_by("order", "pk")
    )


crud(
    router,
    CRITERION,
    CRITERION_OUT,
    listing=lambda access, _parent, _f: _criteria(access),
    may_create=lambda access, _parent: access.require_manager(),
    create=lambda access, _parent, f: services.criterion_create(
        collaboration=access.collaboration, **f
    ),
    create_in=input_schema("PortfolioCriterionIn", Criterion, services.CRITERION_FIELDS),
    update=lambda _a, obj, f: services.criterion_update(criterion=obj, **f),
    update_in=input_schema(
        "PortfolioCriterionPatch", Criterion, services.CRITERION_FIELDS, partial=True
    ),
    delete=lambda _a, obj: services.criterion_delete(criterion=obj),
    text={
        "list": "The criteria in their order, with their weights (together 1 once set).",
        "create": "Add a criterion (weight 0 until the weights are set again).",
        "delete": "Remove a criterion and its scores; the AHP comparisons are forgotten and "
        "the remaining weights must be set again.",
    },
)

# --- Weights entered directly --------------------------------------------------------------------


class PortfolioWeightIn(Schema):
    criterion: UUID = Field(..., description="A Criterion's uuid.")
    weight: Decimal = Field(..., ge=0, le=1, max_digits=7, decimal_places=6)


class PortfolioWeightsIn(Schema):
    weights: list[PortfolioWeightIn] = Field(
        ..., description="One weight per criterion of the collaboration; together exactly 1."
    )


@router.put(
    CRITERION.collection + "/weights",
    response={200: list[CRITERION_OUT.schema], **WRITE_ERRORS},  # type: ignore[name-defined]
)
@atomic
def weights_set(request: HttpRequest, slug: str, payload: PortfolioWeightsIn) -> Any:
    """Set every criterion's weight directly (managers). Weights that do not sum to 1, or a
    criterion left out, answer 422 and nothing is written. Replaces weights from AHP."""
    access = collaboration_access(request, slug)
    access.require_manager()
    weights: dict[Criterion, Decimal] = {}
    for given in payload.weights:
        criterion = find(access, Criterion, given.criterion, "weights")
        if criterion in weights:
            raise ValidationError(
                {"weights": [_("«%(name)s» har fått to vekter.") % {"name": criterion.name}]}
            )
        weights[criterion] = given.weight
    services.weights_set(collaboration=access.collaboration, weights=weights)
    return CRITERION_OUT.dump_all(_criteria(access))


# --- AHP -------------------------------------------------------------------------------------------


class PortfolioComparisonIn(Schema):
    first: UUID = Field(..., description="A Criterion's uuid.")
    second: UUID = Field(..., description="A Criterion's uuid.")
    value: float = Field(
        ...,
        description="How much more important ``first`` is than ``second`` on Saaty's scale: "
        "1 equal, 3 moderately, 5 strongly, 7 very strongly, 9 extremely more important; "
        "1/3 … 1/9 the other way round.",
    )


class PortfolioAhpIn(Schema):
    comparisons: list[PortfolioComparisonIn] = Field(
        ...,
        description="One comparison for each pair of criteria (the upper triangle); a pair "
        "given both ways must be reciprocal.",
    )
    apply: bool = Field(False, description="Save the weights and comparisons (managers).")


class PortfolioAhpWeightOut(Schema):
    criterion: UUID
    name: str
    weight: float


class PortfolioAhpInconsistencyOut(Schema):
    first: UUID
    second: UUID
    first_name: str
    second_name: str
    given: float = Field(..., description="The comparison as entered.")
    implied: float = Field(..., description="What the resulting weights say it should be.")
    factor: float = Field(..., description="How far apart the two are (≥ 1).")


class PortfolioAhpOut(Schema):
    weights: list[PortfolioAhpWeightOut]
    lambda_max: float
    consistency_index: float = Field(..., description="CI = (λmax − n) / (n − 1).")
    random_index: float = Field(..., description="Saaty's random index RI for n criteria.")
    consistency_ratio: float = Field(
        ..., description="CR = CI / RI; above 0.10 the comparisons contradict each other."
    )
    consistent: bool
    inconsistencies: list[PortfolioAhpInconsistencyOut] = Field(
        ..., description="When CR > 0.10: the comparisons furthest from the weights, worst first."
    )
    message: str
    applied: bool


def _matrix(
    access: CollaborationAccess, criteria: list[Criterion], comparisons: list[PortfolioComparisonIn]
) -> list[list[float]]:
    """The full matrix in the criteria's order: the pairs given, their reciprocals where the
    other way round is not given, 1 on the diagonal. Every pair must be compared."""
    position = {criterion.pk: index for index, criterion in enumerate(criteria)}
    n = len(criteria)
    given: dict[tuple[int, int], float] = {}
    for comparison in comparisons:
        first = find(access, Criterion, comparison.first, "comparisons")
        second = find(access, Criterion, comparison.second, "comparisons")
        key = (position[first.pk], position[second.pk])
        if key in given:
            raise ValidationError(
                {
                    "comparisons": [
                        _("«%(a)s» mot «%(b)s» er gitt to ganger.")
                        % {"a": first.name, "b": second.name}
                    ]
                }
            )
        given[key] = comparison.value
    matrix = [[1.0] * n for _row in range(n)]
    for (i, j), value in given.items():
        matrix[i][j] = value
    for i in range(n):
        for j in range(i + 1, n):
            if (i, j) in given and (j, i) not in given:
                matrix[j][i] = 1 / given[(i, j)] if given[(i, j)] else 0.0
            elif (j, i) in given and (i, j) not in given:
                matrix[i][j] = 1 / given[(j, i)] if given[(j, i)] else 0.0
            elif (i, j) not in given:
                raise ValidationError(
                    {
                        "comparisons": [
                            _("Sammenlign «%(a)s» med «%(b)s».")
                            % {"a": criteria[i].name, "b": criteria[j].name}
                        ]
                    }
                )
    return matrix


@router.post(CRITERION.collection + "/ahp", response={200: PortfolioAhpOut, **WRITE_ERRORS})
@atomic
def ahp(request: HttpRequest, slug: str, payload: PortfolioAhpIn) -> Any:
    """Weights from pairwise comparisons (managers): the principal eigenvector of the
    comparison matrix, with the consistency ratio CR = CI / RI (Saaty's random index). Above
    0.10 the answer says so and names the comparisons to look at again. With ``apply`` the
    weights and comparisons are saved (also when inconsistent); a matrix that is not
    reciprocal, leaves Saaty's scale or misses a pair answers 422 and nothing is written."""
    access = collaboration_access(request, slug)
    access.require_manager()
    criteria = _criteria(access)
    if len(criteria) < 2:
        raise ValidationError({"comparisons": [_("AHP trenger minst to kriterier.")]})
    matrix = _matrix(access, criteria, payload.comparisons)
    try:
        result = engine.ahp(matrix)
    except engine.PortfolioInputError as exc:
        raise ValidationError({"comparisons": [services.ahp_message(exc, criteria)]}) from exc
    if payload.apply:
        services.weights_from_ahp(collaboration=access.collaboration, matrix=matrix)
    if result.consistent:
        message = _("Sammenligningene er konsistente (CR = %(cr)s).")
    else:
        message = _(
            "Sammenligningene motsier hverandre (CR = %(cr)s, over 0,10). Se på de sammenligningene "
            "som er nevnt, igjen."
        )
    return {
        "weights": [
            {"criterion": c.uuid, "name": c.name, "weight": w}
            for c, w in zip(criteria, result.weights, strict=True)
        ],
        "lambda_max": result.lambda_max,
        "consistency_index": result.consistency_index,
        "random_index": result.random_index,
        "consistency_ratio": result.consistency_ratio,
        "consistent": result.consistent,
        "inconsistencies": [
            {
                "first": criteria[x.row].uuid,
                "second": criteria[x.column].uuid,
                "first_name": criteria[x.row].name,
                "second_name": criteria[x.column].name,
                "given": x.given,
                "implied": x.implied,
                "factor": x.factor,
            }
            for x in result.inconsistencies
        ],
        "message": message % {"cr": f"{result.consistency_ratio:.3f}".replace(".", ",")},
        "applied": payload.apply,
    }
