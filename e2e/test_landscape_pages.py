"""The landscape in a real browser, with the Nye Asker demo landscape loaded into "alfa".

Every analysis page and every register's list, new, detail and edit page is opened as the
administrator and checked by ``Browsing.visit``: status, ``<html lang="nb">``, no console
errors or CSP violations, axe-core at desktop and at 360 px, and no sideways scrolling of the
document at 360 px (wide tables scroll inside their own region). Then the matrix filter
through htmx, an installation created with the keyboard alone, and what the viewer is offered.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from conftest import World
from e2e.conftest import DESKTOP, MOBILE, Browsing
from e2e.test_keyboard import active, tab_to_button, tab_to_id
from samla.landscape.demo import seed_nye_asker_landscape
from samla.landscape.models import (
    Contract,
    IctCost,
    Installation,
    Product,
    ServiceArea,
    SystemCategory,
    Vendor,
)
from samla.organisations import services as organisation_services

pytestmark = pytest.mark.browser

ANALYSIS_PAGES = [
    ("matrix", "/s/alfa/landskap/"),
    ("harmonisation", "/s/alfa/landskap/harmonisering/"),
    ("consolidation", "/s/alfa/landskap/konsolidering/"),
    ("contract-timeline", "/s/alfa/landskap/avtaletidslinje/"),
    ("ict-costs", "/s/alfa/landskap/ikt-kostnader/"),
    ("target-portfolio", "/s/alfa/landskap/malportefolje/"),
]

# register → how to pick the object whose detail and edit pages are opened
REGISTER_OBJECTS: dict[str, Callable[[World], Any]] = {
    "installasjoner": lambda w: (
        Installation.objects.filter(collaboration=w.alfa, integrations__isnull=True)
        .order_by("category__name", "organisation__name")
        .first()
    ),
    "avtaler": lambda w: (
        Contract.objects.filter(collaboration=w.alfa, organisations__gt=0).order_by("-pk").first()
    ),
    "kostnader": lambda w: IctCost.objects.filter(collaboration=w.alfa, category="income").first(),
    "systemer": lambda w: Product.objects.get(collaboration=w.alfa, name="Gerica"),
    "leverandorer": lambda w: Vendor.objects.get(collaboration=w.alfa, name="Visma"),
    "kategorier": lambda w: SystemCategory.objects.get(collaboration=w.alfa, code="ADM-SAK"),
    "tjenesteomrader": lambda w: ServiceArea.objects.get(collaboration=w.alfa, code="HSO"),
}

# Visible text the page must show, so that an empty page cannot pass.
SHOWS = {
    "matrix": "Gerica",
    "harmonisation": "Familia",
    "consolidation": "Poengsum",
    "contract-timeline": "NA-2012-014",
    "ict-costs": "53\xa0821",
    "target-portfolio": "Exitplan",
}


def load_demo(world: World) -> None:
    """The Nye Asker landscape with A as Asker, B as Røyken and a third member as Hurum."""
    hurum = organisation_services.organisation_create_as_member(
        collaboration=world.alfa,
        name="H kommune",
        organisation_number="",
        population=9_000,
        population_date=datetime.date(2026, 1, 1),
    ).organisation
    seed_nye_asker_landscape(
        world.alfa,
        {"Asker kommune": world.org_a, "Røyken kommune": world.org_b, "Hurum kommune": hurum},
    )


@pytest.fixture
def demo(world: World) -> World:
    load_demo(world)
    return world


TABLES_AT_WIDTH = """() => Array.from(document.querySelectorAll("main table")).map((table) => {
  const wrap = table.closest(".samla-table-wrap");
  const box = (wrap || table).getBoundingClientRect();
  return {
    wrapped: !!wrap,
    region: wrap ? wrap.getAttribute("role") + "/" + wrap.getAttribute("tabindex") : "",
    scrolls: wrap ? wrap.scrollWidth > wrap.clientWidth : false,
    right: Math.round(box.right),
  };
})"""


def tables_scroll_inside(browsing: Browsing) -> list[dict[str, Any]]:
    """At 360 px every table sits in a focusable region that scrolls, not the document."""
    page = browsing.page
    page.set_viewport_size(MOBILE)
    try:
        tables = page.evaluate(TABLES_AT_WIDTH)
    finally:
        page.set_viewport_size(DESKTOP)
    for table in tables:
        assert table["wrapped"] and table["region"] == "region/0", (
            f"{page.url}: a table outside a scroll region"
        )
        assert table["right"] <= MOBILE["width"], (
            f"{page.url}: a table region reaches {table['right']} px"
        )
    return tables


def _one_h1(browsing: Browsing) -> str:
    headings = browsing.page.locator("h1")
    assert headings.count() == 1, f"{browsing.page.url}: every page has exactly one <h1>"
    return headings.inner_text()


@pytest.mark.parametrize(("name", "path"), ANALYSIS_PAGES, ids=[p[0] for p in ANALYSIS_PAGES])
def test_analysis_page(browse: Callable[..., Browsing], demo: World, name: str, path: str) -> None:
    browsing = browse("admin")
    browsing.visit(path)
    _one_h1(browsing)
    assert SHOWS[name] in browsing.page.locator("main").inner_text()
    current = browsing.page.locator(".samla-subnav a[aria-current=page]")
    assert current.count() == 1, "the landscape menu marks the page it is on"
    tables = tables_scroll_inside(browsing)
    if name in {"matrix", "consolidation", "contract-timeline", "harmonisation"}:
        assert any(t["scrolls"] for t in tables), (
            f"{name}: the wide table should scroll inside its region"
        )


@pytest.mark.parametrize("slug", list(REGISTER_OBJECTS))
def test_register_pages(browse: Callable[..., Browsing], demo: World, slug: str) -> None:
    obj = REGISTER_OBJECTS[slug](demo)
    assert obj is not None
    browsing = browse("admin")
    page = browsing.page
    base = f"/s/alfa/landskap/{slug}/"
    browsing.visit(base)
    _one_h1(browsing)
    assert page.locator("main table tbody tr").count() >= 1
    tables_scroll_inside(browsing)
    browsing.visit(base + "ny/")
    assert _one_h1(browsing).startswith("Ny ")
    browsing.visit(f"{base}{obj.uuid}/")
    _one_h1(browsing)
    assert page.get_by_role("link", name="Endre").count() == 1
    browsing.visit(f"{base}{obj.uuid}/endre/")
    assert _one_h1(browsing).startswith("Endre ")


def test_form_errors_pass_axe(browse: Callable[..., Browsing], demo: World) -> None:
    """A refused contract (end before start, options without months) is shown accessibly."""
    browsing = browse("admin")
    page = browsing.page
    browsing.goto("/s/alfa/landskap/avtaler/ny/")
    page.get_by_label("Avtalenummer").fill("X-1")
    page.get_by_label("Tittel").fill("Feil avtale")
    page.get_by_label("Leverandør").select_option(label="Visma")
    page.get_by_label("A kommune").check()
    page.get_by_label("Startdato").fill("2026-01-01")
    page.get_by_label("Sluttdato").fill("2025-12-31")
    page.get_by_label("Antall opsjoner").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre").click()
    browsing.check_document()
    summary = page.locator("#error-summary")
    assert "Sluttdatoen kan ikke være før startdatoen." in summary.inner_text()
    assert "Oppgi både antall opsjoner og måneder per opsjon." in summary.inner_text()
    assert not Contract.objects.filter(number="X-1").exists()
    browsing.check_a11y()


def _matrix_categories(page: Any) -> list[str]:
    return [t.split(" · ")[0].strip() for t in page.locator("#matrix tbody th").all_inner_texts()]


def test_matrix_filter_with_htmx(browse: Callable[..., Browsing], demo: World) -> None:
    browsing = browse("admin")
    browsing.visit("/s/alfa/landskap/")
    page = browsing.page
    everything = _matrix_categories(page)
    assert "Sak/arkiv" in everything and len(everything) > 5, everything
    page.evaluate("window.__samlaMarker = 'same document'")
    with page.expect_response(lambda r: "service_area=" in r.url) as response_info:
        page.get_by_label("Tjenesteområde").select_option(label="Kultur, idrett og frivillighet")
    response = response_info.value
    assert response.request.headers.get("hx-request") == "true", "the filter is fetched by htmx"
    page.wait_for_function(
        "() => !document.querySelector('#matrix').innerText.includes('Sak/arkiv')"
    )
    assert page.evaluate("window.__samlaMarker") == "same document", "htmx swapped, no reload"
    assert "service_area=" in page.url, "the filtered matrix has its own address"
    culture = _matrix_categories(page)
    assert culture and set(culture) < set(everything), culture
    kul = {
        c.name
        for c in SystemCategory.objects.filter(collaboration=demo.alfa, service_area__code="KUL")
    }
    assert set(culture) <= kul, culture
    browsing.assert_no_errors()
    browsing.check_a11y()

    # TIME narrows it further; the pushed address works on its own, without htmx.
    with page.expect_response(lambda r: "time_class=invest" in r.url):
        page.get_by_label("TIME").select_option("invest")
    page.wait_for_function("() => location.search.includes('time_class=invest')")
    page.locator("#matrix").wait_for()
    invest = _matrix_categories(page)
    assert set(invest) <= set(culture)
    browsing.visit(page.url)
    assert _matrix_categories(page) == invest
    assert page.get_by_label("TIME").input_value() == "invest"


def test_create_installation_with_keyboard_only(
    browse: Callable[..., Browsing], demo: World
) -> None:
    browsing = browse("editor_a")
    browsing.goto("/s/alfa/landskap/installasjoner/")
    page = browsing.page
    # From the list, follow the "Ny installasjon" button by keyboard.
    page.keyboard.press("Tab")
    for _ in range(80):
        if page.evaluate("document.activeElement.innerText === 'Ny installasjon'"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"Tab never reached «Ny installasjon»; at {active(page)}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/installasjoner/ny/"), page.url
    browsing.check_document()

    # The editor is offered A only, and it is already the only choice.
    organisation_options = page.locator("#id_organisation option").all_inner_texts()
    assert [o for o in organisation_options if "kommune" in o] == ["A kommune"]
    tab_to_id(page, "id_organisation")
    page.keyboard.type("A kommune")
    tab_to_id(page, "id_category")
    page.keyboard.type("Bibliotek")
    tab_to_id(page, "id_product")
    page.keyboard.type("SpeedAdmin")
    tab_to_id(page, "id_users")
    page.keyboard.type("42")
    tab_to_id(page, "id_functional_fit")
    page.keyboard.type("4")
    tab_to_id(page, "id_technical_fit")
    page.keyboard.type("2")
    assert page.locator("#id_category").evaluate("el => el.selectedOptions[0].text") == "Bibliotek"
    assert page.locator("#id_product").evaluate("el => el.selectedOptions[0].text") == "SpeedAdmin"
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    installation = Installation.objects.get(
        collaboration=demo.alfa,
        organisation=demo.org_a,
        product__name="SpeedAdmin",
        category__name="Bibliotek",
    )
    assert page.url.endswith(f"/installasjoner/{installation.uuid}/"), page.url
    assert page.get_by_role("status").inner_text().strip() == "Lagret."
    assert (installation.users, installation.functional_fit, installation.technical_fit) == (
        42,
        4,
        2,
    )
    assert installation.time_class == "migrate"
    browsing.check_a11y()


# The visible text of every link and button in the main content.
CONTROLS_IN_MAIN = """Array.from(document.querySelectorAll("main a[href], main button"))
  .map((el) => el.innerText.trim())"""
CHANGE_WORDS = ("Ny ", "Endre", "Slett", "Fjern", "Lagre")


def test_viewer_sees_no_edit_or_create_buttons(
    browse: Callable[..., Browsing], demo: World
) -> None:
    browsing = browse("viewer")
    page = browsing.page
    paths = [path for _, path in ANALYSIS_PAGES]
    for slug, pick in REGISTER_OBJECTS.items():
        paths += [f"/s/alfa/landskap/{slug}/", f"/s/alfa/landskap/{slug}/{pick(demo).uuid}/"]
    for path in paths:
        browsing.goto(path)
        controls = page.evaluate(CONTROLS_IN_MAIN)
        assert controls, f"no links or buttons found on {path}: the check would be vacuous"
        offered = [c for c in controls if c.startswith(CHANGE_WORDS)]
        assert not offered, f"the viewer is offered {offered} on {path}"
        assert page.locator("main form[method=post]").count() == 0, f"a form that writes on {path}"
    for slug, pick in REGISTER_OBJECTS.items():
        browsing.goto(f"/s/alfa/landskap/{slug}/ny/", status=403)
        browsing.goto(f"/s/alfa/landskap/{slug}/{pick(demo).uuid}/endre/", status=403)
    # The matrix is still readable at 360 px for the viewer.
    browsing.goto("/s/alfa/landskap/")
    page.set_viewport_size(MOBILE)
    assert page.locator("#matrix table").is_visible()
