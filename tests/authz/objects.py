"""One object of every kind in a collaboration, so that every URL argument can be filled.

``build_objects`` is run for "alfa" (marked ``Alfahemmelig``) and for "beta" (marked
``Betahemmelig``). The marker is in the name of every object built here, so a refused
response can be searched for it: it must never show up where access is refused.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model

from samla.cases import services as case_services
from samla.core import dates
from samla.governance import services as gov
from samla.landscape import services as landscape_services
from samla.landscape.models import Product, ServiceArea, SystemCategory
from samla.organisations import services as organisation_services
from samla.organisations.models import Collaboration, CostSharingKey, Organisation, User
from samla.surveys import services as survey_services

ALFA_MARK = "Alfahemmelig"
BETA_MARK = "Betahemmelig"

# The landscape's register pages take the register's slug and an object of its kind.
REGISTER_OBJECTS = {
    "installasjoner": "installation",
    "avtaler": "contract",
    "kostnader": "ict_cost",
    "systemer": "product",
    "leverandorer": "vendor",
    "kategorier": "category",
    "tjenesteomrader": "service_area",
}


@dataclass
class Objects:
    collaboration: Collaboration
    mark: str
    things: dict[str, Model] = field(default_factory=dict)
    personal_token: str = ""
    open_token: str = ""
    calendar_token: str = ""

    def __getitem__(self, kind: str) -> Model:
        return self.things[kind]


def case_document(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "base_year": 2026,
        "years": 4,
        "alternatives": [
            {
                "name": "Null",
                "zero": True,
                "lines": [{"kind": "operating", "name": "Drift", "amount": 500_000}],
            },
            {
                "name": "Nytt",
                "lines": [{"kind": "operating", "name": "Drift", "amount": 300_000}],
            },
        ],
        "monte_carlo": {"iterations": 200, "seed": 2},
    }


def build_objects(
    collaboration: Collaboration,
    own: Organisation,
    other: Organisation,
    manager: User,
    mark: str,
    *,
    leader: User,
    author: User,
    subscriber: User,
) -> Objects:
    """``own`` is the organisation the per-organisation objects belong to (A in alfa).

    Governance: ``leader`` leads the project, which concerns ``own`` only; ``author`` wrote
    its log entry; ``subscriber`` owns the calendar feed token."""
    objects = Objects(collaboration, mark)
    things = objects.things
    today = dates.today()
    things["organisation"] = own
    things["other_organisation"] = other
    things["membership"] = collaboration.memberships.get(organisation=other)
    things["role"] = collaboration.roles.exclude(user=manager).order_by("pk").first() or (
        collaboration.roles.get(user=manager)
    )
    things["cost_sharing_key"] = organisation_services.cost_sharing_key_create(
        collaboration=collaboration, name=f"Nøkkel {mark}", method=CostSharingKey.Method.EQUAL
    )

    # Landscape
    things["service_area"] = landscape_services.service_area_save(
        collaboration=collaboration, code="TST", name=f"Område {mark}", order=99
    )
    adm = ServiceArea.objects.get(collaboration=collaboration, code="ADM")
    things["category"] = landscape_services.category_save(
        collaboration=collaboration,
        service_area=adm,
        code="ADM-TST",
        name=f"Kategori {mark}",
        order=99,
    )
    sak = SystemCategory.objects.get(collaboration=collaboration, code="ADM-SAK")
    things["vendor"] = vendor = landscape_services.vendor_save(
        collaboration=collaboration, name=f"Leverandør {mark}"
    )
    things["product"] = product = landscape_services.product_save(
        collaboration=collaboration,
        name=f"System {mark}",
        vendor=vendor,
        hosting=Product.Hosting.ON_PREMISES,
    )
    things["installation"] = landscape_services.installation_save(
        collaboration=collaboration,
        organisation=own,
        category=sak,
        product=product,
        users=30,
        functional_fit=3,
        technical_fit=3,
    )
    things["contract"] = landscape_services.contract_save(
        collaboration=collaboration,
        organisations=[own],
        products=[product],
        number="K-1",
        title=f"Avtale {mark}",
        vendor=vendor,
        start_date=datetime.date(today.year - 1, 1, 1),
        end_date=datetime.date(today.year + 2, 12, 31),
        notice_period_months=3,
        yearly_value=Decimal(100_000),
    )
    things["ict_cost"] = landscape_services.ict_cost_save(
        collaboration=collaboration,
        organisation=own,
        year=today.year - 1,
        kind="operating",
        category="licences",
        amount=Decimal(123_456),
    )
    things["target_choice"] = landscape_services.target_choice_set(
        collaboration=collaboration,
        category=sak,
        product=product,
        decided_by="Styret",
        decided_on=today,
        rationale=f"Valgt {mark}",
        migration_deadline=datetime.date(today.year + 1, 12, 31),
    )

    # Surveys: a questionnaire of its own (unlocked) and a running, named campaign.
    things["questionnaire"] = questionnaire = survey_services.questionnaire_create_from_template(
        collaboration=collaboration, name=f"Skjema {mark}"
    )
    things["section"] = questionnaire.sections.order_by("order").first()  # type: ignore[assignment]
    things["question"] = questionnaire.questions.order_by("section__order", "order").first()  # type: ignore[assignment]
    used = survey_services.questionnaire_create_from_template(
        collaboration=collaboration, name=f"Brukt skjema {mark}"
    )
    things["campaign"] = campaign = survey_services.campaign_create(
        collaboration=collaboration,
        products=[product],
        name=f"Undersøkelse {mark}",
        questionnaire=used,
        category=sak,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=30),
        anonymous=False,
    )
    things["user_group"] = group = survey_services.user_group_create(
        campaign=campaign,
        organisation=own,
        product=product,
        name=f"Gruppe {mark}",
        size=10,
        open_link=True,
    )
    survey_services.invitations_add(group=group, emails=["kari@example.no"], base_url="")
    survey_services.campaign_launch(campaign=campaign, base_url="http://testserver")
    # The mailed token is not stored; give the invitation one the matrix knows.
    objects.personal_token = survey_services.new_token()
    group.invitations.update(token_hash=survey_services.hash_token(objects.personal_token))
    campaign.refresh_from_db()
    group.refresh_from_db()
    objects.open_token = group.open_token or ""

    # Business cases: a draft version with a line, an effect and an assumption.
    things["case"] = case = case_services.case_import(
        collaboration=collaboration, document=case_document(f"Sak {mark}")
    )
    things["version"] = version = case.versions.get()
    things["alternative"] = alternative = version.alternatives.get(is_zero=False)
    things["line"] = alternative.lines.order_by("order").first()  # type: ignore[assignment]
    things["effect"] = case_services.effect_create(
        alternative=alternative, name=f"Virkning {mark}", score=2, reason="Mer kontroll."
    )
    things["assumption"] = case_services.assumption_create(
        version=version, text=f"Forutsetning {mark}", source="Mandatet"
    )

    build_governance(objects, own, other, leader=leader, author=author, subscriber=subscriber)
    build_portfolio(objects, own, other)
    build_benefits(objects, own, other, owner=leader)

    # Someone's API token, to revoke.
    things["api_token"] = organisation_services.api_token_create(
        user=manager, name=f"Nøkkel {mark}"
    )[0]
    return objects


def build_portfolio(objects: Objects, own: Organisation, other: Organisation) -> None:
    from tests.authz.objects_portfolio import build_portfolio as build

    build(objects, own, other)


def build_benefits(
    objects: Objects, own: Organisation, other: Organisation, *, owner: User
) -> None:
    from tests.authz.objects_benefits import build_benefits as build

    build(objects, own, other, owner=owner)


def build_governance(
    objects: Objects,
    own: Organisation,
    other: Organisation,
    *,
    leader: User,
    author: User,
    subscriber: User,
) -> None:
    """A phase model with its templates, a programme with a risk, a project (led by
    ``leader``, concerning ``own`` only) with every part, a body with a member, a meeting
    with an agenda item, a decision, an action item, and a calendar feed."""
    collaboration, mark, things = objects.collaboration, objects.mark, objects.things
    start = datetime.date(2026, 1, 5)
    things["phase_model"] = model = gov.phase_model_install(
        collaboration=collaboration, key="prosjektveiviseren"
    )
    things["template_phase"] = model.phases.order_by("pk").first()  # type: ignore[assignment]
    things["template_gate"] = template_gate = model.gates.order_by("pk").first()  # type: ignore[assignment]
    things["template_checklist_item"] = template_gate.checklist.order_by("pk").first()  # type: ignore[union-attr]
    things["template_milestone"] = model.milestones.order_by("pk").first()  # type: ignore[assignment]
    things["programme"] = programme = gov.programme_create(
        collaboration=collaboration, name=f"Program {mark}"
    )
    things["programme_risk"] = gov.risk_create(
        programme=programme, title=f"Programrisiko {mark}", probability=2, impact=5
    )
    things["project"] = project = gov.project_create(
        collaboration=collaboration,
        phase_model=model,
        programme=programme,
        name=f"Prosjekt {mark}",
        start=start,
        leader=leader,
        organisations=[own],
    )
    # led by nobody, concerning the other organisation only (B in alfa)
    things["other_project"] = gov.project_create(
        collaboration=collaboration,
        name=f"Annet prosjekt {mark}",
        start=start,
        organisations=[other],
    )
    things["project_phase"] = project.phases.order_by("pk").first()  # type: ignore[assignment]
    things["gate"] = gate = project.gates.order_by("pk").first()  # type: ignore[assignment]
    things["checklist_item"] = gate.checklist.order_by("pk").first()  # type: ignore[union-attr]
    things["milestone"] = project.milestones.order_by("pk").first()  # type: ignore[assignment]
    mandate = project.mandate
    things["sub_goal"] = gov.sub_goal_create(mandate=mandate, text=f"Delmål {mark}")
    things["concept"] = gov.concept_create(mandate=mandate, name=f"Konsept {mark}", is_zero=True)
    things["mandate_role"] = gov.mandate_role_create(mandate=mandate, kind="owner", user=leader)
    things["cost_line"] = gov.cost_line_create(
        mandate=mandate, name=f"Budsjett {mark}", year=2026, amount=Decimal(400_000)
    )
    things["financing"] = gov.financing_create(
        mandate=mandate, source=f"Finansiering {mark}", amount=Decimal(1000)
    )
    things["resource_line"] = gov.resource_line_create(
        mandate=mandate, forum=f"Forum {mark}", persons=5, meetings=6, hours_per_meeting=Decimal(2)
    )
    things["risk"] = gov.risk_create(
        project=project, title=f"Risiko {mark}", probability=3, impact=4, user=leader
    )
    published = gov.status_report_create(project=project, period=datetime.date(2026, 1, 1))
    published = gov.status_report_update(
        report=published,
        **{k: "green" for k in ("overall", "schedule", "quality", "economy", "risk", "benefits")},
    )
    things["published_report"] = gov.status_report_publish(report=published, user=leader)
    things["status_report"] = report = gov.status_report_create(
        project=project, period=datetime.date(2026, 2, 1), user=leader
    )
    things["status_cost_line"] = gov.status_cost_line_create(
        report=report,
        name=f"Kostnad {mark}",
        budget=Decimal(1000),
        spent=Decimal(500),
        forecast=Decimal(1000),
    )
    things["activity"] = activity = gov.activity_create(
        project=project,
        name=f"Aktivitet {mark}",
        start=start,
        end=start + datetime.timedelta(days=20),
    )
    second = gov.activity_create(
        project=project,
        name=f"Neste {mark}",
        start=start + datetime.timedelta(days=21),
        end=start + datetime.timedelta(days=60),
    )
    things["dependency"] = gov.dependency_create(predecessor=activity, successor=second)
    # free to be linked by a new dependency
    things["next_activity"] = second
    things["last_activity"] = gov.activity_create(
        project=project,
        name=f"Siste {mark}",
        start=start + datetime.timedelta(days=61),
        end=start + datetime.timedelta(days=90),
    )
    things["stakeholder"] = stakeholder = gov.stakeholder_create(
        project=project, name=f"Interessent {mark}"
    )
    things["communication_item"] = gov.communication_item_create(
        project=project,
        stakeholder=stakeholder,
        audience=f"Ansatte {mark}",
        message="Oppstart",
        channel="meeting",
    )
    things["log_entry"] = gov.log_entry_create(
        project=project, author=author, kind="concern", title=f"Logg {mark}"
    )
    things["body"] = body = gov.body_create(
        collaboration=collaboration,
        kind="steering_group",
        name=f"Styringsgruppe {mark}",
        abbreviation="SG",
    )
    things["body_member"] = gov.body_member_create(body=body, user=leader, organisation=own)
    things["meeting"] = meeting = gov.meeting_create(
        body=body,
        title=f"Møte {mark}",
        starts_at=datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC),
    )
    things["agenda_item"] = gov.agenda_item_create(
        meeting=meeting, title=f"Sak {mark}", project=project
    )
    things["decision"] = gov.decision_record(
        body=body, decided_on=start, title=f"Vedtak {mark}", text="Startes.", project=project
    )
    things["action_item"] = gov.action_item_create(
        collaboration=collaboration, text=f"Oppfølging {mark}", project=project, meeting=meeting
    )
    objects.calendar_token = gov.calendar_feed_create(user=subscriber)[1]
