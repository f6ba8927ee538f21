"""The landscape's rules and analyses, checked on small hand-made data."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from conftest import World
from samla.landscape import analysis, services
from samla.landscape.catalogue import CATALOGUE, category_count
from samla.landscape.models import (
    Contract,
    SystemCategory,
    TimeClass,
    add_months,
    time_class_from_fit,
)
from samla.organisations.models import Collaboration

TODAY = datetime.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("functional", "technical", "expected"),
    [
        (4, 4, TimeClass.INVEST),
        (3, 3, TimeClass.INVEST),
        (3, 2, TimeClass.MIGRATE),
        (4, 1, TimeClass.MIGRATE),
        (2, 3, TimeClass.TOLERATE),
        (1, 4, TimeClass.TOLERATE),
        (2, 2, TimeClass.ELIMINATE),
        (1, 1, TimeClass.ELIMINATE),
        (None, 3, None),
        (3, None, None),
    ],
)
def test_time_rule(functional: int | None, technical: int | None, expected: str | None) -> None:
    assert time_class_from_fit(functional, technical) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 12, 31), -6, datetime.date(2026, 6, 30)),
        (datetime.date(2026, 3, 31), -1, datetime.date(2026, 2, 28)),
        (datetime.date(2024, 3, 31), -1, datetime.date(2024, 2, 29)),
        (datetime.date(2026, 1, 15), 24, datetime.date(2028, 1, 15)),
        (datetime.date(2026, 11, 30), 1, datetime.date(2026, 12, 30)),
        (datetime.date(2026, 12, 1), 0, datetime.date(2026, 12, 1)),
    ],
)
def test_add_months(day: datetime.date, months: int, expected: datetime.date) -> None:
    assert add_months(day, months) == expected


def test_catalogue_has_at_least_40_categories_in_six_service_areas(world: World) -> None:
    assert category_count() >= 40
    assert len(CATALOGUE) == 6
    assert SystemCategory.objects.filter(collaboration=world.alfa).count() == category_count()
    names = set(SystemCategory.objects.filter(collaboration=world.alfa).values_list("name", flat=True))
    for expected in ["Sak/arkiv", "Pleie og omsorg", "Barnevern", "Bibliotek", "Kulturskole", "E-handel", "PPT"]:
        assert expected in names
    # Installing again changes nothing.
    assert services.catalogue_install(collaboration=world.alfa) == 0


def _landscape(world: World) -> dict[str, object]:
    cat = {c.code: c for c in SystemCategory.objects.filter(collaboration=world.alfa)}
    vendor = services.vendor_save(collaboration=world.alfa, name="Leverandør AS")
    gerica = services.product_save(collaboration=world.alfa, name="Gerica", vendor=vendor)
    profil = services.product_save(collaboration=world.alfa, name="Profil", vendor=vendor)
    bibliofil = services.product_save(collaboration=world.alfa, name="Bibliofil", vendor=vendor)
    for org, product, users in [(world.org_a, gerica, 100), (world.org_b, profil, 40)]:
        services.installation_save(
            collaboration=world.alfa, organisation=org, category=cat["HSO-PLO"], product=product,
            users=users, functional_fit=3, technical_fit=2,
        )
    for org in (world.org_a, world.org_b):
        services.installation_save(
            collaboration=world.alfa, organisation=org, category=cat["KUL-BIB"], product=bibliofil, users=5,
        )
    profil_contract = services.contract_save(
        collaboration=world.alfa, organisations=[world.org_b], products=[profil], number="B-1",
        title="Profil", vendor=vendor, start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2027, 6, 30), notice_period_months=6, yearly_value=Decimal(400_000),
    )
    return {"cat": cat, "gerica": gerica, "profil": profil, "bibliofil": bibliofil, "contract": profil_contract}


def test_harmonisation_and_consolidation(world: World) -> None:
    data = _landscape(world)
    rows = {r.category.code: r for r in analysis.harmonisation(world.alfa, today=TODAY)}
    care = rows["HSO-PLO"]
    assert care.distinct_products == 2
    assert care.users == 140
    assert care.yearly_cost == Decimal(400_000)
    assert care.contracts_ending == 1
    library = rows["KUL-BIB"]
    assert [u.used_in(2) for u in library.products] == ["2/2"]
    ranked = analysis.consolidation_opportunities(world.alfa, today=TODAY)
    assert ranked[0].harmonisation.category.code == "HSO-PLO"
    # Parts are shown; the best category gets the full weight of every part it leads.
    assert ranked[0].parts == {"products": Decimal("0.400"), "cost": Decimal("0.300"), "contracts": Decimal("0.200"), "users": Decimal("0.100")}
    assert ranked[1].parts["products"] == 0  # everyone already uses Bibliofil
    assert data["contract"].notice_deadline == datetime.date(2026, 12, 30)


def test_contract_timeline_flags(world: World) -> None:
    data = _landscape(world)
    contract: Contract = data["contract"]  # type: ignore[assignment]
    world.alfa.procurement_threshold = Decimal(1_000_000)
    world.alfa.save()
    entry = analysis.contract_timeline(world.alfa, today=TODAY)[0]
    assert entry.ends_inside_horizon and entry.needs_procurement
    # 400 000 a year from 2022-01-01 to 2027-06-30 is about 2.2 million: above the threshold.
    assert entry.above_threshold
    assert not entry.notice_passed
    services.contract_save(
        collaboration=world.alfa, contract=contract, organisations=[world.org_b], products=[data["profil"]],
        number="B-1", title="Profil", vendor=contract.vendor, start_date=contract.start_date,
        end_date=contract.end_date, extension_options=2, extension_option_months=12,
        notice_period_months=6, yearly_value=Decimal(100_000),
    )
    entry = analysis.contract_timeline(world.alfa, today=TODAY)[0]
    assert not entry.needs_procurement
    assert entry.contract.latest_end_date == datetime.date(2029, 6, 30)


def test_target_portfolio_and_exit_plan(world: World) -> None:
    data = _landscape(world)
    services.target_choice_set(
        collaboration=world.alfa, category=data["cat"]["HSO-PLO"], product=data["gerica"],
        decided_by="Styringsgruppen", decided_on=datetime.date(2026, 9, 1), rationale="Brukes av A.",
        migration_deadline=datetime.date(2027, 12, 31),
    )
    portfolio = analysis.target_portfolio(world.alfa)
    actions = {t.organisation.name: t.action for t in portfolio[0].transitions}
    assert actions == {"A kommune": "keep", "B kommune": "migrate"}
    plan = analysis.exit_plan(world.alfa)
    assert [(i.kind, i.deadline) for i in plan] == [
        ("terminate", datetime.date(2026, 12, 30)),
        ("migrate", datetime.date(2027, 12, 31)),
    ]
    assert plan[0].contract == data["contract"]


def test_demo_asker_ict_costs_match_the_seed(db: None) -> None:
    call_command("seed_demo", stdout=StringIO())
    collaboration = Collaboration.objects.get(slug="nye-asker")
    years, rows = analysis.ict_costs(collaboration)
    assert years == [2013, 2014, 2015, 2016]
    asker = next(r for r in rows if r.organisation.name == "Asker kommune")
    assert [y.operating / 1000 for y in asker.years] == [38_039, 40_995, 44_881, 46_244]
    assert [y.total / 1000 for y in asker.years] == [53_821, 56_677, 55_734, 66_707]
    assert [y.exposed / 1000 for y in asker.years] == [35_610, 35_931, 34_278, 45_602]
    assert [round(y.exposed_share * 100, 1) for y in asker.years] == [
        Decimal("66.2"), Decimal("63.4"), Decimal("61.5"), Decimal("68.4"),
    ]
