"""The analysis downloads: every XLSX opens again and holds what the page shows; the
target portfolio's DOCX holds the decisions and the exit plan."""

from __future__ import annotations

import io
from io import StringIO

import docx
import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from samla.organisations.models import User

PAGES = [
    ("/s/nye-asker/landskap/", "Landskap", ["Kategori", "Tjenesteområde", "Asker kommune"]),
    ("/s/nye-asker/landskap/harmonisering/", "Harmonisering", ["Kategori", "System", "Brukes i"]),
    ("/s/nye-asker/landskap/konsolidering/", "Konsolidering", ["Rang", "Kategori"]),
    ("/s/nye-asker/landskap/avtaletidslinje/", "Avtaletidslinje", ["Avtalenummer", "Tittel"]),
    ("/s/nye-asker/landskap/ikt-kostnader/", "IKT-kostnader", ["Organisasjon", "Linje", "2013"]),
    ("/s/nye-asker/landskap/malportefolje/", "Målportefølje", ["Kategori", "Målsystem"]),
]


@pytest.fixture
def demo_client(db: None) -> Client:
    call_command("seed_demo", stdout=StringIO())
    client = Client()
    client.force_login(User.objects.get(username="leser"))
    return client


@pytest.mark.parametrize(("path", "sheet", "headers"), PAGES)
def test_analysis_xlsx_opens_again(demo_client: Client, path: str, sheet: str, headers: list[str]) -> None:
    response = demo_client.get(path, {"format": "xlsx"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == sheet
    first_row = [c.value for c in workbook.worksheets[0][1]]
    assert first_row[: len(headers)] == headers
    assert workbook.worksheets[0].max_row > 1


def test_ict_costs_xlsx_has_askers_totals(demo_client: Client) -> None:
    response = demo_client.get("/s/nye-asker/landskap/ikt-kostnader/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = {r[1]: r[2:] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "Asker kommune"}
    assert list(rows["Totale IKT-driftskostnader"]) == [38_039_000, 40_995_000, 44_881_000, 46_244_000]
    assert list(rows["Andel konkurranseutsatt (%)"]) == [66.2, 63.4, 61.5, 68.4]


def test_target_portfolio_docx(demo_client: Client) -> None:
    response = demo_client.get("/s/nye-asker/landskap/malportefolje/", {"format": "docx"})
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Målportefølje og exitplan – Nye Asker kommune" in text
    assert "Pleie og omsorg: Gerica" in text
    assert "Exitplan" in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Hurum kommune" in cells and "migrerer" in cells
    assert "si opp avtale" in cells


def test_exported_cells_are_neutralised(demo_client: Client) -> None:
    from samla.landscape.models import Product

    product = Product.objects.get(name="Gerica")
    product.name = "=HYPERLINK(\"http://evil\")"
    product.save()
    response = demo_client.get("/s/nye-asker/landskap/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert not any(v.startswith("=") for v in values)
    assert any(v.startswith("'=HYPERLINK") for v in values)


def test_outsider_cannot_download(db: None) -> None:
    call_command("seed_demo", stdout=StringIO())
    client = Client()
    client.force_login(User.objects.get(username="knutepunkt"))
    assert client.get("/s/nye-asker/landskap/", {"format": "xlsx"}).status_code == 404
