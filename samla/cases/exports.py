"""Business-case exports: a workbook with live formulas and a Norwegian DOCX report.

Both start from the same place as every other view of a version's numbers: the version's
case document (``samla.cases.document.version_document``) and ``evaluate_version``.

The workbook (``version_xlsx``) is meant to be checked and played with in a spreadsheet:

* "Forutsetninger" holds the inputs in named cells (``Basisår``, ``Kalkulasjonsrente``,
  ``Timepris``, ``Skattefinansieringssats`` and one ``Påslag_…`` per kind of line).
* One sheet per alternative: years across, one row per line with the expected value per
  year (from the line's low, estimate and high by the distribution's mean formula) times
  kroner per unit (``=Timepris`` for hours saved) times the optimism-bias factor; sums of
  costs and benefits, the net public budget effect and the tax-financing cost on it, net
  flows, discount factors ``=1/(1+Kalkulasjonsrente)^t``, discounted flows, the net present
  value (NPV) and the NPV against the zero alternative's sheet, and the benefit/cost
  ratios. Recalculated, these formulas give Samla's figures (a test checks it).
* "Sammendrag" compares the alternatives with formulas into their sheets, and adds what a
  spreadsheet cannot recompute (payback, internal rate of return, Monte Carlo percentiles)
  as values marked as computed by Samla.
* "Fordeling" holds each organisation's share per year, to the øre, with sums as formulas.

Text from users is neutralised (``samla.core.xlsx.neutralise``) so it never runs as a
formula. A stepped discount rate (possible in files, not in Samla's pages) is written as
factor values, since one rate cell cannot express it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from docx.document import Document as DocumentType
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from samla.cases.document import evaluate_version, parse_document, version_document
from samla.cases.models import CaseVersion, Line
from samla.core.docx import add_table, document_bytes, new_document
from samla.core.templatetags.samla import MINUS, format_number
from samla.core.xlsx import neutralise, workbook_bytes
from samla.finance.cashflow import Alternative as CaseAlternative
from samla.finance.cashflow import Case, LineKind
from samla.finance.cashflow import Line as CaseLine
from samla.finance.distributions import Normal, Pert, Triangular, Uniform
from samla.finance.evaluate import AlternativeResult, CaseResult, to_json_dict

KRONER = "# ##0"
ORE = "# ##0.00"
FACTOR = "0.000000"
RATIO = "0.00"
PERCENT = "0.0 %"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
INPUT = PatternFill("solid", fgColor="FFF2CC")  # the cells meant to be changed

# Named cells on "Forutsetninger".
BASE_YEAR = "Basisår"
RATE = "Kalkulasjonsrente"
HOURLY_RATE = "Timepris"
TAX_RATE = "Skattefinansieringssats"
UPLIFT = {
    LineKind.INVESTMENT: "Påslag_investering",
    LineKind.OPERATING: "Påslag_drift",
    LineKind.BENEFIT: "Påslag_gevinst",
    LineKind.TIME_SAVING: "Påslag_spart_tid",
    LineKind.RESIDUAL: "Påslag_restverdi",
}

# Columns of an alternative's sheet; the years start at FIRST_YEAR_COLUMN.
FIRST_YEAR_COLUMN = 11  # K
YEAR_ROW, T_ROW, FACTOR_ROW, HEADER_ROW = 4, 5, 6, 8
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _kind_labels() -> dict[LineKind, str]:
    return {LineKind(value): str(label) for value, label in Line.Kind.choices}


def _stage_label(version: CaseVersion) -> str:
    return str(CaseVersion.Stage(version.stage).label)


# --- Workbook ---------------------------------------------------------------------------------


def _put(sheet: Worksheet, ref: str, value: Any, number_format: str | None = None) -> None:
    """Write a value; text is neutralised, formulas are ours and written as they are."""
    cell = sheet[ref]
    cell.value = value if _is_formula(value) else neutralise(value)
    if number_format and (_is_formula(value) or not isinstance(value, str)):
        cell.number_format = number_format


class _Formula(str):
    """A formula written by this module (user text never becomes one)."""


def _is_formula(value: Any) -> bool:
    return isinstance(value, _Formula)


def _f(text: str) -> _Formula:
    return _Formula(text if text.startswith("=") else "=" + text)


def _col(index: int) -> str:
    return get_column_letter(index)


def _sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of []:*?/\\)."""
    base = SHEET_NAME_FORBIDDEN.sub("-", name).strip().strip("'") or _("Alternativ")
    title = base[:31].strip()
    number = 2
    while title.casefold() in taken:
        suffix = f" ({number})"
        title = base[: 31 - len(suffix)].strip() + suffix
        number += 1
    taken.add(title.casefold())
    return title


def _ref(title: str, cell: str) -> str:
    return f"{quote_sheetname(title)}!{cell}"


def _name(workbook: Workbook, name: str, sheet: Worksheet, cell: str) -> None:
    column, row = re.match(r"([A-Z]+)(\d+)", cell).groups()  # type: ignore[union-attr]
    workbook.defined_names[name] = DefinedName(
        name, attr_text=f"{quote_sheetname(sheet.title)}!${column}${row}"
    )


@dataclass
class _SheetRows:
    """Where an alternative's sheet keeps the rows and cells other sheets refer to."""

    title: str
    costs: int = 0
    benefits: int = 0
    tax: int = 0
    net: int = 0
    npv: int = 0
    npv_vs_zero: int = 0
    ratio: int = 0
    ratio_vs_zero: int = 0


