"""The project mandate as a Word document, laid out like a Norwegian prosjektmandat (seed 003):
a title page with the project's leader and owner and a change log, then 1 Bakgrunn, 2 Mål,
3 Omfang, avgrensninger og konsepter, 4 Organisering, 5 Budsjett og finansiering (with the
planned resource effort), 6 Risiko, 7 Kvalitetssikring and 8 Rapportering."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from docx.document import Document as DocumentType

from samla.core.docx import add_table, document_bytes, new_document
from samla.core.templatetags.samla import format_number
from samla.governance.models import Mandate
from samla.governance.selectors_mandates import MandateOverview, mandate_overview

# Characters XML 1.0 cannot hold (python-docx refuses them); a pasted text may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(value: Any) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


def kr(value: Decimal | None) -> str:
    return "" if value is None else f"{format_number(value, 0)}\xa0kr"


def number(value: Decimal | int | None, decimals: int = 0) -> str:
    return "" if value is None else format_number(value, decimals)


def day(value: Any) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _text(document: DocumentType, text: str) -> None:
    """A section's text, paragraph by paragraph; an empty section says so."""
    paragraphs = [p.strip() for p in clean(text).split("\n") if p.strip()]
    if not paragraphs:
        document.add_paragraph().add_run(_("Ikke fylt ut.")).italic = True
        return
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)


