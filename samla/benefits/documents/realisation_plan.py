"""The benefit realisation plan (gevinstrealiseringsplan) as a Word document, laid out as DFØ
and Prosjektveiviseren describe it: 1 Sammendrag (every benefit with owner, status and plan
against actual), 2 Gevinstene one by one (description, class, owner and responsible,
organisations, preconditions; indicators with baseline, target and trajectory; the
measurement plan with frequency, method and source; the latest measurements; plan against
actual per year and per organisation), 3 Slik beregnes status."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx.document import Document as DocumentType

from samla.benefits.selectors import STATUS_RULE
from samla.benefits.selectors_reports import PlanEntry, RealisationPlan
from samla.core.docx import add_table, document_bytes, new_document
from samla.core.templatetags.samla import format_number

LATEST = 5  # measurements shown per indicator


def _clean(value: Any) -> str:
    from samla.governance.documents.mandate import clean

    return clean(value)


def kr(value: Decimal | None) -> str:
    return "–" if value is None else f"{format_number(value, 0)}\xa0kr"


def number(value: Decimal | float | None, decimals: int = 2) -> str:
    if value is None:
        return ""
    text = format_number(value, decimals)
    return text.rstrip("0").rstrip(",") if "," in text else text


def day(value: Any) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def percent(value: float | None) -> str:
    return "" if value is None else f"{format_number(Decimal(repr(value * 100)), 0)}\xa0%"


def _person(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user)


def _table(document: DocumentType, headers: list[str], rows: list[list[Any]]) -> None:
    add_table(document, headers, [[_clean(v) for v in row] for row in rows])


def _summary(document: DocumentType, plan: RealisationPlan) -> None:
    document.add_heading(_("1. Sammendrag"), level=1)
    if not plan.entries:
        document.add_paragraph(_("Ingen gevinster er registrert ennå."))
        return
    document.add_paragraph(
        _(
            "Planen har %(count)s gevinster. Planlagt etter godkjent business case: %(plan)s. Realisert etter målinger: %(actual)s."
        )
        % {"count": len(plan.entries), "plan": kr(plan.plan), "actual": kr(plan.actual)}
    )
    _table(
        document,
        [
            _("Nr."),
            _("Gevinst"),
            _("Gevinstklasse"),
            _("Gevinsteier"),
            _("Status"),
            _("Indikatorer"),
            _("Plan (kr)"),
            _("Realisert (kr)"),
        ],
        [
            [
                entry.benefit.code,
                entry.benefit.title,
                entry.benefit.get_benefit_class_display(),
                _person(entry.benefit.owner),
                entry.benefit.get_status_display(),
                entry.row.status_label,
                kr(entry.pva.plan),
                kr(entry.pva.actual),
            ]
            for entry in plan.entries
        ],
    )


def _facts(document: DocumentType, entry: PlanEntry) -> None:
    benefit = entry.benefit
    line = entry.pva.line
    case_line = (
        f"{line.alternative.version}: {line.name} ({line.get_kind_display()})" if line else ""
    )
    _table(
        document,
        [_("Felt"), _("Verdi")],
        [
            [_("Beskrivelse"), benefit.description],
            [_("Gevinstklasse"), benefit.get_benefit_class_display()],
            [_("Type"), benefit.get_kind_display()],
            [_("Gevinsteier"), _person(benefit.owner)],
            [_("Gevinstansvarlig"), _person(benefit.responsible)],
            [
                _("Organisasjoner gevinsten tilfaller"),
                ", ".join(o.name for o in benefit.organisations.all()),
            ],
            [_("Prosjekt"), benefit.project.name if benefit.project else ""],
            [_("Linje i business case"), case_line],
            [_("Status"), benefit.get_status_display()],
        ],
    )


def _indicators(document: DocumentType, entry: PlanEntry) -> None:
    document.add_heading(_("Indikatorer, nullpunkt, mål og delmål"), level=3)
    if not entry.row.indicators:
        document.add_paragraph(_("Mangler indikator: gevinsten kan ikke følges opp ennå."))
        return
    rows = []
    for progress in entry.row.indicators:
        indicator = progress.indicator
        trajectory = "; ".join(
            f"{day(t.date)}: {number(t.value)}"
            for t in sorted(indicator.targets.all(), key=lambda t: t.date)
        )
        rows.append(
            [
                indicator.name,
                indicator.unit_label,
                f"{number(indicator.baseline_value)} ({day(indicator.baseline_date)})",
                f"{number(indicator.target_value)} ({day(indicator.target_date)})",
                trajectory or "–",
                progress.status_label,
                percent(progress.realisation),
            ]
        )
    _table(
        document,
        [
            _("Indikator"),
            _("Enhet"),
            pgettext("indikator", "Nullpunkt"),
            _("Mål"),
            pgettext("indikator", "Delmål"),
            _("Status"),
            _("Realisert"),
        ],
        rows,
    )
    document.add_heading(_("Måleplan"), level=3)
    _table(
        document,
        [_("Indikator"), _("Måles"), _("Målemetode"), _("Datakilde"), _("Neste måling")],
        [
            [
                p.indicator.name,
                p.indicator.get_frequency_display(),
                p.indicator.method,
                p.indicator.data_source,
                day(p.next_due),
            ]
            for p in entry.row.indicators
        ],
    )
    document.add_heading(_("Siste målinger"), level=3)
    rows = []
    for progress in entry.row.indicators:
        measured = entry.measurements.get(progress.indicator.pk, [])[-LATEST:]
        for measurement in reversed(measured):
            rows.append(
                [
                    progress.indicator.name,
                    day(measurement.measured_on),
                    number(measurement.value),
                    measurement.organisation.name if measurement.organisation else _("Felles"),
                    measurement.comment,
                ]
            )
    if rows:
        _table(
            document,
            [_("Indikator"), _("Dato"), _("Verdi"), _("Organisasjon"), _("Kommentar")],
            rows,
        )
    else:
        document.add_paragraph(_("Ingen målinger ennå."))


def _plan_versus_actual(document: DocumentType, entry: PlanEntry) -> None:
    pva = entry.pva
    document.add_heading(_("Plan mot faktisk"), level=3)
    for note in pva.notes:
        document.add_paragraph(note)
    if not pva.years:
        return
    _table(
        document,
        [_("År"), _("Plan (kr)"), _("Faktisk (kr)"), _("Avvik (kr)")],
        [[cell.year, kr(cell.plan), kr(cell.actual), kr(cell.difference)] for cell in pva.totals],
    )
    if pva.rows:
        document.add_paragraph(_("Per organisasjon:"))
        _table(
            document,
            [_("Organisasjon"), _("År"), _("Plan (kr)"), _("Faktisk (kr)")],
            [
                [row.name, cell.year, kr(cell.plan), kr(cell.actual)]
                for row in pva.rows
                for cell in row.cells
            ],
        )


def realisation_plan_docx(plan: RealisationPlan) -> bytes:
    document = new_document(
        plan.title,
        _("%(scope)s. %(collaboration)s. Laget %(day)s fra Samla.")
        % {"scope": plan.scope, "collaboration": plan.collaboration.name, "day": day(plan.made_on)},
    )
    _summary(document, plan)
    document.add_heading(_("2. Gevinstene"), level=1)
    for index, entry in enumerate(plan.entries, start=1):
        document.add_heading(f"2.{index}. {_clean(entry.benefit)}", level=2)
        _facts(document, entry)
        document.add_heading(_("Forutsetninger for realisering"), level=3)
        document.add_paragraph(_clean(entry.benefit.preconditions) or _("Ikke fylt ut."))
        _indicators(document, entry)
        _plan_versus_actual(document, entry)
    document.add_heading(_("3. Slik beregnes status"), level=1)
    document.add_paragraph(str(STATUS_RULE))
    document.add_paragraph(
        _(
            "Plan: beløpet i linjen i en godkjent business case per år (spart tid gjort om til kroner med indikatorens kroner per enhet), fordelt etter fordelingsnøkkelen. Faktisk: siste måling i året gjort om til kroner, (måling − nullpunkt) × kroner per enhet, summert over indikatorene."
        )
    )
    return document_bytes(document)