def _assumptions_sheet(workbook: Workbook, case: Case, version: CaseVersion) -> None:
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Forutsetninger")
    sheet.column_dimensions["A"].width = 52
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 70
    _put(sheet, "A1", case.name)
    sheet["A1"].font = TITLE
    _put(
        sheet,
        "A2",
        _("Versjon %(number)s (%(stage)s), eksportert %(date)s")
        % {
            "number": version.number,
            "stage": _stage_label(version),
            "date": timezone.localdate().strftime("%d.%m.%Y"),
        },
    )
    rate = case.discount.bands[0].rate
    rows: list[tuple[str, str | None, Any, str | None, str]] = [
        (_("Basisår (t = 0, ikke diskontert)"), BASE_YEAR, case.base_year, "0", ""),
        (_("Analyseperiode (år, basisåret medregnet)"), None, case.years, "0", ""),
        (
            _("Kalkulasjonsrente (reell)"),
            RATE,
            rate,
            PERCENT,
            ""
            if case.discount.is_constant
            else _("Trinnvis rente: diskonteringsfaktorene er skrevet som verdier."),
        ),
        (_("Timepris for spart tid (kr)"), HOURLY_RATE, case.hourly_rate, KRONER, ""),
        (
            _("Skattefinansieringskostnad (andel av netto budsjettvirkning)"),
            TAX_RATE,
            case.tax_financing_rate,
            PERCENT,
            _("0 % når skattefinansieringskostnaden ikke er tatt med."),
        ),
    ]
    labels = _kind_labels()
    for kind, uplift_name in UPLIFT.items():
        note = (
            _("Kostnader øker med påslaget.") if kind.is_cost else _("Nytte minker med påslaget.")
        )
        rows.append(
            (
                _("Påslag for optimismebias: %(kind)s") % {"kind": labels[kind]},
                uplift_name,
                case.uplift(kind),
                PERCENT,
                note,
            )
        )
    _put(sheet, "A4", _("Forutsetning"))
    _put(sheet, "B4", _("Verdi"))
    _put(sheet, "C4", _("Merknad"))
    for ref in ("A4", "B4", "C4"):
        sheet[ref].font = BOLD
    for row, (label, cell_name, value, number_format, note) in enumerate(rows, start=5):
        _put(sheet, f"A{row}", label)
        _put(sheet, f"B{row}", value, number_format)
        sheet[f"B{row}"].fill = INPUT
        _put(sheet, f"C{row}", note)
        if cell_name:
            _name(workbook, cell_name, sheet, f"B{row}")
    row = 5 + len(rows) + 1
    for text in (
        _("Gule celler kan endres; alternativarkene og sammendraget regnes da på nytt."),
        _(
            "Beløp i kroner, faste priser. Usikre beløp står med forventningsverdien "
            "(snittet av fordelingen), som Samla bruker for nåverdien."
        ),
        _(
            "Tilbakebetalingstid, internrente, Monte Carlo og fordelingen per organisasjon er "
            "beregnet i Samla og står som verdier; de endres ikke når forutsetningene endres."
        ),
    ):
        _put(sheet, f"A{row}", text)
        row += 1


def _distribution_cells(amount: Any) -> tuple[str, Any, Any, Any, str]:
    """Uncertainty label, low, estimate, high, and the formula for the mean (row-relative:
    ``{r}`` is the row)."""
    if isinstance(amount, Triangular):
        return _("Trekant"), amount.min, amount.mode, amount.max, "(E{r}+F{r}+G{r})/3"
    if isinstance(amount, Pert):
        return _("PERT"), amount.min, amount.mode, amount.max, "(E{r}+4*F{r}+G{r})/6"
    if isinstance(amount, Uniform):
        return _("Uniform"), amount.min, None, amount.max, "(E{r}+G{r})/2"
    if isinstance(amount, Normal):
        label = _("Normal, standardavvik %(sd)s") % {"sd": format_number(amount.sd)}
        return label, None, amount.mean, None, "F{r}"
    return _("Fast"), None, float(amount), None, "F{r}"


def _line_row(sheet: Worksheet, row: int, case: Case, line: CaseLine) -> None:
    labels = _kind_labels()
    uncertainty, low, estimate, high, mean = _distribution_cells(line.amount)
    _put(sheet, f"A{row}", line.name)
    _put(sheet, f"B{row}", labels[line.kind])
    _put(sheet, f"C{row}", _("Ja") if line.affects_budget else _("Nei"))
    _put(sheet, f"D{row}", uncertainty)
    for column, value in (("E", low), ("F", estimate), ("G", high)):
        if value is not None:
            _put(sheet, f"{column}{row}", value, KRONER)
            sheet[f"{column}{row}"].fill = INPUT
    _put(sheet, f"H{row}", _f(mean.format(r=row)), KRONER)
    if line.kind is LineKind.TIME_SAVING:
        unit: Any = _f(HOURLY_RATE) if line.hourly_rate is None else line.hourly_rate
    else:
        unit = 1
    _put(sheet, f"I{row}", unit, KRONER)
    sign = "+" if line.kind.is_cost else "-"
    _put(sheet, f"J{row}", _f(f"1{sign}{UPLIFT[line.kind]}"), "0.00")
    for index, year in enumerate(case.calendar_years):
        if line.first_year <= year <= line.last_year:
            column = _col(FIRST_YEAR_COLUMN + index)
            _put(sheet, f"{column}{row}", _f(f"$H{row}*$I{row}*$J{row}"), KRONER)


def _year_formula(
    case: Case, row: int, template: str, number_format: str, sheet: Worksheet
) -> None:
    """One formula per year; ``{c}`` is the year's column."""
    for index in range(case.years):
        column = _col(FIRST_YEAR_COLUMN + index)
        _put(sheet, f"{column}{row}", _f(template.format(c=column)), number_format)


def _label(sheet: Worksheet, row: int, text: str, bold: bool = False) -> None:
    _put(sheet, f"A{row}", text)
    if bold:
        sheet[f"A{row}"].font = BOLD


