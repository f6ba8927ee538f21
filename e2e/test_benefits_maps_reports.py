"""Benefit maps, realisation plans, plan against actual and the dashboard in a real browser:
every page passes ``Browsing.visit`` (status, lang, no console or CSP errors, axe at desktop
and 360 px, no sideways scrolling), and a manager adds an element and a link to a benefit map
with the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from e2e.conftest import Browsing
from e2e.test_keyboard import tab_to, tab_to_button, tab_to_id
from samla.benefits.models import MapLink, MapNode
from tests.test_benefits_map_pages import Maps, build_maps
from tests.test_benefits_plan_vs_actual import Realisation, build_realisation

pytestmark = pytest.mark.browser

G = "/s/alfa/gevinster/"


@dataclass
class Data:
    maps: Maps
    realisation: Realisation


@pytest.fixture
def data(world: Any) -> Data:
    return Data(build_maps(world), build_realisation(world))


def pages(d: Data) -> list[str]:
    m, r = d.maps, d.realisation
    return [
        G,
        f"{G}planer/",
        f"{G}kart/",
        f"{G}kart/nytt/",
        f"{G}kart/{m.benefit_map.uuid}/",
        f"{G}kart/{m.benefit_map.uuid}/endre/",
        f"{G}kart/{m.benefit_map.uuid}/elementer/nytt/",
        f"{G}kart/{m.benefit_map.uuid}/koblinger/ny/",
        f"{G}kart/elementer/{m.change.uuid}/endre/",
        f"{G}{r.benefit.uuid}/plan-mot-faktisk/",
        reverse("cases:version_detail", kwargs={"slug": "alfa", "version_id": r.version.uuid}),
    ]


def test_every_page_as_admin(browse: Callable[..., Browsing], data: Data) -> None:
    browsing = browse("admin")
    for path in pages(data):
        browsing.visit(path)
        assert browsing.page.locator("h1").count() == 1, path


def test_viewer_reads_map_and_dashboard(browse: Callable[..., Browsing], data: Data) -> None:
    browsing = browse("viewer")
    browsing.visit(f"{G}kart/{data.maps.benefit_map.uuid}/")
    page = browsing.page
    assert page.locator("svg.samla-map").is_visible()
    assert page.get_by_role("link", name="Nytt element").count() == 0
    browsing.visit(G)
    # the charts are drawn beside their tables
    page.wait_for_selector('[data-chart="chart-year"][data-chart-drawn="true"]')
    assert page.locator("#by-year").is_visible()


def test_manager_adds_a_node_and_a_link_with_the_keyboard(
    browse: Callable[..., Browsing], data: Data
) -> None:
    benefit_map = data.maps.benefit_map
    browsing = browse("office")
    detail = f"{G}kart/{benefit_map.uuid}/"
    browsing.goto(detail)
    page = browsing.page
    tab_to(page, "(el) => el && el.tagName === 'A' && el.innerText.trim() === 'Nytt element'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to_id(page, "id_kind")
    page.keyboard.type("Mål")
    tab_to_id(page, "id_title")
    page.keyboard.type("Raskere svar til innbyggerne")
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(detail + "#elementer")
    objective = MapNode.objects.get(map=benefit_map, title="Raskere svar til innbyggerne")
    assert objective.kind == "objective"
    tab_to(page, "(el) => el && el.tagName === 'A' && el.innerText.trim() === 'Ny kobling'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to_id(page, "id_source")
    page.keyboard.type("Mål")
    tab_to_id(page, "id_target")
    page.keyboard.type("Gevinst")
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(detail + "#koblinger")
    link = MapLink.objects.get(map=benefit_map, source=objective)
    assert link.target == data.maps.benefit_node
    assert "Raskere svar til innbyggerne fører til Mindre tid per sak" in page.content()
    browsing.check_a11y()


def test_link_to_itself_shows_the_message(browse: Callable[..., Browsing], data: Data) -> None:
    browsing = browse("admin")
    browsing.goto(f"{G}kart/{data.maps.benefit_map.uuid}/koblinger/ny/")
    page = browsing.page
    page.select_option("#id_source", str(data.maps.challenge.uuid))
    page.select_option("#id_target", str(data.maps.challenge.uuid))
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre").click()
    assert "Et element kan ikke kobles til seg selv." in page.locator("main").inner_text()
    assert MapLink.objects.filter(map=data.maps.benefit_map).count() == 1
    browsing.check_a11y()
