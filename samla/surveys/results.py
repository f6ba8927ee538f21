"""Survey results: what the answers of a campaign (or of every campaign of a category) say,
under the anonymity thresholds. Reads only.

How it is counted. Every figure comes from ``Answer``, which carries the product and the
organisation of its response, through one GROUP BY query: the number of rows per (campaign,
question, product, organisation, option, number, "vet ikke"). Products' totals are the sums
of their organisations'. Means and medians of Likert questions come from that distribution,
those of number questions from the counted values (so the median is exact without reading
every answer). A multiple-choice question's n (people who chose at least one option) needs
one more GROUP BY, free text one more for the products allowed to show it. A result costs
the same few queries whatever the number of answers; the pages show a page of products at a
time.

The anonymity rules (``collaboration.survey_min_answers`` = N, ``survey_min_free_text`` = T):

1. A group – a product, or one organisation's use of it – shows its figures for a question
   only when at least N people answered it with something other than "vet ikke" (its n).
   Otherwise it reads "Skjult: færre enn N svar", and its "vet ikke" count is hidden too.
2. A product whose n is below N is hidden as a whole, with every organisation under it.
3. Nothing hidden can be derived by subtraction. When exactly one organisation of a shown
   product is hidden (and it has answers), the product's total minus the others would give
   it away; so the smallest of the shown organisations is hidden as well (ties: the name
   that sorts first). The two hidden groups together hold at least N answers, and a group
   of at least N is what the page may show anyway.
4. Free text is listed per product only when it has at least T text answers, and then
   sorted alphabetically – never in the order given, which could tie a text to someone who
   is known to have answered early or late. Free text is never broken down by organisation.

Fit for the landscape. An accepted result sets ``functional_fit`` and ``technical_fit`` on
the installations evaluated. For one organisation's use of one product: the mean of every
answer (not "vet ikke") to the Likert questions that measure functional fit, and likewise
technical fit, mapped from the questionnaire's 1–5 to the landscape's 1–4 by
``round_half_up(1 + (mean − 1) × 3/4)`` (1 → 1, 2 → 2, 3 → 3 (2.5 rounded up), 4 → 3,
5 → 4; 3.67 → 3). A fit is given only where at least one of its questions has n ≥ N in that
group, so that at least N people stand behind it.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from samla.landscape.models import (
    Installation,
    Product,
    SystemCategory,
    TimeClass,
    time_class_from_fit,
)
from samla.organisations.models import Collaboration, Organisation
from samla.surveys.models import LIKERT_MAX, LIKERT_MIN, Answer, Campaign, Question, Response

TWO_PLACES = Decimal("0.01")
LIKERT_VALUES = tuple(range(LIKERT_MIN, LIKERT_MAX + 1))
# Diverging, colour-blind safe (ColorBrewer RdBu): disagree in red, agree in blue.
LIKERT_COLOURS = ["#b2182b", "#ef8a62", "#bababa", "#67a9cf", "#2166ac"]
FIT_COLOURS = ["#1b7837", "#762a83"]
FIT_MEASURES = (Question.Measures.FUNCTIONAL_FIT, Question.Measures.TECHNICAL_FIT)


def likert_labels() -> list[str]:
    """As on the answer form: the ends named, the steps between by number."""
    return [
        _("1 – Helt uenig"),
        "2",
        "3",
        "4",
        _("5 – Helt enig"),
    ]


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def landscape_fit(mean: Decimal) -> int:
    """A mean on the questionnaire's 1–5 scale as the landscape's fit 1–4."""
    return round_half_up(1 + (mean - 1) * Decimal(3) / Decimal(4))


def hidden_text(threshold: int) -> str:
    return _("Skjult: færre enn %(n)s svar") % {"n": threshold}


# --- Figures of one group ---------------------------------------------------------------------


@dataclass
class Tally:
    """The raw counts of one group for one question, before the thresholds."""

    options: Counter[int] = field(default_factory=Counter)
    numbers: Counter[Decimal] = field(default_factory=Counter)
    dont_know: int = 0
    texts: int = 0
    respondents: int = 0  # multiple choice: people who chose at least one option

    def add(self, other: Tally) -> None:
        self.options.update(other.options)
        self.numbers.update(other.numbers)
        self.dont_know += other.dont_know
        self.texts += other.texts
        self.respondents += other.respondents


def _median(distribution: Iterable[tuple[Decimal, int]], total: int) -> Decimal | None:
    """The median of values given with their counts, sorted by value."""
    if total <= 0:
        return None
    lower_rank, upper_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle pair
    lower = upper = None
    seen = 0
    for value, count in distribution:
        if lower is None and seen + count > lower_rank:
            lower = value
        if seen + count > upper_rank:
            upper = value
            break
        seen += count
    assert lower is not None and upper is not None
    return ((lower + upper) / 2).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _mean(distribution: Iterable[tuple[Decimal, int]], total: int) -> Decimal | None:
    if total <= 0:
        return None
    weighted = sum((value * count for value, count in distribution), Decimal(0))
    return (weighted / total).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class Stats:
    """What one group's answers to one question say, and whether the page may show it."""

    n: int
    dont_know: int = 0
    counts: list[int] = field(default_factory=list)  # per option (Likert 1–5, choices in order)
    mean: Decimal | None = None
    median: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    hidden: bool = False

    @property
    def shares(self) -> list[Decimal | None]:
        """Each option's share of n, in percent (multiple choice: of the people answering)."""
        if not self.n:
            return [None for _count in self.counts]
        return [
            (Decimal(100 * count) / self.n).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            for count in self.counts
        ]

    @property
    def has_answers(self) -> bool:
        return bool(self.n or self.dont_know)

    @property
    def options(self) -> list[tuple[int, Decimal | None]]:
        return list(zip(self.counts, self.shares, strict=True))


