"""The questionnaire editor's pages: who may open and post to which, bad input, the locked
questionnaire, moving questions, the template, copies, the DOCX, the preview and history.

Managers (admin, office) change; everyone with a role in alfa reads; the outsider (of beta)
gets 404; anonymous visitors are sent to log in. Beside every allowed path stands a
forbidden one, and every refused post is shown to write nothing.
"""

from __future__ import annotations

import copy
import datetime
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from conftest import World, build_world
from samla.landscape import services as landscape_services
from samla.surveys import services, template
from samla.surveys.models import Answer, Question, Questionnaire, Response, Section

PERSONAS = ["admin", "office", "editor_a", "viewer", "outsider", "anonymous"]
EVERYONE_IN_ALFA = {"admin", "office", "editor_a", "viewer"}
MANAGERS = {"admin", "office"}
LOCKED = "Skjemaet har svar og kan ikke endres – lag en kopi."
NOTHING_SAVED = "Skjemaet har feil. Ingenting er lagret."


def client(world: World, persona: str) -> Any:
    return world.client_for(None if persona == "anonymous" else persona)


def url(name: str, *args: Any) -> str:
    return reverse(f"surveys:{name}", args=["alfa", *args])


def page_text(response: Any) -> str:
    return response.content.decode()


def main_of(response: Any) -> str:
    """The page's own content, without the header (logout form) and footer."""
    html = page_text(response)
    return html[html.index("<main") : html.index("</main>")]


def preview_of(response: Any) -> str:
    """The questions as previewed, without the history below them."""
    html = page_text(response)
    end = html.find('id="history-heading"')
    return html[html.index('id="questionnaire-body"') : end if end > 0 else None]


def follow_messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Data ------------------------------------------------------------------------------------


@dataclass
class Data:
    world: World
    questionnaire: Questionnaire  # from the template, no campaign
    section: Section  # its "Funksjonalitet": three Likert questions
    question: Question  # the second of them
    beta_questionnaire: Questionnaire

    def questions_of(self, section: Section) -> list[str]:
        return list(section.questions.order_by("order", "pk").values_list("text", flat=True))


