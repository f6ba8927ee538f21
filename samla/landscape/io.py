"""Import and export of the landscape registers as XLSX and CSV.

The file format is Norwegian whatever the user's language: sheet names, column headers and
choice labels are those of Norwegian bokmål (choices may also be given by their code), so
a file written by one user can be read for another. An export can be imported again and
changes nothing.

Import, in three steps:

1. **Read** the file into tables (one per register): an XLSX may hold the sheets
   Installasjoner, Avtaler and IKT-kostnader; a CSV holds one register, recognised from its
   header. Wrong file types, oversized and empty files are refused here.
2. **Check** every row against lookups loaded once (members, categories, vendors, products
   and the existing rows) and collect every problem with its sheet, row and column. If
   there is a single problem, nothing is written.
3. **Write** in one transaction: new vendors and products, then installations and cost
   lines with ``bulk_create_with_history`` / ``bulk_update_with_history`` (history is
   kept; a few queries whatever the number of rows). Contracts go through
   :func:`samla.landscape.services.contract_save` one by one: they carry the
   many-to-many history of parties and systems, which bulk writes would lose, and a
   collaboration has hundreds of contracts, not tens of thousands. A dry run does all of
   this and rolls back.

Rows are keyed so that importing again updates instead of duplicating: installations on
organisation + category + system, contracts on their number, cost lines on organisation +
year + type + kostnadsart + description. Rows whose values are unchanged are not written
and get no history.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import os
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from samla.core.xlsx import (
    Column,
    ColumnKind,
    add_register_sheet,
    neutralise,
    new_workbook,
    strip_neutralisation,
    workbook_bytes,
)
from samla.landscape import analysis
from samla.landscape.catalogue import CATALOGUE
from samla.landscape.models import (
    Contract,
    IctCost,
    Installation,
    Product,
    SystemCategory,
    TimeClass,
    Vendor,
    time_class_from_fit,
)
from samla.landscape.services import contract_save, default_exposure
from samla.organisations.models import Collaboration, Organisation

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# An XLSX is a zip: refuse one that unpacks to more than this many times the upload limit.
MAX_UNPACKED_RATIO = 25
BATCH_SIZE = 500

INSTALLATIONS = "Installasjoner"
CONTRACTS = "Avtaler"
COSTS = "IKT-kostnader"
VENDORS = "Leverandører"
PRODUCTS = "Systemer"
CATEGORIES = "Kategorier"
GUIDE = "Veiledning"
REGISTERS = (INSTALLATIONS, CONTRACTS, COSTS)


# --- Columns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A column of a register file. ``export_only`` columns are written but not read."""

    header: str
    kind: ColumnKind = "text"
    width: float = 16
    required: bool = False
    allowed: str = ""
    export_only: bool = False

    @property
    def column(self) -> Column:
        return Column(self.header, width=self.width, kind=self.kind)


def _labels(choices: Any) -> str:
    return ", ".join(str(label) for label in choices.labels)


def _fields() -> dict[str, tuple[Field, ...]]:
    """The columns of each register. Built on demand, in Norwegian (see the module doc)."""
    with translation.override("nb"):
        member = _("Navn eller organisasjonsnummer på et medlem av samarbeidet.")
        yes_no = _("ja eller nei")
        amount = _("Kroner, for eksempel 1 234 567,89.")
        date = _("Dato, for eksempel 31.12.2026.")
        months = _("Heltall, 0 eller mer.")
        return {
            INSTALLATIONS: (
                Field("Organisasjon", width=22, required=True, allowed=member),
                Field(
                    "Kategori",
                    width=26,
                    required=True,
                    allowed=_("Navn eller kode fra arket Kategorier."),
                ),
                Field(
                    "System",
                    width=26,
                    required=True,
                    allowed=_("Systemets navn. Ukjente systemer opprettes."),
                ),
                Field(
                    "Leverandør",
                    width=22,
                    allowed=_("Leverandørens navn. Ukjente leverandører opprettes. Tom: uendret."),
                ),
                Field("Versjon", width=12, allowed=_("Systemets versjon. Tom: uendret.")),
                Field(
                    "Drift", width=24, allowed=_labels(Product.Hosting) + ". " + _("Tom: uendret.")
                ),
                Field("Antall brukere", "integer", 12, allowed=_("Heltall, 0 eller mer.")),
                Field("Brukergrupper", width=24, allowed=_("Fritekst.")),
                Field(
                    "Livsløp",
                    width=16,
                    allowed=_labels(Installation.Lifecycle) + ". " + _("Tom: I bruk."),
                ),
                Field("Funksjonell egnethet", "integer", 12, allowed=_("1–4, der 4 er best.")),
                Field("Teknisk egnethet", "integer", 12, allowed=_("1–4, der 4 er best.")),
                Field(
                    "TIME overstyrt",
                    width=14,
                    allowed=_labels(TimeClass) + ". " + _("Tom: beregnes fra egnethet."),
                ),
                Field("Begrunnelse", width=30, allowed=_("Påkrevd når TIME er overstyrt.")),
                Field(
                    "TIME-klasse",
                    width=14,
                    export_only=True,
                    allowed=_("Beregnet fra egnethet, eller overstyrt. Leses ikke ved import."),
                ),
            ),
            CONTRACTS: (
                Field(
                    "Avtalenummer",
                    width=16,
                    required=True,
                    allowed=_("Avtalens nummer; brukes til å kjenne igjen avtalen."),
                ),
                Field("Tittel", width=30, required=True),
                Field(
                    "Leverandør",
                    width=22,
                    required=True,
                    allowed=_("Ukjente leverandører opprettes."),
                ),
                Field(
                    "Avtaleparter",
                    width=30,
                    required=True,
                    allowed=_("Medlemmer, skilt med semikolon (;)."),
                ),
                Field(
                    "Systemer",
                    width=30,
                    allowed=_("Systemer, skilt med semikolon (;). Ukjente systemer opprettes."),
                ),
                Field("Startdato", "date", 12, allowed=date),
                Field("Sluttdato", "date", 12, allowed=date + " " + _("Ikke før startdatoen.")),
                Field("Antall opsjoner", "integer", 10, allowed=months),
                Field(
                    "Måneder per opsjon",
                    "integer",
                    10,
                    allowed=months + " " + _("Oppgis sammen med antall opsjoner."),
                ),
                Field("Oppsigelsestid (måneder)", "integer", 12, allowed=months),
                Field("Årlig verdi", "kroner", 14, allowed=amount),
                Field("Estimert totalverdi", "kroner", 14, allowed=amount),
                Field(
                    "Prosedyre",
                    width=26,
                    allowed=_labels(Contract.Procedure) + ". " + _("Tom: Ukjent."),
                ),
                Field("Rammeavtale", width=12, allowed=yes_no + ". " + _("Tom: nei.")),
                Field("Lenke", width=30, allowed=_("Nettadresse til avtalen (https://…).")),
                Field(
                    "Siste frist for oppsigelse",
                    "date",
                    14,
                    export_only=True,
                    allowed=_("Sluttdato minus oppsigelsestid. Leses ikke ved import."),
                ),
                Field(
                    "Seneste sluttdato med opsjoner",
                    "date",
                    14,
                    export_only=True,
                    allowed=_("Sluttdato om alle opsjoner brukes. Leses ikke ved import."),
                ),
            ),
            COSTS: (
                Field("Organisasjon", width=22, required=True, allowed=member),
                Field("År", "integer", 8, required=True, allowed=_("1990–2100.")),
                Field(
                    "Type",
                    width=14,
                    required=True,
                    allowed=_labels(IctCost.Kind)
                    + ". "
                    + _("Kostnadsarten Investering gir alltid typen Investering."),
                ),
                Field(
                    "Kostnadsart", width=34, required=True, allowed=_labels(IctCost.Category) + "."
                ),
                Field(
                    "Beløp",
                    "kroner",
                    14,
                    required=True,
                    allowed=amount
                    + " "
                    + _("Ikke negativt; inntekter kan føres som positive tall og lagres negative."),
                ),
                Field(
                    "Konkurranseutsatt",
                    width=12,
                    allowed=yes_no + ". " + _("Tom: etter kostnadsarten."),
                ),
                Field(
                    "Beskrivelse",
                    width=30,
                    allowed=_("Fritekst. Skiller flere linjer med samme kostnadsart."),
                ),
            ),
        }


