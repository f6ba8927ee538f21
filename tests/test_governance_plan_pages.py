"""The plan, stakeholder, communication and log pages of a project, and the lessons learned
across the collaboration: who may open and post to which, the Gantt chart (both scales, the
critical path, milestones), and bad input refused with a Norwegian message and nothing
written.

One project in "alfa" concerns municipality A. Its leader is "leder", a viewer of alfa; the
managers (admin, office) change everything; editor_a (of A) writes log entries and changes
their own; editor_b and viewer only read; outsider (of "beta") sees nothing.

The plan: Analyse (5–30 Jan 2026) → Anskaffelse (+3 days lag, 3 Feb – 31 Mar) → Innføring
(1 Apr – 30 Jun); a side activity Opplæring (1 Mar – 15 Apr) with slack. The critical path
is Analyse → Anskaffelse → Innføring.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World, _user
from samla.governance import selectors, selectors_plans, services
from samla.governance.models import (
    Activity,
    CommunicationItem,
    Dependency,
    LogEntry,
    Milestone,
    Project,
    Stakeholder,
)
from samla.organisations import services as organisation_services
from samla.organisations.models import Role, User

EVERYONE = ["admin", "office", "leder", "editor_a", "editor_b", "viewer"]
LEADS = {"admin", "office", "leder"}
CONTRIBUTORS = LEADS | {"editor_a"}
D = datetime.date


@dataclass
class Plan:
    world: World
    leader: User
    project: Project
    analyse: Activity
    procurement: Activity
    rollout: Activity
    training: Activity
    link: Dependency
    milestone: Milestone
    stakeholder: Stakeholder
    item: CommunicationItem
    entry_by_editor: LogEntry
    entry_by_leader: LogEntry
    other_project: Project  # in beta

    def client(self, persona: str | None) -> Client:
        client = Client()
        if persona is not None:
            user = self.leader if persona == "leder" else self.world.persona(persona)
            client.force_login(user)
        return client

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"governance:{name}", kwargs={"slug": "alfa", **kwargs})

    def project_url(self, name: str) -> str:
        return self.url(name, project_id=self.project.uuid)


def build_plan(world: World) -> Plan:
    leader = _user("leder")
    organisation_services.role_assign(collaboration=world.alfa, user=leader, kind=Role.Kind.VIEWER)
    project = services.project_create(
        collaboration=world.alfa,
        name="Felles sak/arkiv",
        start=D(2026, 1, 5),
        organisations=[world.org_a],
        leader=leader,
    )
    milestone = services.milestone_create(
        project=project, name="Kontrakt signert", planned_date=D(2026, 3, 31)
    )
    analyse = services.activity_create(
        project=project,
        code="1",
        name="Analyse",
        start=D(2026, 1, 5),
        end=D(2026, 1, 30),
        responsible=leader,
        progress=100,
    )
    procurement = services.activity_create(
        project=project,
        code="2",
        name="Anskaffelse",
        start=D(2026, 2, 3),
        end=D(2026, 3, 31),
        milestone=milestone,
        progress=40,
    )
    rollout = services.activity_create(
        project=project, code="3", name="Innføring", start=D(2026, 4, 1), end=D(2026, 6, 30)
    )
    training = services.activity_create(
        project=project, code="4", name="Opplæring", start=D(2026, 3, 1), end=D(2026, 4, 15)
    )
    link = services.dependency_create(predecessor=analyse, successor=procurement, lag_days=3)
    services.dependency_create(predecessor=procurement, successor=rollout)
    stakeholder = services.stakeholder_create(
        project=project,
        name="Tillitsvalgte",
        group="Ansatte",
        interest_level="high",
        influence="high",
    )
    item = services.communication_item_create(
        project=project,
        stakeholder=stakeholder,
        audience="Tillitsvalgte",
        message="Orientering om fremdrift",
        channel="meeting",
        date=D(2026, 2, 1),
    )
    entry_by_editor = services.log_entry_create(
        project=project,
        author=world.editor_a,
        kind=LogEntry.Kind.CONCERN,
        title="Bekymring for kapasitet",
        date=D(2026, 2, 10),
    )
    entry_by_leader = services.log_entry_create(
        project=project,
        author=leader,
        kind=LogEntry.Kind.LESSON,
        title="Tidlig dialog med leverandørene lønner seg",
        text="Markedsdialogen sparte oss for en runde.",
        date=D(2026, 3, 1),
    )
    other = services.project_create(
        collaboration=world.beta, name="Beta-prosjekt", start=D(2026, 1, 1)
    )
    return Plan(
        world,
        leader,
        project,
        analyse,
        procurement,
        rollout,
        training,
        link,
        milestone,
        stakeholder,
        item,
        entry_by_editor,
        entry_by_leader,
        other,
    )


@pytest.fixture
def plan(world: World) -> Plan:
    return build_plan(world)


def text(response: Any) -> str:
    return unescape(response.content.decode())


def errors(response: Any) -> str:
    """The form's messages (field errors and the summary)."""
    assert response.status_code == 200, response.status_code
    return text(response)


