"""The API for the landscape: who may do what, bad input, the analysis, queries.

Every endpoint is called by every persona: anonymous callers get 401, the outsider (of
collaboration beta) gets 404, personas of alfa without the right get 403. Editors change
their own organisation's installations and ICT costs and the contracts where it is the
only party; they may add vendors and products but not change existing ones. The catalogue
and the target portfolio are for administrators and the programme office.
"""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import models, transaction

from conftest import World, build_world
from samla.landscape import services
from samla.landscape.models import (
    Contract,
    IctCost,
    Installation,
    Product,
    ServiceArea,
    SystemCategory,
    TargetChoice,
    Vendor,
)
from samla.organisations import services as organisation_services
from samla.organisations.models import Collaboration, Organisation
from tests.test_api_organisations import (
    EVERYONE_IN_ALFA,
    MANAGERS,
    PERSONAS,
    api,
    call,
    expected,
    token_for,
)

TODAY = datetime.date(2026, 6, 1)  # the planning horizon (4 years) ends 2030-06-01
ALFA = "/collaborations/alfa"
EDITORS = {"editor_a", "editor_b"}
OWN_ORGANISATION_A = MANAGERS | {"editor_a"}


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("samla.landscape.api.today", lambda: TODAY)


# --- Data ------------------------------------------------------------------------------------


@dataclass
class Landscape:
    sak: SystemCategory
    plo: SystemCategory
    tieto: Vendor
    visma: Vendor
    elements: Product
    p360: Product
    gerica: Product
    inst_a_sak: Installation
    inst_b_sak: Installation
    inst_a_plo: Installation
    inst_b_plo: Installation
    contract_a: Contract
    contract_shared: Contract
    contract_b: Contract
    cost_a_licences: IctCost
    cost_a_personnel: IctCost
    cost_b_investment: IctCost
    target_sak: TargetChoice
    # Collaboration beta's, for the 404 and 422 paths.
    beta_product: Product
    beta_installation: Installation
    beta_contract: Contract
    beta_cost: IctCost
    beta_target: TargetChoice


def category(collaboration: Collaboration, code: str) -> SystemCategory:
    return SystemCategory.objects.get(collaboration=collaboration, code=code)


