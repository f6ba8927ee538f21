"""No lost updates on the pages: two people open the same edit form and both save.

The first save wins. The second gets the 409 conflict page, which shows both values, and
the database keeps the first one. Reopening the form then carries the current version, and
saving from it works. There is one case per app and one per landscape register.

Every form is read from the page itself (``form_data``), just as a browser sends it, and
then one field is changed.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from conftest import World, build_world
from samla.core.locking import EditConflict, VersionedBase, check_version
from samla.landscape import services as landscape_services
from samla.landscape.models import Contract, IctCost, Installation, ServiceArea
from samla.organisations.models import Membership, Role
from tests.test_case_pages import Cases, build_cases
from tests.test_survey_campaigns import TODAY, Scenario, build_scenario, freeze


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, TODAY)


def form_data(page: bytes) -> dict[str, Any]:
    """What a browser would post from the form that carries ``_version``."""
    tree = lxml_html.fromstring(page)
    forms = tree.xpath('//form[.//input[@name="_version"]]')
    assert len(forms) == 1, "the edit form carries its version"
    data: dict[str, Any] = {}
    for element in forms[0].xpath(".//input|.//select|.//textarea"):
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "select":
            chosen = [o.get("value", o.text or "") for o in element.xpath(".//option[@selected]")]
            if element.get("multiple") is not None:
                data[name] = chosen
            elif chosen:
                data[name] = chosen[0]
            else:
                first = element.xpath(".//option")
                data[name] = first[0].get("value", "") if first else ""
        elif element.tag == "textarea":
            data[name] = element.text or ""
        elif element.get("type") in ("checkbox", "radio"):
            if element.get("checked") is not None:
                value = element.get("value", "on")
                if element.get("type") == "checkbox" and name in data:
                    existing = data[name]
                    data[name] = [*(existing if isinstance(existing, list) else [existing]), value]
                else:
                    data[name] = value
        elif element.get("type") in ("submit", "button", "reset", "file"):
            continue
        else:
            data[name] = element.get("value", "")
    return data


@dataclass
class Everything:
    world: World
    cases: Cases
    survey: Scenario
    area: ServiceArea
    installation: Installation
    contract: Contract
    cost: IctCost


def build_everything(world: World) -> Everything:
    survey = build_scenario(world, invite=False)
    contract = landscape_services.contract_save(
        collaboration=world.alfa,
        organisations=[world.org_a],
        products=[survey.elements],
        number="A-1",
        title="Sak og arkiv for A",
        vendor=survey.elements.vendor,
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2027, 12, 31),
        yearly_value=Decimal(500_000),
    )
    cost = landscape_services.ict_cost_save(
        collaboration=world.alfa,
        organisation=world.org_a,
        year=2025,
        kind=IctCost.Kind.OPERATING,
        category=IctCost.Category.LICENCES,
        amount=Decimal(1_000_000),
    )
    return Everything(
        world,
        build_cases(world),
        survey,
        area=survey.sak.service_area,
        installation=Installation.objects.get(organisation=world.org_a, product=survey.elements),
        contract=contract,
        cost=cost,
    )


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[Everything]:
    """Built once for the module in a transaction rolled back at the end; each test runs in
    a savepoint of its own and gets a fresh copy (as in tests/test_api_cases.py)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        data = build_everything(build_world())
    yield data
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def everything(shared: Everything, db: None) -> Everything:
    return copy.deepcopy(shared)


@dataclass(frozen=True)
class Edit:
    """An edit page, the object it edits, and the field two people change differently."""

    url: str
    obj: models.Model
    field: str
    first: str
    second: str
    first_shown: str = ""
    second_shown: str = ""
    people: tuple[str, str] = ("office", "admin")


def _register(e: Everything, register: str, obj: Any, field: str, a: str, b: str) -> Edit:
    url = reverse("landscape:register_edit", args=["alfa", register, obj.uuid])
    return Edit(url, obj, field, a, b)


def _case(name: str, kw: str, obj: Any, field: str, a: str, b: str) -> Edit:
    return Edit(reverse(f"cases:{name}", kwargs={"slug": "alfa", kw: obj.uuid}), obj, field, a, b)