def register_headers(register: str) -> list[str]:
    """The headers an import of ``register`` needs, in file order."""
    return [f.header for f in _fields()[register] if not f.export_only]


# --- Report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """Something wrong with the file; ``row`` and ``column`` when it is about one cell."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.sheet] if self.sheet else []
        if self.row is not None:
            where.append(_("rad %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("kolonne «%(column)s»") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class RegisterResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    filename: str
    dry_run: bool
    errors: list[ImportProblem] = field(default_factory=list)
    results: dict[str, RegisterResult] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        """True when the rows are in the database: no problems and not a dry run."""
        return self.ok and not self.dry_run

    def summary_lines(self) -> list[str]:
        """One line per register touched, e.g. "Installasjoner: 3 nye, 1 endret, 10 uendret"."""
        lines = []
        order = (*REGISTERS, VENDORS, PRODUCTS)
        for name, result in sorted(self.results.items(), key=lambda kv: order.index(kv[0])):
            if not result.rows:
                continue
            lines.append(
                _("%(register)s: %(created)s nye, %(updated)s endret, %(unchanged)s uendret")
                % {
                    "register": name,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
            )
        return lines


class FileRejected(Exception):
    """The file as a whole cannot be read."""


# --- Reading cells ------------------------------------------------------------------------


def _normalise(text: Any) -> str:
    """For matching names, codes, labels and headers: case, spaces and dashes ignored."""
    return " ".join(str(text).replace("\u2013", "-").replace("\u2014", "-").split()).casefold()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_decimal(value: Any) -> Decimal:
    """Norwegian numbers: ``1 234 567,89``, ``1234567.89``, ``1.234.567,89``; Excel numbers."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = str(value).strip()
        for space in (" ", "\xa0", "\u202f", "\u2009"):
            text = text.replace(space, "")
        text = text.replace("\u2212", "-")
        if text.lower().startswith("kr"):
            text = text[2:].lstrip(".")
        if text.lower().endswith("kr"):
            text = text[:-2]
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif text.count(".") > 1:
            text = text.replace(".", "")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y")


def parse_date(value: Any) -> datetime.date:
    """Excel dates, ``31.12.2026``, ``2026-12-31`` (also with a time after it)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # an Excel serial day number that lost its date format
            result = from_excel(value)
            return result.date() if isinstance(result, datetime.datetime) else result
        raise ValueError(value)
    text = str(value).strip()
    if len(text) > 10 and text[10] in "T ":
        text = text[:10]
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise ValueError(value)


YES = {"ja", "j", "yes", "y", "true", "sann", "1", "x"}
NO = {"nei", "n", "no", "false", "usann", "0"}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _normalise(value)
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(value)


def _cell_text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    return str(value).strip()


@functools.cache
def _nb_labels(choices: Any) -> dict[str, str]:
    """value → Norwegian label of a choices class (the file format's language)."""
    with translation.override("nb"):
        return {value: str(label) for value, label in choices.choices}


@functools.cache
def _choice_map(choices: Any) -> dict[str, str]:
    """What a file may write for a choice (its Norwegian label or its code) → the code."""
    mapping = {_normalise(label): value for value, label in _nb_labels(choices).items()}
    mapping.update({_normalise(value): value for value in choices.values})
    return mapping


def _choice_label(choices: Any, value: str | None) -> str:
    return _nb_labels(choices).get(value, "") if value else ""


# --- Reading files ------------------------------------------------------------------------


@dataclass
class Table:
    """One register read from a file: its headers and data rows with their row numbers."""

    register: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]]


def max_upload_bytes() -> int:
    return int(getattr(settings, "SAMLA_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def _too_large(limit: int) -> FileRejected:
    return FileRejected(
        _("Filen er for stor. Største tillatte størrelse er %(size)s MB.")
        % {"size": f"{limit / 1024 / 1024:.0f}"}
    )


def read_source(source: Any, limit: int) -> bytes:
    """The bytes of an uploaded file, a path or bytes; refuses more than ``limit`` bytes."""
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            if path.stat().st_size > limit:
                raise _too_large(limit)
            data = path.read_bytes()
        except OSError as exc:
            raise FileRejected(_("Fant ikke filen %(path)s.") % {"path": path}) from exc
    else:
        size = getattr(source, "size", None)
        if isinstance(size, int) and size > limit:
            raise _too_large(limit)
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise FileRejected(_("Filen er tom."))
    return data


def _source_name(source: Any) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return str(getattr(source, "name", "") or "")


def _register_for_headers(headers: Sequence[str]) -> str | None:
    present = {_normalise(h) for h in headers if not _is_blank(h)}
    scores = {
        register: len(present & {_normalise(h) for h in register_headers(register)})
        for register in REGISTERS
    }
    best = max(scores.values())
    winners = [r for r, s in scores.items() if s == best]
    if best < 2 or len(winners) > 1:
        return None
    return winners[0]


def _read_csv(data: bytes) -> list[Table]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            _("CSV-filen må være lagret som UTF-8 (i Excel: «CSV UTF-8 (kommadelt)»).")
        ) from exc
    if not text.strip():
        raise FileRejected(_("Filen er tom."))
    first_line = text.lstrip("\r\n").splitlines()[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise FileRejected(_("CSV-filen kunne ikke leses: %(error)s") % {"error": exc}) from exc
    numbered = [(n, row) for n, row in enumerate(records, start=1) if any(c.strip() for c in row)]
    if not numbered:
        raise FileRejected(_("Filen er tom."))
    headers = numbered[0][1]
    register = _register_for_headers(headers)
    if register is None:
        raise FileRejected(
            _(
                "Fant ikke ut hvilket register CSV-filen gjelder. Første rad må ha "
                "kolonneoverskriftene, for eksempel %(example)s."
            )
            % {"example": ", ".join(f"«{h}»" for h in register_headers(INSTALLATIONS)[:3])}
        )
    return [
        Table(register, [h.strip() for h in headers], [(n, list(row)) for n, row in numbered[1:]])
    ]


def _read_xlsx(data: bytes, limit: int) -> list[Table]:
    buffer = io.BytesIO(data)
    not_excel = FileRejected(_("Filen er ikke en gyldig Excel-fil (.xlsx)."))
    if not zipfile.is_zipfile(buffer):
        raise not_excel
    try:
        with zipfile.ZipFile(buffer) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise not_excel from exc
    if unpacked > limit * MAX_UNPACKED_RATIO:
        raise _too_large(limit)
    try:
        workbook = load_workbook(buffer, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise not_excel from exc
    try:
        known = {_normalise(name): name for name in REGISTERS}
        tables = []
        for sheet in workbook.worksheets:
            register = known.get(_normalise(sheet.title))
            if register is None:
                continue
            sheet.reset_dimensions()
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                continue
            headers = [_cell_text(h) if h is not None else "" for h in header]
            while headers and not headers[-1]:
                headers.pop()
            body = [
                (number, list(row))
                for number, row in enumerate(rows, start=2)
                if not all(_is_blank(v) for v in row)
            ]
            tables.append(Table(register, headers, body))
    except Exception as exc:
        raise not_excel from exc
    finally:
        workbook.close()
    if not tables:
        raise FileRejected(
            _("Fant ingen av arkene %(sheets)s i filen.")
            % {"sheets": ", ".join(f"«{name}»" for name in REGISTERS)}
        )
    return tables


def read_tables(data: bytes, filename: str, limit: int) -> list[Table]:
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        tables = _read_xlsx(data, limit)
    elif suffix == ".csv":
        tables = _read_csv(data)
    else:
        raise FileRejected(_("Filtypen støttes ikke. Bruk .xlsx eller .csv."))
    if not any(table.rows for table in tables):
        raise FileRejected(_("Filen inneholder ingen rader å importere."))
    return tables


# --- Checking rows ------------------------------------------------------------------------


class _Row:
    """One data row, with getters that record a problem and return None on bad input."""

    def __init__(
        self,
        importer: _Importer,
        table: Table,
        number: int,
        values: list[Any],
        columns: dict[str, int],
    ) -> None:
        self.importer = importer
        self.sheet = table.register
        self.number = number
        self.values = values
        self.columns = columns
        self.failed = False

    def error(self, column: str | None, message: str) -> None:
        self.failed = True
        self.importer.report.errors.append(ImportProblem(self.sheet, self.number, column, message))

    def raw(self, header: str) -> Any:
        index = self.columns[header]
        value = self.values[index] if index < len(self.values) else None
        if isinstance(value, str):
            value = value.strip()
            if value.startswith("="):
                self.error(
                    header,
                    _("Cellen inneholder en formel. Lim inn verdiene i stedet for formelen."),
                )
                return None
            value = strip_neutralisation(value)
        return None if _is_blank(value) else value

    def text(self, header: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.raw(header)
        if value is None:
            if required:
                self.error(header, _("Må fylles ut."))
            return ""
        text = _cell_text(value)
        if max_length is not None and len(text) > max_length:
            self.error(header, _("Høyst %(count)s tegn.") % {"count": max_length})
        return text

    def integer(
        self, header: str, *, minimum: int = 0, maximum: int = 32767, required: bool = False
    ) -> int | None:
        value = self.raw(header)
        if value is None:
            if required:
                self.error(header, _("Må fylles ut."))
            return None
        try:
            number = parse_decimal(value)
            if number != number.to_integral_value():
                raise ValueError(value)
        except ValueError:
            self.error(header, _("«%(value)s» er ikke et heltall.") % {"value": value})
            return None
        if not minimum <= number <= maximum:
            self.error(
                header, _("Må være mellom %(min)s og %(max)s.") % {"min": minimum, "max": maximum}
            )
            return None
        return int(number)

    def amount(
        self,
        header: str,
        *,
        required: bool = False,
        allow_negative: bool = False,
        max_digits: int = 14,
    ) -> Decimal | None:
        value = self.raw(header)
        if value is None:
            if required:
                self.error(header, _("Må fylles ut."))
            return None
        try:
            number = parse_decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        except (ValueError, InvalidOperation):
            self.error(
                header,
                _("«%(value)s» er ikke et tall. Skriv for eksempel 1 234 567,89.")
                % {"value": value},
            )
            return None
        if number < 0 and not allow_negative:
            self.error(header, _("Beløpet kan ikke være negativt."))
            return None
        if abs(number) >= Decimal(10) ** max_digits:
            self.error(header, _("Beløpet er for stort."))
            return None
        return number

    def date(self, header: str) -> datetime.date | None:
        value = self.raw(header)
        if value is None:
            return None
        try:
            return parse_date(value)
        except (ValueError, OverflowError):
            self.error(
                header,
                _("«%(value)s» er ikke en dato. Skriv for eksempel 31.12.2026.") % {"value": value},
            )
            return None

    def boolean(self, header: str) -> bool | None:
        value = self.raw(header)
        if value is None:
            return None
        try:
            return parse_bool(value)
        except ValueError:
            self.error(header, _("Skriv ja eller nei, ikke «%(value)s».") % {"value": value})
            return None

    def choice(self, header: str, choices: Any, *, required: bool = False) -> str:
        value = self.raw(header)
        if value is None:
            if required:
                self.error(header, _("Må fylles ut."))
            return ""
        found = _choice_map(choices).get(_normalise(_cell_text(value)))
        if found is None:
            with translation.override("nb"):
                allowed = ", ".join(f"«{label}»" for label in choices.labels)
            self.error(
                header,
                _("Ukjent verdi «%(value)s». Tillatt: %(allowed)s.")
                % {"value": value, "allowed": allowed},
            )
            return ""
        return found

    def organisation(self, header: str, text: str | None = None) -> Organisation | None:
        if text is None:
            text = self.text(header, required=True)
            if not text:
                return None
        organisation = self.importer.find_organisation(text)
        if organisation is None:
            self.error(header, _("«%(name)s» er ikke medlem av samarbeidet.") % {"name": text})
            return None
        if organisation is AMBIGUOUS:
            self.error(
                header,
                _("Flere medlemmer heter «%(name)s». Bruk organisasjonsnummeret.") % {"name": text},
            )
            return None
        restricted = self.importer.restrict_to_organisation
        if restricted is not None and organisation.pk != restricted.pk:
            self.error(
                header, _("Du kan bare importere rader for %(name)s.") % {"name": restricted.name}
            )
            return None
        return organisation


AMBIGUOUS: Any = object()


@dataclass
class _ProductPlan:
    """A product the import uses: existing or new, and the attributes the file gives it."""

    product: Product
    is_new: bool
    vendor: _VendorPlan | None = None
    set_from_row: dict[str, int] = field(default_factory=dict)
    changed: bool = False

    @property
    def key(self) -> Any:
        return self.product.pk if not self.is_new else ("new", _normalise(self.product.name))


@dataclass
class _VendorPlan:
    vendor: Vendor
    is_new: bool


@dataclass
class _ContractPlan:
    """A contract to save; vendor and products may be new, so they are set at write time."""

    row: int
    contract: Contract
    fields: dict[str, Any]
    vendor: _VendorPlan
    organisations: list[Organisation]
    products: list[_ProductPlan]

    def is_unchanged(self) -> bool:
        contract = self.contract
        if contract.pk is None or self.vendor.is_new or contract.vendor_id != self.vendor.vendor.pk:
            return False
        if any(getattr(contract, name) != value for name, value in self.fields.items()):
            return False
        if {o.pk for o in contract.organisations.all()} != {o.pk for o in self.organisations}:
            return False
        if any(p.is_new for p in self.products):
            return False
        return {p.pk for p in contract.products.all()} == {p.product.pk for p in self.products}


INSTALLATION_VALUE_FIELDS = (
    "users",
    "user_groups",
    "lifecycle",
    "functional_fit",
    "technical_fit",
    "time_override",
    "time_override_reason",
)
COST_VALUE_FIELDS = ("amount", "exposed_to_competition")


class _Importer:
    def __init__(
        self,
        collaboration: Collaboration,
        report: ImportReport,
        restrict_to_organisation: Organisation | None,
    ) -> None:
        self.collaboration = collaboration
        self.report = report
        self.restrict_to_organisation = restrict_to_organisation
        self._load()
        self.new_vendors: list[_VendorPlan] = []
        self.new_products: list[_ProductPlan] = []
        self.installations_new: list[Installation] = []
        self.installations_changed: list[Installation] = []
        self.contracts: list[_ContractPlan] = []
        self.costs_new: list[IctCost] = []
        self.costs_changed: list[IctCost] = []

    def _load(self) -> None:
        collaboration = self.collaboration
        self.organisations: dict[str, Any] = {}
        for organisation in analysis.member_organisations(collaboration):
            name = _normalise(organisation.name)
            self.organisations[name] = AMBIGUOUS if name in self.organisations else organisation
            if organisation.organisation_number:
                self.organisations[organisation.organisation_number] = organisation
        self.categories: dict[str, SystemCategory] = {}
        for category in SystemCategory.objects.filter(collaboration=collaboration):
            self.categories[_normalise(category.name)] = category
            self.categories.setdefault(_normalise(category.code), category)
        # Names match ignoring case and spacing, but an exact match wins ("Visma" ≠ "VISMA"
        # when both exist).
        self.vendors: dict[str, _VendorPlan] = {}
        self.vendors_exact: dict[str, _VendorPlan] = {}
        vendors_by_pk: dict[int, _VendorPlan] = {}
        for vendor in Vendor.objects.filter(collaboration=collaboration).order_by("pk"):
            plan = _VendorPlan(vendor, is_new=False)
            vendors_by_pk[vendor.pk] = plan
            self.vendors_exact[vendor.name] = plan
            self.vendors.setdefault(_normalise(vendor.name), plan)
        self.products: dict[str, _ProductPlan] = {}
        self.products_exact: dict[str, _ProductPlan] = {}
        for product in Product.objects.filter(collaboration=collaboration).order_by("pk"):
            vendor_plan = vendors_by_pk.get(product.vendor_id) if product.vendor_id else None
            product_plan = _ProductPlan(product, is_new=False, vendor=vendor_plan)
            self.products_exact[product.name] = product_plan
            self.products.setdefault(_normalise(product.name), product_plan)
        self.existing_installations = {
            (i.organisation_id, i.category_id, i.product_id): i
            for i in Installation.objects.filter(collaboration=collaboration)
        }
        self.existing_contracts = {
            c.number: c
            for c in Contract.objects.filter(collaboration=collaboration).prefetch_related(
                "organisations", "products"
            )
        }
        self.existing_costs = {
            (c.organisation_id, c.year, c.kind, c.category, c.description): c
            for c in IctCost.objects.filter(collaboration=collaboration)
        }

    # Lookups ------------------------------------------------------------------------------

    def find_organisation(self, text: str) -> Organisation | None:
        digits = text.replace(" ", "").replace("\xa0", "")
        if digits.isdigit() and digits in self.organisations:
            return self.organisations[digits]
        return self.organisations.get(_normalise(text))

    def vendor(self, name: str) -> _VendorPlan:
        key = _normalise(name)
        plan = self.vendors_exact.get(name) or self.vendors.get(key)
        if plan is None:
            plan = _VendorPlan(Vendor(collaboration=self.collaboration, name=name), is_new=True)
            self.vendors[key] = plan
            self.new_vendors.append(plan)
        return plan

    def product(self, name: str, vendor: _VendorPlan | None) -> _ProductPlan:
        key = _normalise(name)
        plan = self.products_exact.get(name) or self.products.get(key)
        if plan is None:
            plan = _ProductPlan(
                Product(collaboration=self.collaboration, name=name), is_new=True, vendor=vendor
            )
            self.products[key] = plan
            self.new_products.append(plan)
        elif plan.is_new and plan.vendor is None and vendor is not None:
            plan.vendor = vendor
        return plan

    # Rows ---------------------------------------------------------------------------------

    def rows(self, table: Table) -> Iterator[_Row]:
        fields = [f for f in _fields()[table.register] if not f.export_only]
        columns: dict[str, int] = {}
        for index, header in enumerate(table.headers):
            columns.setdefault(_normalise(header), index)
        missing = [f.header for f in fields if _normalise(f.header) not in columns]
        if missing:
            known = {_normalise(f.header) for f in _fields()[table.register]}
            unknown = [h for h in table.headers if h and _normalise(h) not in known]
            message = ngettext(
                "Mangler kolonnen %(columns)s.", "Mangler kolonnene %(columns)s.", len(missing)
            ) % {"columns": ", ".join(f"«{h}»" for h in missing)}
            if unknown:
                message += " " + _("Ukjente kolonner: %(columns)s.") % {
                    "columns": ", ".join(f"«{h}»" for h in unknown)
                }
            self.report.errors.append(ImportProblem(table.register, 1, None, message))
            return
        by_header = {f.header: columns[_normalise(f.header)] for f in fields}
        for number, values in table.rows:
            yield _Row(self, table, number, values, by_header)

    def _set_product_attribute(
        self, row: _Row, plan: _ProductPlan, header: str, name: str, value: Any
    ) -> None:
        """Apply a product attribute given on an installation row: blank leaves it alone.

        Rows of the file must agree with each other. An existing product is changed only
        when the import is not restricted to one organisation: editors add systems, but
        only managers change shared ones.
        """
        if value in ("", None):
            return
        first_row = plan.set_from_row.get(name)
        current = plan.vendor if name == "vendor" else getattr(plan.product, name)
        same = current is value if name == "vendor" else current == value
        if first_row is not None:
            if not same:
                self.report.errors.append(
                    ImportProblem(
                        row.sheet,
                        row.number,
                        header,
                        _("Systemet «%(product)s» har en annen verdi her enn i rad %(row)s.")
                        % {"product": plan.product.name, "row": first_row},
                    )
                )
                row.failed = True
            return
        plan.set_from_row[name] = row.number
        if same:
            return
        if not plan.is_new:
            if self.restrict_to_organisation is not None:
                if name == "vendor":
                    shown = plan.vendor.vendor.name if plan.vendor else ""
                elif name == "hosting":
                    shown = _choice_label(Product.Hosting, plan.product.hosting)
                else:
                    shown = str(current)
                row.error(
                    header,
                    _(
                        "Systemet «%(product)s» har «%(value)s» i Samla. Bare administratorer og "
                        "programkontoret kan endre et eksisterende system."
                    )
                    % {"product": plan.product.name, "value": shown or "–"},
                )
                return
            plan.changed = True
        if name == "vendor":
            plan.vendor = value
        else:
            setattr(plan.product, name, value)

    def check_installations(self, table: Table) -> None:
        seen: dict[tuple[Any, ...], int] = {}
        for row in self.rows(table):
            organisation = row.organisation("Organisasjon")
            category_name = row.text("Kategori", required=True)
            category = self.categories.get(_normalise(category_name)) if category_name else None
            if category_name and category is None:
                row.error("Kategori", _("Ukjent kategori «%(name)s».") % {"name": category_name})
            product_name = row.text("System", required=True, max_length=200)
            vendor_name = row.text("Leverandør", max_length=200)
            version = row.text("Versjon", max_length=60)
            hosting = row.choice("Drift", Product.Hosting)
            users = row.integer("Antall brukere", maximum=2_147_483_647)
            user_groups = row.text("Brukergrupper", max_length=300)
            lifecycle = (
                row.choice("Livsløp", Installation.Lifecycle) or Installation.Lifecycle.ACTIVE
            )
            functional = row.integer("Funksjonell egnethet", minimum=1, maximum=4)
            technical = row.integer("Teknisk egnethet", minimum=1, maximum=4)
            override = row.choice("TIME overstyrt", TimeClass)
            reason = row.text("Begrunnelse")
            if override and not reason:
                row.error("Begrunnelse", _("Begrunn hvorfor TIME-klassen overstyres."))
            if not product_name or row.failed:
                continue
            vendor = self.vendor(vendor_name) if vendor_name else None
            plan = self.product(product_name, vendor)
            self._set_product_attribute(row, plan, "Leverandør", "vendor", vendor)
            self._set_product_attribute(row, plan, "Versjon", "version", version)
            self._set_product_attribute(row, plan, "Drift", "hosting", hosting)
            assert organisation is not None and category is not None
            key = (organisation.pk, category.pk, plan.key)
            if key in seen:
                row.error(
                    None,
                    _("Samme organisasjon, kategori og system står også i rad %(row)s.")
                    % {"row": seen[key]},
                )
                continue
            seen[key] = row.number
            if row.failed:
                continue
            values = {
                "users": users,
                "user_groups": user_groups,
                "lifecycle": lifecycle,
                "functional_fit": functional,
                "technical_fit": technical,
                "time_override": override,
                "time_override_reason": reason if override else "",
            }
            existing = (
                None
                if plan.is_new
                else self.existing_installations.get(
                    (organisation.pk, category.pk, plan.product.pk)
                )
            )
            if existing is None:
                self.installations_new.append(
                    Installation(
                        collaboration=self.collaboration,
                        organisation=organisation,
                        category=category,
                        product=plan.product,
                        **values,
                    )
                )
            elif any(getattr(existing, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(existing, name, value)
                self.installations_changed.append(existing)
            else:
                self.result(INSTALLATIONS).unchanged += 1

    def check_contracts(self, table: Table) -> None:
        seen: dict[str, int] = {}
        url_validator = URLValidator()
        for row in self.rows(table):
            number = row.text("Avtalenummer", required=True, max_length=60)
            title = row.text("Tittel", required=True, max_length=200)
            vendor_name = row.text("Leverandør", required=True, max_length=200)
            party_text = row.text("Avtaleparter", required=True)
            organisations: list[Organisation] = []
            for name in _split_list(party_text):
                organisation = row.organisation("Avtaleparter", name)
                if organisation is not None and organisation not in organisations:
                    organisations.append(organisation)
            if party_text and not _split_list(party_text):
                row.error("Avtaleparter", _("Oppgi minst én avtalepart."))
            product_names = _split_list(row.text("Systemer"))
            for name in product_names:
                if len(name) > 200:
                    row.error("Systemer", _("Høyst %(count)s tegn.") % {"count": 200})
            start = row.date("Startdato")
            end = row.date("Sluttdato")
            if start and end and end < start:
                row.error("Sluttdato", _("Sluttdatoen kan ikke være før startdatoen."))
            options = row.integer("Antall opsjoner") or 0
            option_months = row.integer("Måneder per opsjon") or 0
            if bool(options) != bool(option_months):
                row.error(
                    "Måneder per opsjon", _("Oppgi både antall opsjoner og måneder per opsjon.")
                )
            notice = row.integer("Oppsigelsestid (måneder)") or 0
            yearly = row.amount("Årlig verdi", max_digits=12)
            total = row.amount("Estimert totalverdi", max_digits=14)
            procedure = row.choice("Prosedyre", Contract.Procedure) or Contract.Procedure.UNKNOWN
            framework = row.boolean("Rammeavtale") or False
            url = row.text("Lenke", max_length=500)
            if url:
                try:
                    url_validator(url)
                except ValidationError:
                    row.error(
                        "Lenke", _("«%(value)s» er ikke en gyldig nettadresse.") % {"value": url}
                    )
            if number in seen:
                row.error(
                    "Avtalenummer",
                    _("Avtalenummeret står også i rad %(row)s.") % {"row": seen[number]},
                )
                continue
            if number:
                seen[number] = row.number
            existing = self.existing_contracts.get(number)
            restricted = self.restrict_to_organisation
            if (
                restricted is not None
                and existing is not None
                and any(o.pk != restricted.pk for o in existing.organisations.all())
            ):
                row.error(
                    "Avtalenummer",
                    _(
                        "Avtalen har andre avtaleparter enn %(name)s og kan bare endres av "
                        "administratorer og programkontoret."
                    )
                    % {"name": restricted.name},
                )
            if row.failed:
                continue
            vendor = self.vendor(vendor_name)
            products: list[_ProductPlan] = []
            for name in product_names:
                product_plan = self.product(name, vendor)
                if all(product_plan is not other for other in products):
                    products.append(product_plan)
            values = {
                "number": number,
                "title": title,
                "start_date": start,
                "end_date": end,
                "extension_options": options,
                "extension_option_months": option_months,
                "notice_period_months": notice,
                "yearly_value": yearly,
                "total_estimated_value": total,
                "procedure": procedure,
                "is_framework_agreement": framework,
                "document_url": url,
            }
            plan = _ContractPlan(
                row=row.number,
                contract=existing or Contract(collaboration=self.collaboration),
                fields=values,
                vendor=vendor,
                organisations=organisations,
                products=products,
            )
            if plan.is_unchanged():
                self.result(CONTRACTS).unchanged += 1
            else:
                self.contracts.append(plan)

    def check_costs(self, table: Table) -> None:
        seen: dict[tuple[Any, ...], int] = {}
        for row in self.rows(table):
            organisation = row.organisation("Organisasjon")
            year = row.integer("År", minimum=1990, maximum=2100, required=True)
            kind = row.choice("Type", IctCost.Kind, required=True)
            category = row.choice("Kostnadsart", IctCost.Category, required=True)
            is_income = category == IctCost.Category.INCOME
            amount = row.amount("Beløp", required=True, allow_negative=is_income)
            if amount is not None and is_income:
                amount = -abs(amount)  # income is stored negative
            exposed = row.boolean("Konkurranseutsatt")
            description = row.text("Beskrivelse", max_length=200)
            if row.failed:
                continue
            assert organisation is not None and year is not None and amount is not None
            if category == IctCost.Category.INVESTMENT:
                kind = IctCost.Kind.INVESTMENT
            if exposed is None:
                exposed = default_exposure(category)
            key = (organisation.pk, year, kind, category, description)
            if key in seen:
                row.error(
                    None,
                    _(
                        "Samme organisasjon, år, type, kostnadsart og beskrivelse står også i rad %(row)s."
                    )
                    % {"row": seen[key]},
                )
                continue
            seen[key] = row.number
            existing = self.existing_costs.get(key)
            if existing is None:
                self.costs_new.append(
                    IctCost(
                        collaboration=self.collaboration,
                        organisation=organisation,
                        year=year,
                        kind=kind,
                        category=category,
                        amount=amount,
                        exposed_to_competition=exposed,
                        description=description,
                    )
                )
            elif existing.amount != amount or existing.exposed_to_competition != exposed:
                existing.amount = amount
                existing.exposed_to_competition = exposed
                self.costs_changed.append(existing)
            else:
                self.result(COSTS).unchanged += 1

    def result(self, register: str) -> RegisterResult:
        return self.report.results.setdefault(register, RegisterResult())

    # Writing ------------------------------------------------------------------------------

    def write(self, *, user: Any, reason: str) -> None:
        history = {"default_user": user, "default_change_reason": reason, "batch_size": BATCH_SIZE}
        if self.new_vendors:
            bulk_create_with_history([p.vendor for p in self.new_vendors], Vendor, **history)
        self.result(VENDORS).created = len(self.new_vendors)
        for product_plan in self.new_products:
            product_plan.product.vendor = (
                product_plan.vendor.vendor if product_plan.vendor else None
            )
        if self.new_products:
            bulk_create_with_history([p.product for p in self.new_products], Product, **history)
        changed_products = [p for p in self.products_exact.values() if p.changed]
        for product_plan in changed_products:
            product_plan.product.vendor = (
                product_plan.vendor.vendor if product_plan.vendor else None
            )
        if changed_products:
            bulk_update_with_history(
                [p.product for p in changed_products],
                Product,
                ["vendor", "version", "hosting"],
                **history,
            )
        self.result(PRODUCTS).created = len(self.new_products)
        self.result(PRODUCTS).updated = len(changed_products)

        # New products have their keys now; bulk_create copies them into product_id.
        if self.installations_new:
            bulk_create_with_history(self.installations_new, Installation, **history)
        if self.installations_changed:
            _update_with_history(
                self.installations_changed, Installation, INSTALLATION_VALUE_FIELDS, history
            )
        self.result(INSTALLATIONS).created = len(self.installations_new)
        self.result(INSTALLATIONS).updated = len(self.installations_changed)

        for contract_plan in self.contracts:
            contract = contract_plan.contract
            is_new = contract.pk is None
            contract._change_reason = reason  # type: ignore[attr-defined]
            if user is not None:
                contract._history_user = user  # type: ignore[attr-defined]
            try:
                contract_save(
                    collaboration=self.collaboration,
                    contract=contract,
                    organisations=contract_plan.organisations,
                    products=[p.product for p in contract_plan.products],
                    vendor=contract_plan.vendor.vendor,
                    **contract_plan.fields,
                )
            except ValidationError as exc:
                self.report.errors.append(
                    ImportProblem(CONTRACTS, contract_plan.row, None, " ".join(exc.messages))
                )
                continue
            if is_new:
                self.result(CONTRACTS).created += 1
            else:
                self.result(CONTRACTS).updated += 1

        if self.costs_new:
            bulk_create_with_history(self.costs_new, IctCost, **history)
        if self.costs_changed:
            _update_with_history(self.costs_changed, IctCost, COST_VALUE_FIELDS, history)
        self.result(COSTS).created = len(self.costs_new)
        self.result(COSTS).updated = len(self.costs_changed)


def _update_with_history(
    objs: list[Any], model: type[Any], fields: Sequence[str], history: dict[str, Any]
) -> None:
    """Save ``fields`` of ``objs`` and record a history row for each.

    Django's ``bulk_update`` builds a CASE expression per field and row: 20 000 changed
    installations took some 40 s on SQLite. One parametrised UPDATE run with
    ``executemany`` takes a second; ``bulk_update_with_history`` with no fields then writes
    the history rows, as it would have after its own update.
    """
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    pk = model._meta.pk
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"
    params = [
        [column.get_db_prep_save(getattr(obj, column.attname), connection) for column in columns]
        + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    bulk_update_with_history(objs, model, [], **history)


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def import_landscape_file(
    collaboration: Collaboration,
    uploaded_file_or_path: bytes | str | os.PathLike[str] | IO[bytes] | Any,
    filename: str | None = None,
    *,
    dry_run: bool,
    restrict_to_organisation: Organisation | None = None,
    user: Any = None,
) -> ImportReport:
    """Import the registers in an XLSX or CSV file into ``collaboration``.

    ``uploaded_file_or_path``: a Django ``UploadedFile``, any binary file object, a path or
    bytes. ``filename`` decides the format (.xlsx or .csv); it defaults to the name of the
    file. ``restrict_to_organisation``: an editor's organisation; rows for any other
    organisation are refused. ``user`` is recorded in the history.

    Returns a report. When ``report.errors`` is not empty nothing was written; otherwise the
    rows were written unless ``dry_run``, and ``report.results`` holds the counts per
    register (what would be written, in a dry run).
    """
    filename = filename or _source_name(uploaded_file_or_path)
    report = ImportReport(filename=filename, dry_run=dry_run)
    limit = max_upload_bytes()
    try:
        tables = read_tables(read_source(uploaded_file_or_path, limit), filename, limit)
    except FileRejected as exc:
        report.errors.append(ImportProblem("", None, None, str(exc)))
        return report

    importer = _Importer(collaboration, report, restrict_to_organisation)
    checks: dict[str, Callable[[Table], None]] = {
        INSTALLATIONS: importer.check_installations,
        CONTRACTS: importer.check_contracts,
        COSTS: importer.check_costs,
    }
    seen_registers: set[str] = set()
    for table in sorted(tables, key=lambda t: REGISTERS.index(t.register)):
        if table.register in seen_registers:
            report.errors.append(
                ImportProblem(table.register, None, None, _("Arket finnes to ganger i filen."))
            )
            continue
        seen_registers.add(table.register)
        checks[table.register](table)
    if report.errors:
        report.results.clear()
        return report

    with transaction.atomic():
        try:
            reason = (_("Import fra %(file)s") % {"file": filename})[:100]
            importer.write(user=user, reason=reason)
        except DatabaseError as exc:
            report.errors.append(
                ImportProblem(
                    "", None, None, _("Importen stoppet i databasen: %(error)s") % {"error": exc}
                )
            )
        if report.errors or dry_run:
            transaction.set_rollback(True)
    if report.errors:
        report.results.clear()
    return report


# --- Export -------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return "ja" if value else "nei"


def installation_rows(collaboration: Collaboration) -> Iterator[list[Any]]:
    # Plain values, not model instances: an export of 20 000 rows is twice as fast.
    items = (
        Installation.objects.filter(collaboration=collaboration)
        .order_by("organisation__name", "category__name", "product__name")
        .values_list(
            "organisation__name",
            "category__name",
            "product__name",
            "product__vendor__name",
            "product__version",
            "product__hosting",
            "users",
            "user_groups",
            "lifecycle",
            "functional_fit",
            "technical_fit",
            "time_override",
            "time_override_reason",
        )
    )
    for (
        organisation,
        category,
        product,
        vendor,
        version,
        hosting,
        users,
        groups,
        lifecycle,
        functional_fit,
        technical_fit,
        override,
        reason,
    ) in items.iterator(chunk_size=2000):
        time_class = override or time_class_from_fit(functional_fit, technical_fit)
        yield [
            organisation,
            category,
            product,
            vendor or "",
            version,
            _choice_label(Product.Hosting, hosting),
            users,
            groups,
            _choice_label(Installation.Lifecycle, lifecycle),
            functional_fit,
            technical_fit,
            _choice_label(TimeClass, override),
            reason,
            _choice_label(TimeClass, time_class),
        ]


def contract_rows(collaboration: Collaboration) -> Iterator[list[Any]]:
    for c in analysis.contracts(collaboration).order_by("number"):
        yield [
            c.number,
            c.title,
            c.vendor.name,
            "; ".join(o.name for o in c.organisations.all()),
            "; ".join(p.name for p in c.products.all()),
            c.start_date,
            c.end_date,
            c.extension_options,
            c.extension_option_months,
            c.notice_period_months,
            c.yearly_value,
            c.total_estimated_value,
            _choice_label(Contract.Procedure, c.procedure),
            _yes_no(c.is_framework_agreement),
            c.document_url,
            c.notice_deadline,
            c.latest_end_date,
        ]


def cost_rows(collaboration: Collaboration) -> Iterator[list[Any]]:
    lines = (
        IctCost.objects.filter(collaboration=collaboration)
        .select_related("organisation")
        .order_by("organisation__name", "year", "kind", "category", "description")
    )
    for line in lines:
        yield [
            line.organisation.name,
            line.year,
            _choice_label(IctCost.Kind, line.kind),
            _choice_label(IctCost.Category, line.category),
            line.amount,
            _yes_no(line.exposed_to_competition),
            line.description,
        ]


VENDOR_COLUMNS = (Column("Navn", 30), Column("Organisasjonsnummer", 18), Column("Nettsted", 30))
PRODUCT_COLUMNS = (
    Column("Navn", 30),
    Column("Leverandør", 24),
    Column("Versjon", 12),
    Column("Drift", 24),
    Column("Beskrivelse", 40),
    Column("Antall installasjoner", 12, "integer"),
)
CATEGORY_COLUMNS = (
    Column("Tjenesteområde", 30),
    Column("Kode", 12),
    Column("Navn", 30),
    Column("Eksempler", 50),
)


def _product_rows(collaboration: Collaboration) -> Iterator[list[Any]]:
    from django.db.models import Count

    products = (
        Product.objects.filter(collaboration=collaboration)
        .select_related("vendor")
        .annotate(installation_count=Count("installations"))
        .order_by("name")
    )
    for p in products:
        yield [
            p.name,
            p.vendor.name if p.vendor else "",
            p.version,
            _choice_label(Product.Hosting, p.hosting),
            p.description,
            p.installation_count,
        ]


def _category_rows(collaboration: Collaboration | None) -> Iterator[list[Any]]:
    if collaboration is None:
        for area in CATALOGUE:
            for category in area.categories:
                yield [area.name, category.code, category.name, category.examples]
        return
    categories = SystemCategory.objects.filter(collaboration=collaboration).select_related(
        "service_area"
    )
    for c in categories:
        yield [c.service_area.name, c.code, c.name, c.examples]


def _register_columns(register: str) -> list[Column]:
    return [f.column for f in _fields()[register]]


def export_landscape_workbook(collaboration: Collaboration) -> bytes:
    """Every register of the landscape as one workbook, readable by the import."""
    with translation.override("nb"):
        workbook = new_workbook()
        add_register_sheet(
            workbook,
            INSTALLATIONS,
            _register_columns(INSTALLATIONS),
            installation_rows(collaboration),
        )
        add_register_sheet(
            workbook, CONTRACTS, _register_columns(CONTRACTS), contract_rows(collaboration)
        )
        add_register_sheet(workbook, COSTS, _register_columns(COSTS), cost_rows(collaboration))
        vendors = Vendor.objects.filter(collaboration=collaboration).order_by("name")
        add_register_sheet(
            workbook,
            VENDORS,
            VENDOR_COLUMNS,
            ([v.name, v.organisation_number, v.website] for v in vendors),
        )
        add_register_sheet(workbook, PRODUCTS, PRODUCT_COLUMNS, _product_rows(collaboration))
        add_register_sheet(workbook, CATEGORIES, CATEGORY_COLUMNS, _category_rows(collaboration))
        return workbook_bytes(workbook)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return str(neutralise(value))


def export_landscape_csv(collaboration: Collaboration, register: str) -> bytes:
    """One register as CSV for Excel: UTF-8 with BOM, semicolons, Norwegian numbers."""
    producers = {INSTALLATIONS: installation_rows, CONTRACTS: contract_rows, COSTS: cost_rows}
    if register not in producers:
        raise ValueError(f"Unknown register {register!r}")
    with translation.override("nb"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([f.header for f in _fields()[register]])
        for row in producers[register](collaboration):
            writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


# --- Template -----------------------------------------------------------------------------


def _example_rows(collaboration: Collaboration | None) -> dict[str, list[Any]]:
    organisation_name = "Eksempel kommune"
    category_name = CATALOGUE[0].categories[0].name
    if collaboration is not None:
        first_member = next(iter(analysis.member_organisations(collaboration)), None)
        if first_member is not None:
            organisation_name = first_member.name
        first_category = SystemCategory.objects.filter(collaboration=collaboration).first()
        if first_category is not None:
            category_name = first_category.name
    return {
        INSTALLATIONS: [
            organisation_name,
            category_name,
            "Eksempelsystem",
            "Eksempel AS",
            "5.2",
            _choice_label(Product.Hosting, Product.Hosting.SAAS),
            120,
            "Saksbehandlere",
            _choice_label(Installation.Lifecycle, Installation.Lifecycle.ACTIVE),
            3,
            2,
            "",
            "",
        ],
        CONTRACTS: [
            "2026-001",
            "Lisens og drift av eksempelsystem",
            "Eksempel AS",
            organisation_name,
            "Eksempelsystem",
            datetime.date(2026, 1, 1),
            datetime.date(2029, 12, 31),
            2,
            12,
            6,
            Decimal(250000),
            Decimal(1500000),
            _choice_label(Contract.Procedure, Contract.Procedure.OPEN),
            "nei",
            "",
        ],
        COSTS: [
            organisation_name,
            2026,
            _choice_label(IctCost.Kind, IctCost.Kind.OPERATING),
            _choice_label(IctCost.Category, IctCost.Category.LICENCES),
            Decimal(1200000),
            "ja",
            "Lisenser sak/arkiv",
        ],
    }


GUIDE_COLUMNS = (
    Column("Ark", 16),
    Column("Kolonne", 26),
    Column("Påkrevd", 10),
    Column("Format og tillatte verdier", 90, wrap=True),
)


def _guide_rows() -> Iterator[list[Any]]:
    general = [
        _(
            "Fyll ut arkene Installasjoner, Avtaler og IKT-kostnader; ark du ikke trenger kan slettes."
        ),
        _("Behold overskriftene i første rad. Rekkefølgen på kolonnene spiller ingen rolle."),
        _("Eksempelraden i hvert ark importeres om den ikke slettes."),
        _("Importen er alt eller ingenting: er én rad feil, lagres ingen, og alle feil vises."),
        _(
            "Import på nytt oppdaterer rader i stedet for å lage kopier: installasjoner kjennes igjen "
            "på organisasjon, kategori og system; avtaler på avtalenummer; kostnadslinjer på "
            "organisasjon, år, type, kostnadsart og beskrivelse."
        ),
        _("Formler tas ikke imot. Lim inn verdiene i stedet."),
        _("CSV-filer (UTF-8, skilt med semikolon eller komma) kan inneholde ett av registrene."),
    ]
    for text in general:
        yield [_("Alle"), "", "", text]
    for register in REGISTERS:
        for f in _fields()[register]:
            needed = _("ja") if f.required else ("" if f.export_only else _("nei"))
            yield [register, f.header, needed, f.allowed]


def landscape_template_workbook(collaboration: Collaboration | None = None) -> bytes:
    """An empty import file: the three register sheets with their headers and one example
    row each, a guide and the category list. With a collaboration, the examples use its
    first member and category, and the list is its categories."""
    with translation.override("nb"):
        examples = _example_rows(collaboration)
        workbook = new_workbook()
        for register in REGISTERS:
            columns = [f.column for f in _fields()[register] if not f.export_only]
            add_register_sheet(workbook, register, columns, [examples[register]])
        add_register_sheet(workbook, GUIDE, GUIDE_COLUMNS, _guide_rows())
        add_register_sheet(workbook, CATEGORIES, CATEGORY_COLUMNS, _category_rows(collaboration))
        return workbook_bytes(workbook)
