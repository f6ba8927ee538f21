"""Benefit register, indicator and measurement pages in a real browser: every page passes
``Browsing.visit`` (status, lang, no console or CSP errors, axe at desktop and 360 px, no
sideways scrolling), the trajectory chart is drawn beside its table, A's editor enters a
measurement with the keyboard alone, and an import is checked then confirmed."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from e2e.conftest import Browsing
from e2e.test_keyboard import tab_to, tab_to_button, tab_to_id
from samla.benefits.models import Measurement
from tests.test_benefits_register_pages import Register, build_register

pytestmark = pytest.mark.browser

G = "/s/alfa/gevinster/"


@pytest.fixture
def register(world: Any) -> Register:
    return build_register(world)


def start(browsing: Browsing) -> Browsing:
    """The live server's first answer imports and compiles much; on a busy machine it can
    take longer than a page's timeout, so it is asked for once with patience."""
    browsing.page.goto(browsing.url(f"{G}register/"), timeout=60_000)
    return browsing


def pages(r: Register) -> list[str]:
    return [
        f"{G}register/",
        f"{G}register/?indikator=behind",
        f"{G}register/ny/",
        f"{G}register/{r.slow.uuid}/",
        f"{G}register/{r.licences.uuid}/",
        f"{G}register/{r.services_benefit.uuid}/",
        f"{G}register/{r.slow.uuid}/endre/",
        f"{G}register/{r.slow.uuid}/indikatorer/ny/",
        f"{G}indikatorer/{r.hours.uuid}/endre/",
        f"{G}indikatorer/{r.hours.uuid}/delmal/ny/",
        f"{G}indikatorer/{r.hours.uuid}/maalinger/ny/",
        f"{G}maalinger/{r.measurement.uuid}/endre/",
        f"{G}maalinger/import/",
    ]


def test_every_page_as_admin(browse: Callable[..., Browsing], register: Register) -> None:
    browsing = start(browse("admin"))
    for path in pages(register):
        browsing.visit(path)
        assert browsing.page.locator("h1").count() == 1, path


def test_trajectory_chart_is_drawn_beside_its_table(
    browse: Callable[..., Browsing], register: Register
) -> None:
    browsing = start(browse("viewer"))
    browsing.visit(f"{G}register/{register.slow.uuid}/")
    page = browsing.page
    chart = page.locator(f'[data-trajectory="trajectory-{register.hours.uuid}"]')
    page.wait_for_function(
        "(id) => document.querySelector(`[data-trajectory='${id}'] canvas`) !== null",
        arg=f"trajectory-{register.hours.uuid}",
    )
    assert chart.get_attribute("data-drawn") == "true"
    table = page.locator(f"#plan-caption-{register.hours.uuid}").locator("xpath=..")
    assert "01.07.2026" in table.inner_text()
    assert page.get_by_role("link", name="Endre gevinsten").count() == 0


def test_editor_enters_a_measurement_with_the_keyboard_only(
    browse: Callable[..., Browsing], register: Register
) -> None:
    browsing = start(browse("editor_a"))
    detail = f"{G}register/{register.slow.uuid}/"
    browsing.goto(detail)
    page = browsing.page
    tab_to(
        page,
        "(el) => el && el.tagName === 'A' && el.innerText.trim().startsWith('Ny måling')",
        limit=120,
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    tab_to_id(page, "id_measured_on")
    page.keyboard.type("01102026")
    tab_to_id(page, "id_value")
    page.keyboard.type("950,5")
    tab_to_id(page, "id_comment")
    page.keyboard.type("Tall fra sakssystemet, tredje kvartal")
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    assert page.url.endswith(f"{detail}#indikator-{register.hours.uuid}")
    measurement = Measurement.objects.get(comment="Tall fra sakssystemet, tredje kvartal")
    assert str(measurement.value) == "950.5000"
    assert measurement.organisation == register.world.org_a
    assert "Målingen er registrert." in page.locator("main").inner_text()


def test_keyboard_error_is_announced_and_nothing_written(
    browse: Callable[..., Browsing], register: Register
) -> None:
    browsing = start(browse("editor_a"))
    browsing.goto(f"{G}indikatorer/{register.hours.uuid}/maalinger/ny/")
    page = browsing.page
    before = Measurement.objects.count()
    tab_to_id(page, "id_measured_on")
    page.keyboard.type("01012025")
    tab_to_id(page, "id_value")
    page.keyboard.type("950")
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_a11y()
    assert "Målingen kan ikke være datert før nullpunktet" in page.locator("main").inner_text()
    assert Measurement.objects.count() == before


def _file(tmp_path: Path, rows: list[list[Any]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Målinger"
    sheet.append(["Indikator", "Dato", "Verdi", "Enhet", "Organisasjon", "Kommentar"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "maalinger.xlsx"
    path.write_bytes(buffer.getvalue())
    return path


def test_import_is_checked_then_confirmed(
    browse: Callable[..., Browsing], register: Register, tmp_path: Path
) -> None:
    browsing = start(browse("office"))
    browsing.goto(f"{G}maalinger/import/")
    page = browsing.page
    before = Measurement.objects.count()
    page.set_input_files(
        "#id_file", _file(tmp_path, [["G-01/Timer brukt", "2025-01-01", 9, "", "", ""]])
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Kontroller filen").click()
    browsing.check_a11y()
    assert "Målingen kan ikke være datert før nullpunktet" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Lagre 1 måling").count() == 0
    page.set_input_files(
        "#id_file", _file(tmp_path, [["G-01/Timer brukt", "2026-10-01", 950, "timer", "", "Q3"]])
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Kontroller filen").click()
    browsing.check_a11y()
    assert Measurement.objects.count() == before
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre 1 måling").click()
    browsing.check_document()
    assert Measurement.objects.count() == before + 1
    assert "1 måling er lagret." in page.locator("main").inner_text()