def _survey(name: str, obj: Any, field: str, a: str, b: str, **ids: Any) -> Edit:
    return Edit(reverse(f"surveys:{name}", kwargs={"slug": "alfa", **ids}), obj, field, a, b)


def _cost_key(e: Everything) -> Edit:
    key = e.world.alfa.cost_sharing_keys.get(name="30/70")
    url = reverse("organisations:cost_key_edit", args=["alfa", key.uuid])
    return Edit(url, key, "name", "Nøkkel første", "Nøkkel andre")


EDITS: dict[str, Callable[[Everything], Edit]] = {
    # organisations
    "collaboration": lambda e: Edit(
        reverse("organisations:collaboration_edit", args=["alfa"]),
        e.world.alfa,
        "name",
        "Alfa første",
        "Alfa andre",
        people=("admin", "admin"),
    ),
    "organisation": lambda e: Edit(
        reverse("organisations:organisation_edit", args=["alfa", e.world.org_a.uuid]),
        e.world.org_a,
        "name",
        "A første",
        "A andre",
    ),
    "membership": lambda e: Edit(
        reverse(
            "organisations:member_edit",
            args=[
                "alfa",
                Membership.objects.get(collaboration=e.world.alfa, organisation=e.world.org_b).uuid,
            ],
        ),
        Membership.objects.get(collaboration=e.world.alfa, organisation=e.world.org_b),
        "valid_to",
        "2030-12-31",
        "2031-12-31",
        "31.12.2030",
        "31.12.2031",
    ),
    "role": lambda e: Edit(
        reverse(
            "organisations:role_edit",
            args=["alfa", Role.objects.get(collaboration=e.world.alfa, user=e.world.viewer).uuid],
        ),
        Role.objects.get(collaboration=e.world.alfa, user=e.world.viewer),
        "kind",
        "programme_office",
        "administrator",
        "Programkontor",
        "Administrator",
        people=("admin", "admin"),
    ),
    "cost key": lambda e: _cost_key(e),
    # landscape, one per register
    "service area": lambda e: _register(e, "tjenesteomrader", e.area, "name", "Adm 1", "Adm 2"),
    "category": lambda e: _register(e, "kategorier", e.survey.sak, "name", "Sak 1", "Sak 2"),
    "vendor": lambda e: _register(
        e, "leverandorer", e.survey.elements.vendor, "name", "Lev 1", "Lev 2"
    ),
    "product": lambda e: _register(
        e,
        "systemer",
        e.survey.elements,
        "name",
        "System 1",
        "System 2",
    ),
    "installation": lambda e: _register(
        e, "installasjoner", e.installation, "notes", "Første merknad", "Andre merknad"
    ),
    "contract": lambda e: _register(e, "avtaler", e.contract, "title", "Avtale 1", "Avtale 2"),
    "ict cost": lambda e: _register(
        e, "kostnader", e.cost, "description", "Kostnad 1", "Kostnad 2"
    ),
    # surveys
    "questionnaire": lambda e: _survey(
        "questionnaire_edit",
        e.survey.questionnaire,
        "name",
        "Skjema 1",
        "Skjema 2",
        questionnaire_id=e.survey.questionnaire.uuid,
    ),
    "section": lambda e: _survey(
        "section_edit",
        e.survey.questionnaire.sections.get(),
        "title",
        "Del 1",
        "Del 2",
        questionnaire_id=e.survey.questionnaire.uuid,
        section_id=e.survey.questionnaire.sections.get().uuid,
    ),
    "question": lambda e: _survey(
        "question_edit",
        e.survey.questionnaire.questions.get(),
        "text",
        "Spørsmål 1",
        "Spørsmål 2",
        questionnaire_id=e.survey.questionnaire.uuid,
        question_id=e.survey.questionnaire.questions.get().uuid,
    ),
    "campaign": lambda e: _survey(
        "campaign_edit",
        e.survey.campaign,
        "name",
        "Undersøkelse 1",
        "Undersøkelse 2",
        campaign_id=e.survey.campaign.uuid,
    ),
    "user group": lambda e: _survey(
        "user_group_edit",
        e.survey.group_a,
        "name",
        "Gruppe 1",
        "Gruppe 2",
        campaign_id=e.survey.campaign.uuid,
        group_id=e.survey.group_a.uuid,
    ),
    # business cases
    "business case": lambda e: _case(
        "case_edit", "case_id", e.cases.case, "name", "Case 1", "Case 2"
    ),
    "case version": lambda e: _case(
        "version_edit", "version_id", e.cases.v2, "note", "Merknad 1", "Merknad 2"
    ),
    "alternative": lambda e: _case(
        "alternative_edit", "alternative_id", e.cases.alternative, "name", "Alt 1", "Alt 2"
    ),
    "line": lambda e: _case("line_edit", "line_id", e.cases.line, "name", "Linje 1", "Linje 2"),
    "effect": lambda e: _case(
        "effect_edit", "effect_id", e.cases.effect, "reason", "Grunn 1", "Grunn 2"
    ),
    "assumption": lambda e: _case(
        "assumption_edit", "assumption_id", e.cases.assumption, "text", "Antakelse 1", "Antakelse 2"
    ),
}