# --- Who may open what ----------------------------------------------------------------------


def read_pages(p: Plan) -> list[str]:
    return [
        p.project_url("project_plan"),
        p.project_url("project_plan") + "?zoom=quarter",
        p.project_url("stakeholder_list"),
        p.project_url("project_log"),
        p.project_url("project_log") + "?type=lesson",
        p.url("lessons_learned"),
    ]


def lead_pages(p: Plan) -> list[str]:
    return [
        p.project_url("activity_create"),
        p.url("activity_edit", activity_id=p.analyse.uuid),
        p.project_url("dependency_create"),
        p.project_url("stakeholder_create"),
        p.url("stakeholder_edit", stakeholder_id=p.stakeholder.uuid),
        p.project_url("communication_item_create"),
        p.url("communication_item_edit", communication_item_id=p.item.uuid),
        p.url("log_entry_edit", log_entry_id=p.entry_by_leader.uuid),
    ]


@pytest.mark.parametrize("persona", [*EVERYONE, "outsider"])
def test_read_pages_per_persona(plan: Plan, persona: str) -> None:
    client = plan.client(persona)
    for url in read_pages(plan):
        response = client.get(url)
        assert response.status_code == (404 if persona == "outsider" else 200), (persona, url)


def test_anonymous_is_sent_to_log_in(plan: Plan) -> None:
    for url in read_pages(plan):
        response = plan.client(None).get(url)
        assert response.status_code == 302, url


@pytest.mark.parametrize("persona", [*EVERYONE, "outsider"])
def test_lead_pages_per_persona(plan: Plan, persona: str) -> None:
    client = plan.client(persona)
    expected = 404 if persona == "outsider" else 200 if persona in LEADS else 403
    for url in lead_pages(plan):
        assert client.get(url).status_code == expected, (persona, url)


@pytest.mark.parametrize("persona", [*EVERYONE, "outsider"])
def test_log_pages_per_persona(plan: Plan, persona: str) -> None:
    client = plan.client(persona)
    create = client.get(plan.project_url("log_entry_create"))
    own = client.get(plan.url("log_entry_edit", log_entry_id=plan.entry_by_editor.uuid))
    if persona == "outsider":
        assert (create.status_code, own.status_code) == (404, 404)
    else:
        assert create.status_code == (200 if persona in CONTRIBUTORS else 403), persona
        assert own.status_code == (200 if persona in CONTRIBUTORS else 403), persona


def test_editor_changes_only_own_log_entries(plan: Plan) -> None:
    client = plan.client("editor_a")
    url = plan.url("log_entry_edit", log_entry_id=plan.entry_by_leader.uuid)
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"kind": "comment", "title": "Overskrevet", "status": "open"}).status_code
        == 403
    )
    delete = plan.url("log_entry_delete", log_entry_id=plan.entry_by_leader.uuid)
    assert client.post(delete).status_code == 403
    assert LogEntry.objects.filter(pk=plan.entry_by_leader.pk).exists()
    page = text(client.get(plan.project_url("project_log")))
    assert plan.url("log_entry_edit", log_entry_id=plan.entry_by_editor.uuid) in page
    assert plan.url("log_entry_edit", log_entry_id=plan.entry_by_leader.uuid) not in page


