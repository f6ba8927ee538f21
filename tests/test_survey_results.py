"""Survey results: the aggregates and their anonymity rules, the pages and who may open
them, the downloads, accepting results into the landscape, and the queries they cost.

The survey in "alfa" (threshold 5 answers, free text 6) evaluates three sak/arkiv systems:
  Public 360  used by A; 6 answers from A                  → shown
  WebSak      used by B; 3 answers from B                  → hidden as a whole
  Elements    used by A and B; 7 from A, 2 from B          → total shown; B hidden, and so
                                                             A too (else 9 − 7 gives B away)
Answers go in through ``services.response_submit`` while the campaign is open; then it closes.
"""

from __future__ import annotations

import csv
import datetime
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World
from samla.core import dates
from samla.landscape import services as landscape_services
from samla.landscape.models import Installation, Product, SystemCategory
from samla.surveys import results, services
from samla.surveys.models import Campaign, Question, Questionnaire, UserGroup
from samla.surveys.results import Stats, Tally

PERSONAS = ["admin", "office", "editor_a", "editor_b", "viewer", "outsider"]
EVERYONE_IN_ALFA = {"admin", "office", "editor_a", "editor_b", "viewer"}
MANAGERS = {"admin", "office"}
HIDDEN = "Skjult: færre enn 5 svar"
NBSP = "\xa0"

# One response: the Likert value for every Likert question, the number, the free text.
Given = tuple[int | str, int | None, str]


@dataclass
class Survey:
    world: World
    category: SystemCategory
    p360: Product
    websak: Product
    elements: Product
    questionnaire: Questionnaire
    campaign: Campaign
    groups: dict[tuple[str, str], UserGroup]
    installations: dict[tuple[str, str], Installation]

    def question(self, text_start: str) -> Question:
        return self.questionnaire.questions.get(text__startswith=text_start)


def submit(campaign: Campaign, group: UserGroup, given: Given) -> None:
    likert, number, text = given
    answers: dict[Question, Any] = {}
    for question in campaign.questionnaire.questions.all():
        if question.kind == Question.Kind.LIKERT:
            answers[question] = services.DONT_KNOW if likert == "dont_know" else likert
        elif question.kind == Question.Kind.SINGLE:
            answers[question] = 1
        elif question.kind == Question.Kind.MULTIPLE:
            answers[question] = [1, 3]
        elif question.kind == Question.Kind.NUMBER:
            answers[question] = None if number is None else Decimal(number)
        elif question.text.startswith("Hva er systemets sterkeste"):
            answers[question] = text
    services.response_submit(
        link=services.Link(campaign, group, None), answers=answers, submission_key=uuid.uuid4().hex
    )


A_P360: list[Given] = [
    (5, 2, "Bra søk"),
    (4, 4, "=SUM(A1)"),
    (4, 6, "arkivet er ryddig"),
    (3, 10, "Raskt"),
    (5, 0, "Enkelt"),
    ("dont_know", 3, "Bra søk"),
    (2, None, ""),
]  # 6 Likert answers: 5, 4, 4, 3, 5, 2 → mean 23/6 = 3.83, median 4; one "vet ikke"
B_WEBSAK: list[Given] = [(2, 1, "Tregt"), (1, 2, "Tungvint"), (2, 3, "Gammelt")]
A_ELEMENTS: list[Given] = [(4, 1, "")] * 4 + [(3, 2, "")] * 3
B_ELEMENTS: list[Given] = [(1, 5, ""), (2, 5, "")]