def _alternative_sheet(
    workbook: Workbook,
    case: Case,
    alternative: CaseAlternative,
    rows: _SheetRows,
    zero: _SheetRows | None,
    description: str,
) -> None:
    """Fill in the alternative's sheet (made beforehand, so the sheets follow the case's
    order); ``zero`` is the zero alternative's rows (None for the zero alternative itself or
    when there is none). Records the rows other sheets refer to in ``rows``."""
    sheet = workbook[rows.title]
    years = case.years
    last = _col(FIRST_YEAR_COLUMN + years - 1)
    first = _col(FIRST_YEAR_COLUMN)
    widths = {
        "A": 46,
        "B": 18,
        "C": 10,
        "D": 16,
        "E": 13,
        "F": 13,
        "G": 13,
        "H": 14,
        "I": 10,
        "J": 10,
    }
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for index in range(years):
        sheet.column_dimensions[_col(FIRST_YEAR_COLUMN + index)].width = 13
    sheet.freeze_panes = "B5"

    _put(sheet, "A1", alternative.name)
    sheet["A1"].font = TITLE
    note = _("Nullalternativet.") if alternative.zero else ""
    _put(sheet, "A2", " ".join(part for part in (note, description) if part))

    _label(sheet, YEAR_ROW, _("År"), bold=True)
    _label(sheet, T_ROW, _("t (år etter basisåret)"))
    _label(sheet, FACTOR_ROW, _("Diskonteringsfaktor"))
    factors = case.discount.factors(years)
    for index, year in enumerate(case.calendar_years):
        column = _col(FIRST_YEAR_COLUMN + index)
        _put(sheet, f"{column}{YEAR_ROW}", year, "0")
        sheet[f"{column}{YEAR_ROW}"].font = BOLD
        _put(sheet, f"{column}{T_ROW}", _f(f"{column}{YEAR_ROW}-{BASE_YEAR}"), "0")
        factor: Any = (
            _f(f"1/(1+{RATE})^{column}{T_ROW}")
            if case.discount.is_constant
            else float(factors[index])
        )
        _put(sheet, f"{column}{FACTOR_ROW}", factor, FACTOR)

    headers = [
        _("Linje"),
        _("Type"),
        _("Påvirker budsjett"),
        _("Usikkerhet"),
        _("Lav"),
        _("Anslag"),
        _("Høy"),
        _("Forventet per år"),
        _("Kr per enhet"),
        _("Påslagsfaktor"),
    ]
    for index, header in enumerate(headers, start=1):
        _put(sheet, f"{_col(index)}{HEADER_ROW}", header)
        sheet[f"{_col(index)}{HEADER_ROW}"].font = BOLD

    row = HEADER_ROW + 1
    blocks: dict[bool, tuple[int, int]] = {}
    for is_cost, heading, total in (
        (True, _("Kostnader"), _("Sum kostnader")),
        (False, _("Nytte"), _("Sum nytte")),
    ):
        _label(sheet, row, heading, bold=True)
        row += 1
        start = row
        for line in alternative.lines:
            if line.kind.is_cost == is_cost:
                _line_row(sheet, row, case, line)
                row += 1
        end = row - 1
        blocks[is_cost] = (start, end)
        _label(sheet, row, total, bold=True)
        if end >= start:
            _year_formula(case, row, f"SUM({{c}}{start}:{{c}}{end})", KRONER, sheet)
        else:
            _year_formula(case, row, "0", KRONER, sheet)
        if is_cost:
            rows.costs = row
        else:
            rows.benefits = row
        row += 2

    budget = row
    _label(sheet, budget, _("Netto budsjettvirkning (budsjettkostnader minus budsjettgevinster)"))
    parts = []
    for is_cost, sign in ((True, ""), (False, "-")):
        start, end = blocks[is_cost]
        if end >= start:
            parts.append(f'{sign}SUMIF($C${start}:$C${end},"{_("Ja")}",{{c}}{start}:{{c}}{end})')
    _year_formula(case, budget, "".join(parts) or "0", KRONER, sheet)
    rows.tax = budget + 1
    _label(sheet, rows.tax, _("Skattefinansieringskostnad"))
    _year_formula(case, rows.tax, f"{TAX_RATE}*{{c}}{budget}", KRONER, sheet)
    rows.net = rows.tax + 1
    _label(sheet, rows.net, _("Netto nytte (nytte minus kostnader)"), bold=True)
    _year_formula(
        case, rows.net, f"{{c}}{rows.benefits}-{{c}}{rows.costs}-{{c}}{rows.tax}", KRONER, sheet
    )
    vs_zero = rows.net + 1
    _label(sheet, vs_zero, _("Netto nytte mot nullalternativet"))
    if zero is not None:
        template = f"{{c}}{rows.net}-{_ref(zero.title, f'{{c}}{zero.net}')}"
    elif alternative.zero:
        template = f"{{c}}{rows.net}-{{c}}{rows.net}"  # zero by definition
    else:
        template = f"{{c}}{rows.net}"  # no zero alternative: compared with doing nothing
    _year_formula(case, vs_zero, template, KRONER, sheet)
    discounted = vs_zero + 1
    _label(sheet, discounted, _("Diskontert netto nytte"))
    _year_formula(case, discounted, f"{{c}}{rows.net}*{{c}}${FACTOR_ROW}", KRONER, sheet)
    discounted_vs_zero = discounted + 1
    _label(sheet, discounted_vs_zero, _("Diskontert netto nytte mot nullalternativet"))
    _year_formula(case, discounted_vs_zero, f"{{c}}{vs_zero}*{{c}}${FACTOR_ROW}", KRONER, sheet)
    cumulative = discounted_vs_zero + 1
    _label(sheet, cumulative, _("Akkumulert diskontert netto nytte mot nullalternativet"))
    for index in range(years):
        column = _col(FIRST_YEAR_COLUMN + index)
        previous = _col(FIRST_YEAR_COLUMN + index - 1)
        formula = (
            f"{column}{discounted_vs_zero}"
            if index == 0
            else f"{previous}{cumulative}+{column}{discounted_vs_zero}"
        )
        _put(sheet, f"{column}{cumulative}", _f(formula), KRONER)

    if zero is not None:
        change = cumulative + 2
        _label(sheet, change, _("Endring mot nullalternativet"), bold=True)
        compared: dict[str, int] = {}
        for offset, (label, component) in enumerate(
            (
                (_("Nytte"), "benefits"),
                (_("Kostnader"), "costs"),
                (_("Skattefinansieringskostnad"), "tax"),
            )
        ):
            source = getattr(rows, component)
            reference = _ref(zero.title, f"{{c}}{getattr(zero, component)}")
            _label(sheet, change + 1 + offset, label)
            _year_formula(case, change + 1 + offset, f"{{c}}{source}-{reference}", KRONER, sheet)
            compared[component] = change + 1 + offset
        summary = change + 5
    else:  # the zero alternative itself, or no zero alternative: its own flows
        compared = {"benefits": rows.benefits, "costs": rows.costs, "tax": rows.tax}
        summary = cumulative + 2
    own = {"benefits": rows.benefits, "costs": rows.costs, "tax": rows.tax}

    _label(sheet, summary, _("Resultat"), bold=True)
    rows.npv = summary + 1
    _label(sheet, rows.npv, _("Nåverdi (netto nåverdi)"), bold=True)
    _put(sheet, f"B{rows.npv}", _f(f"SUM({first}{discounted}:{last}{discounted})"), KRONER)
    sheet[f"B{rows.npv}"].font = BOLD
    rows.npv_vs_zero = rows.npv + 1
    _label(sheet, rows.npv_vs_zero, _("Nåverdi mot nullalternativet"), bold=True)
    reference_npv = (
        _ref(zero.title, f"B{zero.npv}")
        if zero is not None
        else f"B{rows.npv}"
        if alternative.zero
        else "0"
    )
    _put(sheet, f"B{rows.npv_vs_zero}", _f(f"B{rows.npv}-{reference_npv}"), KRONER)
    sheet[f"B{rows.npv_vs_zero}"].font = BOLD
    pv_rows = [
        (_("Nåverdi av kostnader"), rows.costs),
        (_("Nåverdi av nytte"), rows.benefits),
        (_("Nåverdi av skattefinansieringskostnad"), rows.tax),
    ]
    row = rows.npv_vs_zero + 1
    for label, source in pv_rows:
        _label(sheet, row, label)
        _put(
            sheet,
            f"B{row}",
            _f(
                f"SUMPRODUCT({first}{source}:{last}{source},{first}${FACTOR_ROW}:{last}${FACTOR_ROW})"
            ),
            KRONER,
        )
        row += 1
    # The benefit/cost ratio counts year by year a negative cost (a cost saved against the
    # zero alternative, or a tax-financing gain) as a benefit, and a negative benefit as a cost.
    factors_range = f"{first}${FACTOR_ROW}:{last}${FACTOR_ROW}"
    for suffix, components, target in (
        ("", own, "ratio"),
        (" " + _("mot nullalternativet"), compared, "ratio_vs_zero"),
    ):
        benefit, cost, tax = (
            f"{first}{components[name]}:{last}{components[name]}"
            for name in ("benefits", "costs", "tax")
        )

        def part(area: str, test: str) -> str:
            return f"SUMPRODUCT(({area}{test}0)*{area},{factors_range})"

        positive = f"{part(benefit, '>')}-{part(cost, '<')}-{part(tax, '<')}"
        negative = f"-{part(benefit, '<')}+{part(cost, '>')}+{part(tax, '>')}"
        _label(sheet, row, _("Nåverdi av positive virkninger") + suffix)
        _put(sheet, f"B{row}", _f(positive), KRONER)
        _label(sheet, row + 1, _("Nåverdi av negative virkninger") + suffix)
        _put(sheet, f"B{row + 1}", _f(negative), KRONER)
        _label(sheet, row + 2, _("Nytte/kost-forhold") + suffix)
        _put(sheet, f"B{row + 2}", _f(f'IF(B{row + 1}>0,B{row}/B{row + 1},"")'), RATIO)
        setattr(rows, target, row + 2)
        row += 3