@pytest.mark.parametrize("persona", ["editor_a", "editor_b", "viewer", "outsider"])
def test_deletes_refused_for_those_who_do_not_lead(plan: Plan, persona: str) -> None:
    client = plan.client(persona)
    expected = 404 if persona == "outsider" else 403
    urls = [
        plan.url("activity_delete", activity_id=plan.training.uuid),
        plan.url("dependency_delete", dependency_id=plan.link.uuid),
        plan.url("stakeholder_delete", stakeholder_id=plan.stakeholder.uuid),
        plan.url("communication_item_delete", communication_item_id=plan.item.uuid),
    ]
    for url in urls:
        assert client.post(url).status_code == expected, url
    assert Activity.objects.filter(pk=plan.training.pk).exists()
    assert Dependency.objects.filter(pk=plan.link.pk).exists()
    assert Stakeholder.objects.filter(pk=plan.stakeholder.pk).exists()
    assert CommunicationItem.objects.filter(pk=plan.item.pk).exists()


def test_deletes_are_post_only(plan: Plan) -> None:
    client = plan.client("admin")
    assert (
        client.get(plan.url("activity_delete", activity_id=plan.training.uuid)).status_code == 405
    )
    assert Activity.objects.filter(pk=plan.training.pk).exists()


def test_viewer_is_offered_no_changes(plan: Plan) -> None:
    client = plan.client("viewer")
    for name in ("project_plan", "stakeholder_list", "project_log"):
        page = text(client.get(plan.project_url(name)))
        assert plan.project_url("activity_create") not in page
        assert plan.project_url("stakeholder_create") not in page
        assert plan.project_url("log_entry_create") not in page
        assert "/slett/" not in page


def test_objects_of_another_collaboration_answer_404(plan: Plan) -> None:
    client = plan.client("admin")
    beta_activity = services.activity_create(
        project=plan.other_project, name="Beta", start=D(2026, 1, 1), end=D(2026, 1, 2)
    )
    url = reverse(
        "governance:project_plan", kwargs={"slug": "alfa", "project_id": plan.other_project.uuid}
    )
    assert client.get(url).status_code == 404
    assert client.get(plan.url("activity_edit", activity_id=beta_activity.uuid)).status_code == 404
    assert (
        client.post(plan.url("activity_delete", activity_id=beta_activity.uuid)).status_code == 404
    )
    assert Activity.objects.filter(pk=beta_activity.pk).exists()


# --- The plan and the Gantt chart -----------------------------------------------------------


def test_plan_page_shows_table_critical_path_and_both_scales(plan: Plan) -> None:
    page = text(plan.client("viewer").get(plan.project_url("project_plan")))
    assert "Kritisk linje: Analyse → Anskaffelse → Innføring." in page
    assert 'data-zoom="month"' in page and 'data-zoom="quarter"' in page
    # The month chart shows; the quarter chart waits behind the switch.
    assert 'data-gantt="month" aria-label="Gantt-diagram per måned">' in page
    assert 'data-gantt="quarter" aria-label="Gantt-diagram per kvartal" hidden>' in page
    assert 'aria-pressed="true" data-announce="Viser diagrammet per måned."' in page
    assert "K1 2026" in page and "K2 2026" in page
    assert "jan. 26" in page and "jun. 26" in page
    # Critical rows in the chart, the milestone as a diamond, arrows for both links.
    assert page.count(f'gantt-row gantt-row--critical" data-activity="{plan.analyse.uuid}"') == 2
    assert page.count(f'class="gantt-row" data-activity="{plan.training.uuid}"') == 2
    assert page.count('class="gantt-milestone"') == 2
    assert page.count("gantt-link gantt-link--critical") == 4
    # The table: slack, critical, predecessors with lag, milestone, responsible.
    table = page.split('id="activity-table"', 1)[1].split("</table>", 1)[0]
    assert "Analyse (+3 d)" in table
    assert "Kontrakt signert" in table
    assert "Leder Test" in table
    assert table.count("<strong>Ja</strong>") == 3


