"""A respondent without an account answers a survey in a real browser, by keyboard alone.

The link is the one mailed by ``campaign_launch``. Every page the respondent can meet is
checked by ``Browsing.visit`` (status, language, no console or CSP errors, axe at desktop and
at 360 px, no sideways scrolling); the English form passes axe too.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from conftest import World
from e2e.conftest import DESKTOP, MOBILE, Browsing
from e2e.test_keyboard import active, tab_to, tab_to_button
from samla.surveys.models import Answer, Question, Response
from samla.surveys.respond_forms import field_name
from tests.test_survey_respond import TODAY, Survey, build_survey, freeze

pytestmark = pytest.mark.browser


@pytest.fixture
def survey(world: World, monkeypatch: pytest.MonkeyPatch) -> Survey:
    # The live server runs in this process, so it sees the frozen day too.
    freeze(monkeypatch, TODAY)
    return build_survey(world)


def ordered_questions(survey: Survey) -> list[Question]:
    return list(
        survey.campaign.questionnaire.questions.select_related("section").order_by(
            "section__order", "order"
        )
    )


def tab_to_name(page: Any, name: str) -> None:
    tab_to(page, f"(el) => el && el.name === {name!r}")


def checked_value(page: Any, name: str) -> str | None:
    return page.evaluate(
        "(name) => { const el = document.querySelector(`input[name='${name}']:checked`);"
        " return el ? el.value : null; }",
        name,
    )


def answer_everything_by_keyboard(page: Any, survey: Survey) -> None:
    """Tab to each question and answer it with Space, the arrow keys and typing."""
    likerts = [q for q in ordered_questions(survey) if q.kind == Question.Kind.LIKERT]
    for question in ordered_questions(survey):
        name = field_name(question)
        tab_to_name(page, name)
        if question.kind == Question.Kind.LIKERT and question == likerts[-1]:
            page.keyboard.press("Space")
            page.keyboard.press("ArrowLeft")  # wraps from 1 to the last choice, «vet ikke»
            assert checked_value(page, name) == "dont_know", active(page)
        elif question.kind == Question.Kind.LIKERT:
            page.keyboard.press("Space")
            for _ in range(3):
                page.keyboard.press("ArrowRight")
            assert checked_value(page, name) == "4", active(page)
        elif question.kind == Question.Kind.SINGLE:
            page.keyboard.press("Space")
            page.keyboard.press("ArrowDown")
            assert checked_value(page, name) == "2", active(page)
        elif question.kind == Question.Kind.MULTIPLE:
            page.keyboard.press("Space")
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")
            page.keyboard.press("Space")
            values = page.evaluate(
                "(name) => Array.from(document.querySelectorAll(`input[name='${name}']:checked`))"
                ".map((el) => el.value)",
                name,
            )
            assert values == ["1", "3"], active(page)
        elif question.kind == Question.Kind.NUMBER:
            page.keyboard.type("2,5")
        else:
            page.keyboard.type("Stabil og oversiktlig.")


def assert_stored(survey: Survey) -> None:
    response = Response.objects.get()
    assert response.invitation is None and response.submitted_on == TODAY
    likerts = [q for q in ordered_questions(survey) if q.kind == Question.Kind.LIKERT]
    assert Answer.objects.get(question=likerts[0]).option == 4
    assert Answer.objects.get(question=likerts[-1]).dont_know
    assert Answer.objects.get(question=survey.question(Question.Kind.SINGLE)).option == 2
    multiple = Answer.objects.filter(question=survey.question(Question.Kind.MULTIPLE))
    assert sorted(a.option for a in multiple) == [1, 3]
    assert Answer.objects.get(question=survey.question(Question.Kind.NUMBER)).number == Decimal(
        "2.5"
    )
    texts = Answer.objects.filter(question__kind=Question.Kind.TEXT).values_list("text", flat=True)
    assert list(texts) == ["Stabil og oversiktlig."] * 2


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "360px"])
def test_answer_from_the_mailed_link_by_keyboard(
    browse: Callable[..., Browsing], survey: Survey, viewport: dict[str, int]
) -> None:
    browsing = browse(None)
    browsing.visit(survey.paths[0])
    page = browsing.page
    assert "Du vurderer Public 360 slik det brukes i A kommune." in page.inner_text("main")
    page.set_viewport_size(viewport)
    if viewport == MOBILE:
        # The Likert choices wrap onto more lines instead of running off the screen.
        likert = field_name(survey.question(Question.Kind.LIKERT))
        boxes = page.evaluate(
            "(name) => Array.from(document.querySelectorAll(`input[name='${name}']`))"
            ".map((el) => el.closest('.ds-field').getBoundingClientRect())"
            ".map((r) => ({top: r.top, right: r.right}))",
            likert,
        )
        assert boxes[-1]["top"] > boxes[0]["top"], boxes
        assert all(box["right"] <= MOBILE["width"] for box in boxes), boxes
    answer_everything_by_keyboard(page, survey)
    tab_to_button(page, "Send svaret")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/svar/takk/?lang=nb"), page.url
    browsing.check_document()
    assert page.locator("h1").inner_text() == "Takk for svaret!"
    assert_stored(survey)
    # The thank-you page and the used link pass every check as well.
    browsing.visit("/svar/takk/")
    browsing.visit(survey.paths[0])
    assert "Du har allerede svart. Takk!" in page.inner_text("main")


def test_missing_answers_show_the_error_summary_with_focus(
    browse: Callable[..., Browsing], survey: Survey
) -> None:
    browsing = browse(None)
    browsing.goto(survey.open_path)
    page = browsing.page
    tab_to_button(page, "Send svaret")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    browsing.check_document()
    summary = page.locator("#error-summary")
    assert "Skjemaet har feil. Ingenting er lagret." in summary.inner_text()
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'error-summary'"
    )
    required = [q for q in ordered_questions(survey) if q.required]
    links = summary.get_by_role("link")
    assert links.count() == len(required)
    assert links.first.inner_text() == f"{required[0].text}: Svar på dette spørsmålet."
    # The first link takes the keyboard to the question it names.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"document.activeElement && document.activeElement.id === 'id_{field_name(required[0])}'"
    )
    assert Response.objects.count() == 0
    browsing.check_a11y()


def test_english_form_passes_axe(browse: Callable[..., Browsing], survey: Survey) -> None:
    browsing = browse(None)
    page = browsing.page
    response = page.goto(browsing.url(survey.paths[1] + "?lang=en"), wait_until="load")
    assert response is not None and response.status == 200
    assert page.evaluate("document.documentElement.lang") == "en"
    main = page.inner_text("main")
    assert "How often do you use the system?" in main
    assert "Hvor ofte bruker du systemet?" not in main
    browsing.check_a11y()
    # The switch back to bokmål is a plain link, reachable by keyboard.
    tab_to(page, "(el) => el && el.getAttribute('hreflang') === 'nb'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    assert "Hvor ofte bruker du systemet?" in page.inner_text("main")


def test_status_pages_pass_every_check(
    browse: Callable[..., Browsing], survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    browsing = browse(None)
    token = survey.paths[0].split("/")[2]
    browsing.visit(f"/svar/{token[:-1]}x/", status=404)
    assert "Lenken er ugyldig" in browsing.page.inner_text("main")
    freeze(monkeypatch, TODAY - datetime.timedelta(days=2))
    browsing.visit(survey.open_path)
    assert "Undersøkelsen åpner 10.03.2026." in browsing.page.inner_text("main")
    freeze(monkeypatch, TODAY + datetime.timedelta(days=30))
    browsing.visit(survey.open_path, status=410)
    assert "Undersøkelsen er avsluttet" in browsing.page.inner_text("main")
