"""Import and export of the landscape registers (XLSX and CSV)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from conftest import World
from samla.landscape.io import (
    CONTRACTS,
    COSTS,
    INSTALLATIONS,
    ImportReport,
    export_landscape_csv,
    export_landscape_workbook,
    import_landscape_file,
    landscape_template_workbook,
    parse_date,
    parse_decimal,
    register_headers,
)
from samla.landscape.models import (
    Contract,
    IctCost,
    Installation,
    Product,
    SystemCategory,
    TimeClass,
    Vendor,
)
from samla.landscape.services import (
    contract_save,
    ict_cost_save,
    installation_save,
    product_save,
    vendor_save,
)
from samla.organisations import services as organisations

# --- Building files -----------------------------------------------------------------------

INSTALLATION: dict[str, Any] = {
    "Organisasjon": "A kommune",
    "Kategori": "Sak/arkiv",
    "System": "Elements",
    "Leverandør": "Sikri",
    "Versjon": "",
    "Drift": "",
    "Antall brukere": 10,
    "Brukergrupper": "Saksbehandlere",
    "Livsløp": "I bruk",
    "Funksjonell egnethet": 3,
    "Teknisk egnethet": 4,
    "TIME overstyrt": "",
    "Begrunnelse": "",
}
CONTRACT: dict[str, Any] = {
    "Avtalenummer": "2026-01",
    "Tittel": "Sak/arkiv",
    "Leverandør": "Sikri",
    "Avtaleparter": "A kommune; B kommune",
    "Systemer": "Elements",
    "Startdato": "01.01.2026",
    "Sluttdato": "31.12.2029",
    "Antall opsjoner": 2,
    "Måneder per opsjon": 12,
    "Oppsigelsestid (måneder)": 6,
    "Årlig verdi": "250 000,50",
    "Estimert totalverdi": "1 500 000",
    "Prosedyre": "Åpen anbudskonkurranse",
    "Rammeavtale": "nei",
    "Lenke": "https://example.no/avtale",
}
COST: dict[str, Any] = {
    "Organisasjon": "A kommune",
    "År": 2026,
    "Type": "Drift",
    "Kostnadsart": "Programvare – lisenser / vedlikehold",
    "Beløp": "1 200 000",
    "Konkurranseutsatt": "ja",
    "Beskrivelse": "Lisenser",
}
TEMPLATES = {INSTALLATIONS: INSTALLATION, CONTRACTS: CONTRACT, COSTS: COST}


def rows(register: str, *changes: dict[str, Any]) -> list[list[Any]]:
    """A header row and one row per change applied to the register's valid example."""
    headers = list(TEMPLATES[register])
    return [headers] + [
        [{**TEMPLATES[register], **change}[h] for h in headers] for change in changes
    ]


def xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook written the ordinary way, as a user's spreadsheet program would."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, sheet_rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in sheet_rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(table: list[list[Any]], delimiter: str = ";", bom: bool = False) -> bytes:
    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if delimiter in text or '"' in text else text

    text = "\r\n".join(delimiter.join(cell(v) for v in row) for row in table) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def run(world: World, data: bytes, filename: str = "landskap.xlsx", **options: Any) -> ImportReport:
    options.setdefault("dry_run", False)
    return import_landscape_file(world.alfa, data, filename, **options)


def written() -> dict[str, int]:
    """Everything an import could write, history included."""
    result = {}
    for model in (Vendor, Product, Installation, Contract, IctCost):
        result[model.__name__] = model.objects.count()
        result[f"{model.__name__} history"] = model.history.count()
    result["contract parties"] = Contract.organisations.through.objects.count()
    result["contract products"] = Contract.products.through.objects.count()
    return result


def results(report: ImportReport) -> dict[str, tuple[int, int, int]]:
    return {
        name: (r.created, r.updated, r.unchanged) for name, r in report.results.items() if r.rows
    }


