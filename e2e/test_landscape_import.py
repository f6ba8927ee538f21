"""The import and export page in a real browser: axe on the empty page, on a check that
passed and on a file with errors; the file chosen and sent with the keyboard's help."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import pytest

from conftest import World
from e2e.conftest import Browsing
from samla.landscape import io as landscape_io
from samla.landscape.models import Installation

pytestmark = pytest.mark.browser

URL = "/s/alfa/landskap/import-eksport/"


def workbook_file(world: World, tmp_path, organisation: str) -> str:  # type: ignore[no-untyped-def]
    workbook = openpyxl.load_workbook(io.BytesIO(landscape_io.landscape_template_workbook(world.alfa)))
    sheet = workbook["Installasjoner"]
    headers = [c.value for c in sheet[1]]
    for row in list(sheet.iter_rows(min_row=2)):
        for cell in row:
            cell.value = None
    values = {"Organisasjon": organisation, "Kategori": "Bibliotek", "System": "Bibliofil", "Antall brukere": 9}
    for index, header in enumerate(headers, start=1):
        sheet.cell(row=2, column=index, value=values.get(header))
    for name in ("Avtaler", "IKT-kostnader"):
        if name in workbook.sheetnames:
            del workbook[name]
    path = tmp_path / f"{organisation}.xlsx"
    workbook.save(path)
    return str(path)


def test_import_page_check_and_errors(browse: Callable[..., Browsing], world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    browsing = browse("office")
    page = browsing.page
    browsing.visit(URL)
    page.set_input_files("#id_file", workbook_file(world, tmp_path, "A kommune"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "ingen feil" in page.locator("main").inner_text()
    browsing.check_a11y()
    assert not Installation.objects.exists()  # "check only" is ticked by default

    page.set_input_files("#id_file", workbook_file(world, tmp_path, "Ukjent kommune"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "Ingenting er lagret" in text and "Ukjent kommune" in text
    browsing.check_a11y()
    assert not Installation.objects.exists()

    page.set_input_files("#id_file", workbook_file(world, tmp_path, "A kommune"))
    page.uncheck("#id_dry_run")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Importen er lagret" in page.locator("main").inner_text()
    assert Installation.objects.get().organisation == world.org_a


def test_viewer_sees_downloads_but_no_upload(browse: Callable[..., Browsing], world: World) -> None:
    browsing = browse("viewer")
    browsing.visit(URL)
    assert browsing.page.locator("#id_file").count() == 0
    assert browsing.page.get_by_role("link", name="Tom mal med veiledning (XLSX)").count() == 1
