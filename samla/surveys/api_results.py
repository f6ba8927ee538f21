"""The API for survey results: a campaign's aggregates, and a category's products compared
across its closed campaigns.

Same permissions and the same anonymity rules as the pages (``samla.surveys.results``):
everyone with a role in the collaboration reads, outsiders get 404; a hidden group has
``hidden: true`` and no figures at all (not even its n), free text is listed only where a
product has enough of it. Raw answers are never given here.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from samla.core.dates import today
from samla.landscape.access import access_category
from samla.organisations.access import CollaborationAccess, access_collaboration
from samla.organisations.api import READ_ERRORS, DecimalString
from samla.organisations.models import User
from samla.surveys import results
from samla.surveys.access import access_campaign

router = Router(tags=["surveys"])

PREFIX = "/collaborations/{slug}"


class ResultRefOut(Schema):
    uuid: UUID
    name: str


class ResultCategoryRefOut(Schema):
    uuid: UUID
    code: str
    name: str


class OptionOut(Schema):
    label: str
    count: int
    share_percent: DecimalString | None


class StatsOut(Schema):
    """A group's figures; all null (and no options) when the group is hidden."""

    hidden: bool
    n: int | None
    dont_know: int | None
    mean: DecimalString | None
    median: DecimalString | None
    minimum: DecimalString | None
    maximum: DecimalString | None
    options: list[OptionOut]


class OrganisationStatsOut(Schema):
    organisation: ResultRefOut
    stats: StatsOut


class ProductAnswersOut(Schema):
    product: ResultRefOut
    evaluated: bool
    stats: StatsOut
    organisations: list[OrganisationStatsOut]
    texts: list[str] | None = None


class QuestionResultOut(Schema):
    uuid: UUID
    section: str
    text: str
    kind: str
    measures: str
    products: list[ProductAnswersOut]


class FitScoreOut(Schema):
    mean: DecimalString
    n: int
    fit: int


class FitOut(Schema):
    organisation: ResultRefOut | None
    product: ResultRefOut
    functional: FitScoreOut | None
    technical: FitScoreOut | None


class ResponsesOut(Schema):
    product: ResultRefOut
    responses: int


class CampaignResultsOut(Schema):
    campaign: ResultRefOut
    status: str
    anonymous: bool
    results_accepted_at: datetime.datetime | None
    min_answers: int
    min_free_text: int
    responses: list[ResponsesOut]
    questions: list[QuestionResultOut]
    fits: list[FitOut]
    product_fits: list[FitOut]


class ComparisonOut(Schema):
    category: ResultCategoryRefOut
    products: list[ResultRefOut]
    campaigns: list[CampaignResultsOut]


def _access(request: HttpRequest, slug: str) -> CollaborationAccess:
    user: User = request.auth  # type: ignore[attr-defined]
    return access_collaboration(user, slug)


def _ref(obj: Any) -> dict[str, Any]:
    return {"uuid": obj.uuid, "name": obj.name}


def _stats(question: results.QuestionResult, stats: results.Stats) -> dict[str, Any]:
    if stats.hidden:
        return {
            "hidden": True,
            "n": None,
            "dont_know": None,
            "mean": None,
            "median": None,
            "minimum": None,
            "maximum": None,
            "options": [],
        }
    labels = question.option_labels if question.has_distribution else []
    return {
        "hidden": False,
        "n": stats.n,
        "dont_know": stats.dont_know,
        "mean": stats.mean,
        "median": stats.median,
        "minimum": stats.minimum,
        "maximum": stats.maximum,
        "options": [
            {"label": label, "count": count, "share_percent": share}
            for label, (count, share) in zip(labels, stats.options, strict=True)
        ],
    }


def _fit(fit: results.Fit) -> dict[str, Any]:
    def score(value: results.FitScore | None) -> dict[str, Any] | None:
        return None if value is None else {"mean": value.mean, "n": value.n, "fit": value.fit}

    return {
        "organisation": _ref(fit.organisation) if fit.organisation else None,
        "product": _ref(fit.product),
        "functional": score(fit.functional),
        "technical": score(fit.technical),
    }


def _campaign_out(outcome: results.CampaignResults) -> dict[str, Any]:
    campaign = outcome.campaign
    return {
        "campaign": _ref(campaign),
        "status": campaign.status_on(today()),
        "anonymous": campaign.anonymous,
        "results_accepted_at": campaign.results_accepted_at,
        "min_answers": outcome.min_answers,
        "min_free_text": outcome.min_free_text,
        "responses": [
            {"product": _ref(p), "responses": outcome.responses.get(p.pk, 0)}
            for p in outcome.products
            if p.pk in outcome.evaluated
        ],
        "questions": [
            {
                "uuid": q.question.uuid,
                "section": q.question.section.display_title,
                "text": q.question.display_text,
                "kind": q.question.kind,
                "measures": q.question.measures,
                "products": [
                    {
                        "product": _ref(row.product),
                        "evaluated": row.evaluated,
                        "stats": _stats(q, row.stats),
                        "organisations": [
                            {"organisation": _ref(organisation), "stats": _stats(q, stats)}
                            for organisation, stats in row.organisations
                        ],
                        "texts": row.texts,
                    }
                    for row in q.products
                ],
            }
            for q in outcome.questions
        ],
        "fits": [_fit(f) for f in outcome.fits],
        "product_fits": [
            _fit(outcome.product_fits[p.pk])
            for p in outcome.products
            if p.pk in outcome.product_fits
        ],
    }


@router.get(
    f"{PREFIX}/campaigns/{{uuid:campaign_id}}/results",
    response={200: CampaignResultsOut, **READ_ERRORS},
)
def campaign_results(request: HttpRequest, slug: str, campaign_id: UUID) -> Any:
    """Every product and question of the campaign, under the anonymity thresholds."""
    access = _access(request, slug)
    campaign = access_campaign(access, campaign_id)
    return _campaign_out(results.campaign_results(campaign, collaboration=access.collaboration))


@router.get(
    f"{PREFIX}/categories/{{uuid:category_id}}/comparison",
    response={200: ComparisonOut, **READ_ERRORS},
)
def category_comparison(request: HttpRequest, slug: str, category_id: UUID) -> Any:
    """The category's products side by side in each closed campaign of the category (no
    free text: read it in each campaign's results)."""
    access = _access(request, slug)
    category = access_category(access, category_id)
    campaigns = results.comparison_campaigns(access.collaboration, category, today())
    products = results.comparison_products(campaigns)
    comparison = results.category_comparison(category, campaigns, products)
    return {
        "category": {"uuid": category.uuid, "code": category.code, "name": category.name},
        "products": [_ref(p) for p in products],
        "campaigns": [_campaign_out(r) for r in comparison.results],
    }
