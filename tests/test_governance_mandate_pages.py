"""The mandate pages: who may open and post to which (managers and the project leader change,
everyone in the collaboration reads, the outsider gets 404), each part added, edited and
deleted through its page, financing computed with a key, and bad input refused with a
Norwegian message and nothing written.

The project in "alfa" is led by editor_a and concerns municipalities A (10 000 inhabitants)
and B (30 000); editor_b is an editor who does not lead it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.urls import reverse

from conftest import World
from samla.governance import services
from samla.governance.models import (
    Concept,
    CostLine,
    Financing,
    Mandate,
    MandateRole,
    Project,
    ResourceLine,
    SubGoal,
)
from samla.organisations.models import CostSharingKey

PERSONAS = ["admin", "office", "editor_a", "editor_b", "viewer", "outsider"]
CHANGERS = {"admin", "office", "editor_a"}
READERS = CHANGERS | {"editor_b", "viewer"}


@dataclass
class Mandated:
    world: World
    project: Project
    mandate: Mandate
    sub_goal: SubGoal
    concept: Concept
    zero: Concept
    role: MandateRole
    cost_line: CostLine
    financing: Financing
    resource: ResourceLine


def build_mandate(world: World) -> Mandated:
    project = services.project_create(
        collaboration=world.alfa,
        name="Innføring av e-handel",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2027, 6, 30),
        leader=world.editor_a,
        owner=world.admin,
        organisations=[world.org_a, world.org_b],
    )
    mandate = project.mandate
    services.mandate_update(
        mandate=mandate,
        background="Innkjøp utgjør om lag 500 mill. kr i året.",
        main_goal="Kommunene har god kompetanse, rutiner og systemer for innkjøp.",
        frames="Lov om offentlige anskaffelser.",
        reporting="Månedlig til økonominettverket.",
    )
    sub_goal = services.sub_goal_create(
        mandate=mandate,
        text="Alle kommunene har tatt i bruk e-handel.",
        measure="Andel av innkjøpsvolumet via e-handel",
        target="5 %",
        deadline=datetime.date(2026, 12, 31),
    )
    zero = services.concept_create(
        mandate=mandate, name="Nullalternativet", description="Som i dag.", is_zero=True
    )
    concept = services.concept_create(
        mandate=mandate, name="Felles e-handel", description="Felles innføring.", is_chosen=True
    )
    role = services.mandate_role_create(
        mandate=mandate,
        kind=MandateRole.Kind.PROJECT_GROUP,
        user=world.editor_b,
        organisation=world.org_b,
        title="Representant",
    )
    cost_line = services.cost_line_create(
        mandate=mandate,
        kind=CostLine.Kind.DIRECT,
        name="Prosjektledelse",
        year=2026,
        amount=Decimal(400_000),
    )
    services.cost_line_create(
        mandate=mandate,
        kind=CostLine.Kind.DIRECT,
        name="Prosjektledelse",
        year=2027,
        amount=Decimal(200_000),
    )
    services.cost_line_create(
        mandate=mandate,
        kind=CostLine.Kind.INDIRECT,
        name="Lønn prosjektdeltakere",
        year=2026,
        amount=Decimal(980_000),
    )
    financing = services.financing_create(mandate=mandate, source="Difi", amount=Decimal(200_000))
    resource = services.resource_line_create(
        mandate=mandate,
        forum="Styringsgruppe",
        persons=8,
        meetings=6,
        hours_per_meeting=Decimal(2),
        hourly_rate=Decimal(500),
    )
    return Mandated(
        world, project, mandate, sub_goal, concept, zero, role, cost_line, financing, resource
    )


@pytest.fixture
def m(world: World) -> Mandated:
    return build_mandate(world)


def url(name: str, *args: Any) -> str:
    return reverse(f"governance:{name}", args=["alfa", *args])


def detail_url(m: Mandated) -> str:
    return url("mandate_detail", m.project.uuid)


def read_urls(m: Mandated) -> list[str]:
    return [detail_url(m), url("mandate_docx", m.project.uuid)]


def change_urls(m: Mandated) -> list[str]:
    p = m.project.uuid
    return [
        url("mandate_edit", p),
        url("financing_compute", p),
        url("sub_goal_create", p),
        url("sub_goal_edit", m.sub_goal.uuid),
        url("concept_create", p),
        url("concept_edit", m.concept.uuid),
        url("mandate_role_create", p),
        url("mandate_role_edit", m.role.uuid),
        url("cost_line_create", p),
        url("cost_line_edit", m.cost_line.uuid),
        url("financing_create", p),
        url("financing_edit", m.financing.uuid),
        url("resource_line_create", p),
        url("resource_line_edit", m.resource.uuid),
    ]


def delete_urls(m: Mandated) -> list[str]:
    return [
        url("sub_goal_delete", m.sub_goal.uuid),
        url("concept_delete", m.concept.uuid),
        url("mandate_role_delete", m.role.uuid),
        url("cost_line_delete", m.cost_line.uuid),
        url("financing_delete", m.financing.uuid),
        url("resource_line_delete", m.resource.uuid),
    ]


def text_of(response: Any) -> str:
    return unescape(response.content.decode())


# --- Who may do what ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_read_pages_per_persona(m: Mandated, persona: str) -> None:
    client = m.world.client_for(persona)
    for address in read_urls(m):
        expected = 200 if persona in READERS else 404
        assert client.get(address).status_code == expected, address


@pytest.mark.parametrize("persona", PERSONAS)
def test_change_pages_per_persona(m: Mandated, persona: str) -> None:
    client = m.world.client_for(persona)
    expected = 200 if persona in CHANGERS else 403 if persona in READERS else 404
    for address in change_urls(m):
        assert client.get(address).status_code == expected, address
        assert client.post(address, {}).status_code in ({200} if expected == 200 else {expected}), (
            address
        )


@pytest.mark.parametrize("persona", ["editor_b", "viewer", "outsider"])
def test_delete_refused_and_nothing_deleted(m: Mandated, persona: str) -> None:
    client = m.world.client_for(persona)
    expected = 404 if persona == "outsider" else 403
    for address in delete_urls(m):
        assert client.post(address).status_code == expected, address
    assert m.mandate.sub_goals.count() == 1
    assert m.mandate.concepts.count() == 2
    assert m.mandate.roles.count() == 1
    assert m.mandate.cost_lines.count() == 3
    assert m.mandate.financing.count() == 1
    assert m.mandate.resources.count() == 1


def test_anonymous_sent_to_log_in(m: Mandated) -> None:
    response = m.world.client_for(None).get(detail_url(m))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unknown_and_foreign_ids_are_404(m: Mandated) -> None:
    client = m.world.client_for("admin")
    other = services.project_create(
        collaboration=m.world.beta, name="Beta-prosjekt", start=datetime.date(2026, 1, 1)
    )
    goal = services.sub_goal_create(mandate=other.mandate, text="Beta-mål")
    assert client.get(url("mandate_detail", other.uuid)).status_code == 404
    assert client.get(url("sub_goal_edit", goal.uuid)).status_code == 404
    assert client.post(url("sub_goal_delete", goal.uuid)).status_code == 404
    assert SubGoal.objects.filter(pk=goal.pk).exists()
    # an alfa object under beta's address: the outsider (admin of beta) gets 404
    outsider = m.world.client_for("outsider")
    beta_url = reverse("governance:sub_goal_edit", args=["beta", m.sub_goal.uuid])
    assert outsider.get(beta_url).status_code == 404


def test_delete_needs_post(m: Mandated) -> None:
    client = m.world.client_for("editor_a")
    assert client.get(url("sub_goal_delete", m.sub_goal.uuid)).status_code == 405
    assert SubGoal.objects.filter(pk=m.sub_goal.pk).exists()


# --- The page shows the mandate -------------------------------------------------------------


def test_detail_shows_every_section(m: Mandated) -> None:
    text = text_of(m.world.client_for("viewer").get(detail_url(m)))
    for heading in (
        "1. Bakgrunn",
        "2. Mål og forventede resultater",
        "3. Omfang, avgrensninger og konsepter",
        "4. Organisering",
        "5. Budsjett og finansiering",
        "Planlagt ressursinnsats",
        "6. Risiko og kritiske suksessfaktorer",
        "7. Kvalitetssikring",
        "8. Rapportering",
    ):
        assert heading in text, heading
    assert "Innkjøp utgjør om lag 500 mill. kr i året." in text
    assert "Alle kommunene har tatt i bruk e-handel." in text
    assert "Nullalternativet" in text and "Anbefalt" in text
    assert "B kommune" in text  # the organisation the role represents
    assert "600\xa0000\xa0kr" in text  # Prosjektledelse over two years
    assert "1\xa0580\xa0000\xa0kr" in text  # all costs
    assert "400\xa0000\xa0kr" in text  # direct costs not financed: 600 000 − 200 000
    assert "96" in text and "48\xa0000\xa0kr" in text  # 8 × 6 × 2 hours, × 500 kr
    # the viewer is offered nothing to change
    assert "Endre tekstene" not in text
    assert url("sub_goal_edit", m.sub_goal.uuid) not in text


def test_detail_offers_changes_to_the_leader(m: Mandated) -> None:
    text = text_of(m.world.client_for("editor_a").get(detail_url(m)))
    assert "Endre tekstene" in text
    for address in change_urls(m) + delete_urls(m):
        assert address in text, address


def test_empty_mandate_says_what_is_missing(world: World) -> None:
    project = services.project_create(
        collaboration=world.alfa, name="Tomt", start=datetime.date(2026, 1, 1)
    )
    text = text_of(world.client_for("admin").get(url("mandate_detail", project.uuid)))
    assert "Ikke fylt ut." in text
    assert "Mandatet har ikke noe nullalternativ ennå" in text


# --- Writing through the pages --------------------------------------------------------------


def test_leader_edits_the_texts(m: Mandated) -> None:
    client = m.world.client_for("editor_a")
    response = client.post(
        url("mandate_edit", m.project.uuid),
        {
            "background": "Ny bakgrunn.",
            "purpose": "Formålet.",
            "main_goal": "Hovedmålet.",
            "scope": "Omfanget.",
            "limits": "",
            "frames": "",
            "expected_results": "",
            "risk_summary": "Organisatorisk risiko.",
            "quality_assurance": "",
            "reporting_cadence": Mandate.Cadence.QUARTERLY,
            "reporting": "",
            "financing_note": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(m)
    m.mandate.refresh_from_db()
    assert m.mandate.background == "Ny bakgrunn."
    assert m.mandate.reporting_cadence == Mandate.Cadence.QUARTERLY
    assert m.mandate.history.first().history_user == m.world.editor_a
    # the edit page shows the change in its history
    page = text_of(client.get(url("mandate_edit", m.project.uuid)))
    assert "Historikk" in page and "Ny bakgrunn." in page


def test_parts_added_through_their_pages(m: Mandated) -> None:
    client = m.world.client_for("office")
    p = m.project.uuid
    posts = [
        (
            "sub_goal_create",
            {"text": "Kompetanse styrket.", "target": "100 %", "deadline": "31.12.2026"},
        ),
        ("concept_create", {"name": "Hver kommune for seg", "description": ""}),
        ("mandate_role_create", {"kind": "reference_group", "group": "IT-utvalget"}),
        (
            "mandate_role_create",
            {
                "kind": "steering_group",
                "user": str(m.world.editor_a.uuid),
                "organisation": str(m.world.org_a.uuid),
                "title": "Leder",
            },
        ),
        (
            "cost_line_create",
            {"kind": "direct", "name": "Konsulent", "year": "2026", "amount": "1 234 567,50"},
        ),
        ("financing_create", {"organisation": str(m.world.org_a.uuid), "amount": "50 000"}),
        (
            "resource_line_create",
            {
                "forum": "Prosjektgruppe",
                "persons": "4",
                "meetings": "12",
                "hours_per_meeting": "6,5",
                "hourly_rate": "500",
            },
        ),
    ]
    for name, data in posts:
        response = client.post(url(name, p), data)
        assert response.status_code == 302, (name, text_of(response)[-3000:])
        assert response["Location"].startswith(detail_url(m) + "#")
    mandate = m.mandate
    last_goal = mandate.sub_goals.last()
    assert last_goal is not None and last_goal.deadline == datetime.date(2026, 12, 31)
    assert mandate.concepts.filter(name="Hver kommune for seg").exists()
    chair = mandate.roles.get(kind="steering_group")
    assert chair.user == m.world.editor_a and chair.organisation == m.world.org_a
    assert mandate.cost_lines.get(name="Konsulent").amount == Decimal("1234567.50")
    assert mandate.financing.get(organisation=m.world.org_a).amount == Decimal(50_000)
    line = mandate.resources.get(forum="Prosjektgruppe")
    assert line.hours == Decimal(312) and line.cost == Decimal(156_000)


def test_parts_edited_through_their_pages(m: Mandated) -> None:
    client = m.world.client_for("editor_a")
    posts: list[tuple[str, Any, dict[str, str]]] = [
        (
            "sub_goal_edit",
            m.sub_goal,
            {"text": "Endret delmål", "target": "20 %", "deadline": "2028-12-31"},
        ),
        (
            "concept_edit",
            m.concept,
            {"name": "Felles e-handel", "description": "Ny.", "is_chosen": "on"},
        ),
        (
            "mandate_role_edit",
            m.role,
            {"kind": "project_group", "name": "Kari", "group": "", "title": ""},
        ),
        (
            "cost_line_edit",
            m.cost_line,
            {"kind": "direct", "name": "Prosjektledelse", "year": "2026", "amount": "450000"},
        ),
        ("financing_edit", m.financing, {"source": "Difi (avklart)", "amount": "100 000"}),
        (
            "resource_line_edit",
            m.resource,
            {
                "forum": "Styringsgruppe",
                "persons": "7",
                "meetings": "6",
                "hours_per_meeting": "2",
                "hourly_rate": "600",
            },
        ),
    ]
    for name, obj, data in posts:
        edit = client.get(url(name, obj.uuid))
        assert edit.status_code == 200
        response = client.post(url(name, obj.uuid), data)
        assert response.status_code == 302, (name, text_of(response)[-3000:])
        obj.refresh_from_db()
    assert m.sub_goal.text == "Endret delmål"
    assert m.role.name == "Kari" and m.role.user is None and m.role.organisation is None
    assert m.cost_line.amount == Decimal(450_000)
    assert m.financing.source == "Difi (avklart)" and m.financing.amount == Decimal(100_000)
    assert m.resource.cost == Decimal(7 * 6 * 2 * 600)


def test_edit_page_shows_current_values(m: Mandated) -> None:
    client = m.world.client_for("editor_a")
    text = text_of(client.get(url("financing_edit", m.financing.uuid)))
    assert 'value="Difi"' in text
    text = text_of(client.get(url("mandate_role_edit", m.role.uuid)))
    assert f'value="{m.world.org_b.uuid}" selected' in text
    assert f'value="{m.world.editor_b.uuid}" selected' in text


def test_parts_deleted_by_the_leader(m: Mandated) -> None:
    client = m.world.client_for("editor_a")
    for address in delete_urls(m):
        response = client.post(address)
        assert response.status_code == 302
        assert response["Location"].startswith(detail_url(m))
    assert not m.mandate.sub_goals.exists()
    assert list(m.mandate.concepts.all()) == [m.zero]
    assert not m.mandate.roles.exists()
    assert m.mandate.cost_lines.count() == 2
    assert not m.mandate.financing.exists()
    assert not m.mandate.resources.exists()


def test_financing_computed_by_population(m: Mandated) -> None:
    client = m.world.client_for("editor_a")
    response = client.post(url("financing_compute", m.project.uuid), {"key": "", "amount": ""})
    assert response.status_code == 302
    shares = {f.organisation: f.amount for f in m.mandate.financing.filter(computed=True)}
    # direct costs 600 000 less Difi's 200 000, split 10 000 : 30 000 inhabitants
    assert shares == {m.world.org_a: Decimal(100_000), m.world.org_b: Decimal(300_000)}
    text = text_of(client.get(detail_url(m)))
    assert "Beregnet etter innbyggertall" in text
    assert "Direkte kostnader som ikke er finansiert" not in text


def test_financing_computed_with_a_key_and_an_amount(m: Mandated) -> None:
    key = CostSharingKey.objects.create(
        collaboration=m.world.alfa, name="Likt", method=CostSharingKey.Method.EQUAL
    )
    client = m.world.client_for("office")
    response = client.post(
        url("financing_compute", m.project.uuid), {"key": str(key.uuid), "amount": "90 000"}
    )
    assert response.status_code == 302
    amounts = sorted(f.amount for f in m.mandate.financing.filter(computed=True))
    assert amounts == [Decimal(45_000), Decimal(45_000)]
    m.mandate.refresh_from_db()
    assert m.mandate.financing_key == key
    assert "Beregnet etter Likt" in text_of(client.get(detail_url(m)))


# --- Bad input: a clear message, nothing written --------------------------------------------


def _refused(client: Any, address: str, data: dict[str, str], message: str) -> None:
    response = client.post(address, data)
    assert response.status_code == 200, address
    assert message in text_of(response), (message, text_of(response)[-4000:])


def test_bad_input_refused(m: Mandated) -> None:
    client = m.world.client_for("editor_a")
    p = m.project.uuid
    before = {
        "goals": m.mandate.sub_goals.count(),
        "concepts": m.mandate.concepts.count(),
        "roles": m.mandate.roles.count(),
        "costs": m.mandate.cost_lines.count(),
        "financing": m.mandate.financing.count(),
        "resources": m.mandate.resources.count(),
    }
    _refused(
        client,
        url("sub_goal_create", p),
        {"text": "", "deadline": "31.02.2026"},
        "Oppgi en gyldig dato.",
    )
    _refused(
        client,
        url("concept_create", p),
        {"name": "Enda et nullalternativ", "is_zero": "on"},
        "Mandatet har allerede et nullalternativ.",
    )
    _refused(
        client,
        url("concept_create", p),
        {"name": "Annet", "is_chosen": "on"},
        "Bare ett konsept kan være anbefalt.",
    )
    _refused(
        client,
        url("concept_create", p),
        {"name": "Felles e-handel"},
        "Mandatet har allerede et konsept med dette navnet.",
    )
    _refused(
        client,
        url("mandate_role_create", p),
        {"kind": "project_group"},
        "Velg en person, skriv et navn eller en gruppe.",
    )
    _refused(
        client,
        url("mandate_role_create", p),
        {"kind": "project_group", "user": str(m.world.outsider.uuid)},
        "Velg et gyldig valg",
    )
    _refused(
        client,
        url("mandate_role_create", p),
        {"kind": "project_group", "name": "X", "organisation": str(m.world.org_c.uuid)},
        "Velg et gyldig valg",
    )
    _refused(
        client,
        url("cost_line_create", p),
        {"kind": "direct", "name": "X", "year": "2026", "amount": "-5"},
        "større enn eller lik 0",
    )
    _refused(
        client,
        url("cost_line_create", p),
        {"kind": "direct", "name": "X", "year": "2026", "amount": "mye"},
        "Skriv et tall, for eksempel 1 234 567,89.",
    )
    _refused(
        client,
        url("cost_line_create", p),
        {"kind": "direct", "name": "X", "year": "1800", "amount": "5"},
        "større enn eller lik 1990",
    )
    _refused(
        client,
        url("cost_line_create", p),
        {"kind": "direct", "name": "Prosjektledelse", "year": "2026", "amount": "5"},
        "Budsjettet har allerede denne kostnaden for året.",
    )
    _refused(
        client,
        url("financing_create", p),
        {"amount": "5"},
        "Velg en organisasjon eller skriv en annen kilde.",
    )
    _refused(
        client,
        url("financing_create", p),
        {"organisation": str(m.world.org_a.uuid), "source": "Difi", "amount": "5"},
        "ikke begge",
    )
    _refused(
        client,
        url("resource_line_create", p),
        {
            "forum": "X",
            "persons": "-1",
            "meetings": "2",
            "hours_per_meeting": "2",
            "hourly_rate": "500",
        },
        "større enn eller lik 0",
    )
    _refused(
        client,
        url("resource_line_create", p),
        {
            "forum": "Styringsgruppe",
            "persons": "1",
            "meetings": "2",
            "hours_per_meeting": "2",
            "hourly_rate": "500",
        },
        "Ressursplanen har allerede dette forumet.",
    )
    _refused(client, url("mandate_edit", p), {"reporting_cadence": "hourly"}, "Velg et gyldig valg")
    _refused(
        client,
        url("financing_compute", p),
        {"key": "00000000-0000-0000-0000-000000000000"},
        "Velg et gyldig valg",
    )
    after = {
        "goals": m.mandate.sub_goals.count(),
        "concepts": m.mandate.concepts.count(),
        "roles": m.mandate.roles.count(),
        "costs": m.mandate.cost_lines.count(),
        "financing": m.mandate.financing.count(),
        "resources": m.mandate.resources.count(),
    }
    assert after == before
    m.mandate.refresh_from_db()
    assert m.mandate.reporting_cadence == Mandate.Cadence.MONTHLY


def test_bad_edit_leaves_the_object_unchanged(m: Mandated) -> None:
    client = m.world.client_for("editor_a")
    _refused(
        client,
        url("concept_edit", m.concept.uuid),
        {"name": "Nullalternativet"},
        "Mandatet har allerede et konsept med dette navnet.",
    )
    _refused(
        client,
        url("financing_edit", m.financing.uuid),
        {"source": "", "amount": "1"},
        "Velg en organisasjon eller skriv en annen kilde.",
    )
    m.concept.refresh_from_db()
    m.financing.refresh_from_db()
    assert m.concept.name == "Felles e-handel"
    assert m.financing.source == "Difi" and m.financing.amount == Decimal(200_000)


def test_compute_without_members_with_population_refused(world: World) -> None:
    world.org_a.population = None
    world.org_a.save()
    world.org_b.population = None
    world.org_b.save()
    project = services.project_create(
        collaboration=world.alfa,
        name="Uten innbyggere",
        start=datetime.date(2026, 1, 1),
        organisations=[world.org_a, world.org_b],
    )
    client = world.client_for("admin")
    _refused(
        client,
        url("financing_compute", project.uuid),
        {"amount": "1000"},
        "Ingen av organisasjonene har innbyggertall.",
    )
    assert not project.mandate.financing.exists()


def test_stale_edit_refused_with_409(m: Mandated) -> None:
    """Two people open the same sub-goal; the second save would overwrite the first."""
    client = m.world.client_for("editor_a")
    address = url("sub_goal_edit", m.sub_goal.uuid)
    page = text_of(client.get(address))
    match = re.search(r'name="_version" value="(\d+)"', page)
    assert match, "the edit page carries the sub-goal's version"
    services.sub_goal_update(sub_goal=m.sub_goal, text="Endret av en annen")
    response = client.post(address, {"text": "Min endring", "_version": match.group(1)})
    assert response.status_code == 409
    m.sub_goal.refresh_from_db()
    assert m.sub_goal.text == "Endret av en annen"
    # the mandate's own texts are protected the same way
    page = text_of(client.get(url("mandate_edit", m.project.uuid)))
    assert 'name="_version"' in page