def open_workbook(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


def sheet_dicts(workbook: Any, title: str) -> list[dict[str, Any]]:
    values = list(workbook[title].iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


# --- A landscape made through the services ------------------------------------------------


def seed_landscape(world: World) -> None:
    alfa, org_a, org_b = world.alfa, world.org_a, world.org_b
    archive = SystemCategory.objects.get(collaboration=alfa, code="ADM-SAK")
    accounting = SystemCategory.objects.get(collaboration=alfa, code="ADM-OKO")
    sikri = vendor_save(
        collaboration=alfa, name="Sikri", organisation_number="", website="https://sikri.no"
    )
    unit4 = vendor_save(collaboration=alfa, name="Unit4")
    elements = product_save(
        collaboration=alfa,
        name="Elements",
        vendor=sikri,
        version="5.2",
        hosting=Product.Hosting.SAAS,
    )
    agresso = product_save(collaboration=alfa, name="Agresso", vendor=unit4)
    product_save(collaboration=alfa, name="Reservesystem")  # no vendor, not in use
    installation_save(
        collaboration=alfa,
        organisation=org_a,
        category=archive,
        product=elements,
        users=120,
        user_groups="=cmd|' /C calc'!A0",
        functional_fit=3,
        technical_fit=2,
    )
    installation_save(
        collaboration=alfa,
        organisation=org_b,
        category=archive,
        product=elements,
        users=300,
        lifecycle=Installation.Lifecycle.PHASING_OUT,
        functional_fit=1,
        technical_fit=1,
        time_override=TimeClass.TOLERATE,
        time_override_reason="-Avvikles når avtalen går ut",
    )
    installation_save(collaboration=alfa, organisation=org_b, category=accounting, product=agresso)
    contract_save(
        collaboration=alfa,
        organisations=[org_a, org_b],
        products=[elements, agresso],
        number="2024-17",
        title="Sak/arkiv og økonomi",
        vendor=sikri,
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2027, 12, 31),
        extension_options=2,
        extension_option_months=12,
        notice_period_months=6,
        yearly_value=Decimal("250000.50"),
        total_estimated_value=Decimal("1500000"),
        procedure=Contract.Procedure.OPEN,
        is_framework_agreement=True,
        document_url="https://example.no/avtale/17",
    )
    contract_save(
        collaboration=alfa, organisations=[org_a], number="A-1", title="+Lite", vendor=unit4
    )
    ict_cost_save(
        collaboration=alfa,
        organisation=org_a,
        year=2025,
        kind=IctCost.Kind.OPERATING,
        category=IctCost.Category.LICENCES,
        amount=Decimal("1200000.00"),
        exposed_to_competition=True,
        description="Lisenser",
    )
    ict_cost_save(
        collaboration=alfa,
        organisation=org_a,
        year=2025,
        kind=IctCost.Kind.OPERATING,
        category=IctCost.Category.INCOME,
        amount=Decimal("50000"),
        description="Salg til B",
    )
    ict_cost_save(
        collaboration=alfa,
        organisation=org_b,
        year=2026,
        kind=IctCost.Kind.INVESTMENT,
        category=IctCost.Category.INVESTMENT,
        amount=Decimal("300000"),
        exposed_to_competition=True,
    )


# --- Template -----------------------------------------------------------------------------


def test_template_has_register_sheets_examples_and_guide(db: None) -> None:
    workbook = open_workbook(landscape_template_workbook())
    assert workbook.sheetnames == [INSTALLATIONS, CONTRACTS, COSTS, "Veiledning", "Kategorier"]
    for register in (INSTALLATIONS, CONTRACTS, COSTS):
        sheet = workbook[register]
        assert [c.value for c in sheet[1]] == register_headers(register)
        assert all(c.font.b for c in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == 2  # one example row
    guide = sheet_dicts(workbook, "Veiledning")
    drift = next(r for r in guide if r["Ark"] == INSTALLATIONS and r["Kolonne"] == "Drift")
    assert "Skytjeneste (SaaS)" in drift["Format og tillatte verdier"]
    assert any(
        r["Kolonne"] == "Kostnadsart" and "Inntekter" in r["Format og tillatte verdier"]
        for r in guide
    )
    assert len(sheet_dicts(workbook, "Kategorier")) == 50


def test_template_for_a_collaboration_imports_cleanly_and_again_changes_nothing(
    world: World,
) -> None:
    template = landscape_template_workbook(world.alfa)
    report = run(world, template, "mal.xlsx")
    assert report.errors == []
    assert results(report)[INSTALLATIONS] == (1, 0, 0)
    assert results(report)[CONTRACTS] == (1, 0, 0)
    assert results(report)[COSTS] == (1, 0, 0)
    contract = Contract.objects.get(number="2026-001")
    assert contract.start_date == datetime.date(2026, 1, 1)  # a real Excel date
    assert contract.vendor.name == "Eksempel AS"
    before = written()
    again = run(world, template, "mal.xlsx")
    assert results(again) == {INSTALLATIONS: (0, 0, 1), CONTRACTS: (0, 0, 1), COSTS: (0, 0, 1)}
    assert written() == before


def test_generic_template_names_an_example_organisation(world: World) -> None:
    report = run(world, landscape_template_workbook())
    assert not report.ok
    assert any("«Eksempel kommune» er ikke medlem" in str(p) for p in report.errors)


# --- Export -------------------------------------------------------------------------------


def test_export_has_every_register_with_computed_columns(world: World) -> None:
    seed_landscape(world)
    workbook = open_workbook(export_landscape_workbook(world.alfa))
    assert workbook.sheetnames == [
        INSTALLATIONS,
        CONTRACTS,
        COSTS,
        "Leverandører",
        "Systemer",
        "Kategorier",
    ]
    installations = sheet_dicts(workbook, INSTALLATIONS)
    assert [(r["Organisasjon"], r["System"], r["TIME-klasse"]) for r in installations] == [
        ("A kommune", "Elements", "Migrere"),
        ("B kommune", "Elements", "Tolerere"),  # Sak/arkiv before Økonomi/regnskap
        ("B kommune", "Agresso", None),
    ]
    assert installations[0]["Drift"] == "Skytjeneste (SaaS)"
    contract = sheet_dicts(workbook, CONTRACTS)[0]
    assert contract["Avtalenummer"] == "2024-17"
    assert contract["Avtaleparter"] == "A kommune; B kommune"
    assert contract["Systemer"] == "Agresso; Elements"
    assert contract["Siste frist for oppsigelse"] == datetime.datetime(2027, 6, 30)
    assert contract["Seneste sluttdato med opsjoner"] == datetime.datetime(2029, 12, 31)
    assert contract["Rammeavtale"] == "ja"
    sheet = workbook[CONTRACTS]
    assert sheet["K2"].number_format == "# ##0"  # Årlig verdi
    assert sheet["F2"].number_format == "dd.mm.yyyy"  # Startdato
    costs = sheet_dicts(workbook, COSTS)
    assert [c["Beløp"] for c in costs] == [-50000, 1200000, 300000]
    assert {r["Navn"] for r in sheet_dicts(workbook, "Leverandører")} == {"Sikri", "Unit4"}
    assert len(sheet_dicts(workbook, "Systemer")) == 3
    assert len(sheet_dicts(workbook, "Kategorier")) == 50


def test_export_neutralises_text_that_would_be_a_formula(world: World) -> None:
    seed_landscape(world)
    workbook = open_workbook(export_landscape_workbook(world.alfa))
    sheet = workbook[INSTALLATIONS]
    groups = [row[7] for row in sheet.iter_rows(min_row=2)]
    assert groups[0].value == "'=cmd|' /C calc'!A0"
    assert groups[0].data_type == "s"
    assert sheet["M3"].value == "'-Avvikles når avtalen går ut"
    assert sheet_dicts(workbook, CONTRACTS)[1]["Tittel"] == "'+Lite"
    assert not [c for s in workbook for row in s.iter_rows() for c in row if c.data_type == "f"]
    assert "'=cmd|" in export_landscape_csv(world.alfa, INSTALLATIONS).decode("utf-8-sig")


def test_export_then_import_changes_nothing(world: World) -> None:
    seed_landscape(world)
    before = written()
    report = run(world, export_landscape_workbook(world.alfa), "eksport.xlsx")
    assert report.errors == []
    assert results(report) == {INSTALLATIONS: (0, 0, 3), CONTRACTS: (0, 0, 2), COSTS: (0, 0, 3)}
    assert written() == before
    assert Installation.objects.get(organisation=world.org_a).user_groups == "=cmd|' /C calc'!A0"


@pytest.mark.parametrize("register", [INSTALLATIONS, CONTRACTS, COSTS])
def test_csv_export_then_import_changes_nothing(world: World, register: str) -> None:
    seed_landscape(world)
    before = written()
    report = run(world, export_landscape_csv(world.alfa, register), "eksport.csv")
    assert report.errors == []
    assert [r.created + r.updated for r in report.results.values()] == [0] * len(report.results)
    assert written() == before


# --- Importing good files -----------------------------------------------------------------


def test_import_creates_rows_vendors_and_products(world: World) -> None:
    data = xlsx(
        {
            INSTALLATIONS: rows(
                INSTALLATIONS,
                {},
                {
                    "Organisasjon": "964338531",
                    "Kategori": "adm-sak",
                    "Drift": "saas",
                    "Versjon": "5.2",
                },
            ),
            CONTRACTS: rows(
                CONTRACTS, {"Startdato": datetime.date(2026, 1, 1), "Systemer": "Elements; Ny app"}
            ),
            COSTS: rows(
                COSTS,
                {},
                {"Kostnadsart": "Inntekter", "Beløp": "40 000,50", "Konkurranseutsatt": ""},
                {"Kostnadsart": "Investering", "Type": "Drift", "Beløp": 1000},
            ),
        }
    )
    report = run(world, data)
    assert report.errors == []
    assert results(report) == {
        INSTALLATIONS: (2, 0, 0),
        CONTRACTS: (1, 0, 0),
        COSTS: (3, 0, 0),
        "Leverandører": (1, 0, 0),
        "Systemer": (2, 0, 0),
    }
    elements = Product.objects.get(name="Elements")
    assert (elements.vendor.name, elements.version, elements.hosting) == ("Sikri", "5.2", "saas")
    assert Product.objects.get(name="Ny app").vendor == elements.vendor
    assert set(Installation.objects.values_list("organisation__name", flat=True)) == {
        "A kommune",
        "B kommune",
    }
    contract = Contract.objects.get()
    assert contract.yearly_value == Decimal("250000.50")
    assert contract.total_estimated_value == Decimal("1500000")
    assert contract.end_date == datetime.date(2029, 12, 31)
    assert {o.name for o in contract.organisations.all()} == {"A kommune", "B kommune"}
    assert {p.name for p in contract.products.all()} == {"Elements", "Ny app"}
    assert contract.history.count() >= 1
    income = IctCost.objects.get(category="income")
    assert income.amount == Decimal("-40000.50")
    assert income.exposed_to_competition is False  # the category's default
    assert IctCost.objects.get(category="investment").kind == "investment"
    assert Installation.history.count() == 2
    assert "Import fra landskap.xlsx" in Installation.history.first().history_change_reason


@pytest.mark.parametrize(
    ("delimiter", "bom"), [(";", False), (";", True), (",", False), (",", True)]
)
def test_csv_import(world: World, delimiter: str, bom: bool) -> None:
    table = rows(INSTALLATIONS, {"Antall brukere": "1 200"}, {"Organisasjon": "B kommune"})
    report = run(world, csv_bytes(table, delimiter, bom), "installasjoner.csv")
    assert report.errors == []
    assert results(report)[INSTALLATIONS] == (2, 0, 0)
    assert Installation.objects.get(organisation=world.org_a).users == 1200


def test_csv_contract_parties_with_semicolons_inside_quotes(world: World) -> None:
    report = run(world, csv_bytes(rows(CONTRACTS, {}), ";"), "avtaler.csv")
    assert report.errors == []
    assert Contract.objects.get().organisations.count() == 2


def test_csv_row_numbers_in_messages(world: World) -> None:
    table = rows(COSTS, {}, {"Beløp": "-5"})
    report = run(world, csv_bytes(table, ","), "kostnader.csv")
    assert [(p.sheet, p.row, p.column) for p in report.errors] == [(COSTS, 3, "Beløp")]


def test_reimport_updates_instead_of_duplicating(world: World) -> None:
    assert run(world, xlsx({INSTALLATIONS: rows(INSTALLATIONS, {"Antall brukere": 10})})).ok
    history = Installation.history.count()
    report = run(world, xlsx({INSTALLATIONS: rows(INSTALLATIONS, {"Antall brukere": 20})}))
    assert report.errors == []
    assert results(report)[INSTALLATIONS] == (0, 1, 0)
    installation = Installation.objects.get()
    assert installation.users == 20
    assert Installation.history.count() == history + 1


def test_reimport_updates_contracts_and_costs(world: World) -> None:
    data = xlsx({CONTRACTS: rows(CONTRACTS, {}), COSTS: rows(COSTS, {})})
    assert run(world, data).ok
    changed = xlsx(
        {
            CONTRACTS: rows(CONTRACTS, {"Avtaleparter": "A kommune", "Tittel": "Ny tittel"}),
            COSTS: rows(COSTS, {"Beløp": 5}),
        }
    )
    report = run(world, changed)
    assert results(report) == {CONTRACTS: (0, 1, 0), COSTS: (0, 1, 0)}
    contract = Contract.objects.get()
    assert contract.title == "Ny tittel"
    assert [o.name for o in contract.organisations.all()] == ["A kommune"]
    assert IctCost.objects.get().amount == Decimal(5)


def test_dry_run_writes_nothing_but_counts(world: World) -> None:
    before = written()
    data = xlsx(
        {
            INSTALLATIONS: rows(INSTALLATIONS, {}),
            CONTRACTS: rows(CONTRACTS, {}),
            COSTS: rows(COSTS, {}),
        }
    )
    report = run(world, data, dry_run=True)
    assert report.ok and not report.saved
    assert results(report)[INSTALLATIONS] == (1, 0, 0)
    assert results(report)[CONTRACTS] == (1, 0, 0)
    assert written() == before


def test_organisations_by_number_and_ambiguous_names(world: World) -> None:
    organisations.organisation_create_as_member(collaboration=world.alfa, name="A kommune")
    report = run(world, xlsx({INSTALLATIONS: rows(INSTALLATIONS, {})}))
    assert [(p.column, p.message) for p in report.errors] == [
        ("Organisasjon", "Flere medlemmer heter «A kommune». Bruk organisasjonsnummeret.")
    ]
    report = run(world, xlsx({INSTALLATIONS: rows(INSTALLATIONS, {"Organisasjon": "974 760 673"})}))
    assert report.errors == []
    assert Installation.objects.get().organisation == world.org_a


def test_names_match_ignoring_case_but_exact_names_win(world: World) -> None:
    product_save(collaboration=world.alfa, name="Visma")
    product_save(collaboration=world.alfa, name="VISMA")
    data = xlsx(
        {
            INSTALLATIONS: rows(
                INSTALLATIONS,
                {"System": "VISMA", "Leverandør": ""},
                {"System": "visma ", "Leverandør": "", "Organisasjon": "B kommune"},
            )
        }
    )
    assert run(world, data).errors == []
    assert sorted(Installation.objects.values_list("organisation__name", "product__name")) == [
        ("A kommune", "VISMA"),
        ("B kommune", "Visma"),
    ]
    assert Product.objects.count() == 2


def test_accepts_an_uploaded_file_and_a_path(world: World, tmp_path: Path) -> None:
    data = xlsx({INSTALLATIONS: rows(INSTALLATIONS, {})})
    upload = SimpleUploadedFile("opplasting.xlsx", data)
    report = import_landscape_file(world.alfa, upload, dry_run=True)
    assert (report.filename, report.ok) == ("opplasting.xlsx", True)
    path = tmp_path / "fil.xlsx"
    path.write_bytes(data)
    assert import_landscape_file(world.alfa, path, dry_run=False).ok
    assert Installation.objects.count() == 1


def test_import_of_2000_rows_with_few_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    categories = list(SystemCategory.objects.filter(collaboration=world.alfa))
    table = [list(INSTALLATION)]
    for organisation in ("A kommune", "B kommune"):
        for category in categories:
            for number in range(20):
                row = {
                    **INSTALLATION,
                    "Organisasjon": organisation,
                    "Kategori": category.code,
                    "System": f"System {number}",
                    "Leverandør": f"Leverandør {number % 5}",
                    "Antall brukere": number,
                }
                table.append([row[h] for h in INSTALLATION])
    data = xlsx({INSTALLATIONS: table})
    with django_assert_max_num_queries(150):  # batches, not a query per row
        report = run(world, data)
    assert report.errors == []
    assert results(report)[INSTALLATIONS] == (2000, 0, 0)
    assert Installation.objects.count() == 2000
    assert Installation.history.count() == 2000
    assert Product.objects.count() == 20 and Vendor.objects.count() == 5
    assert (
        Installation.objects.get(
            organisation=world.org_b, category=categories[7], product__name="System 13"
        ).users
        == 13
    )
    with django_assert_max_num_queries(20):
        again = run(world, data)
    assert results(again)[INSTALLATIONS] == (0, 0, 2000)


# --- Bad input: a clear message, nothing written ------------------------------------------

Case = tuple[Callable[[], tuple[bytes, str]], tuple[str, int | None, str | None], str]


def in_xlsx(register: str, *changes: dict[str, Any]) -> Callable[[], tuple[bytes, str]]:
    return lambda: (xlsx({register: rows(register, *changes)}), "landskap.xlsx")


def raw(data: bytes, filename: str) -> Callable[[], tuple[bytes, str]]:
    return lambda: (data, filename)


def without(
    register: str, *headers: str, rename: dict[str, str] | None = None
) -> Callable[[], tuple[bytes, str]]:
    def build() -> tuple[bytes, str]:
        table = rows(register, {})
        keep = [i for i, h in enumerate(table[0]) if h not in headers]
        table = [[row[i] for i in keep] for row in table]
        table[0] = [(rename or {}).get(h, h) for h in table[0]]
        return xlsx({register: table}), "landskap.xlsx"

    return build


FILE = ("", None, None)
BAD_INPUT: dict[str, Case] = {
    "wrong file type": (
        raw(b"Organisasjon;Kategori", "landskap.txt"),
        FILE,
        "Filtypen støttes ikke",
    ),
    "old excel format": (
        raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "landskap.xls"),
        FILE,
        "Bruk .xlsx eller .csv",
    ),
    "xlsx that is not a zip": (
        raw(b"\xd0\xcf\x11\xe0 not a zip", "landskap.xlsx"),
        FILE,
        "ikke en gyldig Excel-fil",
    ),
    "zip that is not a workbook": (
        raw(b"PK\x05\x06" + b"\0" * 18, "landskap.xlsx"),
        FILE,
        "ikke en gyldig Excel-fil",
    ),
    "empty xlsx": (raw(b"", "landskap.xlsx"), FILE, "Filen er tom"),
    "empty csv": (raw(b"", "landskap.csv"), FILE, "Filen er tom"),
    "csv with only a BOM": (raw("\ufeff\r\n".encode(), "landskap.csv"), FILE, "Filen er tom"),
    "csv with only a header": (raw(csv_bytes(rows(COSTS)), "k.csv"), FILE, "ingen rader"),
    "xlsx with only headers": (in_xlsx(INSTALLATIONS), FILE, "ingen rader"),
    "csv of no known register": (raw(b"a;b;c\r\n1;2;3\r\n", "x.csv"), FILE, "hvilket register"),
    "csv not in utf-8": (
        raw("Organisasjon;År\r\nØ;1\r\n".encode("latin-1"), "x.csv"),
        FILE,
        "UTF-8",
    ),
    "xlsx without register sheets": (
        lambda: (xlsx({"Ark1": [["a"], ["b"]]}), "x.xlsx"),
        FILE,
        "Fant ingen av arkene",
    ),
    "missing columns": (
        without(INSTALLATIONS, "Kategori", "Livsløp"),
        (INSTALLATIONS, 1, None),
        "Mangler kolonnene «Kategori», «Livsløp».",
    ),
    "renamed column": (
        without(INSTALLATIONS, rename={"Kategori": "Kategory"}),
        (INSTALLATIONS, 1, None),
        "Mangler kolonnen «Kategori». Ukjente kolonner: «Kategory».",
    ),
    "unknown organisation": (
        in_xlsx(INSTALLATIONS, {"Organisasjon": "Z kommune"}),
        (INSTALLATIONS, 2, "Organisasjon"),
        "«Z kommune» er ikke medlem av samarbeidet",
    ),
    "member of another collaboration": (
        in_xlsx(COSTS, {"Organisasjon": "C kommune"}),
        (COSTS, 2, "Organisasjon"),
        "ikke medlem",
    ),
    "unknown category": (
        in_xlsx(INSTALLATIONS, {"Kategori": "Tankelesing"}),
        (INSTALLATIONS, 2, "Kategori"),
        "Ukjent kategori «Tankelesing»",
    ),
    "missing system": (
        in_xlsx(INSTALLATIONS, {"System": ""}),
        (INSTALLATIONS, 2, "System"),
        "Må fylles ut",
    ),
    "negative cost": (
        in_xlsx(COSTS, {"Beløp": "-1 000"}),
        (COSTS, 2, "Beløp"),
        "kan ikke være negativt",
    ),
    "cost that is not a number": (
        in_xlsx(COSTS, {"Beløp": "mye"}),
        (COSTS, 2, "Beløp"),
        "ikke et tall",
    ),
    "year out of range": (in_xlsx(COSTS, {"År": 1890}), (COSTS, 2, "År"), "mellom 1990 og 2100"),
    "unknown kostnadsart": (
        in_xlsx(COSTS, {"Kostnadsart": "Kaffe"}),
        (COSTS, 2, "Kostnadsart"),
        "Ukjent verdi «Kaffe»",
    ),
    "yes/no": (
        in_xlsx(COSTS, {"Konkurranseutsatt": "kanskje"}),
        (COSTS, 2, "Konkurranseutsatt"),
        "ja eller nei",
    ),
    "end before start": (
        in_xlsx(CONTRACTS, {"Startdato": "01.01.2027", "Sluttdato": "2026-12-31"}),
        (CONTRACTS, 2, "Sluttdato"),
        "før startdatoen",
    ),
    "not a date": (
        in_xlsx(CONTRACTS, {"Startdato": "31.02.2026"}),
        (CONTRACTS, 2, "Startdato"),
        "ikke en dato",
    ),
    "options without months": (
        in_xlsx(CONTRACTS, {"Måneder per opsjon": ""}),
        (CONTRACTS, 2, "Måneder per opsjon"),
        "både antall",
    ),
    "bad link": (
        in_xlsx(CONTRACTS, {"Lenke": "avtale.pdf"}),
        (CONTRACTS, 2, "Lenke"),
        "gyldig nettadresse",
    ),
    "unknown party": (
        in_xlsx(CONTRACTS, {"Avtaleparter": "A kommune; Z kommune"}),
        (CONTRACTS, 2, "Avtaleparter"),
        "«Z kommune»",
    ),
    "duplicate installation rows": (
        in_xlsx(INSTALLATIONS, {}, {"Kategori": "ADM-SAK", "Antall brukere": 3}),
        (INSTALLATIONS, 3, None),
        "står også i rad 2",
    ),
    "duplicate contract numbers": (
        in_xlsx(CONTRACTS, {}, {"Tittel": "Annen"}),
        (CONTRACTS, 3, "Avtalenummer"),
        "står også i rad 2",
    ),
    "duplicate cost lines": (
        in_xlsx(COSTS, {}, {"Beløp": 7}),
        (COSTS, 3, None),
        "står også i rad 2",
    ),
    "formula cell": (
        in_xlsx(INSTALLATIONS, {"Antall brukere": "=5*2"}),
        (INSTALLATIONS, 2, "Antall brukere"),
        "formel",
    ),
    "formula in a text cell": (
        in_xlsx(INSTALLATIONS, {"Brukergrupper": '=HYPERLINK("http://x")'}),
        (INSTALLATIONS, 2, "Brukergrupper"),
        "formel",
    ),
    "fit out of range": (
        in_xlsx(INSTALLATIONS, {"Teknisk egnethet": 5}),
        (INSTALLATIONS, 2, "Teknisk egnethet"),
        "mellom 1 og 4",
    ),
    "users not a number": (
        in_xlsx(INSTALLATIONS, {"Antall brukere": "mange"}),
        (INSTALLATIONS, 2, "Antall brukere"),
        "ikke et heltall",
    ),
    "unknown lifecycle": (
        in_xlsx(INSTALLATIONS, {"Livsløp": "Kanskje"}),
        (INSTALLATIONS, 2, "Livsløp"),
        "I bruk",
    ),
    "override without reason": (
        in_xlsx(INSTALLATIONS, {"TIME overstyrt": "Avvikle"}),
        (INSTALLATIONS, 2, "Begrunnelse"),
        "Begrunn",
    ),
    "conflicting product versions": (
        in_xlsx(INSTALLATIONS, {"Versjon": "5"}, {"Organisasjon": "B kommune", "Versjon": "6"}),
        (INSTALLATIONS, 3, "Versjon"),
        "annen verdi her enn i rad 2",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT), ids=list(BAD_INPUT))
def test_bad_input_gives_a_clear_message_and_writes_nothing(world: World, case: str) -> None:
    build, (sheet, row, column), message = BAD_INPUT[case]
    data, filename = build()
    before = written()
    report = run(world, data, filename)
    assert not report.ok
    assert report.results == {}
    assert [(p.sheet, p.row, p.column) for p in report.errors] == [(sheet, row, column)], (
        report.errors
    )
    assert message in report.errors[0].message
    assert written() == before


def test_every_bad_row_is_reported_and_nothing_written(world: World) -> None:
    data = xlsx(
        {
            INSTALLATIONS: rows(
                INSTALLATIONS,
                {"Organisasjon": "Z kommune"},
                {},
                {"Kategori": "Ukjent", "Funksjonell egnethet": 9},
            ),
            COSTS: rows(COSTS, {"Beløp": -1}),
        }
    )
    report = run(world, data)
    assert [(p.sheet, p.row, p.column) for p in report.errors] == [
        (INSTALLATIONS, 2, "Organisasjon"),
        (INSTALLATIONS, 4, "Kategori"),
        (INSTALLATIONS, 4, "Funksjonell egnethet"),
        (COSTS, 2, "Beløp"),
    ]
    assert str(report.errors[0]) == (
        "Installasjoner, rad 2, kolonne «Organisasjon»: «Z kommune» er ikke medlem av samarbeidet."
    )
    assert Installation.objects.count() == 0 and Vendor.objects.count() == 0


def test_file_over_the_size_limit_is_refused_before_reading(world: World) -> None:
    data = xlsx({INSTALLATIONS: rows(INSTALLATIONS, {})})
    with override_settings(SAMLA_MAX_UPLOAD_BYTES=len(data) - 1):
        report = run(world, data)
        upload = SimpleUploadedFile("stor.xlsx", data)
        upload_report = import_landscape_file(world.alfa, upload, dry_run=False)
    assert "Filen er for stor" in report.errors[0].message
    assert "Filen er for stor" in upload_report.errors[0].message
    assert Installation.objects.count() == 0
    with override_settings(SAMLA_MAX_UPLOAD_BYTES=len(data)):
        assert run(world, data).ok


# --- Editors: their own organisation only -------------------------------------------------


def test_editor_may_import_own_organisation(world: World) -> None:
    data = xlsx(
        {
            INSTALLATIONS: rows(INSTALLATIONS, {}),
            CONTRACTS: rows(CONTRACTS, {"Avtaleparter": "A kommune"}),
            COSTS: rows(COSTS, {}),
        }
    )
    report = run(world, data, restrict_to_organisation=world.org_a)
    assert report.errors == []
    assert Installation.objects.get().organisation == world.org_a


def test_editor_may_not_import_other_organisations(world: World) -> None:
    data = xlsx(
        {
            INSTALLATIONS: rows(INSTALLATIONS, {}, {"Organisasjon": "B kommune"}),
            CONTRACTS: rows(CONTRACTS, {}),
            COSTS: rows(COSTS, {"Organisasjon": "964338531"}),
        }
    )
    before = written()
    report = run(world, data, restrict_to_organisation=world.org_a)
    assert [(p.sheet, p.row, p.column) for p in report.errors] == [
        (INSTALLATIONS, 3, "Organisasjon"),
        (CONTRACTS, 2, "Avtaleparter"),
        (COSTS, 2, "Organisasjon"),
    ]
    assert all("bare importere rader for A kommune" in p.message for p in report.errors)
    assert written() == before


def test_editor_may_not_change_shared_contracts_or_systems(world: World) -> None:
    assert run(
        world,
        xlsx(
            {
                INSTALLATIONS: rows(INSTALLATIONS, {"Versjon": "5.2"}),
                CONTRACTS: rows(CONTRACTS, {}),
            }
        ),
    ).ok
    before = written()
    report = run(
        world,
        xlsx(
            {
                INSTALLATIONS: rows(INSTALLATIONS, {"Versjon": "6.0"}),
                CONTRACTS: rows(CONTRACTS, {"Avtaleparter": "A kommune"}),
            }
        ),
        restrict_to_organisation=world.org_a,
    )
    assert [(p.sheet, p.row, p.column) for p in report.errors] == [
        (INSTALLATIONS, 2, "Versjon"),
        (CONTRACTS, 2, "Avtalenummer"),
    ]
    assert "Bare administratorer" in report.errors[0].message
    assert "andre avtaleparter" in report.errors[1].message
    assert written() == before


# --- Parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234 567,89", Decimal("1234567.89")),
        ("1\xa0234\xa0567,89", Decimal("1234567.89")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("1234567.89", Decimal("1234567.89")),
        ("kr 1 200", Decimal(1200)),
        ("\u2212500", Decimal(-500)),
        (1200, Decimal(1200)),
        (0.1, Decimal("0.1")),
    ],
)
def test_parse_decimal(text: Any, expected: Decimal) -> None:
    assert parse_decimal(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31.12.2026", datetime.date(2026, 12, 31)),
        ("2026-12-31", datetime.date(2026, 12, 31)),
        ("2026-12-31 00:00:00", datetime.date(2026, 12, 31)),
        (datetime.datetime(2026, 12, 31, 0, 0), datetime.date(2026, 12, 31)),
        (46387, datetime.date(2026, 12, 31)),  # an Excel day number
    ],
)
def test_parse_date(value: Any, expected: datetime.date) -> None:
    assert parse_date(value) == expected