def build_survey(world: World, *, close: bool = True, anonymous: bool = True) -> Survey:
    alfa = world.alfa
    alfa.survey_min_free_text = 6
    alfa.save(update_fields=["survey_min_free_text"])
    category = SystemCategory.objects.get(collaboration=alfa, code="ADM-SAK")
    vendor = landscape_services.vendor_save(collaboration=alfa, name="Tieto")
    p360 = landscape_services.product_save(collaboration=alfa, name="Public 360", vendor=vendor)
    websak = landscape_services.product_save(collaboration=alfa, name="WebSak", vendor=vendor)
    elements = landscape_services.product_save(collaboration=alfa, name="Elements", vendor=vendor)
    installations = {}
    for org_name, organisation, product in [
        ("A", world.org_a, p360),
        ("B", world.org_b, websak),
        ("A", world.org_a, elements),
        ("B", world.org_b, elements),
    ]:
        installations[(org_name, product.name)] = landscape_services.installation_save(
            collaboration=alfa,
            organisation=organisation,
            category=category,
            product=product,
            functional_fit=1,
            technical_fit=1,
        )
    questionnaire = services.questionnaire_create_from_template(collaboration=alfa)
    today = dates.today()
    campaign = services.campaign_create(
        collaboration=alfa,
        products=[p360, websak, elements],
        name="Sak/arkiv 2026",
        questionnaire=questionnaire,
        category=category,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=10),
        anonymous=anonymous,
    )
    groups = {}
    for org_name, organisation, product in [
        ("A", world.org_a, p360),
        ("B", world.org_b, websak),
        ("A", world.org_a, elements),
        ("B", world.org_b, elements),
    ]:
        groups[(org_name, product.name)] = services.user_group_create(
            campaign=campaign,
            organisation=organisation,
            product=product,
            name=f"Saksbehandlere {org_name}",
            size=20,
            open_link=True,
        )
    services.campaign_launch(campaign=campaign, base_url="https://samla.test")
    campaign.refresh_from_db()
    for key, answers in [
        (("A", "Public 360"), A_P360),
        (("B", "WebSak"), B_WEBSAK),
        (("A", "Elements"), A_ELEMENTS),
        (("B", "Elements"), B_ELEMENTS),
    ]:
        for given in answers:
            submit(campaign, groups[key], given)
    if close:
        services.campaign_close(campaign=campaign)
        campaign.refresh_from_db()
    return Survey(
        world, category, p360, websak, elements, questionnaire, campaign, groups, installations
    )


@pytest.fixture
def survey(world: World) -> Survey:
    return build_survey(world)


def url(name: str, survey: Survey, **kwargs: Any) -> str:
    return reverse(
        f"surveys:{name}", kwargs={"slug": "alfa", "campaign_id": survey.campaign.uuid, **kwargs}
    )


def comparison_url(survey: Survey) -> str:
    return reverse(
        "surveys:category_comparison", kwargs={"slug": "alfa", "category_id": survey.category.uuid}
    )


def row_of(question_result: results.QuestionResult, product: Product) -> results.ProductResult:
    return next(r for r in question_result.products if r.product.pk == product.pk)


def question_result(outcome: results.CampaignResults, text_start: str) -> results.QuestionResult:
    return next(q for q in outcome.questions if q.question.text.startswith(text_start))


# --- Pure figures -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mean", "fit"),
    [
        ("1", 1),
        ("1.5", 1),  # 1.375
        ("2", 2),  # 1.75
        ("3", 3),  # 2.5, half up
        ("3.66", 3),  # 2.995
        ("3.67", 3),  # 3.0025
        ("4", 3),  # 3.25
        ("4.33", 3),  # 3.4975
        ("4.34", 4),  # 3.505
        ("5", 4),
    ],
)
def test_fit_mapping_from_1_5_to_1_4(mean: str, fit: int) -> None:
    assert results.landscape_fit(Decimal(mean)) == fit


