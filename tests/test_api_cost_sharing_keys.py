"""The API for cost-sharing keys and splitting amounts by them."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest

from conftest import World
from samla.organisations import services
from samla.organisations.models import CostSharingKey, CostSharingWeight, Membership
from tests.test_api_organisations import (
    ANONYMOUS,
    EVERYONE_IN_ALFA,
    MANAGERS,
    PERSONAS,
    api,
    call,
    expected,
    token_for,
)

KEYS = "/collaborations/alfa/cost-sharing-keys"


@pytest.fixture
def keys(world: World) -> dict[str, CostSharingKey]:
    """A key of each method in alfa, and one in beta."""
    alfa = world.alfa
    return {
        "population": services.cost_sharing_key_create(
            collaboration=alfa, name="Innbyggertall", method="population"
        ),
        "equal": services.cost_sharing_key_create(collaboration=alfa, name="Likt", method="equal"),
        "fixed": services.cost_sharing_key_create(
            collaboration=alfa,
            name="30/70",
            method="fixed_plus_population",
            fixed_share_percent=Decimal(30),
        ),
        "custom": services.cost_sharing_key_create(
            collaboration=alfa,
            name="Egne vekter",
            method="custom",
            weights={world.org_a: Decimal(1), world.org_b: Decimal(3)},
        ),
        "beta": services.cost_sharing_key_create(
            collaboration=world.beta, name="Beta-nøkkel", method="equal"
        ),
    }


def row_counts() -> tuple[int, int]:
    return CostSharingKey.objects.count(), CostSharingWeight.objects.count()


def weights_of(key: CostSharingKey) -> dict[str, Decimal]:
    return {w.organisation.name: w.weight for w in key.weights.select_related("organisation")}


# --- List and detail -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_key_list(world: World, keys: dict[str, CostSharingKey], persona: str) -> None:
    response = api(world, persona, "GET", KEYS)
    assert response.status_code == expected(persona, EVERYONE_IN_ALFA)
    if response.status_code == 200:
        body = {key["name"]: key for key in response.json()}
        assert sorted(body) == ["30/70", "Egne vekter", "Innbyggertall", "Likt"]
        assert body["30/70"]["fixed_share_percent"] == "30.00"
        assert body["Likt"]["fixed_share_percent"] is None
        weights = sorted(body["Egne vekter"]["weights"], key=lambda w: w["organisation_name"])
        assert weights == [
            {
                "organisation": str(world.org_a.uuid),
                "organisation_name": "A kommune",
                "weight": "1.0000",
            },
            {
                "organisation": str(world.org_b.uuid),
                "organisation_name": "B kommune",
                "weight": "3.0000",
            },
        ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_key_detail(world: World, keys: dict[str, CostSharingKey], persona: str) -> None:
    response = api(world, persona, "GET", f"{KEYS}/{keys['custom'].uuid}")
    assert response.status_code == expected(persona, EVERYONE_IN_ALFA)
    if response.status_code == 200:
        body = response.json()
        assert (body["uuid"], body["method"]) == (str(keys["custom"].uuid), "custom")
        assert {w["organisation_name"]: w["weight"] for w in body["weights"]} == {
            "A kommune": "1.0000",
            "B kommune": "3.0000",
        }


def test_key_of_another_collaboration_is_404(world: World, keys: dict[str, CostSharingKey]) -> None:
    beta_key = keys["beta"]
    calls = [
        ("GET", "", None),
        ("PATCH", "", {"name": "Kapret"}),
        ("DELETE", "", None),
        ("POST", "/split", {"amount": "100.00"}),
    ]
    for method, suffix, body in calls:
        assert (
            api(world, "admin", method, f"{KEYS}/{beta_key.uuid}{suffix}", body).status_code == 404
        )
        beta_path = f"/collaborations/beta/cost-sharing-keys/{beta_key.uuid}{suffix}"
        assert api(world, "admin", method, beta_path, body).status_code == 404
    beta_key.refresh_from_db()
    assert beta_key.name == "Beta-nøkkel"


# --- Create ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_key_create(world: World, persona: str) -> None:
    before = row_counts()
    body = {
        "name": "Vertskommunen betaler mest",
        "method": "custom",
        "description": "Avtalt i styret.",
        "weights": [
            {"organisation": str(world.org_a.uuid), "weight": "2.5"},
            {"organisation": str(world.org_b.uuid), "weight": 1},
        ],
    }
    response = api(world, persona, "POST", KEYS, body)
    assert response.status_code == expected(persona, MANAGERS, success=201)
    if response.status_code == 201:
        key = CostSharingKey.objects.get(uuid=response.json()["uuid"])
        assert key.collaboration == world.alfa
        assert weights_of(key) == {"A kommune": Decimal("2.5"), "B kommune": Decimal(1)}
        assert len(response.json()["weights"]) == 2
        assert row_counts() == (before[0] + 1, before[1] + 2)
    else:
        assert row_counts() == before


def test_key_create_fixed_plus_population(world: World) -> None:
    body = {"name": "30/70", "method": "fixed_plus_population", "fixed_share_percent": "30"}
    response = api(world, "office", "POST", KEYS, body)
    assert response.status_code == 201
    assert response.json()["fixed_share_percent"] == "30.00"


def test_key_create_ignores_fixed_share_for_other_methods(world: World) -> None:
    body = {"name": "Likt", "method": "equal", "fixed_share_percent": "30"}
    response = api(world, "office", "POST", KEYS, body)
    assert response.status_code == 201
    assert response.json()["fixed_share_percent"] is None


def with_uuids(world: World, body: dict[str, Any]) -> dict[str, Any]:
    """Put the organisations' uuids in for the placeholders {org_a}, {org_b} and {org_c}."""
    text = json.dumps(body)
    for name in ("org_a", "org_b", "org_c"):
        text = text.replace(f"{{{name}}}", str(getattr(world, name).uuid))
    return json.loads(text)


