"""The landscape's pages: who may open and post to which, bad input, the analyses' figures
and their query counts.

A small landscape in "alfa" is built through the services: two products in "Sak/arkiv", one
installation for A and one for B, a contract with A alone and one with A and B, a cost line
for each, and a target choice. Beside every allowed path stands a forbidden one.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World
from samla.core import dates
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
from samla.organisations.models import Organisation

PERSONAS = ["admin", "office", "editor_a", "editor_b", "viewer", "outsider"]
EVERYONE_IN_ALFA = {"admin", "office", "editor_a", "editor_b", "viewer"}
MANAGERS = {"admin", "office"}
EDITORS = {"editor_a", "editor_b"}
NBSP = "\xa0"


# --- The landscape ---------------------------------------------------------------------------


@dataclass
class Landscape:
    world: World
    adm: ServiceArea
    hso: ServiceArea
    spare_area: ServiceArea  # no categories: may be deleted
    sak: SystemCategory
    oko: SystemCategory
    plo: SystemCategory
    spare_category: SystemCategory  # no installations: may be deleted
    vendor: Vendor
    spare_vendor: Vendor  # no products or contracts: may be deleted
    product: Product  # used by A
    product_b: Product  # used by B
    spare_product: Product  # used by nobody: may be deleted
    inst_a: Installation
    inst_b: Installation
    contract_a: Contract  # A alone
    contract_ab: Contract  # A and B
    cost_a: IctCost
    cost_b: IctCost
    choice: TargetChoice


def build_landscape(world: World) -> Landscape:
    alfa = world.alfa
    areas = {a.code: a for a in ServiceArea.objects.filter(collaboration=alfa)}
    categories = {c.code: c for c in SystemCategory.objects.filter(collaboration=alfa)}
    spare_area = services.service_area_save(
        collaboration=alfa, code="TST", name="Testområde", order=99
    )
    spare_category = services.category_save(
        collaboration=alfa, service_area=areas["ADM"], code="ADM-TST", name="Testkategori", order=99
    )
    vendor = services.vendor_save(
        collaboration=alfa, name="Tieto", organisation_number="", website=""
    )
    spare_vendor = services.vendor_save(collaboration=alfa, name="Ubrukt leverandør")
    product = services.product_save(
        collaboration=alfa, name="Public 360", vendor=vendor, hosting=Product.Hosting.ON_PREMISES
    )
    product_b = services.product_save(collaboration=alfa, name="WebSak", vendor=vendor)
    spare_product = services.product_save(collaboration=alfa, name="Ubrukt system", vendor=vendor)
    inst_a = services.installation_save(
        collaboration=alfa,
        organisation=world.org_a,
        category=categories["ADM-SAK"],
        product=product,
        users=300,
        functional_fit=3,
        technical_fit=3,
    )
    inst_b = services.installation_save(
        collaboration=alfa,
        organisation=world.org_b,
        category=categories["ADM-SAK"],
        product=product_b,
        users=900,
        functional_fit=2,
        technical_fit=1,
    )
    today = dates.today()
    contract_a = services.contract_save(
        collaboration=alfa,
        organisations=[world.org_a],
        products=[product],
        number="A-1",
        title="Sak og arkiv for A",
        vendor=vendor,
        start_date=datetime.date(today.year - 3, 1, 1),
        end_date=datetime.date(today.year + 1, 12, 31),
        notice_period_months=6,
        yearly_value=Decimal(500_000),
    )
    contract_ab = services.contract_save(
        collaboration=alfa,
        organisations=[world.org_a, world.org_b],
        products=[product_b],
        number="AB-1",
        title="Felles sak og arkiv",
        vendor=vendor,
        start_date=datetime.date(today.year - 2, 1, 1),
        end_date=datetime.date(today.year + 2, 12, 31),
        extension_options=2,
        extension_option_months=12,
        notice_period_months=3,
        yearly_value=Decimal(800_000),
    )
    cost_a = services.ict_cost_save(
        collaboration=alfa,
        organisation=world.org_a,
        year=2024,
        kind=IctCost.Kind.OPERATING,
        category=IctCost.Category.LICENCES,
        amount=Decimal(1_000_000),
        exposed_to_competition=True,
    )
    cost_b = services.ict_cost_save(
        collaboration=alfa,
        organisation=world.org_b,
        year=2024,
        kind=IctCost.Kind.OPERATING,
        category=IctCost.Category.PERSONNEL,
        amount=Decimal(2_000_000),
    )
    choice = services.target_choice_set(
        collaboration=alfa,
        category=categories["ADM-SAK"],
        product=product,
        decided_by="Programstyret",
        decided_on=datetime.date(today.year, 1, 15),
        rationale="Best i test.",
        migration_deadline=datetime.date(today.year + 1, 12, 31),
    )
    return Landscape(
        world=world,
        adm=areas["ADM"],
        hso=areas["HSO"],
        spare_area=spare_area,
        sak=categories["ADM-SAK"],
        oko=categories["ADM-OKO"],
        plo=categories["HSO-PLO"],
        spare_category=spare_category,
        vendor=vendor,
        spare_vendor=spare_vendor,
        product=product,
        product_b=product_b,
        spare_product=spare_product,
        inst_a=inst_a,
        inst_b=inst_b,
        contract_a=contract_a,
        contract_ab=contract_ab,
        cost_a=cost_a,
        cost_b=cost_b,
        choice=choice,
    )


@pytest.fixture
def land(world: World) -> Landscape:
    return build_landscape(world)


def client_for(land: Landscape, persona: str | None) -> Client:
    return land.world.client_for(persona)


# --- Addresses --------------------------------------------------------------------------------

UrlMaker = Callable[[Landscape], str]
REGISTER_SLUGS = [
    "installasjoner",
    "avtaler",
    "kostnader",
    "systemer",
    "leverandorer",
    "kategorier",
    "tjenesteomrader",
]


def landscape_url(name: str, *args: Any) -> UrlMaker:
    return lambda land: reverse(f"landscape:{name}", args=["alfa", *args])


def register(name: str, slug: str, attribute: str | None = None) -> UrlMaker:
    def make(land: Landscape) -> str:
        args: list[Any] = ["alfa", slug]
        if attribute is not None:
            args.append(getattr(land, attribute).uuid)
        return reverse(f"landscape:{name}", args=args)

    return make


# One object of every register to open; for the org-bound ones both A's and B's.
DETAIL_OBJECTS: list[tuple[str, str]] = [
    ("installasjoner", "inst_a"),
    ("installasjoner", "inst_b"),
    ("avtaler", "contract_a"),
    ("avtaler", "contract_ab"),
    ("kostnader", "cost_a"),
    ("kostnader", "cost_b"),
    ("systemer", "product"),
    ("leverandorer", "vendor"),
    ("kategorier", "sak"),
    ("tjenesteomrader", "adm"),
]

# Who may change each object: managers, and the editor of the organisation it belongs to
# (for contracts: only when that organisation is the only party).
MAY_CHANGE: dict[str, set[str]] = {
    "inst_a": MANAGERS | {"editor_a"},
    "inst_b": MANAGERS | {"editor_b"},
    "contract_a": MANAGERS | {"editor_a"},
    "contract_ab": MANAGERS,
    "cost_a": MANAGERS | {"editor_a"},
    "cost_b": MANAGERS | {"editor_b"},
    "product": MANAGERS,
    "spare_product": MANAGERS,
    "vendor": MANAGERS,
    "spare_vendor": MANAGERS,
    "sak": MANAGERS,
    "spare_category": MANAGERS,
    "adm": MANAGERS,
    "spare_area": MANAGERS,
}

# Who may create in each register.
MAY_CREATE: dict[str, set[str]] = {
    "installasjoner": MANAGERS | EDITORS,
    "avtaler": MANAGERS | EDITORS,
    "kostnader": MANAGERS | EDITORS,
    "systemer": MANAGERS | EDITORS,
    "leverandorer": MANAGERS | EDITORS,
    "kategorier": MANAGERS,
    "tjenesteomrader": MANAGERS,
}

GET_PAGES: list[tuple[str, UrlMaker, set[str]]] = [
    ("matrix", landscape_url("matrix"), EVERYONE_IN_ALFA),
    ("harmonisation", landscape_url("harmonisation"), EVERYONE_IN_ALFA),
    ("consolidation", landscape_url("consolidation"), EVERYONE_IN_ALFA),
    ("contract timeline", landscape_url("contract_timeline"), EVERYONE_IN_ALFA),
    ("ict costs", landscape_url("ict_costs"), EVERYONE_IN_ALFA),
    ("target portfolio", landscape_url("target_portfolio"), EVERYONE_IN_ALFA),
    *[
        (f"{slug} list", register("register_list", slug), EVERYONE_IN_ALFA)
        for slug in REGISTER_SLUGS
    ],
    *[
        (f"{slug} new", register("register_create", slug), MAY_CREATE[slug])
        for slug in REGISTER_SLUGS
    ],
    *[
        (f"{slug} detail {attr}", register("register_detail", slug, attr), EVERYONE_IN_ALFA)
        for slug, attr in DETAIL_OBJECTS
    ],
    *[
        (f"{slug} edit {attr}", register("register_edit", slug, attr), MAY_CHANGE[attr])
        for slug, attr in DETAIL_OBJECTS
    ],
]


# The personas are looped inside each test rather than parametrised: the landscape is built
# once per page instead of once per persona and page, and every failure names its persona.
@pytest.mark.parametrize("page", GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_get_page(land: Landscape, page: tuple[str, UrlMaker, set[str]]) -> None:
    _, make_url, allowed = page
    url = make_url(land)
    for persona in PERSONAS:
        response = client_for(land, persona).get(url)
        if persona in allowed:
            expected = 200
        elif persona == "outsider":
            expected = 404
        else:
            expected = 403
        assert response.status_code == expected, (
            f"{persona} on {url}: {response.status_code}, not {expected}"
        )
        if persona == "outsider":
            assert b"A kommune" not in response.content
            assert b"Public 360" not in response.content
    response = client_for(land, None).get(url)
    assert response.status_code == 302, f"anonymous on {url}"
    assert response["Location"].startswith(reverse("account_login"))


def test_unknown_register_and_objects_of_other_collaborations_are_404(land: Landscape) -> None:
    client = client_for(land, "admin")
    assert client.get("/s/alfa/landskap/finnes-ikke/").status_code == 404
    assert (
        client.get(
            "/s/alfa/landskap/installasjoner/00000000-0000-0000-0000-000000000000/"
        ).status_code
        == 404
    )
    assert client.get("/s/alfa/landskap/installasjoner/ikke-en-uuid/").status_code == 404
    # An installation of alfa, asked for under beta by beta's administrator, is not found.
    url = reverse("landscape:register_detail", args=["beta", "installasjoner", land.inst_a.uuid])
    assert client_for(land, "outsider").get(url).status_code == 404
    # Nor is a register object asked for under the wrong register.
    url = reverse("landscape:register_detail", args=["alfa", "avtaler", land.inst_a.uuid])
    assert client.get(url).status_code == 404


# --- POST actions -----------------------------------------------------------------------------


def _org_for(land: Landscape, persona: str) -> Organisation:
    return land.world.org_b if persona == "editor_b" else land.world.org_a


CreateData = Callable[[Landscape, str], dict[str, Any]]

CREATE_DATA: dict[str, CreateData] = {
    "installasjoner": lambda land, persona: {
        "organisation": _org_for(land, persona).uuid,
        "category": land.oko.uuid,
        "product": land.product.uuid,
        "users": "40",
        "lifecycle": "active",
        "functional_fit": "3",
        "technical_fit": "2",
        "time_override": "",
        "time_override_reason": "",
        "user_groups": "",
        "notes": "",
    },
    "avtaler": lambda land, persona: {
        "number": "NY-1",
        "title": "Ny avtale",
        "vendor": land.vendor.uuid,
        "organisations": [_org_for(land, persona).uuid],
        "start_date": "01.01.2025",
        "end_date": "31.12.2027",
        "extension_options": "1",
        "extension_option_months": "12",
        "notice_period_months": "6",
        "yearly_value": "100 000",
        "total_estimated_value": "",
        "procedure": "open",
        "document_url": "",
    },
    "kostnader": lambda land, persona: {
        "organisation": _org_for(land, persona).uuid,
        "year": "2025",
        "kind": "operating",
        "category": "licences",
        "amount": "250 000",
        "exposed_to_competition": "on",
        "description": "",
    },
    "systemer": lambda land, persona: {
        "name": "Nytt system",
        "vendor": land.vendor.uuid,
        "version": "1.0",
        "hosting": "saas",
        "description": "",
    },
    "leverandorer": lambda land, persona: {
        "name": "Ny leverandør",
        "organisation_number": "",
        "website": "",
    },
    "kategorier": lambda land, persona: {
        "service_area": land.adm.uuid,
        "code": "ADM-NY",
        "name": "Ny kategori",
        "description": "",
        "examples": "",
        "order": "50",
    },
    "tjenesteomrader": lambda land, persona: {"code": "NY", "name": "Nytt område", "order": "50"},
}

REGISTER_MODELS: dict[str, type[Any]] = {
    "installasjoner": Installation,
    "avtaler": Contract,
    "kostnader": IctCost,
    "systemer": Product,
    "leverandorer": Vendor,
    "kategorier": SystemCategory,
    "tjenesteomrader": ServiceArea,
}


def _expected(persona: str, allowed: set[str], ok: int = 302) -> int:
    if persona in allowed:
        return ok
    return 404 if persona == "outsider" else 403


@pytest.mark.parametrize("persona", [*PERSONAS, None])
@pytest.mark.parametrize("slug", REGISTER_SLUGS)
def test_create_post(land: Landscape, slug: str, persona: str | None) -> None:
    model = REGISTER_MODELS[slug]
    before = model.objects.count()
    data = CREATE_DATA[slug](land, persona or "admin")
    response = client_for(land, persona).post(
        reverse("landscape:register_create", args=["alfa", slug]), data
    )
    if persona is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert model.objects.count() == before
        return
    expected = _expected(persona, MAY_CREATE[slug])
    assert response.status_code == expected, response.content.decode()[:3000]
    assert model.objects.count() == before + (expected == 302)
    if expected == 302:
        created = model.objects.order_by("-pk").first()
        assert response["Location"] == reverse(
            "landscape:register_detail", args=["alfa", slug, created.uuid]
        )


# (register, object, the field to change, a value, how to read it back)
EDITS: list[tuple[str, str, str, str, Callable[[Any], Any], Any]] = [
    ("installasjoner", "inst_a", "users", "123", lambda o: o.users, 123),
    ("installasjoner", "inst_b", "users", "123", lambda o: o.users, 123),
    ("avtaler", "contract_a", "title", "Endret", lambda o: o.title, "Endret"),
    ("avtaler", "contract_ab", "title", "Endret", lambda o: o.title, "Endret"),
    ("kostnader", "cost_a", "amount", "7 000", lambda o: o.amount, Decimal(7000)),
    ("kostnader", "cost_b", "amount", "7 000", lambda o: o.amount, Decimal(7000)),
    ("systemer", "product", "name", "Endret", lambda o: o.name, "Endret"),
    ("leverandorer", "vendor", "name", "Endret", lambda o: o.name, "Endret"),
    ("kategorier", "sak", "name", "Endret", lambda o: o.name, "Endret"),
    ("tjenesteomrader", "adm", "name", "Endret", lambda o: o.name, "Endret"),
]


def _edit_data(land: Landscape, slug: str, obj: Any) -> dict[str, Any]:
    """The object's current values as its form would post them."""
    if slug == "installasjoner":
        return {
            "organisation": obj.organisation.uuid,
            "category": obj.category.uuid,
            "product": obj.product.uuid,
            "users": obj.users,
            "lifecycle": obj.lifecycle,
            "functional_fit": obj.functional_fit or "",
            "technical_fit": obj.technical_fit or "",
            "time_override": "",
            "time_override_reason": "",
            "user_groups": "",
            "notes": "",
        }
    if slug == "avtaler":
        return {
            "number": obj.number,
            "title": obj.title,
            "vendor": obj.vendor.uuid,
            "organisations": [o.uuid for o in obj.organisations.all()],
            "products": [p.uuid for p in obj.products.all()],
            "start_date": obj.start_date.isoformat(),
            "end_date": obj.end_date.isoformat(),
            "extension_options": obj.extension_options,
            "extension_option_months": obj.extension_option_months,
            "notice_period_months": obj.notice_period_months,
            "yearly_value": obj.yearly_value,
            "total_estimated_value": "",
            "procedure": obj.procedure,
            "document_url": "",
        }
    if slug == "kostnader":
        return {
            "organisation": obj.organisation.uuid,
            "year": obj.year,
            "kind": obj.kind,
            "category": obj.category,
            "amount": abs(obj.amount),
            "exposed_to_competition": "on" if obj.exposed_to_competition else "",
            "description": obj.description,
        }
    if slug == "systemer":
        return {
            "name": obj.name,
            "vendor": obj.vendor.uuid,
            "version": obj.version,
            "hosting": obj.hosting,
            "description": "",
        }
    if slug == "leverandorer":
        return {
            "name": obj.name,
            "organisation_number": obj.organisation_number,
            "website": obj.website,
        }
    if slug == "kategorier":
        return {
            "service_area": obj.service_area.uuid,
            "code": obj.code,
            "name": obj.name,
            "description": obj.description,
            "examples": obj.examples,
            "order": obj.order,
        }
    return {"code": obj.code, "name": obj.name, "order": obj.order}