def _table(document: DocumentType, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    add_table(document, headers, [[clean(v) for v in row] for row in rows])


def _sum_row_bold(document: DocumentType) -> None:
    """Make the last row of the last table bold (a «Sum» row)."""
    table = document.tables[-1]
    for cell in table.rows[-1].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True


def _title_page(document: DocumentType, overview: MandateOverview) -> None:
    mandate = overview.mandate
    project = mandate.project
    owner_roles = [g for g in overview.role_groups if g.kind == "owner"]
    owner = ", ".join(
        clean(r.person_name or r.group) for g in owner_roles for r in g.roles
    ) or clean(project.owner or "")
    period = " – ".join(v for v in (day(project.start), day(project.end)) if v)
    _table(
        document,
        [_("Prosjekt"), clean(project.name)],
        [
            [_("Samarbeid"), project.collaboration.name],
            [_("Prosjektleder"), project.leader or ""],
            [_("Prosjekteier"), owner],
            [_("Periode"), period],
            [_("Rapportering"), mandate.get_reporting_cadence_display()],
        ],
    )
    document.add_heading(_("Endringslogg"), level=2)
    records = list(mandate.history.select_related("history_user").order_by("history_date"))
    labels = {"+": _("Opprettet"), "~": _("Endret"), "-": _("Slettet")}
    _table(
        document,
        [_("Versjon"), _("Dato"), _("Endring"), _("Produsent")],
        [
            [
                index,
                day(timezone.localtime(record.history_date).date()),
                labels.get(record.history_type, record.history_type),
                record.history_user or _("systemet"),
            ]
            for index, record in enumerate(records, start=1)
        ],
    )


def _background(document: DocumentType, mandate: Mandate) -> None:
    document.add_heading(_("1. Bakgrunn"), level=1)
    document.add_heading(_("1.1. Innledning"), level=2)
    _text(document, mandate.background)
    document.add_heading(_("1.2. Formål"), level=2)
    _text(document, mandate.purpose)
    document.add_heading(_("1.3. Rammer for prosjektet"), level=2)
    _text(document, mandate.frames)


def _goals(document: DocumentType, overview: MandateOverview) -> None:
    mandate = overview.mandate
    document.add_heading(_("2. Mål, hovedinnhold og forventede resultater"), level=1)
    document.add_heading(_("2.1. Hovedmål"), level=2)
    _text(document, mandate.main_goal)
    document.add_heading(_("2.2. Delmål"), level=2)
    if overview.sub_goals:
        _table(
            document,
            [_("Nr."), _("Delmål"), _("Måles ved"), _("Målverdi"), _("Frist")],
            [
                [index, goal.text, goal.measure, goal.target, day(goal.deadline)]
                for index, goal in enumerate(overview.sub_goals, start=1)
            ],
        )
    else:
        _text(document, "")
    document.add_heading(_("2.3. Forventede resultater"), level=2)
    _text(document, mandate.expected_results)


def _scope(document: DocumentType, overview: MandateOverview) -> None:
    mandate = overview.mandate
    document.add_heading(_("3. Omfang, avgrensninger og konsepter"), level=1)
    document.add_heading(_("3.1. Omfang"), level=2)
    _text(document, mandate.scope)
    document.add_heading(_("3.2. Avgrensninger"), level=2)
    _text(document, mandate.limits)
    document.add_heading(_("3.3. Vurderte konsepter"), level=2)
    if overview.concepts:
        rows = []
        for concept in overview.concepts:
            notes = []
            if concept.is_zero:
                notes.append(_("Nullalternativet"))
            if concept.is_chosen:
                notes.append(_("Anbefalt"))
            rows.append([concept.name, concept.description, ", ".join(notes)])
        _table(document, [_("Konsept"), _("Beskrivelse"), _("Merknad")], rows)
    else:
        _text(document, "")
    if overview.concepts and overview.zero_concept is None:
        document.add_paragraph(_("Mandatet beskriver ikke noe nullalternativ."))


def _organisation(document: DocumentType, overview: MandateOverview) -> None:
    document.add_heading(_("4. Organisering"), level=1)
    if not overview.role_groups:
        _text(document, "")
        return
    for index, group in enumerate(overview.role_groups, start=1):
        document.add_heading(f"4.{index}. {group.label}", level=2)
        _table(
            document,
            [_("Navn"), _("Gruppe"), _("Funksjon"), _("Representerer")],
            [
                [role.person_name, role.group, role.title, role.organisation or ""]
                for role in group.roles
            ],
        )


def _budget(document: DocumentType, overview: MandateOverview) -> None:
    mandate = overview.mandate
    document.add_heading(_("5. Budsjett og finansiering"), level=1)
    document.add_heading(_("5.1. Kostnader"), level=2)
    years = [str(year) for year in overview.years]
    if not overview.cost_lines:
        _text(document, "")
    for part in overview.budget:
        if not part.rows:
            continue
        document.add_heading(part.label, level=3)
        rows: list[Sequence[Any]] = [
            [row.name, *(kr(v) for v in row.by_year), kr(row.total)] for row in part.rows
        ]
        rows.append([_("Sum"), *(kr(v) for v in part.by_year), kr(part.total)])
        _table(document, [_("Kostnad"), *years, _("Sum")], rows)
        _sum_row_bold(document)
    if overview.cost_lines:
        document.add_paragraph(
            _("Sum kostnader: %(total)s, av dette direkte kostnader %(direct)s.")
            % {"total": kr(overview.budget_total), "direct": kr(overview.direct_total)}
        )

    document.add_heading(_("5.2. Finansiering"), level=2)
    if overview.financing:
        key_name = mandate.financing_key.name if mandate.financing_key else _("innbyggertall")
        rows = [
            [
                f.organisation or f.source,
                kr(f.amount),
                _("Beregnet etter %(key)s") % {"key": key_name} if f.computed else _("Lagt inn"),
            ]
            for f in overview.financing
        ]
        rows.append([_("Sum finansiering"), kr(overview.financing_total), ""])
        _table(document, [_("Kilde"), _("Beløp"), _("Merknad")], rows)
        _sum_row_bold(document)
        if overview.financing_gap:
            document.add_paragraph(
                _("Direkte kostnader som ikke er finansiert: %(gap)s.")
                % {"gap": kr(overview.financing_gap)}
            )
    if mandate.financing_note.strip() or not overview.financing:
        _text(document, mandate.financing_note)

    document.add_heading(_("5.3. Planlagt ressursinnsats"), level=2)
    if not overview.resources:
        _text(document, "")
        return
    rows = [
        [
            line.forum,
            number(line.persons),
            number(line.meetings),
            number(line.hours_per_meeting, 1),
            number(line.hours, 0),
            kr(line.hourly_rate),
            kr(line.cost),
        ]
        for line in overview.resources
    ]
    rows.append(
        [_("Sum"), "", "", "", number(overview.resource_hours), "", kr(overview.resource_cost)]
    )
    _table(
        document,
        [
            _("Forum"),
            _("Ant. personer"),
            _("Ant. møter"),
            _("Gj.snitt timer per møte"),
            _("Sum timer"),
            _("Timepris"),
            _("Kostnad"),
        ],
        rows,
    )
    _sum_row_bold(document)
    rates = {line.hourly_rate for line in overview.resources}
    if len(rates) == 1:
        document.add_paragraph(
            _(
                "I beregningen av kostnader er det lagt til grunn en intern kalkulatorisk timepris på %(rate)s."
            )
            % {"rate": kr(rates.pop())}
        )


def _risks(document: DocumentType, mandate: Mandate) -> None:
    document.add_heading(_("6. Risiko og kritiske suksessfaktorer"), level=1)
    _text(document, mandate.risk_summary)
    risks = sorted(
        mandate.project.risks.all(),
        key=lambda r: (-(r.probability * r.impact), r.number),
    )[:10]
    if risks:
        document.add_paragraph(_("De største risikoene i prosjektets risikoregister:"))
        _table(
            document,
            [_("Nr."), _("Risiko"), _("Sannsynlighet"), _("Konsekvens"), _("Tiltak")],
            [[r.number, r.title, r.probability, r.impact, r.measures] for r in risks],
        )


def mandate_docx(mandate: Mandate) -> bytes:
    overview = mandate_overview(mandate)
    project = mandate.project
    document = new_document(
        clean(_("Prosjektmandat for %(project)s") % {"project": project.name}),
        clean(project.collaboration.name),
    )
    _title_page(document, overview)
    _background(document, mandate)
    _goals(document, overview)
    _scope(document, overview)
    _organisation(document, overview)
    _budget(document, overview)
    _risks(document, mandate)
    document.add_heading(_("7. Kvalitetssikring"), level=1)
    _text(document, mandate.quality_assurance)
    document.add_heading(_("8. Rapportering"), level=1)
    document.add_paragraph(
        _("Rapporteringshyppighet: %(cadence)s.")
        % {"cadence": mandate.get_reporting_cadence_display()}
    )
    _text(document, mandate.reporting)
    document.add_paragraph(_("Laget i Samla %(date)s.") % {"date": day(timezone.localdate())})
    return document_bytes(document)
