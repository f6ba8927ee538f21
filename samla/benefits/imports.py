"""Measurements read from an XLSX file, all or nothing.

The file has one sheet (named «Målinger», or the first sheet) with the columns Indikator,
Dato, Verdi, Enhet, Organisasjon (optional) and Kommentar. The indicator is named by its
UUID or as «benefit code/indicator name» (or «benefit title/indicator name»). A row with
neither date, value nor comment is skipped, so the downloadable template (one row per
indicator the person may measure, the dates and values empty) can be read back as it is.

Every row is checked as the form would check it: unknown indicator or organisation, a date
or number that cannot be read, a measurement dated before the indicator's baseline, a unit
that does not match the indicator's, and whether the person may measure that indicator for
that organisation. The rows are written through ``services.measurement_create`` inside one
transaction; a preview (``dry_run``) or any error rolls all of it back, so nothing is
written unless every row is right.

Between the preview and the confirmation the rows travel as a signed payload (bound to
the person and the collaboration, valid for an hour) and are checked again on saving.

Files are read as the landscape import reads them: size limit, zip bomb check, openpyxl in
read-only mode (openpyxl parses with defusedxml when installed, as it is here)."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import load_workbook

from samla.benefits import services
from samla.benefits.access import may_change_benefit, may_measure
from samla.benefits.models import Indicator
from samla.benefits.selectors_pages import measurable_indicators
from samla.core.xlsx import (
    Column,
    add_register_sheet,
    new_workbook,
    strip_neutralisation,
    workbook_bytes,
)
from samla.landscape.io import (
    MAX_UNPACKED_RATIO,
    FileRejected,
    max_upload_bytes,
    parse_date,
    parse_decimal,
    read_source,
)
from samla.organisations.access import CollaborationAccess
from samla.organisations.models import Organisation

__all__ = ["FileRejected", "ImportResult", "import_measurements", "read_rows", "template_xlsx"]

SHEET = "Målinger"
INDICATORS_SHEET = "Indikatorer"
MAX_ROWS = 5000
PAYLOAD_MAX_AGE = 3600  # seconds between the preview and the confirmation
FIELDS = ("indicator", "date", "value", "unit", "organisation", "comment")
HEADERS = {
    "indicator": "Indikator",
    "date": "Dato",
    "value": "Verdi",
    "unit": "Enhet",
    "organisation": "Organisasjon",
    "comment": "Kommentar",
}
REQUIRED = ("indicator", "date", "value")
# What a header may say (case and spaces ignored) → the field.
HEADER_ALIASES = {
    **{header.casefold(): name for name, header in HEADERS.items()},
    **{name: name for name in FIELDS},
    "organization": "organisation",
    "måling": "value",
    "målt dato": "date",
}
COLUMN_HELP = [
    (HEADERS["indicator"], gettext_lazy("ID-en fra malen, eller «gevinstnummer/indikatornavn».")),
    (HEADERS["date"], gettext_lazy("Målt dato, for eksempel 31.03.2027. Ikke før nullpunktet.")),
    (HEADERS["value"], gettext_lazy("Tallet, for eksempel 1 234,5.")),
    (HEADERS["unit"], gettext_lazy("Valgfri; fylles den ut, må den være indikatorens enhet.")),
    (
        HEADERS["organisation"],
        gettext_lazy(
            "Valgfri: navn eller organisasjonsnummer. Tom: hele gevinsten (redaktører: egen organisasjon)."
        ),
    ),
    (HEADERS["comment"], gettext_lazy("Valgfri.")),
]


def _normalise(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    """A cell as text that survives the signed payload: dates as ISO dates, numbers without
    a trailing ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return strip_neutralisation(value.strip())
    return str(value).strip()


# --- Reading the file -------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    """One row of the file: its row number and its cells as text, by field."""

    number: int
    cells: dict[str, str]


