"""The respondent's side: opening a personal or open link without an account and answering.

A campaign in "alfa" evaluates Public 360 with the shipped questionnaire: A kommune's
case officers are invited by e-mail (the tokens are read from the mailed links, as a
respondent would), B kommune's group answers through an open link. Time is frozen at
``TODAY`` through the modules' ``today``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from conftest import World
from samla.landscape import services as landscape_services
from samla.landscape.models import Product
from samla.surveys import services
from samla.surveys.models import Answer, Campaign, Invitation, Question, Response, UserGroup
from samla.surveys.respond_forms import field_name

TODAY = datetime.date(2026, 3, 10)
BASE_URL = "http://testserver"
LINK = re.compile(r"http://testserver(/svar/[A-Za-z0-9_-]+/)")
INVITEES = ["kari@a.kommune.no", "ola@a.kommune.no", "per@a.kommune.no"]


def freeze(monkeypatch: pytest.MonkeyPatch, day: datetime.date) -> None:
    """Every survey module reads "today" through samla.core.dates; pin it."""
    for module in ("samla.surveys.services", "samla.surveys.respond_views"):
        monkeypatch.setattr(f"{module}.today", lambda: day)


@dataclass
class Survey:
    world: World
    campaign: Campaign
    group: UserGroup  # A kommune, personal invitations
    open_group: UserGroup  # B kommune, one open link
    paths: list[str] = field(default_factory=list)  # the personal links, as mailed

    @property
    def open_path(self) -> str:
        return reverse("surveys:respond_open", args=[self.open_group.open_token])

    def question(self, kind: str, index: int = 0) -> Question:
        questions = self.campaign.questionnaire.questions.filter(kind=kind).order_by(
            "section__order", "order"
        )
        return list(questions)[index]


def mailed_paths(start: int = 0) -> list[str]:
    return [LINK.search(message.body).group(1) for message in mail.outbox[start:]]  # type: ignore[union-attr]


def build_survey(
    world: World,
    *,
    anonymous: bool = True,
    opens_on: datetime.date = TODAY,
    closes_on: datetime.date = TODAY + datetime.timedelta(days=14),
    launch: bool = True,
    name: str = "Evaluering av sak/arkiv 2026",
) -> Survey:
    """A campaign built through the services; launched, it mails one link per invitee."""
    alfa = world.alfa
    product = Product.objects.filter(
        collaboration=alfa, name="Public 360"
    ).first() or landscape_services.product_save(collaboration=alfa, name="Public 360")
    questionnaire = services.questionnaire_create_from_template(
        collaboration=alfa, name=f"Skjema for {name}"
    )
    campaign = services.campaign_create(
        collaboration=alfa,
        products=[product],
        name=name,
        questionnaire=questionnaire,
        opens_on=opens_on,
        closes_on=closes_on,
        anonymous=anonymous,
    )
    group = services.user_group_create(
        campaign=campaign, organisation=world.org_a, product=product, name="Saksbehandlere"
    )
    open_group = services.user_group_create(
        campaign=campaign,
        organisation=world.org_b,
        product=product,
        name="Arkivtjenesten",
        size=12,
        open_link=True,
    )
    services.invitations_add(group=group, emails=INVITEES, base_url=BASE_URL)
    survey = Survey(world, campaign, group, open_group)
    if launch:
        start = len(mail.outbox)
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.campaign_launch(campaign=campaign, base_url=BASE_URL)
        survey.paths = mailed_paths(start)
        campaign.refresh_from_db()
    return survey


def full_answers(survey: Survey) -> dict[str, Any]:
    """A valid answer to every question of the shipped questionnaire."""
    data: dict[str, Any] = {}
    for question in survey.campaign.questionnaire.questions.all():
        name = field_name(question)
        data[name] = {
            Question.Kind.LIKERT: "4",
            Question.Kind.SINGLE: "2",
            Question.Kind.MULTIPLE: ["1", "3"],
            Question.Kind.NUMBER: "2,5",
            Question.Kind.TEXT: "Stabil og oversiktlig.",
        }[question.kind]
    return data


def required_answers(survey: Survey) -> dict[str, Any]:
    answers = full_answers(survey)
    return {
        name: value
        for name, value in answers.items()
        if survey.campaign.questionnaire.questions.get(uuid=name[2:]).required
    }


def open_form(client: Client, path: str, **query: str) -> tuple[Any, str]:
    """GET the form; returns the response and the signed submission key it carries."""
    response = client.get(path, query)
    assert response.status_code == 200, response.content.decode()[:500]
    key = re.search(r'name="submission_key" value="([^"]+)"', response.content.decode())
    assert key, "the form carries a submission key"
    return response, key.group(1)


def submit(client: Client, path: str, answers: dict[str, Any], key: str) -> Any:
    return client.post(path, {**answers, "submission_key": key})


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, TODAY)


@pytest.fixture
def survey(world: World, frozen: None) -> Survey:
    return build_survey(world)


# --- Links and mail ---------------------------------------------------------------------------


def test_launch_mails_one_personal_link_per_invitee(survey: Survey) -> None:
    assert len(survey.paths) == 3
    assert len(set(survey.paths)) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(INVITEES)
    token = survey.paths[0].split("/")[2]
    assert len(token) >= 22  # ≥ 128 bits in URL-safe base64
    # Only the hash is stored.
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_pages_need_no_account(survey: Survey) -> None:
    client = Client()
    assert client.get(survey.paths[0]).status_code == 200
    assert client.get(survey.open_path).status_code == 200
    assert client.get(reverse("surveys:respond_thanks")).status_code == 200


# --- What the respondent sees -----------------------------------------------------------------


def test_form_shows_what_is_evaluated_for_whom(survey: Survey) -> None:
    response, _key = open_form(Client(), survey.paths[0])
    html = response.content.decode()
    assert '<html lang="nb"' in html
    assert "Alfa-samarbeidet" in html
    assert "Evaluering av sak/arkiv 2026" in html
    assert (
        "Du vurderer <strong>Public 360</strong> slik det brukes i <strong>A kommune</strong>."
        in html
    )
    assert "Undersøkelsen er anonym: svaret ditt kan ikke knyttes til deg." in html
    assert "24.03.2026" in html  # closing date, Norwegian format
    assert "Vi ber deg vurdere systemet du bruker" in html  # the introduction
    # No site navigation or account links for the anonymous respondent.
    assert "Hovedmeny" not in html
    assert "Logg ut" not in html
    assert 'class="ds-skip-link"' in html
    assert "<style" not in html and "<script>" not in html and " style=" not in html


def test_open_link_names_its_own_organisation(survey: Survey) -> None:
    response, _key = open_form(Client(), survey.open_path)
    assert "slik det brukes i <strong>B kommune</strong>" in response.content.decode()


def test_sections_are_fieldsets_with_legends(survey: Survey) -> None:
    response, _key = open_form(Client(), survey.paths[0])
    html = response.content.decode()
    for title in ("Om deg", "Funksjonalitet", "Brukervennlighet", "Samlet vurdering"):
        assert f'<legend class="ds-heading" data-size="sm">{title}</legend>' in html


def test_every_kind_of_question_has_its_input(survey: Survey) -> None:
    response, _key = open_form(Client(), survey.paths[0])
    html = response.content.decode()
    likert = field_name(survey.question(Question.Kind.LIKERT))
    for value, label in [
        ("1", "1 – Helt uenig"),
        ("3", "3"),
        ("5", "5 – Helt enig"),
        ("dont_know", "Vet ikke"),
    ]:
        assert re.search(
            rf'<input class="ds-input" type="radio" name="{likert}" id="(id_{likert}_\d)" value="{value}"',
            html,
        ), value
        assert f">{label}</label>" in html
    single = field_name(survey.question(Question.Kind.SINGLE))
    assert f'type="radio" name="{single}"' in html and ">Ukentlig</label>" in html
    multiple = field_name(survey.question(Question.Kind.MULTIPLE))
    assert f'type="checkbox" name="{multiple}"' in html and ">E-læring</label>" in html
    number = field_name(survey.question(Question.Kind.NUMBER))
    assert re.search(rf'<input type="text" name="{number}"[^>]*inputmode="decimal"', html)
    assert "Skriv et tall fra 0 til 200." in html
    text = field_name(survey.question(Question.Kind.TEXT))
    assert re.search(rf'<textarea name="{text}"[^>]*maxlength="5000"', html)
    # Help text and the required marker.
    assert "For eksempel sak/arkiv, folkeregisteret eller økonomisystemet." in html
    assert (
        html.count("(må besvares)")
        == survey.campaign.questionnaire.questions.filter(required=True).count()
    )


def test_english_by_query_and_by_browser(survey: Survey) -> None:
    client = Client()
    response, _key = open_form(client, survey.paths[0], lang="en")
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert response["Content-Language"] == "en"
    assert "How often do you use the system?" in html
    assert "Hvor ofte bruker du systemet?" not in html
    assert "About you" in html and "Please rate the system you use" in html
    assert 'href="?lang=nb"' in html  # the way back
    assert 'action="' + survey.paths[0] + '?lang=en"' in html
    # The browser's preference, without the query.
    by_browser = Client(headers={"accept-language": "en-GB,en;q=0.9"}).get(survey.paths[0])
    assert '<html lang="en"' in by_browser.content.decode()
    # Norwegian is the default, with a visible switch to English.
    norwegian = Client().get(survey.paths[0]).content.decode()
    assert '<html lang="nb"' in norwegian
    assert 'href="?lang=en" lang="en" hreflang="en">English</a>' in norwegian


def test_pages_are_not_cached_by_others_nor_indexed(survey: Survey) -> None:
    response = Client().get(survey.paths[0])
    assert response["Cache-Control"] == "private, no-cache"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Content-Security-Policy" in response


# --- Answering --------------------------------------------------------------------------------


def test_personal_link_stores_every_answer_once(survey: Survey) -> None:
    client = Client()
    _page, key = open_form(client, survey.paths[0])
    response = submit(client, survey.paths[0], full_answers(survey), key)
    assert response.status_code == 302
    assert response["Location"] == "/svar/takk/?lang=nb"
    stored = Response.objects.get()
    assert (stored.campaign, stored.organisation, stored.product) == (
        survey.campaign,
        survey.world.org_a,
        survey.group.product,
    )
    assert stored.submitted_on == TODAY
    answers = {
        (a.question.kind, a.option, a.number, a.text, a.dont_know) for a in stored.answers.all()
    }
    assert ("likert", 4, None, "", False) in answers
    assert ("single", 2, None, "", False) in answers
    assert ("multiple", 1, None, "", False) in answers and (
        "multiple",
        3,
        None,
        "",
        False,
    ) in answers
    assert ("number", None, Decimal("2.5000"), "", False) in answers
    assert ("text", None, None, "Stabil og oversiktlig.", False) in answers
    questions = survey.campaign.questionnaire.questions
    assert stored.answers.count() == questions.count() + 1  # two rows for the multiple choice
    assert Invitation.objects.filter(answered=True).count() == 1


def test_dont_know_and_optional_questions(survey: Survey) -> None:
    client = Client()
    _page, key = open_form(client, survey.open_path)
    answers = required_answers(survey)
    answers[field_name(survey.question(Question.Kind.LIKERT))] = "dont_know"
    assert submit(client, survey.open_path, answers, key).status_code == 302
    stored = Response.objects.get()
    assert stored.organisation == survey.world.org_b
    dont_know = stored.answers.get(question=survey.question(Question.Kind.LIKERT))
    assert dont_know.dont_know and dont_know.option is None
    # Unanswered optional questions store no rows.
    assert stored.answers.count() == len(answers)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("2,5", "2.5"), ("2.5", "2.5"), ("1 0", "10"), ("0", "0"), ("199,99", "199.99")],
)
def test_number_accepts_norwegian_decimal_comma(survey: Survey, typed: str, stored: str) -> None:
    client = Client()
    _page, key = open_form(client, survey.open_path)
    number = survey.question(Question.Kind.NUMBER)
    response = submit(
        client, survey.open_path, {**required_answers(survey), field_name(number): typed}, key
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Answer.objects.get(question=number).number == Decimal(stored)


def test_thanks_page_says_nothing_about_the_respondent(survey: Survey) -> None:
    client = Client()
    _page, key = open_form(client, survey.paths[0])
    response = submit(client, survey.paths[0], full_answers(survey), key)
    thanks = client.get(response["Location"])
    html = thanks.content.decode()
    assert thanks.status_code == 200
    assert "Takk for svaret!" in html
    token = survey.paths[0].split("/")[2]
    assert token not in response["Location"] and token not in html
    for private in ("A kommune", "Public 360", "kari@", "Saksbehandlere"):
        assert private not in html
    english = client.get(reverse("surveys:respond_thanks"), {"lang": "en"}).content.decode()
    assert '<html lang="en"' in english


def test_english_answers_submit_and_thank_in_english(survey: Survey) -> None:
    client = Client()
    _page, key = open_form(client, survey.paths[1], lang="en")
    response = client.post(
        survey.paths[1] + "?lang=en", {**full_answers(survey), "submission_key": key}
    )
    assert response["Location"] == "/svar/takk/?lang=en"
    assert Response.objects.count() == 1


def test_errors_in_english(survey: Survey) -> None:
    client = Client()
    _page, key = open_form(client, survey.paths[0], lang="en")
    response = client.post(survey.paths[0] + "?lang=en", {"submission_key": key})
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "How often do you use the system?" in html
    assert Response.objects.count() == 0


# --- Status pages -----------------------------------------------------------------------------


def test_already_answered_page(survey: Survey) -> None:
    client = Client()
    _page, key = open_form(client, survey.paths[0])
    submit(client, survey.paths[0], full_answers(survey), key)
    again = Client().get(survey.paths[0])
    assert again.status_code == 200
    assert "Du har allerede svart. Takk!" in again.content.decode()
    assert "submission_key" not in again.content.decode()


def test_not_yet_open_page_names_the_day(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, TODAY)
    survey = build_survey(world, opens_on=TODAY + datetime.timedelta(days=5))
    response = Client().get(survey.paths[0])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Undersøkelsen åpner 15.03.2026." in html
    assert "submission_key" not in html
    assert "Du vurderer <strong>Public 360</strong>" in html


def test_draft_campaign_is_not_open(world: World, frozen: None) -> None:
    survey = build_survey(world, launch=False)
    response = Client().get(survey.open_path)
    assert response.status_code == 200
    assert "Undersøkelsen er ikke åpnet ennå." in response.content.decode()
    assert "submission_key" not in response.content.decode()


def test_closed_campaign_answers_gone(survey: Survey, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, TODAY + datetime.timedelta(days=15))
    for path in (survey.paths[0], survey.open_path):
        response = Client().get(path)
        assert response.status_code == 410
        assert "Undersøkelsen er avsluttet" in response.content.decode()


def test_closed_early_campaign_is_closed(survey: Survey) -> None:
    services.campaign_close(campaign=survey.campaign)
    response = Client().get(survey.open_path)
    assert response.status_code == 410


def test_unknown_token_is_a_plain_404(survey: Survey) -> None:
    for path in (
        "/svar/finnes-ikke/",
        "/svar/apen/finnes-ikke/",
        "/svar/" + "x" * 80 + "/",
        "/svar/apen/ab%00cd/",
        "/svar/ab%00cd/",
        "/svar/apen/%27%20OR%201=1--/",
        "/svar/%C3%A6%C3%B8%C3%A5/",
    ):
        response = Client().get(path)
        assert response.status_code == 404
        html = response.content.decode()
        assert "Lenken er ugyldig" in html
        assert "Traceback" not in html


def test_personal_token_is_not_an_open_link_and_back(survey: Survey) -> None:
    token = survey.paths[0].split("/")[2]
    assert Client().get(reverse("surveys:respond_open", args=[token])).status_code == 404
    assert (
        Client().get(reverse("surveys:respond", args=[survey.open_group.open_token])).status_code
        == 404
    )


def test_only_get_and_post(survey: Survey) -> None:
    assert Client().put(survey.paths[0]).status_code == 405
    assert Client().delete(survey.open_path).status_code == 405


# --- Logged-in users are respondents too ------------------------------------------------------


def test_logged_in_user_answers_like_anyone(survey: Survey) -> None:
    client = survey.world.client_for("viewer")
    _page, key = open_form(client, survey.paths[2])
    html = _page.content.decode()
    assert "Hovedmeny" not in html
    assert submit(client, survey.paths[2], full_answers(survey), key).status_code == 302
    assert Response.objects.count() == 1


# --- Query counts -----------------------------------------------------------------------------


def test_form_queries_do_not_grow_with_the_questions(
    survey: Survey, django_assert_num_queries: Any
) -> None:
    client = Client()
    with django_assert_num_queries(2):  # the link with its campaign and group; the questions
        open_form(client, survey.paths[0])
    questionnaire = survey.campaign.questionnaire
    section = questionnaire.sections.last()
    for number in range(5):
        services.question_create(
            questionnaire=questionnaire,
            section=section,
            kind=Question.Kind.LIKERT,
            text=f"Påstand {number}",
        )
    with django_assert_num_queries(2):
        _page, key = open_form(client, survey.paths[0])
    answers = full_answers(survey)
    # Link, questions; then spend the invitation, the response and all answers in one insert.
    with django_assert_num_queries(9):
        assert submit(client, survey.paths[0], answers, key).status_code == 302
    assert Answer.objects.count() == questionnaire.questions.count() + 1