def _summary_sheet(workbook: Workbook, result: CaseResult, sheets: Sequence[_SheetRows]) -> None:
    sheet = workbook.create_sheet(_("Sammendrag"), 1)
    _put(sheet, "A1", _("Sammendrag: %(case)s") % {"case": result.name})
    sheet["A1"].font = TITLE
    _put(
        sheet,
        "A2",
        _(
            "Nåverdiene og nytte/kost-forholdene er formler mot alternativarkene. "
            "Kolonnene merket «beregnet i Samla» er verdier."
        ),
    )
    computed = _("beregnet i Samla")
    headers = [
        (_("Alternativ"), 40),
        (_("Nåverdi"), 16),
        (_("Nåverdi mot nullalternativet"), 18),
        (_("Nytte/kost"), 11),
        (_("Nytte/kost mot nullalternativet"), 14),
        (_("Tilbakebetalt år (%(computed)s)") % {"computed": computed}, 16),
        (_("Diskontert tilbakebetalt år (%(computed)s)") % {"computed": computed}, 16),
        (_("Internrente (%(computed)s)") % {"computed": computed}, 14),
        (_("Monte Carlo P10 (%(computed)s)") % {"computed": computed}, 16),
        (_("Monte Carlo P50 (%(computed)s)") % {"computed": computed}, 16),
        (_("Monte Carlo P90 (%(computed)s)") % {"computed": computed}, 16),
        (_("Sannsynlighet for nåverdi over 0 (%(computed)s)") % {"computed": computed}, 16),
    ]
    for index, (header, width) in enumerate(headers, start=1):
        _put(sheet, f"{_col(index)}4", header)
        sheet[f"{_col(index)}4"].font = BOLD
        sheet.column_dimensions[_col(index)].width = width
    for row, (alt, rows) in enumerate(zip(result.alternatives, sheets, strict=True), start=5):
        mc = alt.monte_carlo
        _put(sheet, f"A{row}", alt.name + (" " + _("(nullalternativet)") if alt.zero else ""))
        _put(sheet, f"B{row}", _f(_ref(rows.title, f"B{rows.npv}")), KRONER)
        _put(sheet, f"C{row}", _f(_ref(rows.title, f"B{rows.npv_vs_zero}")), KRONER)
        _put(sheet, f"D{row}", _f(_ref(rows.title, f"B{rows.ratio}")), RATIO)
        _put(sheet, f"E{row}", _f(_ref(rows.title, f"B{rows.ratio_vs_zero}")), RATIO)
        _put(sheet, f"F{row}", alt.payback_year if alt.payback_year else _("aldri"), "0")
        _put(
            sheet,
            f"G{row}",
            alt.discounted_payback_year if alt.discounted_payback_year else _("aldri"),
            "0",
        )
        _put(sheet, f"H{row}", _irr_value(alt), "0.00 %")
        _put(sheet, f"I{row}", round(mc.p10, 2), KRONER)
        _put(sheet, f"J{row}", round(mc.p50, 2), KRONER)
        _put(sheet, f"K{row}", round(mc.p90, 2), KRONER)
        _put(sheet, f"L{row}", mc.prob_positive, PERCENT)
    row = 5 + len(sheets) + 1
    first = result.alternatives[0].monte_carlo if result.alternatives else None
    notes = [
        _(
            "Nåverdi mot nullalternativet, tilbakebetaling, internrente og Monte Carlo gjelder "
            "endringen fra nullalternativet; for nullalternativet selv dets egne kontantstrømmer."
        )
    ]
    if first is not None:
        notes.append(
            _("Monte Carlo: %(iterations)s trekk, startverdi %(seed)s.")
            % {"iterations": format_number(first.iterations), "seed": first.seed}
        )
    for text in notes:
        _put(sheet, f"A{row}", text)
        row += 1