def stats_of(question: Question, tally: Tally) -> Stats:
    kind = question.kind
    if kind == Question.Kind.LIKERT:
        counts = [tally.options[value] for value in LIKERT_VALUES]
        n = sum(counts)
        distribution = [(Decimal(v), c) for v, c in zip(LIKERT_VALUES, counts, strict=True)]
        return Stats(
            n=n,
            dont_know=tally.dont_know,
            counts=counts,
            mean=_mean(distribution, n),
            median=_median(distribution, n),
        )
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        counts = [tally.options[position] for position in range(1, len(question.options) + 1)]
        n = sum(counts) if kind == Question.Kind.SINGLE else tally.respondents
        return Stats(n=n, dont_know=tally.dont_know, counts=counts)
    if kind == Question.Kind.NUMBER:
        distribution = sorted(tally.numbers.items())
        n = sum(tally.numbers.values())
        return Stats(
            n=n,
            dont_know=tally.dont_know,
            mean=_mean(distribution, n),
            median=_median(distribution, n),
            minimum=distribution[0][0].normalize() if distribution else None,
            maximum=distribution[-1][0].normalize() if distribution else None,
        )
    return Stats(n=tally.texts, dont_know=tally.dont_know)


def apply_threshold(
    product: Stats, organisations: Sequence[tuple[Organisation, Stats]], threshold: int
) -> None:
    """Rules 1–3 of the module docstring, in place."""
    product.hidden = product.n < threshold
    for _organisation, stats in organisations:
        stats.hidden = product.hidden or stats.n < threshold
    if product.hidden:
        return
    hidden_with_answers = [s for _o, s in organisations if s.hidden and s.has_answers]
    shown = [(s.n, o.name, s) for o, s in organisations if not s.hidden]
    if len(hidden_with_answers) == 1 and shown:
        min(shown, key=lambda item: (item[0], item[1]))[2].hidden = True


# --- Results of a campaign ---------------------------------------------------------------------


@dataclass
class ProductResult:
    """One product's figures for one question, with its organisations'."""

    product: Product
    stats: Stats
    organisations: list[tuple[Organisation, Stats]]
    texts: list[str] | None = None  # free text: the answers when there are enough
    evaluated: bool = True  # False: the campaign does not evaluate this product


