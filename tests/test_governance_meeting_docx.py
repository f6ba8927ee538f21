"""The minutes of a meeting and the decision memo («Notat for beslutning») as Word
documents: downloaded through their pages and opened again with python-docx."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document

from conftest import World
from samla.governance import services
from samla.governance.documents.decision_memo import decision_memo_docx
from samla.governance.documents.minutes import minutes_docx
from tests.test_governance_meeting_pages import Meetings, build_meetings
from tests.test_governance_services import tick_mandatory


@pytest.fixture
def m(world: World) -> Meetings:
    return build_meetings(world)


def all_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def test_minutes_download_has_presence_agenda_decisions_actions_and_next_meeting(
    m: Meetings,
) -> None:
    services.meeting_set_present(meeting=m.meeting, members=[m.member])
    services.meeting_update(meeting=m.meeting, minutes="Prosjektleder orienterte om framdrift.")
    services.meeting_create(
        body=m.body,
        starts_at=timezone.make_aware(datetime.datetime(2026, 3, 9, 12)),
        location="Teams",
    )
    response = m.client("viewer").get(m.url("minutes_docx", meeting_id=m.meeting.uuid))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="referat-sg-2026-02-02')
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == "Referat fra Styringsgruppen"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["Til stede", "Saker"]
    assert "1/26 Valg av arkivløsning" in headings
    assert {"Referat", "Oppfølgingspunkter", "Neste møte"} <= set(headings)
    text = all_text(response.content)
    assert "Admin Test | Leder | A kommune" in text
    assert "Forfall / ikke til stede: Tillitsvalgt, Fagforbundet" in text
    assert "Saksframlegg: https://example.no/saksframlegg/1-26.pdf" in text
    assert "Vedtak SG 1/2026: Felles arkivløsning" in text
    assert "Prosjektleder orienterte om framdrift." in text
    assert "Lage tidsplan for overgangen | Office Test | 01.03.2026 | Åpen" in text
    assert "09.03.2026 12:00, Teams" in text
    assert "Sted: Rådhuset, møterom 2" in text


def test_minutes_of_an_empty_meeting_say_so(m: Meetings) -> None:
    meeting = services.meeting_create(
        body=m.body, starts_at=timezone.make_aware(datetime.datetime(2026, 6, 1, 9))
    )
    text = all_text(minutes_docx(meeting))
    assert "Oppmøte er ikke registrert." in text
    assert "Ingen saker på sakslisten." in text
    assert "Ingen oppfølgingspunkter." in text
    assert "Ikke fastsatt." in text


def test_decision_memo_of_a_plain_decision(m: Meetings) -> None:
    response = m.client("editor_b").get(m.url("decision_memo_docx", decision_id=m.decision.uuid))
    assert response.status_code == 200
    assert 'filename="notat-for-beslutning-sg-1-2026.docx"' in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == "Notat for beslutning"
    header = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows[1:]}
    assert header == {
        "Til": "Styringsgruppen",
        "Fra": "Office Test",
        "Dato": "02.02.2026",
        "Vedtak nr.": "SG 1/2026",
        "Emne": "Felles arkivløsning",
    }
    text = all_text(response.content)
    assert "Prosjekt: Felles sak/arkiv" in text
    assert "Alternativ 1: Felles løsning." in text
    assert "Alternativ 2: Fortsette hver for seg." in text
    assert "Styringsgruppen slutter seg til anbefalingen." in text
    assert "Sak: 1/26 Valg av arkivløsning" in text


def test_decision_memo_of_a_gate_lists_its_checklist(m: Meetings, world: World) -> None:
    gate = m.project.gates.get(code="BP1")
    tick_mandatory(gate, world)
    decision = services.decision_record(
        body=m.body,
        decided_on=datetime.date(2026, 3, 1),
        title="BP1 passeres",
        text="Prosjektet går over i konseptfasen.\x0b",  # a control character pasted in
        gate=gate,
    )
    text = all_text(decision_memo_docx(decision))
    assert "Beslutningspunkt: BP1" in text
    assert "Utfall: Beslutningspunktet passeres" in text
    assert "Sjekkliste for beslutningspunktet" in text
    first = gate.checklist.order_by("order", "pk").first()
    assert first is not None and first.text in text
    assert "Ingen alternativer er oppgitt." in text
    assert "Prosjektet går over i konseptfasen." in text


def test_decision_memo_of_a_milestone(m: Meetings) -> None:
    milestone = m.ehandel.milestones.get(code="1")
    decision = services.decision_record(
        body=m.body,
        decided_on=datetime.date(2026, 3, 1),
        title="Mandatet godkjent",
        text="Godkjent.",
        milestone=milestone,
    )
    text = all_text(decision_memo_docx(decision))
    assert f"Milepæl som godkjennes: {milestone.name}" in text
    assert "Prosjekt: E-handel" in text