# --- Commands -----------------------------------------------------------------------------


def test_export_and_import_commands(world: World, tmp_path: Path) -> None:
    seed_landscape(world)
    workbook = tmp_path / "landskap.xlsx"
    call_command(
        "export_landscape", "--collaboration", "alfa", "-o", str(workbook), stdout=io.StringIO()
    )
    assert load_workbook(workbook).sheetnames[0] == INSTALLATIONS
    out = io.StringIO()
    call_command(
        "import_landscape", str(workbook), "--collaboration", "alfa", "--dry-run", stdout=out
    )
    assert "Installasjoner: 0 nye, 0 endret, 3 uendret" in out.getvalue()
    assert "Dry run" in out.getvalue()
    csv_file = tmp_path / "kostnader.csv"
    call_command(
        "export_landscape",
        "--collaboration",
        "alfa",
        "-o",
        str(csv_file),
        "--register",
        COSTS,
        stdout=io.StringIO(),
    )
    assert csv_file.read_bytes().startswith("\ufeffOrganisasjon;År".encode())
    out = io.StringIO()
    call_command("import_landscape", str(csv_file), "--collaboration", "alfa", stdout=out)
    assert "IKT-kostnader: 0 nye, 0 endret, 3 uendret" in out.getvalue()


def test_import_command_lists_problems_and_fails(world: World, tmp_path: Path) -> None:
    path = tmp_path / "feil.csv"
    path.write_bytes(csv_bytes(rows(COSTS, {"Beløp": -1})))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing imported: 1 problem"):
        call_command("import_landscape", str(path), "--collaboration", "alfa", stderr=err)
    assert "IKT-kostnader, rad 2, kolonne «Beløp»" in err.getvalue()
    with pytest.raises(CommandError, match="No collaboration"):
        call_command("import_landscape", str(path), "--collaboration", "finnes-ikke")
    assert IctCost.objects.count() == 0