@dataclass
class QuestionResult:
    question: Question
    products: list[ProductResult]

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def option_labels(self) -> list[str]:
        if self.question.kind == Question.Kind.LIKERT:
            return likert_labels()
        return self.question.option_labels

    @property
    def has_distribution(self) -> bool:
        return self.question.kind in (
            Question.Kind.LIKERT,
            Question.Kind.SINGLE,
            Question.Kind.MULTIPLE,
        )

    @property
    def has_mean(self) -> bool:
        return self.question.kind in (Question.Kind.LIKERT, Question.Kind.NUMBER)

    @property
    def chart_id(self) -> str:
        return f"chart-{self.question.uuid}"

    @property
    def chart_label(self) -> str:
        return _("Stolpediagram: fordelingen av svarene på «%(question)s» per system") % {
            "question": self.question.display_text
        }

    @property
    def has_organisations(self) -> bool:
        return any(p.organisations for p in self.products)

    def chart(self) -> dict[str, Any] | None:
        """An ECharts-ready description of the distribution per product (shown ones only)."""
        if not self.has_distribution:
            return None
        shown = [p for p in self.products if p.evaluated and not p.stats.hidden]
        if not shown:
            return None
        labels = self.option_labels
        likert = self.question.kind == Question.Kind.LIKERT
        return {
            "kind": "grouped" if self.question.kind == Question.Kind.MULTIPLE else "stacked",
            "unit": "%",
            "max": 100,
            "categories": [p.product.name for p in shown],
            "series": [
                {
                    "name": label,
                    "data": [float(p.stats.shares[index] or 0) for p in shown],
                }
                for index, label in enumerate(labels)
            ],
            "colours": LIKERT_COLOURS if likert else [],
        }


@dataclass(frozen=True)
class FitScore:
    mean: Decimal  # 1–5
    n: int  # the most answers any one of its questions has in the group
    fit: int  # 1–4


@dataclass
class Fit:
    """What an accepted result would set on one organisation's installations of a product."""

    organisation: Organisation | None  # None: the product across organisations
    product: Product
    functional: FitScore | None
    technical: FitScore | None


@dataclass
class CampaignResults:
    campaign: Campaign
    products: list[Product]  # the products shown, in name order
    questions: list[QuestionResult]
    organisations: list[Organisation]
    responses: dict[int, int]  # product id → responses
    responses_by_organisation: dict[tuple[int, int], int]  # (product id, organisation id)
    min_answers: int
    min_free_text: int
    fits: list[Fit]  # per organisation and product, where the threshold holds
    product_fits: dict[int, Fit]  # product id → fit across organisations
    evaluated: set[int] = field(default_factory=set)  # ids of the products it evaluates

    @property
    def total_responses(self) -> int:
        return sum(self.responses.values())

    @property
    def hidden_label(self) -> str:
        return hidden_text(self.min_answers)

    @property
    def text_hidden_label(self) -> str:
        return hidden_text(self.min_free_text)

    def response_rows(self) -> list[tuple[Product, int, list[tuple[Organisation, int]]]]:
        names = {o.pk: o for o in self.organisations}
        rows = []
        for product in self.products:
            by_organisation = sorted(
                (
                    (names[organisation_id], count)
                    for (
                        product_id,
                        organisation_id,
                    ), count in self.responses_by_organisation.items()
                    if product_id == product.pk
                ),
                key=lambda item: item[0].name,
            )
            rows.append((product, self.responses.get(product.pk, 0), by_organisation))
        return rows

    @property
    def fit_chart_id(self) -> str:
        return f"fit-chart-{self.campaign.uuid}"

    @property
    def fit_chart_label(self) -> str:
        return _(
            "Stolpediagram: snitt for funksjonell og teknisk egnethet per system i %(name)s"
        ) % {"name": self.campaign.name}

    def fit_chart(self) -> dict[str, Any] | None:
        """Mean functional and technical fit (1–5) per product, where shown."""
        shown = [p for p in self.products if p.pk in self.product_fits]
        if not shown:
            return None
        series = []
        for label, attribute in (
            (_("Funksjonell egnethet"), "functional"),
            (_("Teknisk egnethet"), "technical"),
        ):
            data: list[float | None] = []
            for product in shown:
                score = getattr(self.product_fits[product.pk], attribute)
                data.append(float(score.mean) if score else None)
            series.append({"name": label, "data": data})
        return {
            "kind": "grouped",
            "unit": "",
            "max": LIKERT_MAX,
            "categories": [p.name for p in shown],
            "series": series,
            "colours": FIT_COLOURS,
        }


