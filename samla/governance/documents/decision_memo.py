"""A decision memo («Notat for beslutning») of one entry in the decision register: a header
table (to, from, date, case number, subject), then what the matter concerns (project, gate
with its checklist, milestone, system choice, business-case version), the alternatives
considered, the decision and where it was treated."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from samla.core.docx import add_table, document_bytes, new_document
from samla.governance import selectors_meetings
from samla.governance.documents.minutes import clean, day, labelled, moment, paragraphs
from samla.governance.models import Decision


def decision_memo_docx(decision: Decision) -> bytes:
    document = new_document(
        _("Notat for beslutning"),
        clean(
            _("%(collaboration)s. Laget i Samla %(today)s.")
            % {"collaboration": decision.collaboration.name, "today": day(timezone.localdate())}
        ),
    )
    add_table(
        document,
        [_("Felt"), _("Innhold")],
        [
            [_("Til"), clean(decision.body.name)],
            [_("Fra"), clean(decision.recorded_by or decision.collaboration.name)],
            [_("Dato"), day(decision.decided_on)],
            [_("Vedtak nr."), decision.number],
            [_("Emne"), clean(decision.title)],
        ],
    )

    document.add_heading(_("1 Saken gjelder"), level=1)
    concerns = False
    if decision.project is not None:
        labelled(document, _("Prosjekt"), decision.project.name)
        concerns = True
    if decision.gate is not None:
        gate = decision.gate
        labelled(document, _("Beslutningspunkt"), f"{gate.code} {gate.name}")
        labelled(document, _("Utfall"), str(decision.get_gate_outcome_display()))
        concerns = True
    if decision.milestone is not None:
        milestone = decision.milestone
        labelled(document, _("Milepæl som godkjennes"), milestone.name)
        if milestone.deliverable:
            labelled(document, _("Leveranse"), milestone.deliverable)
        concerns = True
    if decision.target_choice is not None:
        choice = decision.target_choice
        labelled(document, _("Valg av målsystem"), str(choice))
        if choice.rationale:
            labelled(document, _("Begrunnelse for valget"), choice.rationale)
        concerns = True
    if decision.case_version is not None:
        version = decision.case_version
        labelled(
            document,
            _("Business case"),
            f"{version} ({version.get_stage_display()})",
        )
        concerns = True
    if not concerns:
        document.add_paragraph(clean(decision.title))

    checklist = selectors_meetings.decision_checklist(decision)
    if checklist:
        document.add_heading(_("Sjekkliste for beslutningspunktet"), level=2)
        add_table(
            document,
            [_("Punkt"), _("Obligatorisk"), _("Utført"), _("Kommentar")],
            [
                [
                    clean(item.text),
                    _("ja") if item.mandatory else _("nei"),
                    (_("ja") + (f" ({day(item.done_at)})" if item.done_at else ""))
                    if item.done
                    else _("nei"),
                    clean(item.comment),
                ]
                for item in checklist
            ],
        )

    document.add_heading(_("2 Alternativer som er vurdert"), level=1)
    alternatives = decision.alternative_list
    if alternatives:
        for number, alternative in enumerate(alternatives, start=1):
            paragraph = document.add_paragraph()
            paragraph.add_run(_("Alternativ %(n)s: ") % {"n": number}).bold = True
            paragraph.add_run(clean(alternative))
    else:
        document.add_paragraph().add_run(_("Ingen alternativer er oppgitt.")).italic = True

    document.add_heading(_("3 Vedtak"), level=1)
    paragraphs(document, decision.text)

    document.add_heading(_("4 Behandling"), level=1)
    labelled(document, _("Organ"), decision.body.name)
    if decision.meeting is not None:
        labelled(document, _("Møte"), f"{decision.meeting} ({moment(decision.meeting.starts_at)})")
    if decision.agenda_item is not None:
        item = decision.agenda_item
        labelled(document, _("Sak"), str(item))
        if item.case_paper_url:
            labelled(document, _("Saksframlegg"), item.case_paper_url)
    labelled(document, _("Vedtaksdato"), day(decision.decided_on))
    if decision.recorded_by is not None:
        labelled(document, _("Registrert av"), str(decision.recorded_by))
    return document_bytes(document)
