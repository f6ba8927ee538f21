"""The project, programme and phase-model pages in a real browser: every main page passes
``Browsing.visit`` (status, lang, no console or CSP errors, axe at desktop and 360 px, no
sideways scrolling), the viewer is offered no changes, and the project leader ticks a
checklist item off with the keyboard alone (htmx swaps the checklist and keeps the focus).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from e2e.conftest import Browsing
from e2e.test_keyboard import tab_to, tab_to_id
from samla.governance import services
from samla.governance.models import ChecklistItem
from tests.test_governance_project_pages import G1, build_g1

pytestmark = pytest.mark.browser

B = "/s/alfa/prosjekter/"


@pytest.fixture
def g1(world: Any) -> G1:
    g = build_g1(world)
    report = services.status_report_create(
        project=g.project,
        period=datetime.date(2026, 3, 1),
        overall="yellow",
        schedule="green",
        quality="green",
        economy="red",
        risk="yellow",
        benefits="green",
        overall_comment="Forsinket leveranse",
    )
    services.status_report_publish(report=report, user=None)
    services.project_create(
        collaboration=world.alfa, start=datetime.date(2026, 1, 5), name="Uten modell"
    )
    return g


def main_pages(g: G1) -> list[str]:
    return [
        B,
        f"{B}?status=active&samlet=yellow",
        f"{B}ny/",
        f"{B}{g.project.uuid}/",
        f"{B}{g.project.uuid}/endre/",
        f"{B}{g.project.uuid}/faser/",
        f"{B}milepaeler/{g.milestone.uuid}/endre/",
        f"{B}beslutningspunkter/{g.gate.uuid}/endre/",
        f"{B}programmer/",
        f"{B}programmer/{g.programme.uuid}/",
        f"{B}fasemodeller/",
        f"{B}fasemodeller/{g.model.uuid}/",
        f"{B}fasemodeller/{g.model.uuid}/kopier/",
    ]


def test_main_pages_as_admin(browse: Callable[..., Browsing], g1: G1) -> None:
    browsing = browse("admin")
    browsing.page.set_default_timeout(30_000)  # the first page warms a cold server up
    for page in main_pages(g1):
        browsing.visit(page)


def test_viewer_pages_offer_no_changes(browse: Callable[..., Browsing], g1: G1) -> None:
    browsing = browse("viewer")
    for path in (B, f"{B}{g1.project.uuid}/", f"{B}{g1.project.uuid}/faser/", f"{B}fasemodeller/"):
        browsing.visit(path)
        main = browsing.page.locator("main")
        assert main.locator("form[method=post]").count() == 0, path
        assert "Nytt prosjekt" not in main.inner_text()
    browsing.goto(f"{B}{g1.project.uuid}/endre/", status=403)


def test_heat_map_names_the_colours(browse: Callable[..., Browsing], g1: G1) -> None:
    browsing = browse("viewer")
    browsing.goto(B)
    row = browsing.page.locator("table.g1-heatmap tbody tr", has_text="Felles sak/arkiv")
    cells = row.locator("td.g1-cell").all_inner_texts()
    assert [c.strip() for c in cells] == ["Gul", "Grønn", "Grønn", "Rød", "Gul", "Grønn"]


def test_leader_ticks_a_checklist_item_with_the_keyboard(
    browse: Callable[..., Browsing], g1: G1
) -> None:
    browsing = browse("editor_a")
    page = browsing.page
    browsing.goto(f"{B}{g1.project.uuid}/faser/")
    button_id = f"tick-{g1.item.uuid}"
    tab_to_id(page, button_id)
    assert page.get_attribute(f"#{button_id}", "aria-pressed") == "false"
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"() => document.getElementById({button_id!r})"
        f" && document.getElementById({button_id!r}).getAttribute('aria-pressed') === 'true'"
    )
    # The checklist was swapped in place and the focus stayed on the item.
    assert page.evaluate("document.activeElement && document.activeElement.id") == button_id
    item = ChecklistItem.objects.get(pk=g1.item.pk)
    assert item.done and item.done_by == g1.world.editor_a
    assert "utført av" in page.locator(f"#checklist-{g1.gate.uuid}").inner_text()
    browsing.assert_no_errors()
    # Space ticks it off again.
    page.keyboard.press("Space")
    page.wait_for_function(
        f"() => document.getElementById({button_id!r}).getAttribute('aria-pressed') === 'false'"
    )
    assert not ChecklistItem.objects.get(pk=g1.item.pk).done
    browsing.check_a11y()


def test_create_project_with_the_keyboard(browse: Callable[..., Browsing], g1: G1) -> None:
    browsing = browse("office")
    page = browsing.page
    browsing.goto(B)
    tab_to(page, "(el) => el && el.tagName === 'A' && el.innerText.trim() === 'Nytt prosjekt'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    tab_to_id(page, "id_phase_model")
    page.keyboard.press("ArrowDown")  # the first model in the list
    tab_to_id(page, "id_name")
    page.keyboard.type("Felles innbyggerdialog")
    tab_to_id(page, "id_start")
    page.keyboard.type("01022026")
    tab_to(
        page, "(el) => el && el.tagName === 'BUTTON' && el.innerText.trim() === 'Opprett prosjekt'"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    assert "Felles innbyggerdialog" in page.locator("h1").inner_text()
    assert page.locator("ol.g1-phasebar li[aria-current=step]").count() == 1