@pytest.mark.parametrize("persona", [*PERSONAS, None])
@pytest.mark.parametrize(
    ("slug", "attribute", "field", "value", "read", "stored"),
    EDITS,
    ids=[f"{e[0]}-{e[1]}" for e in EDITS],
)
def test_edit_post(
    land: Landscape,
    slug: str,
    attribute: str,
    field: str,
    value: str,
    read: Callable[[Any], Any],
    stored: Any,
    persona: str | None,
) -> None:
    obj = getattr(land, attribute)
    original = read(obj)
    data = {**_edit_data(land, slug, obj), field: value}
    url = reverse("landscape:register_edit", args=["alfa", slug, obj.uuid])
    response = client_for(land, persona).post(url, data)
    obj.refresh_from_db()
    if persona is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert read(obj) == original
        return
    expected = _expected(persona, MAY_CHANGE[attribute])
    assert response.status_code == expected, response.content.decode()[:3000]
    assert read(obj) == (stored if expected == 302 else original)


DELETES: list[tuple[str, str]] = [
    ("installasjoner", "inst_a"),
    ("installasjoner", "inst_b"),
    ("avtaler", "contract_a"),
    ("avtaler", "contract_ab"),
    ("kostnader", "cost_a"),
    ("kostnader", "cost_b"),
    ("systemer", "spare_product"),
    ("leverandorer", "spare_vendor"),
    ("kategorier", "spare_category"),
    ("tjenesteomrader", "spare_area"),
]