def read_rows(upload: Any) -> list[SourceRow]:
    """The data rows of an uploaded XLSX; ``FileRejected`` when the file as a whole cannot
    be used (type, size, no sheet, missing columns, no rows, too many rows)."""
    limit = max_upload_bytes()
    name = str(getattr(upload, "name", "") or "")
    if Path(name).suffix.lower() != ".xlsx":
        raise FileRejected(_("Filtypen støttes ikke. Bruk en Excel-fil (.xlsx)."))
    data = read_source(upload, limit)
    not_excel = FileRejected(_("Filen er ikke en gyldig Excel-fil (.xlsx)."))
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise not_excel
    try:
        with zipfile.ZipFile(buffer) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise not_excel from exc
    if unpacked > limit * MAX_UNPACKED_RATIO:
        raise FileRejected(_("Filen er for stor når den pakkes ut."))
    try:
        workbook = load_workbook(buffer, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise not_excel from exc
    try:
        sheets = {_normalise(sheet.title): sheet for sheet in workbook.worksheets}
        sheet = sheets.get(_normalise(SHEET)) or (workbook.worksheets or [None])[0]
        if sheet is None:
            raise FileRejected(_("Filen har ingen ark."))
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        columns: dict[int, str] = {}
        for index, cell in enumerate(header):
            field_name = HEADER_ALIASES.get(_normalise(_text(cell))) if not _blank(cell) else None
            if field_name is not None and field_name not in columns.values():
                columns[index] = field_name
        missing = [HEADERS[f] for f in REQUIRED if f not in columns.values()]
        if missing:
            raise FileRejected(
                _("Første rad må ha kolonneoverskriftene %(headers)s. Mangler: %(missing)s.")
                % {
                    "headers": ", ".join(f"«{HEADERS[f]}»" for f in FIELDS),
                    "missing": ", ".join(f"«{m}»" for m in missing),
                }
            )
        result: list[SourceRow] = []
        for number, row in enumerate(rows, start=2):
            cells = {f: "" for f in FIELDS}
            for index, field_name in columns.items():
                if index < len(row):
                    cells[field_name] = _text(row[index])
            if not (cells["date"] or cells["value"] or cells["comment"]):
                continue  # empty, or a template row not filled in
            result.append(SourceRow(number, cells))
            if len(result) > MAX_ROWS:
                raise FileRejected(
                    _("Filen har mer enn %(max)s målinger. Del den opp.") % {"max": MAX_ROWS}
                )
    except FileRejected:
        raise
    except Exception as exc:
        raise not_excel from exc
    finally:
        workbook.close()
    if not result:
        raise FileRejected(_("Filen inneholder ingen målinger å lese inn."))
    return result


# --- The signed payload between preview and confirmation ----------------------------------------


def _salt(access: CollaborationAccess) -> str:
    return f"samla.benefits.import:{access.collaboration.pk}:{access.user.pk}"


def sign_rows(rows: Sequence[SourceRow], access: CollaborationAccess) -> str:
    return signing.dumps(
        [[row.number, [row.cells[f] for f in FIELDS]] for row in rows],
        salt=_salt(access),
        compress=True,
    )


def unsign_rows(payload: str, access: CollaborationAccess) -> list[SourceRow]:
    try:
        data = signing.loads(payload, salt=_salt(access), max_age=PAYLOAD_MAX_AGE)
        return [
            SourceRow(int(n), dict(zip(FIELDS, map(str, cells), strict=True))) for n, cells in data
        ]
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise FileRejected(
            _("Kontrollen er for gammel eller ble endret underveis. Last opp filen på nytt.")
        ) from exc


# --- Checking and writing -----------------------------------------------------------------------


@dataclass
class RowResult:
    number: int
    cells: dict[str, str]
    indicator: Indicator | None = None
    organisation: Organisation | None = None
    measured_on: datetime.date | None = None
    value: Decimal | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    source: list[SourceRow]
    rows: list[RowResult]
    dry_run: bool
    saved: bool = False

    @property
    def errors(self) -> list[tuple[int, str]]:
        return [(row.number, message) for row in self.rows for message in row.errors]

    @property
    def ok(self) -> bool:
        return not self.errors


class _Lookups:
    """The collaboration's indicators and member organisations, loaded once."""

    def __init__(self, access: CollaborationAccess) -> None:
        indicators = Indicator.objects.filter(
            benefit__collaboration=access.collaboration
        ).select_related("benefit")
        self.by_uuid = {str(i.uuid): i for i in indicators}
        self.by_name: dict[str, list[Indicator]] = {}
        for indicator in self.by_uuid.values():
            keys = {_normalise(f"{indicator.benefit.title}/{indicator.name}")}
            if indicator.benefit.code:
                keys.add(_normalise(f"{indicator.benefit.code}/{indicator.name}"))
            for key in keys:
                self.by_name.setdefault(key, []).append(indicator)
        self.organisations: dict[str, list[Organisation]] = {}
        members = Organisation.objects.filter(memberships__collaboration=access.collaboration)
        for organisation in members:
            for key in {
                _normalise(organisation.name),
                _normalise(organisation.organisation_number),
            }:
                if key:
                    self.organisations.setdefault(key, []).append(organisation)

    def indicator(self, text: str) -> Indicator | None | str:
        found = self.by_uuid.get(text.strip().lower())
        if found is not None:
            return found
        # A slash with spaces around it («G-01 / Timer») means the same as without.
        key = _normalise("/".join(part.strip() for part in text.split("/", 1)))
        matches = self.by_name.get(key) or self.by_name.get(_normalise(text), [])
        if len(matches) > 1:
            return "ambiguous"
        return matches[0] if matches else None

    def organisation(self, text: str) -> Organisation | None:
        key = _normalise(text)
        compact = key.replace(" ", "")
        matches = self.organisations.get(key) or (
            self.organisations.get(compact, []) if compact.isdigit() else []
        )
        return matches[0] if len(matches) == 1 else None


def _check_row(row: RowResult, lookups: _Lookups, access: CollaborationAccess) -> None:
    """Read the row's cells; messages for what cannot be read."""
    cells = row.cells
    if not cells["indicator"]:
        row.errors.append(_("Indikator mangler."))
    else:
        found = lookups.indicator(cells["indicator"])
        if found == "ambiguous":
            row.errors.append(
                _("«%(text)s» passer med flere indikatorer. Bruk ID-en fra malen.")
                % {"text": cells["indicator"]}
            )
        elif found is None:
            row.errors.append(_("Ukjent indikator «%(text)s».") % {"text": cells["indicator"]})
        else:
            assert isinstance(found, Indicator)
            row.indicator = found
    if not cells["date"]:
        row.errors.append(_("Dato mangler."))
    else:
        try:
            row.measured_on = parse_date(cells["date"])
        except ValueError:
            row.errors.append(
                _("«%(text)s» er ikke en dato (skriv for eksempel 31.03.2027).")
                % {"text": cells["date"]}
            )
    if not cells["value"]:
        row.errors.append(_("Verdi mangler."))
    else:
        try:
            row.value = parse_decimal(cells["value"])
        except ValueError:
            row.errors.append(_("«%(text)s» er ikke et tall.") % {"text": cells["value"]})
    if cells["organisation"]:
        row.organisation = lookups.organisation(cells["organisation"])
        if row.organisation is None:
            row.errors.append(
                _("«%(text)s» er ikke et medlem av samarbeidet.") % {"text": cells["organisation"]}
            )
    elif row.indicator is not None and not may_change_benefit(access, row.indicator.benefit):
        # An editor measures for their own organisation.
        own = access.editable_organisation_id
        row.organisation = Organisation.objects.filter(pk=own).first() if own else None
    unknown_organisation = bool(cells["organisation"]) and row.organisation is None
    if (
        row.indicator is not None
        and not unknown_organisation
        and not may_measure(access, row.indicator.benefit, row.organisation)
    ):
        if row.organisation is not None:
            message = _(
                "Rollen din gir ikke lov til å registrere målinger av «%(name)s» for %(org)s."
            ) % {"name": row.indicator.name, "org": row.organisation.name}
        else:
            message = _("Rollen din gir ikke lov til å registrere målinger av «%(name)s».") % {
                "name": row.indicator.name
            }
        row.errors.append(message)


def import_measurements(
    access: CollaborationAccess, source: Sequence[SourceRow], *, dry_run: bool
) -> ImportResult:
    """Check every row and write them in one transaction; roll all of it back on a dry run
    or on any error."""
    result = ImportResult(
        list(source), [RowResult(r.number, dict(r.cells)) for r in source], dry_run
    )
    lookups = _Lookups(access)
    with transaction.atomic():
        for row in result.rows:
            _check_row(row, lookups, access)
            if row.errors:
                continue
            assert row.indicator is not None
            try:
                with transaction.atomic():
                    services.measurement_create(
                        indicator=row.indicator,
                        user=access.user,
                        unit=row.cells["unit"] or None,
                        measured_on=row.measured_on,
                        value=row.value,
                        organisation=row.organisation,
                        comment=row.cells["comment"],
                    )
            except ValidationError as exc:
                row.errors.extend(exc.messages)
        if dry_run or not result.ok:
            transaction.set_rollback(True)
        else:
            result.saved = True
    return result


# --- The template -------------------------------------------------------------------------------


def indicator_key(indicator: Indicator) -> str:
    """How the template names an indicator: «code/name» when the benefit has a code."""
    if indicator.benefit.code:
        return f"{indicator.benefit.code}/{indicator.name}"
    return str(indicator.uuid)


def template_xlsx(access: CollaborationAccess) -> bytes:
    """The import file with a row for every indicator the person may measure (dates and
    values to fill in), and a sheet describing those indicators."""
    indicators = list(measurable_indicators(access).prefetch_related("benefit__organisations"))
    own = access.editable_organisation_id
    own_name = (
        Organisation.objects.filter(pk=own).values_list("name", flat=True).first() if own else None
    )
    with translation.override("nb"):
        workbook = new_workbook()
        add_register_sheet(
            workbook,
            SHEET,
            [
                Column(HEADERS["indicator"], 40),
                Column(HEADERS["date"], 12, "date"),
                Column(HEADERS["value"], 14),
                Column(HEADERS["unit"], 12),
                Column(HEADERS["organisation"], 24),
                Column(HEADERS["comment"], 40),
            ],
            (
                [
                    indicator_key(indicator),
                    None,
                    None,
                    indicator.unit_label,
                    own_name
                    if own_name and not may_change_benefit(access, indicator.benefit)
                    else "",
                    "",
                ]
                for indicator in indicators
            ),
        )
        add_register_sheet(
            workbook,
            INDICATORS_SHEET,
            [
                Column("ID", 38),
                Column(_("Gevinst"), 36),
                Column(_("Indikator"), 30),
                Column(_("Enhet"), 12),
                Column(_("Nullpunkt (dato)"), 14, "date"),
                Column(pgettext("indikator", "Nullpunkt"), 12),
                Column(_("Mål (dato)"), 14, "date"),
                Column(_("Mål"), 12),
                Column(_("Måles"), 14),
                Column(_("Organisasjoner"), 30),
            ],
            (
                [
                    str(i.uuid),
                    str(i.benefit),
                    i.name,
                    i.unit_label,
                    i.baseline_date,
                    float(i.baseline_value),
                    i.target_date,
                    float(i.target_value),
                    str(i.get_frequency_display()),
                    ", ".join(o.name for o in i.benefit.organisations.all()),
                ]
                for i in indicators
            ),
        )
        return workbook_bytes(workbook)