def _irr_value(alt: AlternativeResult) -> Any:
    if alt.irr is not None:
        return alt.irr
    if alt.irr_roots:
        return _("flere: %(roots)s") % {
            "roots": ", ".join(_percent(root) for root in alt.irr_roots)
        }
    return _("ingen")


def _distribution_sheet(workbook: Workbook, result: CaseResult) -> None:
    sheet = workbook.create_sheet(_("Fordeling"))
    _put(sheet, "A1", _("Fordeling per organisasjon"))
    sheet["A1"].font = TITLE
    _put(
        sheet,
        "A2",
        _(
            "Hver organisasjons andel per år, til øret, beregnet i Samla etter fordelingsnøklene; "
            "kostnadene inkluderer skattefinansieringskostnaden. Summene er formler."
        ),
    )
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 12
    years = list(range(result.base_year, result.base_year + result.years))
    first_column = 3
    sum_column = _col(first_column + len(years))
    for index in range(len(years) + 3):
        sheet.column_dimensions[_col(first_column + index)].width = 15
    row = 4
    if not any(alt.by_organisation for alt in result.alternatives):
        _put(sheet, f"A{row}", _("Saken har ingen organisasjoner å fordele mellom."))
        return
    costs_label, benefits_label = _("Kostnader"), _("Nytte")
    for alt in result.alternatives:
        if not alt.by_organisation:
            continue
        _put(sheet, f"A{row}", alt.name)
        sheet[f"A{row}"].font = BOLD
        row += 1
        headers = [
            _("Organisasjon"),
            _("Post"),
            *years,
            _("Sum"),
            _("Nåverdi (beregnet i Samla)"),
            _("Nåverdi mot nullalternativet (beregnet i Samla)"),
        ]
        for index, header in enumerate(headers, start=1):
            _put(sheet, f"{_col(index)}{row}", header)
            sheet[f"{_col(index)}{row}"].font = BOLD
        row += 1
        start = row
        for org in alt.by_organisation:
            for label, values in (
                (costs_label, [year.costs for year in org.yearly]),
                (benefits_label, [year.benefits for year in org.yearly]),
            ):
                _put(sheet, f"A{row}", org.name)
                _put(sheet, f"B{row}", label)
                for index, value in enumerate(values):
                    _put(sheet, f"{_col(first_column + index)}{row}", value, ORE)
                _put(
                    sheet,
                    f"{sum_column}{row}",
                    _f(
                        f"SUM({_col(first_column)}{row}:{_col(first_column + len(years) - 1)}{row})"
                    ),
                    ORE,
                )
                if label == costs_label:
                    _put(sheet, f"{_col(first_column + len(years) + 1)}{row}", org.npv, ORE)
                    _put(sheet, f"{_col(first_column + len(years) + 2)}{row}", org.npv_vs_zero, ORE)
                row += 1
        end = row - 1
        for label in (costs_label, benefits_label):
            _put(sheet, f"A{row}", _("Alle organisasjoner"))
            _put(sheet, f"B{row}", label)
            sheet[f"A{row}"].font = BOLD
            for index in range(len(years) + 1):
                column = _col(first_column + index)
                _put(
                    sheet,
                    f"{column}{row}",
                    _f(f'SUMIF($B${start}:$B${end},"{label}",{column}{start}:{column}{end})'),
                    ORE,
                )
            row += 1
        row += 1


