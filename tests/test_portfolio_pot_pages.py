"""The investment pot pages: members × years with totals and capacity, the budget use of the
decided (else the latest) scenario, a year created and edited with one amount per member in
the same form, contributions split by a cost-sharing key, deletion; managers change, all read;
negative amounts and a second copy of a year are refused with nothing written."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import World
from samla.organisations import services as organisations
from samla.organisations.models import CostSharingKey
from samla.portfolio import services
from samla.portfolio.forms.pot import member_field_name
from samla.portfolio.models import Contribution, PotYear, Scenario
from tests.test_portfolio_scenario_pages import build_portfolio, decision

PERSONAS = ["admin", "office", "editor_a", "editor_b", "viewer", "outsider"]
EVERYONE = {"admin", "office", "editor_a", "editor_b", "viewer"}
MANAGERS = {"admin", "office"}


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"portfolio:{name}", kwargs={"slug": "alfa", **kwargs})


@pytest.fixture
def pot(world: World) -> PotYear:
    year = services.pot_year_create(
        collaboration=world.alfa, year=2027, capacity_hours=Decimal(4_000)
    )
    services.contribution_set(pot_year=year, organisation=world.org_a, amount=Decimal(1_000_000))
    services.contribution_set(pot_year=year, organisation=world.org_b, amount=Decimal(3_000_000))
    return year


def _data(world: World, **changes: Any) -> dict[str, Any]:
    data = {
        "year": "2028",
        "capacity_hours": "5 000",
        member_field_name(world.org_a): "1 500 000",
        member_field_name(world.org_b): "2 000 000,50",
    }
    data.update(changes)
    return data


def test_the_pot_is_read_by_everyone_and_changed_by_managers(world: World, pot: PotYear) -> None:
    pages = [
        (url("pot"), EVERYONE),
        (url("pot_year_create"), MANAGERS),
        (url("pot_year_edit", pot_year_id=pot.uuid), MANAGERS),
        (url("pot_year_compute", pot_year_id=pot.uuid), MANAGERS),
    ]
    for address, allowed in pages:
        for persona in PERSONAS:
            response = world.client_for(persona).get(address)
            expected = 200 if persona in allowed else 404 if persona == "outsider" else 403
            assert response.status_code == expected, (
                f"{persona} on {address}: {response.status_code}"
            )
    for persona in ("editor_a", "viewer"):
        assert (
            world.client_for(persona).post(url("pot_year_create"), _data(world)).status_code == 403
        )
        assert (
            world.client_for(persona).post(url("pot_year_delete", pot_year_id=pot.uuid)).status_code
            == 403
        )
    assert (
        world.client_for("outsider").post(url("pot_year_delete", pot_year_id=pot.uuid)).status_code
        == 404
    )
    assert PotYear.objects.count() == 1 and Contribution.objects.count() == 2


def test_the_pot_shows_members_by_year_with_totals_and_capacity(world: World, pot: PotYear) -> None:
    html = world.client_for("viewer").get(url("pot")).content.decode()
    table = html[html.index('id="pot-table"') :]
    assert "A kommune" in table and "B kommune" in table
    assert "1\u00a0000\u00a0000\u00a0kr" in table and "3\u00a0000\u00a0000\u00a0kr" in table
    assert "4\u00a0000\u00a0000\u00a0kr" in table  # the year's total
    assert "4\u00a0000" in table  # capacity
    assert url("pot_year_edit", pot_year_id=pot.uuid) not in html  # a viewer gets no buttons
    assert (
        url("pot_year_edit", pot_year_id=pot.uuid)
        in world.client_for("office").get(url("pot")).content.decode()
    )


def test_a_year_is_created_with_every_members_contribution_in_one_form(
    world: World, pot: PotYear
) -> None:
    response = world.client_for("office").post(url("pot_year_create"), _data(world))
    assert response.status_code == 302
    created = PotYear.objects.get(year=2028)
    assert created.capacity_hours == Decimal(5_000)
    amounts = {c.organisation: c.amount for c in created.contributions.all()}
    assert amounts == {world.org_a: Decimal(1_500_000), world.org_b: Decimal("2000000.50")}


def test_editing_a_year_changes_its_contributions(world: World, pot: PotYear) -> None:
    client = world.client_for("admin")
    page = client.get(url("pot_year_edit", pot_year_id=pot.uuid))
    assert page.context["form"].initial[member_field_name(world.org_b)] == Decimal(3_000_000)
    assert 'value="3000000"' in page.content.decode()
    response = client.post(
        url("pot_year_edit", pot_year_id=pot.uuid),
        _data(world, year="2027", _version=pot.version, **{member_field_name(world.org_a): ""}),
    )
    assert response.status_code == 302
    amounts = {c.organisation: c.amount for c in Contribution.objects.filter(pot_year=pot)}
    # an emptied field of a stored contribution becomes 0, so the total is what the form says
    assert amounts == {world.org_a: Decimal(0), world.org_b: Decimal("2000000.50")}


def test_saving_the_edit_form_unchanged_changes_nothing(world: World, pot: PotYear) -> None:
    client = world.client_for("admin")
    form = client.get(url("pot_year_edit", pot_year_id=pot.uuid)).context["form"]
    data = {name: ("" if value is None else str(value)) for name, value in form.initial.items()}
    data["_version"] = str(pot.version)
    assert client.post(url("pot_year_edit", pot_year_id=pot.uuid), data).status_code == 302
    amounts = {c.organisation: c.amount for c in Contribution.objects.filter(pot_year=pot)}
    assert amounts == {world.org_a: Decimal(1_000_000), world.org_b: Decimal(3_000_000)}
    assert PotYear.objects.get(pk=pot.pk).capacity_hours == Decimal(4_000)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"member": "-5"}, "Beløpet kan ikke være negativt."),
        ({"capacity_hours": "-1"}, "Kapasiteten kan ikke være negativ."),
        ({"member": "mange penger"}, "Skriv et tall"),
        ({"year": "2027"}, "Potten har allerede dette året."),
        ({"year": "1999"}, "2000"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    world: World, pot: PotYear, changes: dict[str, str], message: str
) -> None:
    if "member" in changes:
        changes = {member_field_name(world.org_b): changes.pop("member"), **changes}
    before = (PotYear.objects.count(), Contribution.objects.count())
    response = world.client_for("office").post(url("pot_year_create"), _data(world, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (PotYear.objects.count(), Contribution.objects.count()) == before


def test_a_negative_contribution_in_an_edit_writes_nothing(world: World, pot: PotYear) -> None:
    response = world.client_for("office").post(
        url("pot_year_edit", pot_year_id=pot.uuid),
        _data(world, year="2027", _version=pot.version, **{member_field_name(world.org_a): "-100"}),
    )
    assert response.status_code == 200
    amounts = {c.organisation: c.amount for c in Contribution.objects.filter(pot_year=pot)}
    assert amounts == {world.org_a: Decimal(1_000_000), world.org_b: Decimal(3_000_000)}


def test_contributions_are_split_by_a_key(world: World, pot: PotYear) -> None:
    key = organisations.cost_sharing_key_create(
        collaboration=world.alfa,
        name="Like deler",
        method=CostSharingKey.Method.EQUAL,
    )
    client = world.client_for("office")
    response = client.post(
        url("pot_year_compute", pot_year_id=pot.uuid), {"total": "-1", "key": str(key.uuid)}
    )
    assert (
        response.status_code == 200
        and "Beløpet kan ikke være negativt." in response.content.decode()
    )
    unchanged = {c.organisation: c.amount for c in Contribution.objects.filter(pot_year=pot)}
    assert unchanged == {world.org_a: Decimal(1_000_000), world.org_b: Decimal(3_000_000)}
    response = client.post(
        url("pot_year_compute", pot_year_id=pot.uuid), {"total": "5 000 000", "key": str(key.uuid)}
    )
    assert response.status_code == 302
    amounts = {c.organisation: c.amount for c in Contribution.objects.filter(pot_year=pot)}
    assert amounts == {world.org_a: Decimal(2_500_000), world.org_b: Decimal(2_500_000)}
    # without a key: by population (A 10 000, B 30 000)
    client.post(url("pot_year_compute", pot_year_id=pot.uuid), {"total": "4 000 000", "key": ""})
    amounts = {c.organisation: c.amount for c in Contribution.objects.filter(pot_year=pot)}
    assert amounts == {world.org_a: Decimal(1_000_000), world.org_b: Decimal(3_000_000)}


def test_delete_removes_the_year_and_its_contributions(world: World, pot: PotYear) -> None:
    assert (
        world.client_for("office").get(url("pot_year_delete", pot_year_id=pot.uuid)).status_code
        == 405
    )
    assert (
        world.client_for("office").post(url("pot_year_delete", pot_year_id=pot.uuid)).status_code
        == 302
    )
    assert not PotYear.objects.exists() and not Contribution.objects.exists()


def test_budget_use_follows_the_decided_scenario_else_the_latest(world: World) -> None:
    portfolio = build_portfolio(world)
    other = services.scenario_run(
        scenario=services.scenario_create(
            collaboration=world.alfa,
            name="Halv pott",
            first_year=2027,
            years=2,
            budget_factor=Decimal("0.5"),
        )
    )
    html = world.client_for("viewer").get(url("pot")).content.decode()
    use = html[html.index('id="use-heading"') :]
    assert "Etter det sist beregnede scenarioet" in use and "Halv pott" in use
    services.scenario_record_decision(scenario=portfolio.scenario, decision=decision(world))
    html = world.client_for("viewer").get(url("pot")).content.decode()
    use = html[html.index('id="use-heading"') :]
    assert "Etter det vedtatte scenarioet" in use and "Grunnscenario" in use
    assert "2\u00a0500\u00a0000\u00a0kr" in use  # 2027 spending of the decided scenario
    assert "62,5\u00a0%" in use  # of the 4 mill pot
    assert Scenario.objects.get(pk=other.pk).result is not None  # the other stays solved


def test_the_pot_as_xlsx_has_the_contributions_capacity_and_use(world: World) -> None:
    portfolio = build_portfolio(world)
    services.scenario_record_decision(scenario=portfolio.scenario, decision=decision(world))
    assert world.client_for("outsider").get(url("pot") + "?format=xlsx").status_code == 404
    response = world.client_for("viewer").get(url("pot") + "?format=xlsx")
    assert response.status_code == 200
    assert "potten-alfa.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Bidrag", "Per år"]
    rows = list(workbook["Bidrag"].iter_rows(values_only=True))
    assert rows[0] == ("Medlem", "2027", "2028", "Sum (kr)")
    by_member = {row[0]: row[1:] for row in rows[1:]}
    assert by_member["A kommune"] == (1_000_000, 1_000_000, 2_000_000)
    assert by_member["B kommune"] == (3_000_000, 3_000_000, 6_000_000)
    assert by_member["Sum"] == (4_000_000, 4_000_000, 8_000_000)
    years = list(workbook["Per år"].iter_rows(min_row=2, values_only=True))
    assert years[0] == (2027, 4_000_000, 5_000, 2_500_000, 62.5, "Grunnscenario")
    assert years[1][:5] == (2028, 4_000_000, 5_000, 1_000_000, 25.0)
    assert "?format=xlsx" in world.client_for("viewer").get(url("pot")).content.decode()
