"""Bad input gets a clear message and writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import World
from samla.organisations.models import CostSharingKey, Membership, Organisation


def counts() -> tuple[int, int, int]:
    return Organisation.objects.count(), Membership.objects.count(), CostSharingKey.objects.count()


VALID_ORGANISATION = {
    "name": "D kommune",
    "kind": "municipality",
    "organisation_number": "",
    "municipality_number": "0304",
    "population": "1200",
    "population_date": "2026-01-01",
    "employees": "90",
    "valid_from": "",
    "valid_to": "",
}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"organisation_number": "123456789"}, "organisation_number", "kontrollsiffer"),
        ({"organisation_number": "12345"}, "organisation_number", "ni siffer"),
        ({"organisation_number": "974760673"}, "organisation_number", "finnes allerede"),
        ({"population": "-5"}, "population", "negativt"),
        ({"population": "mange"}, "population", "heltall"),
        ({"municipality_number": "12"}, "municipality_number", "fire siffer"),
        ({"name": ""}, "name", "påkrevet"),
        ({"valid_from": "2026-05-01", "valid_to": "2026-01-01"}, "valid_to", "før startdatoen"),
        ({"population_date": "31.02.2026"}, "population_date", "gyldig dato"),
    ],
)
def test_new_organisation_bad_input(world: World, change: dict[str, str], field: str, message: str) -> None:
    before = counts()
    response = world.client_for("office").post(
        reverse("organisations:organisation_create", args=["alfa"]), {**VALID_ORGANISATION, **change}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message.lower() in " ".join(errors[field]).lower()
    assert "Ingenting er lagret" in response.content.decode()
    assert counts() == before


def test_new_organisation_good_input_creates_organisation_and_membership(world: World) -> None:
    response = world.client_for("office").post(
        reverse("organisations:organisation_create", args=["alfa"]),
        {**VALID_ORGANISATION, "organisation_number": "971 524 960"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="D kommune")
    assert organisation.organisation_number == "971524960"
    assert organisation.memberships.get().collaboration == world.alfa


def test_edit_organisation_bad_input_changes_nothing(world: World) -> None:
    url = reverse("organisations:organisation_edit", args=["alfa", world.org_a.uuid])
    response = world.client_for("editor_a").post(
        url, {**VALID_ORGANISATION, "name": "Ny A", "population": "-1"}
    )
    assert response.status_code == 200
    world.org_a.refresh_from_db()
    assert world.org_a.name == "A kommune"
    assert world.org_a.population == 10_000
    assert world.org_a.history.count() == 1


def test_edit_organisation_records_history_with_the_user(world: World) -> None:
    url = reverse("organisations:organisation_edit", args=["alfa", world.org_a.uuid])
    data = {**VALID_ORGANISATION, "name": "A kommune", "organisation_number": "974760673", "population": "10500"}
    assert world.client_for("editor_a").post(url, data).status_code == 302
    world.org_a.refresh_from_db()
    assert world.org_a.population == 10_500
    latest = world.org_a.history.first()
    assert latest.history_user == world.editor_a
    page = world.client_for("viewer").get(
        reverse("organisations:organisation_detail", args=["alfa", world.org_a.uuid])
    ).content.decode()
    assert "Historikk" in page
    assert "10\xa0500" in page  # the new value, Norwegian format, in the change list


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("964338531", "allerede medlem"),  # B is already a member
        ("999999999", "Fant ingen organisasjon"),
    ],
)
def test_add_member_bad_input(world: World, number: str, message: str) -> None:
    before = counts()
    response = world.client_for("admin").post(
        reverse("organisations:member_list", args=["alfa"]), {"organisation_number": number}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before


def test_add_existing_organisation_of_another_collaboration_as_member(world: World) -> None:
    response = world.client_for("admin").post(
        reverse("organisations:member_list", args=["alfa"]),
        {"organisation_number": world.org_c.organisation_number, "valid_from": "2026-01-01"},
    )
    assert response.status_code == 302
    assert world.alfa.memberships.filter(organisation=world.org_c).exists()


def test_membership_edit_end_before_start(world: World) -> None:
    membership = world.alfa.memberships.get(organisation=world.org_b)
    response = world.client_for("admin").post(
        reverse("organisations:member_edit", args=["alfa", membership.uuid]),
        {"valid_from": "2026-05-01", "valid_to": "2025-01-01"},
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.valid_from is None


def test_only_one_host_organisation(world: World) -> None:
    membership_b = world.alfa.memberships.get(organisation=world.org_b)
    response = world.client_for("admin").post(
        reverse("organisations:member_edit", args=["alfa", membership_b.uuid]), {"is_host": "on"}
    )
    assert response.status_code == 302
    hosts = list(world.alfa.memberships.filter(is_host=True).values_list("organisation__name", flat=True))
    assert hosts == ["B kommune"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Fast", "method": "fixed_plus_population"}, "faste andelen"),
        ({"name": "Fast", "method": "fixed_plus_population", "fixed_share_percent": "130"}, "100"),
        ({"name": "Egen", "method": "custom"}, "vekt større enn null"),
        ({"name": "Egen", "method": "custom", "weight_A": "-1"}, "0"),
        ({"name": "", "method": "equal"}, "påkrevet"),
        ({"name": "Feil", "method": "tull"}, "gyldig"),
    ],
)
def test_cost_key_bad_input(world: World, data: dict[str, str], message: str) -> None:
    data = {k.replace("weight_A", f"weight_{world.org_a.uuid.hex}"): v for k, v in data.items()}
    before = counts()
    response = world.client_for("office").post(reverse("organisations:cost_key_create", args=["alfa"]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before


def test_cost_key_custom_weights_and_split(world: World) -> None:
    response = world.client_for("office").post(
        reverse("organisations:cost_key_create", args=["alfa"]),
        {
            "name": "Egen",
            "method": "custom",
            f"weight_{world.org_a.uuid.hex}": "1",
            f"weight_{world.org_b.uuid.hex}": "2",
        },
    )
    assert response.status_code == 302
    key_obj = CostSharingKey.objects.get(name="Egen")
    detail = reverse("organisations:cost_key_detail", args=["alfa", key_obj.uuid])
    page = world.client_for("viewer").get(detail, {"amount": "1 000,00"})
    shares = {s.organisation.name: s.amount for s in page.context["shares"]}
    # 1 000 kr at 1:2 is 333.333… and 666.666…; the spare øre goes to the larger remainder.
    assert shares == {"A kommune": Decimal("333.33"), "B kommune": Decimal("666.67")}


def test_split_bad_amount_shows_message(world: World) -> None:
    from samla.organisations import services

    key_obj = services.cost_sharing_key_create(collaboration=world.alfa, name="Like", method="equal")
    detail = reverse("organisations:cost_key_detail", args=["alfa", key_obj.uuid])
    page = world.client_for("viewer").get(detail, {"amount": "mye"})
    assert page.status_code == 200
    assert "Skriv et tall" in page.content.decode()
    assert "shares" not in page.context


def test_split_htmx_returns_fragment(world: World) -> None:
    from samla.organisations import services

    key_obj = services.cost_sharing_key_create(collaboration=world.alfa, name="Like", method="equal")
    detail = reverse("organisations:cost_key_detail", args=["alfa", key_obj.uuid])
    response = world.client_for("viewer").get(detail, {"amount": "100"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="split-result"')
    assert "<html" not in html
    assert "50,00" in html
