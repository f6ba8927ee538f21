"""The benefit realisation plan as XLSX: a sheet of benefits, one of indicators (baseline,
target, trajectory, measurement plan and status), one of measurements and one of plan
against actual per year and organisation. Written with ``samla.core.xlsx``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from samla.benefits.selectors_reports import RealisationPlan
from samla.core.xlsx import Column, add_register_sheet, new_workbook, workbook_bytes


def _person(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user)


def _realised(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value)).quantize(Decimal("0.0001"))


def realisation_plan_xlsx(plan: RealisationPlan) -> bytes:
    workbook = new_workbook()
    add_register_sheet(
        workbook,
        _("Gevinster"),
        [
            Column(_("Nr."), 8),
            Column(_("Gevinst"), 36, wrap=True),
            Column(_("Beskrivelse"), 40, wrap=True),
            Column(_("Gevinstklasse"), 24),
            Column(_("Type"), 12),
            Column(_("Gevinsteier"), 22),
            Column(_("Gevinstansvarlig"), 22),
            Column(_("Organisasjoner"), 26, wrap=True),
            Column(_("Prosjekt"), 24),
            Column(_("Linje i business case"), 30),
            Column(_("Forutsetninger"), 40, wrap=True),
            Column(_("Status"), 18),
            Column(_("Indikatorstatus"), 18),
            Column(_("Plan (kr)"), 16, "kroner"),
            Column(_("Realisert (kr)"), 16, "kroner"),
        ],
        (
            [
                e.benefit.code,
                e.benefit.title,
                e.benefit.description,
                e.benefit.get_benefit_class_display(),
                e.benefit.get_kind_display(),
                _person(e.benefit.owner),
                _person(e.benefit.responsible),
                ", ".join(o.name for o in e.benefit.organisations.all()),
                e.benefit.project.name if e.benefit.project else "",
                e.pva.line.name if e.pva.line else "",
                e.benefit.preconditions,
                e.benefit.get_status_display(),
                e.row.status_label,
                e.pva.plan,
                e.pva.actual,
            ]
            for e in plan.entries
        ),
    )
    add_register_sheet(
        workbook,
        _("Indikatorer"),
        [
            Column(_("Gevinst"), 30),
            Column(_("Indikator"), 30),
            Column(_("Enhet"), 10),
            Column(pgettext("indikator", "Nullpunkt"), 12),
            Column(_("Nullpunkt dato"), 12, "date"),
            Column(_("Mål"), 12),
            Column(_("Måldato"), 12, "date"),
            Column(pgettext("indikator", "Delmål"), 30, wrap=True),
            Column(_("Kroner per enhet"), 14, "kroner"),
            Column(_("Måles"), 12),
            Column(_("Målemetode"), 30, wrap=True),
            Column(_("Datakilde"), 24),
            Column(_("Siste måling"), 12, "date"),
            Column(_("Siste verdi"), 12),
            Column(_("Realisert (andel)"), 12),
            Column(_("Status"), 14),
            Column(_("Neste måling"), 12, "date"),
        ],
        (
            [
                e.benefit.title,
                p.indicator.name,
                p.indicator.unit_label,
                p.indicator.baseline_value,
                p.indicator.baseline_date,
                p.indicator.target_value,
                p.indicator.target_date,
                "; ".join(
                    f"{t.date.isoformat()}: {t.value.normalize()}"
                    for t in sorted(p.indicator.targets.all(), key=lambda t: t.date)
                ),
                p.indicator.kroner_factor,
                p.indicator.get_frequency_display(),
                p.indicator.method,
                p.indicator.data_source,
                p.latest.measured_on if p.latest else None,
                p.latest.value if p.latest else None,
                _realised(p.realisation),
                p.status_label,
                p.next_due,
            ]
            for e in plan.entries
            for p in e.row.indicators
        ),
    )
    add_register_sheet(
        workbook,
        _("Målinger"),
        [
            Column(_("Gevinst"), 30),
            Column(_("Indikator"), 30),
            Column(_("Dato"), 12, "date"),
            Column(_("Verdi"), 12),
            Column(_("Organisasjon"), 20),
            Column(_("Kommentar"), 40, wrap=True),
        ],
        (
            [
                e.benefit.title,
                p.indicator.name,
                m.measured_on,
                m.value,
                m.organisation.name if m.organisation else _("Felles"),
                m.comment,
            ]
            for e in plan.entries
            for p in e.row.indicators
            for m in e.measurements.get(p.indicator.pk, [])
        ),
    )
    add_register_sheet(
        workbook,
        _("Plan mot faktisk"),
        [
            Column(_("Gevinst"), 30),
            Column(_("Organisasjon"), 20),
            Column(_("År"), 8, "integer"),
            Column(_("Plan (kr)"), 16, "kroner"),
            Column(_("Faktisk (kr)"), 16, "kroner"),
            Column(_("Avvik (kr)"), 16, "kroner"),
        ],
        (
            [e.benefit.title, row.name, cell.year, cell.plan, cell.actual, cell.difference]
            for e in plan.entries
            for row in e.pva.rows
            for cell in row.cells
        ),
    )
    return workbook_bytes(workbook)
