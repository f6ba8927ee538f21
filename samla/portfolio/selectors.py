"""Reads of the portfolio's proposals and criteria for the pages and exports: the ranked
list with value, cost and value per million kroner, one proposal's transparent score
breakdown, and the AHP matrix kept for the current weights. Each function costs a fixed
number of queries, whatever the number of proposals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from samla.finance import portfolio as engine
from samla.organisations.models import Collaboration, Organisation
from samla.portfolio import services
from samla.portfolio.models import (
    Comparison,
    Criterion,
    Proposal,
    ProposalCost,
    ProposalGroup,
    ProposalStatus,
    Score,
)

MILLION = Decimal(1_000_000)


@dataclass
class Filter:
    status: str = ""
    sponsor: Organisation | None = None
    sort: str = "value"

    @property
    def active(self) -> bool:
        return bool(self.status or self.sponsor)


SORTS = ("value", "cost", "value_per_million", "risk", "start", "title")


@dataclass
class RankedProposal:
    proposal: Proposal
    rank: int = 0
    value: float = 0.0
    scored: int = 0  # criteria with a score
    criteria: int = 0
    cost: Decimal = Decimal(0)
    hours: Decimal = Decimal(0)
    costs_by_year: dict[int, Decimal] = field(default_factory=dict)

    @property
    def missing_scores(self) -> bool:
        return self.scored < self.criteria

    @property
    def value_per_million(self) -> float | None:
        if not self.cost:
            return None
        return self.value / float(self.cost / MILLION)


def criteria(collaboration: Collaboration) -> list[Criterion]:
    return list(Criterion.objects.filter(collaboration=collaboration).order_by("order", "pk"))


def weight_total(items: Sequence[Criterion]) -> Decimal:
    return sum((c.weight for c in items), Decimal(0))


def proposals(collaboration: Collaboration, chosen: Filter | None = None) -> QuerySet[Proposal]:
    queryset = Proposal.objects.filter(collaboration=collaboration).select_related("sponsor")
    if chosen is not None:
        if chosen.status:
            queryset = queryset.filter(status=chosen.status)
        if chosen.sponsor is not None:
            queryset = queryset.filter(sponsor=chosen.sponsor)
    return queryset.order_by("title")


def ranked(collaboration: Collaboration, chosen: Filter | None = None) -> list[RankedProposal]:
    """The proposals with weighted value (Σ weight × score / 5 × 100), total cost and hours,
    ranked by value (equal values share a rank), then sorted as ``chosen.sort`` asks.
    Four queries."""
    chosen = chosen or Filter()
    rows = [RankedProposal(p) for p in proposals(collaboration, chosen)]
    by_pk = {row.proposal.pk: row for row in rows}
    weights = dict(
        Criterion.objects.filter(collaboration=collaboration).order_by().values_list("pk", "weight")
    )
    for proposal_id, criterion_id, score in (
        Score.objects.filter(proposal__collaboration=collaboration)
        .order_by()
        .values_list("proposal_id", "criterion_id", "score")
    ):
        row = by_pk.get(proposal_id)
        if row is not None and criterion_id in weights:
            row.value += float(weights[criterion_id]) * score / 5 * 100
            row.scored += 1
    for proposal_id, year, amount, hours in (
        ProposalCost.objects.filter(proposal__collaboration=collaboration)
        .order_by()
        .values_list("proposal_id", "year", "amount", "hours")
    ):
        row = by_pk.get(proposal_id)
        if row is not None:
            row.cost += amount
            row.hours += hours
            row.costs_by_year[year] = amount
    for row in rows:
        row.value = round(row.value, 4)
        row.criteria = len(weights)
    by_value = sorted(rows, key=lambda r: (-r.value, r.proposal.title))
    previous: float | None = None
    for index, row in enumerate(by_value, start=1):
        row.rank = by_value[index - 2].rank if previous == row.value else index
        previous = row.value
    return sort_rows(by_value, chosen.sort)


def sort_rows(rows: list[RankedProposal], sort: str) -> list[RankedProposal]:
    big = float("inf")
    keys: Mapping[str, Any] = {
        "value": lambda r: (r.rank, r.proposal.title),
        "cost": lambda r: (-r.cost, r.rank),
        "value_per_million": lambda r: (
            -(r.value_per_million if r.value_per_million is not None else -big),
            r.rank,
        ),
        "risk": lambda r: (r.proposal.risk, r.rank),
        "start": lambda r: (r.proposal.earliest_start or 9999, r.rank),
        "title": lambda r: r.proposal.title.lower(),
    }
    return sorted(rows, key=keys.get(sort, keys["value"]))


def status_counts(collaboration: Collaboration) -> list[tuple[str, str, int]]:
    counts = dict(
        Proposal.objects.filter(collaboration=collaboration)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [(value, str(label), counts.get(value, 0)) for value, label in ProposalStatus.choices]


def sponsors(collaboration: Collaboration) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__collaboration=collaboration).order_by("name")


def years_of(rows: Sequence[RankedProposal]) -> list[int]:
    return sorted({year for row in rows for year in row.costs_by_year})


# --- One proposal ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreLine:
    criterion: Criterion
    score: Score | None

    @property
    def contribution(self) -> float | None:
        if self.score is None:
            return None
        return float(self.criterion.weight) * self.score.score / 5 * 100


@dataclass(frozen=True)
class Breakdown:
    lines: list[ScoreLine]
    value: float
    missing: int
    weight_total: Decimal


def breakdown(proposal: Proposal) -> Breakdown:
    """Every criterion with its weight, the proposal's score and rationale, and what it adds
    to the value; criteria without a score are listed and counted."""
    items = criteria(proposal.collaboration)
    scores = {s.criterion_id: s for s in Score.objects.filter(proposal=proposal)}
    lines = [ScoreLine(c, scores.get(c.pk)) for c in items]
    value = sum(line.contribution or 0.0 for line in lines)
    return Breakdown(
        lines, round(value, 4), sum(1 for line in lines if line.score is None), weight_total(items)
    )


def proposal_costs(proposal: Proposal) -> list[ProposalCost]:
    return list(proposal.costs.order_by("year"))


def proposal_groups(proposal: Proposal) -> list[ProposalGroup]:
    return list(proposal.groups.prefetch_related("members").order_by("name"))


def groups(collaboration: Collaboration) -> list[ProposalGroup]:
    return list(
        ProposalGroup.objects.filter(collaboration=collaboration)
        .prefetch_related("members")
        .order_by("name")
    )


def total_cost(costs: Sequence[ProposalCost]) -> dict[str, Decimal]:
    return {
        "amount": sum((c.amount for c in costs), Decimal(0)),
        "hours": sum((c.hours for c in costs), Decimal(0)),
    }


def case_alternatives(proposal: Proposal) -> list[str]:
    """The names of the linked business-case version's alternatives other than the zero one."""
    from samla.cases.models import Alternative

    if proposal.case_version_id is None:
        return []
    return list(
        Alternative.objects.filter(version_id=proposal.case_version_id, is_zero=False)
        .order_by("pk")
        .values_list("name", flat=True)
    )