@pytest.mark.parametrize("persona", [*PERSONAS, None])
@pytest.mark.parametrize(("slug", "attribute"), DELETES, ids=[f"{d[0]}-{d[1]}" for d in DELETES])
def test_delete_post(land: Landscape, slug: str, attribute: str, persona: str | None) -> None:
    obj = getattr(land, attribute)
    url = reverse("landscape:register_delete", args=["alfa", slug, obj.uuid])
    response = client_for(land, persona).post(url)
    exists = type(obj).objects.filter(pk=obj.pk).exists()
    if persona is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert exists
        return
    expected = _expected(persona, MAY_CHANGE[attribute])
    assert response.status_code == expected
    assert exists == (expected != 302)
    if expected == 302:
        assert response["Location"] == reverse("landscape:register_list", args=["alfa", slug])


def test_delete_needs_post(land: Landscape) -> None:
    url = reverse("landscape:register_delete", args=["alfa", "installasjoner", land.inst_a.uuid])
    assert client_for(land, "admin").get(url).status_code == 405
    assert Installation.objects.filter(pk=land.inst_a.pk).exists()


def _choice_data(land: Landscape) -> dict[str, Any]:
    return {
        "category": land.oko.uuid,
        "product": land.product_b.uuid,
        "decided_by": "Programstyret",
        "decided_on": "15.01.2025",
        "rationale": "Brukes av flest.",
        "migration_deadline": "31.12.2026",
    }


