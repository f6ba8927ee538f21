"""The minutes of a meeting (møtereferat) as a Word document: when and where, who was
present and absent, then each agenda item with its case paper, proposal, notes and the
decisions made on it, the meeting's general notes, the action items and the next meeting."""

from __future__ import annotations

import re
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from docx.document import Document as DocumentType

from samla.core.docx import add_table, document_bytes, new_document
from samla.governance import selectors_meetings
from samla.governance.models import Decision, Meeting

# Characters XML 1.0 cannot hold (python-docx refuses them); a pasted text may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(value: Any) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


def day(value: Any) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def moment(value: Any) -> str:
    if not value:
        return ""
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def paragraphs(document: DocumentType, text: str, empty: str | None = None) -> None:
    parts = [p.strip() for p in clean(text).split("\n") if p.strip()]
    if not parts and empty:
        document.add_paragraph().add_run(empty).italic = True
    for part in parts:
        document.add_paragraph(part)


def labelled(document: DocumentType, label: str, value: str) -> None:
    """«Label: value» with the label in bold."""
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(clean(value))


def decision_lines(document: DocumentType, decision: Decision) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(_("Vedtak %(number)s: ") % {"number": decision.number}).bold = True
    paragraph.add_run(clean(decision.title))
    paragraphs(document, decision.text)


def minutes_docx(meeting: Meeting) -> bytes:
    page = selectors_meetings.meeting_page(meeting)
    body = meeting.body
    title = _("Referat fra %(body)s") % {"body": body.name}
    document = new_document(
        clean(title),
        clean(
            _("Møte %(when)s. Laget i Samla %(today)s.")
            % {"when": moment(meeting.starts_at), "today": day(timezone.localdate())}
        ),
    )
    if meeting.title:
        labelled(document, _("Møte"), meeting.title)
    when = moment(meeting.starts_at)
    if meeting.ends_at:
        when += f"–{timezone.localtime(meeting.ends_at):%H:%M}"
    labelled(document, _("Tid"), when)
    labelled(document, _("Sted"), meeting.location or "–")
    labelled(document, _("Status"), str(meeting.get_status_display()))

    document.add_heading(_("Til stede"), level=1)
    present = page.present
    if present:
        add_table(
            document,
            [_("Navn"), _("Rolle"), _("Representerer")],
            [
                [clean(m.person_name), m.get_role_display(), clean(m.organisation or "")]
                for m in present
            ],
        )
    else:
        document.add_paragraph().add_run(_("Oppmøte er ikke registrert.")).italic = True
    if page.absent:
        labelled(
            document,
            _("Forfall / ikke til stede"),
            ", ".join(m.person_name for m in page.absent),
        )
    if meeting.guests:
        labelled(document, _("Andre til stede"), meeting.guests)

    document.add_heading(_("Saker"), level=1)
    if not page.agenda:
        document.add_paragraph().add_run(_("Ingen saker på sakslisten.")).italic = True
    for item in page.agenda:
        heading = f"{item.number} {item.title}".strip()
        document.add_heading(clean(heading), level=2)
        labelled(document, _("Type sak"), str(item.get_kind_display()))
        if item.presenter:
            labelled(document, _("Innleder"), item.presenter)
        if item.project:
            labelled(document, _("Prosjekt"), item.project.name)
        if item.case_paper_url:
            labelled(document, _("Saksframlegg"), item.case_paper_url)
        if item.proposal:
            document.add_paragraph().add_run(_("Forslag til vedtak")).bold = True
            paragraphs(document, item.proposal)
        if item.notes:
            document.add_paragraph().add_run(_("Referat")).bold = True
            paragraphs(document, item.notes)
        for decision in item.decision_list:  # type: ignore[attr-defined]
            decision_lines(document, decision)

    loose = page.loose_decisions
    if loose:
        document.add_heading(_("Andre vedtak i møtet"), level=1)
        for decision in loose:
            decision_lines(document, decision)

    if meeting.minutes:
        document.add_heading(_("Referat"), level=1)
        paragraphs(document, meeting.minutes)

    document.add_heading(_("Oppfølgingspunkter"), level=1)
    if page.action_items:
        add_table(
            document,
            [_("Oppgave"), _("Ansvarlig"), _("Frist"), _("Status")],
            [
                [
                    clean(a.text),
                    clean(a.owner or a.owner_name or ""),
                    day(a.due),
                    a.get_status_display(),
                ]
                for a in page.action_items
            ],
        )
    else:
        document.add_paragraph().add_run(_("Ingen oppfølgingspunkter.")).italic = True

    document.add_heading(_("Neste møte"), level=1)
    following = page.next_meeting
    if following is not None:
        text = moment(following.starts_at)
        if following.location:
            text += f", {following.location}"
        document.add_paragraph(clean(text))
    else:
        document.add_paragraph().add_run(_("Ikke fastsatt.")).italic = True
    return document_bytes(document)
