"""Indicator, intermediate-target and measurement pages per persona: who may (owner,
responsible and managers change indicators; A's editor measures G-01 for A only), bad input
(target equal to baseline, dates the wrong way round, a custom unit without a name, an
intermediate target outside the trajectory, a measurement before the baseline or for an
organisation the benefit does not accrue to) refused in Norwegian with nothing written."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from samla.benefits import services
from samla.benefits.models import Indicator, IndicatorTarget, Measurement
from tests.test_benefits_register_pages import (
    CHANGE_G1,
    MEASURE_G1,
    PERSONAS,
    Register,
    build_register,
    url,
)

D = datetime.date


@pytest.fixture
def register(world: Any) -> Register:
    return build_register(world)


def _expected(persona: str, allowed: set[str]) -> int:
    return 200 if persona in allowed else 404 if persona == "outsider" else 403


def test_form_pages_per_persona(register: Register) -> None:
    hours, measurement = register.hours, register.measurement
    pages = [
        (url("indicator_create", benefit_id=register.slow.uuid), CHANGE_G1),
        (url("indicator_edit", indicator_id=hours.uuid), CHANGE_G1),
        (url("indicator_target_create", indicator_id=hours.uuid), CHANGE_G1),
        (url("measurement_create", indicator_id=hours.uuid), MEASURE_G1),
        (url("measurement_edit", measurement_id=measurement.uuid), MEASURE_G1),
        # G-02 accrues to A and B: both editors measure it, A's editor is its responsible
        (
            url("measurement_create", indicator_id=register.kroner.uuid),
            {"admin", "office", "editor_a", "editor_b"},
        ),
        (url("indicator_edit", indicator_id=register.kroner.uuid), {"admin", "office", "editor_a"}),
    ]
    for address, allowed in pages:
        for persona in PERSONAS:
            status = register.client(persona).get(address).status_code
            assert status == _expected(persona, allowed), f"{persona} on {address}: {status}"


def test_indicator_address_leads_to_its_benefit(register: Register) -> None:
    response = register.client("viewer").get(
        url("indicator_detail", indicator_id=register.hours.uuid)
    )
    assert response.status_code == 302
    assert response["Location"] == (
        url("benefit_detail", benefit_id=register.slow.uuid) + f"#indikator-{register.hours.uuid}"
    )


# --- Indicators -----------------------------------------------------------------------------


def _indicator_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Saker per årsverk",
        "unit": "count",
        "custom_unit": "",
        "baseline_value": "1 200",
        "baseline_date": "2026-01-01",
        "target_value": "1 500,5",
        "target_date": "31.12.2027",
        "frequency": "yearly",
        "method": "Telling i sakssystemet",
        "data_source": "Sakssystemet",
        "kroner_per_unit": "",
    }
    data.update(overrides)
    return data


def test_owner_adds_an_indicator_with_norwegian_numbers(register: Register) -> None:
    response = register.client("editor_b").post(
        url("indicator_create", benefit_id=register.slow.uuid), _indicator_post()
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(name="Saker per årsverk")
    assert str(indicator.target_value) == "1500.5000"
    assert indicator.target_date == D(2027, 12, 31)
    assert response["Location"].endswith(f"#indikator-{indicator.uuid}")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"target_value": "1200"}, "Målet kan ikke være lik nullpunktet."),
        ({"target_date": "2025-12-31"}, "Måldatoen må være etter nullpunktets dato."),
        ({"unit": "custom"}, "Skriv navnet på enheten."),
        ({"baseline_value": "mange"}, "Skriv et tall"),
        ({"name": "Timer brukt"}, "Gevinsten har allerede en indikator med dette navnet."),
        ({"kroner_per_unit": "-5"}, "Verdien må være større enn eller lik 0."),
    ],
)
def test_bad_indicator_is_refused_and_nothing_written(
    register: Register, overrides: dict[str, Any], message: str
) -> None:
    before = Indicator.objects.count()
    response = register.client("office").post(
        url("indicator_create", benefit_id=register.slow.uuid), _indicator_post(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Indicator.objects.count() == before


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("target_value", {"target_value": "1 200"}, "Målet kan ikke være lik nullpunktet."),
        (
            "target_date",
            {"target_date": "01.01.2026"},
            "Måldatoen må være etter nullpunktets dato.",
        ),
    ],
)
def test_target_errors_stand_by_their_field_on_create_and_edit(
    register: Register, field: str, overrides: dict[str, Any], message: str
) -> None:
    """Not as an error for the whole form: by the field to correct, and nothing written."""
    hours = register.hours
    original = (hours.target_value, hours.target_date)
    edit = _indicator_post(
        name=hours.name,
        unit=hours.unit,
        baseline_value="1000",
        baseline_date="2026-01-01",
        target_value="600",
        target_date="2028-01-01",
        _version=hours.version,
    )
    if field == "target_value":
        edit["target_value"] = "1000"
    else:
        edit["target_date"] = "2025-06-30"
    for address, data in (
        (url("indicator_create", benefit_id=register.slow.uuid), _indicator_post(**overrides)),
        (url("indicator_edit", indicator_id=hours.uuid), edit),
    ):
        before = (Indicator.objects.count(), Indicator.history.count())
        response = register.client("office").post(address, data)
        assert response.status_code == 200
        html = response.content.decode()
        by_field = f'<p class="ds-validation-message" data-color="danger" id="id_{field}-error">'
        assert by_field + message in html, address
        summary = html.split(by_field)[0]
        assert f"<li>{message}</li>" not in summary  # not among the form-wide errors
        assert (Indicator.objects.count(), Indicator.history.count()) == before
    hours.refresh_from_db()
    assert (hours.target_value, hours.target_date) == original


def test_indicator_edit_keeps_measurements_after_the_baseline(register: Register) -> None:
    hours = register.hours
    address = url("indicator_edit", indicator_id=hours.uuid)
    data = _indicator_post(
        name="Timer brukt",
        unit="hours",
        baseline_value="1000",
        baseline_date="2026-08-01",
        target_value="600",
        target_date="2028-01-01",
        _version=hours.version,
    )
    response = register.client("editor_b").post(address, data)
    assert "før nullpunktets dato" in response.content.decode()
    hours.refresh_from_db()
    assert hours.baseline_date == D(2026, 1, 1)
    data["baseline_date"] = "2026-01-01"
    data["target_value"] = "500"
    assert register.client("editor_b").post(address, data).status_code == 302
    hours.refresh_from_db()
    assert hours.target_value == 500


def test_indicator_delete_is_post_only_and_for_those_who_change(register: Register) -> None:
    address = url("indicator_delete", indicator_id=register.hours.uuid)
    assert register.client("editor_a").post(address).status_code == 403
    assert register.client("editor_b").get(address).status_code == 405
    assert Indicator.objects.filter(pk=register.hours.pk).exists()
    response = register.client("editor_b").post(address)
    assert response["Location"] == url("benefit_detail", benefit_id=register.slow.uuid)
    assert not Indicator.objects.filter(pk=register.hours.pk).exists()
    assert not Measurement.objects.filter(pk=register.measurement.pk).exists()


# --- Intermediate targets -----------------------------------------------------------------


def test_intermediate_targets(register: Register) -> None:
    hours = register.hours
    client = register.client("editor_b")
    address = url("indicator_target_create", indicator_id=hours.uuid)
    for bad, message in [
        ({"date": "2029-01-01", "value": "700"}, "Et delmål må ligge mellom nullpunktets dato"),
        ({"date": "2026-01-01", "value": "700"}, "Et delmål må ligge mellom nullpunktets dato"),
        ({"date": "i morgen", "value": "700"}, "Oppgi en gyldig dato"),
        ({"date": "2027-06-01", "value": ""}, "Skriv et tall."),
    ]:
        response = client.post(address, bad)
        assert message in response.content.decode(), bad
    assert IndicatorTarget.objects.filter(indicator=hours).count() == 1
    assert client.post(address, {"date": "01.07.2027", "value": "700"}).status_code == 302
    assert client.post(address, {"date": "2027-07-01", "value": "690"}).status_code == 302
    assert IndicatorTarget.objects.get(indicator=hours, date=D(2027, 7, 1)).value == 690

    delete = url("indicator_target_delete", indicator_id=hours.uuid, date="2027-07-01")
    assert register.client("editor_a").post(delete).status_code == 403
    assert client.post(delete).status_code == 302
    assert not IndicatorTarget.objects.filter(indicator=hours, date=D(2027, 7, 1)).exists()
    for missing in ("2027-07-01", "ikke-en-dato"):
        address = url("indicator_target_delete", indicator_id=hours.uuid, date=missing)
        assert client.post(address).status_code == 404
    assert IndicatorTarget.objects.filter(indicator=hours).count() == 1


# --- Measurements -------------------------------------------------------------------------


def test_editor_measures_for_their_own_organisation_only(register: Register) -> None:
    world = register.world
    address = url("measurement_create", indicator_id=register.hours.uuid)
    client = register.client("editor_a")
    form = client.get(address).content.decode()
    assert "A kommune" in form and "B kommune" not in form and "Hele gevinsten" not in form
    before = Measurement.objects.count()
    response = client.post(
        address,
        {"measured_on": "2026-10-01", "value": "950", "organisation": str(world.org_b.uuid)},
    )
    assert "Velg en organisasjon gevinsten tilfaller." in response.content.decode()
    response = client.post(address, {"measured_on": "2026-10-01", "value": "950"})
    assert "Velg organisasjonen du måler for." in response.content.decode()
    assert Measurement.objects.count() == before
    response = client.post(
        address,
        {
            "measured_on": "01.10.2026",
            "value": "950,5",
            "organisation": str(world.org_a.uuid),
            "comment": "Q3",
        },
    )
    assert response.status_code == 302
    created = Measurement.objects.get(comment="Q3")
    assert created.organisation == world.org_a and created.measured_by == world.editor_a
    assert str(created.value) == "950.5000"


def test_editor_b_measures_g02_for_b_but_not_g01(register: Register) -> None:
    world = register.world
    assert (
        register.client("editor_b")
        .post(
            url("measurement_create", indicator_id=register.kroner.uuid),
            {"measured_on": "2027-03-01", "value": "380000", "organisation": str(world.org_b.uuid)},
        )
        .status_code
        == 302
    )
    # G-01 accrues to A only; editor_b owns it and so may measure it for A or for all of it
    response = register.client("editor_b").get(
        url("measurement_create", indicator_id=register.hours.uuid)
    )
    body = response.content.decode()
    assert "Hele gevinsten" in body and "A kommune" in body and "B kommune" not in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"measured_on": "2025-12-31", "value": "990"},
            "Målingen kan ikke være datert før nullpunktet (01.01.2026).",
        ),
        ({"measured_on": "", "value": "990"}, "Skriv datoen."),
        ({"measured_on": "2026-09-01", "value": "ni hundre"}, "Skriv et tall"),
        ({"measured_on": "2026-09-01", "value": "1e400"}, "18 eller færre tall"),
    ],
)
def test_bad_measurement_is_refused_and_nothing_written(
    register: Register, data: dict[str, str], message: str
) -> None:
    before = Measurement.objects.count()
    response = register.client("office").post(
        url("measurement_create", indicator_id=register.hours.uuid), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Measurement.objects.count() == before


def test_measurement_edit_and_delete(register: Register) -> None:
    world = register.world
    measurement = register.measurement
    address = url("measurement_edit", measurement_id=measurement.uuid)
    form = register.client("editor_a").get(address).content.decode()
    assert 'value="990' in form
    response = register.client("editor_a").post(
        address,
        {
            "measured_on": "2026-07-01",
            "value": "980",
            "organisation": str(world.org_a.uuid),
            "_version": measurement.version,
        },
    )
    assert response.status_code == 302
    measurement.refresh_from_db()
    assert measurement.value == 980
    assert register.client("viewer").post(address, {"value": "1"}).status_code == 403

    delete = url("measurement_delete", measurement_id=measurement.uuid)
    assert register.client("viewer").post(delete).status_code == 403
    assert register.client("editor_a").get(delete).status_code == 405
    assert Measurement.objects.filter(pk=measurement.pk).exists()
    assert register.client("editor_a").post(delete).status_code == 302
    assert not Measurement.objects.filter(pk=measurement.pk).exists()


def test_editor_cannot_touch_another_organisations_measurement(register: Register) -> None:
    world = register.world
    for_b = services.measurement_create(
        indicator=register.kroner,
        measured_on=D(2027, 1, 1),
        value=400_000,
        organisation=world.org_b,
    )
    assert (
        register.client("editor_a")
        .get(url("measurement_edit", measurement_id=for_b.uuid))
        .status_code
        == 200  # A's editor is G-02's responsible person
    )
    assert (
        register.client("editor_b")
        .post(url("measurement_delete", measurement_id=register.measurement.uuid))
        .status_code
        == 302  # B's editor owns G-01
    )
    other = services.measurement_create(
        indicator=register.hours, measured_on=D(2026, 9, 1), value=950, organisation=world.org_a
    )
    services.benefit_update(benefit=register.slow, owner=world.office)
    assert (
        register.client("editor_b")
        .post(url("measurement_delete", measurement_id=other.uuid))
        .status_code
        == 403
    )
    assert Measurement.objects.filter(pk=other.pk).exists()


# --- Saved unchanged, nothing changes --------------------------------------------------------


def _snapshot(obj: Any) -> dict[str, Any]:
    from django.forms.models import model_to_dict

    fresh = type(obj).objects.get(pk=obj.pk)
    return {
        key: sorted(x.pk for x in value) if isinstance(value, list) else value
        for key, value in model_to_dict(fresh).items()
        if key not in {"version"}
    }


def test_every_edit_page_saved_unchanged_changes_nothing(register: Register) -> None:
    """Each field shows what is stored (a select keyed by uuid selects the stored object, a
    number reads back as itself), so a browser's unchanged save changes nothing."""
    from loadtest.forms import form_index, read_form
    from samla.benefits.views import indicators
    from samla.benefits.views import register as register_views

    pages = {
        "benefit_edit": ("benefit_id", register.licences),  # every relation filled in
        "indicator_edit": ("indicator_id", register.hours),
        "measurement_edit": ("measurement_id", register.measurement),
    }
    names = {
        p.name
        for p in [*register_views.urlpatterns, *indicators.urlpatterns]
        if p.name and p.name.endswith("_edit")
    }
    assert names == set(pages), "an edit page without a round-trip entry"
    client = register.client("admin")
    for name, (kwarg, obj) in pages.items():
        address = url(name, **{kwarg: obj.uuid})
        before = _snapshot(obj)
        html = client.get(address).content.decode()
        values, _radios, _action = read_form(html, form_index(html, 'class="samla-form'))
        data: dict[str, list[str]] = {}
        for field, value in values:
            data.setdefault(field, []).append(value)
        response = client.post(address, data)
        assert response.status_code == 302, (name, response.content.decode()[-3000:])
        assert _snapshot(obj) == before, name


def test_editor_does_not_change_a_measurement_of_the_whole_benefit(register: Register) -> None:
    whole = services.measurement_create(
        indicator=register.hours, measured_on=D(2026, 9, 1), value=950
    )
    client = register.client("editor_a")
    assert client.get(url("measurement_edit", measurement_id=whole.uuid)).status_code == 403
    assert client.post(url("measurement_delete", measurement_id=whole.uuid)).status_code == 403
    whole.refresh_from_db()
    assert whole.organisation is None and whole.value == 950
    body = client.get(url("benefit_detail", benefit_id=register.slow.uuid)).content.decode()
    assert url("measurement_edit", measurement_id=whole.uuid) not in body
    assert url("measurement_edit", measurement_id=register.measurement.uuid) in body