def campaign_products(campaign: Campaign) -> QuerySet[Product]:
    return campaign.products.order_by("name", "pk")


def closed_campaigns_q(day: datetime.date) -> Q:
    """Campaigns sent out and closed (early, or past their last day)."""
    return Q(launched_at__isnull=False) & (Q(closed_early_on__isnull=False) | Q(closes_on__lt=day))


def _tallies(
    campaigns: Sequence[Campaign],
    product_ids: list[int],
    multiple_ids: list[int],
) -> dict[tuple[int, int, int, int], Tally]:
    """(campaign, question, product, organisation) → tally, in one or two queries."""
    # The product through the response too: SQLite then narrows by the response index
    # (campaign, product, organisation) instead of reading every answer of the campaign.
    answers = Answer.objects.filter(
        response__campaign_id__in=[c.pk for c in campaigns],
        response__product_id__in=product_ids,
        product_id__in=product_ids,
    )
    tallies: dict[tuple[int, int, int, int], Tally] = defaultdict(Tally)
    rows = (
        answers.values_list(
            "response__campaign_id",
            "question_id",
            "product_id",
            "organisation_id",
            "option",
            "number",
            "dont_know",
        )
        .annotate(count=Count("id"))
        .order_by()
    )
    for (
        campaign_id,
        question_id,
        product_id,
        organisation_id,
        option,
        number,
        dont_know,
        count,
    ) in rows:
        tally = tallies[(campaign_id, question_id, product_id, organisation_id)]
        if dont_know:
            tally.dont_know += count
        elif option is not None:
            tally.options[option] += count
        elif number is not None:
            tally.numbers[number] += count
        else:
            tally.texts += count
    if multiple_ids:
        respondents = (
            answers.filter(question_id__in=multiple_ids, option__isnull=False)
            .values_list("response__campaign_id", "question_id", "product_id", "organisation_id")
            .annotate(people=Count("response_id", distinct=True))
            .order_by()
        )
        for campaign_id, question_id, product_id, organisation_id, people in respondents:
            tallies[(campaign_id, question_id, product_id, organisation_id)].respondents = people
    return tallies


def _texts(
    campaigns: Sequence[Campaign], wanted: set[tuple[int, int, int]]
) -> dict[tuple[int, int, int], list[str]]:
    """The free text of the (campaign, question, product) allowed to show it, sorted."""
    if not wanted:
        return {}
    texts: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    rows = (
        Answer.objects.filter(
            response__campaign_id__in={c for c, _q, _p in wanted},
            response__product_id__in={p for _c, _q, p in wanted},
            question_id__in={q for _c, q, _p in wanted},
            product_id__in={p for _c, _q, p in wanted},
            dont_know=False,
        )
        .exclude(text="")
        .values_list("response__campaign_id", "question_id", "product_id", "text")
    )
    for campaign_id, question_id, product_id, text in rows:
        key = (campaign_id, question_id, product_id)
        if key in wanted:
            texts[key].append(text)
    for answers in texts.values():
        answers.sort(key=lambda text: (text.casefold(), text))
    return dict(texts)


def _fit_score(
    questions: list[Question], tallies: list[Tally | None], threshold: int
) -> FitScore | None:
    """Pooled mean of the answers to ``questions`` in one group, if enough people answered."""
    values: Counter[int] = Counter()
    most = 0
    for tally in tallies:
        if tally is None:
            continue
        n = sum(tally.options[v] for v in LIKERT_VALUES)
        most = max(most, n)
        for value in LIKERT_VALUES:
            values[value] += tally.options[value]
    total = sum(values.values())
    if not questions or most < threshold or not total:
        return None
    mean = _mean(((Decimal(v), c) for v, c in sorted(values.items())), total)
    assert mean is not None
    return FitScore(mean=mean, n=most, fit=landscape_fit(mean))


