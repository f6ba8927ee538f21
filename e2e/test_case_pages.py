"""The business-case pages in a real browser: every page passes ``Browsing.visit`` (status,
lang, no console or CSP errors, axe at desktop and 360 px, no sideways scrolling), the charts
draw, the viewer is offered no changes, and a line is added with the keyboard alone.

The e-procurement example is imported into "alfa"; version 1 is approved, version 2 a draft.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from e2e.conftest import Browsing
from e2e.test_keyboard import active, tab_to, tab_to_button, tab_to_id
from samla.cases.models import Line
from tests.test_case_pages import Cases, build_cases

pytestmark = pytest.mark.browser

B = "/s/alfa/business-case/"


@pytest.fixture
def cases(world: Any) -> Cases:
    return build_cases(world)


def admin_pages(c: Cases) -> list[str]:
    return [
        B,
        f"{B}ny/",
        f"{B}importer/",
        f"{B}{c.case.uuid}/",
        f"{B}{c.case.uuid}/endre/",
        f"{B}{c.case.uuid}/sammenlign/?a={c.v1.uuid}&b={c.v2.uuid}",
        f"{B}versjoner/{c.v1.uuid}/",
        f"{B}versjoner/{c.v2.uuid}/endre/",
        f"{B}versjoner/{c.v2.uuid}/alternativer/ny/",
        f"{B}versjoner/{c.v2.uuid}/forutsetninger/ny/",
        f"{B}alternativer/{c.alternative.uuid}/endre/",
        f"{B}alternativer/{c.alternative.uuid}/linjer/ny/",
        f"{B}alternativer/{c.alternative.uuid}/virkninger/ny/",
        f"{B}linjer/{c.line.uuid}/endre/",
        f"{B}virkninger/{c.effect.uuid}/endre/",
        f"{B}forutsetninger/{c.assumption.uuid}/endre/",
    ]


def charts_drawn(browsing: Browsing) -> int:
    """How many [data-chart] elements hold a canvas or an svg."""
    page = browsing.page
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-chart]'))"
        ".every((el) => el.querySelector('canvas, svg'))"
    )
    return page.evaluate(
        "document.querySelectorAll('[data-chart] canvas, [data-chart] svg').length"
    )


def test_every_page_as_admin(browse: Callable[..., Browsing], cases: Cases) -> None:
    browsing = browse("admin")
    for path in admin_pages(cases):
        browsing.visit(path)
        assert browsing.page.locator("h1").count() == 1, path


def test_case_page_draws_its_charts(browse: Callable[..., Browsing], cases: Cases) -> None:
    browsing = browse("viewer")
    browsing.visit(f"{B}{cases.case.uuid}/")
    page = browsing.page
    charts = page.locator("[data-chart]").count()
    # cumulative, tornado, histogram, S-curve and per organisation for "Felles e-handel"
    assert charts >= 5
    assert charts_drawn(browsing) >= charts
    main = page.locator("main").inner_text()
    assert "Alternativene sammenlignet" in main
    assert "Felles e-handel" in main
    # The viewer is offered nothing that changes the case.
    assert page.get_by_role("link", name="Rediger utkastet").count() == 0
    assert page.get_by_role("button", name="Godkjenn og lås").count() == 0
    assert page.get_by_role("button", name="Ny versjon").count() == 0
    browsing.assert_no_errors()


def test_viewer_pages(browse: Callable[..., Browsing], cases: Cases) -> None:
    browsing = browse("viewer")
    browsing.visit(B)
    assert browsing.page.get_by_role("link", name="Ny business case").count() == 0
    browsing.visit(f"{B}versjoner/{cases.v1.uuid}/")
    browsing.visit(f"{B}{cases.case.uuid}/sammenlign/?a={cases.v1.uuid}&b={cases.v2.uuid}")
    browsing.goto(f"{B}versjoner/{cases.v2.uuid}/endre/", status=403)


def test_add_a_line_with_the_keyboard(browse: Callable[..., Browsing], cases: Cases) -> None:
    browsing = browse("admin")
    page = browsing.page
    browsing.goto(f"{B}versjoner/{cases.v2.uuid}/endre/")
    tab_to(
        page,
        "(el) => el && el.tagName === 'A' && el.innerText.trim().startsWith('Ny linje')"
        " && el.href.includes('" + str(cases.alternative.uuid) + "')",
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    tab_to_id(page, "id_kind")
    page.keyboard.press("End")  # the last kind: residual value
    kind = page.evaluate("document.getElementById('id_kind').value")
    assert kind == "residual", active(page)
    tab_to_id(page, "id_name")
    page.keyboard.type("Restverdi av plattformen")
    tab_to_id(page, "id_distribution")
    page.keyboard.press("End")  # normal: mean and standard deviation
    assert page.evaluate("document.getElementById('id_distribution').value") == "normal"
    # The fields the distribution does not use are hidden, so Tab skips them.
    assert page.locator("#id_low").is_hidden()
    tab_to_id(page, "id_amount")
    page.keyboard.type("200 000")
    tab_to_id(page, "id_spread")
    page.keyboard.type("50 000")
    tab_to_id(page, "id_first_year")
    page.keyboard.press("Control+a")
    page.keyboard.type("2023")
    tab_to_id(page, "id_last_year")
    page.keyboard.press("Control+a")
    page.keyboard.type("2023")
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    line = Line.objects.get(alternative=cases.alternative, name="Restverdi av plattformen")
    assert (line.kind, line.distribution, line.first_year, line.last_year) == (
        "residual",
        "normal",
        2023,
        2023,
    )
    assert line.amount == 200_000 and line.spread == 50_000 and line.low is None
    assert "Restverdi av plattformen" in page.locator("main").inner_text()


def test_line_form_error_is_accessible(browse: Callable[..., Browsing], cases: Cases) -> None:
    browsing = browse("admin")
    page = browsing.page
    browsing.goto(f"{B}alternativer/{cases.alternative.uuid}/linjer/ny/")
    page.get_by_label("Navn").first.fill("Feil linje")
    page.get_by_label("Usikkerhet").select_option("triangular")
    page.locator("#id_low").fill("300")
    page.locator("#id_amount").fill("100")
    page.locator("#id_high").fill("500")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre").click()
    browsing.check_document()
    summary = page.locator("#error-summary")
    assert "Lavt ≤ mest sannsynlig ≤ høyt må gjelde." in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert not Line.objects.filter(name="Feil linje").exists()
    browsing.check_a11y()


def test_background_simulation_is_polled_and_swapped_in(
    browse: Callable[..., Browsing], cases: Cases, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large case shows a progress bar while its run is queued; htmx swaps the results in."""
    from samla.cases import services
    from samla.cases.document import document_digest, version_document
    from samla.cases.models import MonteCarloRun

    monkeypatch.setattr(services, "INLINE_MONTE_CARLO_LIMIT", 1_000)
    run = MonteCarloRun.objects.create(
        version=cases.v2, document_digest=document_digest(version_document(cases.v2))
    )
    browsing = browse("viewer")
    browsing.visit(f"{B}versjoner/{cases.v2.uuid}/")
    page = browsing.page
    assert page.locator("#monte-carlo progress").count() == 1
    services.monte_carlo_execute(run_id=run.pk)
    page.wait_for_function("() => !document.querySelector('#monte-carlo progress')", timeout=10_000)
    assert "rask simulering" not in page.locator("#monte-carlo").inner_text()
    assert charts_drawn(browsing) >= 5
    browsing.assert_no_errors()
