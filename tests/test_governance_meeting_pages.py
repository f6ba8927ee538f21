"""The pages of governance bodies, meetings, the decision register and action items: who may
open and post to which (per persona), recording decisions that pass a gate or approve a
milestone, what bad input says (and that it writes nothing), the register's filters and its
XLSX export, the project's tab and the calendar-feed page.

"alfa" has a project on Prosjektveiviseren (BP1–BP5) and one on the e-procurement model
(milestones 1–8), a steering group with two members, a meeting with one agenda item, one
plain decision and one action item.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import World
from samla.governance import services
from samla.governance.models import (
    ActionItem,
    AgendaItem,
    Body,
    BodyKind,
    BodyMember,
    Decision,
    Gate,
    Meeting,
    Milestone,
    Project,
)
from tests.test_governance_services import make_body, make_project, tick_mandatory

PERSONAS = ["admin", "office", "editor_a", "editor_b", "viewer", "outsider"]
MANAGERS = {"admin", "office"}
EVERYONE_IN_ALFA = {"admin", "office", "editor_a", "editor_b", "viewer"}


@dataclass
class Meetings:
    world: World
    project: Project  # Prosjektveiviseren
    ehandel: Project  # milestones 1–8, approved by the steering group
    body: Body
    member: BodyMember
    meeting: Meeting
    item: AgendaItem
    decision: Decision
    action: ActionItem

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"governance:{name}", kwargs={"slug": "alfa", **kwargs})

    def client(self, persona: str | None) -> Client:
        return self.world.client_for(persona)


def build_meetings(world: World) -> Meetings:
    project = make_project(world, name="Felles sak/arkiv", leader=world.office)
    ehandel = make_project(world, key="ehandel", name="E-handel")
    body = make_body(world, "SG", name="Styringsgruppen")
    services.project_assign_approver(project=ehandel, kind=BodyKind.STEERING_GROUP, body=body)
    member = services.body_member_create(
        body=body, user=world.admin, organisation=world.org_a, role="chair"
    )
    services.body_member_create(body=body, name="Tillitsvalgt, Fagforbundet")
    meeting = services.meeting_create(
        body=body,
        title="Styringsgruppemøte 1",
        starts_at=timezone.make_aware(datetime.datetime(2026, 2, 2, 9)),
        ends_at=timezone.make_aware(datetime.datetime(2026, 2, 2, 11)),
        location="Rådhuset, møterom 2",
    )
    item = services.agenda_item_create(
        meeting=meeting,
        number="1/26",
        title="Valg av arkivløsning",
        case_paper_url="https://example.no/saksframlegg/1-26.pdf",
        proposal="Styringsgruppen slutter seg til anbefalingen.",
        project=project,
    )
    decision = services.decision_record(
        body=body,
        meeting=meeting,
        agenda_item=item,
        decided_on=datetime.date(2026, 2, 2),
        title="Felles arkivløsning",
        text="Styringsgruppen slutter seg til anbefalingen.",
        alternatives="Felles løsning.\n\nFortsette hver for seg.",
        project=project,
        user=world.office,
    )
    action = services.action_item_create(
        collaboration=world.alfa,
        meeting=meeting,
        project=project,
        text="Lage tidsplan for overgangen",
        owner=world.office,
        due=datetime.date(2026, 3, 1),
    )
    return Meetings(world, project, ehandel, body, member, meeting, item, decision, action)


@pytest.fixture
def m(world: World) -> Meetings:
    return build_meetings(world)


def text_of(response: Any) -> str:
    return unescape(response.content.decode())


def read_pages(m: Meetings) -> list[str]:
    return [
        m.url("body_list"),
        m.url("body_detail", body_id=m.body.uuid),
        m.url("meeting_detail", meeting_id=m.meeting.uuid),
        m.url("minutes_docx", meeting_id=m.meeting.uuid),
        m.url("decision_register"),
        m.url("decision_register") + f"?organ={m.body.uuid}&format=xlsx",
        m.url("decision_detail", decision_id=m.decision.uuid),
        m.url("decision_memo_docx", decision_id=m.decision.uuid),
        m.url("action_item_list"),
        m.url("project_decisions", project_id=m.project.uuid),
        m.url("calendar_feed"),
    ]


def change_pages(m: Meetings) -> list[str]:
    gate = m.project.gates.get(code="BP1")
    milestone = m.ehandel.milestones.get(code="1")
    return [
        m.url("body_create"),
        m.url("body_edit", body_id=m.body.uuid),
        m.url("body_member_create", body_id=m.body.uuid),
        m.url("body_member_edit", member_id=m.member.uuid),
        m.url("meeting_create", body_id=m.body.uuid),
        m.url("meeting_edit", meeting_id=m.meeting.uuid),
        m.url("agenda_item_create", meeting_id=m.meeting.uuid),
        m.url("agenda_item_edit", agenda_item_id=m.item.uuid),
        m.url("decision_create"),
        m.url("decision_create") + f"?gate={gate.uuid}",
        m.url("decision_create") + f"?milestone={milestone.uuid}",
        m.url("decision_create") + f"?agenda_item={m.item.uuid}",
        m.url("decision_create") + f"?project={m.project.uuid}",
        m.url("decision_edit", decision_id=m.decision.uuid),
        m.url("action_item_create") + f"?meeting={m.meeting.uuid}",
        m.url("action_item_edit", action_item_id=m.action.uuid),
    ]


def post_pages(m: Meetings) -> list[str]:
    return [
        m.url("body_delete", body_id=m.body.uuid),
        m.url("body_member_delete", member_id=m.member.uuid),
        m.url("meeting_delete", meeting_id=m.meeting.uuid),
        m.url("meeting_presence", meeting_id=m.meeting.uuid),
        m.url("agenda_item_delete", agenda_item_id=m.item.uuid),
        m.url("decision_delete", decision_id=m.decision.uuid),
        m.url("action_item_delete", action_item_id=m.action.uuid),
    ]


# --- Who may open what ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_read_pages_per_persona(m: Meetings, persona: str) -> None:
    client = m.client(persona)
    expected = 200 if persona in EVERYONE_IN_ALFA else 404
    for url in read_pages(m):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("persona", PERSONAS)
def test_change_pages_per_persona(m: Meetings, persona: str) -> None:
    client = m.client(persona)
    expected = 200 if persona in MANAGERS else 403 if persona in EVERYONE_IN_ALFA else 404
    for url in change_pages(m):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("persona", ["editor_a", "viewer", "outsider"])
def test_posts_refused_for_non_managers(m: Meetings, persona: str) -> None:
    client = m.client(persona)
    expected = 404 if persona == "outsider" else 403
    before = (Body.objects.count(), Meeting.objects.count(), Decision.objects.count())
    for url in post_pages(m):
        assert client.post(url).status_code == expected, url
    assert client.post(m.url("body_create"), {"name": "X", "abbreviation": "X"}).status_code in {
        403,
        404,
    }
    assert (Body.objects.count(), Meeting.objects.count(), Decision.objects.count()) == before


def test_anonymous_is_sent_to_log_in(m: Meetings) -> None:
    client = Client()
    for url in read_pages(m)[:3] + change_pages(m)[:2]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_delete_pages_answer_get_with_405(m: Meetings) -> None:
    client = m.client("admin")
    for url in post_pages(m):
        assert client.get(url).status_code == 405, url


def test_viewer_is_offered_no_changes(m: Meetings) -> None:
    client = m.client("viewer")
    page = text_of(client.get(m.url("meeting_detail", meeting_id=m.meeting.uuid)))
    assert "Valg av arkivløsning" in page
    assert "Endre møtet" not in page and "Ny sak" not in page and "Lagre oppmøte" not in page
    assert "Last ned referat" in page
    register = text_of(client.get(m.url("decision_register")))
    assert "Registrer vedtak" not in register and "SG 1/2026" in register


def test_objects_of_another_collaboration_are_404(m: Meetings, world: World) -> None:
    other = services.body_create(
        collaboration=world.beta, kind=BodyKind.STEERING_GROUP, name="Beta SG", abbreviation="BSG"
    )
    client = m.client("admin")
    assert client.get(m.url("body_detail", body_id=other.uuid)).status_code == 404
    # A gate of alfa's project asked for under beta.
    gate = m.project.gates.get(code="BP1")
    beta_url = reverse("governance:decision_create", kwargs={"slug": "beta"})
    assert m.client("outsider").get(f"{beta_url}?gate={gate.uuid}").status_code == 404
    # Not a uuid at all.
    assert client.get(m.url("decision_create") + "?gate=nonsense").status_code == 404


# --- Bodies, members, meetings, agenda, presence --------------------------------------------


def test_body_member_meeting_and_agenda_are_made_on_their_pages(m: Meetings, world: World) -> None:
    client = m.client("office")
    response = client.post(
        m.url("body_create"),
        {
            "kind": BodyKind.PROJECT_BOARD,
            "name": "Prosjektstyret",
            "abbreviation": "PS",
            "project": str(m.project.uuid),
        },
    )
    body = Body.objects.get(abbreviation="PS")
    assert response.status_code == 302 and response["Location"] == m.url(
        "body_detail", body_id=body.uuid
    )
    assert body.project == m.project
    response = client.post(
        m.url("body_member_create", body_id=body.uuid),
        {"user": str(world.editor_b.uuid), "organisation": str(world.org_b.uuid), "role": "member"},
    )
    assert response.status_code == 302
    assert body.members.get().user == world.editor_b
    response = client.post(
        m.url("meeting_create", body_id=body.uuid),
        {
            "starts_at": "2026-04-14T13:00",
            "ends_at": "2026-04-14T15:00",
            "status": "planned",
            "location": "Teams",
        },
    )
    meeting = body.meetings.get()
    assert response["Location"] == m.url("meeting_detail", meeting_id=meeting.uuid)
    assert timezone.localtime(meeting.starts_at).hour == 13
    response = client.post(
        m.url("agenda_item_create", meeting_id=meeting.uuid),
        {
            "title": "Godkjenning av BP1",
            "kind": "decision",
            "case_paper_url": "https://example.no/sak.pdf",
            "project": str(m.project.uuid),
        },
    )
    assert response.status_code == 302
    item = meeting.agenda_items.get()
    assert item.order == 1 and item.project == m.project
    page = text_of(client.get(m.url("meeting_detail", meeting_id=meeting.uuid)))
    assert "Godkjenning av BP1" in page and 'href="https://example.no/sak.pdf"' in page
    # The project tab lists the meeting that treated it.
    tab = text_of(client.get(m.url("project_decisions", project_id=m.project.uuid)))
    assert "Prosjektstyret" in tab and "Felles arkivløsning" in tab


def test_presence_is_recorded(m: Meetings) -> None:
    client = m.client("admin")
    response = client.post(
        m.url("meeting_presence", meeting_id=m.meeting.uuid), {"present": [str(m.member.uuid)]}
    )
    assert response.status_code == 302
    assert list(m.meeting.present.all()) == [m.member]
    page = text_of(client.get(m.url("meeting_detail", meeting_id=m.meeting.uuid)))
    assert "Oppmøtet er lagret." in page


def test_presence_of_someone_outside_the_body_is_refused(m: Meetings, world: World) -> None:
    other = make_body(world, "PS")
    stranger = services.body_member_create(body=other, name="Fremmed")
    client = m.client("admin")
    response = client.post(
        m.url("meeting_presence", meeting_id=m.meeting.uuid),
        {"present": [str(m.member.uuid), str(stranger.uuid)]},
        follow=True,
    )
    assert "Velg blant organets medlemmer. Ingenting er lagret." in text_of(response)
    assert m.meeting.present.count() == 0


def test_meeting_edit_keeps_the_minutes(m: Meetings) -> None:
    client = m.client("office")
    response = client.post(
        m.url("meeting_edit", meeting_id=m.meeting.uuid),
        {
            "title": "Styringsgruppemøte 1",
            "starts_at": "2026-02-02T09:00",
            "status": "held",
            "minutes": "Gjennomgang av framdrift.",
        },
    )
    assert response.status_code == 302
    m.meeting.refresh_from_db()
    assert m.meeting.status == "held" and m.meeting.minutes == "Gjennomgang av framdrift."


# --- Decisions ------------------------------------------------------------------------------


def decision_post(**fields: Any) -> dict[str, Any]:
    data = {"decided_on": "2026-03-02", "title": "Vedtak", "text": "Vedtatt."}
    data.update(fields)
    return data


def test_decision_passes_a_gate(m: Meetings, world: World) -> None:
    gate = m.project.gates.get(code="BP1")
    tick_mandatory(gate, world)
    client = m.client("office")
    url = m.url("decision_create") + f"?gate={gate.uuid}"
    form = text_of(client.get(url))
    assert "Beslutningspunkt BP1" in form and "ikke utført" not in form
    response = client.post(
        url,
        decision_post(
            body=str(m.body.uuid),
            gate=str(gate.uuid),
            gate_outcome="passed",
            title="BP1 passeres",
            meeting=str(m.meeting.uuid),
        ),
    )
    decision = Decision.objects.get(title="BP1 passeres")
    assert response.status_code == 302
    assert response["Location"] == m.url("decision_detail", decision_id=decision.uuid)
    gate.refresh_from_db()
    assert gate.status == Gate.Status.PASSED and gate.decided_by == decision
    assert decision.number == "SG 2/2026" and decision.project == m.project
    assert decision.recorded_by == world.office
    page = text_of(client.get(response["Location"]))
    assert "BP1" in page and "Beslutningspunktet passeres" in page


def test_gate_with_open_mandatory_items_is_not_passed(m: Meetings) -> None:
    gate = m.project.gates.get(code="BP1")
    client = m.client("office")
    url = m.url("decision_create") + f"?gate={gate.uuid}"
    assert "obligatoriske sjekkpunkter er ikke utført" in text_of(client.get(url))
    before = Decision.objects.count()
    response = client.post(
        url, decision_post(body=str(m.body.uuid), gate=str(gate.uuid), gate_outcome="passed")
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "Skjemaet har feil. Ingenting er lagret." in page
    assert "kan ikke passeres" in page and "obligatoriske sjekkpunkter" in page
    assert Decision.objects.count() == before
    gate.refresh_from_db()
    assert gate.status != Gate.Status.PASSED and gate.decided_by is None


def test_gate_may_be_decided_not_passed_with_open_items(m: Meetings) -> None:
    gate = m.project.gates.get(code="BP1")
    client = m.client("office")
    response = client.post(
        m.url("decision_create") + f"?gate={gate.uuid}",
        decision_post(body=str(m.body.uuid), gate=str(gate.uuid), gate_outcome="rejected"),
    )
    assert response.status_code == 302
    gate.refresh_from_db()
    assert gate.status == Gate.Status.REJECTED


def test_decision_approves_a_milestone_once(m: Meetings) -> None:
    milestone = m.ehandel.milestones.get(code="1")
    client = m.client("office")
    url = m.url("decision_create") + f"?milestone={milestone.uuid}"
    form = text_of(client.get(url))
    assert "Milepæl som godkjennes" in form
    assert f'value="{m.body.uuid}" selected' in form  # the approving body is proposed
    data = decision_post(body=str(m.body.uuid), milestone=str(milestone.uuid), title="Mandatet")
    assert client.post(url, data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.APPROVED
    before = Decision.objects.count()
    again = client.post(url, {**data, "title": "Igjen"})
    assert again.status_code == 200
    assert "er allerede godkjent" in text_of(again)
    assert Decision.objects.count() == before


def test_milestone_approved_by_the_wrong_body_is_refused(m: Meetings, world: World) -> None:
    other = make_body(world, "PS")
    milestone = m.ehandel.milestones.get(code="1")
    client = m.client("office")
    response = client.post(
        m.url("decision_create") + f"?milestone={milestone.uuid}",
        decision_post(body=str(other.uuid), milestone=str(milestone.uuid)),
    )
    assert response.status_code == 200
    assert "godkjennes av Styringsgruppen, ikke av Organ PS" in text_of(response)
    assert not Decision.objects.filter(body=other).exists()


def test_decision_in_a_meeting_of_another_body_is_refused(m: Meetings, world: World) -> None:
    other = make_body(world, "PS")
    client = m.client("office")
    response = client.post(
        m.url("decision_create"),
        decision_post(body=str(other.uuid), meeting=str(m.meeting.uuid)),
    )
    assert response.status_code == 200
    assert "Møtet er et møte i et annet organ." in text_of(response)
    assert not Decision.objects.filter(body=other).exists()


def test_decision_needs_body_date_title_and_text(m: Meetings) -> None:
    client = m.client("office")
    before = Decision.objects.count()
    response = client.post(m.url("decision_create"), {"decided_on": "2. mars"})
    page = text_of(response)
    assert response.status_code == 200 and "Skjemaet har feil" in page
    assert "Organ: " in page and "Tittel: " in page and "Vedtak: " in page
    assert Decision.objects.count() == before


def test_decision_from_an_agenda_item_is_numbered_and_linked(m: Meetings) -> None:
    client = m.client("admin")
    url = m.url("decision_create") + f"?agenda_item={m.item.uuid}"
    form = text_of(client.get(url))
    assert "Valg av arkivløsning" in form
    assert 'value="2026-02-02"' in form  # the meeting's day
    response = client.post(
        url,
        decision_post(
            body=str(m.body.uuid),
            meeting=str(m.meeting.uuid),
            agenda_item=str(m.item.uuid),
            decided_on="2026-02-02",
            title="Tillegg",
        ),
    )
    assert response.status_code == 302
    decision = Decision.objects.get(title="Tillegg")
    assert decision.agenda_item == m.item and decision.number == "SG 2/2026"


def test_decision_edit_changes_only_the_wording(m: Meetings) -> None:
    client = m.client("office")
    response = client.post(
        m.url("decision_edit", decision_id=m.decision.uuid),
        {"title": "Felles arkivløsning (rettet)", "text": "Ny ordlyd.", "alternatives": ""},
    )
    assert response.status_code == 302
    m.decision.refresh_from_db()
    assert m.decision.title == "Felles arkivløsning (rettet)"
    assert m.decision.number == "SG 1/2026"


def test_decision_that_passed_a_gate_cannot_be_deleted(m: Meetings, world: World) -> None:
    gate = m.project.gates.get(code="BP1")
    tick_mandatory(gate, world)
    decision = services.decision_record(
        body=m.body, decided_on=datetime.date(2026, 3, 1), title="BP1", text="Ja.", gate=gate
    )
    client = m.client("admin")
    response = client.post(m.url("decision_delete", decision_id=decision.uuid), follow=True)
    assert "kan ikke slettes" in text_of(response)
    assert Decision.objects.filter(pk=decision.pk).exists()
    # A plain decision can go.
    response = client.post(m.url("decision_delete", decision_id=m.decision.uuid))
    assert response.status_code == 302
    assert not Decision.objects.filter(pk=m.decision.pk).exists()


def test_body_with_decisions_is_kept_and_abbreviation_fixed(m: Meetings) -> None:
    client = m.client("admin")
    response = client.post(m.url("body_delete", body_id=m.body.uuid), follow=True)
    assert "Organet har vedtak" in text_of(response)
    assert Body.objects.filter(pk=m.body.pk).exists()
    response = client.post(
        m.url("body_edit", body_id=m.body.uuid),
        {"kind": BodyKind.STEERING_GROUP, "name": "Styringsgruppen", "abbreviation": "STY"},
    )
    assert response.status_code == 200
    assert "forkortelsen inngår i vedtaksnumrene" in text_of(response)
    m.body.refresh_from_db()
    assert m.body.abbreviation == "SG"


def test_meeting_ending_before_it_starts_is_refused(m: Meetings) -> None:
    client = m.client("office")
    response = client.post(
        m.url("meeting_create", body_id=m.body.uuid),
        {"starts_at": "2026-05-01T12:00", "ends_at": "2026-05-01T10:00", "status": "planned"},
    )
    assert response.status_code == 200
    assert "Møtet kan ikke slutte før det starter." in text_of(response)
    assert m.body.meetings.count() == 1


def test_duplicate_abbreviation_and_bad_link_are_refused(m: Meetings) -> None:
    client = m.client("office")
    response = client.post(
        m.url("body_create"),
        {"kind": BodyKind.PORTFOLIO_BOARD, "name": "Porteføljestyret", "abbreviation": "SG"},
    )
    assert response.status_code == 200
    assert "Forkortelsen er allerede i bruk" in text_of(response)
    response = client.post(
        m.url("agenda_item_create", meeting_id=m.meeting.uuid),
        {"title": "Sak", "kind": "decision", "case_paper_url": "ikke en lenke"},
    )
    assert response.status_code == 200 and "Skjemaet har feil" in text_of(response)
    assert m.meeting.agenda_items.count() == 1


def test_member_needs_a_person_or_a_name(m: Meetings) -> None:
    client = m.client("office")
    response = client.post(m.url("body_member_create", body_id=m.body.uuid), {"role": "member"})
    assert response.status_code == 200
    assert "Velg en person eller skriv et navn." in text_of(response)
    assert m.body.members.count() == 2


# --- The register and its export ------------------------------------------------------------


def more_decisions(m: Meetings, world: World) -> Body:
    other = make_body(world, "PS", name="Prosjektstyret")
    services.decision_record(
        body=other, decided_on=datetime.date(2025, 11, 3), title="Forstudie", text="Startes."
    )
    services.decision_record(
        body=m.body,
        decided_on=datetime.date(2026, 4, 1),
        title='=HYPERLINK("http://x")',
        text="Formel som tekst.",
        project=m.ehandel,
    )
    return other


def test_register_filters_by_body_year_and_project(m: Meetings, world: World) -> None:
    other = more_decisions(m, world)
    client = m.client("viewer")
    page = text_of(client.get(m.url("decision_register")))
    assert "3 vedtak" in page
    by_body = text_of(client.get(m.url("decision_register") + f"?organ={other.uuid}"))
    assert "1 vedtak" in by_body and "PS 1/2025" in by_body and "SG 1/2026" not in by_body
    by_year = text_of(client.get(m.url("decision_register") + "?ar=2026"))
    assert "2 vedtak" in by_year and "PS 1/2025" not in by_year
    by_project = text_of(client.get(m.url("decision_register") + f"?prosjekt={m.project.uuid}"))
    assert "1 vedtak" in by_project and "Felles arkivløsning" in by_project
    # An unknown filter value shows the form's error and every decision.
    bad = client.get(m.url("decision_register") + "?ar=1990")
    assert bad.status_code == 200 and "3 vedtak" in text_of(bad)


def test_register_xlsx_has_the_filtered_rows_with_neutralised_text(
    m: Meetings, world: World
) -> None:
    more_decisions(m, world)
    client = m.client("viewer")
    response = client.get(m.url("decision_register") + "?ar=2026&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Nummer", "Dato", "Organ", "Tittel", "Vedtak")
    assert [r[0] for r in rows[1:]] == ["SG 2/2026", "SG 1/2026"]
    assert rows[1][3] == '\'=HYPERLINK("http://x")'
    assert rows[2][6] == "Felles sak/arkiv"
    assert rows[2][5] == "Felles løsning.\n\nFortsette hver for seg."


# --- Action items ---------------------------------------------------------------------------


def test_action_items_are_listed_made_and_closed(m: Meetings, world: World) -> None:
    client = m.client("office")
    page = text_of(client.get(m.url("action_item_list")))
    assert "Lage tidsplan for overgangen" in page
    response = client.post(
        m.url("action_item_create") + f"?project={m.project.uuid}",
        {
            "text": "Avklare personvern",
            "owner": str(world.editor_a.uuid),
            "due": "2026-05-01",
            "status": "open",
            "project": str(m.project.uuid),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == m.url("project_decisions", project_id=m.project.uuid)
    item = ActionItem.objects.get(text="Avklare personvern")
    response = client.post(
        m.url("action_item_edit", action_item_id=item.uuid),
        {
            "text": "Avklare personvern",
            "owner": str(world.editor_a.uuid),
            "status": "done",
            "project": str(m.project.uuid),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.done_on is not None
    open_items = text_of(client.get(m.url("action_item_list")))
    assert "Avklare personvern" not in open_items
    assert "Avklare personvern" in text_of(client.get(m.url("action_item_list") + "?status=done"))
    assert "Avklare personvern" in text_of(client.get(m.url("action_item_list") + "?status=alle"))


def test_action_item_owner_from_another_collaboration_is_refused(m: Meetings, world: World) -> None:
    client = m.client("office")
    before = ActionItem.objects.count()
    response = client.post(
        m.url("action_item_create"),
        {"text": "Noe", "owner": str(world.outsider.uuid), "status": "open"},
    )
    assert response.status_code == 200 and "Skjemaet har feil" in text_of(response)
    assert ActionItem.objects.count() == before


# --- Calendar-feed page ---------------------------------------------------------------------


def test_calendar_feed_page_makes_and_revokes_the_address(m: Meetings) -> None:
    client = m.client("viewer")
    page = text_of(client.get(m.url("calendar_feed")))
    assert "Du har ingen aktiv kalenderadresse." in page
    response = client.post(m.url("calendar_feed"), {"action": "create"})
    assert response.status_code == 200
    page = text_of(response)
    start = page.index("http://testserver/kalender/samlacal_")
    address = page[start : page.index('"', start)]
    assert address.endswith(".ics")
    feed = Client().get(address.removeprefix("http://testserver"))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    page = text_of(client.get(m.url("calendar_feed")))
    assert "Du har en aktiv adresse" in page and address not in page  # shown only once
    response = client.post(m.url("calendar_feed"), {"action": "revoke"})
    assert response.status_code == 302
    assert Client().get(address.removeprefix("http://testserver")).status_code == 404
    assert client.post(m.url("calendar_feed"), {"action": "nonsense"}).status_code == 404


# --- Links to the landscape and business cases; query counts --------------------------------


def test_decision_chooses_a_target_system_and_approves_a_case_version(
    m: Meetings, world: World
) -> None:
    from samla.cases import services as case_services
    from samla.cases.models import CaseVersion
    from samla.landscape import services as landscape_services
    from samla.landscape.models import SystemCategory

    category = SystemCategory.objects.filter(collaboration=world.alfa).order_by("pk").first()
    assert category is not None
    vendor = landscape_services.vendor_save(collaboration=world.alfa, name="Leverandør AS")
    product = landscape_services.product_save(
        collaboration=world.alfa, vendor=vendor, name="Arkiv 1"
    )
    choice = landscape_services.target_choice_set(
        collaboration=world.alfa,
        category=category,
        product=product,
        decided_by="Styringsgruppen",
        decided_on=datetime.date(2026, 2, 2),
        rationale="Brukes allerede i begge kommunene.",
    )
    case = case_services.case_create(collaboration=world.alfa, name="Felles arkiv", base_year=2026)
    draft = case.versions.get()
    client = m.client("office")
    form = text_of(client.get(m.url("decision_create")))
    assert "Felles arkiv v1" not in form  # a draft cannot be approved
    response = client.post(
        m.url("decision_create"),
        decision_post(body=str(m.body.uuid), case_version=str(draft.uuid)),
    )
    assert response.status_code == 200 and "Skjemaet har feil" in text_of(response)
    # Freezing needs a full case; the stage is what the form looks at.
    CaseVersion.objects.filter(pk=draft.pk).update(
        stage=CaseVersion.Stage.APPROVED, frozen_at=timezone.now()
    )
    version = CaseVersion.objects.get(pk=draft.pk)
    response = client.post(
        m.url("decision_create"),
        decision_post(
            body=str(m.body.uuid),
            title="Arkiv 1 og business case",
            target_choice=str(choice.uuid),
            case_version=str(version.uuid),
            project=str(m.project.uuid),
        ),
    )
    assert response.status_code == 302
    decision = Decision.objects.get(title="Arkiv 1 og business case")
    assert decision.target_choice == choice and decision.case_version == version
    page = text_of(client.get(response["Location"]))
    assert "Arkiv 1" in page and "Felles arkiv v1" in page


def test_register_and_meeting_queries_do_not_grow(m: Meetings, world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = m.client("viewer")

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as register:
            assert client.get(m.url("decision_register")).status_code == 200
        with CaptureQueriesContext(connection) as meeting:
            assert client.get(m.url("meeting_detail", meeting_id=m.meeting.uuid)).status_code == 200
        return len(register), len(meeting)

    few = counts()
    for n in range(12):
        item = services.agenda_item_create(meeting=m.meeting, title=f"Sak {n}", project=m.ehandel)
        services.decision_record(
            body=m.body,
            meeting=m.meeting,
            agenda_item=item,
            decided_on=datetime.date(2026, 2, 2),
            title=f"Vedtak {n}",
            text="Vedtatt.",
            project=m.ehandel,
        )
        services.action_item_create(
            collaboration=world.alfa, meeting=m.meeting, text=f"Oppgave {n}", owner=world.admin
        )
    assert counts() == few


def test_stale_edit_of_a_meeting_is_a_conflict(m: Meetings) -> None:
    first, second = m.client("office"), m.client("admin")
    page = text_of(second.get(m.url("meeting_edit", meeting_id=m.meeting.uuid)))
    opened_at = int(page.split('name="_version" value="', 1)[1].split('"', 1)[0])
    data = {
        "title": "Styringsgruppemøte 1",
        "starts_at": "2026-02-02T09:00",
        "status": "held",
        "_version": str(opened_at),
    }
    assert (
        first.post(
            m.url("meeting_edit", meeting_id=m.meeting.uuid), {**data, "minutes": "Først."}
        ).status_code
        == 302
    )
    response = second.post(
        m.url("meeting_edit", meeting_id=m.meeting.uuid),
        {**data, "minutes": "Senere, men fra en gammel side."},
    )
    assert response.status_code == 409
    m.meeting.refresh_from_db()
    assert m.meeting.minutes == "Først."