def _client(world: World, persona: str) -> Client:
    return world.client_for(persona)


@pytest.mark.parametrize("name", list(EDITS))
def test_the_second_of_two_saves_gets_the_conflict_page(everything: Everything, name: str) -> None:
    edit = EDITS[name](everything)
    first, second = (_client(everything.world, p) for p in edit.people)
    opened_first = first.get(edit.url)
    opened_second = second.get(edit.url)
    assert opened_first.status_code == opened_second.status_code == 200
    data_first, data_second = form_data(opened_first.content), form_data(opened_second.content)
    assert data_first["_version"] == data_second["_version"]

    saved = first.post(edit.url, {**data_first, edit.field: edit.first})
    assert saved.status_code == 302, saved.content.decode()[:3000]

    refused = second.post(edit.url, {**data_second, edit.field: edit.second})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert (edit.first_shown or edit.first) in page  # what is saved now
    assert (edit.second_shown or edit.second) in page  # what the second person wrote
    assert "ulikt" in page
    assert f'href="{edit.url}"' in page  # open the form again
    edit.obj.refresh_from_db()
    assert str(getattr(edit.obj, edit.field)) == edit.first

    # Reopened, the form carries the current version and the save goes through.
    reopened = form_data(second.get(edit.url).content)
    assert int(reopened["_version"]) == edit.obj.edit_version  # type: ignore[attr-defined]
    again = second.post(edit.url, {**reopened, edit.field: edit.second})
    assert again.status_code == 302
    edit.obj.refresh_from_db()
    assert str(getattr(edit.obj, edit.field)) == edit.second


def test_a_save_at_the_current_version_works_and_bumps_it(everything: Everything) -> None:
    edit = EDITS["organisation"](everything)
    client = _client(everything.world, "office")
    for name in ("Én", "To", "Tre"):
        data = form_data(client.get(edit.url).content)
        before = int(data["_version"])
        assert client.post(edit.url, {**data, "name": name}).status_code == 302
        edit.obj.refresh_from_db()
        assert edit.obj.edit_version == before + 1  # type: ignore[attr-defined]
        assert edit.obj.name == name  # type: ignore[attr-defined]


def test_a_form_without_a_version_still_saves(everything: Everything) -> None:
    """Older pages and scripts that post no version are not refused (as before versions)."""
    edit = EDITS["vendor"](everything)
    client = _client(everything.world, "office")
    data = form_data(client.get(edit.url).content)
    data.pop("_version")
    assert client.post(edit.url, {**data, "name": "Uten versjon"}).status_code == 302