def test_quarter_scale_without_script(plan: Plan) -> None:
    page = text(plan.client("viewer").get(plan.project_url("project_plan") + "?zoom=quarter"))
    assert 'data-gantt="quarter" aria-label="Gantt-diagram per kvartal">' in page
    assert 'data-gantt="month" aria-label="Gantt-diagram per måned" hidden>' in page
    page = text(plan.client("viewer").get(plan.project_url("project_plan") + "?zoom=<b>"))
    assert 'data-gantt="month" aria-label="Gantt-diagram per måned">' in page


def test_svg_numbers_are_not_localised(plan: Plan) -> None:
    """Norwegian decimal commas would break SVG coordinates."""
    with_language = plan.client("viewer")
    page = text(with_language.get(plan.project_url("project_plan"), HTTP_ACCEPT_LANGUAGE="nb"))
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    for value in re.findall(r' (?:x|y|width|height|x1|x2|y1|y2)="([^"]*)"', svg):
        assert "," not in value, value


def test_gantt_geometry(plan: Plan) -> None:
    project_plan = selectors.project_plan(plan.project)
    milestones = list(selectors_plans.plan_milestones(plan.project))
    chart = selectors_plans.gantt(project_plan, milestones, "month", on=D(2026, 2, 1))
    assert chart is not None
    assert chart.start == D(2026, 1, 1) and chart.end == D(2026, 6, 30)
    assert [period.label for period in chart.periods][:2] == ["jan. 26", "feb. 26"]
    by_name = {bar.activity.name: bar for bar in chart.bars}
    # 3 px a day from 1 January, after the 240 px label column.
    assert by_name["Analyse"].x == 240 + 4 * 3
    assert by_name["Analyse"].width == 26 * 3
    assert by_name["Analyse"].progress_width == 26 * 3
    assert by_name["Anskaffelse"].progress_width == pytest.approx(57 * 3 * 0.4)
    assert {name for name, bar in by_name.items() if bar.critical} == {
        "Analyse",
        "Anskaffelse",
        "Innføring",
    }
    assert chart.today_x == 240 + 31 * 3
    assert chart.diamonds[0].date == D(2026, 3, 31)
    quarter = selectors_plans.gantt(project_plan, milestones, "quarter", on=D(2030, 1, 1))
    assert quarter is not None and quarter.today_x is None
    assert [period.label for period in quarter.periods] == ["K1 2026", "K2 2026"]
    assert quarter.width == 240 + (D(2026, 7, 1) - D(2026, 1, 1)).days + 1


def test_gantt_of_an_empty_plan(plan: Plan, world: World) -> None:
    empty = services.project_create(collaboration=world.alfa, name="Tomt", start=D(2026, 1, 1))
    assert selectors_plans.gantt(selectors.project_plan(empty), [], "month") is None
    response = plan.client("admin").get(
        reverse("governance:project_plan", kwargs={"slug": "alfa", "project_id": empty.uuid})
    )
    page = text(response)
    assert "Planen har ingen aktiviteter ennå." in page
    assert "<svg" not in page.split("<main", 1)[1]


def test_plan_warns_when_an_activity_starts_too_early(plan: Plan) -> None:
    services.activity_update(activity=plan.rollout, start=D(2026, 3, 15))
    page = text(plan.client("viewer").get(plan.project_url("project_plan")))
    assert "Kan tidligst starte 01.04.2026" in page


# --- Writing the plan -----------------------------------------------------------------------