def build_data(world: World) -> Data:
    questionnaire = services.questionnaire_create_from_template(collaboration=world.alfa)
    section = questionnaire.sections.get(title="Funksjonalitet")
    return Data(
        world=world,
        questionnaire=questionnaire,
        section=section,
        question=section.questions.order_by("order")[1],
        beta_questionnaire=services.questionnaire_create_from_template(collaboration=world.beta),
    )


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[Data]:
    """The world and its questionnaires, built once for the module in a transaction rolled
    back at the end; each test runs inside it in a savepoint of its own (``db``) with fresh
    copies of the objects, as Django's ``setUpTestData`` does."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        built = build_data(build_world())
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def data(shared: Data, db: None) -> Data:
    return copy.deepcopy(shared)


def use_in_campaign(world: World, questionnaire: Questionnaire, *, answered: bool) -> None:
    """A campaign with the questionnaire; with one answer when ``answered``."""
    product = landscape_services.product_save(collaboration=world.alfa, name="Elements")
    campaign = services.campaign_create(
        collaboration=world.alfa,
        products=[product],
        name="Sak/arkiv 2026",
        questionnaire=questionnaire,
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 3, 31),
    )
    if not answered:
        return
    group = services.user_group_create(
        campaign=campaign, organisation=world.org_a, product=product, name="Saksbehandlere"
    )
    response = Response.objects.create(
        campaign=campaign,
        user_group=group,
        organisation=world.org_a,
        product=product,
        submitted_on=datetime.date(2026, 3, 2),
        submission_key="k" * 64,
    )
    Answer.objects.create(
        response=response,
        question=questionnaire.questions.filter(kind="likert").first(),
        product=product,
        organisation=world.org_a,
        option=4,
    )


def snapshot(questionnaire: Questionnaire) -> list[tuple[Any, ...]]:
    """Everything the editor can change, to prove a refused post changed nothing."""
    questionnaire.refresh_from_db()
    return [
        (questionnaire.name, questionnaire.name_en, questionnaire.introduction),
        *Section.objects.filter(questionnaire=questionnaire)
        .order_by("pk")
        .values_list("pk", "title", "title_en", "order"),
        *Question.objects.filter(questionnaire=questionnaire)
        .order_by("pk")
        .values_list("pk", "section_id", "order", "kind", "text", "options", "minimum", "measures"),
    ]


# --- Who may open which page -------------------------------------------------------------------

UrlMaker = Callable[[Data], str]

GET_PAGES: list[tuple[str, UrlMaker, set[str]]] = [
    ("list", lambda d: url("questionnaire_list"), EVERYONE_IN_ALFA),
    ("detail", lambda d: url("questionnaire_detail", d.questionnaire.uuid), EVERYONE_IN_ALFA),
    (
        "detail in English",
        lambda d: url("questionnaire_detail", d.questionnaire.uuid) + "?sprak=en",
        EVERYONE_IN_ALFA,
    ),
    (
        "docx",
        lambda d: url("questionnaire_detail", d.questionnaire.uuid) + "?format=docx",
        EVERYONE_IN_ALFA,
    ),
    ("new empty", lambda d: url("questionnaire_create"), MANAGERS),
    ("edit", lambda d: url("questionnaire_edit", d.questionnaire.uuid), MANAGERS),
    ("copy", lambda d: url("questionnaire_copy", d.questionnaire.uuid), MANAGERS),
    ("new section", lambda d: url("section_create", d.questionnaire.uuid), MANAGERS),
    (
        "edit section",
        lambda d: url("section_edit", d.questionnaire.uuid, d.section.uuid),
        MANAGERS,
    ),
    ("new question", lambda d: url("question_create", d.questionnaire.uuid), MANAGERS),
    (
        "new question in a section",
        lambda d: url("question_create", d.questionnaire.uuid) + f"?del={d.section.uuid}",
        MANAGERS,
    ),
    (
        "edit question",
        lambda d: url("question_edit", d.questionnaire.uuid, d.question.uuid),
        MANAGERS,
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_get_page(data: Data, page: tuple[str, UrlMaker, set[str]], persona: str) -> None:
    _, make_url, allowed = page
    address = make_url(data)
    response = client(data.world, persona).get(address)
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif persona in allowed:
        assert response.status_code == 200
    elif persona == "outsider":
        assert response.status_code == 404
        assert "Funksjonalitet" not in page_text(response)
    else:
        assert response.status_code == 403


def test_objects_of_another_collaboration_are_404(data: Data) -> None:
    """Also for an administrator, and also when a uuid of one questionnaire is put under another."""
    admin = data.world.client_for("admin")
    beta = data.beta_questionnaire
    beta_section = beta.sections.first()
    beta_question = beta.questions.first()
    assert admin.get(url("questionnaire_detail", beta.uuid)).status_code == 404
    assert admin.get(url("question_edit", beta.uuid, beta_question.uuid)).status_code == 404
    # Alfa's questionnaire with beta's section or question in the address.
    q = data.questionnaire.uuid
    assert admin.get(url("section_edit", q, beta_section.uuid)).status_code == 404
    assert admin.get(url("question_edit", q, beta_question.uuid)).status_code == 404
    before = snapshot(beta)
    assert admin.post(url("question_delete", q, beta_question.uuid)).status_code == 404
    assert admin.post(url("section_delete", q, beta_section.uuid)).status_code == 404
    assert admin.post(url("questionnaire_delete", beta.uuid)).status_code == 404
    assert snapshot(beta) == before
    # A section of another alfa questionnaire under this one.
    other = services.questionnaire_create(collaboration=data.world.alfa, name="Annet")
    other_section = services.section_create(questionnaire=other, title="Annen del")
    assert admin.get(url("section_edit", q, other_section.uuid)).status_code == 404
    assert admin.get("/s/alfa/sporreskjemaer/ikke-en-uuid/").status_code == 404


# --- Who may post what -------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """A post that changes something: its address, its data, and how to tell it happened."""

    url: UrlMaker
    body: Callable[[Data], dict[str, Any]]
    happened: Callable[[Data], bool]


def valid_question(section: Section, /, **change: str) -> dict[str, str]:
    return {
        "section": str(section.uuid),
        "kind": "likert",
        "text": "Systemet har god søkefunksjon.",
        "text_en": "The system has good search.",
        "help_text": "",
        "help_text_en": "",
        "options": "",
        "minimum": "",
        "maximum": "",
        "measures": "functional_fit",
        **change,
    }


def _moved_up(d: Data) -> bool:
    return d.questions_of(d.section)[0] == d.question.text


POSTS: dict[str, Post] = {
    "from template": Post(
        lambda d: url("questionnaire_create_from_template"),
        lambda d: {},
        lambda d: Questionnaire.objects.filter(
            collaboration=d.world.alfa, name=f"{template.NAME} (2)"
        ).exists(),
    ),
    "new empty": Post(
        lambda d: url("questionnaire_create"),
        lambda d: {
            "name": "Brukertilfredshet",
            "name_en": "",
            "introduction": "",
            "introduction_en": "",
        },
        lambda d: Questionnaire.objects.filter(name="Brukertilfredshet").exists(),
    ),
    "edit": Post(
        lambda d: url("questionnaire_edit", d.questionnaire.uuid),
        lambda d: {
            "name": "Evaluering 2026",
            "name_en": "",
            "introduction": "Hei.",
            "introduction_en": "",
        },
        lambda d: Questionnaire.objects.filter(
            pk=d.questionnaire.pk, name="Evaluering 2026"
        ).exists(),
    ),
    "copy": Post(
        lambda d: url("questionnaire_copy", d.questionnaire.uuid),
        lambda d: {"name": "Kopi til PLO"},
        lambda d: Questionnaire.objects.filter(name="Kopi til PLO").exists(),
    ),
    "delete": Post(
        lambda d: url("questionnaire_delete", d.questionnaire.uuid),
        lambda d: {},
        lambda d: not Questionnaire.objects.filter(pk=d.questionnaire.pk).exists(),
    ),
    "new section": Post(
        lambda d: url("section_create", d.questionnaire.uuid),
        lambda d: {"title": "Personvern", "title_en": "Privacy"},
        lambda d: d.questionnaire.sections.filter(title="Personvern").exists(),
    ),
    "edit section": Post(
        lambda d: url("section_edit", d.questionnaire.uuid, d.section.uuid),
        lambda d: {"title": "Funksjoner", "title_en": ""},
        lambda d: Section.objects.filter(pk=d.section.pk, title="Funksjoner").exists(),
    ),
    "delete section": Post(
        lambda d: url("section_delete", d.questionnaire.uuid, d.section.uuid),
        lambda d: {},
        lambda d: not Section.objects.filter(pk=d.section.pk).exists(),
    ),
    "new question": Post(
        lambda d: url("question_create", d.questionnaire.uuid),
        lambda d: valid_question(d.section),
        lambda d: d.questionnaire.questions.filter(text="Systemet har god søkefunksjon.").exists(),
    ),
    "edit question": Post(
        lambda d: url("question_edit", d.questionnaire.uuid, d.question.uuid),
        lambda d: valid_question(d.section, text="Endret tekst."),
        lambda d: Question.objects.filter(pk=d.question.pk, text="Endret tekst.").exists(),
    ),
    "delete question": Post(
        lambda d: url("question_delete", d.questionnaire.uuid, d.question.uuid),
        lambda d: {},
        lambda d: not Question.objects.filter(pk=d.question.pk).exists(),
    ),
    "move question": Post(
        lambda d: url("question_move", d.questionnaire.uuid, d.question.uuid),
        lambda d: {"retning": "opp"},
        _moved_up,
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(POSTS))
def test_post(data: Data, action: str, persona: str) -> None:
    post = POSTS[action]
    response = client(data.world, persona).post(post.url(data), post.body(data))
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif persona in MANAGERS:
        assert response.status_code == 302, page_text(response)[:3000]
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
    assert post.happened(data) == (persona in MANAGERS)


@pytest.mark.parametrize(
    "name",
    [
        "questionnaire_create_from_template",
        "questionnaire_delete",
        "section_delete",
        "question_delete",
        "question_move",
    ],
)
def test_get_is_not_allowed_on_post_only_actions(data: Data, name: str) -> None:
    args = {
        "questionnaire_create_from_template": [],
        "questionnaire_delete": [data.questionnaire.uuid],
        "section_delete": [data.questionnaire.uuid, data.section.uuid],
        "question_delete": [data.questionnaire.uuid, data.question.uuid],
        "question_move": [data.questionnaire.uuid, data.question.uuid],
    }[name]
    before = snapshot(data.questionnaire)
    assert data.world.client_for("admin").get(url(name, *args)).status_code == 405
    assert snapshot(data.questionnaire) == before
    assert Questionnaire.objects.count() == 2


# --- What each persona is offered ----------------------------------------------------------------


def test_viewer_reads_without_edit_controls(data: Data) -> None:
    detail = main_of(
        data.world.client_for("viewer").get(url("questionnaire_detail", data.questionnaire.uuid))
    )
    assert "Systemet dekker de oppgavene jeg skal løse." in detail
    assert "Last ned DOCX" in detail
    for control in (
        "Flytt opp",
        "Ny del",
        "Nytt spørsmål",
        "Kopier",
        "Endre navn",
        'method="post"',
    ):
        assert control not in detail, control
    listing = page_text(data.world.client_for("viewer").get(url("questionnaire_list")))
    assert template.NAME in listing
    assert "Nytt tomt skjema" not in listing and "Nytt fra malen" not in listing


def test_manager_is_offered_every_control(data: Data) -> None:
    detail = page_text(
        data.world.client_for("office").get(url("questionnaire_detail", data.questionnaire.uuid))
    )
    for control in (
        "Flytt opp",
        "Flytt ned",
        "Ny del",
        "Nytt spørsmål",
        "Endre delen",
        "Slett delen",
        "Kopier",
    ):
        assert control in detail, control
    listing = page_text(data.world.client_for("office").get(url("questionnaire_list")))
    assert f"Nytt fra malen «{template.NAME}»" in listing
    assert "Nytt tomt skjema" in listing


def test_list_shows_questions_campaigns_and_locked_state(data: Data) -> None:
    use_in_campaign(data.world, data.questionnaire, answered=True)
    services.questionnaire_create(collaboration=data.world.alfa, name="Tomt skjema")
    response = data.world.client_for("viewer").get(url("questionnaire_list"))
    rows = {q.name: q for q in response.context["questionnaires"]}
    assert set(rows) == {template.NAME, "Tomt skjema"}  # not beta's
    assert rows[template.NAME].question_count == 17
    assert rows[template.NAME].locked is True
    assert [c.name for c in rows[template.NAME].campaigns.all()] == ["Sak/arkiv 2026"]
    assert rows["Tomt skjema"].question_count == 0
    assert rows["Tomt skjema"].locked is False
    html = page_text(response)
    assert "Sak/arkiv 2026" in html and "Låst – har svar" in html and "Kan endres" in html
    assert f'href="{reverse("surveys:campaign_list", args=["alfa"])}"' in html


def _list_queries(world: World) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert world.client_for("viewer").get(url("questionnaire_list")).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_questionnaires(data: Data) -> None:
    few = _list_queries(data.world)
    for number in range(5):
        duplicate = services.questionnaire_copy(
            questionnaire=data.questionnaire, name=f"Kopi {number}"
        )
    use_in_campaign(data.world, duplicate, answered=True)
    assert _list_queries(data.world) == few


# --- Bad input writes nothing ------------------------------------------------------------------


def _refused(response: Any, field: str | None, message: str) -> None:
    assert response.status_code == 200
    html = page_text(response)
    assert NOTHING_SAVED in html
    form = response.context["form"]
    errors = form.errors.get(field or "__all__", [])
    assert any(message in error for error in errors), form.errors
    assert message in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "påkrevet"),
        ({"name": template.NAME}, "name", "finnes allerede"),
        ({"name": template.NAME.upper()}, "name", "finnes allerede"),
        ({"name": "x" * 201}, "name", "201"),
    ],
)
def test_new_questionnaire_bad_input(
    data: Data, change: dict[str, str], field: str, message: str
) -> None:
    body = {"name": "Nytt", "name_en": "", "introduction": "", "introduction_en": "", **change}
    response = data.world.client_for("office").post(url("questionnaire_create"), body)
    _refused(response, field, message)
    assert Questionnaire.objects.count() == 2


def test_edit_questionnaire_bad_input_changes_nothing(data: Data) -> None:
    services.questionnaire_create(collaboration=data.world.alfa, name="Annet skjema")
    before = snapshot(data.questionnaire)
    address = url("questionnaire_edit", data.questionnaire.uuid)
    for name, message in (("", "påkrevet"), ("annet skjema", "finnes allerede")):
        response = data.world.client_for("admin").post(
            address, {"name": name, "name_en": "", "introduction": "Ny.", "introduction_en": ""}
        )
        _refused(response, "name", message)
    assert snapshot(data.questionnaire) == before


@pytest.mark.parametrize(
    ("name", "message"), [("", "påkrevet"), (template.NAME, "finnes allerede")]
)
def test_copy_bad_input(data: Data, name: str, message: str) -> None:
    response = data.world.client_for("admin").post(
        url("questionnaire_copy", data.questionnaire.uuid), {"name": name}
    )
    _refused(response, "name", message)
    assert Questionnaire.objects.count() == 2


def test_section_bad_input(data: Data) -> None:
    before = snapshot(data.questionnaire)
    admin = data.world.client_for("admin")
    _refused(
        admin.post(url("section_create", data.questionnaire.uuid), {"title": " ", "title_en": "X"}),
        "title",
        "påkrevet",
    )
    _refused(
        admin.post(
            url("section_edit", data.questionnaire.uuid, data.section.uuid),
            {"title": "", "title_en": ""},
        ),
        "title",
        "påkrevet",
    )
    assert snapshot(data.questionnaire) == before


QUESTION_BAD_INPUT = [
    ({"text": ""}, "text", "påkrevet"),
    ({"kind": "slider"}, "kind", "gyldig valg"),
    ({"section": "00000000-0000-0000-0000-000000000000"}, "section", "gyldig valg"),
    ({"kind": "single", "options": "", "measures": ""}, "options", "minst to"),
    ({"kind": "single", "options": "Daglig | Daily", "measures": ""}, "options", "minst to"),
    (
        {"kind": "multiple", "options": "Kurs\n| E-learning\nVeiledning", "measures": ""},
        "options",
        "Linje 2 mangler tekst på bokmål",
    ),
    (
        {"kind": "single", "options": "Ja | Yes\nNei | No\nja | yes", "measures": ""},
        "options",
        "«ja» står både på linje 1 og 3",
    ),
    (
        {"kind": "single", "options": "Ja | Yes | Oui\nNei", "measures": ""},
        "options",
        "mer enn én «|»",
    ),
    ({"kind": "single", "options": "Ja\n" + "N" * 201, "measures": ""}, "options", "for lang"),
    (
        {"kind": "number", "minimum": "10", "maximum": "2,5", "measures": ""},
        "maximum",
        "mindre enn minste",
    ),
    ({"kind": "number", "minimum": "ti", "measures": ""}, "minimum", "Skriv et tall"),
    ({"kind": "text", "measures": "technical_fit"}, "measures", "Bare spørsmål med skala 1–5"),
    ({"measures": "speed"}, "measures", "gyldig valg"),
]


@pytest.mark.parametrize(("change", "field", "message"), QUESTION_BAD_INPUT)
def test_question_bad_input(data: Data, change: dict[str, str], field: str, message: str) -> None:
    before = snapshot(data.questionnaire)
    admin = data.world.client_for("admin")
    created = admin.post(
        url("question_create", data.questionnaire.uuid), valid_question(data.section, **change)
    )
    _refused(created, field, message)
    edited = admin.post(
        url("question_edit", data.questionnaire.uuid, data.question.uuid),
        valid_question(data.section, **change),
    )
    _refused(edited, field, message)
    assert snapshot(data.questionnaire) == before


def test_question_in_a_section_of_another_questionnaire_is_refused(data: Data) -> None:
    other = services.questionnaire_create(collaboration=data.world.alfa, name="Annet")
    foreign = services.section_create(questionnaire=other, title="Fremmed")
    before = snapshot(data.questionnaire)
    response = data.world.client_for("admin").post(
        url("question_create", data.questionnaire.uuid), valid_question(foreign)
    )
    _refused(response, "section", "gyldig valg")
    assert snapshot(data.questionnaire) == before and not foreign.questions.exists()


def test_question_good_input_parses_options_and_norwegian_numbers(data: Data) -> None:
    admin = data.world.client_for("admin")
    response = admin.post(
        url("question_create", data.questionnaire.uuid),
        valid_question(
            data.section,
            kind="single",
            measures="",
            text="Hvor lenge har du brukt systemet?",
            options="Under ett år | Less than a year\n\n  Ett til fem år|One to five years  \nMer enn fem år\n",
        ),
    )
    question = data.questionnaire.questions.get(text="Hvor lenge har du brukt systemet?")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#sporsmal-{question.uuid}")
    assert question.options == [
        {"nb": "Under ett år", "en": "Less than a year"},
        {"nb": "Ett til fem år", "en": "One to five years"},
        {"nb": "Mer enn fem år", "en": ""},
    ]
    assert question.section == data.section
    assert question.order == 4  # after the section's three
    response = admin.post(
        url("question_edit", data.questionnaire.uuid, question.uuid),
        valid_question(
            data.section,
            kind="number",
            measures="",
            minimum="1 000,5",
            maximum="2500",
            options="Igjen",
        ),
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.kind, question.minimum, question.maximum, question.options) == (
        "number",
        Decimal("1000.50"),
        Decimal("2500.00"),
        [],
    )
    # The edit form shows the limits the Norwegian way and the options one per line.
    form = admin.get(url("question_edit", data.questionnaire.uuid, question.uuid)).context["form"]
    assert form.initial["minimum"] == "1\xa0000,50"
    assert form.initial["maximum"] == "2\xa0500"
    template_question = data.questionnaire.questions.get(text="Hvor ofte bruker du systemet?")
    form = admin.get(url("question_edit", data.questionnaire.uuid, template_question.uuid)).context[
        "form"
    ]
    assert form.initial["options"].splitlines()[0] == "Daglig | Daily"


def test_save_and_add_another_goes_to_a_new_question_in_the_same_section(data: Data) -> None:
    response = data.world.client_for("admin").post(
        url("question_create", data.questionnaire.uuid),
        {**valid_question(data.section), "neste": "ny"},
    )
    assert response.status_code == 302
    assert (
        response["Location"]
        == url("question_create", data.questionnaire.uuid) + f"?del={data.section.uuid}"
    )
    form = data.world.client_for("admin").get(response["Location"]).context["form"]
    assert form.initial["section"] == data.section.uuid


def test_question_form_without_sections_asks_for_a_section_first(data: Data) -> None:
    empty = services.questionnaire_create(collaboration=data.world.alfa, name="Tomt")
    response = data.world.client_for("admin").get(url("question_create", empty.uuid))
    assert response.status_code == 200
    assert "legg til en del først" in page_text(response)


def test_bad_move_direction_changes_nothing(data: Data) -> None:
    before = snapshot(data.questionnaire)
    response = data.world.client_for("admin").post(
        url("question_move", data.questionnaire.uuid, data.question.uuid),
        {"retning": "sidelengs"},
        follow=True,
    )
    assert "Velg om spørsmålet skal flyttes opp eller ned." in follow_messages(response)
    assert snapshot(data.questionnaire) == before


# --- Locked questionnaires ---------------------------------------------------------------------


def test_locked_questionnaire_shows_the_notice_instead_of_edit_controls(data: Data) -> None:
    use_in_campaign(data.world, data.questionnaire, answered=True)
    html = page_text(
        data.world.client_for("admin").get(url("questionnaire_detail", data.questionnaire.uuid))
    )
    assert LOCKED in html
    for control in (
        "Flytt opp",
        "Flytt ned",
        "Ny del",
        "Nytt spørsmål",
        "Endre delen",
        "Slett delen",
    ):
        assert control not in html, control
    assert "Kopier" in html  # the way out
    assert "Systemet dekker de oppgavene jeg skal løse." in html  # still previewed


LOCKED_POSTS = [
    "new section",
    "edit section",
    "delete section",
    "new question",
    "edit question",
    "delete question",
    "move question",
]


@pytest.mark.parametrize("action", LOCKED_POSTS)
def test_locked_questionnaire_refuses_changes_with_the_message(data: Data, action: str) -> None:
    use_in_campaign(data.world, data.questionnaire, answered=True)
    before = snapshot(data.questionnaire)
    post = POSTS[action]
    response = data.world.client_for("admin").post(post.url(data), post.body(data), follow=True)
    assert response.status_code == 200
    shown = page_text(response)
    assert LOCKED in shown
    if action.startswith(("new", "edit")):
        assert NOTHING_SAVED in shown  # the form again, with the service's refusal
    else:
        assert LOCKED in follow_messages(response)
    assert snapshot(data.questionnaire) == before
    assert not post.happened(data)


@pytest.mark.parametrize(
    "make_url",
    [
        lambda d: url("section_create", d.questionnaire.uuid),
        lambda d: url("section_edit", d.questionnaire.uuid, d.section.uuid),
        lambda d: url("question_create", d.questionnaire.uuid),
        lambda d: url("question_edit", d.questionnaire.uuid, d.question.uuid),
    ],
)
def test_locked_questionnaire_forms_lead_back_with_the_message(
    data: Data, make_url: UrlMaker
) -> None:
    use_in_campaign(data.world, data.questionnaire, answered=True)
    response = data.world.client_for("office").get(make_url(data), follow=True)
    assert response.redirect_chain[-1][0] == url("questionnaire_detail", data.questionnaire.uuid)
    assert LOCKED in follow_messages(response)


def test_locked_questionnaire_keeps_its_name_and_introduction_editable(data: Data) -> None:
    use_in_campaign(data.world, data.questionnaire, answered=True)
    response = data.world.client_for("admin").post(
        url("questionnaire_edit", data.questionnaire.uuid),
        {"name": "Evaluering 2026", "name_en": "", "introduction": "Takk!", "introduction_en": ""},
    )
    assert response.status_code == 302
    data.questionnaire.refresh_from_db()
    assert (data.questionnaire.name, data.questionnaire.introduction) == (
        "Evaluering 2026",
        "Takk!",
    )


def test_delete_is_refused_while_a_campaign_uses_it(data: Data) -> None:
    use_in_campaign(data.world, data.questionnaire, answered=False)
    response = data.world.client_for("admin").post(
        url("questionnaire_delete", data.questionnaire.uuid), follow=True
    )
    assert "Spørreskjemaet brukes i en undersøkelse og kan ikke slettes." in follow_messages(
        response
    )
    assert Questionnaire.objects.filter(pk=data.questionnaire.pk).exists()
    assert data.questionnaire.questions.count() == 17


def test_delete_removes_sections_and_questions(data: Data) -> None:
    response = data.world.client_for("admin").post(
        url("questionnaire_delete", data.questionnaire.uuid)
    )
    assert response["Location"] == url("questionnaire_list")
    assert not Section.objects.filter(questionnaire_id=data.questionnaire.pk).exists()
    assert not Question.objects.filter(questionnaire_id=data.questionnaire.pk).exists()


# --- Moving questions ----------------------------------------------------------------------------


def test_move_up_and_down_changes_the_order(data: Data) -> None:
    admin = data.world.client_for("admin")
    first, second, third = data.questions_of(data.section)
    move = url("question_move", data.questionnaire.uuid, data.question.uuid)
    response = admin.post(move, {"retning": "opp"})
    assert response["Location"].endswith(f"#sporsmal-{data.question.uuid}")
    assert data.questions_of(data.section) == [second, first, third]
    admin.post(move, {"retning": "opp"})  # already at the top: nothing happens
    assert data.questions_of(data.section) == [second, first, third]
    admin.post(move, {"retning": "ned"})
    admin.post(move, {"retning": "ned"})
    assert data.questions_of(data.section) == [first, third, second]
    admin.post(move, {"retning": "ned"})  # already at the bottom
    assert data.questions_of(data.section) == [first, third, second]
    # Other sections are untouched and numbering on the page follows the new order.
    html = page_text(admin.get(url("questionnaire_detail", data.questionnaire.uuid)))
    assert html.index(f"4. {third}") < html.index(f"5. {second}")


def test_move_with_htmx_answers_the_questions_fragment(data: Data) -> None:
    response = data.world.client_for("admin").post(
        url("question_move", data.questionnaire.uuid, data.question.uuid),
        {"retning": "opp", "sprak": "en"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = page_text(response)
    assert "<html" not in html
    assert html.startswith('<div id="questionnaire-body">')
    assert 'hx-swap-oob="innerHTML"' in html and "Spørsmålet er flyttet opp." in html
    assert "The system supports our work processes" in html  # the preview language is kept
    assert html.index("3. The system supports our work processes") < html.index(
        "4. The system covers"
    )
    assert data.questions_of(data.section)[0] == data.question.text


# --- Template, copy, preview, DOCX and history -----------------------------------------------------


def test_template_creation_gives_every_section_and_question(data: Data) -> None:
    response = data.world.client_for("admin").post(url("questionnaire_create_from_template"))
    created = Questionnaire.objects.get(collaboration=data.world.alfa, name=f"{template.NAME} (2)")
    assert response["Location"] == url("questionnaire_detail", created.uuid)
    assert created.name_en == f"{template.NAME_EN} (2)"
    assert created.introduction == template.INTRODUCTION
    sections = list(created.sections.order_by("order"))
    assert [(s.title, s.title_en) for s in sections] == [
        (s.title, s.title_en) for s in template.SECTIONS
    ]
    for section, source in zip(sections, template.SECTIONS, strict=True):
        stored = list(section.questions.order_by("order"))
        assert [
            (
                q.kind,
                q.text,
                q.text_en,
                q.required,
                q.measures,
                [(o["nb"], o["en"]) for o in q.options],
            )
            for q in stored
        ] == [
            (t.kind, t.text, t.text_en, t.required, t.measures, list(t.options))
            for t in source.questions
        ]
    hours = created.questions.get(kind="number")
    assert (hours.minimum, hours.maximum) == (Decimal(0), Decimal(200))
    assert created.questions.count() == sum(len(s.questions) for s in template.SECTIONS) == 17


def test_copy_has_the_same_questions_and_is_unlocked(data: Data) -> None:
    use_in_campaign(data.world, data.questionnaire, answered=True)
    original = snapshot(data.questionnaire)
    admin = data.world.client_for("admin")
    form = admin.get(url("questionnaire_copy", data.questionnaire.uuid)).context["form"]
    assert form.initial["name"] == f"Kopi av {template.NAME}"
    response = admin.post(
        url("questionnaire_copy", data.questionnaire.uuid), {"name": "Evaluering 2027"}
    )
    duplicate = Questionnaire.objects.get(name="Evaluering 2027")
    assert response["Location"] == url("questionnaire_detail", duplicate.uuid)

    def content(q: Questionnaire) -> list[tuple[Any, ...]]:
        return list(
            q.questions.order_by("section__order", "order").values_list(
                "section__title",
                "order",
                "kind",
                "text",
                "text_en",
                "options",
                "minimum",
                "maximum",
                "measures",
                "required",
            )
        )

    assert content(duplicate) == content(data.questionnaire)
    assert not set(duplicate.questions.values_list("uuid", flat=True)) & set(
        data.questionnaire.questions.values_list("uuid", flat=True)
    )
    assert snapshot(data.questionnaire) == original
    assert not services.questionnaire_is_locked(duplicate)
    # The copy can be changed.
    question = duplicate.questions.get(text=data.question.text)
    response = admin.post(url("question_delete", duplicate.uuid, question.uuid))
    assert response.status_code == 302 and duplicate.questions.count() == 16


def test_preview_in_english_and_bokmal(data: Data) -> None:
    viewer = data.world.client_for("viewer")
    detail = url("questionnaire_detail", data.questionnaire.uuid)
    nb = preview_of(viewer.get(detail))
    en = preview_of(viewer.get(detail + "?sprak=en"))
    assert "1. Hvor ofte bruker du systemet?" in nb and "How often" not in nb
    assert "1. How often do you use the system?" in en and "Hvor ofte bruker" not in en
    assert 'lang="en"' in en and ">Daily<" in en and ">Daglig<" in nb
    assert "Et tall fra 0 til 200." in nb
    # The numbering runs through the sections.
    assert "17. Hva er systemets svakeste sider?" in nb
    # An unknown language falls back to the page's.
    assert "1. Hvor ofte bruker du systemet?" in preview_of(viewer.get(detail + "?sprak=de"))


def _docx_texts(content: bytes) -> tuple[list[str], list[str]]:
    document = Document(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return paragraphs, cells


def test_docx_holds_every_section_and_question(data: Data) -> None:
    response = data.world.client_for("viewer").get(
        url("questionnaire_detail", data.questionnaire.uuid) + "?format=docx"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "attachment;" in response["Content-Disposition"]
    paragraphs, cells = _docx_texts(response.content)
    text = "\n".join(paragraphs)
    assert paragraphs[0] == template.NAME
    for section in template.SECTIONS:
        assert section.title in paragraphs
        for question in section.questions:
            assert question.text in text, question.text
    assert "1. Hvor ofte bruker du systemet? *" in paragraphs  # required is marked
    assert "☐ Daglig" in paragraphs and "☐ Hjelp fra superbruker" in paragraphs
    assert "Vet ikke" in cells and "1 – Helt uenig" in cells
    assert any(p.startswith("Et tall fra 0 til 200.") for p in paragraphs)
    # The English version for English-speaking reference groups.
    response = data.world.client_for("viewer").get(
        url("questionnaire_detail", data.questionnaire.uuid) + "?format=docx&sprak=en"
    )
    paragraphs, _cells = _docx_texts(response.content)
    assert paragraphs[0] == template.NAME_EN
    assert "1. How often do you use the system? *" in paragraphs and "☐ Daily" in paragraphs


def test_history_shows_changes_to_questions_and_sections(data: Data) -> None:
    admin = data.world.client_for("admin")
    admin.post(
        url("question_edit", data.questionnaire.uuid, data.question.uuid),
        valid_question(
            data.section, text="Systemet støtter arbeidet vårt.", measures="technical_fit"
        ),
    )
    admin.post(
        url("section_edit", data.questionnaire.uuid, data.section.uuid),
        {"title": "Funksjoner", "title_en": "Functionality"},
    )
    response = data.world.client_for("viewer").get(
        url("questionnaire_detail", data.questionnaire.uuid)
    )
    history = response.context["history"]
    assert history[0].action == "Endret del «Funksjoner»"
    assert history[0].who == data.world.admin
    assert [(c.field, c.old, c.new) for c in history[0].changes] == [
        ("tittel", "Funksjonalitet", "Funksjoner")
    ]
    assert history[1].action == "Endret spørsmål «Systemet støtter arbeidet vårt.»"
    changes = {c.field: (c.old, c.new) for c in history[1].changes}
    assert changes["måler"] == ("Funksjonell egnethet", "Teknisk egnethet")
    assert changes["spørsmål"][1] == "Systemet støtter arbeidet vårt."
    html = page_text(response)
    assert "Historikk" in html and "Endret del «Funksjoner»" in html


def test_history_keeps_deleted_questions(data: Data) -> None:
    data.world.client_for("admin").post(
        url("question_delete", data.questionnaire.uuid, data.question.uuid)
    )
    history = (
        data.world.client_for("viewer")
        .get(url("questionnaire_detail", data.questionnaire.uuid))
        .context["history"]
    )
    assert history[0].action.startswith("Slettet spørsmål «Systemet støtter arbeidsprosessene")


def test_detail_queries_do_not_grow_with_questions(data: Data) -> None:
    def count(questionnaire: Questionnaire) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = data.world.client_for("viewer").get(
                url("questionnaire_detail", questionnaire.uuid)
            )
            assert response.status_code == 200
        return len(queries)

    small = services.questionnaire_create(collaboration=data.world.alfa, name="Lite")
    section = services.section_create(questionnaire=small, title="Eneste")
    services.question_create(questionnaire=small, section=section, kind="text", text="Noe mer?")
    assert count(small) == count(data.questionnaire)