def build_landscape(world: World) -> Landscape:
    alfa, beta = world.alfa, world.beta
    sak, plo = category(alfa, "ADM-SAK"), category(alfa, "HSO-PLO")
    tieto = services.vendor_save(collaboration=alfa, name="Tieto", organisation_number="")
    visma = services.vendor_save(collaboration=alfa, name="Visma")
    elements = services.product_save(collaboration=alfa, vendor=tieto, name="Elements")
    p360 = services.product_save(collaboration=alfa, vendor=tieto, name="Public 360")
    gerica = services.product_save(collaboration=alfa, vendor=visma, name="Gerica")

    def install(organisation: Organisation, cat: SystemCategory, product: Product, **fields: Any):
        return services.installation_save(
            collaboration=alfa, organisation=organisation, category=cat, product=product, **fields
        )

    inst_a_sak = install(world.org_a, sak, elements, users=100, functional_fit=4, technical_fit=4)
    inst_b_sak = install(world.org_b, sak, p360, users=300, functional_fit=3, technical_fit=1)
    inst_a_plo = install(
        world.org_a,
        plo,
        gerica,
        users=200,
        functional_fit=1,
        technical_fit=1,
        time_override="tolerate",
        time_override_reason="Byttes ved sammenslåingen.",
    )
    inst_b_plo = install(world.org_b, plo, gerica, users=200)
    contract_a = services.contract_save(
        collaboration=alfa,
        organisations=[world.org_a],
        products=[elements],
        number="A-1",
        title="Sak/arkiv A",
        vendor=tieto,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2027, 12, 31),
        extension_options=2,
        extension_option_months=12,
        notice_period_months=6,
        yearly_value=Decimal("200000"),
    )
    contract_shared = services.contract_save(
        collaboration=alfa,
        organisations=[world.org_a, world.org_b],
        products=[gerica],
        number="F-1",
        title="Pleie og omsorg",
        vendor=visma,
        start_date=datetime.date(2022, 10, 1),
        end_date=datetime.date(2026, 9, 30),
        notice_period_months=6,
        yearly_value=Decimal("900000"),
    )
    contract_b = services.contract_save(
        collaboration=alfa,
        organisations=[world.org_b],
        products=[p360],
        number="B-1",
        title="Sak/arkiv B",
        vendor=tieto,
        end_date=datetime.date(2029, 12, 31),
        notice_period_months=3,
        yearly_value=Decimal("60000"),
    )

    def cost(organisation: Organisation, category_: str, amount: str) -> IctCost:
        return services.ict_cost_save(
            collaboration=beta if organisation == world.org_c else alfa,
            organisation=organisation,
            year=2025,
            kind="operating",
            category=category_,
            amount=Decimal(amount),
            exposed_to_competition=services.default_exposure(category_),
        )

    target_sak = services.target_choice_set(
        collaboration=alfa,
        category=sak,
        product=elements,
        decided_by="Fellesnemnda",
        decided_on=datetime.date(2026, 3, 1),
        rationale="Flest brukere.",
        migration_deadline=datetime.date(2028, 1, 1),
    )
    beta_vendor = services.vendor_save(collaboration=beta, name="Beta-leverandør")
    beta_product = services.product_save(collaboration=beta, vendor=beta_vendor, name="Beta")
    beta_category = category(beta, "ADM-SAK")
    return Landscape(
        sak=sak,
        plo=plo,
        tieto=tieto,
        visma=visma,
        elements=elements,
        p360=p360,
        gerica=gerica,
        inst_a_sak=inst_a_sak,
        inst_b_sak=inst_b_sak,
        inst_a_plo=inst_a_plo,
        inst_b_plo=inst_b_plo,
        contract_a=contract_a,
        contract_shared=contract_shared,
        contract_b=contract_b,
        cost_a_licences=cost(world.org_a, "licences", "100000"),
        cost_a_personnel=cost(world.org_a, "personnel", "300000"),
        cost_b_investment=cost(world.org_b, "investment", "50000"),
        target_sak=target_sak,
        beta_product=beta_product,
        beta_installation=services.installation_save(
            collaboration=beta,
            organisation=world.org_c,
            category=beta_category,
            product=beta_product,
        ),
        beta_contract=services.contract_save(
            collaboration=beta,
            organisations=[world.org_c],
            number="C-1",
            title="Beta",
            vendor=beta_vendor,
        ),
        beta_cost=cost(world.org_c, "licences", "10"),
        beta_target=services.target_choice_set(
            collaboration=beta,
            category=beta_category,
            product=beta_product,
            decided_by="Styret",
            decided_on=TODAY,
            rationale="Eneste.",
        ),
    )


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[World, Landscape]]:
    """The world and its landscape, built once for the module in a transaction that is
    rolled back at the end; each test runs inside it in a savepoint of its own (``db``)
    and gets fresh copies of the objects, as Django's ``setUpTestData`` does."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        world = build_world()
        data = (world, build_landscape(world))
    yield data
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(shared: tuple[World, Landscape], db: None) -> World:
    return copy.deepcopy(shared[0])


@pytest.fixture
def land(shared: tuple[World, Landscape], world: World) -> Landscape:
    return copy.deepcopy(shared[1])


def message_of(response: Any) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


# --- Every resource, every persona -----------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """How to exercise one resource: what to create, which object to change and delete."""

    path: str
    model: type[models.Model]
    body: Callable[[World, Landscape], dict[str, Any]]
    existing: Callable[[World, Landscape], models.Model]
    disposable: Callable[[World, Landscape], models.Model]
    change: tuple[str, str]  # a text field and its new value
    creators: set[str]
    changers: set[str]


def new_area(world: World, land: Landscape) -> ServiceArea:
    return services.service_area_save(collaboration=world.alfa, code="NYT", name="Nytt område")


RESOURCES = {
    "service-areas": Resource(
        path="service-areas",
        model=ServiceArea,
        body=lambda world, land: {"code": "DIG", "name": "Digitalisering", "order": 9},
        existing=lambda world, land: land.sak.service_area,
        disposable=new_area,
        change=("name", "Administrasjon"),
        creators=MANAGERS,
        changers=MANAGERS,
    ),
    "categories": Resource(
        path="categories",
        model=SystemCategory,
        body=lambda world, land: {
            "service_area": str(land.sak.service_area.uuid),
            "code": "ADM-ROB",
            "name": "Robotisering",
            "examples": "UiPath",
        },
        existing=lambda world, land: land.sak,
        disposable=lambda world, land: services.category_save(
            collaboration=world.alfa, service_area=new_area(world, land), code="NY", name="Ny"
        ),
        change=("description", "Arkivverdig saksbehandling."),
        creators=MANAGERS,
        changers=MANAGERS,
    ),
    "vendors": Resource(
        path="vendors",
        model=Vendor,
        body=lambda world, land: {"name": "Acos", "organisation_number": "910 000 004"},
        existing=lambda world, land: land.tieto,
        disposable=lambda world, land: services.vendor_save(collaboration=world.alfa, name="Ny"),
        change=("website", "https://tietoevry.example"),
        creators=MANAGERS | EDITORS,
        changers=MANAGERS,
    ),
    "products": Resource(
        path="products",
        model=Product,
        body=lambda world, land: {
            "vendor": str(land.tieto.uuid),
            "name": "Elements Cloud",
            "hosting": "saas",
        },
        existing=lambda world, land: land.elements,
        disposable=lambda world, land: services.product_save(collaboration=world.alfa, name="Ny"),
        change=("version", "2026.1"),
        creators=MANAGERS | EDITORS,
        changers=MANAGERS,
    ),
    "installations": Resource(
        path="installations",
        model=Installation,
        body=lambda world, land: {
            "organisation": str(world.org_a.uuid),
            "category": str(land.sak.uuid),
            "product": str(land.p360.uuid),
            "users": 5,
            "lifecycle": "phasing_out",
        },
        existing=lambda world, land: land.inst_a_sak,
        disposable=lambda world, land: land.inst_a_plo,
        change=("notes", "Integrert med Elements."),
        creators=OWN_ORGANISATION_A,
        changers=OWN_ORGANISATION_A,
    ),
    "contracts": Resource(
        path="contracts",
        model=Contract,
        body=lambda world, land: {
            "number": "A-2",
            "title": "Drift",
            "vendor": str(land.visma.uuid),
            "organisations": [str(world.org_a.uuid)],
            "products": [str(land.gerica.uuid)],
            "end_date": "2028-12-31",
        },
        existing=lambda world, land: land.contract_a,
        disposable=lambda world, land: land.contract_a,
        change=("title", "Sak/arkiv A (fornyet)"),
        creators=OWN_ORGANISATION_A,
        changers=OWN_ORGANISATION_A,
    ),
    "ict-costs": Resource(
        path="ict-costs",
        model=IctCost,
        body=lambda world, land: {
            "organisation": str(world.org_a.uuid),
            "year": 2026,
            "category": "consultants",
            "amount": "12500.50",
        },
        existing=lambda world, land: land.cost_a_licences,
        disposable=lambda world, land: land.cost_a_licences,
        change=("description", "Microsoft 365"),
        creators=OWN_ORGANISATION_A,
        changers=OWN_ORGANISATION_A,
    ),
    "target-choices": Resource(
        path="target-choices",
        model=TargetChoice,
        body=lambda world, land: {
            "category": str(land.plo.uuid),
            "product": str(land.gerica.uuid),
            "decided_by": "Fellesnemnda",
            "decided_on": "2026-05-01",
            "rationale": "Begge bruker det.",
        },
        existing=lambda world, land: land.target_sak,
        disposable=lambda world, land: land.target_sak,
        change=("rationale", "Flest brukere og best egnet."),
        creators=MANAGERS,
        changers=MANAGERS,
    ),
}

RESOURCE_PERSONAS = [(name, persona) for name in RESOURCES for persona in PERSONAS]


def rows(model: type[models.Model]) -> int:
    return model._default_manager.count()


@pytest.mark.parametrize(("name", "persona"), RESOURCE_PERSONAS)
def test_list_and_detail(world: World, land: Landscape, name: str, persona: str) -> None:
    resource = RESOURCES[name]
    obj = resource.existing(world, land)
    token = token_for(world, persona)
    listed = call(token, "GET", f"{ALFA}/{resource.path}")
    detail = call(token, "GET", f"{ALFA}/{resource.path}/{obj.uuid}")
    assert listed.status_code == detail.status_code == expected(persona, EVERYONE_IN_ALFA)
    if listed.status_code == 200:
        uuids = [item["uuid"] for item in listed.json()]
        assert str(obj.uuid) in uuids
        # Only alfa's objects.
        assert set(uuids) == {
            str(u)
            for u in resource.model._default_manager.filter(collaboration=world.alfa).values_list(
                "uuid", flat=True
            )
        }
        assert detail.json()["uuid"] == str(obj.uuid)


@pytest.mark.parametrize(("name", "persona"), RESOURCE_PERSONAS)
def test_create(world: World, land: Landscape, name: str, persona: str) -> None:
    resource = RESOURCES[name]
    before = rows(resource.model)
    response = api(world, persona, "POST", f"{ALFA}/{resource.path}", resource.body(world, land))
    assert response.status_code == expected(persona, resource.creators, success=201)
    if response.status_code == 201:
        created = resource.model._default_manager.get(uuid=response.json()["uuid"])
        assert created.collaboration == world.alfa
        assert created.history.latest().history_user == world.persona(persona)
        assert rows(resource.model) == before + 1
    else:
        assert rows(resource.model) == before


@pytest.mark.parametrize(("name", "persona"), RESOURCE_PERSONAS)
def test_update(world: World, land: Landscape, name: str, persona: str) -> None:
    resource = RESOURCES[name]
    obj = resource.existing(world, land)
    field, value = resource.change
    old = getattr(obj, field)
    path = f"{ALFA}/{resource.path}/{obj.uuid}"
    response = api(world, persona, "PATCH", path, {field: value})
    assert response.status_code == expected(persona, resource.changers)
    obj.refresh_from_db()
    if response.status_code == 200:
        assert response.json()[field] == value
        assert getattr(obj, field) == value
    else:
        assert getattr(obj, field) == old


@pytest.mark.parametrize(("name", "persona"), RESOURCE_PERSONAS)
def test_delete(world: World, land: Landscape, name: str, persona: str) -> None:
    resource = RESOURCES[name]
    obj = resource.disposable(world, land)
    response = api(world, persona, "DELETE", f"{ALFA}/{resource.path}/{obj.uuid}")
    assert response.status_code == expected(persona, resource.changers, success=204)
    still_there = resource.model._default_manager.filter(pk=obj.pk).exists()
    assert still_there is (response.status_code != 204)


# --- Another collaboration's objects ---------------------------------------------------------

BETA_OBJECTS = {
    "installations": lambda land: land.beta_installation,
    "contracts": lambda land: land.beta_contract,
    "ict-costs": lambda land: land.beta_cost,
    "products": lambda land: land.beta_product,
    "target-choices": lambda land: land.beta_target,
}


@pytest.mark.parametrize("name", sorted(BETA_OBJECTS))
def test_objects_of_another_collaboration_are_404(world: World, land: Landscape, name: str) -> None:
    obj = BETA_OBJECTS[name](land)
    history = obj.history.count()
    token = token_for(world, "admin")
    for slug in ("alfa", "beta"):  # admin of alfa has no role in beta
        path = f"/collaborations/{slug}/{name}/{obj.uuid}"
        assert call(token, "GET", path).status_code == 404
        assert call(token, "PATCH", path, {}).status_code == 404
        assert call(token, "DELETE", path).status_code == 404
    assert type(obj)._default_manager.filter(pk=obj.pk).exists()
    assert obj.history.count() == history


def test_malformed_uuid_is_404(world: World) -> None:
    assert api(world, "admin", "GET", f"{ALFA}/installations/ikke-en-uuid").status_code == 404


# --- Editors -----------------------------------------------------------------------------------


def test_editor_writes_for_own_organisation_only(world: World, land: Landscape) -> None:
    token = token_for(world, "editor_b")
    body = {
        "organisation": str(world.org_b.uuid),
        "category": str(land.plo.uuid),
        "product": str(land.elements.uuid),
    }
    assert call(token, "POST", f"{ALFA}/installations", body).status_code == 201
    path = f"{ALFA}/installations/{land.inst_b_sak.uuid}"
    assert call(token, "PATCH", path, {"users": 301}).status_code == 200
    cost = {"organisation": str(world.org_b.uuid), "year": 2026, "category": "fibre", "amount": "1"}
    assert call(token, "POST", f"{ALFA}/ict-costs", cost).status_code == 201
    # Not for organisation A.
    body["organisation"] = str(world.org_a.uuid)
    assert call(token, "POST", f"{ALFA}/installations", body).status_code == 403
    cost["organisation"] = str(world.org_a.uuid)
    assert call(token, "POST", f"{ALFA}/ict-costs", cost).status_code == 403


def test_editor_cannot_move_an_installation_or_cost_to_another_organisation(
    world: World, land: Landscape
) -> None:
    token = token_for(world, "editor_a")
    move = {"organisation": str(world.org_b.uuid)}
    path = f"{ALFA}/installations/{land.inst_a_sak.uuid}"
    assert call(token, "PATCH", path, move).status_code == 403
    path = f"{ALFA}/ict-costs/{land.cost_a_licences.uuid}"
    assert call(token, "PATCH", path, move).status_code == 403
    land.inst_a_sak.refresh_from_db()
    land.cost_a_licences.refresh_from_db()
    assert land.inst_a_sak.organisation == land.cost_a_licences.organisation == world.org_a
    # A manager may.
    response = api(world, "office", "PATCH", f"{ALFA}/installations/{land.inst_a_sak.uuid}", move)
    assert response.status_code == 200
    assert response.json()["organisation"] == str(world.org_b.uuid)


@pytest.mark.parametrize("persona", PERSONAS)
def test_shared_contract_is_changed_by_managers_only(
    world: World, land: Landscape, persona: str
) -> None:
    path = f"{ALFA}/contracts/{land.contract_shared.uuid}"
    response = api(world, persona, "PATCH", path, {"title": "Endret"})
    assert response.status_code == expected(persona, MANAGERS)
    land.contract_shared.refresh_from_db()
    assert (land.contract_shared.title == "Endret") is (response.status_code == 200)


def test_editor_cannot_make_a_shared_contract(world: World, land: Landscape) -> None:
    token = token_for(world, "editor_a")
    both = [str(world.org_a.uuid), str(world.org_b.uuid)]
    body = RESOURCES["contracts"].body(world, land) | {"organisations": both}
    contracts = rows(Contract)
    assert call(token, "POST", f"{ALFA}/contracts", body).status_code == 403
    path = f"{ALFA}/contracts/{land.contract_a.uuid}"
    assert call(token, "PATCH", path, {"organisations": both}).status_code == 403
    body["organisations"] = [str(world.org_b.uuid)]
    assert call(token, "POST", f"{ALFA}/contracts", body).status_code == 403
    assert rows(Contract) == contracts
    assert list(land.contract_a.organisations.all()) == [world.org_a]


def test_editor_cannot_change_or_delete_existing_vendors_and_products(
    world: World, land: Landscape
) -> None:
    token = token_for(world, "editor_a")
    created = call(token, "POST", f"{ALFA}/vendors", {"name": "Egen"}).json()
    for path in (f"{ALFA}/vendors/{created['uuid']}", f"{ALFA}/products/{land.elements.uuid}"):
        assert call(token, "PATCH", path, {"name": "Nytt navn"}).status_code == 403
        assert call(token, "DELETE", path).status_code == 403
    assert Vendor.objects.filter(uuid=created["uuid"], name="Egen").exists()


def test_forbidden_change_answers_json_403(world: World, land: Landscape) -> None:
    path = f"{ALFA}/installations/{land.inst_a_sak.uuid}"
    response = api(world, "editor_b", "PATCH", path, {"users": 1})
    assert response.status_code == 403
    assert response.json()["detail"] == "Du kan bare endre data for din egen organisasjon."


# --- Output ----------------------------------------------------------------------------------


def test_installation_output(world: World, land: Landscape) -> None:
    services.installation_save(
        collaboration=world.alfa, installation=land.inst_a_sak, integrations=[land.inst_a_plo]
    )
    response = api(world, "viewer", "GET", f"{ALFA}/installations/{land.inst_a_sak.uuid}")
    assert response.json() == {
        "version": land.inst_a_sak.version,
        "uuid": str(land.inst_a_sak.uuid),
        "organisation": str(world.org_a.uuid),
        "organisation_name": "A kommune",
        "category": str(land.sak.uuid),
        "category_name": "Sak/arkiv",
        "product": str(land.elements.uuid),
        "product_name": "Elements",
        "users": 100,
        "user_groups": "",
        "lifecycle": "active",
        "functional_fit": 4,
        "technical_fit": 4,
        "computed_time_class": "invest",
        "time_override": None,
        "time_override_reason": "",
        "time_class": "invest",
        "integrations": [str(land.inst_a_plo.uuid)],
        "notes": "",
    }
    overridden = api(world, "viewer", "GET", f"{ALFA}/installations/{land.inst_a_plo.uuid}")
    body = overridden.json()
    assert (body["computed_time_class"], body["time_override"], body["time_class"]) == (
        "eliminate",
        "tolerate",
        "tolerate",
    )


@pytest.mark.parametrize(
    ("query", "expected_uuids"),
    [
        ("", ["inst_a_plo", "inst_b_plo", "inst_a_sak", "inst_b_sak"]),
        ("?organisation={org_b}", ["inst_b_plo", "inst_b_sak"]),
        ("?category={sak}", ["inst_a_sak", "inst_b_sak"]),
        ("?time_class=tolerate", ["inst_a_plo"]),
        ("?time_class=migrate&organisation={org_b}", ["inst_b_sak"]),
        ("?time_class=eliminate", []),
    ],
)
def test_installation_filters(
    world: World, land: Landscape, query: str, expected_uuids: list[str]
) -> None:
    query = query.format(org_b=world.org_b.uuid, sak=land.sak.uuid)
    response = api(world, "viewer", "GET", f"{ALFA}/installations{query}")
    assert response.status_code == 200
    assert [i["uuid"] for i in response.json()] == [
        str(getattr(land, name).uuid) for name in expected_uuids
    ]


def test_unknown_time_class_filter_is_422(world: World) -> None:
    assert api(world, "viewer", "GET", f"{ALFA}/installations?time_class=x").status_code == 422


def test_contract_output(world: World, land: Landscape) -> None:
    response = api(world, "viewer", "GET", f"{ALFA}/contracts/{land.contract_a.uuid}")
    body = response.json()
    assert body["organisations"] == [str(world.org_a.uuid)]
    assert body["products"] == [str(land.elements.uuid)]
    assert body["vendor"] == str(land.tieto.uuid)
    assert body["yearly_value"] == "200000.00"
    assert body["total_estimated_value"] is None
    assert body["end_date"] == "2027-12-31"
    assert body["notice_deadline"] == "2027-06-30"
    assert body["latest_end_date"] == "2029-12-31"


def test_contract_create_and_update_with_uuid_lists(world: World, land: Landscape) -> None:
    body = RESOURCES["contracts"].body(world, land) | {
        "organisations": [str(world.org_b.uuid), str(world.org_a.uuid)],
        "products": [str(land.gerica.uuid), str(land.elements.uuid)],
        "yearly_value": "1234567.89",
        "notice_period_months": 3,
    }
    response = api(world, "office", "POST", f"{ALFA}/contracts", body)
    assert response.status_code == 201
    created = response.json()
    assert sorted(created["organisations"]) == sorted(body["organisations"])
    assert sorted(created["products"]) == sorted(body["products"])
    assert (created["yearly_value"], created["notice_deadline"]) == ("1234567.89", "2028-09-30")
    # Products left out are kept; organisations given replace the stored ones.
    path = f"{ALFA}/contracts/{created['uuid']}"
    response = api(world, "office", "PATCH", path, {"organisations": [str(world.org_a.uuid)]})
    assert response.status_code == 200
    assert response.json()["organisations"] == [str(world.org_a.uuid)]
    assert sorted(response.json()["products"]) == sorted(body["products"])
    # null clears a nullable field.
    response = api(world, "office", "PATCH", path, {"yearly_value": None, "end_date": None})
    assert (response.json()["yearly_value"], response.json()["notice_deadline"]) == (None, None)


def test_ict_cost_exposure_defaults_by_category_and_income_is_stored_negative(
    world: World,
) -> None:
    path = f"{ALFA}/ict-costs"
    base = {"organisation": str(world.org_a.uuid), "year": 2026}
    licences = api(world, "admin", "POST", path, base | {"category": "licences", "amount": "10"})
    personnel = api(world, "admin", "POST", path, base | {"category": "personnel", "amount": "10"})
    income = api(world, "admin", "POST", path, base | {"category": "income", "amount": "99.5"})
    assert licences.json()["exposed_to_competition"] is True
    assert personnel.json()["exposed_to_competition"] is False
    assert income.json()["amount"] == "-99.50"


@pytest.mark.parametrize(
    ("query", "expected_names"),
    [
        ("", ["cost_a_licences", "cost_a_personnel", "cost_b_investment"]),
        ("?organisation={org_b}", ["cost_b_investment"]),
        ("?year=2025", ["cost_a_licences", "cost_a_personnel", "cost_b_investment"]),
        ("?year=2024", []),
    ],
)
def test_ict_cost_filters(
    world: World, land: Landscape, query: str, expected_names: list[str]
) -> None:
    query = query.format(org_b=world.org_b.uuid)
    response = api(world, "viewer", "GET", f"{ALFA}/ict-costs{query}")
    assert sorted(c["uuid"] for c in response.json()) == sorted(
        str(getattr(land, name).uuid) for name in expected_names
    )


def test_ict_cost_output(world: World, land: Landscape) -> None:
    response = api(world, "viewer", "GET", f"{ALFA}/ict-costs/{land.cost_b_investment.uuid}")
    assert response.json() == {
        "version": land.cost_b_investment.version,
        "uuid": str(land.cost_b_investment.uuid),
        "organisation": str(world.org_b.uuid),
        "organisation_name": "B kommune",
        "year": 2025,
        "kind": "investment",  # the service makes investments investments
        "category": "investment",
        "amount": "50000.00",
        "exposed_to_competition": True,
        "description": "",
    }


def test_target_choice_update_keeps_the_category(world: World, land: Landscape) -> None:
    path = f"{ALFA}/target-choices/{land.target_sak.uuid}"
    response = api(world, "admin", "PATCH", path, {"product": str(land.p360.uuid)})
    assert response.status_code == 200
    assert (response.json()["category"], response.json()["product"]) == (
        str(land.sak.uuid),
        str(land.p360.uuid),
    )
    assert response.json()["rationale"] == "Flest brukere."
    assert TargetChoice.objects.filter(collaboration=world.alfa).count() == 1


def test_catalogue_in_use_cannot_be_deleted(world: World, land: Landscape) -> None:
    for path in (
        f"{ALFA}/categories/{land.sak.uuid}",
        f"{ALFA}/service-areas/{land.sak.service_area.uuid}",
        f"{ALFA}/vendors/{land.tieto.uuid}",
        f"{ALFA}/products/{land.elements.uuid}",
    ):
        response = api(world, "admin", "DELETE", path)
        assert response.status_code == 422, path
        assert "kan ikke slettes" in response.json()["detail"]
    assert SystemCategory.objects.filter(pk=land.sak.pk).exists()
    assert Product.objects.filter(pk=land.elements.pk).exists()


# --- Bad input writes nothing ----------------------------------------------------------------


def installation_body(world: World, land: Landscape, **changes: Any) -> dict[str, Any]:
    return RESOURCES["installations"].body(world, land) | changes


CREATE_BAD_INPUT = [
    ("installations", {"functional_fit": 5}, "less than or equal to 4"),
    ("installations", {"technical_fit": 0}, "greater than or equal to 1"),
    ("installations", {"time_override": "invest"}, "Begrunn hvorfor"),
    ("installations", {"time_override": "invest", "time_override_reason": "  "}, "Begrunn"),
    ("installations", {"product": "{beta_product}"}, "Finnes ikke i samarbeidet"),
    ("installations", {"category": "{beta_category}"}, "Finnes ikke i samarbeidet"),
    ("installations", {"organisation": "{org_c}"}, "Ikke medlem av samarbeidet"),
    ("installations", {"integrations": ["{beta_installation}"]}, "Finnes ikke"),
    ("installations", {"product": "{elements}", "category": "{sak}"}, "finnes allerede"),
    ("installations", {"lifecycle": "dead"}, "lifecycle"),
    ("installations", {"users": -1}, "greater than or equal to 0"),
    ("ict-costs", {"amount": "-5"}, "kan ikke være negative"),
    ("ict-costs", {"year": 1800}, "greater than or equal to 1990"),
    ("ict-costs", {"organisation": "{org_c}"}, "Ikke medlem av samarbeidet"),
    ("ict-costs", {"category": "coffee"}, "category"),
    ("ict-costs", {"amount": "1.234"}, "decimal"),
    ("contracts", {"start_date": "2027-01-01", "end_date": "2026-12-31"}, "før startdatoen"),
    ("contracts", {"products": ["{beta_product}"]}, "Finnes ikke i samarbeidet"),
    ("contracts", {"organisations": ["{org_c}"]}, "Ikke medlem av samarbeidet"),
    ("contracts", {"organisations": []}, "minst én avtalepart"),
    ("contracts", {"vendor": "{beta_product}"}, "Finnes ikke i samarbeidet"),
    ("contracts", {"yearly_value": "-1"}, "greater than or equal to 0"),
    ("contracts", {"extension_options": 2}, "måneder per opsjon"),
    ("contracts", {"number": "A-1"}, "finnes allerede"),
    ("contracts", {"document_url": "ikke en lenke"}, "document_url"),
    ("products", {"vendor": "{beta_product}"}, "Finnes ikke i samarbeidet"),
    ("products", {"name": "Elements"}, "finnes allerede"),
    ("products", {"hosting": "cloud"}, "hosting"),
    ("vendors", {"name": ""}, "name"),
    ("vendors", {"website": "ikke en lenke"}, "website"),
    ("categories", {"service_area": "{sak}"}, "Finnes ikke i samarbeidet"),
    ("categories", {"code": "ADM-SAK"}, "finnes allerede"),
    ("service-areas", {"order": -1}, "greater than or equal to 0"),
    ("target-choices", {"rationale": " "}, "Skriv hvorfor"),
    ("target-choices", {"product": "{beta_product}"}, "Finnes ikke i samarbeidet"),
    ("target-choices", {"decided_on": "i fjor"}, "decided_on"),
]


def fill(value: Any, world: World, land: Landscape) -> Any:
    names = {
        "org_c": world.org_c.uuid,
        "beta_product": land.beta_product.uuid,
        "beta_installation": land.beta_installation.uuid,
        "beta_category": land.beta_installation.category.uuid,
        "elements": land.elements.uuid,
        "sak": land.sak.uuid,
    }
    if isinstance(value, list):
        return [fill(v, world, land) for v in value]
    return value.format(**names) if isinstance(value, str) else value


LANDSCAPE_MODELS = (
    ServiceArea,
    SystemCategory,
    Vendor,
    Product,
    Installation,
    Contract,
    IctCost,
    TargetChoice,
)


def history_rows() -> int:
    return sum(model.history.count() for model in LANDSCAPE_MODELS)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "changes", "message"), CREATE_BAD_INPUT)
def test_create_refuses_bad_input_and_writes_nothing(
    world: World, land: Landscape, name: str, changes: dict[str, Any], message: str
) -> None:
    resource = RESOURCES[name]
    body = resource.body(world, land) | {k: fill(v, world, land) for k, v in changes.items()}
    before = (rows(resource.model), history_rows())
    response = api(world, "admin", "POST", f"{ALFA}/{resource.path}", body)
    assert response.status_code == 422, response.content
    assert message in message_of(response)
    assert (rows(resource.model), history_rows()) == before


UPDATE_BAD_INPUT = [
    ("installations", "inst_a_sak", {"functional_fit": 5}, "less than or equal to 4"),
    ("installations", "inst_a_sak", {"time_override": "eliminate"}, "Begrunn hvorfor"),
    ("installations", "inst_a_sak", {"product": "{beta_product}"}, "Finnes ikke"),
    ("installations", "inst_a_sak", {"organisation": "{org_c}"}, "Ikke medlem"),
    ("installations", "inst_a_sak", {"organisation": None}, "kan ikke være tomt"),
    ("installations", "inst_a_sak", {"integrations": ["{beta_installation}"]}, "Finnes ikke"),
    ("ict-costs", "cost_a_licences", {"amount": "-1"}, "kan ikke være negative"),
    ("ict-costs", "cost_a_licences", {"exposed_to_competition": None}, "kan ikke være tomt"),
    ("contracts", "contract_a", {"end_date": "2024-12-31"}, "før startdatoen"),
    ("contracts", "contract_a", {"products": ["{beta_product}"]}, "Finnes ikke"),
    ("contracts", "contract_a", {"organisations": []}, "minst én avtalepart"),
    ("contracts", "contract_a", {"vendor": None}, "kan ikke være tomt"),
    ("contracts", "contract_a", {"extension_option_months": 0}, "måneder per opsjon"),
    ("products", "elements", {"name": "Gerica"}, "finnes allerede"),
    ("products", "elements", {"name": None}, "name"),
    ("categories", "sak", {"service_area": "{beta_category}"}, "Finnes ikke"),
    ("target-choices", "target_sak", {"rationale": ""}, "Skriv hvorfor"),
    ("target-choices", "target_sak", {"decided_on": None}, "kan ikke være tomt"),
]


@pytest.mark.parametrize(("name", "attribute", "changes", "message"), UPDATE_BAD_INPUT)
def test_update_refuses_bad_input_and_writes_nothing(
    world: World,
    land: Landscape,
    name: str,
    attribute: str,
    changes: dict[str, Any],
    message: str,
) -> None:
    obj = getattr(land, attribute)
    body = {k: fill(v, world, land) for k, v in changes.items()}
    before = history_rows()
    stored = type(obj)._default_manager.filter(pk=obj.pk).values().get()
    response = api(world, "admin", "PATCH", f"{ALFA}/{name}/{obj.uuid}", body)
    assert response.status_code == 422, response.content
    assert message in message_of(response)
    assert type(obj)._default_manager.filter(pk=obj.pk).values().get() == stored
    assert history_rows() == before
    if isinstance(obj, Contract):
        assert list(obj.organisations.all()) == [world.org_a]
        assert list(obj.products.all()) == [land.elements]


def test_validation_error_answers_with_a_readable_message(world: World, land: Landscape) -> None:
    body = installation_body(world, land, time_override="invest")
    response = api(world, "admin", "POST", f"{ALFA}/installations", body)
    assert response.json() == {
        "detail": "Begrunn hvorfor TIME-klassen overstyres.",
        "errors": {"time_override_reason": ["Begrunn hvorfor TIME-klassen overstyres."]},
    }


# --- Analysis --------------------------------------------------------------------------------

ANALYSIS = [
    "harmonisation",
    "consolidation",
    "contract-timeline",
    "ict-costs",
    "target-portfolio",
    "exit-plan",
]


@pytest.mark.parametrize(("name", "persona"), [(n, p) for n in ANALYSIS for p in PERSONAS])
def test_analysis_is_read_by_everyone_in_the_collaboration(
    world: World, land: Landscape, name: str, persona: str
) -> None:
    response = api(world, persona, "GET", f"{ALFA}/landscape/{name}")
    assert response.status_code == expected(persona, EVERYONE_IN_ALFA)
    if response.status_code == 200:
        assert str(land.beta_product.uuid) not in response.content.decode()


def test_harmonisation(world: World, land: Landscape) -> None:
    body = api(world, "viewer", "GET", f"{ALFA}/landscape/harmonisation").json()
    assert [row["category"]["code"] for row in body] == ["ADM-SAK", "HSO-PLO"]
    sak, plo = body
    assert sak["service_area"] == "Administrasjon og ledelse"
    assert (sak["member_count"], sak["distinct_products"], sak["users"]) == (2, 2, 400)
    assert (sak["yearly_cost"], sak["contracts_ending"]) == ("260000.00", 2)
    assert sak["target"] == {"uuid": str(land.elements.uuid), "name": "Elements"}
    assert [p["product"]["name"] for p in sak["products"]] == ["Elements", "Public 360"]
    elements = sak["products"][0]
    assert elements["organisations"] == [{"uuid": str(world.org_a.uuid), "name": "A kommune"}]
    assert (elements["used_in"], elements["users"], elements["yearly_cost"]) == (
        "1/2",
        100,
        "200000.00",
    )
    assert [c["number"] for c in elements["contracts_ending"]] == ["A-1"]
    assert (plo["distinct_products"], plo["products"][0]["used_in"]) == (1, "2/2")
    assert plo["target"] is None
    assert plo["yearly_cost"] == "900000.00"


def test_consolidation_with_score_parts(world: World, land: Landscape) -> None:
    body = api(world, "viewer", "GET", f"{ALFA}/landscape/consolidation").json()
    assert [row["category"]["code"] for row in body] == ["ADM-SAK", "HSO-PLO"]
    sak, plo = body
    # Products: 1 surplus of 1; cost 260 000 of 900 000; contracts ending 2 of 2; users 400 of 400.
    assert sak["parts"] == {
        "products": "0.400",
        "cost": "0.087",
        "contracts": "0.200",
        "users": "0.100",
    }
    assert sak["score"] == "0.787"
    assert plo["parts"] == {
        "products": "0.000",
        "cost": "0.300",
        "contracts": "0.100",
        "users": "0.100",
    }
    assert plo["score"] == "0.500"
    assert (
        sak["distinct_products"],
        sak["yearly_cost"],
        sak["contracts_ending"],
        sak["users"],
    ) == (
        2,
        "260000.00",
        2,
        400,
    )


def test_contract_timeline_with_flags(world: World, land: Landscape) -> None:
    body = api(world, "viewer", "GET", f"{ALFA}/landscape/contract-timeline").json()
    by_number = {entry["contract"]["number"]: entry for entry in body}
    assert [entry["contract"]["number"] for entry in body] == ["F-1", "A-1", "B-1"]
    flags = ("ends_inside_horizon", "needs_procurement", "above_threshold", "notice_passed")
    # Shared: ends in September with no options, worth ~3.6 million, notice was due in March.
    assert [by_number["F-1"][f] for f in flags] == [True, True, True, True]
    # A: has options; 200 000 a year for five years stays below the threshold.
    assert [by_number["A-1"][f] for f in flags] == [True, False, False, False]
    assert [by_number["B-1"][f] for f in flags] == [True, True, False, False]
    assert by_number["F-1"]["notice_deadline"] == "2026-03-30"
    assert by_number["A-1"]["latest_end_date"] == "2029-12-31"
    assert [o["name"] for o in by_number["F-1"]["organisations"]] == ["A kommune", "B kommune"]
    assert by_number["A-1"]["vendor_name"] == "Tieto"


def test_ict_cost_table(world: World, land: Landscape) -> None:
    body = api(world, "viewer", "GET", f"{ALFA}/landscape/ict-costs").json()
    assert body["years"] == [2025]
    a, b = body["organisations"]
    assert a["organisation"] == {"uuid": str(world.org_a.uuid), "name": "A kommune"}
    assert a["years"] == [
        {
            "year": 2025,
            "operating": "400000.00",
            "investment": "0.00",
            "total": "400000.00",
            "exposed": "100000.00",
            "exposed_share": "0.2500",
            "by_category": {"licences": "100000.00", "personnel": "300000.00"},
        }
    ]
    year = b["years"][0]
    assert (year["investment"], year["total"], year["exposed_share"]) == (
        "50000.00",
        "50000.00",
        "1.0000",
    )


def test_ict_cost_table_share_is_null_without_costs(world: World, land: Landscape) -> None:
    services.ict_cost_save(
        collaboration=world.alfa,
        organisation=world.org_a,
        year=2026,
        kind="operating",
        category="income",
        amount=Decimal("0"),
    )
    body = api(world, "viewer", "GET", f"{ALFA}/landscape/ict-costs").json()
    assert body["years"] == [2025, 2026]
    # Every organisation has every year; without costs the share is null.
    for row in body["organisations"]:
        assert row["years"][1]["total"] == "0.00"
        assert row["years"][1]["exposed_share"] is None


def test_target_portfolio(world: World, land: Landscape) -> None:
    body = api(world, "viewer", "GET", f"{ALFA}/landscape/target-portfolio").json()
    assert len(body) == 1
    (sak,) = body
    assert sak["choice"] == str(land.target_sak.uuid)
    assert sak["category"]["code"] == "ADM-SAK"
    assert sak["target"]["name"] == "Elements"
    assert sak["migration_deadline"] == "2028-01-01"
    assert [
        (t["organisation"]["name"], t["action"], [p["name"] for p in t["current"]])
        for t in sak["transitions"]
    ] == [
        ("A kommune", "keep", ["Elements"]),
        ("B kommune", "migrate", ["Public 360"]),
    ]


def test_exit_plan(world: World, land: Landscape) -> None:
    body = api(world, "viewer", "GET", f"{ALFA}/landscape/exit-plan").json()
    assert [(i["kind"], i["deadline"], i["product"]["name"]) for i in body] == [
        ("migrate", "2028-01-01", "Public 360"),
        ("terminate", "2029-09-30", "Public 360"),
    ]
    migrate, terminate = body
    assert migrate["organisation"]["name"] == "B kommune"
    assert migrate["target"]["name"] == "Elements"
    assert migrate["contract"] is None
    assert terminate["contract"]["number"] == "B-1"
    assert terminate["category"]["code"] == "ADM-SAK"


# --- Query counts ----------------------------------------------------------------------------


def grow(world: World, land: Landscape, count: int) -> None:
    """``count`` more members, each with a product, an installation, a contract and costs."""
    for number in range(count):
        organisation = organisation_services.organisation_create_as_member(
            collaboration=world.alfa, name=f"Kommune {number:02}"
        ).organisation
        product = services.product_save(
            collaboration=world.alfa, vendor=land.visma, name=f"System {number:02}"
        )
        services.installation_save(
            collaboration=world.alfa,
            organisation=organisation,
            category=land.sak,
            product=product,
            users=10,
            functional_fit=2,
            technical_fit=3,
            integrations=[land.inst_a_sak],
        )
        services.contract_save(
            collaboration=world.alfa,
            organisations=[organisation, world.org_a],
            products=[product, land.elements],
            number=f"N-{number}",
            title="Ny",
            vendor=land.visma,
            end_date=datetime.date(2027, 1, 1),
            yearly_value=Decimal(1000),
        )
        for category_ in ("licences", "investment"):
            services.ict_cost_save(
                collaboration=world.alfa,
                organisation=organisation,
                year=2024 + number % 3,
                kind="operating",
                category=category_,
                amount=Decimal(100),
                exposed_to_competition=True,
            )


# Token lookup and marking it used, the user's role in alfa, then the reads.
QUERY_PATHS = [
    ("installations", 5),  # installations, their integrations
    ("contracts", 6),  # contracts, parties, products
    ("ict-costs", 4),
    ("landscape/harmonisation", 11),  # members, categories, products, installations, contracts …
    ("landscape/consolidation", 11),
    ("landscape/contract-timeline", 6),
    ("landscape/ict-costs", 6),  # organisations with costs, years, sums
    ("landscape/target-portfolio", 7),
    ("landscape/exit-plan", 13),
]


@pytest.mark.parametrize(("path", "queries"), QUERY_PATHS)
def test_query_count_does_not_grow_with_the_data(
    world: World, land: Landscape, django_assert_max_num_queries: Any, path: str, queries: int
) -> None:
    counts, bodies = [], []
    for extra in (0, 6):
        grow(world, land, extra)
        token = token_for(world, "viewer")
        with django_assert_max_num_queries(queries) as captured:
            response = call(token, "GET", f"{ALFA}/{path}")
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
        bodies.append(response.json())
    assert counts[0] == counts[1]
    assert bodies[0] != bodies[1]


# --- OpenAPI ---------------------------------------------------------------------------------

PATHS = {
    **{f"/api/v1/collaborations/{{slug}}/{name}": {"get", "post"} for name in RESOURCES},
    **{
        f"/api/v1/collaborations/{{slug}}/{name}/{{{key}}}": {"get", "patch", "delete"}
        for name, key in [
            ("service-areas", "area_id"),
            ("categories", "category_id"),
            ("vendors", "vendor_id"),
            ("products", "product_id"),
            ("installations", "installation_id"),
            ("contracts", "contract_id"),
            ("ict-costs", "cost_id"),
            ("target-choices", "choice_id"),
        ]
    },
    **{f"/api/v1/collaborations/{{slug}}/landscape/{name}": {"get"} for name in ANALYSIS},
}


@pytest.mark.django_db
def test_openapi_describes_the_landscape() -> None:
    schema = call(None, "GET", "/openapi.json").json()
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) == methods, path
        for operation in schema["paths"][path].values():
            assert operation["security"] == [{"BearerToken": []}]
            assert "401" in operation["responses"]
    contract = schema["components"]["schemas"]["ContractOut"]["properties"]
    assert {"notice_deadline", "latest_end_date"} <= set(contract)
    assert contract["yearly_value"]["anyOf"][0]["type"] == "string"
    cost_year = schema["components"]["schemas"]["CostYearOut"]["properties"]
    assert cost_year["total"]["type"] == "string"
    installation = schema["components"]["schemas"]["InstallationOut"]["properties"]
    assert {"computed_time_class", "time_class"} <= set(installation)
