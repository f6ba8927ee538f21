"""Survey results in a real browser, with the Nye Asker demo landscape and demo surveys
loaded into "alfa" (A as Asker, B as Røyken, H as Hurum).

Every result page is opened by ``Browsing.visit`` (status, lang, no console errors or CSP
violations, axe at desktop and 360 px, no sideways scrolling) as the administrator and as
the viewer; the charts must actually be drawn (an ECharts canvas inside each chart), and
each chart has its table. Then results are accepted with the keyboard alone.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import World
from e2e.conftest import Browsing
from e2e.test_keyboard import active, tab_to, tab_to_button
from e2e.test_landscape_pages import load_demo, tables_scroll_inside
from samla.organisations.models import Organisation
from samla.surveys import demo as survey_demo
from samla.surveys.models import Campaign

pytestmark = pytest.mark.browser


@pytest.fixture
def surveyed(world: World) -> Campaign:
    load_demo(world)
    organisations = {
        "Asker kommune": world.org_a,
        "Røyken kommune": world.org_b,
        "Hurum kommune": Organisation.objects.get(name="H kommune"),
    }
    survey_demo.seed_nye_asker_surveys(world.alfa, organisations, accepted_by=world.admin)
    return Campaign.objects.get(collaboration=world.alfa, name=survey_demo.CARE_CAMPAIGN)


def results_path(campaign: Campaign) -> str:
    return f"/s/alfa/undersokelser/{campaign.uuid}/resultater/"


def comparison_path(campaign: Campaign) -> str:
    assert campaign.category is not None
    return f"/s/alfa/undersokelser/sammenligning/{campaign.category.uuid}/"


def assert_charts_drawn(browsing: Browsing, minimum: int) -> None:
    page = browsing.page
    page.wait_for_function(
        """(minimum) => {
            const charts = document.querySelectorAll("[data-chart]");
            return charts.length >= minimum
                && Array.from(charts).every((c) => c.querySelector("canvas"));
        }""",
        arg=minimum,
    )
    charts = page.evaluate(
        """() => Array.from(document.querySelectorAll("[data-chart]")).map((chart) => {
            const figure = chart.closest("figure");
            const region = figure && figure.nextElementSibling;
            const canvas = chart.querySelector("canvas");
            // Bars are drawn in colour; axes, grid and labels are grey.
            let coloured = 0;
            if (canvas) {
                const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
                for (let i = 0; i < data.length; i += 16) {
                    const spread = Math.max(data[i], data[i + 1], data[i + 2])
                        - Math.min(data[i], data[i + 1], data[i + 2]);
                    if (data[i + 3] > 200 && spread > 60) { coloured += 1; }
                }
            }
            return {
                coloured: coloured,
                role: chart.getAttribute("role"),
                label: chart.getAttribute("aria-label") || "",
                height: chart.getBoundingClientRect().height,
                canvasWidth: canvas ? canvas.getBoundingClientRect().width : 0,
                tableAfter: !!(region && region.querySelector("table")),
            };
        })"""
    )
    assert len(charts) >= minimum
    for chart in charts:
        assert chart["role"] == "img" and "tabellen" in chart["label"], chart
        assert chart["height"] > 100 and chart["canvasWidth"] > 100, chart
        assert chart["coloured"] > 200, f"{page.url}: a chart without bars: {chart}"
        assert chart["tableAfter"], f"{page.url}: a chart without its table"


def warm_up(browsing: Browsing, path: str) -> None:
    """Ask for the page and for ECharts (1.1 MB) once before the timed visit: on a busy test
    machine the live server's first request (templates compiled, modules imported) and the
    script can take the whole of a page's load timeout. The visit then checks as usual."""
    browsing.page.request.get(browsing.url(path), timeout=60_000)
    browsing.page.request.get(browsing.url("/static/vendor/echarts.min.js"), timeout=60_000)


@pytest.mark.parametrize("persona", ["admin", "viewer"])
def test_campaign_results_page(
    browse: Callable[..., Browsing], surveyed: Campaign, persona: str
) -> None:
    browsing = browse(persona)
    warm_up(browsing, results_path(surveyed))
    browsing.visit(results_path(surveyed))
    main = browsing.page.locator("main").inner_text()
    assert "Gerica" in main and "Profil" in main
    assert "Sammendrag per spørsmål og system" in main
    assert browsing.page.locator("#summary-table tbody tr").count() > 10
    assert_charts_drawn(browsing, 8)
    tables_scroll_inside(browsing)
    browsing.assert_no_errors()
    # The charts follow the window: at 360 px they are redrawn to fit.
    browsing.page.set_viewport_size({"width": 360, "height": 740})
    browsing.page.wait_for_timeout(300)  # the resize handler waits 150 ms
    widest = browsing.page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('[data-chart] canvas'))"
        ".map((c) => c.getBoundingClientRect().right))"
    )
    assert widest <= 360
    browsing.page.set_viewport_size({"width": 1280, "height": 800})


@pytest.mark.parametrize("persona", ["admin", "viewer"])
def test_category_comparison_page(
    browse: Callable[..., Browsing], surveyed: Campaign, persona: str
) -> None:
    browsing = browse(persona)
    warm_up(browsing, comparison_path(surveyed))
    browsing.visit(comparison_path(surveyed))
    main = browsing.page.locator("main").inner_text()
    assert survey_demo.CARE_CAMPAIGN in main
    assert "Snitt per spørsmål" in main
    assert_charts_drawn(browsing, 1)
    tables_scroll_inside(browsing)


def test_accept_page_and_raw_answers_page(
    browse: Callable[..., Browsing], surveyed: Campaign
) -> None:
    Campaign.objects.filter(pk=surveyed.pk).update(results_accepted_at=None, anonymous=False)
    browsing = browse("office")
    browsing.visit(f"/s/alfa/undersokelser/{surveyed.uuid}/resultater/godkjenn/")
    assert browsing.page.locator("#accept-table tbody tr").count() == 3  # A, B, H
    browsing.visit(f"/s/alfa/undersokelser/{surveyed.uuid}/svar/")
    assert browsing.page.locator("#raw-table tbody tr").count() == 50  # first page


def test_accept_results_with_the_keyboard(
    browse: Callable[..., Browsing], surveyed: Campaign
) -> None:
    Campaign.objects.filter(pk=surveyed.pk).update(results_accepted_at=None)
    browsing = browse("admin")
    browsing.goto(results_path(surveyed))
    page = browsing.page
    tab_to(
        page, "(el) => el && el.tagName === 'A' && el.innerText.trim() === 'Godkjenn resultatene'"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    assert "/godkjenn/" in page.url
    tab_to_button(page, "Godkjenn resultatene")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    assert page.url.endswith("/resultater/"), active(page)
    assert "Resultatene er godkjent." in page.locator(".samla-messages").inner_text()
    surveyed.refresh_from_db()
    assert surveyed.results_accepted_at is not None
    browsing.check_a11y()