@pytest.mark.parametrize("persona", [*PERSONAS, None])
def test_target_choice_set_post(land: Landscape, persona: str | None) -> None:
    response = client_for(land, persona).post(
        reverse("landscape:target_portfolio", args=["alfa"]), _choice_data(land)
    )
    chosen = TargetChoice.objects.filter(category=land.oko).first()
    if persona is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert chosen is None
        return
    expected = _expected(persona, MANAGERS)
    assert response.status_code == expected
    if expected == 302:
        assert chosen is not None and chosen.product == land.product_b
        assert chosen.migration_deadline == datetime.date(2026, 12, 31)
    else:
        assert chosen is None


def test_target_choice_set_replaces_the_category_choice(land: Landscape) -> None:
    data = {**_choice_data(land), "category": land.sak.uuid}
    response = client_for(land, "office").post(
        reverse("landscape:target_portfolio", args=["alfa"]), data
    )
    assert response.status_code == 302
    assert TargetChoice.objects.filter(category=land.sak).get().product == land.product_b


@pytest.mark.parametrize("persona", [*PERSONAS, None])
def test_target_choice_remove_post(land: Landscape, persona: str | None) -> None:
    url = reverse("landscape:target_choice_remove", args=["alfa", land.choice.uuid])
    response = client_for(land, persona).post(url)
    exists = TargetChoice.objects.filter(pk=land.choice.pk).exists()
    if persona is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert exists
        return
    expected = _expected(persona, MANAGERS)
    assert response.status_code == expected
    assert exists == (expected != 302)
    assert client_for(land, "admin").get(url).status_code == 405


# --- Buttons follow the rights ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "attribute", "shown"),
    [
        ("viewer", "inst_a", False),
        ("editor_a", "inst_a", True),
        ("editor_a", "inst_b", False),
        ("editor_a", "contract_a", True),
        ("editor_a", "contract_ab", False),
        ("editor_a", "product", False),
        ("office", "contract_ab", True),
    ],
)
def test_detail_offers_change_only_when_allowed(
    land: Landscape, persona: str, attribute: str, shown: bool
) -> None:
    slug = {"inst": "installasjoner", "cont": "avtaler", "prod": "systemer"}[attribute[:4]]
    obj = getattr(land, attribute)
    content = (
        client_for(land, persona)
        .get(reverse("landscape:register_detail", args=["alfa", slug, obj.uuid]))
        .content.decode()
    )
    edit = reverse("landscape:register_edit", args=["alfa", slug, obj.uuid])
    delete = reverse("landscape:register_delete", args=["alfa", slug, obj.uuid])
    assert (edit in content) == shown
    assert (delete in content) == shown


