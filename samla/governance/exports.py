"""Governance registers as XLSX: a risk register (of a project or a programme) and the status
reports of a project. Written with ``samla.core.xlsx`` (neutralised cells, frozen header)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from samla.core.xlsx import Column, add_register_sheet, new_workbook, workbook_bytes
from samla.governance.models import Risk, StatusReport
from samla.governance.selectors_risks import rag_label


def _person(user: object | None) -> str:
    if user is None:
        return ""
    full_name = getattr(user, "get_full_name", lambda: "")()
    return str(full_name or user)


def risk_register_xlsx(title: str, risks: Iterable[Risk]) -> bytes:
    """One row per risk: scores before and after mitigation, strategy, owner, status, trend."""
    columns = [
        Column(_("Nr."), 7, "integer"),
        Column(_("Risiko"), 36, wrap=True),
        Column(_("Beskrivelse"), 40, wrap=True),
        Column(_("Årsak"), 30, wrap=True),
        Column(_("Konsekvens"), 30, wrap=True),
        Column(_("Sannsynlighet"), 14, "integer"),
        Column(_("Konsekvensgrad"), 15, "integer"),
        Column(_("Score"), 9, "integer"),
        Column(_("Strategi"), 14),
        Column(_("Tiltak"), 40, wrap=True),
        Column(_("Sannsynlighet etter tiltak"), 14, "integer"),
        Column(_("Konsekvensgrad etter tiltak"), 15, "integer"),
        Column(_("Score etter tiltak"), 12, "integer"),
        Column(_("Risikoeier"), 22),
        Column(_("Status"), 12),
        Column(_("Trend"), 12),
    ]
    rows = (
        [
            risk.number,
            risk.title,
            risk.description,
            risk.cause,
            risk.consequence,
            risk.probability,
            risk.impact,
            risk.score,
            risk.get_strategy_display(),
            risk.measures,
            risk.residual_probability,
            risk.residual_impact,
            risk.residual_score,
            _person(risk.owner),
            risk.get_status_display(),
            risk.get_trend_display(),
        ]
        for risk in risks
    )
    workbook = new_workbook()
    add_register_sheet(workbook, title[:31], columns, rows)
    return workbook_bytes(workbook)


def status_reports_xlsx(reports: Iterable[StatusReport]) -> bytes:
    """One row per report: month, state, the six colours and the cost totals."""
    columns = [
        Column(_("Måned"), 10),
        Column(_("Status"), 11),
        Column(_("Samlet"), 9),
        Column(_("Fremdrift"), 10),
        Column(_("Kvalitet"), 9),
        Column(_("Økonomi"), 9),
        Column(_("Risiko"), 9),
        Column(_("Gevinster"), 10),
        Column(_("Budsjett (kr)"), 14, "kroner"),
        Column(_("Påløpt (kr)"), 14, "kroner"),
        Column(_("Prognose (kr)"), 14, "kroner"),
        Column(_("Oppsummering"), 50, wrap=True),
        Column(_("Publisert"), 18),
    ]

    def row(report: StatusReport) -> list[object]:
        lines = list(report.cost_lines.all())
        return [
            report.period.strftime("%m.%Y"),
            report.get_state_display(),
            *(
                rag_label(getattr(report, key))
                for key in ("overall", "schedule", "quality", "economy", "risk", "benefits")
            ),
            sum((line.budget for line in lines), Decimal(0)),
            sum((line.spent for line in lines), Decimal(0)),
            sum((line.forecast for line in lines), Decimal(0)),
            report.summary,
            report.published_at,
        ]

    workbook = new_workbook()
    add_register_sheet(workbook, _("Statusrapporter"), columns, (row(r) for r in reports))
    return workbook_bytes(workbook)