def activity_data(**changes: Any) -> dict[str, Any]:
    data = {
        "code": "5",
        "name": "Gevinstrealisering",
        "start": "2026-07-01",
        "end": "31.12.2026",
        "progress": "0",
        "responsible": "",
        "phase": "",
        "milestone": "",
    }
    data.update(changes)
    return data


def test_leader_adds_and_changes_an_activity(plan: Plan) -> None:
    client = plan.client("leder")
    response = client.post(
        plan.project_url("activity_create"),
        activity_data(responsible=str(plan.leader.uuid), milestone=str(plan.milestone.uuid)),
    )
    assert response.status_code == 302 and response["Location"] == plan.project_url("project_plan")
    activity = Activity.objects.get(name="Gevinstrealisering")
    assert (activity.start, activity.end, activity.responsible) == (
        D(2026, 7, 1),
        D(2026, 12, 31),
        plan.leader,
    )
    edit = plan.url("activity_edit", activity_id=activity.uuid)
    assert "Gevinstrealisering" in text(client.get(edit))
    response = client.post(edit, activity_data(name="Gevinster", progress="50"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.name, activity.progress) == ("Gevinster", 50)
    response = client.post(plan.url("activity_delete", activity_id=activity.uuid))
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_activity_ending_before_it_starts_is_refused(plan: Plan) -> None:
    before = Activity.objects.count()
    response = plan.client("leder").post(
        plan.project_url("activity_create"), activity_data(start="2026-07-01", end="2026-06-30")
    )
    assert "Sluttdatoen kan ikke være før startdatoen." in errors(response)
    assert Activity.objects.count() == before
    edit = plan.url("activity_edit", activity_id=plan.analyse.uuid)
    response = plan.client("leder").post(edit, activity_data(start="2026-02-01", end="2026-01-01"))
    assert "Sluttdatoen kan ikke være før startdatoen." in errors(response)
    plan.analyse.refresh_from_db()
    assert plan.analyse.name == "Analyse"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Feltet er påkrevet."),
        ({"start": "31.02.2026"}, "Oppgi en gyldig dato."),
        ({"progress": "150"}, "Verdien må være mindre enn eller lik 100."),
        ({"progress": "-1"}, "Verdien må være større enn eller lik 0."),
        ({"responsible": "00000000-0000-0000-0000-000000000000"}, "Velg et gyldig valg."),
    ],
)
def test_bad_activity_input(plan: Plan, changes: dict[str, str], message: str) -> None:
    before = Activity.objects.count()
    response = plan.client("admin").post(
        plan.project_url("activity_create"), activity_data(**changes)
    )
    assert message in errors(response)
    assert Activity.objects.count() == before


def test_responsible_from_another_collaboration_is_not_offered(plan: Plan) -> None:
    response = plan.client("admin").post(
        plan.project_url("activity_create"),
        activity_data(responsible=str(plan.world.outsider.uuid)),
    )
    assert "Velg et gyldig valg." in errors(response)
    assert not Activity.objects.filter(name="Gevinstrealisering").exists()


def test_dependency_added_and_removed(plan: Plan) -> None:
    client = plan.client("leder")
    page = text(
        client.get(plan.project_url("dependency_create") + f"?successor={plan.rollout.uuid}")
    )
    assert f'value="{plan.rollout.uuid}" selected' in page
    response = client.post(
        plan.project_url("dependency_create"),
        {"predecessor": plan.training.uuid, "successor": plan.rollout.uuid, "lag_days": "2"},
    )
    assert response.status_code == 302
    link = Dependency.objects.get(predecessor=plan.training, successor=plan.rollout)
    assert link.lag_days == 2
    assert client.post(plan.url("dependency_delete", dependency_id=link.uuid)).status_code == 302
    assert not Dependency.objects.filter(pk=link.pk).exists()


