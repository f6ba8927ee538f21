"""Writing formal documents (decision memos, plans) as DOCX with python-docx.

Every module's Word documents share this look: a title, a line saying what the document
is and when it was made, headings, and tables with a header row. Cell text is neutralised
like spreadsheet cells, since people paste these tables into spreadsheets.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.shared import Pt

from samla.core.xlsx import neutralise


def new_document(title: str, subtitle: str = "") -> DocumentType:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"  # type: ignore[attr-defined]
    style.font.size = Pt(11)  # type: ignore[attr-defined]
    document.core_properties.title = title
    document.core_properties.author = "Samla"
    document.add_heading(title, level=0)
    if subtitle:
        document.add_paragraph(subtitle)
    return document


def add_table(document: DocumentType, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """A table with a bold header row; returns the number of data rows."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(header))
        run.bold = True
    count = 0
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            cell.text = str(neutralise("" if value is None else str(value)))
        count += 1
    return count


def document_bytes(document: DocumentType) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