def results_for_campaigns(
    campaigns: Sequence[Campaign],
    *,
    products: Sequence[Product],
    evaluated: dict[int, set[int]] | None = None,
    with_texts: bool = True,
    collaboration: Collaboration | None = None,
) -> dict[int, CampaignResults]:
    """Results of each campaign for ``products``, in a fixed number of queries.

    ``evaluated`` maps a campaign to the products it evaluates (default: all of them); a
    product it does not evaluate is marked so instead of counted. ``collaboration`` (the
    campaigns') saves a query when the caller has it already.
    """
    if not campaigns:
        return {}
    collaboration = collaboration or campaigns[0].collaboration
    min_answers = collaboration.survey_min_answers
    min_free_text = collaboration.survey_min_free_text
    product_ids = [p.pk for p in products]
    questions = list(
        Question.objects.filter(
            questionnaire_id__in={c.questionnaire_id for c in campaigns}
        ).select_related("section")
    )
    multiple_ids = [q.pk for q in questions if q.kind == Question.Kind.MULTIPLE]
    tallies = _tallies(campaigns, product_ids, multiple_ids) if product_ids else {}
    response_counts = (
        Response.objects.filter(campaign__in=list(campaigns), product_id__in=product_ids)
        .values_list("campaign_id", "product_id", "organisation_id")
        .annotate(count=Count("id"))
        .order_by()
        if product_ids
        else []
    )
    responses: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
    organisation_ids: set[int] = set()
    for campaign_id, product_id, organisation_id, count in response_counts:
        responses[campaign_id][(product_id, organisation_id)] = count
        organisation_ids.add(organisation_id)
    organisation_ids |= {key[3] for key in tallies}
    organisations = (
        {o.pk: o for o in Organisation.objects.filter(pk__in=organisation_ids).order_by("name")}
        if organisation_ids
        else {}
    )
    ordered_organisations = sorted(organisations.values(), key=lambda o: (o.name, o.pk))

    # Which organisations answered about which product in which campaign.
    groups: dict[tuple[int, int], list[Organisation]] = defaultdict(list)
    for campaign_id, counts in responses.items():
        for product_id, organisation_id in counts:
            groups[(campaign_id, product_id)].append(organisations[organisation_id])
    for campaign_id, _question_id, product_id, organisation_id in tallies:
        if organisations[organisation_id] not in groups[(campaign_id, product_id)]:
            groups[(campaign_id, product_id)].append(organisations[organisation_id])
    for members in groups.values():
        members.sort(key=lambda o: (o.name, o.pk))

    result: dict[int, CampaignResults] = {}
    text_wanted: set[tuple[int, int, int]] = set()
    for campaign in campaigns:
        own_questions = [q for q in questions if q.questionnaire_id == campaign.questionnaire_id]
        own_questions.sort(key=lambda q: (q.section.order, q.section.pk, q.order, q.pk))
        evaluates = evaluated.get(campaign.pk, set()) if evaluated is not None else set(product_ids)
        question_results = []
        for question in own_questions:
            rows = []
            for product in products:
                members = groups.get((campaign.pk, product.pk), [])
                organisation_stats = []
                total = Tally()
                for organisation in members:
                    tally = tallies.get((campaign.pk, question.pk, product.pk, organisation.pk))
                    if tally is None:
                        tally = Tally()
                    total.add(tally)
                    organisation_stats.append((organisation, stats_of(question, tally)))
                product_stats = stats_of(question, total)
                apply_threshold(product_stats, organisation_stats, min_answers)
                row = ProductResult(
                    product=product,
                    stats=product_stats,
                    organisations=organisation_stats,
                    evaluated=product.pk in evaluates,
                )
                if question.kind == Question.Kind.TEXT and total.texts >= min_free_text:
                    text_wanted.add((campaign.pk, question.pk, product.pk))
                rows.append(row)
            question_results.append(QuestionResult(question=question, products=rows))
        fits, product_fits = _fits(campaign, own_questions, products, groups, tallies, min_answers)
        counts = responses.get(campaign.pk, {})
        per_product: dict[int, int] = defaultdict(int)
        for (product_id, _organisation_id), count in counts.items():
            per_product[product_id] += count
        result[campaign.pk] = CampaignResults(
            campaign=campaign,
            products=list(products),
            questions=question_results,
            organisations=ordered_organisations,
            responses=dict(per_product),
            responses_by_organisation=dict(counts),
            min_answers=min_answers,
            min_free_text=min_free_text,
            fits=fits,
            product_fits=product_fits,
            evaluated=evaluates,
        )
    if with_texts:
        texts = _texts(campaigns, text_wanted)
        for campaign_results in result.values():
            for question_result in campaign_results.questions:
                if question_result.kind != Question.Kind.TEXT:
                    continue
                for row in question_result.products:
                    key = (
                        campaign_results.campaign.pk,
                        question_result.question.pk,
                        row.product.pk,
                    )
                    if key in text_wanted:
                        row.texts = texts.get(key, [])
    return result