def test_dependency_cycle_is_refused_with_its_path(plan: Plan) -> None:
    before = Dependency.objects.count()
    response = plan.client("leder").post(
        plan.project_url("dependency_create"),
        {"predecessor": plan.rollout.uuid, "successor": plan.analyse.uuid, "lag_days": "0"},
    )
    assert (
        "Avhengigheten ville gi en sirkel: Innføring → Analyse → Anskaffelse → Innføring."
        in errors(response)
    )
    assert Dependency.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"successor": "same"}, "En aktivitet kan ikke avhenge av seg selv."),
        ({"lag_days": "-2"}, "Verdien må være større enn eller lik 0."),
        ({"lag_days": "tre"}, "Oppgi et heltall."),
        ({"successor": ""}, "Feltet er påkrevet."),
        ({"successor": "beta"}, "Velg et gyldig valg."),
    ],
)
def test_bad_dependency_input(plan: Plan, changes: dict[str, str], message: str) -> None:
    beta_activity = services.activity_create(
        project=plan.other_project, name="Beta", start=D(2026, 1, 1), end=D(2026, 1, 2)
    )
    data = {
        "predecessor": str(plan.training.uuid),
        "successor": str(plan.rollout.uuid),
        "lag_days": "0",
    }
    data.update(changes)
    if data["successor"] == "same":
        data["successor"] = data["predecessor"]
    if data["successor"] == "beta":
        data["successor"] = str(beta_activity.uuid)
    before = Dependency.objects.count()
    response = plan.client("admin").post(plan.project_url("dependency_create"), data)
    assert message in errors(response)
    assert Dependency.objects.count() == before


def test_duplicate_dependency_is_refused(plan: Plan) -> None:
    response = plan.client("admin").post(
        plan.project_url("dependency_create"),
        {"predecessor": plan.analyse.uuid, "successor": plan.procurement.uuid, "lag_days": "0"},
    )
    assert "Avhengigheten finnes allerede." in errors(response)
    assert Dependency.objects.filter(predecessor=plan.analyse).count() == 1


# --- Stakeholders and communication ---------------------------------------------------------


def stakeholder_data(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "Innbyggere",
        "group": "",
        "organisation": "",
        "interest": "Gode digitale tjenester",
        "interest_level": "medium",
        "influence": "low",
        "affected": "",
        "measures": "Informasjon på nettsidene",
    }
    data.update(changes)
    return data


def test_stakeholders_and_communication_plan(plan: Plan) -> None:
    client = plan.client("leder")
    response = client.post(
        plan.project_url("stakeholder_create"), stakeholder_data(organisation=plan.world.org_b.uuid)
    )
    assert response.status_code == 302
    citizens = Stakeholder.objects.get(name="Innbyggere")
    assert citizens.organisation == plan.world.org_b
    edit = plan.url("stakeholder_edit", stakeholder_id=citizens.uuid)
    response = client.post(
        edit, stakeholder_data(influence="high", organisation=plan.world.org_b.uuid)
    )
    assert response.status_code == 302
    citizens.refresh_from_db()
    assert citizens.influence == "high"

    page = text(
        client.get(plan.project_url("communication_item_create") + f"?stakeholder={citizens.uuid}")
    )
    assert 'value="Innbyggere"' in page
    response = client.post(
        plan.project_url("communication_item_create"),
        {
            "stakeholder": citizens.uuid,
            "audience": "Innbyggere",
            "message": "Nye digitale tjenester",
            "channel": "website",
            "date": "2026-05-01",
            "responsible": "",
            "responsible_name": "Kommunikasjonsrådgiver",
            "status": "planned",
        },
    )
    assert response.status_code == 302
    page = text(plan.client("viewer").get(plan.project_url("stakeholder_list")))
    register = page.split('id="stakeholder-table"', 1)[1].split("</table>", 1)[0]
    assert "Innbyggere" in register and "B kommune" in register and "Tillitsvalgte" in register
    grid = page.split("Interessentkart", 1)[1].split("</table>", 1)[0]
    high_row = grid.split("Innflytelse: Høy", 1)[1].split("</tr>", 1)[0]
    assert "Tillitsvalgte" in high_row and "Innbyggere" in high_row
    communication = page.split('id="communication-table"', 1)[1].split("</table>", 1)[0]
    assert "Nye digitale tjenester" in communication and "Nettside" in communication
    assert "Kommunikasjonsrådgiver" in communication

    item = CommunicationItem.objects.get(message="Nye digitale tjenester")
    delete = plan.url("communication_item_delete", communication_item_id=item.uuid)
    assert client.post(delete).status_code == 302
    assert (
        client.post(plan.url("stakeholder_delete", stakeholder_id=citizens.uuid)).status_code == 302
    )
    assert not Stakeholder.objects.filter(pk=citizens.pk).exists()


