"""A monthly status report as DOCX («Statusrapport»): the six areas with colour and comment,
the summary, the cost lines, milestones late and due, the top risks, what changed since
the previous report and the next steps. A published report is written from its snapshot."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from samla.core.docx import add_table, document_bytes, new_document
from samla.core.templatetags.samla import format_number
from samla.governance.selectors_risks import ReportView, rag_label


def _kr(value: Any) -> str:
    return format_number(Decimal(value), 0) + " kr"


def _month(report_view: ReportView) -> str:
    return formats.date_format(report_view.report.period, "F Y")


def _milestone_rows(milestones: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            " ".join(filter(None, [m.get("code"), m["name"]])),
            m["planned"],
            m.get("forecast") or "",
        ]
        for m in milestones
    ]


def status_report_docx(view: ReportView) -> bytes:
    report = view.report
    snapshot = view.snapshot
    project = report.project
    state = (
        _("Publisert %(date)s")
        % {"date": formats.date_format(report.published_at, "SHORT_DATE_FORMAT")}
        if report.is_published and report.published_at
        else _("Utkast – ikke publisert")
    )
    document = new_document(
        _("Statusrapport %(month)s") % {"month": _month(view)},
        f"{project} · {state}",
    )
    if snapshot.get("phase"):
        document.add_paragraph(_("Fase: %(phase)s") % {"phase": snapshot["phase"]})

    document.add_heading(_("Status"), level=1)
    add_table(
        document,
        [_("Område"), _("Status"), _("Kommentar")],
        ([d["label"], d["status_label"], d["comment"]] for d in view.dimensions),
    )
    if snapshot.get("summary"):
        document.add_heading(_("Oppsummering"), level=1)
        document.add_paragraph(snapshot["summary"])

    document.add_heading(_("Økonomi"), level=1)
    lines = snapshot["cost_lines"]
    if lines:
        totals = snapshot["totals"]
        add_table(
            document,
            [_("Kostnad"), _("Budsjett"), _("Påløpt"), _("Prognose")],
            [
                *(
                    [line["name"], _kr(line["budget"]), _kr(line["spent"]), _kr(line["forecast"])]
                    for line in lines
                ),
                [_("Sum"), _kr(totals["budget"]), _kr(totals["spent"]), _kr(totals["forecast"])],
            ],
        )
    else:
        document.add_paragraph(_("Ingen kostnadslinjer."))

    document.add_heading(_("Milepæler"), level=1)
    headers = [_("Milepæl"), _("Planlagt"), _("Prognose")]
    for key, heading in (
        ("milestones_late", _("Forsinket")),
        ("milestones_due", _("Forfaller snart")),
        ("milestones_reached", _("Nådd i måneden")),
    ):
        document.add_heading(heading, level=2)
        if snapshot.get(key):
            add_table(document, headers, _milestone_rows(snapshot[key]))
        else:
            document.add_paragraph(_("Ingen."))

    document.add_heading(_("Største risikoer"), level=1)
    if snapshot["risks"]:
        add_table(
            document,
            [_("Nr."), _("Risiko"), _("Sannsynlighet"), _("Konsekvens"), _("Score")],
            (
                [f"R{r['number']}", r["title"], r["probability"], r["impact"], r["score"]]
                for r in snapshot["risks"]
            ),
        )
    else:
        document.add_paragraph(_("Ingen åpne risikoer."))

    document.add_heading(_("Endringer siden forrige rapport"), level=1)
    for line in change_lines(view):
        document.add_paragraph(line, style="List Bullet")

    document.add_heading(_("Neste steg"), level=1)
    document.add_paragraph(snapshot.get("next_steps") or _("Ikke fylt ut."))
    return document_bytes(document)


def change_lines(view: ReportView) -> list[str]:
    """What changed since the previous published report, one sentence each."""
    changes = view.changes
    if changes.get("first", True):
        return [_("Første publiserte rapport for prosjektet.")]
    lines = [
        _("%(area)s: fra %(old)s til %(new)s.")
        % {"area": c["label"], "old": c["from_label"].lower(), "new": c["to_label"].lower()}
        for c in view.dimension_changes
    ]
    if changes.get("phase"):
        lines.append(
            _("Fase: fra %(old)s til %(new)s.")
            % {"old": changes["phase"]["from"] or "–", "new": changes["phase"]["to"] or "–"}
        )
    for line in changes.get("cost_lines", []):
        if line["change"] == "added":
            lines.append(_("Ny kostnadslinje: %(name)s.") % {"name": line["name"]})
        elif line["change"] == "removed":
            lines.append(_("Kostnadslinje fjernet: %(name)s.") % {"name": line["name"]})
        else:
            figures = {"budget": _("budsjett"), "spent": _("påløpt"), "forecast": _("prognose")}
            parts = [
                f"{figures[figure]} {'+' if Decimal(delta) > 0 else ''}{_kr(delta)}"
                for figure, delta in line["deltas"].items()
            ]
            lines.append(f"{line['name']}: {', '.join(parts)}.")
    for milestone in changes.get("milestones_newly_late", []):
        lines.append(_("Ny forsinket milepæl: %(name)s.") % {"name": milestone["name"]})
    for milestone in changes.get("milestones_no_longer_late", []):
        lines.append(_("Ikke lenger forsinket: %(name)s.") % {"name": milestone["name"]})
    for risk in changes.get("risks_new", []):
        lines.append(_("Ny blant de største risikoene: R%(number)s %(title)s.") % risk)
    for risk in changes.get("risks_gone", []):
        lines.append(_("Ikke lenger blant de største risikoene: R%(number)s %(title)s.") % risk)
    for risk in changes.get("risks_changed", []):
        lines.append(
            _("Risikoscore endret for %(title)s: fra %(old)s til %(new)s.")
            % {"title": risk["title"], "old": risk["from"], "new": risk["to"]}
        )
    if len(lines) == 0:
        lines.append(_("Ingen endringer i status, kostnader, milepæler eller risikoer."))
    return lines


__all__ = ["status_report_docx", "change_lines", "rag_label"]