def version_xlsx(version: CaseVersion, *, result: CaseResult | None = None) -> bytes:
    """The version as a workbook whose formulas reproduce Samla's NPVs when recalculated.
    ``result`` saves evaluating the version again when the caller already has it."""
    document = version_document(version)
    case = parse_document(document)
    result = result or evaluate_version(version)
    descriptions = {
        str(entry["name"]): str(entry.get("description", ""))
        for entry in document.get("alternatives", [])
    }
    workbook = Workbook()
    _assumptions_sheet(workbook, case, version)
    taken = {title.casefold() for title in (_("Forutsetninger"), _("Sammendrag"), _("Fordeling"))}
    sheets = [_SheetRows(_sheet_title(alt.name, taken)) for alt in case.alternatives]
    zero_position = next((i for i, alt in enumerate(case.alternatives) if alt.zero), None)
    for rows in sheets:  # in the case's order; filled below
        workbook.create_sheet(rows.title)
    order = list(range(len(case.alternatives)))
    if zero_position is not None:  # the zero sheet first: the others refer to its rows
        order.remove(zero_position)
        order.insert(0, zero_position)
    for position in order:
        alternative = case.alternatives[position]
        zero = None if zero_position is None or alternative.zero else sheets[zero_position]
        _alternative_sheet(
            workbook,
            case,
            alternative,
            sheets[position],
            zero,
            descriptions.get(alternative.name, ""),
        )
    _summary_sheet(workbook, result, sheets)
    _distribution_sheet(workbook, result)
    return workbook_bytes(workbook)


# --- Report -----------------------------------------------------------------------------------
#
# The report's figures come from ``to_json_dict`` of the engine's result, formatted as the
# version page formats them (kroner rounded from the øre), so the two show the same numbers.


def _kr(value: float | Decimal | None) -> str:
    return "–" if value is None else f"{format_number(value)}\xa0kr"