def _fits(
    campaign: Campaign,
    questions: list[Question],
    products: Sequence[Product],
    groups: dict[tuple[int, int], list[Organisation]],
    tallies: dict[tuple[int, int, int, int], Tally],
    threshold: int,
) -> tuple[list[Fit], dict[int, Fit]]:
    by_measure = {
        measure: [q for q in questions if q.kind == Question.Kind.LIKERT and q.measures == measure]
        for measure in FIT_MEASURES
    }
    fits: list[Fit] = []
    product_fits: dict[int, Fit] = {}
    for product in products:
        members = groups.get((campaign.pk, product.pk), [])
        pooled: dict[str, list[Tally]] = {measure: [] for measure in FIT_MEASURES}
        for organisation in members:
            scores = {}
            for measure, measured in by_measure.items():
                group_tallies = [
                    tallies.get((campaign.pk, q.pk, product.pk, organisation.pk)) for q in measured
                ]
                scores[measure] = _fit_score(measured, group_tallies, threshold)
            if any(scores.values()):
                fits.append(
                    Fit(
                        organisation=organisation,
                        product=product,
                        functional=scores[Question.Measures.FUNCTIONAL_FIT],
                        technical=scores[Question.Measures.TECHNICAL_FIT],
                    )
                )
        for measure, measured in by_measure.items():
            for question in measured:
                total = Tally()
                for organisation in members:
                    tally = tallies.get((campaign.pk, question.pk, product.pk, organisation.pk))
                    if tally is not None:
                        total.add(tally)
                pooled[measure].append(total)
        functional = _fit_score(
            by_measure[Question.Measures.FUNCTIONAL_FIT],
            list(pooled[Question.Measures.FUNCTIONAL_FIT]),
            threshold,
        )
        technical = _fit_score(
            by_measure[Question.Measures.TECHNICAL_FIT],
            list(pooled[Question.Measures.TECHNICAL_FIT]),
            threshold,
        )
        if functional or technical:
            product_fits[product.pk] = Fit(None, product, functional, technical)
    return fits, product_fits


def campaign_results(
    campaign: Campaign,
    *,
    products: Sequence[Product] | None = None,
    with_texts: bool = True,
    collaboration: Collaboration | None = None,
) -> CampaignResults:
    """The results of one campaign, for ``products`` (default: every product it evaluates)."""
    if products is None:
        products = list(campaign_products(campaign))
    return results_for_campaigns(
        [campaign], products=products, with_texts=with_texts, collaboration=collaboration
    )[campaign.pk]


# --- Comparison within a category ----------------------------------------------------------------


@dataclass
class CategoryComparison:
    category: SystemCategory
    campaigns: list[Campaign]
    products: list[Product]  # the products shown, in name order
    results: list[CampaignResults]

    def fit_rows(self) -> list[tuple[Product, list[tuple[Campaign, int, Fit | None, bool]]]]:
        """Per product: per campaign (responses, fit across organisations, evaluated?)."""
        return [
            (
                product,
                [
                    (
                        results.campaign,
                        results.responses.get(product.pk, 0),
                        results.product_fits.get(product.pk),
                        product.pk in results.evaluated,
                    )
                    for results in self.results
                ],
            )
            for product in self.products
        ]


