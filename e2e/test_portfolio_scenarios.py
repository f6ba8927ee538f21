"""The pot and scenario pages in a real browser: every page passes ``Browsing.visit`` (status,
lang, no console or CSP errors, axe at desktop and 360 px, no sideways scrolling), the charts
are drawn, the programme office runs a scenario and opens its result, and a scenario is
created and run with the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from e2e.conftest import Browsing
from e2e.test_keyboard import tab_to, tab_to_button, tab_to_id
from samla.portfolio.models import Scenario
from tests.test_portfolio_scenario_pages import Portfolio, build_portfolio

pytestmark = pytest.mark.browser

P = "/s/alfa/portefolje/"
# The first page of a fresh live server compiles every template; on a busy machine that can
# take longer than the default 10 s.
FIRST_LOAD_MS = 60_000


def as_persona(browse: Callable[..., Browsing], persona: str) -> Browsing:
    browsing = browse(persona)
    browsing.page.set_default_navigation_timeout(FIRST_LOAD_MS)
    return browsing


@pytest.fixture
def portfolio(world: Any) -> Portfolio:
    return build_portfolio(world)


def pages(p: Portfolio) -> list[str]:
    s = p.scenario.uuid
    pot = p.scenario.collaboration.pot_years.order_by("year").first()
    assert pot is not None
    return [
        f"{P}pott/",
        f"{P}pott/nytt-ar/",
        f"{P}pott/{pot.uuid}/endre/",
        f"{P}pott/{pot.uuid}/fordel/",
        f"{P}scenarioer/",
        f"{P}scenarioer/nytt/",
        f"{P}scenarioer/{s}/",
        f"{P}scenarioer/{s}/endre/",
        f"{P}scenarioer/{s}/effektiv-front/",
        f"{P}scenarioer/{s}/vedtak/",
        f"{P}scenarioer/sammenlign/?s={s}&s={s}",
    ]


def test_every_page_as_office(browse: Callable[..., Browsing], portfolio: Portfolio) -> None:
    browsing = as_persona(browse, "office")
    for path in pages(portfolio):
        browsing.visit(path)
        assert browsing.page.locator("h1").count() == 1, path


def test_office_runs_a_scenario_and_opens_the_result(
    browse: Callable[..., Browsing], portfolio: Portfolio
) -> None:
    Scenario.objects.filter(pk=portfolio.scenario.pk).update(result=None, solved_at=None)
    browsing = as_persona(browse, "office")
    browsing.goto(f"{P}scenarioer/")
    page = browsing.page
    with page.expect_navigation():
        page.get_by_role("link", name="Grunnscenario").click()
    assert "ikke beregnet" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Beregn").click()
    browsing.check_document()
    main = page.locator("main").inner_text()
    assert "Scenarioet er beregnet." in page.inner_text("body")
    assert "Felles sak/arkiv" in page.locator("#chosen-table").inner_text()
    assert (
        "Forutsetter «Velferdsteknologi», som ikke er valgt."
        in page.locator("#left-table").inner_text()
    )
    assert "Samlet verdi" in main
    # the charts are drawn (a canvas each), beside their tables
    page.wait_for_selector("[data-scenario-chart='chart-bubble'] canvas")
    page.wait_for_selector("[data-scenario-chart='chart-budget'] canvas")
    browsing.check_a11y()
    with page.expect_navigation():
        page.get_by_role("link", name="Effektiv front").click()
    page.wait_for_selector("[data-scenario-chart='chart-frontier'] canvas")
    assert page.locator("#frontier-table tbody tr").count() == 11
    browsing.check_a11y()


def test_viewer_reads_without_buttons(
    browse: Callable[..., Browsing], portfolio: Portfolio
) -> None:
    browsing = as_persona(browse, "viewer")
    browsing.visit(f"{P}scenarioer/{portfolio.scenario.uuid}/")
    page = browsing.page
    assert page.get_by_role("button", name="Beregn på nytt").count() == 0
    assert page.get_by_role("link", name="Registrer vedtak").count() == 0
    browsing.visit(f"{P}pott/")
    assert page.get_by_role("link", name="Legg til år").count() == 0


def test_office_creates_and_runs_a_scenario_with_the_keyboard_only(
    browse: Callable[..., Browsing], portfolio: Portfolio
) -> None:
    browsing = as_persona(browse, "office")
    browsing.goto(f"{P}scenarioer/")
    page = browsing.page
    tab_to(page, "(el) => el && el.tagName === 'A' && el.innerText.trim() === 'Nytt scenario'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to_id(page, "id_name")
    page.keyboard.type("Med tastaturet")
    tab_to_id(page, "id_first_year")
    page.keyboard.press("Control+A")
    page.keyboard.type("2027")
    tab_to_id(page, "id_years")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    tab_to_id(page, "id_carry_forward")
    page.keyboard.press("Space")  # no carry-forward
    tab_to_id(page, "id_forced_in_0")
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    scenario = Scenario.objects.get(name="Med tastaturet")
    assert (scenario.first_year, scenario.years, scenario.carry_forward) == (2027, 2, False)
    assert page.url.endswith(f"{P}scenarioer/{scenario.uuid}/")
    tab_to_button(page, "Beregn")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    scenario.refresh_from_db()
    assert scenario.result is not None and len(scenario.result["chosen"]) == 2
    assert "E-handel" in page.locator("#chosen-table").inner_text()
    browsing.check_a11y()
