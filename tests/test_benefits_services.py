"""Writes of the benefits app: what the services accept, and every bad input of the issue
refused with a clear Norwegian message and nothing written (history rows counted too):
a measurement before the baseline, a unit that does not match, a target equal to the
baseline, a benefit with no owner, an intermediate target outside the dates, removing an
organisation that has measurements, and deleting a measured benefit."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from conftest import World
from samla.benefits import services as benefits
from samla.benefits.models import Benefit, Indicator, IndicatorTarget, Measurement
from samla.cases import services as cases
from samla.cases.models import Line
from samla.organisations.models import Collaboration
from tests.test_benefits_selectors import make_benefit, make_indicator, measure

D = datetime.date


def benefits_counts() -> dict[str, int]:
    counts = {
        model.__name__: model._default_manager.count()
        for model in apps.get_app_config("benefits").get_models()
    }
    counts["organisations"] = Benefit.organisations.through.objects.count()
    return counts


@contextmanager
def refused(message: str, field: str | None = None) -> Iterator[None]:
    """The block raises a ValidationError containing ``message`` and writes nothing."""
    before = benefits_counts()
    with pytest.raises(ValidationError) as error:
        yield
    text = " ".join(error.value.messages)
    assert message.lower() in text.lower(), text
    if field is not None:
        assert hasattr(error.value, "error_dict"), error.value
        assert field in error.value.message_dict, error.value.message_dict
    assert benefits_counts() == before


def test_counts_see_history_rows(world: World) -> None:
    before = benefits_counts()
    make_benefit(world)
    after = benefits_counts()
    assert after["Benefit"] == before["Benefit"] + 1
    assert after["HistoricalBenefit"] == before["HistoricalBenefit"] + 1


# --- Accepted -------------------------------------------------------------------------------


def test_a_benefit_with_indicator_targets_and_measurements(world: World) -> None:
    benefit = make_benefit(
        world,
        "Færre lisenser",
        responsible=world.editor_a,
        organisations=[world.org_a, world.org_b],
        kind="direct",
    )
    indicator = make_indicator(benefit, "Lisenser", unit="count", target_value=Decimal(-5))
    assert indicator.order == 1
    benefits.indicator_target_set(indicator=indicator, date=D(2027, 1, 1), value=Decimal(-2))
    # Setting the same date again changes the value, not a second row.
    benefits.indicator_target_set(indicator=indicator, date=D(2027, 1, 1), value=Decimal(-3))
    assert list(indicator.targets.values_list("value", flat=True)) == [Decimal(-3)]
    m = benefits.measurement_create(
        indicator=indicator,
        measured_on=D(2026, 4, 1),
        value=Decimal(-1),
        unit="antall",
        organisation=world.org_a,
        user=world.editor_a,
    )
    assert m.measured_by == world.editor_a
    assert list(benefit.organisations.order_by("name")) == [world.org_a, world.org_b]


@pytest.mark.parametrize(
    ("unit", "custom", "given"),
    [
        ("percent", "", "%"),
        ("percent", "", "Prosent"),
        ("kroner", "", "NOK"),
        ("hours", "", " timer "),
        ("custom", "saker", "Saker"),
    ],
)
def test_unit_given_in_words_or_code(world: World, unit: str, custom: str, given: str) -> None:
    indicator = make_indicator(make_benefit(world), unit=unit, custom_unit=custom)
    benefits.measurement_create(
        indicator=indicator, measured_on=D(2026, 3, 1), value=Decimal(1), unit=given
    )
    assert indicator.measurements.count() == 1


# --- Refused --------------------------------------------------------------------------------


def test_measurement_before_the_baseline(world: World) -> None:
    indicator = make_indicator(make_benefit(world))
    with refused("før nullpunktet (01.01.2026)", "measured_on"):
        measure(indicator, D(2025, 12, 31), 1)


def test_moving_the_baseline_past_a_measurement(world: World) -> None:
    indicator = make_indicator(make_benefit(world))
    measure(indicator, D(2026, 2, 1), 1)
    with refused("Det finnes målinger fra 01.02.2026", "baseline_date"):
        benefits.indicator_update(indicator=indicator, baseline_date=D(2026, 3, 1))
    indicator.refresh_from_db()
    assert indicator.baseline_date == D(2026, 1, 1)


def test_moving_a_measurement_before_the_baseline(world: World) -> None:
    indicator = make_indicator(make_benefit(world))
    measurement = measure(indicator, D(2026, 2, 1), 1)
    with refused("før nullpunktet", "measured_on"):
        benefits.measurement_update(measurement=measurement, measured_on=D(2025, 1, 1))
    measurement.refresh_from_db()
    assert measurement.measured_on == D(2026, 2, 1)


@pytest.mark.parametrize("given", ["timer", "kr", "liter"])
def test_unit_mismatch(world: World, given: str) -> None:
    indicator = make_indicator(make_benefit(world))  # percent
    with refused(f"Enheten «{given}» passer ikke med indikatorens enhet «prosent»", "unit"):
        benefits.measurement_create(
            indicator=indicator, measured_on=D(2026, 3, 1), value=Decimal(3), unit=given
        )


def test_unit_mismatch_on_update(world: World) -> None:
    indicator = make_indicator(make_benefit(world), unit="custom", custom_unit="saker")
    measurement = measure(indicator, D(2026, 3, 1), 3)
    with refused("passer ikke", "unit"):
        benefits.measurement_update(measurement=measurement, value=Decimal(4), unit="timer")
    measurement.refresh_from_db()
    assert measurement.value == Decimal(3)


def test_target_equal_to_baseline(world: World) -> None:
    benefit = make_benefit(world)
    with refused("Målet kan ikke være lik nullpunktet", "target_value"):
        make_indicator(benefit, baseline_value=Decimal(5), target_value=Decimal(5))


def test_target_changed_to_equal_the_baseline(world: World) -> None:
    indicator = make_indicator(make_benefit(world))
    with refused("Målet kan ikke være lik nullpunktet", "target_value"):
        benefits.indicator_update(indicator=indicator, target_value=Decimal(0))
    indicator.refresh_from_db()
    assert indicator.target_value == Decimal(20)


def test_target_date_before_baseline(world: World) -> None:
    benefit = make_benefit(world)
    with refused("Måldatoen må være etter nullpunktets dato", "target_date"):
        make_indicator(benefit, target_date=D(2025, 1, 1))
    # a custom unit without its name, too, is put on its field
    with refused("Skriv navnet på enheten", "custom_unit"):
        make_indicator(benefit, unit="custom", custom_unit="")


def test_benefit_without_owner(world: World) -> None:
    with refused("En gevinst må ha en gevinsteier", "owner"):
        benefits.benefit_create(collaboration=world.alfa, title="Uten eier", benefit_class="budget")
    with refused("En gevinst må ha en gevinsteier", "owner"):
        make_benefit(world, "Eier tom", owner=None)


def test_removing_the_owner(world: World) -> None:
    benefit = make_benefit(world)
    with refused("En gevinst må ha en gevinsteier", "owner"):
        benefits.benefit_update(benefit=benefit, owner=None)
    benefit.refresh_from_db()
    assert benefit.owner == world.office


def test_owner_from_outside_the_collaboration(world: World) -> None:
    with refused("har ingen rolle i samarbeidet", "owner"):
        make_benefit(world, owner=world.outsider)


def test_organisation_outside_the_collaboration(world: World) -> None:
    with refused("C kommune er ikke medlem av samarbeidet", "organisations"):
        make_benefit(world, organisations=[world.org_c])


def test_intermediate_target_outside_the_dates(world: World) -> None:
    indicator = make_indicator(make_benefit(world))
    for day in (D(2025, 6, 1), D(2026, 1, 1), D(2028, 1, 1), D(2029, 1, 1)):
        with refused("Et delmål må ligge mellom nullpunktets dato (01.01.2026)", "date"):
            benefits.indicator_target_set(indicator=indicator, date=day, value=Decimal(3))


def test_moving_the_target_date_before_an_intermediate_target(world: World) -> None:
    indicator = make_indicator(make_benefit(world))
    benefits.indicator_target_set(indicator=indicator, date=D(2027, 6, 1), value=Decimal(12))
    with refused("Delmålene må ligge mellom", "target_date"):
        benefits.indicator_update(indicator=indicator, target_date=D(2027, 1, 1))
    assert IndicatorTarget.objects.get().date == D(2027, 6, 1)


def test_removing_an_organisation_that_has_measurements(world: World) -> None:
    benefit = make_benefit(world, organisations=[world.org_a, world.org_b])
    measure(make_indicator(benefit), D(2026, 3, 1), 2, organisation=world.org_b)
    with refused("Det finnes målinger for B kommune", "organisations"):
        benefits.benefit_update(benefit=benefit, organisations=[world.org_a])
    assert set(benefit.organisations.all()) == {world.org_a, world.org_b}
    # Removing the one without measurements is fine.
    benefits.benefit_update(benefit=benefit, organisations=[world.org_b])
    assert list(benefit.organisations.all()) == [world.org_b]


def test_measurement_for_an_organisation_the_benefit_does_not_accrue_to(world: World) -> None:
    benefit = make_benefit(world, organisations=[world.org_a])
    indicator = make_indicator(benefit)
    with refused("Gevinsten tilfaller ikke B kommune", "organisation"):
        measure(indicator, D(2026, 3, 1), 2, organisation=world.org_b)
    everyone = make_indicator(make_benefit(world, "Alle"), "I2")  # accrues to no one named
    with refused("C kommune er ikke medlem av samarbeidet", "organisation"):
        measure(everyone, D(2026, 3, 1), 2, organisation=world.org_c)


def test_deleting_a_measured_benefit(world: World) -> None:
    benefit = make_benefit(world)
    measure(make_indicator(benefit), D(2026, 3, 1), 2)
    with refused("Gevinsten har målinger og kan ikke slettes"):
        benefits.benefit_delete(benefit=benefit)
    assert Benefit.objects.filter(pk=benefit.pk).exists()


def test_deleting_an_unmeasured_benefit_takes_its_indicators(world: World) -> None:
    benefit = make_benefit(world)
    make_indicator(benefit)
    benefits.benefit_delete(benefit=benefit)
    assert not Benefit.objects.exists()
    assert not Indicator.objects.exists()
    assert not Measurement.objects.exists()


def test_duplicate_title_and_code(world: World) -> None:
    make_benefit(world, "Samme", code="G1")
    with refused("allerede en gevinst med denne tittelen"):
        make_benefit(world, "Samme")
    with refused("Nummeret er allerede i bruk"):
        make_benefit(world, "Annen", code="G1")
    # An empty code may repeat.
    make_benefit(world, "Tredje")
    make_benefit(world, "Fjerde")


def _lines(world: World, collaboration: Collaboration | None = None) -> dict[str, Line]:
    case = cases.case_create(
        collaboration=collaboration or world.alfa, name="Elektronisk handel", base_year=2026
    )
    version = case.versions.get()
    alternative = cases.alternative_create(version=version, name="Felles e-handel")
    return {
        kind: cases.line_create(
            alternative=alternative,
            kind=kind,
            name=f"Linje {kind}",
            distribution="point",
            amount=Decimal(100_000),
            first_year=2026,
            last_year=2029,
        )
        for kind in ("investment", "benefit", "time_saving")
    }


def test_business_case_line_must_be_a_monetised_benefit(world: World) -> None:
    lines = _lines(world)
    with refused("Velg en linje med prissatt gevinst eller spart tid", "case_line"):
        make_benefit(world, case_line=lines["investment"])
    make_benefit(world, "Prissatt", case_line=lines["benefit"])
    make_benefit(world, "Timer", case_line=lines["time_saving"])
    other = _lines(world, world.beta)
    with refused("Hører til et annet samarbeid", "case_line"):
        make_benefit(world, "Fremmed", case_line=other["benefit"])