def test_viewer_sees_no_create_buttons(land: Landscape) -> None:
    client = client_for(land, "viewer")
    for slug in REGISTER_SLUGS:
        content = client.get(
            reverse("landscape:register_list", args=["alfa", slug])
        ).content.decode()
        assert reverse("landscape:register_create", args=["alfa", slug]) not in content
    content = client.get(reverse("landscape:matrix", args=["alfa"])).content.decode()
    assert "/ny/" not in content
    content = client.get(reverse("landscape:target_portfolio", args=["alfa"])).content.decode()
    assert "Lagre valget" not in content and "Fjern valget" not in content
    # The editor may add vendors and products, but not categories.
    client = client_for(land, "editor_a")
    content = client.get(
        reverse("landscape:register_list", args=["alfa", "systemer"])
    ).content.decode()
    assert reverse("landscape:register_create", args=["alfa", "systemer"]) in content
    content = client.get(
        reverse("landscape:register_list", args=["alfa", "kategorier"])
    ).content.decode()
    assert reverse("landscape:register_create", args=["alfa", "kategorier"]) not in content


# --- Bad input writes nothing and says why -----------------------------------------------------


def _text(response: Any) -> str:
    """The page's text with tags removed and whitespace squeezed."""
    content = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content)).replace(NBSP, " ")


def _post_invalid(
    land: Landscape, persona: str, url: str, data: dict[str, Any], model: type[Any]
) -> str:
    before = model.objects.count()
    snapshot = list(model.objects.order_by("pk").values())
    response = client_for(land, persona).post(url, data)
    assert response.status_code == 200, f"expected the form again, got {response.status_code}"
    assert model.objects.count() == before
    assert list(model.objects.order_by("pk").values()) == snapshot, "nothing may be written"
    text = _text(response)
    assert "Skjemaet har feil. Ingenting er lagret." in text
    return text


def _create_url(slug: str) -> str:
    return reverse("landscape:register_create", args=["alfa", slug])


@pytest.mark.parametrize("fit", ["5", "0", "-1", "tre"])
def test_fit_outside_1_to_4_is_refused(land: Landscape, fit: str) -> None:
    for field in ("functional_fit", "technical_fit"):
        data = {**CREATE_DATA["installasjoner"](land, "admin"), field: fit}
        text = _post_invalid(land, "admin", _create_url("installasjoner"), data, Installation)
        assert "Velg et gyldig valg" in text


def test_override_without_reason_is_refused(land: Landscape) -> None:
    data = {
        **CREATE_DATA["installasjoner"](land, "admin"),
        "time_override": "eliminate",
        "time_override_reason": "  ",
    }
    text = _post_invalid(land, "admin", _create_url("installasjoner"), data, Installation)
    assert "Begrunn hvorfor TIME-klassen overstyres." in text
    # Editing an existing one the same way is refused too.
    url = reverse("landscape:register_edit", args=["alfa", "installasjoner", land.inst_a.uuid])
    data = {**_edit_data(land, "installasjoner", land.inst_a), "time_override": "eliminate"}
    text = _post_invalid(land, "editor_a", url, data, Installation)
    assert "Begrunn hvorfor TIME-klassen overstyres." in text


def test_override_with_reason_is_saved_and_marked(land: Landscape) -> None:
    data = {
        **CREATE_DATA["installasjoner"](land, "admin"),
        "time_override": "eliminate",
        "time_override_reason": "Leverandøren avvikler produktet.",
    }
    response = client_for(land, "admin").post(_create_url("installasjoner"), data, follow=True)
    installation = Installation.objects.get(category=land.oko)
    assert installation.time_class == "eliminate"
    assert installation.computed_time_class == "migrate"
    assert "Avvikle *" in _text(response)


def test_duplicate_installation_is_refused(land: Landscape) -> None:
    data = {
        **CREATE_DATA["installasjoner"](land, "editor_a"),
        "category": land.sak.uuid,
        "product": land.product.uuid,  # A already uses Public 360 for Sak/arkiv
    }
    text = _post_invalid(land, "editor_a", _create_url("installasjoner"), data, Installation)
    assert (
        "System: Installasjonen finnes allerede: A kommune bruker Public 360 i Sak/arkiv." in text
    )
    # Editing B's installation into a copy of another of B's is refused the same way.
    services.installation_save(
        collaboration=land.world.alfa,
        organisation=land.world.org_b,
        category=land.sak,
        product=land.product,
    )
    url = reverse("landscape:register_edit", args=["alfa", "installasjoner", land.inst_b.uuid])
    data = {**_edit_data(land, "installasjoner", land.inst_b), "product": land.product.uuid}
    text = _post_invalid(land, "editor_b", url, data, Installation)
    assert "Installasjonen finnes allerede: B kommune bruker Public 360 i Sak/arkiv." in text


def test_negative_cost_is_refused(land: Landscape) -> None:
    data = {**CREATE_DATA["kostnader"](land, "admin"), "amount": "-5 000"}
    text = _post_invalid(land, "admin", _create_url("kostnader"), data, IctCost)
    assert "Beløpet kan ikke være negativt" in text


def test_income_entered_positive_is_stored_negative(land: Landscape) -> None:
    data = {
        **CREATE_DATA["kostnader"](land, "editor_a"),
        "category": "income",
        "amount": "1 807 000",
        "exposed_to_competition": "",
    }
    response = client_for(land, "editor_a").post(_create_url("kostnader"), data)
    assert response.status_code == 302
    income = IctCost.objects.get(category=IctCost.Category.INCOME)
    assert income.amount == Decimal(-1_807_000)
    # Its edit form shows the figure as entered, and saving it unchanged keeps the sign.
    url = reverse("landscape:register_edit", args=["alfa", "kostnader", income.uuid])
    form_page = client_for(land, "editor_a").get(url)
    assert form_page.context["form"].initial["amount"] == Decimal(1_807_000)
    data = _edit_data(land, "kostnader", income)
    assert client_for(land, "editor_a").post(url, data).status_code == 302
    income.refresh_from_db()
    assert income.amount == Decimal(-1_807_000)


def test_end_date_before_start_is_refused(land: Landscape) -> None:
    data = {
        **CREATE_DATA["avtaler"](land, "admin"),
        "start_date": "01.01.2026",
        "end_date": "31.12.2025",
    }
    text = _post_invalid(land, "admin", _create_url("avtaler"), data, Contract)
    assert "Sluttdatoen kan ikke være før startdatoen." in text


