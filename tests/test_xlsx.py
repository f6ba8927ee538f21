"""The shared XLSX helper: header, layout, number formats and formula neutralisation."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from samla.core.xlsx import (
    DATE_FORMAT,
    KRONER_FORMAT,
    Column,
    add_register_sheet,
    neutralise,
    new_workbook,
    register_xlsx,
    strip_neutralisation,
    workbook_bytes,
)

COLUMNS = [
    Column("Navn", 30),
    Column("Beløp", 14, "kroner"),
    Column("Dato", 12, "date"),
    Column("Antall", 8, "integer"),
    Column("Notat", 40, wrap=True),
]


def open_sheet(data: bytes, title: str = "Register"):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(data))[title]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+47 22 00 00 00", "'+47 22 00 00 00"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tfane", "'\tfane"),
        ("\rretur", "'\rretur"),
        ("Vanlig tekst", "Vanlig tekst"),
        ("a=b", "a=b"),
        ("", ""),
        (-2, -2),
        (Decimal("-5.5"), Decimal("-5.5")),
        (None, None),
    ],
)
def test_neutralise(value: object, expected: object) -> None:
    assert neutralise(value) == expected


@pytest.mark.parametrize("text", ["=1+1", "+x", "-x", "@x", "\tx", "\rx", "x", "'x", "'", ""])
def test_strip_neutralisation_undoes_neutralise(text: str) -> None:
    assert strip_neutralisation(neutralise(text)) == text


def test_register_layout_and_formats() -> None:
    data = register_xlsx(
        "Register",
        COLUMNS,
        [
            ["Alfa", Decimal("1234567.89"), datetime.date(2026, 12, 31), 12, "Lang tekst"],
            ["Beta", None, None, None, None],
        ],
    )
    sheet = open_sheet(data)
    assert [c.value for c in sheet[1]] == ["Navn", "Beløp", "Dato", "Antall", "Notat"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"
    assert sheet.column_dimensions["A"].width == 30
    assert sheet.column_dimensions["E"].width == 40
    amount, date = sheet["B2"], sheet["C2"]
    assert amount.value == pytest.approx(1234567.89)
    assert amount.number_format == KRONER_FORMAT == "# ##0"
    assert date.value == datetime.datetime(2026, 12, 31)
    assert date.number_format == DATE_FORMAT == "dd.mm.yyyy"
    assert sheet["D2"].value == 12
    assert sheet["E2"].alignment.wrap_text
    assert [c.value for c in sheet[3]] == ["Beta", None, None, None, None]


def test_dangerous_text_is_written_as_text_not_formula() -> None:
    data = register_xlsx("Register", COLUMNS, [["=cmd|' /C calc'!A0", None, None, None, "@SUM(1)"]])
    sheet = open_sheet(data)
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0"
    assert sheet["A2"].data_type == "s"
    assert sheet["E2"].value == "'@SUM(1)"
    # Nothing in the file is a formula.
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_aware_datetimes_are_written_in_local_time() -> None:
    moment = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.UTC)
    data = register_xlsx("Register", [Column("Tidspunkt", kind="date")], [[moment]])
    value = open_sheet(data)["A2"].value
    assert value == timezone.make_naive(moment).replace(microsecond=0)


def test_several_sheets_in_one_workbook() -> None:
    workbook = new_workbook()
    assert add_register_sheet(workbook, "En", [Column("A")], [["1"], ["2"]]) == 2
    assert add_register_sheet(workbook, "To", [Column("B")], []) == 0
    loaded = load_workbook(io.BytesIO(workbook_bytes(workbook)))
    assert loaded.sheetnames == ["En", "To"]
    assert loaded["To"].auto_filter.ref == "A1:A1"