def scores_of(proposal: Proposal) -> dict[int, Score]:
    return {s.criterion_id: s for s in Score.objects.filter(proposal=proposal)}


# --- AHP ------------------------------------------------------------------------------------


def stored_comparisons(collaboration: Collaboration) -> dict[tuple[int, int], float]:
    return {
        (first, second): value
        for first, second, value in Comparison.objects.filter(
            collaboration=collaboration
        ).values_list("first_id", "second_id", "value")
    }


def stored_matrix(
    items: Sequence[Criterion], stored: Mapping[tuple[int, int], float]
) -> list[list[float]] | None:
    """The full matrix behind the current weights, when they came from AHP (every pair
    stored), else None."""
    n = len(items)
    if n < 2:
        return None
    matrix = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            value = stored.get((items[i].pk, items[j].pk))
            if value is None:
                return None
            matrix[i][j] = value
            matrix[j][i] = 1 / value
    return matrix


def ahp_evaluate(items: Sequence[Criterion], matrix: Sequence[Sequence[float]]) -> engine.AhpResult:
    """The AHP result of ``matrix`` without saving anything; the same refusals (as a
    ValidationError on ``matrix``) as ``services.weights_from_ahp``."""
    if len(items) < 2:
        raise ValidationError({"matrix": [_("AHP trenger minst to kriterier.")]})
    if len(matrix) != len(items) or any(len(row) != len(items) for row in matrix):
        raise ValidationError(
            {
                "matrix": [
                    _("Matrisen må ha én rad og én kolonne per kriterium (%(n)s).")
                    % {"n": len(items)}
                ]
            }
        )
    try:
        return engine.ahp(matrix)
    except engine.PortfolioInputError as exc:
        raise ValidationError({"matrix": [services.ahp_message(exc, items)]}) from exc