@pytest.mark.parametrize(
    ("counts", "median"),
    [
        ({1: 1}, "1.00"),
        ({1: 1, 2: 1}, "1.50"),
        ({1: 2, 5: 1}, "1.00"),
        ({2: 1, 3: 1, 4: 1, 5: 1}, "3.50"),
        ({3: 5, 4: 5}, "3.50"),
        ({3: 5, 4: 6}, "4.00"),
    ],
)
def test_median_from_the_distribution(counts: dict[int, int], median: str) -> None:
    question = Question(kind=Question.Kind.LIKERT)
    tally = Tally()
    tally.options.update(counts)
    stats = results.stats_of(question, tally)
    assert stats.median == Decimal(median)
    values = sorted(v for v, c in counts.items() for _ in range(c))
    assert stats.mean == (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"))


def test_number_question_figures_come_from_the_values() -> None:
    question = Question(kind=Question.Kind.NUMBER)
    tally = Tally()
    tally.numbers.update({Decimal("0.5"): 1, Decimal(2): 2, Decimal(10): 1})
    stats = results.stats_of(question, tally)
    assert (stats.n, stats.mean, stats.median) == (4, Decimal("3.63"), Decimal("2.00"))
    assert (stats.minimum, stats.maximum) == (Decimal("0.5"), Decimal(10))


def _organisations(*ns: int) -> list[tuple[Any, Stats]]:
    @dataclass
    class Org:
        name: str

    return [(Org(f"Org {i}"), Stats(n=n)) for i, n in enumerate(ns)]


@pytest.mark.parametrize(
    ("ns", "hidden"),
    [
        ((6, 7), [False, False]),
        ((6, 2), [True, True]),  # one hidden: the other is hidden too
        ((6, 2, 9), [True, True, False]),  # the smallest shown one goes with it
        ((9, 2, 6), [False, True, True]),
        ((2, 3, 9), [True, True, False]),  # two hidden: nothing more to hide
        ((6, 0, 9), [False, True, False]),  # hidden without answers gives nothing away
        ((3,), [True]),  # product total below the threshold
    ],
)
def test_threshold_and_subtraction_rule(ns: tuple[int, ...], hidden: list[bool]) -> None:
    organisations = _organisations(*ns)
    product = Stats(n=sum(ns))
    results.apply_threshold(product, organisations, 5)
    assert [s.hidden for _o, s in organisations] == hidden
    assert product.hidden == (sum(ns) < 5)


# --- Aggregates of the survey --------------------------------------------------------------


def test_campaign_results_apply_every_rule(survey: Survey) -> None:
    outcome = results.campaign_results(survey.campaign)
    assert [p.name for p in outcome.products] == ["Elements", "Public 360", "WebSak"]
    assert outcome.responses == {survey.p360.pk: 7, survey.websak.pk: 3, survey.elements.pk: 9}

    covers = question_result(outcome, "Systemet dekker")
    p360 = row_of(covers, survey.p360)
    assert not p360.stats.hidden
    assert (p360.stats.n, p360.stats.dont_know) == (6, 1)
    assert p360.stats.counts == [0, 1, 1, 2, 2]
    assert (p360.stats.mean, p360.stats.median) == (Decimal("3.83"), Decimal("4.00"))
    assert [o.name for o, _s in p360.organisations] == ["A kommune"]
    assert not p360.organisations[0][1].hidden

    websak = row_of(covers, survey.websak)
    assert websak.stats.hidden and websak.stats.n == 3
    assert all(s.hidden for _o, s in websak.organisations)

    elements = row_of(covers, survey.elements)
    assert not elements.stats.hidden
    assert (elements.stats.n, elements.stats.mean) == (9, Decimal("3.11"))  # 28/9
    assert [(o.name, s.n, s.hidden) for o, s in elements.organisations] == [
        ("A kommune", 7, True),  # shown alone it would give B away: 9 − 7
        ("B kommune", 2, True),
    ]

    hours = row_of(question_result(outcome, "Omtrent hvor mange timer"), survey.p360).stats
    assert (hours.n, hours.mean, hours.median) == (6, Decimal("4.17"), Decimal("3.50"))
    assert (hours.minimum, hours.maximum) == (Decimal(0), Decimal(10))

    training = row_of(question_result(outcome, "Hvilken opplæring"), survey.p360).stats
    assert training.n == 7  # people, not ticks
    assert training.counts == [7, 0, 7, 0, 0]
    assert training.shares[0] == Decimal("100.0")


def test_free_text_only_above_its_threshold_and_sorted(survey: Survey) -> None:
    outcome = results.campaign_results(survey.campaign)
    strengths = question_result(outcome, "Hva er systemets sterkeste")
    # Public 360: six texts (threshold 6), in alphabetical order, never as given.
    assert row_of(strengths, survey.p360).texts == [
        "=SUM(A1)",
        "arkivet er ryddig",
        "Bra søk",
        "Bra søk",
        "Enkelt",
        "Raskt",
    ]
    assert row_of(strengths, survey.websak).texts is None  # three texts
    assert row_of(strengths, survey.elements).texts is None  # none


def test_fits_per_organisation_only_where_enough_answered(survey: Survey) -> None:
    outcome = results.campaign_results(survey.campaign)
    fits = {(f.organisation.name, f.product.name): f for f in outcome.fits if f.organisation}
    assert set(fits) == {("A kommune", "Public 360"), ("A kommune", "Elements")}
    p360 = fits[("A kommune", "Public 360")]
    assert p360.functional is not None and p360.technical is not None
    # Every Likert answer of a response is the same, so the pooled mean is 23/6.
    assert (p360.functional.mean, p360.functional.fit, p360.functional.n) == (
        Decimal("3.83"),
        3,
        6,
    )
    elements = fits[("A kommune", "Elements")]
    assert elements.functional is not None
    assert (elements.functional.mean, elements.functional.fit) == (Decimal("3.57"), 3)  # 25/7
    assert set(outcome.product_fits) == {survey.p360.pk, survey.elements.pk}


def test_results_of_a_page_of_products(survey: Survey) -> None:
    outcome = results.campaign_results(survey.campaign, products=[survey.websak])
    assert [r.product.name for r in outcome.questions[0].products] == ["WebSak"]
    assert outcome.responses == {survey.websak.pk: 3}


# --- Query counts -----------------------------------------------------------------------------


def add_answers(survey: Survey, count: int) -> None:
    for index in range(count):
        for key in survey.groups:
            submit(survey.campaign, survey.groups[key], (1 + index % 5, index, f"Svar {index}"))


def count_queries(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


def test_aggregates_cost_the_same_queries_at_two_sizes(world: World) -> None:
    survey = build_survey(world, close=False)
    counts = []
    for extra in (0, 12):
        add_answers(survey, extra)
        with CaptureQueriesContext(connection) as captured:
            outcome = results.campaign_results(
                survey.campaign, collaboration=world.alfa, with_texts=True
            )
        counts.append(len(captured))
        assert outcome.total_responses == 19 + extra * 4
    assert counts[0] == counts[1] <= 7


@pytest.mark.parametrize(
    ("name", "make_url", "budget"),
    [
        # session, user, role, then the page: campaign, products, questions, answers by
        # option, multiple-choice respondents, responses, organisations, free text
        ("results", lambda s: url("campaign_results", s), 12),
        ("comparison", comparison_url, 13),
        ("accept", lambda s: url("campaign_accept_results", s), 12),
    ],
)
def test_pages_cost_the_same_queries_at_two_sizes(
    world: World, name: str, make_url: Callable[[Survey], str], budget: int
) -> None:
    survey = build_survey(world, close=False)
    client = world.client_for("admin")
    add_answers(survey, 3)  # every product above both thresholds, so free text is read
    services.campaign_close(campaign=survey.campaign)
    client.get(make_url(survey))
    small = count_queries(client, make_url(survey))
    Campaign.objects.filter(pk=survey.campaign.pk).update(closed_early_on=None)
    survey.campaign.refresh_from_db()
    add_answers(survey, 15)
    services.campaign_close(campaign=survey.campaign)
    large = count_queries(client, make_url(survey))
    assert small == large, f"{name}: {small} queries, then {large} with more answers"
    assert large <= budget


# --- Pages: who may open what --------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_results_and_comparison_pages_for_everyone_in_alfa(survey: Survey, persona: str) -> None:
    client = survey.world.client_for(persona)
    expected = 200 if persona in EVERYONE_IN_ALFA else 404
    assert client.get(url("campaign_results", survey)).status_code == expected
    assert client.get(comparison_url(survey)).status_code == expected
    for download in ("xlsx", "csv"):
        assert client.get(url("campaign_results", survey), {"format": download}).status_code == (
            expected
        )


def test_anonymous_visitor_is_sent_to_log_in(survey: Survey) -> None:
    response = Client().get(url("campaign_results", survey))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_campaign_and_category_are_404(survey: Survey) -> None:
    client = survey.world.client_for("admin")
    missing = uuid.uuid4()
    assert (
        client.get(
            reverse("surveys:campaign_results", kwargs={"slug": "alfa", "campaign_id": missing})
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("surveys:category_comparison", kwargs={"slug": "alfa", "category_id": missing})
        ).status_code
        == 404
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_accept_page_only_for_managers(survey: Survey, persona: str) -> None:
    client = survey.world.client_for(persona)
    expected = 200 if persona in MANAGERS else (403 if persona in EVERYONE_IN_ALFA else 404)
    assert client.get(url("campaign_accept_results", survey)).status_code == expected
    response = client.post(url("campaign_accept_results", survey))
    assert response.status_code == (302 if persona in MANAGERS else expected)
    survey.campaign.refresh_from_db()
    assert (survey.campaign.results_accepted_at is not None) == (persona in MANAGERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_raw_answers_never_in_an_anonymous_campaign(survey: Survey, persona: str) -> None:
    client = survey.world.client_for(persona)
    expected = 403 if persona in EVERYONE_IN_ALFA else 404
    assert client.get(url("campaign_raw_answers", survey)).status_code == expected
    raw = client.get(url("campaign_results", survey), {"format": "xlsx", "raw": "1"})
    assert raw.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_raw_answers_for_managers_when_not_anonymous(world: World, persona: str) -> None:
    survey = build_survey(world, anonymous=False)
    client = world.client_for(persona)
    expected = 200 if persona in MANAGERS else (403 if persona in EVERYONE_IN_ALFA else 404)
    page = client.get(url("campaign_raw_answers", survey))
    assert page.status_code == expected
    raw = client.get(url("campaign_results", survey), {"format": "xlsx", "raw": "1"})
    assert raw.status_code == expected
    if expected == 200:
        assert "Tungvint" in page.content.decode()
        sheet = openpyxl.load_workbook(io.BytesIO(raw.content)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:5] == ("Dato", "Organisasjon", "System", "Brukergruppe", "E-post")
        assert len(rows) == 1 + 19
        assert "'=SUM(A1)" in [cell for row in rows for cell in row]


# --- Pages: what they show ------------------------------------------------------------------


def test_results_page_shows_tables_charts_and_hidden_groups(survey: Survey) -> None:
    response = survey.world.client_for("viewer").get(url("campaign_results", survey))
    content = response.content.decode()
    assert HIDDEN in content
    assert "Sammendrag per spørsmål og system" in content
    assert 'id="summary-table"' in content
    # Charts: data as JSON beside a container; the scripts are files, never inline code.
    covers = survey.question("Systemet dekker")
    assert f'<script id="chart-{covers.uuid}" type="application/json">' in content
    assert f'data-chart="chart-{covers.uuid}" role="img"' in content
    assert "/static/vendor/echarts.min.js" in content and "/static/samla/charts.js" in content
    for tag in content.split("<script")[1:]:
        assert 'type="application/json"' in tag.split(">")[0] or " src=" in tag.split(">")[0]
    # Public 360's mean and free text; WebSak's free text stays hidden.
    assert "3,83" in content
    assert "arkivet er ryddig" in content
    assert "Tungvint" not in content and "Tregt" not in content
    assert "Skjult: færre enn 6 svar" in content
    # Viewers are not offered raw answers or the accept button.
    assert "Enkeltsvar" not in content and "Godkjenn resultatene" not in content


def test_chart_data_matches_the_table(survey: Survey) -> None:
    outcome = results.campaign_results(survey.campaign)
    chart = question_result(outcome, "Systemet dekker").chart()
    assert chart is not None
    assert chart["categories"] == ["Elements", "Public 360"]  # WebSak is hidden
    assert [s["data"][1] for s in chart["series"]] == [0.0, 16.7, 16.7, 33.3, 33.3]


def test_results_page_offers_managers_their_actions(survey: Survey) -> None:
    content = survey.world.client_for("office").get(url("campaign_results", survey)).content
    assert "Godkjenn resultatene" in content.decode()


def test_results_page_paginates_products(survey: Survey, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("samla.surveys.results_views.PRODUCTS_PER_PAGE", 2)
    client = survey.world.client_for("viewer")
    first = client.get(url("campaign_results", survey)).content.decode()
    second = client.get(url("campaign_results", survey), {"side": 2}).content.decode()
    assert "Public 360" in first and "WebSak" not in first
    assert "WebSak" in second and "Public 360" not in second
    fragment = client.get(url("campaign_results", survey), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="results-body">')


def test_comparison_page_shows_closed_campaigns_side_by_side(survey: Survey) -> None:
    world = survey.world
    open_one = services.campaign_create(
        collaboration=world.alfa,
        products=[survey.p360],
        name="Åpen undersøkelse",
        questionnaire=survey.questionnaire,
        category=survey.category,
        opens_on=dates.today(),
        closes_on=dates.today() + datetime.timedelta(days=5),
    )
    content = world.client_for("viewer").get(comparison_url(survey)).content.decode()
    assert "Sak/arkiv 2026" in content
    assert open_one.name not in content
    assert 'data-chart="fit-chart-' in content
    for name in ("Elements", "Public 360", "WebSak"):
        assert f'<th scope="col" class="samla-num">{name}</th>' in content
    assert "3,83 <span" in content  # Public 360's mean for the first Likert question


def test_comparison_page_without_closed_campaigns(world: World) -> None:
    category = SystemCategory.objects.get(collaboration=world.alfa, code="ADM-SAK")
    response = world.client_for("viewer").get(
        reverse(
            "surveys:category_comparison", kwargs={"slug": "alfa", "category_id": category.uuid}
        )
    )
    assert "Ingen avsluttede undersøkelser av denne kategorien ennå." in response.content.decode()


def test_comparison_of_another_collaborations_category_is_404(survey: Survey) -> None:
    beta_category = SystemCategory.objects.filter(collaboration=survey.world.beta).first()
    assert beta_category is not None
    response = survey.world.client_for("admin").get(
        reverse(
            "surveys:category_comparison",
            kwargs={"slug": "alfa", "category_id": beta_category.uuid},
        )
    )
    assert response.status_code == 404


# --- Downloads ---------------------------------------------------------------------------------


def test_xlsx_opens_again_with_the_figures(survey: Survey) -> None:
    response = survey.world.client_for("viewer").get(
        url("campaign_results", survey), {"format": "xlsx"}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Sammendrag", "Fordeling", "Fritekst", "Egnethet"]
    summary = list(workbook["Sammendrag"].iter_rows(values_only=True))
    assert summary[0][:6] == ("Del", "Spørsmål", "System", "Organisasjon", "Svar (n)", "Snitt")
    by_key = {(r[1], r[2], r[3]): r for r in summary[1:]}
    covers = survey.question("Systemet dekker").text
    p360 = by_key[(covers, "Public 360", "Alle organisasjoner")]
    assert p360[4:] == (6, 3.83, 4, None, None, 1)
    assert by_key[(covers, "WebSak", "Alle organisasjoner")][4] == HIDDEN
    assert by_key[(covers, "Elements", "A kommune")][4] == HIDDEN
    assert by_key[(covers, "Elements", "Alle organisasjoner")][4:6] == (9, 3.11)
    distribution = {
        (r[0], r[1], r[2], r[3]): r[4:]
        for r in workbook["Fordeling"].iter_rows(min_row=2, values_only=True)
    }
    assert distribution[(covers, "Public 360", "Alle organisasjoner", "5 – Helt enig")] == (
        2,
        33.3,
    )
    assert distribution[(covers, "Public 360", "Alle organisasjoner", "Vet ikke")][0] == 1
    assert not any(key[1] == "WebSak" for key in distribution)
    texts = [r[2] for r in workbook["Fritekst"].iter_rows(min_row=2, values_only=True)]
    assert texts[:3] == ["'=SUM(A1)", "arkivet er ryddig", "Bra søk"]  # neutralised
    assert "Tregt" not in texts
    fits = list(workbook["Egnethet"].iter_rows(min_row=2, values_only=True))
    assert ("A kommune", "Public 360", 3.83, 3, 3.83, 3) in fits


def test_csv_has_the_figures_and_no_formulas(survey: Survey) -> None:
    response = survey.world.client_for("viewer").get(
        url("campaign_results", survey), {"format": "csv"}
    )
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Del", "Spørsmål", "System", "Organisasjon", "Svar (n)"]
    covers = survey.question("Systemet dekker").text
    mine = [r for r in rows if r[1] == covers and r[2] == "Public 360"]
    assert mine[0][4:10] == ["6", "3,83", "4,00", "", "", "1"]
    assert [(r[10], r[11]) for r in mine[1:6]] == [
        ("1 – Helt uenig", "0"),
        ("2", "1"),
        ("3", "1"),
        ("4", "2"),
        ("5 – Helt enig", "2"),
    ]
    assert [r for r in rows if r[1] == covers and r[2] == "WebSak"][0][4] == HIDDEN
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_csv_neutralises_formula_like_names(survey: Survey) -> None:
    Product.objects.filter(pk=survey.p360.pk).update(name="=cmd|' /C calc'!A0")
    response = survey.world.client_for("viewer").get(
        url("campaign_results", survey), {"format": "csv"}
    )
    text = response.content.decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text
    assert ";=cmd" not in text


# --- Accepting results -----------------------------------------------------------------------


def test_accept_sets_fit_on_the_installations_with_history(survey: Survey) -> None:
    changed = services.campaign_accept_results(campaign=survey.campaign, user=survey.world.office)
    assert {(i.organisation.name, i.product.name) for i in changed} == {
        ("A kommune", "Public 360"),
        ("A kommune", "Elements"),
    }
    for key, fits in {
        ("A", "Public 360"): (3, 3),  # 3.83 → 3
        ("A", "Elements"): (3, 3),  # 3.57 → 3
        ("B", "WebSak"): (1, 1),  # too few answers: unchanged
        ("B", "Elements"): (1, 1),
    }.items():
        installation = survey.installations[key]
        installation.refresh_from_db()
        assert (installation.functional_fit, installation.technical_fit) == fits, key
    p360 = survey.installations[("A", "Public 360")]
    assert [h.functional_fit for h in p360.history.order_by("history_date")] == [1, 3]
    survey.campaign.refresh_from_db()
    assert survey.campaign.results_accepted_by == survey.world.office
    assert survey.campaign.results_accepted_at is not None


def test_accept_only_a_closed_campaign_once(world: World) -> None:
    survey = build_survey(world, close=False)
    with pytest.raises(ValidationError) as refused:
        services.campaign_accept_results(campaign=survey.campaign, user=world.admin)
    assert refused.value.messages == [
        "Resultatene kan bare godkjennes når undersøkelsen er avsluttet."
    ]
    services.campaign_close(campaign=survey.campaign)
    services.campaign_accept_results(campaign=survey.campaign, user=world.admin)
    with pytest.raises(ValidationError) as again:
        services.campaign_accept_results(campaign=survey.campaign, user=world.admin)
    assert again.value.messages == ["Resultatene er allerede godkjent."]


def test_accept_of_an_open_campaign_by_post_writes_nothing(world: World) -> None:
    survey = build_survey(world, close=False)
    client = world.client_for("admin")
    page = client.get(url("campaign_accept_results", survey)).content.decode()
    assert "Resultatene kan bare godkjennes når undersøkelsen er avsluttet." in page
    assert '<button class="ds-button" data-variant="primary" type="submit">' not in page
    response = client.post(url("campaign_accept_results", survey))
    assert response.status_code == 200
    assert "Resultatene kan bare godkjennes når undersøkelsen er avsluttet." in (
        response.content.decode()
    )
    survey.campaign.refresh_from_db()
    assert survey.campaign.results_accepted_at is None
    installation = survey.installations[("A", "Public 360")]
    installation.refresh_from_db()
    assert installation.functional_fit == 1


def test_accept_page_shows_what_each_installation_gets(survey: Survey) -> None:
    client = survey.world.client_for("office")
    content = client.get(url("campaign_accept_results", survey)).content.decode()
    assert 'id="accept-table"' in content
    assert "Public 360" in content and "snitt 3,83, n = 6" in content
    assert "Avvikle → <strong>Investere</strong>" in content  # TIME: 1/1 → 3/3
    response = client.post(url("campaign_accept_results", survey))
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "Egnetheten er satt på 2 installasjoner." in follow
    second = client.post(url("campaign_accept_results", survey))
    assert "Resultatene er allerede godkjent." in second.content.decode()


def test_accept_without_category_uses_every_category(world: World) -> None:
    survey = build_survey(world, close=False)
    other = SystemCategory.objects.get(collaboration=world.alfa, code="ADM-OKO")
    extra = landscape_services.installation_save(
        collaboration=world.alfa, organisation=world.org_a, category=other, product=survey.p360
    )
    Campaign.objects.filter(pk=survey.campaign.pk).update(category=None)
    survey.campaign.refresh_from_db()
    services.campaign_close(campaign=survey.campaign)
    services.campaign_accept_results(campaign=survey.campaign, user=world.admin)
    extra.refresh_from_db()
    assert (extra.functional_fit, extra.technical_fit) == (3, 3)


# --- Evidence on the target portfolio ---------------------------------------------------------


def _choose_target(survey: Survey) -> None:
    landscape_services.target_choice_set(
        collaboration=survey.world.alfa,
        category=survey.category,
        product=survey.p360,
        decided_by="Styret",
        decided_on=dates.today(),
        rationale="Best i evalueringen.",
    )


def test_target_portfolio_shows_accepted_campaigns_as_evidence(survey: Survey) -> None:
    _choose_target(survey)
    client = survey.world.client_for("viewer")
    address = reverse("landscape:target_portfolio", args=["alfa"])
    assert "Sak/arkiv 2026" not in client.get(address).content.decode()
    services.campaign_accept_results(campaign=survey.campaign, user=survey.world.admin)
    content = client.get(address).content.decode()
    assert "Sak/arkiv 2026" in content
    assert url("campaign_results", survey) in content


def test_target_portfolio_evidence_costs_one_query_whatever_the_campaigns(survey: Survey) -> None:
    _choose_target(survey)
    client = survey.world.client_for("viewer")
    address = reverse("landscape:target_portfolio", args=["alfa"])
    client.get(address)
    services.campaign_accept_results(campaign=survey.campaign, user=survey.world.admin)
    one = count_queries(client, address)
    for index in range(3):
        campaign = services.campaign_create(
            collaboration=survey.world.alfa,
            products=[survey.p360],
            name=f"Tidligere {index}",
            questionnaire=survey.questionnaire,
            category=survey.category,
            opens_on=dates.today() - datetime.timedelta(days=400),
            closes_on=dates.today() - datetime.timedelta(days=300),
        )
        Campaign.objects.filter(pk=campaign.pk).update(results_accepted_at=dates.now())
    four = count_queries(client, address)
    assert one == four
    assert "Tidligere 2" in client.get(address).content.decode()


# --- Odd input ----------------------------------------------------------------------------------


def test_odd_query_parameters_do_no_harm(survey: Survey) -> None:
    client = survey.world.client_for("viewer")
    address = url("campaign_results", survey)
    for params in ({"side": "abc"}, {"side": "999"}, {"side": "-1"}, {"format": "pdf"}):
        response = client.get(address, params)
        assert response.status_code == 200, params
        assert response["Content-Type"].startswith("text/html")
        assert "Public 360" in response.content.decode()
    # raw=1 gives raw answers only as XLSX, and only where allowed; with CSV it is ignored.
    aggregates = client.get(address, {"format": "csv", "raw": "1"})
    assert aggregates.status_code == 200
    assert "Alle organisasjoner" in aggregates.content.decode("utf-8-sig")
    assert client.get(address, {"format": "xlsx", "raw": "yes"}).status_code == 200


def test_accept_by_get_changes_nothing(survey: Survey) -> None:
    client = survey.world.client_for("admin")
    assert client.get(url("campaign_accept_results", survey)).status_code == 200
    survey.campaign.refresh_from_db()
    assert survey.campaign.results_accepted_at is None


def test_comparison_fragment_for_htmx(survey: Survey) -> None:
    response = survey.world.client_for("viewer").get(
        comparison_url(survey), headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="comparison-body">')
    assert "<html" not in content and "Sak/arkiv 2026" in content
