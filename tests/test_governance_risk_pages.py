"""The risk pages: project and programme registers with the 5×5 matrix before and after
mitigation, the portfolio's top risks, create/edit/delete per persona, bad scores refused
with a Norwegian message and nothing written, and the XLSX register reopened with openpyxl.

The project «Felles sak» concerns municipality A and is led by editor_b, so: managers and
editor_b change its risks, editor_a (an editor of a concerned organisation) may add risks,
the viewer reads, the outsider gets 404."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import World
from samla.governance import services
from samla.governance.models import Programme, Project, Risk
from tests.test_governance_services import START

PERSONAS = ["admin", "office", "editor_a", "editor_b", "viewer", "outsider"]
EVERYONE = {"admin", "office", "editor_a", "editor_b", "viewer"}
MANAGERS = {"admin", "office"}
LEADS = MANAGERS | {"editor_b"}
CONTRIBUTORS = LEADS | {"editor_a"}


@dataclass
class Risks:
    world: World
    project: Project
    programme: Programme
    risk: Risk
    residual_risk: Risk
    programme_risk: Risk

    def client(self, persona: str | None) -> Client:
        return self.world.client_for(persona)


def build_risks(world: World) -> Risks:
    programme = services.programme_create(collaboration=world.alfa, name="Digitalt fellesskap")
    project = services.project_create(
        collaboration=world.alfa,
        name="Felles sak",
        code="FS-1",
        start=START,
        organisations=[world.org_a],
        leader=world.editor_b,
        programme=programme,
    )
    risk = services.risk_create(
        project=project,
        user=world.office,
        title="Leverandøren leverer for sent",
        cause="Få leverandører",
        probability=4,
        impact=4,
        owner=world.office,
    )
    residual = services.risk_create(
        project=project,
        user=world.office,
        title='=HYPERLINK("http://x") personvern',
        probability=3,
        impact=5,
        residual_probability=1,
        residual_impact=3,
        strategy=Risk.Strategy.AVOID,
        measures="DPIA før anskaffelse",
    )
    programme_risk = services.risk_create(
        programme=programme,
        user=world.office,
        title="Kommunene trekker seg",
        probability=2,
        impact=5,
    )
    return Risks(world, project, programme, risk, residual, programme_risk)


@pytest.fixture
def risks(world: World) -> Risks:
    return build_risks(world)


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"governance:{name}", kwargs={"slug": "alfa", **kwargs})


UrlMaker = Callable[[Risks], str]

GET_PAGES: list[tuple[str, UrlMaker, set[str]]] = [
    ("top risks", lambda r: url("top_risks"), EVERYONE),
    ("project risks", lambda r: url("project_risks", project_id=r.project.uuid), EVERYONE),
    ("project xlsx", lambda r: url("project_risks_xlsx", project_id=r.project.uuid), EVERYONE),
    ("risk", lambda r: url("risk_detail", risk_id=r.risk.uuid), EVERYONE),
    ("programme risk", lambda r: url("risk_detail", risk_id=r.programme_risk.uuid), EVERYONE),
    (
        "programme risks",
        lambda r: url("programme_risks", programme_id=r.programme.uuid),
        EVERYONE,
    ),
    (
        "programme xlsx",
        lambda r: url("programme_risks_xlsx", programme_id=r.programme.uuid),
        EVERYONE,
    ),
    ("risk new", lambda r: url("risk_create", project_id=r.project.uuid), CONTRIBUTORS),
    ("risk edit", lambda r: url("risk_edit", risk_id=r.risk.uuid), LEADS),
    (
        "programme risk new",
        lambda r: url("programme_risk_create", programme_id=r.programme.uuid),
        MANAGERS,
    ),
    ("programme risk edit", lambda r: url("risk_edit", risk_id=r.programme_risk.uuid), MANAGERS),
]


@pytest.mark.parametrize("page", GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_get_page_per_persona(risks: Risks, page: tuple[str, UrlMaker, set[str]]) -> None:
    _, make_url, allowed = page
    address = make_url(risks)
    for persona in PERSONAS:
        response = risks.client(persona).get(address)
        expected = 200 if persona in allowed else 404 if persona == "outsider" else 403
        assert response.status_code == expected, f"{persona} on {address}: {response.status_code}"
        if persona == "outsider":
            assert "Leverandøren".encode() not in response.content
    response = risks.client(None).get(address)
    assert response.status_code == 302, f"anonymous on {address}"


def test_objects_of_another_collaboration_are_404_under_its_own_slug(risks: Risks) -> None:
    client = risks.client("outsider")
    for name, kwargs in [
        ("risk_detail", {"risk_id": risks.risk.uuid}),
        ("risk_edit", {"risk_id": risks.risk.uuid}),
        ("project_risks", {"project_id": risks.project.uuid}),
        ("project_risks_xlsx", {"project_id": risks.project.uuid}),
        ("programme_risks", {"programme_id": risks.programme.uuid}),
        ("risk_create", {"project_id": risks.project.uuid}),
    ]:
        address = reverse(f"governance:{name}", kwargs={"slug": "beta", **kwargs})
        assert client.get(address).status_code == 404, name
    response = client.post(
        reverse("governance:risk_delete", kwargs={"slug": "beta", "risk_id": risks.risk.uuid})
    )
    assert response.status_code == 404
    assert Risk.objects.filter(pk=risks.risk.pk).exists()


def test_register_shows_scores_and_both_matrices(risks: Risks) -> None:
    response = risks.client("viewer").get(url("project_risks", project_id=risks.project.uuid))
    page = response.content.decode()
    assert "Leverandøren leverer for sent" in page
    assert 'id="matrix-before"' in page and 'id="matrix-after"' in page
    # R1 is 4 × 4 = 16 (high) before; R2 is 3 × 5 before and 1 × 3 after.
    assert "samla-risk-cell--high" in page
    assert "R1" in page and "R2" in page
    # The viewer is offered no changes.
    assert url("risk_create", project_id=risks.project.uuid) not in page
    assert url("risk_edit", risk_id=risks.risk.uuid) not in page
    lead_page = risks.client("editor_b").get(url("project_risks", project_id=risks.project.uuid))
    assert url("risk_edit", risk_id=risks.risk.uuid) in lead_page.content.decode()


def test_matrix_cells_name_their_risks(risks: Risks) -> None:
    response = risks.client("viewer").get(url("project_risks", project_id=risks.project.uuid))
    before = response.context["matrix_before"]
    after = response.context["matrix_after"]
    cell = {(c.impact, c.probability): c for row in before for c in row.cells}
    assert cell[(4, 4)].labels == ["R1"]
    assert cell[(5, 3)].labels == ["R2"]
    assert sum(c.count for row in before for c in row.cells) == 2
    cell_after = {(c.impact, c.probability): c for row in after for c in row.cells}
    assert cell_after[(3, 1)].labels == ["R2"]
    assert sum(c.count for row in after for c in row.cells) == 1  # R1 has no residual scores
    assert [row.impact for row in before] == [5, 4, 3, 2, 1]


def test_top_risks_span_projects_and_programmes(risks: Risks) -> None:
    response = risks.client("viewer").get(url("top_risks"))
    page = response.content.decode()
    titles = [risk.title for risk in response.context["risks"]]
    assert titles[0] == "Leverandøren leverer for sent"  # 16 before 15 and 10
    assert "Kommunene trekker seg" in titles
    assert "Digitalt fellesskap" in page
    counts = sum(c.count for row in response.context["matrix_before"] for c in row.cells)
    assert counts == 3


def test_top_risks_query_count_does_not_grow(
    risks: Risks, django_assert_max_num_queries: Any
) -> None:
    client = risks.client("viewer")
    client.get(url("top_risks"))
    with django_assert_max_num_queries(12) as small:
        client.get(url("top_risks"))
    for number in range(20):
        services.risk_create(
            project=risks.project, title=f"Risiko {number}", probability=2, impact=3
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("top_risks"))


# --- Writes ---------------------------------------------------------------------------------

GOOD = {
    "title": "Nøkkelperson slutter",
    "description": "",
    "cause": "Lite folk",
    "consequence": "Forsinkelse",
    "probability": "3",
    "impact": "4",
    "strategy": "reduce",
    "measures": "Dokumentere rutiner",
    "residual_probability": "2",
    "residual_impact": "3",
    "owner": "",
    "status": "open",
    "trend": "rising",
}


@pytest.mark.parametrize("persona", ["editor_a", "editor_b", "office"])
def test_contributors_add_a_risk(risks: Risks, persona: str) -> None:
    address = url("risk_create", project_id=risks.project.uuid)
    response = risks.client(persona).post(address, GOOD)
    assert response.status_code == 302
    assert response["Location"] == url("project_risks", project_id=risks.project.uuid)
    risk = Risk.objects.get(title="Nøkkelperson slutter")
    assert (risk.number, risk.score, risk.residual_score) == (3, 12, 6)
    assert risk.created_by == risks.world.persona(persona)
    assert risk.trend == Risk.Trend.RISING


@pytest.mark.parametrize("persona", ["viewer", "outsider"])
def test_others_cannot_add_a_risk(risks: Risks, persona: str) -> None:
    before = Risk.objects.count()
    response = risks.client(persona).post(url("risk_create", project_id=risks.project.uuid), GOOD)
    assert response.status_code == (404 if persona == "outsider" else 403)
    assert Risk.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("probability", "6", "Sannsynligheten må være fra 1 til 5."),
        ("probability", "0", "Sannsynligheten må være fra 1 til 5."),
        ("probability", "høy", "Sannsynligheten må være fra 1 til 5."),
        ("probability", "", "Sannsynligheten må være fra 1 til 5."),
        ("impact", "-1", "Konsekvensen må være fra 1 til 5."),
        ("residual_impact", "9", "Konsekvensen etter tiltak må være fra 1 til 5."),
        ("residual_probability", "", "Fyll ut både sannsynlighet og konsekvens etter tiltak"),
    ],
)
def test_scores_outside_one_to_five_are_refused(
    risks: Risks, field: str, value: str, message: str
) -> None:
    before = (Risk.objects.count(), Risk.history.count())
    response = risks.client("editor_b").post(
        url("risk_create", project_id=risks.project.uuid), {**GOOD, field: value}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Skjemaet har feil. Ingenting er lagret." in page
    assert (Risk.objects.count(), Risk.history.count()) == before


def test_edit_with_bad_score_changes_nothing(risks: Risks) -> None:
    response = risks.client("editor_b").post(
        url("risk_edit", risk_id=risks.risk.uuid), {**GOOD, "impact": "7"}
    )
    assert "Konsekvensen må være fra 1 til 5." in response.content.decode()
    risks.risk.refresh_from_db()
    assert (risks.risk.title, risks.risk.impact) == ("Leverandøren leverer for sent", 4)


def test_owner_from_another_collaboration_is_refused(risks: Risks) -> None:
    response = risks.client("office").post(
        url("risk_create", project_id=risks.project.uuid),
        {**GOOD, "owner": str(risks.world.outsider.uuid)},
    )
    assert response.status_code == 200
    assert Risk.objects.filter(title=GOOD["title"]).count() == 0


def test_leader_edits_and_history_shows_it(risks: Risks) -> None:
    client = risks.client("editor_b")
    response = client.post(
        url("risk_edit", risk_id=risks.risk.uuid),
        {**GOOD, "title": "Leverandøren leverer for sent", "probability": "2", "status": "closed"},
    )
    assert response.status_code == 302
    risks.risk.refresh_from_db()
    assert (risks.risk.probability, risks.risk.status) == (2, Risk.Status.CLOSED)
    page = client.get(url("risk_detail", risk_id=risks.risk.uuid)).content.decode()
    assert "Historikk" in page


def test_contributor_may_add_but_not_edit_or_delete(risks: Risks) -> None:
    client = risks.client("editor_a")
    assert client.post(url("risk_edit", risk_id=risks.risk.uuid), GOOD).status_code == 403
    assert client.post(url("risk_delete", risk_id=risks.risk.uuid)).status_code == 403
    risks.risk.refresh_from_db()
    assert risks.risk.title == "Leverandøren leverer for sent"


def test_delete_is_post_only_and_for_leads(risks: Risks) -> None:
    address = url("risk_delete", risk_id=risks.risk.uuid)
    assert risks.client("editor_b").get(address).status_code == 405
    response = risks.client("editor_b").post(address)
    assert response.status_code == 302
    assert not Risk.objects.filter(pk=risks.risk.pk).exists()


def test_programme_risks_are_for_managers(risks: Risks) -> None:
    address = url("programme_risk_create", programme_id=risks.programme.uuid)
    assert risks.client("editor_b").post(address, GOOD).status_code == 403
    response = risks.client("office").post(address, GOOD)
    assert response.status_code == 302
    risk = Risk.objects.get(title=GOOD["title"])
    assert (risk.programme, risk.project, risk.number) == (risks.programme, None, 2)
    edit = url("risk_edit", risk_id=risk.uuid)
    assert risks.client("editor_b").post(edit, GOOD).status_code == 403


# --- XLSX -----------------------------------------------------------------------------------


def test_risk_register_xlsx_reopens_with_the_register(risks: Risks) -> None:
    response = risks.client("viewer").get(url("project_risks_xlsx", project_id=risks.project.uuid))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "risikoregister-fs-1.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:8] == (
        "Nr.",
        "Risiko",
        "Beskrivelse",
        "Årsak",
        "Konsekvens",
        "Sannsynlighet",
        "Konsekvensgrad",
        "Score",
    )
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_number[1]["Score"] == 16
    assert by_number[1]["Årsak"] == "Få leverandører"
    assert by_number[1]["Score etter tiltak"] is None
    assert by_number[2]["Score etter tiltak"] == 3
    assert by_number[2]["Strategi"] == "Unngå"
    # A title that a spreadsheet would run as a formula is neutralised.
    assert by_number[2]["Risiko"].startswith("'=HYPERLINK")


def test_programme_register_xlsx(risks: Risks) -> None:
    response = risks.client("viewer").get(
        url("programme_risks_xlsx", programme_id=risks.programme.uuid)
    )
    rows = list(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert len(rows) == 2
    assert rows[1][1] == "Kommunene trekker seg"


def test_register_query_count_does_not_grow(
    risks: Risks, django_assert_max_num_queries: Any
) -> None:
    client = risks.client("viewer")
    address = url("project_risks", project_id=risks.project.uuid)
    client.get(address)
    with django_assert_max_num_queries(30) as small:
        client.get(address)
    for number in range(15):
        services.risk_create(
            project=risks.project,
            title=f"Risiko {number}",
            probability=1 + number % 5,
            impact=2,
            residual_probability=1,
            residual_impact=1,
            owner=risks.world.office,
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(address)