@pytest.mark.parametrize(("options", "months"), [("2", "0"), ("0", "12")])
def test_options_need_both_count_and_months(land: Landscape, options: str, months: str) -> None:
    data = {
        **CREATE_DATA["avtaler"](land, "admin"),
        "extension_options": options,
        "extension_option_months": months,
    }
    text = _post_invalid(land, "admin", _create_url("avtaler"), data, Contract)
    assert "Oppgi både antall opsjoner og måneder per opsjon." in text


def test_contract_without_parties_is_refused(land: Landscape) -> None:
    data = {**CREATE_DATA["avtaler"](land, "admin")}
    del data["organisations"]
    text = _post_invalid(land, "admin", _create_url("avtaler"), data, Contract)
    assert "Avtaleparter: Feltet er påkrevet." in text


def test_editor_is_not_offered_the_other_organisation(land: Landscape) -> None:
    client = client_for(land, "editor_a")
    for slug in ("installasjoner", "kostnader", "avtaler"):
        form = client.get(_create_url(slug)).context["form"]
        field = form.fields["organisations" if slug == "avtaler" else "organisation"]
        assert list(field.queryset) == [land.world.org_a], slug
        content = client.get(_create_url(slug)).content.decode()
        assert str(land.world.org_b.uuid) not in content, slug
    # A manager is offered both.
    form = client_for(land, "office").get(_create_url("installasjoner")).context["form"]
    assert set(form.fields["organisation"].queryset) == {land.world.org_a, land.world.org_b}


def test_editor_forging_the_other_organisation_writes_nothing(land: Landscape) -> None:
    org_b = land.world.org_b
    data = {**CREATE_DATA["installasjoner"](land, "editor_a"), "organisation": org_b.uuid}
    text = _post_invalid(land, "editor_a", _create_url("installasjoner"), data, Installation)
    assert "Velg et gyldig valg" in text
    data = {**CREATE_DATA["kostnader"](land, "editor_a"), "organisation": org_b.uuid}
    _post_invalid(land, "editor_a", _create_url("kostnader"), data, IctCost)
    data = {
        **CREATE_DATA["avtaler"](land, "editor_a"),
        "organisations": [land.world.org_a.uuid, org_b.uuid],
    }
    _post_invalid(land, "editor_a", _create_url("avtaler"), data, Contract)
    # Nor may A's installation be moved over to B.
    url = reverse("landscape:register_edit", args=["alfa", "installasjoner", land.inst_a.uuid])
    data = {**_edit_data(land, "installasjoner", land.inst_a), "organisation": org_b.uuid}
    _post_invalid(land, "editor_a", url, data, Installation)
    # An organisation of another collaboration is no choice for the administrator either.
    data = {**CREATE_DATA["installasjoner"](land, "admin"), "organisation": land.world.org_c.uuid}
    _post_invalid(land, "admin", _create_url("installasjoner"), data, Installation)


def test_objects_of_another_collaboration_are_no_choice(land: Landscape) -> None:
    beta_vendor = services.vendor_save(collaboration=land.world.beta, name="Beta-leverandør")
    data = {**CREATE_DATA["systemer"](land, "admin"), "vendor": beta_vendor.uuid}
    text = _post_invalid(land, "admin", _create_url("systemer"), data, Product)
    assert "Velg et gyldig valg" in text


