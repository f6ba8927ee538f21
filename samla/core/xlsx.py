"""Writing registers as XLSX: one header row, then one row per record.

Every module that offers a spreadsheet download uses this helper, so that all of Samla's
workbooks look alike: a bold, frozen header with an autofilter, sensible column widths,
kroner as ``# ##0`` and dates as ``dd.mm.yyyy``.

Text that a spreadsheet would run as a formula (it begins with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) is written with a leading single quote, so a value typed into
Samla can never become ``=cmd|' /C calc'!A0`` on someone's desktop. Importers undo this
with :func:`strip_neutralisation`, so an export can be read back unchanged.

Workbooks are written in openpyxl's write-only mode: rows are streamed, so tens of
thousands of rows cost little memory.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

KRONER_FORMAT = "# ##0"
DATE_FORMAT = "dd.mm.yyyy"
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

ColumnKind = Literal["text", "integer", "kroner", "date"]
NUMBER_FORMATS: dict[str, str] = {"kroner": KRONER_FORMAT, "date": DATE_FORMAT}
HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    """One column of a register: its header, width in characters and kind of value."""

    header: str
    width: float = 16
    kind: ColumnKind = "text"
    wrap: bool = False


def neutralise(value: Any) -> Any:
    """A text that cannot be taken for a formula; other values are returned as they are."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def strip_neutralisation(text: str) -> str:
    """Undo :func:`neutralise` on a text read back from a workbook or CSV file."""
    if text.startswith("'") and text[1:].startswith(DANGEROUS_PREFIXES):
        return text[1:]
    return text


def _excel_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)  # Excel has no time zones: local time
    return neutralise(value)


def new_workbook() -> Workbook:
    """An empty write-only workbook; add sheets with :func:`add_register_sheet`."""
    return Workbook(write_only=True)


def add_register_sheet(
    workbook: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]
) -> int:
    """Append a sheet with a header row and ``rows``; returns the number of data rows."""
    sheet = workbook.create_sheet(title=title)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(column.header))
        cell.font = HEADER_FONT
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        cells: list[Any] = []
        for column, value in zip(columns, row, strict=False):
            number_format = NUMBER_FORMATS.get(column.kind)
            if value is None or (number_format is None and not column.wrap):
                cells.append(_excel_value(value))
                continue
            cell = WriteOnlyCell(sheet, value=_excel_value(value))
            if number_format and not isinstance(value, str):
                cell.number_format = number_format
            if column.wrap:
                cell.alignment = WRAP
            cells.append(cell)
        sheet.append(cells)
        count += 1
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def register_xlsx(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    """A workbook with a single register sheet, as bytes ready for an HTTP response."""
    workbook = new_workbook()
    add_register_sheet(workbook, title, columns, rows)
    return workbook_bytes(workbook)