UNKNOWN = "0d9f3c52-7a1e-4b6f-9c3d-2e8a5b4f6a10"  # fixed: xdist workers need equal test ids
FIXED = "fixed_plus_population"


def custom(*weights: tuple[str, str]) -> dict[str, Any]:
    return {
        "name": "C",
        "method": "custom",
        "weights": [{"organisation": org, "weight": weight} for org, weight in weights],
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "F", "method": FIXED}, "faste andelen"),
        ({"name": "F", "method": FIXED, "fixed_share_percent": "150"}, "less than or equal to 100"),
        ({"name": "F", "method": FIXED, "fixed_share_percent": "-1"}, "greater than or equal to 0"),
        (custom((UNKNOWN, "1")), f"Ikke medlem av samarbeidet: {UNKNOWN}"),
        (custom(("{org_a}", "1"), ("{org_c}", "1")), "Ikke medlem av samarbeidet"),
        (custom(("{org_a}", "1"), ("{org_a}", "2")), "bare ha én vekt"),
        (custom(("{org_a}", "0"), ("{org_b}", "0")), "større enn null"),
        (custom(), "større enn null"),
        ({"name": "C", "method": "custom"}, "større enn null"),
        (custom(("{org_a}", "-1")), "greater than or equal to 0"),
        (custom(("{org_a}", "1.00001")), "decimal places"),
        (custom(("ikke-en-uuid", "1")), "uuid"),
        ({"name": "Innbyggertall", "method": "equal"}, "finnes allerede"),
        ({"name": "X", "method": "lottery"}, "population"),
        ({"method": "equal"}, "name"),
    ],
)
def test_key_create_refuses_bad_input_and_writes_nothing(
    world: World, keys: dict[str, CostSharingKey], body: dict[str, Any], message: str
) -> None:
    before = row_counts()
    response = api(world, "admin", "POST", KEYS, with_uuids(world, body))
    assert response.status_code == 422, response.content
    assert message in json.dumps(response.json(), ensure_ascii=False)
    assert row_counts() == before


# --- Update and delete -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_key_update(world: World, keys: dict[str, CostSharingKey], persona: str) -> None:
    key = keys["custom"]
    body = {"weights": [{"organisation": str(world.org_b.uuid), "weight": "5"}]}
    response = api(world, persona, "PATCH", f"{KEYS}/{key.uuid}", body)
    assert response.status_code == expected(persona, MANAGERS)
    if response.status_code == 200:
        assert weights_of(key) == {"B kommune": Decimal(5)}
        assert [w["weight"] for w in response.json()["weights"]] == ["5.0000"]
    else:
        assert weights_of(key) == {"A kommune": Decimal(1), "B kommune": Decimal(3)}


