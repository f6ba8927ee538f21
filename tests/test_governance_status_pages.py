"""The status-report pages: a project's history of reports, a draft created and edited (six
colours with comments, cost lines, next steps), publishing that freezes a snapshot, the
published report showing what changed since the previous one, the DOCX reopened with
python-docx and the XLSX with openpyxl. Per persona; editing a published report gives a
clear message and writes nothing.

«Felles sak» is led by editor_b: managers and editor_b run its reports, editor_a and the
viewer read them, the outsider gets 404."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from conftest import World
from samla.governance import services
from samla.governance.models import Project, RagStatus, StatusCostLine, StatusReport
from tests.test_governance_services import START, fill_report

PERSONAS = ["admin", "office", "editor_a", "editor_b", "viewer", "outsider"]
EVERYONE = {"admin", "office", "editor_a", "editor_b", "viewer"}
LEADS = {"admin", "office", "editor_b"}
JANUARY = datetime.date(2026, 1, 1)
FEBRUARY = datetime.date(2026, 2, 1)


@dataclass
class Reports:
    world: World
    project: Project
    published: StatusReport  # January, published
    draft: StatusReport  # February, a draft
    line: StatusCostLine  # of the draft

    def client(self, persona: str | None) -> Client:
        return self.world.client_for(persona)


def build_reports(world: World) -> Reports:
    project = services.project_create(
        collaboration=world.alfa,
        name="Felles sak",
        code="FS-1",
        start=START,
        organisations=[world.org_a],
        leader=world.editor_b,
    )
    services.milestone_create(
        project=project, name="Kontrakt signert", planned_date=datetime.date(2026, 1, 20)
    )
    services.risk_create(
        project=project, title="Leverandøren leverer for sent", probability=4, impact=4
    )
    january = services.status_report_create(project=project, period=JANUARY, user=world.editor_b)
    services.status_cost_line_create(
        report=january,
        name="Lisenser",
        budget=Decimal(100_000),
        spent=Decimal(10_000),
        forecast=Decimal(100_000),
    )
    fill_report(january, overall_comment="Alt i rute", next_steps="Signere kontrakt")
    services.status_report_publish(report=january, user=world.editor_b)
    january.refresh_from_db()
    february = services.status_report_create(project=project, period=FEBRUARY, user=world.editor_b)
    line = february.cost_lines.get()
    return Reports(world, project, january, february, line)


@pytest.fixture
def reports(world: World) -> Reports:
    return build_reports(world)


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"governance:{name}", kwargs={"slug": "alfa", **kwargs})


UrlMaker = Callable[[Reports], str]

GET_PAGES: list[tuple[str, UrlMaker, set[str]]] = [
    ("list", lambda r: url("status_report_list", project_id=r.project.uuid), EVERYONE),
    ("xlsx", lambda r: url("status_reports_xlsx", project_id=r.project.uuid), EVERYONE),
    ("published", lambda r: url("status_report_detail", report_id=r.published.uuid), EVERYONE),
    ("draft", lambda r: url("status_report_detail", report_id=r.draft.uuid), EVERYONE),
    ("docx", lambda r: url("status_report_docx", report_id=r.published.uuid), EVERYONE),
    ("draft docx", lambda r: url("status_report_docx", report_id=r.draft.uuid), EVERYONE),
    ("new", lambda r: url("status_report_create", project_id=r.project.uuid), LEADS),
    ("edit", lambda r: url("status_report_edit", report_id=r.draft.uuid), LEADS),
    ("publish", lambda r: url("status_report_publish", report_id=r.draft.uuid), LEADS),
    ("line new", lambda r: url("status_cost_line_create", report_id=r.draft.uuid), LEADS),
    ("line edit", lambda r: url("status_cost_line_edit", line_id=r.line.uuid), LEADS),
]


@pytest.mark.parametrize("page", GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_get_page_per_persona(reports: Reports, page: tuple[str, UrlMaker, set[str]]) -> None:
    _, make_url, allowed = page
    address = make_url(reports)
    for persona in PERSONAS:
        response = reports.client(persona).get(address)
        expected = 200 if persona in allowed else 404 if persona == "outsider" else 403
        assert response.status_code == expected, f"{persona} on {address}: {response.status_code}"
    assert reports.client(None).get(address).status_code == 302


def test_objects_of_another_collaboration_are_404_under_its_own_slug(reports: Reports) -> None:
    client = reports.client("outsider")
    for name, kwargs in [
        ("status_report_list", {"project_id": reports.project.uuid}),
        ("status_report_detail", {"report_id": reports.draft.uuid}),
        ("status_report_edit", {"report_id": reports.draft.uuid}),
        ("status_report_docx", {"report_id": reports.published.uuid}),
        ("status_cost_line_edit", {"line_id": reports.line.uuid}),
    ]:
        address = reverse(f"governance:{name}", kwargs={"slug": "beta", **kwargs})
        assert client.get(address).status_code == 404, name
    publish = reverse(
        "governance:status_report_publish", kwargs={"slug": "beta", "report_id": reports.draft.uuid}
    )
    assert client.post(publish).status_code == 404
    reports.draft.refresh_from_db()
    assert not reports.draft.is_published


def edit_data(report: StatusReport, **changes: str) -> dict[str, str]:
    data = {name: getattr(report, name) for name in services.REPORT_FIELDS}
    data.update(changes)
    return data


# --- Drafts ---------------------------------------------------------------------------------


def test_leader_creates_a_draft_from_the_previous_report(reports: Reports) -> None:
    client = reports.client("editor_b")
    response = client.post(
        url("status_report_create", project_id=reports.project.uuid), {"period": "2026-03"}
    )
    assert response.status_code == 302
    march = StatusReport.objects.get(project=reports.project, period=datetime.date(2026, 3, 1))
    assert response["Location"] == url("status_report_edit", report_id=march.uuid)
    assert march.state == StatusReport.State.DRAFT
    assert march.overall_comment == "Alt i rute"  # copied from February's draft
    assert [line.name for line in march.cost_lines.all()] == ["Lisenser"]


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2026-01", "Prosjektet har allerede en statusrapport for 01.2026."),
        ("mars", "Skriv måneden som åååå-mm"),
        ("", "Velg en måned."),
    ],
)
def test_bad_month_is_refused_and_nothing_written(
    reports: Reports, period: str, message: str
) -> None:
    before = StatusReport.objects.count()
    response = reports.client("editor_b").post(
        url("status_report_create", project_id=reports.project.uuid), {"period": period}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert StatusReport.objects.count() == before


@pytest.mark.parametrize("persona", ["editor_a", "viewer"])
def test_readers_cannot_create_or_edit(reports: Reports, persona: str) -> None:
    client = reports.client(persona)
    create = url("status_report_create", project_id=reports.project.uuid)
    assert client.post(create, {"period": "2026-03"}).status_code == 403
    edit = url("status_report_edit", report_id=reports.draft.uuid)
    assert client.post(edit, edit_data(reports.draft, overall="red")).status_code == 403
    line = url("status_cost_line_edit", line_id=reports.line.uuid)
    assert (
        client.post(line, {"name": "X", "budget": "1", "spent": "1", "forecast": "1"}).status_code
        == 403
    )
    publish = url("status_report_publish", report_id=reports.draft.uuid)
    assert client.post(publish).status_code == 403
    reports.draft.refresh_from_db()
    assert reports.draft.overall == RagStatus.GREEN
    assert StatusReport.objects.count() == 2


def test_leader_edits_the_draft(reports: Reports) -> None:
    client = reports.client("editor_b")
    response = client.post(
        url("status_report_edit", report_id=reports.draft.uuid),
        edit_data(
            reports.draft,
            economy="red",
            economy_comment="Lisensene ble dyrere",
            next_steps="Ny avtale",
        ),
    )
    assert response.status_code == 302
    reports.draft.refresh_from_db()
    assert (reports.draft.economy, reports.draft.next_steps) == ("red", "Ny avtale")


def test_bad_colour_is_refused(reports: Reports) -> None:
    response = reports.client("editor_b").post(
        url("status_report_edit", report_id=reports.draft.uuid),
        edit_data(reports.draft, overall="lilla"),
    )
    assert response.status_code == 200
    assert "Velg grønn, gul eller rød." in response.content.decode()
    reports.draft.refresh_from_db()
    assert reports.draft.overall == RagStatus.GREEN


def test_cost_lines_added_changed_and_deleted(reports: Reports) -> None:
    client = reports.client("editor_b")
    response = client.post(
        url("status_cost_line_create", report_id=reports.draft.uuid),
        {"name": "Konsulenter", "budget": "50 000", "spent": "0", "forecast": "60 000,50"},
    )
    assert response.status_code == 302
    added = reports.draft.cost_lines.get(name="Konsulenter")
    assert added.forecast == Decimal("60000.50")
    response = client.post(
        url("status_cost_line_edit", line_id=reports.line.uuid),
        {"name": "Lisenser", "budget": "100000", "spent": "45000", "forecast": "120000"},
    )
    assert response.status_code == 302
    reports.line.refresh_from_db()
    assert reports.line.spent == Decimal(45_000)
    response = client.post(url("status_cost_line_delete", line_id=added.uuid))
    assert response.status_code == 302
    assert not StatusCostLine.objects.filter(pk=added.pk).exists()


def test_negative_amount_is_refused(reports: Reports) -> None:
    response = reports.client("editor_b").post(
        url("status_cost_line_edit", line_id=reports.line.uuid),
        {"name": "Lisenser", "budget": "100000", "spent": "-5", "forecast": "120000"},
    )
    assert response.status_code == 200
    assert "Ingenting er lagret" in response.content.decode()
    reports.line.refresh_from_db()
    assert reports.line.spent == Decimal(10_000)


# --- Publishing -----------------------------------------------------------------------------


def test_publish_needs_every_colour(reports: Reports) -> None:
    services.status_report_update(report=reports.draft, quality="")
    client = reports.client("editor_b")
    page = client.get(url("status_report_publish", report_id=reports.draft.uuid)).content.decode()
    assert "Mangler: Kvalitet" in page
    response = client.post(url("status_report_publish", report_id=reports.draft.uuid), follow=True)
    assert "Sett status for alle områdene før publisering" in response.content.decode()
    reports.draft.refresh_from_db()
    assert not reports.draft.is_published


def test_published_report_shows_what_changed(reports: Reports) -> None:
    services.status_report_update(report=reports.draft, overall="red", overall_comment="Forsinket")
    services.status_cost_line_update(line=reports.line, spent=Decimal(40_000))
    client = reports.client("editor_b")
    response = client.post(url("status_report_publish", report_id=reports.draft.uuid))
    assert response.status_code == 302
    reports.draft.refresh_from_db()
    assert reports.draft.is_published
    assert reports.draft.previous == reports.published
    reports.project.refresh_from_db()
    assert reports.project.latest_status_report == reports.draft
    page = (
        reports.client("viewer")
        .get(url("status_report_detail", report_id=reports.draft.uuid))
        .content.decode()
    )
    assert "Samlet: fra grønn til rød." in page
    assert "Lisenser: påløpt +30" in page
    assert "Forsinket" in page
    assert url("status_report_detail", report_id=reports.published.uuid) in page
    # Late milestone: planned 20 January, not reached.
    assert "Kontrakt signert" in page


def test_first_report_says_so_and_shows_its_milestones(reports: Reports) -> None:
    page = (
        reports.client("viewer")
        .get(url("status_report_detail", report_id=reports.published.uuid))
        .content.decode()
    )
    assert "Første publiserte rapport for prosjektet." in page
    assert "Signere kontrakt" in page
    assert "Leverandøren leverer for sent" in page


def test_published_report_cannot_be_edited(reports: Reports) -> None:
    client = reports.client("editor_b")
    published = reports.published
    history = published.history.count()
    edit = url("status_report_edit", report_id=published.uuid)
    detail = url("status_report_detail", report_id=published.uuid)
    response = client.get(edit, follow=True)
    assert response.redirect_chain[-1][0] == detail
    assert "Rapporten er publisert og kan ikke endres." in response.content.decode()
    response = client.post(edit, edit_data(published, overall="red"), follow=True)
    assert "Rapporten er publisert og kan ikke endres." in response.content.decode()
    line = published.cost_lines.get()
    for address, data in [
        (
            url("status_cost_line_create", report_id=published.uuid),
            {"name": "Ny", "budget": "1", "spent": "1", "forecast": "1"},
        ),
        (
            url("status_cost_line_edit", line_id=line.uuid),
            {"name": "Lisenser", "budget": "1", "spent": "1", "forecast": "1"},
        ),
        (url("status_cost_line_delete", line_id=line.uuid), {}),
        (url("status_report_delete", report_id=published.uuid), {}),
        (url("status_report_publish", report_id=published.uuid), {}),
    ]:
        response = client.post(address, data, follow=True)
        assert "Rapporten er publisert og kan ikke endres." in response.content.decode(), address
    published.refresh_from_db()
    assert published.overall == RagStatus.GREEN
    assert published.history.count() == history
    assert [(x.name, x.budget) for x in published.cost_lines.all()] == [
        ("Lisenser", Decimal(100_000))
    ]
    page = client.get(detail).content.decode()
    assert url("status_report_edit", report_id=published.uuid) not in page


def test_draft_is_deleted_by_the_leader(reports: Reports) -> None:
    assert (
        reports.client("viewer")
        .post(url("status_report_delete", report_id=reports.draft.uuid))
        .status_code
        == 403
    )
    response = reports.client("editor_b").post(
        url("status_report_delete", report_id=reports.draft.uuid)
    )
    assert response["Location"] == url("status_report_list", project_id=reports.project.uuid)
    assert not StatusReport.objects.filter(pk=reports.draft.pk).exists()


# --- Downloads ------------------------------------------------------------------------------


def _docx_text(content: bytes) -> tuple[str, list[list[str]]]:
    document = Document(io.BytesIO(content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return text, cells


def test_docx_of_a_published_report(reports: Reports) -> None:
    services.status_report_update(report=reports.draft, schedule="yellow")
    services.status_report_publish(report=reports.draft, user=reports.world.editor_b)
    response = reports.client("viewer").get(url("status_report_docx", report_id=reports.draft.uuid))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "statusrapport-fs-1-2026-02.docx" in response["Content-Disposition"]
    text, cells = _docx_text(response.content)
    assert "Statusrapport februar 2026" in text
    assert "Fremdrift: fra grønn til gul." in text
    assert ["Fremdrift", "Gul", ""] in cells
    assert ["Samlet", "Grønn", "Alt i rute"] in cells
    assert ["Lisenser", "100 000 kr", "10 000 kr", "100 000 kr"] in [
        [c.replace("\xa0", " ") for c in row] for row in cells
    ]
    assert any(row[0] == "Kontrakt signert" for row in cells)
    assert ["R1", "Leverandøren leverer for sent", "4", "4", "16"] in cells


def test_docx_of_a_draft_says_it_is_a_draft(reports: Reports) -> None:
    response = reports.client("viewer").get(url("status_report_docx", report_id=reports.draft.uuid))
    text, _cells = _docx_text(response.content)
    assert "Utkast – ikke publisert" in text


def test_status_reports_xlsx(reports: Reports) -> None:
    response = reports.client("viewer").get(
        url("status_reports_xlsx", project_id=reports.project.uuid)
    )
    rows = list(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    header = rows[0]
    assert header[:3] == ("Måned", "Status", "Samlet")
    by_month = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_month["01.2026"]["Status"] == "Publisert"
    assert by_month["02.2026"]["Status"] == "Utkast"
    assert by_month["01.2026"]["Samlet"] == "Grønn"
    assert by_month["01.2026"]["Påløpt (kr)"] == 10_000
