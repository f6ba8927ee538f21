"""The benefit register as XLSX: a sheet of benefits (one row each, «Mangler indikator»
where there is none) and a sheet of indicators with baseline, target, the latest
measurement, realisation and status. Written with samla.core.xlsx, Norwegian headers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from samla.core.xlsx import Column, add_register_sheet, new_workbook, workbook_bytes


def _person(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def latest_of(progress: Any) -> tuple[Any, Any]:
    """(date, value) of an indicator's latest measurement, or (None, None)."""
    latest = progress.latest
    if latest is None:
        return None, None
    day = getattr(latest, "measured_on", None) or getattr(latest, "on", None)
    return day, getattr(latest, "value", None)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 1)


def register_xlsx(rows: Sequence[Any]) -> bytes:
    with translation.override("nb"):
        missing = _("Mangler indikator")
        benefits = []
        indicators = []
        for row in rows:
            benefit = row.benefit
            statuses = (
                missing
                if row.missing_indicator
                else ", ".join(f"{p.indicator.name}: {p.status_label}" for p in row.indicators)
            )
            benefits.append(
                [
                    benefit.code,
                    benefit.title,
                    str(benefit.get_benefit_class_display()),
                    str(benefit.get_kind_display()),
                    str(benefit.get_status_display()),
                    _person(benefit.owner),
                    _person(benefit.responsible),
                    ", ".join(o.name for o in benefit.organisations.all()),
                    str(benefit.project) if benefit.project else "",
                    str(benefit.programme) if benefit.programme else "",
                    len(row.indicators),
                    statuses,
                    benefit.description,
                ]
            )
            for progress in row.indicators:
                indicator = progress.indicator
                day, value = latest_of(progress)
                indicators.append(
                    [
                        benefit.code,
                        benefit.title,
                        indicator.name,
                        indicator.unit_label,
                        indicator.baseline_date,
                        _number(indicator.baseline_value),
                        indicator.target_date,
                        _number(indicator.target_value),
                        day,
                        _number(value),
                        _percent(progress.assessment.realisation),
                        _percent(progress.assessment.planned_realisation),
                        str(progress.status_label),
                        progress.next_due,
                        _("ja") if progress.overdue else _("nei"),
                    ]
                )
        workbook = new_workbook()
        add_register_sheet(
            workbook,
            _("Gevinster"),
            [
                Column(_("Nummer"), 10),
                Column(_("Gevinst"), 36, wrap=True),
                Column(_("Gevinstklasse"), 26),
                Column(_("Type"), 12),
                Column(_("Status"), 18),
                Column(_("Gevinsteier"), 20),
                Column(_("Gevinstansvarlig"), 20),
                Column(_("Organisasjoner"), 28, wrap=True),
                Column(_("Prosjekt"), 24),
                Column(_("Program"), 24),
                Column(_("Antall indikatorer"), 10, "integer"),
                Column(_("Indikatorstatus"), 36, wrap=True),
                Column(_("Beskrivelse"), 40, wrap=True),
            ],
            benefits,
        )
        add_register_sheet(
            workbook,
            _("Indikatorer"),
            [
                Column(_("Nummer"), 10),
                Column(_("Gevinst"), 30),
                Column(_("Indikator"), 30),
                Column(_("Enhet"), 10),
                Column(_("Nullpunkt (dato)"), 12, "date"),
                Column(pgettext("indikator", "Nullpunkt"), 12),
                Column(_("Mål (dato)"), 12, "date"),
                Column(_("Mål"), 12),
                Column(_("Siste måling (dato)"), 12, "date"),
                Column(_("Siste måling"), 12),
                Column(_("Realisert (%)"), 10),
                Column(_("Plan (%)"), 10),
                Column(_("Status"), 14),
                Column(_("Neste måling"), 12, "date"),
                Column(_("Forfalt"), 8),
            ],
            indicators,
        )
        return workbook_bytes(workbook)