def test_key_update_keeps_weights_left_out(world: World, keys: dict[str, CostSharingKey]) -> None:
    key = keys["custom"]
    response = api(world, "office", "PATCH", f"{KEYS}/{key.uuid}", {"name": "Nytt navn"})
    assert response.status_code == 200
    key.refresh_from_db()
    assert key.name == "Nytt navn"
    assert weights_of(key) == {"A kommune": Decimal(1), "B kommune": Decimal(3)}


def test_key_update_to_another_method_drops_the_weights(
    world: World, keys: dict[str, CostSharingKey]
) -> None:
    key = keys["custom"]
    response = api(world, "office", "PATCH", f"{KEYS}/{key.uuid}", {"method": "equal"})
    assert response.status_code == 200
    assert response.json()["weights"] == []
    assert weights_of(key) == {}


@pytest.mark.parametrize(
    ("key_name", "body", "message"),
    [
        ("population", {"method": "fixed_plus_population"}, "faste andelen"),
        ("population", {"method": "custom"}, "større enn null"),
        ("custom", {"weights": [{"organisation": "{org_c}", "weight": "1"}]}, "Ikke medlem"),
        ("custom", {"name": "Likt"}, "finnes allerede"),
    ],
)
def test_key_update_refuses_bad_input_and_writes_nothing(
    world: World, keys: dict[str, CostSharingKey], key_name: str, body: dict[str, Any], message: str
) -> None:
    body = with_uuids(world, body)
    key = keys[key_name]
    before = (row_counts(), key.method, key.name, weights_of(key), key.history.count())
    response = api(world, "admin", "PATCH", f"{KEYS}/{key.uuid}", body)
    assert response.status_code == 422
    assert message in json.dumps(response.json(), ensure_ascii=False)
    key.refresh_from_db()
    assert (row_counts(), key.method, key.name, weights_of(key), key.history.count()) == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_key_delete(world: World, keys: dict[str, CostSharingKey], persona: str) -> None:
    key = keys["custom"]
    response = api(world, persona, "DELETE", f"{KEYS}/{key.uuid}")
    assert response.status_code == expected(persona, MANAGERS, success=204)
    exists = CostSharingKey.objects.filter(pk=key.pk).exists()
    assert exists is (response.status_code != 204)
    assert CostSharingWeight.objects.filter(key_id=key.pk).exists() is exists


# --- Split -----------------------------------------------------------------------------------


def split(world: World, key: CostSharingKey, body: dict[str, Any], persona: str = "viewer") -> Any:
    return api(world, persona, "POST", f"{KEYS}/{key.uuid}/split", body)


@pytest.mark.parametrize("persona", PERSONAS)
def test_split_is_open_to_everyone_in_the_collaboration(
    world: World, keys: dict[str, CostSharingKey], persona: str
) -> None:
    response = split(world, keys["population"], {"amount": "1234567.89"}, persona)
    assert response.status_code == expected(persona, EVERYONE_IN_ALFA)
    if response.status_code == 200:
        body = response.json()
        assert body["amount"] == body["total"] == "1234567.89"
        assert body["shares"] == [
            {
                "organisation": str(world.org_a.uuid),
                "name": "A kommune",
                "weight": "10000",
                "fraction": "0.25",
                "amount": "308641.97",
            },
            {
                "organisation": str(world.org_b.uuid),
                "name": "B kommune",
                "weight": "30000",
                "fraction": "0.75",
                "amount": "925925.92",
            },
        ]


AMOUNTS = ["0.01", "0.02", "100", "1000000.00", "1234567.89", "99999999999999.99", "-1000.01"]