def comparison_campaigns(
    collaboration: Collaboration, category: SystemCategory, day: datetime.date
) -> list[Campaign]:
    """The category's campaigns whose results are closed (and maybe accepted), newest first."""
    return list(
        Campaign.objects.filter(collaboration=collaboration, category=category)
        .filter(closed_campaigns_q(day))
        .select_related("collaboration", "questionnaire", "results_accepted_by")
        .order_by("-closes_on", "name")
    )


def comparison_products(campaigns: Sequence[Campaign]) -> list[Product]:
    if not campaigns:
        return []
    return list(
        Product.objects.filter(campaigns__in=list(campaigns)).distinct().order_by("name", "pk")
    )


def category_comparison(
    category: SystemCategory,
    campaigns: Sequence[Campaign],
    products: Sequence[Product],
) -> CategoryComparison:
    """The products of a category side by side across its campaigns (no free text)."""
    evaluated: dict[int, set[int]] = defaultdict(set)
    if campaigns and products:
        for campaign_id, product_id in Campaign.products.through.objects.filter(
            campaign_id__in=[c.pk for c in campaigns], product_id__in=[p.pk for p in products]
        ).values_list("campaign_id", "product_id"):
            evaluated[campaign_id].add(product_id)
    results = results_for_campaigns(
        campaigns,
        products=products,
        evaluated=evaluated,
        with_texts=False,
    )
    return CategoryComparison(
        category=category,
        campaigns=list(campaigns),
        products=list(products),
        results=[results[c.pk] for c in campaigns],
    )


def accepted_campaigns_by_category(
    collaboration: Collaboration, category_ids: Iterable[int]
) -> dict[int, list[Campaign]]:
    """Campaigns with accepted results per category: evidence for the target portfolio."""
    found: dict[int, list[Campaign]] = defaultdict(list)
    for campaign in Campaign.objects.filter(
        collaboration=collaboration,
        category_id__in=list(category_ids),
        results_accepted_at__isnull=False,
    ).order_by("-results_accepted_at", "name"):
        assert campaign.category_id is not None
        found[campaign.category_id].append(campaign)
    return dict(found)


# --- Accepting results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FitChange:
    """An installation and the fit an accepted result gives it (None: left as it is)."""

    installation: Installation
    functional: FitScore | None
    technical: FitScore | None

    @property
    def new_functional_fit(self) -> int | None:
        return self.functional.fit if self.functional else self.installation.functional_fit

    @property
    def new_technical_fit(self) -> int | None:
        return self.technical.fit if self.technical else self.installation.technical_fit

    @property
    def new_time_class(self) -> str | None:
        if self.installation.time_override:
            return self.installation.time_override
        return time_class_from_fit(self.new_functional_fit, self.new_technical_fit)

    def new_time_class_display(self) -> str:
        value = self.new_time_class
        return str(TimeClass(value).label) if value else ""


def accept_plan(campaign: Campaign, outcome: CampaignResults) -> list[FitChange]:
    """The installations an accepted result changes: each organisation's installations of an
    evaluated product, in the campaign's category (or any category when it has none), where
    the threshold gives a fit. In two queries."""
    if not outcome.fits:
        return []
    installations = Installation.objects.filter(
        collaboration_id=campaign.collaboration_id,
        product_id__in=[p.pk for p in outcome.products],
        organisation_id__in={f.organisation.pk for f in outcome.fits if f.organisation},
    ).select_related("organisation", "product", "category")
    if campaign.category_id is not None:
        installations = installations.filter(category_id=campaign.category_id)
    by_use: dict[tuple[int, int], list[Installation]] = defaultdict(list)
    for installation in installations.order_by(
        "organisation__name", "product__name", "category__name"
    ):
        by_use[(installation.organisation_id, installation.product_id)].append(installation)
    changes = []
    for fit in outcome.fits:
        assert fit.organisation is not None
        for installation in by_use.get((fit.organisation.pk, fit.product.pk), []):
            changes.append(FitChange(installation, fit.functional, fit.technical))
    return changes