@pytest.mark.parametrize(
    ("slug", "attribute", "message", "model"),
    [
        ("systemer", "product", "Systemet er i bruk og kan ikke slettes.", Product),
        (
            "leverandorer",
            "vendor",
            "Leverandøren har systemer eller avtaler og kan ikke slettes.",
            Vendor,
        ),
        (
            "kategorier",
            "sak",
            "Kategorien har et valgt målsystem",
            SystemCategory,
        ),
        (
            "kategorier",
            "plo",  # given an installation below, but no target choice
            "Kategorien er i bruk av installasjoner og kan ikke slettes.",
            SystemCategory,
        ),
        (
            "tjenesteomrader",
            "adm",
            "Tjenesteområdet har kategorier og kan ikke slettes.",
            ServiceArea,
        ),
    ],
)
def test_deleting_what_is_in_use_gives_a_message(
    land: Landscape, slug: str, attribute: str, message: str, model: type[Any]
) -> None:
    obj = getattr(land, attribute)
    if attribute == "plo":
        services.installation_save(
            collaboration=land.world.alfa,
            organisation=land.world.org_a,
            category=land.plo,
            product=land.spare_product,
        )
    url = reverse("landscape:register_delete", args=["alfa", slug, obj.uuid])
    response = client_for(land, "admin").post(url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(
        "landscape:register_detail", args=["alfa", slug, obj.uuid]
    )
    assert message in _text(response)
    assert model.objects.filter(pk=obj.pk).exists()


def test_target_choice_needs_rationale(land: Landscape) -> None:
    data = {**_choice_data(land), "rationale": "   "}
    response = client_for(land, "admin").post(
        reverse("landscape:target_portfolio", args=["alfa"]), data
    )
    assert response.status_code == 200
    assert "Skjemaet har feil. Ingenting er lagret." in _text(response)
    assert not TargetChoice.objects.filter(category=land.oko).exists()


# --- The matrix and its filter ---------------------------------------------------------------


def _matrix_rows(response: Any) -> list[str]:
    return [row.category.code for row in response.context["matrix"].rows]


def test_matrix_shows_every_used_category_and_member(land: Landscape) -> None:
    services.installation_save(
        collaboration=land.world.alfa,
        organisation=land.world.org_b,
        category=land.plo,
        product=land.spare_product,
        functional_fit=4,
        technical_fit=4,
    )
    response = client_for(land, "viewer").get(reverse("landscape:matrix", args=["alfa"]))
    assert _matrix_rows(response) == ["ADM-SAK", "HSO-PLO"]
    matrix = response.context["matrix"]
    assert [o.name for o in matrix.organisations] == ["A kommune", "B kommune"]
    sak = matrix.rows[0]
    assert [[i.product.name for i in cell] for cell in sak.cells] == [["Public 360"], ["WebSak"]]
    assert sak.distinct_products == 2
    text = _text(response)
    assert "Public 360 (Investere)" in text and "WebSak (Avvikle)" in text


def test_matrix_filter_by_service_area_and_time(land: Landscape) -> None:
    services.installation_save(
        collaboration=land.world.alfa,
        organisation=land.world.org_b,
        category=land.plo,
        product=land.spare_product,
        functional_fit=4,
        technical_fit=4,
    )
    client = client_for(land, "viewer")
    url = reverse("landscape:matrix", args=["alfa"])
    assert _matrix_rows(client.get(url, {"service_area": land.hso.uuid})) == ["HSO-PLO"]
    assert _matrix_rows(client.get(url, {"service_area": land.adm.uuid})) == ["ADM-SAK"]
    response = client.get(url, {"time_class": "eliminate"})
    assert _matrix_rows(response) == ["ADM-SAK"]
    assert [
        [i.product.name for i in cell] for cell in response.context["matrix"].rows[0].cells
    ] == [[], ["WebSak"]]
    response = client.get(url, {"service_area": land.hso.uuid, "time_class": "eliminate"})
    assert _matrix_rows(response) == []
    assert "Ingen installasjoner passer filteret." in _text(response)
    # A bad filter value is shown as an error, not a 500, and the matrix is unfiltered.
    response = client.get(url, {"time_class": "nonsense"})
    assert response.status_code == 200
    assert _matrix_rows(response) == ["ADM-SAK", "HSO-PLO"]


def test_matrix_filter_answers_htmx_with_the_fragment(land: Landscape) -> None:
    client = client_for(land, "viewer")
    url = reverse("landscape:matrix", args=["alfa"])
    response = client.get(url, {"service_area": land.adm.uuid}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="matrix"')
    assert "<html" not in content and "<h1" not in content
    assert "Public 360" in content
    response = client.get(url, {"service_area": land.hso.uuid}, HTTP_HX_REQUEST="true")
    assert "Ingen installasjoner passer filteret." in response.content.decode()
    # The full page carries the form that asks for the fragment.
    page_content = client.get(url).content.decode()
    assert 'hx-target="#matrix"' in page_content and 'id="matrix"' in page_content


# --- The figures of the analyses -------------------------------------------------------------

ASKER_2013 = {
    "personnel": 18_239_000,
    "personnel_services": 1_779_000,
    "fibre": 5_289_000,
    "licences": 8_786_000,
    "equipment": 2_815_000,
    "service_agreements": 1_266_000,
    "consultants": 1_672_000,
    "income": 1_807_000,  # entered positive, as the form asks
    "investment": 15_782_000,
}


def test_ict_costs_show_asker_totals_and_share(land: Landscape) -> None:
    client = client_for(land, "editor_a")
    for category, amount in ASKER_2013.items():
        kind = "investment" if category == "investment" else "operating"
        data = {
            "organisation": land.world.org_a.uuid,
            "year": "2013",
            "kind": kind,
            "category": category,
            "amount": f"{amount:,}".replace(",", " "),
            "exposed_to_competition": "on" if services.default_exposure(category) else "",
            "description": "",
        }
        response = client.post(_create_url("kostnader"), data)
        assert response.status_code == 302, _text(response)[:2000]
    response = client.get(reverse("landscape:ict_costs", args=["alfa"]))
    years, rows = response.context["years"], response.context["rows"]
    assert years == [2013, 2024]
    a_costs = next(r for r in rows if r.organisation == land.world.org_a)
    y2013 = a_costs.years[0]
    assert y2013.operating == Decimal(38_039_000)
    assert y2013.investment == Decimal(15_782_000)
    assert y2013.total == Decimal(53_821_000)
    assert y2013.exposed == Decimal(35_610_000)
    assert y2013.personnel == Decimal(20_018_000)
    assert y2013.exposed_operating == Decimal(19_828_000)
    assert round(y2013.exposed_share * 1000) == 662
    # And the page shows them in thousands, Norwegian style.
    table = _text(response)
    for label, figure in [
        ("Totale IKT-driftskostnader", "38 039"),
        ("Investeringskostnader", "15 782"),
        ("Totale IKT-kostnader (drift og investering)", "53 821"),
        ("Totale IKT-kostnader – konkurranseutsatte IKT-tjenester", "35 610"),
        ("Andel konkurranseutsatt av totale IKT-kostnader", "66,2 %"),
        ("Inntekter", "\u22121 807"),
        ("Totalt personalrelaterte kostnader", "20 018"),
    ]:
        assert f"{label} {figure}" in table, f"{label}: {figure}"


def test_harmonisation_and_consolidation_figures(land: Landscape) -> None:
    client = client_for(land, "viewer")
    rows = client.get(reverse("landscape:harmonisation", args=["alfa"])).context["rows"]
    assert [r.category.code for r in rows] == ["ADM-SAK"]
    sak = rows[0]
    assert sak.distinct_products == 2
    assert sak.users == 1200
    assert sak.yearly_cost == Decimal(1_300_000)
    assert sak.target.product == land.product
    opportunities = client.get(reverse("landscape:consolidation", args=["alfa"])).context["rows"]
    assert len(opportunities) == 1
    assert opportunities[0].score == Decimal("1.000")


def test_contract_timeline_and_target_portfolio(land: Landscape) -> None:
    client = client_for(land, "viewer")
    response = client.get(reverse("landscape:contract_timeline", args=["alfa"]))
    assert [e.contract.number for e in response.context["entries"]] == ["A-1", "AB-1"]
    assert len(response.context["chart"]["bars"]) == 2
    assert "<svg" in response.content.decode()
    response = client.get(reverse("landscape:target_portfolio", args=["alfa"]))
    (target,) = response.context["portfolio"]
    assert {t.organisation.name: t.action for t in target.transitions} == {
        "A kommune": "keep",
        "B kommune": "migrate",
    }
    plan = response.context["exit_plan"]
    # B migrates from WebSak by the deadline; the shared WebSak contract must then be ended.
    assert [(i.kind, i.organisation, i.product.name, i.contract) for i in plan] == [
        ("migrate", land.world.org_b, "WebSak", None),
        ("terminate", None, "WebSak", land.contract_ab),
    ]


# --- Query counts do not grow with the data ---------------------------------------------------

# (page, its address, its budget of queries). The count must be the same for 2 members as for
# 12, and within the budget; about four of them are the session, the user and the access
# check every page does.
QUERY_PAGES: list[tuple[str, Callable[[], str], int]] = [
    ("matrix", lambda: reverse("landscape:matrix", args=["alfa"]), 9),
    ("harmonisation", lambda: reverse("landscape:harmonisation", args=["alfa"]), 12),
    ("consolidation", lambda: reverse("landscape:consolidation", args=["alfa"]), 12),
    ("contract timeline", lambda: reverse("landscape:contract_timeline", args=["alfa"]), 8),
    ("ict costs", lambda: reverse("landscape:ict_costs", args=["alfa"]), 8),
    # One more than before: the accepted survey campaigns shown as evidence per category.
    ("target portfolio", lambda: reverse("landscape:target_portfolio", args=["alfa"]), 17),
    (
        "installations list",
        lambda: reverse("landscape:register_list", args=["alfa", "installasjoner"]),
        6,
    ),
    ("contracts list", lambda: reverse("landscape:register_list", args=["alfa", "avtaler"]), 7),
]

CATEGORY_CODES = ["ADM-SAK", "ADM-OKO", "ADM-LON", "ADM-TUR", "HSO-PLO"]


def grow(world: World, members: int, tag: str) -> None:
    """Make alfa ``members`` strong and give every member an installation in each of five
    categories (spread over three new products a category), contracts, cost lines and a
    target choice per category."""
    alfa = world.alfa
    organisations = list(
        Organisation.objects.filter(memberships__collaboration=alfa).order_by("pk")
    )
    for index in range(len(organisations), members):
        organisations.append(
            organisation_services.organisation_create_as_member(
                collaboration=alfa,
                name=f"Kommune {index:02d}",
                population=1000 + index,
            ).organisation
        )
    vendor = services.vendor_save(collaboration=alfa, name=f"Leverandør {tag}")
    for category in SystemCategory.objects.filter(collaboration=alfa, code__in=CATEGORY_CODES):
        products = [
            services.product_save(
                collaboration=alfa, name=f"{category.code} {tag}.{n}", vendor=vendor
            )
            for n in range(3)
        ]
        for index, organisation in enumerate(organisations):
            services.installation_save(
                collaboration=alfa,
                organisation=organisation,
                category=category,
                product=products[index % 3],
                users=10 + index,
                functional_fit=1 + index % 4,
                technical_fit=1 + (index + 1) % 4,
            )
        for n, product in enumerate(products):
            services.contract_save(
                collaboration=alfa,
                organisations=organisations[n::3] or organisations[:1],
                products=[product],
                number=f"{category.code}-{tag}-{n}",
                title=f"Avtale {category.code}",
                vendor=vendor,
                start_date=datetime.date(2022, 1, 1),
                end_date=datetime.date(2027 + n, 12, 31),
                extension_options=n,
                extension_option_months=12 * n,
                notice_period_months=6,
                yearly_value=Decimal(100_000),
            )
        services.target_choice_set(
            collaboration=alfa,
            category=category,
            product=products[0],
            decided_by="Styret",
            decided_on=datetime.date(2025, 1, 1),
            rationale="Test.",
            migration_deadline=datetime.date(2027, 1, 1),
        )
    for organisation in organisations:
        for category in ("personnel", "licences", "income", "investment"):
            services.ict_cost_save(
                collaboration=alfa,
                organisation=organisation,
                year=2024,
                kind="investment" if category == "investment" else "operating",
                category=category,
                amount=Decimal(1000),
                exposed_to_competition=category == "licences",
                description=tag,
            )


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("name", "make_url", "budget"), QUERY_PAGES, ids=[q[0] for q in QUERY_PAGES]
)
def test_query_count_does_not_grow(
    world: World, name: str, make_url: Callable[[], str], budget: int
) -> None:
    client = world.client_for("admin")
    grow(world, 2, "small")
    client.get(make_url())  # the first request of a session may do one-off work
    small = count_queries(client, make_url())
    grow(world, 12, "large")
    assert Installation.objects.filter(collaboration=world.alfa).count() == 2 * 5 + 12 * 5
    large = count_queries(client, make_url())
    assert large == small, f"{name}: {small} queries with 2 members, {large} with 12"
    assert large <= budget, f"{name}: {large} queries, over its budget of {budget}"


def _snapshot(obj: Any) -> dict[str, Any]:
    """Every field and relation of ``obj`` as stored, apart from the edit counter."""
    from django.forms.models import model_to_dict

    fresh = type(obj).objects.get(pk=obj.pk)
    data = model_to_dict(fresh)
    for name in ("version", "row_version", "updated_at"):
        data.pop(name, None)
    return {k: sorted(x.pk for x in v) if isinstance(v, list) else v for k, v in data.items()}


@pytest.mark.parametrize(("slug", "attribute"), DETAIL_OBJECTS)
def test_saving_an_edit_page_unchanged_changes_nothing(land: Landscape, slug: str, attribute: str) -> None:
    """The form a browser would send back, read from the page itself: every select must
    show the stored choice (not the first option), so an unchanged save is a no-op."""
    from loadtest.forms import form_index, read_form

    obj = getattr(land, attribute)
    before = _snapshot(obj)
    client = client_for(land, "admin")
    address = reverse("landscape:register_edit", args=["alfa", slug, obj.uuid])
    page = client.get(address).content.decode()
    values, _, _ = read_form(page, form_index(page, 'class="samla-form'))
    data: dict[str, list[str]] = {}
    for name, value in values:
        data.setdefault(name, []).append(value)
    response = client.post(address, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _snapshot(obj) == before