@pytest.mark.parametrize("key_name", ["population", "equal", "fixed", "custom"])
def test_split_sums_exactly_to_the_amount(
    world: World, keys: dict[str, CostSharingKey], key_name: str
) -> None:
    # A third member with an awkward population makes every split round.
    services.organisation_create_as_member(
        collaboration=world.alfa, name="C2 kommune", population=7_777
    )
    token = token_for(world, "viewer")
    for amount in AMOUNTS:
        response = call(token, "POST", f"{KEYS}/{keys[key_name].uuid}/split", {"amount": amount})
        assert response.status_code == 200, amount
        body = response.json()
        shares = [Decimal(share["amount"]) for share in body["shares"]]
        assert len(shares) == 3
        assert sum(shares) == Decimal(amount) == Decimal(body["total"]) == Decimal(body["amount"])
        assert all(share == share.quantize(Decimal("0.01")) for share in shares), amount
        fractions = sum(Decimal(share["fraction"]) for share in body["shares"])
        assert fractions == pytest.approx(Decimal(1))
        # Decimals go out as plain strings, never in exponent notation.
        assert all("E" not in value for share in body["shares"] for value in share.values())


def test_split_of_three_equal_shares(world: World, keys: dict[str, CostSharingKey]) -> None:
    services.organisation_create_as_member(collaboration=world.alfa, name="C2 kommune")
    body = split(world, keys["equal"], {"amount": "100"}).json()
    assert [share["amount"] for share in body["shares"]] == ["33.34", "33.33", "33.33"]
    assert body["total"] == "100.00"


def test_split_counts_only_members_on_the_date(
    world: World, keys: dict[str, CostSharingKey]
) -> None:
    Membership.objects.filter(organisation=world.org_b).update(valid_to=datetime.date(2025, 12, 31))
    body = split(world, keys["population"], {"amount": "500", "on_date": "2026-06-01"}).json()
    assert body["on_date"] == "2026-06-01"
    assert [(s["name"], s["amount"]) for s in body["shares"]] == [("A kommune", "500.00")]
    body = split(world, keys["population"], {"amount": "500", "on_date": "2025-06-01"}).json()
    assert [s["amount"] for s in body["shares"]] == ["125.00", "375.00"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "amount"),
        ({"amount": "ti kroner"}, "amount"),
        ({"amount": "1.001"}, "decimal places"),
        ({"amount": "100", "on_date": "i morgen"}, "on_date"),
    ],
)
def test_split_refuses_bad_input(
    world: World, keys: dict[str, CostSharingKey], body: dict[str, Any], message: str
) -> None:
    response = split(world, keys["population"], body)
    assert response.status_code == 422
    assert message in json.dumps(response.json())


def test_split_without_populations_explains_why(
    world: World, keys: dict[str, CostSharingKey]
) -> None:
    for organisation in (world.org_a, world.org_b):
        services.organisation_update(organisation=organisation, population=None)
    response = split(world, keys["population"], {"amount": "100"})
    assert response.status_code == 422
    assert "innbyggertall" in response.json()["detail"]


def test_split_does_not_write(world: World, keys: dict[str, CostSharingKey]) -> None:
    key = keys["custom"]
    before = (row_counts(), key.history.count())
    assert split(world, key, {"amount": "10"}, "admin").status_code == 200
    assert (row_counts(), key.history.count()) == before


# --- Query counts ----------------------------------------------------------------------------


def test_key_list_query_count_does_not_grow_with_the_data(
    world: World, django_assert_max_num_queries: Any
) -> None:
    counts = []
    for size in (2, 20):
        CostSharingKey.objects.all().delete()
        for number in range(size):
            services.cost_sharing_key_create(
                collaboration=world.alfa,
                name=f"Nøkkel {number:02}",
                method="custom",
                weights={world.org_a: Decimal(number + 1), world.org_b: Decimal(1)},
            )
        token = token_for(world, "viewer")
        # Token lookup and marking it used, the role, the keys, their weights.
        with django_assert_max_num_queries(5) as captured:
            response = call(token, "GET", KEYS)
        assert response.status_code == 200
        assert len(response.json()) == size
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_anonymous_is_refused_everywhere(world: World, keys: dict[str, CostSharingKey]) -> None:
    key = keys["custom"]
    for method, path in [
        ("GET", KEYS),
        ("POST", KEYS),
        ("GET", f"{KEYS}/{key.uuid}"),
        ("PATCH", f"{KEYS}/{key.uuid}"),
        ("DELETE", f"{KEYS}/{key.uuid}"),
        ("POST", f"{KEYS}/{key.uuid}/split"),
    ]:
        assert api(world, ANONYMOUS, method, path, {}).status_code == 401
