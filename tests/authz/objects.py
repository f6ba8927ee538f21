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
) -> Objects:
    """``own`` is the organisation the per-organisation objects belong to (A in alfa)."""
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

    # Someone's API token, to revoke.
    things["api_token"] = organisation_services.api_token_create(
        user=manager, name=f"Nøkkel {mark}"
    )[0]
    return objects