def test_bad_stakeholder_input(plan: Plan) -> None:
    client = plan.client("leder")
    before = Stakeholder.objects.count()
    response = client.post(
        plan.project_url("stakeholder_create"), stakeholder_data(name="Tillitsvalgte")
    )
    assert "Interessenten finnes allerede i prosjektet." in errors(response)
    response = client.post(
        plan.project_url("stakeholder_create"), stakeholder_data(organisation=plan.world.org_c.uuid)
    )
    assert "Velg et gyldig valg." in errors(response)
    response = client.post(
        plan.project_url("stakeholder_create"), stakeholder_data(influence="enorm")
    )
    assert "Velg et gyldig valg." in errors(response)
    assert Stakeholder.objects.count() == before


def test_bad_communication_input(plan: Plan) -> None:
    before = CommunicationItem.objects.count()
    response = plan.client("leder").post(
        plan.project_url("communication_item_create"),
        {
            "audience": "",
            "message": "",
            "channel": "brevdue",
            "date": "i morgen",
            "status": "planned",
        },
    )
    page = errors(response)
    assert "Feltet er påkrevet." in page
    assert "Velg et gyldig valg." in page
    assert "Oppgi en gyldig dato." in page
    assert CommunicationItem.objects.count() == before


# --- The log and lessons learned ------------------------------------------------------------


def test_log_filter_by_kind(plan: Plan) -> None:
    client = plan.client("viewer")
    page = text(client.get(plan.project_url("project_log")))
    assert "Bekymring for kapasitet" in page and "Tidlig dialog" in page
    page = text(client.get(plan.project_url("project_log") + "?type=lesson"))
    table = page.split('id="log-table"', 1)[1]
    assert "Tidlig dialog" in table and "Bekymring for kapasitet" not in table
    page = text(client.get(plan.project_url("project_log") + "?type=deviation"))
    assert "Ingen loggføringer av denne typen." in page
    # An unknown kind is ignored rather than failing.
    page = text(client.get(plan.project_url("project_log") + "?type=tull"))
    assert "Bekymring for kapasitet" in page


def test_editor_writes_changes_and_deletes_own_entry(plan: Plan) -> None:
    client = plan.client("editor_a")
    response = client.post(
        plan.project_url("log_entry_create"),
        {
            "kind": "change_request",
            "title": "Utvid med B kommune",
            "text": "",
            "date": "",
            "status": "open",
        },
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get(title="Utvid med B kommune")
    assert entry.author == plan.world.editor_a and entry.date is not None
    edit = plan.url("log_entry_edit", log_entry_id=entry.uuid)
    response = client.post(
        edit, {"kind": "change_request", "title": "Utvid", "date": "", "status": "closed"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.title, entry.status) == ("Utvid", "closed")
    assert client.post(plan.url("log_entry_delete", log_entry_id=entry.uuid)).status_code == 302
    assert not LogEntry.objects.filter(pk=entry.pk).exists()


def test_editor_of_another_municipality_may_not_write(plan: Plan) -> None:
    before = LogEntry.objects.count()
    response = plan.client("editor_b").post(
        plan.project_url("log_entry_create"), {"kind": "comment", "title": "Hei", "status": "open"}
    )
    assert response.status_code == 403
    assert LogEntry.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Feltet er påkrevet."),
        ({"kind": "sladder"}, "Velg et gyldig valg."),
        ({"date": "2026-13-01"}, "Oppgi en gyldig dato."),
        ({"decision": "00000000-0000-0000-0000-000000000000"}, "Velg et gyldig valg."),
    ],
)
def test_bad_log_input(plan: Plan, changes: dict[str, str], message: str) -> None:
    data = {"kind": "comment", "title": "Notat", "text": "", "date": "", "status": "open"}
    data.update(changes)
    before = LogEntry.objects.count()
    response = plan.client("leder").post(plan.project_url("log_entry_create"), data)
    assert message in errors(response)
    assert LogEntry.objects.count() == before