def test_the_conflict_page_says_who_saved_and_keeps_all_input(everything: Everything) -> None:
    edit = EDITS["installation"](everything)
    first, second = _client(everything.world, "office"), _client(everything.world, "admin")
    data_first = form_data(first.get(edit.url).content)
    data_second = form_data(second.get(edit.url).content)
    assert first.post(edit.url, {**data_first, "notes": "Kontoret var først"}).status_code == 302
    refused = second.post(
        edit.url, {**data_second, "notes": "Admin skrev\nto linjer", "users": "123"}
    )
    assert refused.status_code == 409
    page = refused.content.decode()
    assert str(everything.world.office) in page  # who saved last
    assert "Kontoret var først" in page
    assert "Admin skrev\nto linjer" in page
    assert ">123<" in page  # unchanged fields the person sent are shown as well
    assert "Merknader" in page or "merknad" in page.lower()  # verbose names, not field names


def test_a_refused_form_keeps_the_version_it_was_opened_at(everything: Everything) -> None:
    """A save with form errors shows the form again. That form must still carry the old
    version, so that the next save notices someone else's edit made in between."""
    edit = EDITS["vendor"](everything)
    mine, theirs = _client(everything.world, "office"), _client(everything.world, "admin")
    data = form_data(mine.get(edit.url).content)
    invalid = mine.post(edit.url, {**data, "name": ""})
    assert invalid.status_code == 200
    kept = form_data(invalid.content)
    assert kept["_version"] == data["_version"]
    other = form_data(theirs.get(edit.url).content)
    assert theirs.post(edit.url, {**other, "name": "Annen"}).status_code == 302
    assert mine.post(edit.url, {**kept, "name": "Min"}).status_code == 409


def test_a_conflict_in_the_api_path_answers_json(everything: Everything, rf: Any) -> None:
    from samla.core.conflicts import conflict_response

    vendor = everything.survey.elements.vendor
    assert vendor is not None
    response = conflict_response(rf.post("/api/v1/x"), EditConflict(vendor, 1, 2))
    assert response.status_code == 409
    assert b'"current_version": 2' in response.content


# --- Every versioned model: every save bumps the version -----------------------------------


def versioned_models() -> list[type[models.Model]]:
    return sorted(
        (m for m in apps.get_models() if issubclass(m, VersionedBase)),
        key=lambda m: m._meta.label,
    )


def test_every_editable_model_of_every_app_is_versioned() -> None:
    labels = {m._meta.label for m in versioned_models()}
    for app in ("organisations", "landscape", "surveys", "cases", "governance"):
        for model in apps.get_app_config(app).get_models():
            # Editable, with a change history (not the history's own tables, such as the
            # record of an m2m relation's past).
            if hasattr(model, "history") and not model.__name__.startswith("Historical"):
                assert model._meta.label in labels, model
    not_versioned = {
        "organisations.User",
        "organisations.ApiToken",
        "surveys.Invitation",
        "surveys.Response",
        "surveys.Answer",
        "cases.MonteCarloRun",
        "governance.CalendarFeed",
    }
    assert not labels & not_versioned


@pytest.mark.parametrize("label", [m._meta.label for m in versioned_models()])
def test_every_save_bumps_the_version(everything: Everything, label: str) -> None:
    model = apps.get_model(label)
    obj = model._base_manager.order_by("pk").first()
    if obj is None:
        pytest.skip(f"no {label} in the fixture")
    name = obj.version_field
    start = obj.edit_version
    assert start >= 1
    obj.save()
    assert obj.edit_version == start + 1
    obj.refresh_from_db()
    assert obj.edit_version == start + 1
    obj.save(update_fields=[name])
    obj.refresh_from_db()
    assert getattr(obj, name) == start + 2
    # A stale version is refused; the current one is not.
    check_version(obj, start + 2)
    with pytest.raises(EditConflict):
        check_version(obj, start)
    # History records the version too.
    assert getattr(obj.history.order_by("-history_date", "-pk").first(), name) == start + 2


def test_a_new_object_starts_at_version_one(everything: Everything) -> None:
    world = everything.world
    from samla.landscape.services import vendor_save

    vendor = vendor_save(collaboration=world.alfa, name="Ny")
    assert vendor.edit_version == 1
    assert vendor.history.get().version == 1
