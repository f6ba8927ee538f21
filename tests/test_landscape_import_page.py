"""The landscape's import and export page: check first, save when asked, write nothing on
any error, and only what the role allows."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import World
from samla.landscape import io as landscape_io
from samla.landscape.models import Installation, Product

URL = reverse("landscape:import_export", args=["alfa"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def installation_file(world: World, organisation: str, category: str = "Bibliotek", users: str = "12") -> SimpleUploadedFile:
    workbook = openpyxl.load_workbook(io.BytesIO(landscape_io.landscape_template_workbook(world.alfa)))
    sheet = workbook["Installasjoner"]
    headers = [c.value for c in sheet[1]]
    for row in list(sheet.iter_rows(min_row=2)):
        for cell in row:
            cell.value = None
    values = {"Organisasjon": organisation, "Kategori": category, "System": "Bibliofil", "Antall brukere": users}
    for index, header in enumerate(headers, start=1):
        sheet.cell(row=2, column=index, value=values.get(header))
    for name in ("Avtaler", "IKT-kostnader"):
        if name in workbook.sheetnames:
            del workbook[name]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("landskap.xlsx", buffer.getvalue(), content_type=XLSX)


def test_check_then_save(world: World) -> None:
    client = world.client_for("office")
    response = client.post(URL, {"file": installation_file(world, "A kommune"), "dry_run": "on"})
    assert response.status_code == 200
    assert "ingen feil" in response.content.decode()
    assert not Installation.objects.exists()
    response = client.post(URL, {"file": installation_file(world, "A kommune")})
    assert response.status_code == 200
    assert "Importen er lagret" in response.content.decode()
    installation = Installation.objects.get()
    assert (installation.organisation, installation.users) == (world.org_a, 12)
    # Re-importing with a new figure updates the row instead of adding one.
    client.post(URL, {"file": installation_file(world, "A kommune", users="20")})
    assert Installation.objects.get().users == 20


@pytest.mark.parametrize(
    ("organisation", "category", "message"),
    [("Ukjent kommune", "Bibliotek", "Organisasjon"), ("A kommune", "Finnes ikke", "Kategori")],
)
def test_bad_rows_are_listed_and_nothing_is_written(world: World, organisation: str, category: str, message: str) -> None:
    response = world.client_for("office").post(URL, {"file": installation_file(world, organisation, category)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ingenting er lagret" in page and message in page
    assert not Installation.objects.exists()
    assert not Product.objects.filter(name="Bibliofil").exists()


def test_not_a_spreadsheet(world: World) -> None:
    bad = SimpleUploadedFile("landskap.xlsx", b"this is not a zip file", content_type=XLSX)
    response = world.client_for("office").post(URL, {"file": bad})
    assert response.status_code == 200
    assert not Installation.objects.exists()


def test_editor_imports_only_own_organisation(world: World) -> None:
    client = world.client_for("editor_a")
    response = client.post(URL, {"file": installation_file(world, "B kommune")})
    assert response.status_code == 200
    assert not Installation.objects.exists()
    response = client.post(URL, {"file": installation_file(world, "A kommune")})
    assert response.status_code == 200
    assert Installation.objects.get().organisation == world.org_a


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_forbidden_upload(world: World, persona: str, status: int) -> None:
    response = world.client_for(persona).post(URL, {"file": installation_file(world, "A kommune")})
    assert response.status_code == status
    assert not Installation.objects.exists()


@pytest.mark.parametrize("fmt", ["xlsx", "template"])
def test_downloads_open_again(world: World, fmt: str) -> None:
    response = world.client_for("viewer").get(URL, {"format": fmt})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Installasjoner" in workbook.sheetnames
    assert world.client_for("outsider").get(URL, {"format": fmt}).status_code == 404


def test_registers_are_paginated(world: World) -> None:
    from samla.landscape import services
    from samla.landscape.views import REGISTER_PAGE_SIZE

    for index in range(REGISTER_PAGE_SIZE + 5):
        services.vendor_save(collaboration=world.alfa, name=f"Leverandør {index:03d}")
    url = reverse("landscape:register_list", args=["alfa", "leverandorer"])
    first = world.client_for("viewer").get(url)
    assert len(first.context["rows"]) == REGISTER_PAGE_SIZE
    second = world.client_for("viewer").get(url, {"side": 2})
    assert len(second.context["rows"]) == 5
