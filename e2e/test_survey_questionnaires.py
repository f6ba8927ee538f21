"""The questionnaire editor in a real browser.

The list, the preview (both languages) and every form are opened with ``Browsing.visit``:
status, ``<html lang="nb">``, no console errors or CSP violations, axe-core at desktop and at
360 px, no sideways scrolling. Then a question is added with the keyboard alone, a question is
moved with htmx (and keeps the focus), a refused form is shown accessibly, and the viewer and
a locked questionnaire are offered no edit controls.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import World
from e2e.conftest import Browsing
from e2e.test_keyboard import active, tab_to, tab_to_button, tab_to_id
from samla.surveys import services
from samla.surveys.models import Question, Questionnaire, Section
from tests.test_survey_questionnaires import use_in_campaign

pytestmark = pytest.mark.browser

BASE = "/s/alfa/sporreskjemaer/"


@pytest.fixture
def questionnaire(world: World) -> Questionnaire:
    return services.questionnaire_create_from_template(collaboration=world.alfa)


def functionality(questionnaire: Questionnaire) -> Section:
    return questionnaire.sections.get(title="Funksjonalitet")


def texts_of(section: Section) -> list[str]:
    return list(section.questions.order_by("order", "pk").values_list("text", flat=True))


def _one_h1(browsing: Browsing) -> str:
    headings = browsing.page.locator("h1")
    assert headings.count() == 1, f"{browsing.page.url}: every page has exactly one <h1>"
    return headings.inner_text()


def test_every_page_as_admin(browse: Callable[..., Browsing], questionnaire: Questionnaire) -> None:
    browsing = browse("admin")
    page = browsing.page
    browsing.visit(BASE)
    assert _one_h1(browsing) == "Spørreskjemaer"
    assert page.locator("main table tbody tr").count() == 1
    assert page.get_by_role("button", name="Nytt fra malen «Evaluering av fagsystem»").is_visible()

    detail = f"{BASE}{questionnaire.uuid}/"
    browsing.visit(detail)
    assert _one_h1(browsing) == "Evaluering av fagsystem"
    assert page.locator("main fieldset legend").count() == 17
    assert page.get_by_role("button", name="Flytt opp spørsmål 4").count() == 1
    browsing.visit(detail + "?sprak=en")
    assert "1. How often do you use the system?" in page.locator("#questionnaire-body").inner_text()

    section = functionality(questionnaire)
    question = section.questions.order_by("order")[1]
    for path, heading in [
        (f"{BASE}ny/", "Nytt tomt spørreskjema"),
        (f"{detail}endre/", "Endre navn og innledning"),
        (f"{detail}kopier/", "Kopier spørreskjemaet"),
        (f"{detail}deler/ny/", "Ny del"),
        (f"{detail}deler/{section.uuid}/endre/", "Endre delen"),
        (f"{detail}sporsmal/ny/?del={section.uuid}", "Nytt spørsmål"),
        (f"{detail}sporsmal/{question.uuid}/endre/", "Endre spørsmålet"),
    ]:
        browsing.visit(path)
        assert _one_h1(browsing) == heading


def test_add_a_question_with_the_keyboard_alone(
    browse: Callable[..., Browsing], questionnaire: Questionnaire
) -> None:
    browsing = browse("office")
    page = browsing.page
    browsing.goto(f"{BASE}{questionnaire.uuid}/")
    # From the preview, the section's own «Nytt spørsmål» link.
    tab_to(
        page,
        "(el) => el && el.tagName === 'A'"
        " && el.innerText.replace(/\\s+/g, ' ').trim() === 'Nytt spørsmål i delen «Funksjonalitet»'",
        limit=200,
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    assert (
        page.locator("#id_section").evaluate("el => el.selectedOptions[0].text") == "Funksjonalitet"
    )

    tab_to_id(page, "id_kind")
    page.keyboard.type("Ett valg")
    assert page.locator("#id_kind").input_value() == "single"
    tab_to_id(page, "id_text")
    page.keyboard.type("Hvor lenge har du brukt systemet?")
    tab_to_id(page, "id_text_en")
    page.keyboard.type("How long have you used the system?")
    tab_to_id(page, "id_required")
    page.keyboard.press("Space")
    tab_to_id(page, "id_options")
    page.keyboard.type("Under ett år | Less than a year")
    page.keyboard.press("Enter")
    page.keyboard.type("Mer enn ett år | More than a year")
    tab_to_id(page, "id_measures")
    assert page.locator("#id_measures").input_value() == ""
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()

    question = Question.objects.get(
        questionnaire=questionnaire, text="Hvor lenge har du brukt systemet?"
    )
    assert page.url.endswith(f"/{questionnaire.uuid}/#sporsmal-{question.uuid}"), page.url
    assert page.get_by_role("status").first.inner_text().strip() == "Spørsmålet er lagret."
    assert (question.kind, question.required, question.section.title) == (
        "single",
        True,
        "Funksjonalitet",
    )
    assert question.options == [
        {"nb": "Under ett år", "en": "Less than a year"},
        {"nb": "Mer enn ett år", "en": "More than a year"},
    ]
    assert texts_of(functionality(questionnaire))[-1] == question.text
    assert (
        page.locator(f"#sporsmal-{question.uuid} legend").inner_text().startswith("6. Hvor lenge")
    )
    browsing.check_a11y()


def test_refused_question_takes_the_focus_and_passes_axe(
    browse: Callable[..., Browsing], questionnaire: Questionnaire
) -> None:
    browsing = browse("admin")
    page = browsing.page
    browsing.goto(
        f"{BASE}{questionnaire.uuid}/sporsmal/ny/?del={functionality(questionnaire).uuid}"
    )
    page.get_by_label("Spørsmålstype").select_option("multiple")
    page.get_by_label("Spørsmål (bokmål)").fill("Hvilke moduler bruker du?")
    page.get_by_label("Svaralternativer").fill("Saksbehandling\n| Archive")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre", exact=True).click()
    browsing.check_document()
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'error-summary'"
    )
    summary = page.locator("#error-summary").inner_text()
    assert "Skjemaet har feil. Ingenting er lagret." in summary
    assert "Linje 2 mangler tekst på bokmål." in summary
    assert page.locator("#id_options").get_attribute("aria-invalid") == "true"
    assert not Question.objects.filter(text="Hvilke moduler bruker du?").exists()
    browsing.check_a11y()


def test_move_a_question_with_htmx_keeps_the_focus(
    browse: Callable[..., Browsing], questionnaire: Questionnaire
) -> None:
    section = functionality(questionnaire)
    first, second, third = texts_of(section)
    moving = section.questions.get(text=second)
    browsing = browse("admin")
    page = browsing.page
    browsing.goto(f"{BASE}{questionnaire.uuid}/")
    page.evaluate("window.__samlaMarker = 'same document'")
    button_id = f"ned-{moving.uuid}"
    tab_to(page, f"(el) => el && el.id === {button_id!r}", limit=200)
    with page.expect_response(lambda r: "/flytt/" in r.url) as response_info:
        page.keyboard.press("Enter")
    assert response_info.value.request.headers.get("hx-request") == "true"
    page.wait_for_function(
        "() => document.getElementById('questionnaire-status').innerText.includes('flyttet ned')"
    )
    assert page.evaluate("window.__samlaMarker") == "same document", "htmx swapped, no reload"
    assert texts_of(section) == [first, third, second]
    legends = page.locator(f"#del-{section.uuid} legend").all_inner_texts()
    shown = [legend.split(". ", 1)[1].removesuffix(" (må besvares)") for legend in legends]
    assert shown == [first, third, second]
    # The moved question is now last: its «Flytt ned» is gone, so move it back up by keyboard.
    page.wait_for_function("() => document.activeElement !== null")
    up_id = f"opp-{moving.uuid}"
    tab_to(page, f"(el) => el && el.id === {up_id!r}", limit=200)
    with page.expect_response(lambda r: "/flytt/" in r.url):
        page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('questionnaire-status').innerText.includes('flyttet opp')"
    )
    assert texts_of(section) == [first, second, third]
    # htmx gives the focus back to the same button in the new content.
    page.wait_for_function(
        f"() => document.activeElement && document.activeElement.id === {up_id!r}"
    )
    assert active(page).startswith(f"button#{up_id}")
    browsing.assert_no_errors()
    browsing.check_a11y()


CONTROLS_IN_MAIN = """Array.from(document.querySelectorAll("main a[href], main button"))
  .map((el) => el.innerText.trim())"""
CHANGE_WORDS = ("Ny ", "Nytt", "Endre", "Slett", "Flytt", "Kopier", "Lagre")


def test_viewer_reads_without_edit_controls(
    browse: Callable[..., Browsing], world: World, questionnaire: Questionnaire
) -> None:
    browsing = browse("viewer")
    page = browsing.page
    for path in (BASE, f"{BASE}{questionnaire.uuid}/"):
        browsing.visit(path)
        controls = page.evaluate(CONTROLS_IN_MAIN)
        assert controls, f"no links or buttons on {path}: the check would be vacuous"
        offered = [c for c in controls if c.startswith(CHANGE_WORDS)]
        assert not offered, f"the viewer is offered {offered} on {path}"
        assert page.locator("main form[method=post]").count() == 0
    assert page.locator("main fieldset legend").count() == 17
    browsing.goto(f"{BASE}{questionnaire.uuid}/sporsmal/ny/", status=403)


def test_locked_questionnaire_shows_the_notice(
    browse: Callable[..., Browsing], world: World, questionnaire: Questionnaire
) -> None:
    use_in_campaign(world, questionnaire, answered=True)
    browsing = browse("admin")
    page = browsing.page
    browsing.visit(f"{BASE}{questionnaire.uuid}/")
    notice = page.locator("#locked-notice")
    assert "Skjemaet har svar og kan ikke endres – lag en kopi." in notice.inner_text()
    assert page.get_by_role("button", name="Flytt opp spørsmål 4").count() == 0
    assert page.get_by_role("link", name="Ny del").count() == 0
    # The way out: the copy form, from the notice.
    with page.expect_navigation():
        notice.get_by_role("link", name="Lag en kopi").click()
    browsing.check_document()
    assert page.get_by_label("Navn på kopien").input_value() == "Kopi av Evaluering av fagsystem"
