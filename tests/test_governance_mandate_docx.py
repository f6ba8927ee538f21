"""The mandate as a Word document: downloaded through the page, opened again with python-docx,
and checked against the mandate: the sections of a Norwegian prosjektmandat in order, the
sub-goals, concepts, organisation, budget by year, financing and resource plan with their
sums, and text that Word cannot hold removed rather than failing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from docx.document import Document as DocumentType

from conftest import World
from samla.governance import services
from samla.governance.documents.mandate import mandate_docx
from tests.test_governance_mandate_pages import Mandated, build_mandate

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NBSP = "\xa0"


@pytest.fixture
def m(world: World) -> Mandated:
    return build_mandate(world)


def _open(content: bytes) -> DocumentType:
    return Document(io.BytesIO(content))


def _tables(document: DocumentType) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def _table_starting(document: DocumentType, header: str) -> list[list[str]]:
    return next(t for t in _tables(document) if t[0][0] == header)


def test_download_through_the_page(m: Mandated) -> None:
    response = m.world.client_for("viewer").get(
        reverse("governance:mandate_docx", args=["alfa", m.project.uuid])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == (
        'attachment; filename="prosjektmandat-innforing-av-e-handel.docx"'
    )
    document = _open(response.content)
    assert document.core_properties.title == "Prosjektmandat for Innføring av e-handel"
    assert document.paragraphs[0].text == "Prosjektmandat for Innføring av e-handel"


def test_sections_in_the_order_of_a_prosjektmandat(m: Mandated) -> None:
    document = _open(mandate_docx(m.mandate))
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    assert headings == [
        "1. Bakgrunn",
        "2. Mål, hovedinnhold og forventede resultater",
        "3. Omfang, avgrensninger og konsepter",
        "4. Organisering",
        "5. Budsjett og finansiering",
        "6. Risiko og kritiske suksessfaktorer",
        "7. Kvalitetssikring",
        "8. Rapportering",
    ]
    subheadings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 2"
    ]
    for expected in (
        "Endringslogg",
        "1.1. Innledning",
        "1.3. Rammer for prosjektet",
        "2.1. Hovedmål",
        "2.2. Delmål",
        "3.3. Vurderte konsepter",
        "4.1. Prosjektgruppe",
        "5.1. Kostnader",
        "5.2. Finansiering",
        "5.3. Planlagt ressursinnsats",
    ):
        assert expected in subheadings, expected
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Innkjøp utgjør om lag 500 mill. kr i året." in text
    assert "Lov om offentlige anskaffelser." in text
    assert "Rapporteringshyppighet: Månedlig." in text
    assert "Månedlig til økonominettverket." in text
    assert "Ikke fylt ut." in text  # purpose, scope … are empty


def test_title_page_and_change_log(m: Mandated) -> None:
    document = _open(mandate_docx(m.mandate))
    facts = {row[0]: row[1] for row in _table_starting(document, "Prosjekt")}
    assert facts["Prosjekt"] == "Innføring av e-handel"
    assert facts["Samarbeid"] == "Alfa-samarbeidet"
    assert facts["Prosjektleder"] == str(m.world.editor_a)
    assert facts["Periode"] == "01.01.2026 – 30.06.2027"
    log = _table_starting(document, "Versjon")
    assert [row[2] for row in log[1:]] == ["Opprettet", "Endret"]


def test_goals_concepts_and_organisation(m: Mandated) -> None:
    document = _open(mandate_docx(m.mandate))
    goals = _table_starting(document, "Nr.")
    assert goals[0] == ["Nr.", "Delmål", "Måles ved", "Målverdi", "Frist"]
    assert goals[1] == [
        "1",
        "Alle kommunene har tatt i bruk e-handel.",
        "Andel av innkjøpsvolumet via e-handel",
        "5 %",
        "31.12.2026",
    ]
    concepts = _table_starting(document, "Konsept")
    assert concepts[1] == ["Nullalternativet", "Som i dag.", "Nullalternativet"]
    assert concepts[2] == ["Felles e-handel", "Felles innføring.", "Anbefalt"]
    roles = _table_starting(document, "Navn")
    assert roles[1] == [str(m.world.editor_b), "", "Representant", "B kommune"]


def test_budget_financing_and_resources(m: Mandated) -> None:
    document = _open(mandate_docx(m.mandate))
    tables = [t for t in _tables(document) if t[0][0] == "Kostnad"]
    direct, indirect = tables
    assert direct[0] == ["Kostnad", "2026", "2027", "Sum"]
    assert direct[1] == [
        "Prosjektledelse",
        f"400{NBSP}000{NBSP}kr",
        f"200{NBSP}000{NBSP}kr",
        f"600{NBSP}000{NBSP}kr",
    ]
    assert direct[-1][0] == "Sum" and direct[-1][-1] == f"600{NBSP}000{NBSP}kr"
    assert indirect[1][0] == "Lønn prosjektdeltakere" and indirect[1][2] == ""
    financing = _table_starting(document, "Kilde")
    assert financing[1] == ["Difi", f"200{NBSP}000{NBSP}kr", "Lagt inn"]
    assert financing[-1][:2] == ["Sum finansiering", f"200{NBSP}000{NBSP}kr"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Direkte kostnader som ikke er finansiert: 400{NBSP}000{NBSP}kr." in text
    assert f"Sum kostnader: 1{NBSP}580{NBSP}000{NBSP}kr" in text
    resources = _table_starting(document, "Forum")
    assert resources[1] == [
        "Styringsgruppe",
        "8",
        "6",
        "2,0",
        "96",
        f"500{NBSP}kr",
        f"48{NBSP}000{NBSP}kr",
    ]
    assert resources[-1][0] == "Sum" and resources[-1][4] == "96"
    assert f"timepris på 500{NBSP}kr." in text


def test_computed_financing_is_marked(m: Mandated) -> None:
    services.mandate_financing_compute(mandate=m.mandate)
    document = _open(mandate_docx(m.mandate))
    rows = {row[0]: row for row in _table_starting(document, "Kilde")[1:]}
    assert rows["A kommune"][1:] == [f"100{NBSP}000{NBSP}kr", "Beregnet etter innbyggertall"]
    assert rows["B kommune"][1] == f"300{NBSP}000{NBSP}kr"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ikke er finansiert" not in text


def test_text_word_cannot_hold_is_removed(m: Mandated) -> None:
    services.mandate_update(mandate=m.mandate, background="Før\x0bEtter\x1f og =SUM(A1)")
    services.sub_goal_create(mandate=m.mandate, text='=HYPERLINK("x")')
    document = _open(mandate_docx(m.mandate))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "FørEtter og =SUM(A1)" in text
    goals = _table_starting(document, "Nr.")
    assert goals[2][1] == '\'=HYPERLINK("x")'  # table cells neutralised like spreadsheet cells


def test_empty_mandate(world: World) -> None:
    project = services.project_create(
        collaboration=world.alfa, name="Tomt", start=datetime.date(2026, 1, 1)
    )
    document = _open(mandate_docx(project.mandate))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.count("Ikke fylt ut.") >= 10
    assert all(t[0][0] != "Kostnad" for t in _tables(document))


def test_risks_from_the_register_listed(m: Mandated) -> None:
    services.mandate_update(mandate=m.mandate, risk_summary="Høy organisatorisk risiko.")
    services.risk_create(
        project=m.project,
        title="For liten forankring",
        probability=4,
        impact=5,
        residual_probability=2,
        residual_impact=3,
        measures="Involvere rådmennene.",
    )
    document = _open(mandate_docx(m.mandate))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Høy organisatorisk risiko." in text
    risks = next(t for t in _tables(document) if t[0][1] == "Risiko")
    assert risks[1][1:] == ["For liten forankring", "4", "5", "Involvere rådmennene."]


def test_outsider_gets_404(m: Mandated) -> None:
    response = m.world.client_for("outsider").get(
        reverse("governance:mandate_docx", args=["alfa", m.project.uuid])
    )
    assert response.status_code == 404