def test_lessons_learned_across_projects(plan: Plan, world: World) -> None:
    other = services.project_create(collaboration=world.alfa, name="Felles HR", start=D(2026, 1, 1))
    services.log_entry_create(
        project=other,
        author=world.office,
        kind="lesson",
        title="Ta med HR tidlig",
        date=D(2026, 4, 1),
    )
    services.log_entry_create(
        project=plan.other_project,
        author=world.outsider,
        kind="lesson",
        title="Hemmelig beta",
        date=D(2026, 4, 1),
    )
    page = text(plan.client("viewer").get(plan.url("lessons_learned")))
    table = page.split('id="lessons-table"', 1)[1]
    assert table.index("Ta med HR tidlig") < table.index("Tidlig dialog med leverandørene")
    assert "Felles HR" in table and "Felles sak/arkiv" in table
    assert "Bekymring for kapasitet" not in table
    assert "Hemmelig beta" not in page


def test_lessons_learned_query_count_does_not_grow(
    plan: Plan, django_assert_max_num_queries: Any
) -> None:
    client = plan.client("viewer")
    client.get(plan.url("lessons_learned"))
    for index in range(10):
        services.log_entry_create(
            project=plan.project, author=plan.leader, kind="lesson", title=f"Erfaring {index}"
        )
    with django_assert_max_num_queries(15):
        client.get(plan.url("lessons_learned"))


def test_page_queries_do_not_grow_with_the_plan(plan: Plan) -> None:
    """The plan, stakeholder and log pages read in a fixed number of queries."""
    client = plan.client("leder")
    names = ("project_plan", "stakeholder_list", "project_log")

    def counts() -> list[int]:
        result = []
        for name in names:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(plan.project_url(name)).status_code == 200
            result.append(len(queries))
        return result

    small = counts()
    previous = plan.rollout
    for index in range(10):
        activity = services.activity_create(
            project=plan.project,
            name=f"Ekstra {index}",
            start=D(2026, 7, 1 + index),
            end=D(2026, 7, 20 + index),
            responsible=plan.leader,
            milestone=plan.milestone,
        )
        services.dependency_create(predecessor=previous, successor=activity)
        previous = activity
        stakeholder = services.stakeholder_create(
            project=plan.project, name=f"Gruppe {index}", organisation=plan.world.org_a
        )
        services.communication_item_create(
            project=plan.project,
            stakeholder=stakeholder,
            audience=stakeholder.name,
            message="Informasjon",
            channel="email",
            responsible=plan.leader,
        )
        services.log_entry_create(
            project=plan.project, author=plan.world.editor_a, kind="comment", title=f"Notat {index}"
        )
    assert counts() == small


def test_stale_edit_is_refused(plan: Plan) -> None:
    """Two people open the same activity; the second save would overwrite the first."""
    client = plan.client("leder")
    edit = plan.url("activity_edit", activity_id=plan.training.uuid)
    page = text(client.get(edit))
    opened_at = re.search(r'name="_version" value="(\d+)"', page)
    assert opened_at is not None
    services.activity_update(activity=plan.training, name="Opplæring av superbrukere")
    response = client.post(edit, activity_data(_version=opened_at.group(1), name="Kurs"))
    assert response.status_code == 409
    plan.training.refresh_from_db()
    assert plan.training.name == "Opplæring av superbrukere"
