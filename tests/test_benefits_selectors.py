"""The benefit register's reads: each indicator's status against its trajectory, the next due
measurement, the register worst first with benefits lacking an indicator still listed, its
filters, and a fixed number of queries at two data sizes."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import World
from samla.benefits import selectors
from samla.benefits import services as benefits
from samla.benefits.models import Benefit, Indicator, Measurement
from samla.finance.benefits import Status
from samla.governance import services as governance
from samla.governance.models import Programme, Project

D = datetime.date
TODAY = D(2027, 3, 1)


def make_benefit(world: World, title: str = "Gevinst", **fields: Any) -> Benefit:
    defaults: dict[str, Any] = {"benefit_class": "budget", "owner": world.office}
    defaults.update(fields)
    return benefits.benefit_create(collaboration=world.alfa, title=title, **defaults)


def make_indicator(benefit: Benefit, name: str = "Indikator", **fields: Any) -> Indicator:
    """Percent of purchases through e-commerce: 0 at 1 January 2026, 20 at 1 January 2028."""
    defaults: dict[str, Any] = {
        "unit": "percent",
        "baseline_value": Decimal(0),
        "baseline_date": D(2026, 1, 1),
        "target_value": Decimal(20),
        "target_date": D(2028, 1, 1),
        "frequency": "quarterly",
    }
    defaults.update(fields)
    return benefits.indicator_create(benefit=benefit, name=name, **defaults)


def measure(indicator: Indicator, on: datetime.date, value: float, **fields: Any) -> Measurement:
    return benefits.measurement_create(
        indicator=indicator, measured_on=on, value=Decimal(str(value)), **fields
    )


def make_project(world: World, name: str, **fields: Any) -> Project:
    return governance.project_create(
        collaboration=world.alfa, name=name, start=D(2026, 1, 1), **fields
    )


# --- One indicator --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (10, Status.ON_TRACK),  # planned 10 on 1 January 2027 (half the way)
        (9, Status.ON_TRACK),  # 0.45 against 0.50: within 5 points
        (8, Status.AT_RISK),  # 0.40
        (6, Status.AT_RISK),  # 0.30: exactly 20 points behind
        (5, Status.BEHIND),  # 0.25
    ],
)
def test_status_against_a_straight_trajectory(world: World, value: float, status: Status) -> None:
    indicator = make_indicator(make_benefit(world))
    measure(indicator, D(2027, 1, 1), value)
    progress = selectors.indicator_progress(indicator, today=TODAY)
    assert progress.status is status
    assert progress.latest is not None and progress.latest.value == Decimal(str(value))
    assert progress.assessment.planned_realisation == pytest.approx(365 / 730)


def test_intermediate_targets_bend_the_trajectory(world: World) -> None:
    indicator = make_indicator(make_benefit(world))
    # 5 % by the end of 2026, 20 % a year later: 6 % at 1 January 2027 is on track, although
    # it is far below the straight line's 10 %.
    benefits.indicator_target_set(indicator=indicator, date=D(2026, 12, 31), value=Decimal(5))
    measure(indicator, D(2027, 1, 1), 6)
    progress = selectors.indicator_progress(indicator, today=TODAY)
    assert progress.status is Status.ON_TRACK
    assert progress.status_label == "I rute"


def test_falling_indicator(world: World) -> None:
    indicator = make_indicator(
        make_benefit(world),
        unit="hours",
        baseline_value=Decimal(10_000),
        target_value=Decimal(6_000),
    )
    measure(indicator, D(2027, 1, 1), 8_100)  # 0.475 of the way against 0.5
    assert selectors.indicator_progress(indicator, today=TODAY).status is Status.ON_TRACK
    measure(indicator, D(2027, 2, 1), 9_500)
    progress = selectors.indicator_progress(indicator, today=TODAY)
    assert progress.status is Status.BEHIND
    assert progress.status_label == "Bak plan"
    assert progress.kroner is None  # hours with no hourly rate cannot be priced
    benefits.indicator_update(indicator=indicator, kroner_per_unit=Decimal(650))
    assert selectors.indicator_progress(indicator, today=TODAY).kroner == 500 * 650


def test_not_measured_is_due_a_frequency_after_the_baseline(world: World) -> None:
    indicator = make_indicator(make_benefit(world), frequency="half_yearly")
    progress = selectors.indicator_progress(indicator, today=D(2026, 7, 1))
    assert progress.status is Status.NOT_MEASURED
    assert progress.status_label == "Ikke målt"
    assert progress.latest is None
    assert progress.next_due == D(2026, 7, 1)
    assert not progress.overdue
    assert selectors.indicator_progress(indicator, today=D(2026, 7, 2)).overdue


def test_next_due_follows_the_latest_measurement(world: World) -> None:
    benefit = make_benefit(world)
    indicator = make_indicator(benefit)  # quarterly
    measure(indicator, D(2026, 11, 30), 8)
    progress = selectors.indicator_progress(indicator, today=D(2027, 3, 1))
    assert progress.next_due == D(2027, 2, 28)
    assert progress.overdue
    # A realised benefit is not chased for measurements.
    benefits.benefit_update(benefit=benefit, status="realised")
    indicator.refresh_from_db()
    assert not selectors.indicator_progress(indicator, today=D(2027, 3, 1)).overdue


def test_latest_is_the_latest_date_and_the_whole_benefit_first_on_a_day(world: World) -> None:
    benefit = make_benefit(world, organisations=[world.org_a, world.org_b])
    indicator = make_indicator(benefit)
    measure(indicator, D(2026, 9, 1), 1, organisation=world.org_a)
    whole = measure(indicator, D(2026, 10, 1), 2)
    measure(indicator, D(2026, 10, 1), 3, organisation=world.org_b)
    measure(indicator, D(2026, 6, 1), 4)
    assert selectors.indicator_progress(indicator, today=TODAY).latest == whole
    # Prefetched measurements (all of them, or the latest only) give the same answer.
    all_prefetched = Indicator.objects.prefetch_related("measurements").get(pk=indicator.pk)
    assert selectors.indicator_progress(all_prefetched, today=TODAY).latest == whole
    row = selectors.benefits_with_progress(world.alfa, today=TODAY)[0]
    assert row.indicators[0].latest == whole
    later = measure(indicator, D(2026, 10, 2), 5, organisation=world.org_b)
    assert selectors.indicator_progress(indicator, today=TODAY).latest == later


def test_status_rule_names_the_margins() -> None:
    rule = str(selectors.STATUS_RULE)
    assert "5 prosentpoeng" in rule and "20 prosentpoeng" in rule
    assert "delmål" in rule


def test_measurements_of_runs_one_query_oldest_first(world: World) -> None:
    benefit = make_benefit(world, organisations=[world.org_a])
    indicator = make_indicator(benefit)
    for month in (9, 3, 6):
        benefits.measurement_create(
            indicator=indicator,
            measured_on=D(2026, month, 1),
            value=Decimal(month),
            organisation=world.org_a,
            user=world.editor_a,
        )
    with CaptureQueriesContext(connection) as queries:
        rows = [
            (m.measured_on.month, m.organisation.name, m.measured_by.username)
            for m in selectors.measurements_of(indicator)
            if m.organisation and m.measured_by
        ]
    assert rows == [
        (3, "A kommune", "editor_a"),
        (6, "A kommune", "editor_a"),
        (9, "A kommune", "editor_a"),
    ]
    assert len(queries) == 1


# --- The register ---------------------------------------------------------------------------


def _register_world(world: World) -> dict[str, Benefit]:
    """Five benefits, one of each kind the register sorts by, created in the wrong order."""
    made = {}
    for title, value in (
        ("A på sporet", 10),
        ("B ingen indikator", None),
        ("C ikke målt", "none"),
        ("D bak", 1),
        ("E faresone", 7),
    ):
        benefit = make_benefit(world, title)
        made[title] = benefit
        if value is None:
            continue
        indicator = make_indicator(benefit)
        if value != "none":
            measure(indicator, D(2027, 1, 1), float(value))
    return made


def test_register_lists_worst_first_and_never_hides_a_benefit_without_indicator(
    world: World,
) -> None:
    _register_world(world)
    rows = selectors.benefits_with_progress(world.alfa, today=TODAY)
    assert [(r.benefit.title, r.worst, r.missing_indicator) for r in rows] == [
        ("D bak", Status.BEHIND, False),
        ("E faresone", Status.AT_RISK, False),
        ("C ikke målt", Status.NOT_MEASURED, False),
        ("A på sporet", Status.ON_TRACK, False),
        ("B ingen indikator", None, True),
    ]
    assert rows[-1].status_label == "Mangler indikator"
    assert rows[-1].indicators == []


def test_a_benefit_counts_its_worst_indicator(world: World) -> None:
    benefit = make_benefit(world)
    good = make_indicator(benefit, "God")
    bad = make_indicator(benefit, "Dårlig")
    measure(good, D(2027, 1, 1), 10)
    measure(bad, D(2027, 1, 1), 7)
    (row,) = selectors.benefits_with_progress(world.alfa, today=TODAY)
    assert [p.status for p in row.indicators] == [Status.ON_TRACK, Status.AT_RISK]
    assert row.worst is Status.AT_RISK


def test_register_filters(world: World) -> None:
    made = _register_world(world)
    programme = governance.programme_create(collaboration=world.alfa, name="Digitalt program")
    in_programme = make_project(world, "Prosjekt i programmet", programme=programme)
    alone = make_project(world, "Eget prosjekt")
    benefits.benefit_update(benefit=made["D bak"], project=in_programme)
    benefits.benefit_update(benefit=made["A på sporet"], project=alone, benefit_class="capacity")
    benefits.benefit_update(benefit=made["E faresone"], programme=programme, status="realising")
    benefits.benefit_update(benefit=made["C ikke målt"], organisations=[world.org_b])

    def titles(**filters: Any) -> list[str]:
        rows = selectors.benefits_with_progress(world.alfa, today=TODAY, **filters)
        return [r.benefit.title for r in rows]

    assert titles(status="behind") == ["D bak"]
    assert titles(status="missing_indicator") == ["B ingen indikator"]
    assert titles(status="realising") == ["E faresone"]
    assert titles(status="on_track") == ["A på sporet"]
    assert titles(project=alone) == ["A på sporet"]
    assert titles(programme=programme) == ["D bak", "E faresone"]
    assert titles(benefit_class="capacity") == ["A på sporet"]
    assert titles(organisation=world.org_b) == ["C ikke målt"]
    assert titles(organisation=world.org_a) == []
    # Another collaboration's register is empty.
    assert selectors.benefits_with_progress(world.beta, today=TODAY) == []
    assert Programme.objects.count() == 1


def _grow(world: World, n: int) -> None:
    for i in range(n):
        benefit = make_benefit(
            world, f"Gevinst {Benefit.objects.count()}", organisations=[world.org_a, world.org_b]
        )
        if i % 3 == 0:
            continue  # some without an indicator
        for j in range(2):
            indicator = make_indicator(benefit, f"Indikator {j}")
            benefits.indicator_target_set(indicator=indicator, date=D(2027, 1, 1), value=Decimal(8))
            for month in range(1, 1 + i % 4):
                measure(indicator, D(2026, month * 2, 1), month, organisation=world.org_a)


def _count(world: World) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.benefits_with_progress(world.alfa, today=TODAY)
        for row in rows:
            str(row.benefit.owner)
            [o.name for o in row.benefit.organisations.all()]
            for p in row.indicators:
                if p.latest is not None:
                    str(p.latest.organisation)
                p.status_label  # noqa: B018
    return len(rows), len(queries)


def test_register_runs_a_fixed_number_of_queries(world: World) -> None:
    _grow(world, 3)
    small_rows, small = _count(world)
    _grow(world, 12)
    large_rows, large = _count(world)
    assert (small_rows, large_rows) == (3, 15)
    assert small == large
    assert large <= 6


# --- Demo data ------------------------------------------------------------------------------


def test_demo_shows_every_status_links_the_case_and_draws_maps(world: World) -> None:
    from samla.benefits.demo import DEMO_MAP, seed_demo_benefits
    from samla.benefits.models import BenefitMap, MapLink, MapNode
    from samla.cases.demo import seed_demo_cases
    from samla.governance.demo import seed_demo_governance
    from samla.organisations.services import cost_sharing_key_create

    cost_sharing_key_create(
        collaboration=world.alfa,
        name="30/70",
        method="fixed_plus_population",
        fixed_share_percent=Decimal(30),
    )
    seed_demo_cases(world.alfa)
    seed_demo_governance(world.alfa, today=TODAY)
    made = seed_demo_benefits(world.alfa, today=TODAY)
    assert len(made) == 9
    rows = selectors.benefits_with_progress(world.alfa, today=TODAY)
    worst = {row.benefit.code: row.worst for row in rows}
    assert worst == {
        "G1": Status.ON_TRACK,
        "G2": Status.AT_RISK,
        "G3": Status.ON_TRACK,
        "G4": Status.BEHIND,
        "G5": Status.ON_TRACK,
        "G6": Status.BEHIND,
        "G7": Status.AT_RISK,
        "G8": Status.NOT_MEASURED,
        "G9": None,
    }
    assert [row.benefit.code for row in rows][:2] in (["G4", "G6"], ["G6", "G4"])
    assert rows[-1].missing_indicator and rows[-1].benefit.code == "G9"
    by_code = {b.code: b for b in made}
    assert by_code["G2"].case_line is not None
    assert by_code["G2"].case_line.kind == "benefit"
    assert by_code["G3"].case_line is not None
    assert by_code["G3"].case_line.kind == "time_saving"
    # plan and actual meet in the measured years (the plan's base year is the first of them)
    from samla.benefits.selectors_reports import benefit_plan_versus_actual

    for code in ("G2", "G3"):
        pva = benefit_plan_versus_actual(by_code[code])
        assert pva.plan_counts, code
        both = [c.year for c in pva.totals if c.plan and c.actual]
        assert both == [2026, 2027], code
    g2 = benefit_plan_versus_actual(by_code["G2"])
    assert g2.totals[0].plan == Decimal(2_500_000) and 0 < g2.totals[0].actual < Decimal(2_500_000)
    assert by_code["G1"].project is not None
    assert by_code["G1"].project.name == "Innføring av e-handel"
    # Quarterly measurements from 1 January 2026 up to 1 March 2027: four of them.
    g1 = by_code["G1"].indicators.get()
    assert [m.measured_on for m in selectors.measurements_of(g1)] == [
        D(2026, 4, 1),
        D(2026, 7, 1),
        D(2026, 10, 1),
        D(2027, 1, 1),
    ]
    assert list(g1.targets.values_list("value", flat=True)) == [Decimal(5)]
    programme_map = BenefitMap.objects.get(collaboration=world.alfa, name=DEMO_MAP)
    assert programme_map.programme is not None
    kinds = set(programme_map.nodes.values_list("kind", flat=True))
    assert kinds == {"challenge", "objective", "change", "benefit"}
    assert programme_map.nodes.filter(kind="change", project__isnull=False).count() == 3
    assert BenefitMap.objects.filter(collaboration=world.alfa).count() == 2
    from samla.cases.models import BusinessCase, Line

    def counts() -> tuple[int, ...]:
        return (
            Benefit.objects.count(),
            MapNode.objects.count(),
            MapLink.objects.count(),
            BusinessCase.objects.count(),
            Line.objects.count(),
        )

    before = counts()
    seed_demo_benefits(world.alfa, today=TODAY)  # running it again changes nothing
    assert counts() == before