def _percent(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else f"{format_number(value * 100, decimals)}\xa0%"


def _ratio(value: float | None) -> str:
    return "–" if value is None else format_number(value, 2)


def _irr_text(alt: dict[str, Any]) -> str:
    if alt["irr"] is not None:
        return _percent(alt["irr"])
    if len(alt["irr_roots"]) > 1:
        return _("flere: %(roots)s") % {"roots": ", ".join(_percent(r) for r in alt["irr_roots"])}
    return _("ingen")


def _year_text(year: int | None, years: float | None = None) -> str:
    if not year:
        return _("aldri")
    if years is None:
        return str(year)
    return _("%(year)s (%(years)s år)") % {"year": year, "years": format_number(years, 1)}


def _score(score: int) -> str:
    return f"+{score}" if score > 0 else (f"{MINUS}{-score}" if score < 0 else "0")


def _amount_text(line: CaseLine) -> str:
    unit = _("timer") if line.kind is LineKind.TIME_SAVING else "kr"
    amount = line.amount
    if isinstance(amount, Triangular | Pert):
        return _("%(low)s–%(high)s %(unit)s, mest sannsynlig %(mode)s") % {
            "low": format_number(amount.min),
            "high": format_number(amount.max),
            "mode": format_number(amount.mode),
            "unit": unit,
        }
    if isinstance(amount, Uniform):
        return f"{format_number(amount.min)}–{format_number(amount.max)} {unit}"
    if isinstance(amount, Normal):
        return _("%(mean)s %(unit)s, standardavvik %(sd)s") % {
            "mean": format_number(amount.mean),
            "sd": format_number(amount.sd),
            "unit": unit,
        }
    return f"{format_number(float(amount))} {unit}"


def _years_text(line: CaseLine) -> str:
    if line.first_year == line.last_year:
        return str(line.first_year)
    return f"{line.first_year}–{line.last_year}"


def _split_text(version: CaseVersion, document: dict[str, Any]) -> str:
    if not document.get("organisations"):
        return _("Ingen organisasjoner")
    if version.split_key is not None and not version.is_frozen:
        return version.split_key.name
    split = document.get("split", "population")
    if split == "population":
        return _("Etter innbyggertall")
    if split == "equal":
        return _("Like andeler")
    if isinstance(split, dict) and "fixed" in split:
        return _("%(fixed)s likt, resten etter innbyggertall") % {
            "fixed": _percent(split["fixed"], 0)
        }
    return _("Egne vekter")


def comparison_rows(result: dict[str, Any]) -> list[list[str]]:
    """The version page's comparison: one row per figure, one column per alternative."""
    alternatives = result["alternatives"]

    def row(label: str, cell: Any) -> list[str]:
        return [label, *(cell(alt) for alt in alternatives)]

    rows = [
        row(_("Nåverdi"), lambda alt: _kr(alt["npv"])),
        row(_("Nåverdi mot nullalternativet"), lambda alt: _kr(alt["npv_vs_zero"])),
        row(_("Nåverdi av kostnader"), lambda alt: _kr(alt["pv_costs"])),
        row(_("Nåverdi av nytte"), lambda alt: _kr(alt["pv_benefits"])),
    ]
    if result["tax_financing_rate"]:
        rows.append(
            row(
                _("Nåverdi av skattefinansieringskostnad"), lambda alt: _kr(alt["pv_tax_financing"])
            )
        )
    rows += [
        row(_("Nytte/kostnad"), lambda alt: _ratio(alt["benefit_cost_ratio"])),
        row(
            _("Nytte/kostnad mot nullalternativet"),
            lambda alt: "–" if alt["zero"] else _ratio(alt["benefit_cost_ratio_vs_zero"]),
        ),
        row(
            _("Netto nåverdi per budsjettkrone"),
            lambda alt: _ratio(
                alt["npv_per_budget_krone"] if alt["zero"] else alt["npv_per_budget_krone_vs_zero"]
            ),
        ),
        row(_("Internrente"), _irr_text),
        row(_("Tilbakebetalt"), lambda alt: _year_text(alt["payback_year"], alt["payback_years"])),
        row(
            _("Tilbakebetalt diskontert"),
            lambda alt: _year_text(alt["discounted_payback_year"], alt["discounted_payback_years"]),
        ),
        row(_("Monte Carlo P10"), lambda alt: _kr(alt["monte_carlo"]["p10"])),
        row(_("Monte Carlo P50"), lambda alt: _kr(alt["monte_carlo"]["p50"])),
        row(_("Monte Carlo P90"), lambda alt: _kr(alt["monte_carlo"]["p90"])),
        row(_("P(nåverdi > 0)"), lambda alt: _percent(alt["monte_carlo"]["prob_positive"])),
    ]
    return rows


def _alternative_header(alt: dict[str, Any]) -> str:
    return alt["name"] + (" " + _("(null)") if alt["zero"] else "")


def _subtitle(version: CaseVersion) -> str:
    text = _("Business case (samfunnsøkonomisk analyse), versjon %(number)s: %(stage)s.") % {
        "number": version.number,
        "stage": _stage_label(version),
    }
    if version.is_frozen and version.frozen_at is not None:
        date = timezone.localtime(version.frozen_at).strftime("%d.%m.%Y")
        user = version.frozen_by
        name = (user.get_full_name() or user.username) if user is not None else ""
        text += " " + (
            _("Låst %(date)s av %(user)s.") % {"date": date, "user": name}
            if name
            else _("Låst %(date)s.") % {"date": date}
        )
    return (
        text
        + " "
        + _("Laget i Samla %(date)s.") % {"date": timezone.localdate().strftime("%d.%m.%Y")}
    )


def _assumptions_section(
    document: DocumentType, version: CaseVersion, case: Case, data: dict[str, Any]
) -> None:
    document.add_heading(_("Forutsetninger"), level=1)
    labels = _kind_labels()
    bias = ", ".join(
        f"{labels[kind]} {_percent(uplift, 0)}" for kind, uplift in case.optimism_bias if uplift
    )
    rate = (
        _percent(case.discount.bands[0].rate)
        if case.discount.is_constant
        else _("trinnvis: %(bands)s")
        % {"bands": ", ".join(_percent(band.rate) for band in case.discount.bands)}
    )
    period = _("%(years)s år, %(first)s–%(last)s") % {
        "years": case.years,
        "first": case.base_year,
        "last": case.last_year,
    }
    tax = (
        _percent(case.tax_financing_rate, 0) + " " + _("av netto budsjettvirkning")
        if case.tax_financing_rate
        else _("Ikke tatt med")
    )
    monte_carlo = data.get("monte_carlo") or {}
    settings = [
        [_("Basisår"), _("%(year)s (ikke diskontert)") % {"year": case.base_year}],
        [_("Analyseperiode"), period],
        [_("Kalkulasjonsrente (reell)"), rate],
        [_("Timepris for spart tid"), _kr(case.hourly_rate)],
        [_("Skattefinansieringskostnad"), tax],
        [_("Påslag for optimismebias"), bias or _("Ingen")],
        [_("Fordeling mellom organisasjonene"), _split_text(version, data)],
        [
            _("Monte Carlo"),
            _("%(iterations)s trekk, startverdi %(seed)s")
            % {
                "iterations": format_number(monte_carlo.get("iterations", 0)),
                "seed": monte_carlo.get("seed", "–"),
            },
        ],
    ]
    add_table(document, [_("Forutsetning"), _("Verdi")], settings)
    document.add_paragraph(
        _(
            "Beløp er i kroner, faste priser. Usikre beløp regnes med forventningsverdien; "
            "spart tid er prissatt med timeprisen."
        )
    )
    assumptions = list(version.assumptions.all())
    if assumptions:
        document.add_heading(_("Andre forutsetninger"), level=2)
        add_table(
            document,
            [_("Forutsetning"), _("Kilde")],
            [[item.text, item.source] for item in assumptions],
        )


def _effects(version: CaseVersion) -> dict[str, list[Any]]:
    """Each alternative's non-monetised effects by the alternative's name."""
    return {
        alternative.name: list(alternative.effects.all())
        for alternative in version.alternatives.prefetch_related("effects")
    }


def version_docx(version: CaseVersion, *, result: CaseResult | None = None) -> bytes:
    """A Norwegian business-case report for the version, with the same figures as its page."""
    data = version_document(version)
    case = parse_document(data)
    results = to_json_dict(result or evaluate_version(version))
    effects = _effects(version)
    descriptions = {
        str(entry["name"]): str(entry.get("description", ""))
        for entry in data.get("alternatives", [])
    }
    labels = _kind_labels()
    document = new_document(case.name, _subtitle(version))

    document.add_heading(_("Bakgrunn"), level=1)
    document.add_paragraph(version.case.description or _("Saken har ingen beskrivelse."))

    document.add_heading(_("Hva saken begrunner"), level=1)
    category = version.case.category
    document.add_paragraph(
        _("Systemkategorien %(code)s %(name)s.") % {"code": category.code, "name": category.name}
        if category is not None
        else _("Saken er ikke knyttet til en systemkategori.")
    )

    _assumptions_section(document, version, case, data)

    document.add_heading(_("Alternativer"), level=1)
    for alternative in case.alternatives:
        heading = alternative.name + (" " + _("(nullalternativet)") if alternative.zero else "")
        document.add_heading(heading, level=2)
        if descriptions.get(alternative.name):
            document.add_paragraph(descriptions[alternative.name])
        if not alternative.lines:
            document.add_paragraph(_("Ingen prissatte virkninger."))
            continue
        add_table(
            document,
            [_("Linje"), _("Type"), _("År"), _("Per år"), _("Påvirker budsjett")],
            [
                [
                    line.name,
                    labels[line.kind],
                    _years_text(line),
                    _amount_text(line),
                    _("Ja") if line.affects_budget else _("Nei"),
                ]
                for line in alternative.lines
            ],
        )

    alternatives = results["alternatives"]
    document.add_heading(_("Sammenligning av alternativene"), level=1)
    document.add_paragraph(
        _(
            "Netto nåverdi i %(year)s-kroner. Nåverdi mot nullalternativet, internrente, "
            "tilbakebetaling og Monte Carlo gjelder endringen fra nullalternativet; for "
            "nullalternativet selv dets egne kontantstrømmer."
        )
        % {"year": case.base_year}
    )
    add_table(
        document,
        [_("Nøkkeltall"), *(_alternative_header(alt) for alt in alternatives)],
        comparison_rows(results),
    )

    others = [alt for alt in alternatives if not alt["zero"]]
    document.add_heading(_("Tilbakebetaling"), level=1)
    for alt in others:
        document.add_paragraph(
            _("%(name)s: tilbakebetalt %(simple)s; diskontert %(discounted)s.")
            % {
                "name": alt["name"],
                "simple": _year_text(alt["payback_year"], alt["payback_years"]),
                "discounted": _year_text(
                    alt["discounted_payback_year"], alt["discounted_payback_years"]
                ),
            }
        )

    document.add_heading(_("Følsomhetsanalyse"), level=1)
    document.add_paragraph(
        _(
            "Nåverdien mot nullalternativet når ett usikkert beløp settes til sitt lave og sitt "
            "høye anslag og de andre holdes på forventningen; størst utslag først."
        )
    )
    for alt in others:
        document.add_heading(alt["name"], level=2)
        if not alt["tornado"]:
            document.add_paragraph(_("Ingen usikre beløp påvirker dette alternativet."))
            continue
        add_table(
            document,
            [
                _("Inndata"),
                _("Lavt anslag"),
                _("Høyt anslag"),
                _("Nåverdi lavt"),
                _("Nåverdi høyt"),
                _("Utslag"),
                _("Nullpunkt"),
            ],
            [
                [
                    bar["input"],
                    format_number(bar["low"]),
                    format_number(bar["high"]),
                    _kr(bar["npv_low"]),
                    _kr(bar["npv_high"]),
                    _kr(bar["swing"]),
                    "–" if bar["break_even"] is None else format_number(bar["break_even"]),
                ]
                for bar in alt["tornado"]
            ],
        )

    document.add_heading(_("Usikkerhetsanalyse"), level=1)
    if alternatives:
        first = alternatives[0]["monte_carlo"]
        document.add_paragraph(
            _(
                "Monte Carlo-simulering med %(iterations)s trekk (startverdi %(seed)s) av "
                "nåverdien mot nullalternativet. P10: 10 %% av trekkene ga lavere nåverdi."
            )
            % {"iterations": format_number(first["iterations"]), "seed": first["seed"]}
        )
    add_table(
        document,
        [_("Alternativ"), "P10", "P50", "P90", _("Forventning"), _("P(nåverdi > 0)")],
        [
            [
                alt["name"],
                _kr(alt["monte_carlo"]["p10"]),
                _kr(alt["monte_carlo"]["p50"]),
                _kr(alt["monte_carlo"]["p90"]),
                _kr(alt["monte_carlo"]["mean"]),
                _percent(alt["monte_carlo"]["prob_positive"]),
            ]
            for alt in others
        ],
    )

    document.add_heading(_("Fordeling per organisasjon"), level=1)
    if not any(alt["by_organisation"] for alt in others):
        document.add_paragraph(_("Saken har ingen organisasjoner å fordele mellom."))
    for alt in others:
        if not alt["by_organisation"]:
            continue
        document.add_heading(alt["name"], level=2)
        add_table(
            document,
            [_("Organisasjon"), _("Nåverdi"), _("Mot nullalternativet"), _("Tilbakebetalt")],
            [
                [name, _kr(org["npv"]), _kr(org["npv_vs_zero"]), _year_text(org["payback_year"])]
                for name, org in alt["by_organisation"].items()
            ],
        )

    document.add_heading(_("Ikke-prissatte virkninger"), level=1)
    document.add_paragraph(
        _("Vurdert etter pluss-minus-metoden fra −4 (svært negativ) til +4 (svært positiv).")
    )
    for alternative in case.alternatives:
        if effects.get(alternative.name):
            document.add_heading(alternative.name, level=2)
            add_table(
                document,
                [_("Virkning"), _("Vurdering"), _("Begrunnelse")],
                [[e.name, _score(e.score), e.reason] for e in effects[alternative.name]],
            )
    if not any(effects.values()):
        document.add_paragraph(_("Ingen ikke-prissatte virkninger er registrert."))

    document.add_heading(_("Samlet vurdering"), level=1)
    if not others:
        document.add_paragraph(
            _("Saken har ingen alternativer å sammenligne med nullalternativet.")
        )
        return document_bytes(document)
    best = max(others, key=lambda alt: alt["npv_vs_zero"])
    document.add_paragraph(
        _(
            "%(name)s har høyest nåverdi mot nullalternativet: %(npv)s (nytte/kostnad mot "
            "nullalternativet %(ratio)s, P(nåverdi > 0) %(probability)s)."
        )
        % {
            "name": best["name"],
            "npv": _kr(best["npv_vs_zero"]),
            "ratio": _ratio(best["benefit_cost_ratio_vs_zero"]),
            "probability": _percent(best["monte_carlo"]["prob_positive"]),
        }
    )
    if best["npv_vs_zero"] < 0:
        document.add_paragraph(
            _(
                "Ingen av alternativene er samfunnsøkonomisk lønnsomme mot nullalternativet på "
                "de prissatte virkningene alene."
            )
        )
    if effects.get(best["name"]):
        document.add_paragraph(_("Ikke-prissatte virkninger av %(name)s:") % {"name": best["name"]})
        for effect in effects[best["name"]]:
            document.add_paragraph(
                f"{effect.name} ({_score(effect.score)}): {effect.reason}", style="List Bullet"
            )
    else:
        document.add_paragraph(
            _("Ingen ikke-prissatte virkninger er registrert for %(name)s.")
            % {"name": best["name"]}
        )
    document.add_paragraph(
        _(
            "Anbefalingen må veie nåverdien mot de ikke-prissatte virkningene, usikkerheten og "
            "fordelingen mellom organisasjonene."
        )
    )
    return document_bytes(document)
