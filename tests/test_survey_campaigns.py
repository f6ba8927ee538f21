"""Campaign pages: who may open and post to which, bad input, sending out and reminders.

A campaign in "alfa" evaluates Elements (used by A kommune) and Public 360 (used by B
kommune) in the category Sak/arkiv, with a copy of the shipped questionnaire. A kommune's
case officers are invited by e-mail; B kommune has one invited group and one with an open
link. Time is frozen at ``TODAY`` through the modules' ``today``. Answers are given through
``services.response_submit`` with the links read from the mails, as a respondent would.
Beside every allowed path stands a forbidden one.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import World
from samla.landscape import services as landscape_services
from samla.landscape.models import Product, SystemCategory
from samla.surveys import services
from samla.surveys.models import Campaign, Invitation, Questionnaire, Response, UserGroup

TODAY = datetime.date(2026, 3, 10)
LINK = re.compile(r"http://testserver/svar/([A-Za-z0-9_-]+)/")
PERSONAS = ["admin", "office", "editor_a", "editor_b", "viewer", "outsider"]
EVERYONE_IN_ALFA = {"admin", "office", "editor_a", "editor_b", "viewer"}
MANAGERS = {"admin", "office"}
INVITEES_A = ["kari@a.kommune.no", "ola@a.kommune.no", "per@a.kommune.no"]
INVITEES_B = ["lise@b.kommune.no", "nils@b.kommune.no"]


def freeze(monkeypatch: pytest.MonkeyPatch, day: datetime.date) -> None:
    """Every module of the campaign pages reads "today" through samla.core.dates; pin it."""
    for module in (
        "samla.surveys.services",
        "samla.surveys.manage_views",
        "samla.surveys.forms",
        "samla.surveys.api_campaigns",
    ):
        monkeypatch.setattr(f"{module}.today", lambda: day)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, TODAY)


@dataclass
class Scenario:
    world: World
    sak: SystemCategory
    elements: Product  # installed in A
    p360: Product  # installed in B
    spare: Product  # installed nowhere
    questionnaire: Questionnaire
    campaign: Campaign
    group_a: UserGroup  # A kommune, Elements, personal invitations
    group_b: UserGroup  # B kommune, Public 360, personal invitations
    open_b: UserGroup  # B kommune, Public 360, open link, 10 people

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"surveys:{name}", kwargs={"slug": "alfa", **kwargs})

    def campaign_url(self, name: str, campaign: Campaign | None = None) -> str:
        return self.url(name, campaign_id=(campaign or self.campaign).uuid)

    def group_url(self, name: str, group: UserGroup) -> str:
        return self.url(name, campaign_id=group.campaign.uuid, group_id=group.uuid)


def _landscape_and_questionnaire(
    world: World, sak: SystemCategory
) -> tuple[Product, Product, Product, Questionnaire]:
    alfa = world.alfa
    vendor = landscape_services.vendor_save(collaboration=alfa, name="Tieto")
    elements = landscape_services.product_save(collaboration=alfa, name="Elements", vendor=vendor)
    p360 = landscape_services.product_save(collaboration=alfa, name="Public 360", vendor=vendor)
    spare = landscape_services.product_save(collaboration=alfa, name="Ubrukt system")
    for organisation, product in ((world.org_a, elements), (world.org_b, p360)):
        landscape_services.installation_save(
            collaboration=alfa, organisation=organisation, category=sak, product=product
        )
    # A one-question form keeps the fixture fast; the shipped template is used where the
    # create page copies it.
    questionnaire = services.questionnaire_create(collaboration=alfa, name="Kort skjema")
    section = services.section_create(questionnaire=questionnaire, title="Funksjonalitet")
    services.question_create(
        questionnaire=questionnaire,
        section=section,
        kind="likert",
        text="Systemet dekker oppgavene mine.",
        required=True,
    )
    return elements, p360, spare, questionnaire


def build_scenario(
    world: World, *, anonymous: bool = True, invite: bool = True, name: str = "Sak/arkiv 2026"
) -> Scenario:
    alfa = world.alfa
    sak = SystemCategory.objects.get(collaboration=alfa, code="ADM-SAK")
    products = {p.name: p for p in Product.objects.filter(collaboration=alfa)}
    if products:  # a second campaign in the same world evaluates the same systems
        elements, p360, spare = (
            products["Elements"],
            products["Public 360"],
            products["Ubrukt system"],
        )
        questionnaire = Questionnaire.objects.get(collaboration=alfa, name="Kort skjema")
    else:
        elements, p360, spare, questionnaire = _landscape_and_questionnaire(world, sak)
    campaign = services.campaign_create(
        collaboration=alfa,
        products=[elements, p360],
        name=name,
        questionnaire=questionnaire,
        category=sak,
        opens_on=TODAY,
        closes_on=TODAY + datetime.timedelta(days=14),
        anonymous=anonymous,
    )
    group_a = services.user_group_create(
        campaign=campaign, organisation=world.org_a, product=elements, name="Saksbehandlere A"
    )
    group_b = services.user_group_create(
        campaign=campaign, organisation=world.org_b, product=p360, name="Saksbehandlere B"
    )
    open_b = services.user_group_create(
        campaign=campaign,
        organisation=world.org_b,
        product=p360,
        name="Arkiv B",
        size=10,
        open_link=True,
    )
    if invite:
        services.invitations_add(group=group_a, emails=INVITEES_A, base_url="http://testserver/")
        services.invitations_add(group=group_b, emails=INVITEES_B, base_url="http://testserver/")
    return Scenario(
        world, sak, elements, p360, spare, questionnaire, campaign, group_a, group_b, open_b
    )


@pytest.fixture
def scenario(world: World) -> Scenario:
    return build_scenario(world)


def launch(scenario: Scenario, capture: Any) -> dict[str, str]:
    """Send the campaign out; the personal token of each address, read from its mail."""
    start = len(mail.outbox)
    with capture(execute=True):
        services.campaign_launch(campaign=scenario.campaign, base_url="http://testserver/")
    scenario.campaign.refresh_from_db()
    return tokens_from(mail.outbox[start:])


def tokens_from(messages: list[Any]) -> dict[str, str]:
    tokens = {}
    for message in messages:
        match = LINK.search(message.body)
        assert match, message.body
        tokens[message.to[0]] = match.group(1)
    return tokens


def answer(token: str, *, open_link: bool = False) -> Response:
    link = services.link_resolve(token, open_link=open_link)
    assert link is not None
    return services.response_submit(link=link, answers={}, submission_key=secrets.token_hex(16))


def expected_status(persona: str, allowed: set[str], success: int = 200) -> int:
    if persona == "outsider":
        return 404
    return success if persona in allowed else 403


# --- Who may open which page ------------------------------------------------------------------

UrlMaker = Callable[[Scenario], str]

GET_PAGES: list[tuple[str, UrlMaker, set[str]]] = [
    ("list", lambda s: s.url("campaign_list"), EVERYONE_IN_ALFA),
    ("create", lambda s: s.url("campaign_create"), MANAGERS),
    ("detail", lambda s: s.campaign_url("campaign_detail"), EVERYONE_IN_ALFA),
    ("edit", lambda s: s.campaign_url("campaign_edit"), MANAGERS),
    ("tracking", lambda s: s.campaign_url("campaign_tracking"), EVERYONE_IN_ALFA),
    (
        "group create",
        lambda s: s.campaign_url("user_group_create"),
        MANAGERS | {"editor_a", "editor_b"},
    ),
    ("group A edit", lambda s: s.group_url("user_group_edit", s.group_a), MANAGERS | {"editor_a"}),
    ("group B edit", lambda s: s.group_url("user_group_edit", s.group_b), MANAGERS | {"editor_b"}),
    (
        "group A invite",
        lambda s: s.group_url("user_group_invite", s.group_a),
        MANAGERS | {"editor_a"},
    ),
    (
        "group B invite",
        lambda s: s.group_url("user_group_invite", s.group_b),
        MANAGERS | {"editor_b"},
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_get_page(scenario: Scenario, page: tuple[str, UrlMaker, set[str]], persona: str) -> None:
    _, make_url, allowed = page
    response = scenario.world.client_for(persona).get(make_url(scenario))
    assert response.status_code == expected_status(persona, allowed)
    if persona == "outsider":
        assert b"Sak/arkiv 2026" not in response.content


def test_anonymous_visitor_is_sent_to_login(scenario: Scenario) -> None:
    response = scenario.world.client_for(None).get(scenario.campaign_url("campaign_detail"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_objects_elsewhere_are_404(scenario: Scenario) -> None:
    world = scenario.world
    url = reverse("surveys:campaign_detail", args=["beta", scenario.campaign.uuid])
    assert world.client_for("outsider").get(url).status_code == 404
    other = services.campaign_create(
        collaboration=world.alfa,
        products=[scenario.elements],
        name="Annen",
        questionnaire=scenario.questionnaire,
        opens_on=TODAY,
        closes_on=TODAY,
    )
    # A group under another campaign's address is not found there.
    url = scenario.url("user_group_edit", campaign_id=other.uuid, group_id=scenario.group_a.uuid)
    assert world.client_for("admin").get(url).status_code == 404
    assert world.client_for("admin").get("/s/alfa/undersokelser/ikke-en-uuid/").status_code == 404


def test_menu_links_to_campaigns(world: World) -> None:
    page = world.client_for("viewer").get(reverse("surveys:campaign_list", args=["alfa"]))
    html = page.content.decode()
    assert '<a href="/s/alfa/undersokelser/" aria-current="page">Undersøkelser</a>' in html
    assert "/s/alfa/kommer/undersokelser/" not in html
    assert world.client_for("viewer").get("/s/alfa/kommer/undersokelser/").status_code == 404


# --- Who may post what ------------------------------------------------------------------------


def campaign_data(s: Scenario, **change: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Ny undersøkelse",
        "questionnaire": str(s.questionnaire.uuid),
        "category": str(s.sak.uuid),
        "products": [str(s.elements.uuid), str(s.p360.uuid)],
        "opens_on": "2026-03-20",
        "closes_on": "20.04.2026",
        "anonymous": "on",
    }
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


def group_data(s: Scenario, **change: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Ny gruppe",
        "organisation": str(s.world.org_a.uuid),
        "product": str(s.elements.uuid),
        "size": "12",
    }
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


@dataclass(frozen=True)
class Post:
    name: str
    url: Callable[[Scenario], str]
    data: Callable[[Scenario], dict[str, Any]]
    allowed: set[str]
    done: Callable[[Scenario], bool]
    launched: bool = False
    # A persona whose page answers 200 with a form error instead of 403: the choice it
    # posted was never offered to it (an editor is offered only their own organisation).
    refused_in_form: frozenset[str] = frozenset()


def _reloaded(obj: Any) -> Any:
    return type(obj).objects.filter(pk=obj.pk).first()


OWN_A = MANAGERS | {"editor_a"}
POSTS = [
    Post(
        "campaign create",
        lambda s: s.url("campaign_create"),
        campaign_data,
        MANAGERS,
        lambda s: Campaign.objects.filter(name="Ny undersøkelse").exists(),
    ),
    Post(
        "campaign edit",
        lambda s: s.campaign_url("campaign_edit"),
        lambda s: campaign_data(s, name="Omdøpt"),
        MANAGERS,
        lambda s: _reloaded(s.campaign).name == "Omdøpt",
    ),
    Post(
        "campaign delete",
        lambda s: s.campaign_url("campaign_delete"),
        lambda s: {},
        MANAGERS,
        lambda s: _reloaded(s.campaign) is None,
    ),
    Post(
        "campaign launch",
        lambda s: s.campaign_url("campaign_launch"),
        lambda s: {},
        MANAGERS,
        lambda s: _reloaded(s.campaign).launched_at is not None,
    ),
    Post(
        "campaign close",
        lambda s: s.campaign_url("campaign_close"),
        lambda s: {},
        MANAGERS,
        lambda s: _reloaded(s.campaign).closed_early_on == TODAY,
        launched=True,
    ),
    Post(
        "campaign remind",
        lambda s: s.campaign_url("campaign_remind"),
        lambda s: {},
        MANAGERS,
        lambda s: s.campaign.invitations.filter(reminders=1).count() == 5,
        launched=True,
    ),
    Post(
        "group create for A",
        lambda s: s.campaign_url("user_group_create"),
        group_data,
        OWN_A,
        lambda s: UserGroup.objects.filter(name="Ny gruppe", organisation=s.world.org_a).exists(),
        refused_in_form=frozenset({"editor_b"}),
    ),
    Post(
        "group edit A",
        lambda s: s.group_url("user_group_edit", s.group_a),
        lambda s: group_data(s, name="Omdøpt gruppe"),
        OWN_A,
        lambda s: _reloaded(s.group_a).name == "Omdøpt gruppe",
    ),
    Post(
        "group delete A",
        lambda s: s.group_url("user_group_delete", s.group_a),
        lambda s: {},
        OWN_A,
        lambda s: _reloaded(s.group_a) is None,
    ),
    Post(
        "open link A",
        lambda s: s.group_url("user_group_open_link", s.group_a),
        lambda s: {"enabled": "1"},
        OWN_A,
        lambda s: _reloaded(s.group_a).open_token != "",
    ),
    Post(
        "open link B off",
        lambda s: s.group_url("user_group_open_link", s.open_b),
        lambda s: {"enabled": "0"},
        MANAGERS | {"editor_b"},
        lambda s: _reloaded(s.open_b).open_token == "",
    ),
    Post(
        "invite A",
        lambda s: s.group_url("user_group_invite", s.group_a),
        lambda s: {"addresses": "ny@a.kommune.no"},
        OWN_A,
        lambda s: s.group_a.invitations.filter(email="ny@a.kommune.no").exists(),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", POSTS, ids=[p.name for p in POSTS])
def test_post(
    scenario: Scenario, action: Post, persona: str, django_capture_on_commit_callbacks: Any
) -> None:
    if action.launched:
        launch(scenario, django_capture_on_commit_callbacks)
    client = scenario.world.client_for(persona)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action.url(scenario), action.data(scenario))
    if persona in action.allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert action.done(scenario)
        return
    if persona in action.refused_in_form:
        assert response.status_code == 200
        assert "Ingenting er lagret" in response.content.decode()
    else:
        assert response.status_code == expected_status(persona, action.allowed)
    assert not action.done(scenario)


@pytest.mark.parametrize(
    "name", ["campaign_delete", "campaign_launch", "campaign_close", "campaign_remind"]
)
def test_actions_are_post_only(scenario: Scenario, name: str) -> None:
    response = scenario.world.client_for("admin").get(scenario.campaign_url(name))
    assert response.status_code == 405
    assert _reloaded(scenario.campaign).launched_at is None


# --- Bad input writes nothing, with a clear message -------------------------------------------


def _form_errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    assert "Skjemaet har feil. Ingenting er lagret." in response.content.decode()
    return response.context["form"].errors


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "påkrevet"),
        ({"name": "Sak/arkiv 2026"}, "name", "finnes allerede"),
        ({"products": None}, "products", "Velg minst ett system"),
        ({"products": ["00000000-0000-0000-0000-000000000000"]}, "products", "gyldig"),
        ({"questionnaire": "00000000-0000-0000-0000-000000000000"}, "questionnaire", "gyldig"),
        ({"opens_on": "2026-05-01", "closes_on": "2026-04-01"}, "closes_on", "før åpningsdatoen"),
        ({"opens_on": "2026-01-01", "closes_on": "2026-03-09"}, "closes_on", "passert"),
        ({"closes_on": "31.02.2026"}, "closes_on", "gyldig dato"),
        ({"category": "ikke-en-kategori"}, "category", "gyldig"),
    ],
)
def test_campaign_create_bad_input(
    scenario: Scenario, change: dict[str, Any], field: str, message: str
) -> None:
    before = Campaign.objects.count(), Questionnaire.objects.count()
    response = scenario.world.client_for("office").post(
        scenario.url("campaign_create"), campaign_data(scenario, **change)
    )
    errors = _form_errors(response)
    assert field in errors or (field == "name" and "__all__" in errors), errors
    text = " ".join(errors.get(field, []) + errors.get("__all__", []))
    assert message.lower() in text.lower(), errors
    assert (Campaign.objects.count(), Questionnaire.objects.count()) == before


def test_campaign_create_good_input(scenario: Scenario) -> None:
    response = scenario.world.client_for("office").post(
        scenario.url("campaign_create"), campaign_data(scenario, anonymous=None)
    )
    campaign = Campaign.objects.get(name="Ny undersøkelse")
    assert response.status_code == 302
    assert response["Location"] == scenario.campaign_url("campaign_detail", campaign)
    assert campaign.category == scenario.sak
    assert set(campaign.products.all()) == {scenario.elements, scenario.p360}
    assert (campaign.opens_on, campaign.closes_on) == (
        datetime.date(2026, 3, 20),
        datetime.date(2026, 4, 20),
    )
    assert campaign.anonymous is False  # the box was left unticked
    assert campaign.launched_at is None


def test_create_offers_the_template_when_there_is_no_questionnaire(world: World) -> None:
    alfa = world.alfa
    product = landscape_services.product_save(collaboration=alfa, name="Elements")
    client = world.client_for("admin")
    page = client.get(reverse("surveys:campaign_create", args=["alfa"]))
    assert page.context["form"].fields["questionnaire"].choices[1] == (
        "mal",
        "Nytt fra malen: Evaluering av fagsystem",
    )
    assert 'value="14.03.2026"' not in page.content.decode()
    data = {
        "name": "Første",
        "questionnaire": "mal",
        "products": [str(product.uuid)],
        "opens_on": "2026-03-10",
        "closes_on": "2026-03-24",
        "anonymous": "on",
    }
    # A refused campaign leaves no questionnaire behind either.
    refused = client.post(reverse("surveys:campaign_create", args=["alfa"]), {**data, "name": ""})
    assert refused.status_code == 200
    assert not Questionnaire.objects.filter(collaboration=alfa).exists()
    response = client.post(reverse("surveys:campaign_create", args=["alfa"]), data)
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="Første")
    assert campaign.questionnaire.name == "Evaluering av fagsystem"
    assert campaign.questionnaire.questions.count() > 10
    assert campaign.anonymous is True


def test_create_page_defaults(scenario: Scenario) -> None:
    form = scenario.world.client_for("admin").get(scenario.url("campaign_create")).context["form"]
    assert form.initial["opens_on"] == TODAY
    assert form.initial["closes_on"] == TODAY + datetime.timedelta(days=14)
    assert form.initial["anonymous"] is True
    # The only questionnaire is chosen already.
    assert form.initial["questionnaire"] == str(scenario.questionnaire.uuid)


def _ticked(html: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="products" value="([^"]+)"[^>]*checked', html)


def test_category_suggests_its_products_with_htmx(scenario: Scenario) -> None:
    client = scenario.world.client_for("office")
    response = client.get(
        scenario.url("campaign_create"),
        {"category": str(scenario.sak.uuid)},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.startswith('<div id="product-choices">'), html[:200]
    assert "<html" not in html
    assert sorted(_ticked(html)) == sorted([str(scenario.elements.uuid), str(scenario.p360.uuid)])
    assert "Ubrukt system" not in html  # installed nowhere, so not among the category's
    # Without a category every system is offered, none ticked.
    everything = client.get(
        scenario.url("campaign_create"), {"category": ""}, HTTP_HX_REQUEST="true"
    )
    assert "Ubrukt system" in everything.content.decode()
    assert _ticked(everything.content.decode()) == []


def test_category_suggestion_works_without_javascript(scenario: Scenario) -> None:
    before = Campaign.objects.count()
    response = scenario.world.client_for("office").post(
        scenario.url("campaign_create"),
        {"name": "Uten JS", "category": str(scenario.sak.uuid), "suggest": "1", "opens_on": "x"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Skjemaet har feil" not in html  # a suggestion, not a refused save
    assert 'value="Uten JS"' in html
    assert sorted(_ticked(html)) == sorted([str(scenario.elements.uuid), str(scenario.p360.uuid)])
    assert Campaign.objects.count() == before
    # The category select refreshes the choices with htmx, in place.
    assert f'hx-get="{scenario.url("campaign_create")}"' in html
    assert 'hx-target="#product-choices"' in html


def test_edit_cannot_remove_a_product_with_user_groups(scenario: Scenario) -> None:
    response = scenario.world.client_for("office").post(
        scenario.campaign_url("campaign_edit"),
        campaign_data(scenario, name="Sak/arkiv 2026", products=[str(scenario.elements.uuid)]),
    )
    errors = _form_errors(response)
    assert "Slett gruppene først" in " ".join(errors["products"])
    assert scenario.campaign.products.count() == 2


def test_anonymity_cannot_be_turned_off_once_answered(
    scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    tokens = launch(scenario, django_capture_on_commit_callbacks)
    client = scenario.world.client_for("office")
    before = client.get(scenario.campaign_url("campaign_edit")).context["form"]
    assert not before.fields["anonymous"].disabled  # no answers yet
    answer(tokens["kari@a.kommune.no"])
    page = client.get(scenario.campaign_url("campaign_edit"))
    html = page.content.decode()
    form = page.context["form"]
    assert form.fields["anonymous"].disabled
    assert form.fields["questionnaire"].disabled  # sent out
    assert "den kan ikke gjøres ikke-anonym" in html
    assert re.search(r'<input type="checkbox" name="anonymous"[^>]* disabled', html), html
    # Asking for the category's systems (without JavaScript) keeps the locked fields as they are.
    suggested = client.post(
        scenario.campaign_url("campaign_edit"),
        {"name": "Sak/arkiv 2026", "category": str(scenario.sak.uuid), "suggest": "1"},
    ).content.decode()
    box = re.search(r'<input type="checkbox" name="anonymous"[^>]*>', suggested)
    assert box and " checked" in box.group(0) and " disabled" in box.group(0), box
    chosen = re.search(r'<option value="([^"]+)" selected>Kort skjema', suggested)
    assert chosen and chosen.group(1) == str(scenario.questionnaire.uuid)
    # A tampered post without the box changes nothing about anonymity.
    data = campaign_data(scenario, name="Sak/arkiv 2026", anonymous=None, opens_on="2026-03-10")
    response = client.post(scenario.campaign_url("campaign_edit"), data)
    assert response.status_code == 302
    assert _reloaded(scenario.campaign).anonymous is True


def test_delete_with_answers_is_refused(
    scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    answer(launch(scenario, django_capture_on_commit_callbacks)["ola@a.kommune.no"])
    client = scenario.world.client_for("admin")
    response = client.post(scenario.campaign_url("campaign_delete"), follow=True)
    assert "Undersøkelsen har svar og kan ikke slettes." in response.content.decode()
    assert _reloaded(scenario.campaign) is not None
    # And the delete button is not offered.
    assert "campaign_delete" not in response.content.decode()
    assert scenario.campaign_url("campaign_delete") not in response.content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "påkrevet"),
        ({"name": "Saksbehandlere A"}, "__all__", "finnes allerede"),
        ({"product": None}, "product", "påkrevet"),
        ({"product": "spare"}, "product", "gyldig"),
        ({"organisation": "org_c"}, "organisation", "gyldig"),
        ({"size": "0"}, "size", "større enn eller lik 1"),
        ({"size": "mange"}, "size", "helt tall"),
    ],
)
def test_user_group_bad_input(
    scenario: Scenario, change: dict[str, Any], field: str, message: str
) -> None:
    values = {
        "spare": str(scenario.spare.uuid),
        "org_c": str(scenario.world.org_c.uuid),
    }
    change = {k: values.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    before = UserGroup.objects.count()
    response = scenario.world.client_for("office").post(
        scenario.campaign_url("user_group_create"), group_data(scenario, **change)
    )
    errors = _form_errors(response)
    assert field in errors, errors
    assert message.lower() in " ".join(errors[field]).lower(), errors
    assert UserGroup.objects.count() == before


def test_editor_is_offered_only_own_organisation(scenario: Scenario) -> None:
    client = scenario.world.client_for("editor_a")
    form = client.get(scenario.campaign_url("user_group_create")).context["form"]
    assert [o.name for o in form.fields["organisation"].queryset] == ["A kommune"]
    response = client.post(
        scenario.campaign_url("user_group_create"),
        group_data(scenario, name="Kapret", organisation=str(scenario.world.org_b.uuid)),
    )
    assert "organisation" in _form_errors(response)
    assert not UserGroup.objects.filter(name="Kapret").exists()
    ok = client.post(scenario.campaign_url("user_group_create"), group_data(scenario))
    assert ok.status_code == 302
    assert UserGroup.objects.get(name="Ny gruppe").organisation == scenario.world.org_a


@pytest.mark.parametrize(
    ("addresses", "message"),
    [
        ("", "Lim inn minst én e-postadresse."),
        ("  ;, \n", "Lim inn minst én e-postadresse."),
        (
            "ny@a.kommune.no, ikke-en-adresse; kari@",
            "Ugyldige e-postadresser: ikke-en-adresse, kari@",
        ),
    ],
)
def test_invite_bad_input(scenario: Scenario, addresses: str, message: str) -> None:
    before = Invitation.objects.count()
    response = scenario.world.client_for("editor_a").post(
        scenario.group_url("user_group_invite", scenario.group_a), {"addresses": addresses}
    )
    errors = _form_errors(response)
    assert message in " ".join(errors["addresses"]), errors
    assert Invitation.objects.count() == before


def test_invite_counts_added_and_skipped(scenario: Scenario) -> None:
    pasted = "Kari@A.kommune.no; ny@a.kommune.no\nny@a.kommune.no, <to@a.kommune.no>"
    response = scenario.world.client_for("editor_a").post(
        scenario.group_url("user_group_invite", scenario.group_a),
        {"addresses": pasted},
        follow=True,
    )
    assert "2 adresser er lagt til, 1 var invitert fra før." in response.content.decode()
    assert sorted(scenario.group_a.invitations.values_list("email", flat=True)) == sorted(
        [*INVITEES_A, "ny@a.kommune.no", "to@a.kommune.no"]
    )
    assert not mail.outbox  # not sent out yet: the mails go when the campaign does


def test_closed_campaign_takes_no_new_groups_or_invitations(
    scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    launch(scenario, django_capture_on_commit_callbacks)
    services.campaign_close(campaign=scenario.campaign)
    client = scenario.world.client_for("office")
    before = UserGroup.objects.count(), Invitation.objects.count(), len(mail.outbox)
    response = client.post(
        scenario.group_url("user_group_invite", scenario.group_a), {"addresses": "sen@a.kommune.no"}
    )
    assert "Undersøkelsen er avsluttet" in " ".join(_form_errors(response)["__all__"])
    response = client.get(scenario.campaign_url("user_group_create"), follow=True)
    assert "Undersøkelsen er avsluttet" in response.content.decode()
    response = client.post(scenario.campaign_url("user_group_create"), group_data(scenario))
    assert response.status_code == 302
    response = client.post(
        scenario.group_url("user_group_open_link", scenario.group_a), {"enabled": "1"}
    )
    assert _reloaded(scenario.group_a).open_token == ""
    assert (UserGroup.objects.count(), Invitation.objects.count(), len(mail.outbox)) == before


# --- Sending out, reminders and open links ----------------------------------------------------


def test_launch_mails_links_that_open_the_right_group(
    scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    client = scenario.world.client_for("office")
    detail = client.get(scenario.campaign_url("campaign_detail")).content.decode()
    assert 'data-confirm="Sende ut undersøkelsen? 5 invitasjoner sendes på e-post nå' in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(scenario.campaign_url("campaign_launch"), follow=True)
    assert "Undersøkelsen er sendt ut. 5 invitasjoner er sendt på e-post." in (
        response.content.decode()
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(INVITEES_A + INVITEES_B)
    tokens = tokens_from(mail.outbox)
    for address, token in tokens.items():
        link = services.link_resolve(token, open_link=False)
        assert link is not None and link.invitation is not None
        assert link.invitation.email == address
        expected = scenario.group_a if address in INVITEES_A else scenario.group_b
        assert link.user_group == expected
        assert len(token) >= 22  # at least 128 random bits, base64
    message = next(m for m in mail.outbox if m.to == ["kari@a.kommune.no"])
    assert "Elements" in message.body and "A kommune" in message.body
    assert "Undersøkelsen er anonym" in message.body
    # Only the hash is stored: no token appears in the database.
    stored = set(Invitation.objects.values_list("token_hash", flat=True))
    assert not set(tokens.values()) & stored
    # A second launch is refused with a message and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(scenario.campaign_url("campaign_launch"), follow=True)
    assert "Undersøkelsen er allerede sendt ut." in again.content.decode()
    assert len(mail.outbox) == 5


def test_launch_without_groups_is_refused(world: World) -> None:
    scenario = build_scenario(world, invite=False)
    UserGroup.objects.filter(campaign=scenario.campaign).delete()
    response = world.client_for("admin").post(scenario.campaign_url("campaign_launch"), follow=True)
    assert "Legg til minst én brukergruppe" in response.content.decode()
    assert _reloaded(scenario.campaign).launched_at is None


def test_invitations_added_after_launch_are_mailed_at_once(
    scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    launch(scenario, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = scenario.world.client_for("editor_a").post(
            scenario.group_url("user_group_invite", scenario.group_a),
            {"addresses": "sen@a.kommune.no, kari@a.kommune.no"},
            follow=True,
        )
    assert (
        "1 adresse er lagt til, 1 var invitert fra før. Invitasjonene er sendt på e-post."
        in response.content.decode()
    )
    assert mail.outbox[-1].to == ["sen@a.kommune.no"]
    link = services.link_resolve(tokens_from(mail.outbox[-1:])["sen@a.kommune.no"], open_link=False)
    assert link is not None and link.user_group == scenario.group_a
    assert len(mail.outbox) == 6


def test_reminders_go_only_to_those_who_have_not_answered(
    scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    tokens = launch(scenario, django_capture_on_commit_callbacks)
    answer(tokens["kari@a.kommune.no"])
    answer(tokens["lise@b.kommune.no"])
    answer(scenario.open_b.open_token, open_link=True)
    client = scenario.world.client_for("office")
    detail = client.get(scenario.campaign_url("campaign_detail")).content.decode()
    assert "Send påminnelse til 3 som ikke har svart" in detail
    start = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(scenario.campaign_url("campaign_remind"), follow=True)
    assert "Påminnelse er sendt til 3 som ikke har svart." in response.content.decode()
    reminders = mail.outbox[start:]
    assert sorted(m.to[0] for m in reminders) == [
        "nils@b.kommune.no",
        "ola@a.kommune.no",
        "per@a.kommune.no",
    ]
    assert all(m.subject.startswith("Påminnelse:") for m in reminders)
    new_tokens = tokens_from(reminders)
    for address, token in new_tokens.items():
        assert token != tokens[address]
        for either in (token, tokens[address]):  # the first mail's link still works
            link = services.link_resolve(either, open_link=False)
            assert link is not None and link.invitation is not None
            assert link.invitation.email == address
    # Once everyone has answered, nobody is reminded and no button is offered.
    for address in new_tokens:
        answer(new_tokens[address])
    detail = client.get(scenario.campaign_url("campaign_detail")).content.decode()
    assert "Send påminnelse" not in detail


def test_remind_before_launch_is_refused(scenario: Scenario) -> None:
    response = scenario.world.client_for("office").post(
        scenario.campaign_url("campaign_remind"), follow=True
    )
    assert "Påminnelser kan bare sendes mens undersøkelsen er åpen." in response.content.decode()
    assert not mail.outbox


def test_close_early(scenario: Scenario, django_capture_on_commit_callbacks: Any) -> None:
    tokens = launch(scenario, django_capture_on_commit_callbacks)
    client = scenario.world.client_for("admin")
    response = client.post(scenario.campaign_url("campaign_close"), follow=True)
    assert "Undersøkelsen er stengt." in response.content.decode()
    assert _reloaded(scenario.campaign).status_on(TODAY) == "closed"
    link = services.link_resolve(tokens["per@a.kommune.no"], open_link=False)
    assert link is not None
    with pytest.raises(ValidationError):
        services.response_submit(link=link, answers={}, submission_key="x")
    again = client.post(scenario.campaign_url("campaign_close"), follow=True)
    assert "Bare en åpen undersøkelse kan stenges." in again.content.decode()


def test_open_link_is_shown_to_those_who_manage_the_group(scenario: Scenario) -> None:
    token = scenario.open_b.open_token
    full = f"http://testserver/svar/apen/{token}/"
    for persona, shown in [
        ("admin", True),
        ("office", True),
        ("editor_b", True),
        ("editor_a", False),
        ("viewer", False),
    ]:
        html = scenario.world.client_for(persona).get(scenario.campaign_url("campaign_detail"))
        page = html.content.decode()
        assert (f'readonly value="{full}"' in page) is shown, persona
        assert (token in page) is shown, persona


def test_new_open_link_replaces_the_old_one_and_can_be_turned_off(scenario: Scenario) -> None:
    old = scenario.open_b.open_token
    client = scenario.world.client_for("editor_b")
    url = scenario.group_url("user_group_open_link", scenario.open_b)
    response = client.post(url, {"enabled": "1"})
    assert response["Location"].endswith(f"#group-{scenario.open_b.uuid}")
    new = _reloaded(scenario.open_b).open_token
    assert new and new != old
    assert services.link_resolve(old, open_link=True) is None
    link = services.link_resolve(new, open_link=True)
    assert link is not None and link.user_group == scenario.open_b
    client.post(url, {"enabled": "0"})
    assert _reloaded(scenario.open_b).open_token == ""
    assert services.link_resolve(new, open_link=True) is None


def test_group_with_answers_cannot_be_deleted(
    scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    launch(scenario, django_capture_on_commit_callbacks)
    answer(scenario.open_b.open_token, open_link=True)
    response = scenario.world.client_for("editor_b").post(
        scenario.group_url("user_group_delete", scenario.open_b), follow=True
    )
    assert "Gruppen har svar og kan ikke slettes." in response.content.decode()
    assert _reloaded(scenario.open_b) is not None
