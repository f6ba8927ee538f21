"""The API for questionnaires, sections and questions: who may do what, bad input, locks.

Every endpoint is called by every persona: anonymous callers get 401, the outsider (of
collaboration beta) 404, everyone with a role in alfa reads, and only administrators and the
programme office change (the others get 403). Refused input answers 422 and writes nothing;
so does every change to the sections and questions of a questionnaire with answers.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conftest import build_world
from samla.surveys import services, template
from samla.surveys.models import Question, Questionnaire, Section
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
from tests.test_survey_questionnaires import (
    LOCKED,
    Data,
    build_data,
    snapshot,
    use_in_campaign,
)

ALFA = "/collaborations/alfa/questionnaires"


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[Data]:
    """Built once for the module and rolled back at the end; each test gets fresh copies."""
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


def one(d: Data) -> str:
    return f"{ALFA}/{d.questionnaire.uuid}"


def message_of(response: Any) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


# --- Reading -----------------------------------------------------------------------------------

READS: dict[str, Callable[[Data], str]] = {
    "list": lambda d: ALFA,
    "detail": one,
    "sections": lambda d: f"{one(d)}/sections",
    "section": lambda d: f"{one(d)}/sections/{d.section.uuid}",
    "questions": lambda d: f"{one(d)}/questions",
    "question": lambda d: f"{one(d)}/questions/{d.question.uuid}",
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(READS))
def test_read(data: Data, name: str, persona: str) -> None:
    response = api(data.world, persona, "GET", READS[name](data))
    assert response.status_code == expected(persona, EVERYONE_IN_ALFA)
    if response.status_code != 200:
        return
    body = response.json()
    if name == "list":
        assert [q["name"] for q in body] == [template.NAME]  # not beta's
        assert body[0]["question_count"] == 17 and body[0]["locked"] is False
    elif name == "detail":
        assert body["uuid"] == str(data.questionnaire.uuid)
        assert [s["title"] for s in body["sections"]] == [s.title for s in template.SECTIONS]
        first = body["sections"][0]["questions"][0]
        assert first["text"] == "Hvor ofte bruker du systemet?"
        assert first["kind"] == "single" and first["required"] is True
        assert first["options"][0] == {"nb": "Daglig", "en": "Daily"}
        assert first["section"] == body["sections"][0]["uuid"]
        hours = [q for s in body["sections"] for q in s["questions"] if q["kind"] == "number"]
        assert (hours[0]["minimum"], hours[0]["maximum"]) == ("0.00", "200.00")
    elif name == "sections":
        assert len(body) == 7 and len(body[1]["questions"]) == 3
    elif name == "section":
        assert body["title"] == "Funksjonalitet"
        assert [q["uuid"] for q in body["questions"]][1] == str(data.question.uuid)
    elif name == "questions":
        assert len(body) == 17
        assert body[0]["text"] == "Hvor ofte bruker du systemet?"
        assert body[-1]["text"] == "Hva er systemets svakeste sider?"
    else:
        assert body["uuid"] == str(data.question.uuid)
        assert body["measures"] == "functional_fit"


def test_detail_queries_do_not_grow_with_questions(data: Data) -> None:
    token = token_for(data.world, "viewer")
    small = services.questionnaire_create(collaboration=data.world.alfa, name="Lite")
    section = services.section_create(questionnaire=small, title="Eneste")
    services.question_create(questionnaire=small, section=section, kind="text", text="Noe mer?")

    def count(questionnaire: Questionnaire) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert call(token, "GET", f"{ALFA}/{questionnaire.uuid}").status_code == 200
        return len(queries)

    count(small)  # the token's first use is recorded once
    assert count(small) == count(data.questionnaire)
    with CaptureQueriesContext(connection) as few:
        call(token, "GET", ALFA)
    for number in range(4):
        services.questionnaire_copy(questionnaire=small, name=f"Kopi {number}")
    with CaptureQueriesContext(connection) as many:
        assert len(call(token, "GET", ALFA).json()) == 6
    assert len(many) == len(few)


# --- Writing: every persona ----------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    method: str
    path: Callable[[Data], str]
    body: Callable[[Data], dict[str, Any] | None]
    happened: Callable[[Data], bool]
    success: int = 200


def question_body(d: Data, **change: Any) -> dict[str, Any]:
    return {
        "section": str(d.section.uuid),
        "kind": "single",
        "text": "Hvor lenge har du brukt systemet?",
        "text_en": "How long have you used the system?",
        "options": [{"nb": "Under ett år", "en": "Less than a year"}, {"nb": "Lenger"}],
        **change,
    }


WRITES: dict[str, Write] = {
    "create empty": Write(
        "POST",
        lambda d: ALFA,
        lambda d: {"name": "Brukertilfredshet", "introduction": "Hei."},
        lambda d: Questionnaire.objects.filter(name="Brukertilfredshet").exists(),
        201,
    ),
    "create from template": Write(
        "POST",
        lambda d: ALFA,
        lambda d: {"from_template": True},
        lambda d: Questionnaire.objects.filter(
            collaboration=d.world.alfa, name=f"{template.NAME} (2)"
        ).exists(),
        201,
    ),
    "update": Write(
        "PATCH",
        one,
        lambda d: {"name": "Evaluering 2026"},
        lambda d: Questionnaire.objects.filter(name="Evaluering 2026").exists(),
    ),
    "delete": Write(
        "DELETE",
        one,
        lambda d: None,
        lambda d: not Questionnaire.objects.filter(pk=d.questionnaire.pk).exists(),
        204,
    ),
    "copy": Write(
        "POST",
        lambda d: f"{one(d)}/copy",
        lambda d: {"name": "Kopi til PLO"},
        lambda d: Questionnaire.objects.filter(name="Kopi til PLO").exists(),
        201,
    ),
    "create section": Write(
        "POST",
        lambda d: f"{one(d)}/sections",
        lambda d: {"title": "Personvern", "title_en": "Privacy"},
        lambda d: d.questionnaire.sections.filter(title="Personvern").exists(),
        201,
    ),
    "update section": Write(
        "PATCH",
        lambda d: f"{one(d)}/sections/{d.section.uuid}",
        lambda d: {"title": "Funksjoner"},
        lambda d: Section.objects.filter(pk=d.section.pk, title="Funksjoner").exists(),
    ),
    "delete section": Write(
        "DELETE",
        lambda d: f"{one(d)}/sections/{d.section.uuid}",
        lambda d: None,
        lambda d: not Section.objects.filter(pk=d.section.pk).exists(),
        204,
    ),
    "create question": Write(
        "POST",
        lambda d: f"{one(d)}/questions",
        question_body,
        lambda d: d.questionnaire.questions.filter(
            text="Hvor lenge har du brukt systemet?"
        ).exists(),
        201,
    ),
    "update question": Write(
        "PATCH",
        lambda d: f"{one(d)}/questions/{d.question.uuid}",
        lambda d: {"text": "Endret tekst.", "required": True},
        lambda d: Question.objects.filter(pk=d.question.pk, text="Endret tekst.").exists(),
    ),
    "delete question": Write(
        "DELETE",
        lambda d: f"{one(d)}/questions/{d.question.uuid}",
        lambda d: None,
        lambda d: not Question.objects.filter(pk=d.question.pk).exists(),
        204,
    ),
    "move question": Write(
        "POST",
        lambda d: f"{one(d)}/questions/{d.question.uuid}/move",
        lambda d: {"direction": "up"},
        lambda d: d.questions_of(d.section)[0] == d.question.text,
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(WRITES))
def test_write(data: Data, name: str, persona: str) -> None:
    write = WRITES[name]
    response = api(data.world, persona, write.method, write.path(data), write.body(data))
    assert response.status_code == expected(persona, MANAGERS, success=write.success)
    assert write.happened(data) is (persona in MANAGERS)
    if persona not in MANAGERS and persona != ANONYMOUS:
        assert "detail" in response.json()
    if response.status_code in (200, 201) and write.method != "DELETE":
        body = response.json()
        if name == "move question":
            assert body["questions"][0]["uuid"] == str(data.question.uuid)
        elif name == "create question":
            created = Question.objects.get(uuid=body["uuid"])
            assert created.options == [
                {"nb": "Under ett år", "en": "Less than a year"},
                {"nb": "Lenger", "en": ""},
            ]
            assert created.order == 4 and body["section"] == str(data.section.uuid)
            assert created.history.latest().history_user == data.world.persona(persona)


def test_created_from_template_has_every_section_and_question(data: Data) -> None:
    response = api(data.world, "office", "POST", ALFA, {"from_template": True, "name": "PLO 2026"})
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "PLO 2026" and body["question_count"] == 17
    assert [s["title"] for s in body["sections"]] == [s.title for s in template.SECTIONS]
    texts = [q["text"] for s in body["sections"] for q in s["questions"]]
    assert texts == [q.text for s in template.SECTIONS for q in s.questions]
    assert body["introduction"] == template.INTRODUCTION


def test_copy_answers_the_copy_with_its_questions(data: Data) -> None:
    use_in_campaign(data.world, data.questionnaire, answered=True)
    response = api(data.world, "admin", "POST", f"{one(data)}/copy", {"name": "Evaluering 2027"})
    assert response.status_code == 201
    body = response.json()
    assert body["locked"] is False and body["question_count"] == 17 and body["campaigns"] == []
    original = api(data.world, "admin", "GET", one(data)).json()
    assert original["locked"] is True
    assert original["campaigns"][0]["name"] == "Sak/arkiv 2026"

    def texts(payload: dict[str, Any]) -> list[tuple[str, str]]:
        return [(s["title"], q["text"]) for s in payload["sections"] for q in s["questions"]]

    assert texts(body) == texts(original)


def test_move_down_and_at_the_edges(data: Data) -> None:
    token = token_for(data.world, "admin")
    first, second, third = data.questions_of(data.section)
    path = f"{one(data)}/questions/{data.question.uuid}/move"
    body = call(token, "POST", path, {"direction": "down"}).json()
    assert [q["text"] for q in body["questions"]] == [first, third, second]
    body = call(token, "POST", path, {"direction": "down"}).json()  # at the bottom already
    assert [q["text"] for q in body["questions"]] == [first, third, second]
    assert [q["order"] for q in body["questions"]] == [1, 2, 3]


# --- Another collaboration, another questionnaire ---------------------------------------------------


def test_objects_of_another_collaboration_are_404(data: Data) -> None:
    beta = data.beta_questionnaire
    before = snapshot(beta)
    token = token_for(data.world, "admin")
    section, question = beta.sections.first(), beta.questions.first()
    for slug in ("alfa", "beta"):
        base = f"/collaborations/{slug}/questionnaires/{beta.uuid}"
        assert call(token, "GET", base).status_code == 404
        assert call(token, "PATCH", base, {"name": "Kapret"}).status_code == 404
        assert call(token, "DELETE", base).status_code == 404
        assert call(token, "POST", f"{base}/sections", {"title": "X"}).status_code == 404
        assert call(token, "DELETE", f"{base}/questions/{question.uuid}").status_code == 404
    # Beta's section and question under alfa's questionnaire.
    assert call(token, "GET", f"{one(data)}/sections/{section.uuid}").status_code == 404
    assert (
        call(token, "PATCH", f"{one(data)}/questions/{question.uuid}", {"text": "X"}).status_code
        == 404
    )
    assert call(token, "DELETE", f"{one(data)}/sections/{section.uuid}").status_code == 404
    assert call(token, "GET", f"{ALFA}/ikke-en-uuid").status_code == 404
    assert snapshot(beta) == before


def test_section_of_another_questionnaire_is_404_in_the_address_and_422_in_the_body(
    data: Data,
) -> None:
    other = services.questionnaire_create(collaboration=data.world.alfa, name="Annet")
    foreign = services.section_create(questionnaire=other, title="Fremmed")
    token = token_for(data.world, "admin")
    assert call(token, "GET", f"{one(data)}/sections/{foreign.uuid}").status_code == 404
    before = snapshot(data.questionnaire)
    response = call(
        token, "POST", f"{one(data)}/questions", question_body(data, section=str(foreign.uuid))
    )
    assert response.status_code == 422
    assert response.json()["errors"]["section"] == ["Delen finnes ikke i dette spørreskjemaet."]
    beta_section = data.beta_questionnaire.sections.first()
    path = f"{one(data)}/questions/{data.question.uuid}"
    assert call(token, "PATCH", path, {"section": str(beta_section.uuid)}).status_code == 422
    assert snapshot(data.questionnaire) == before
    assert not foreign.questions.exists()


# --- Bad input: 422 and nothing written -------------------------------------------------------------

BAD_INPUT: list[tuple[str, str, Callable[[Data], str], Callable[[Data], dict[str, Any]], str]] = [
    (
        "no name",
        "POST",
        lambda d: ALFA,
        lambda d: {"introduction": "Hei."},
        "Gi spørreskjemaet et navn.",
    ),
    ("blank name", "POST", lambda d: ALFA, lambda d: {"name": "  "}, "Gi spørreskjemaet et navn."),
    (
        "taken name",
        "POST",
        lambda d: ALFA,
        lambda d: {"name": template.NAME.lower()},
        "finnes allerede",
    ),
    (
        "taken name from template",
        "POST",
        lambda d: ALFA,
        lambda d: {"from_template": True, "name": template.NAME},
        "finnes allerede",
    ),
    ("long name", "POST", lambda d: ALFA, lambda d: {"name": "x" * 201}, "at most 200"),
    ("rename to null", "PATCH", one, lambda d: {"name": None}, "Feltet kan ikke være tomt."),
    (
        "copy to taken name",
        "POST",
        lambda d: f"{one(d)}/copy",
        lambda d: {"name": template.NAME},
        "finnes allerede",
    ),
    (
        "section without title",
        "POST",
        lambda d: f"{one(d)}/sections",
        lambda d: {"title": ""},
        "at least 1",
    ),
    (
        "section title null",
        "PATCH",
        lambda d: f"{one(d)}/sections/{d.section.uuid}",
        lambda d: {"title": None},
        "Feltet kan ikke være tomt.",
    ),
    (
        "section order null",
        "PATCH",
        lambda d: f"{one(d)}/sections/{d.section.uuid}",
        lambda d: {"order": None},
        "Feltet kan ikke være tomt.",
    ),
    (
        "unknown kind",
        "POST",
        lambda d: f"{one(d)}/questions",
        lambda d: question_body(d, kind="slider"),
        "likert",
    ),
    (
        "one option",
        "POST",
        lambda d: f"{one(d)}/questions",
        lambda d: question_body(d, options=[{"nb": "Ja"}]),
        "minst to svaralternativer",
    ),
    (
        "option without bokmål",
        "POST",
        lambda d: f"{one(d)}/questions",
        lambda d: question_body(d, options=[{"nb": "Ja"}, {"nb": " ", "en": "No"}]),
        "tekst på bokmål",
    ),
    (
        "same option twice",
        "POST",
        lambda d: f"{one(d)}/questions",
        lambda d: question_body(d, options=[{"nb": "Ja"}, {"nb": "ja "}]),
        "samme tekst",
    ),
    (
        "maximum below minimum",
        "POST",
        lambda d: f"{one(d)}/questions",
        lambda d: question_body(d, kind="number", minimum="10", maximum="2.5"),
        "Største tall kan ikke være mindre enn minste tall.",
    ),
    (
        "measures on free text",
        "POST",
        lambda d: f"{one(d)}/questions",
        lambda d: question_body(d, kind="text", measures="technical_fit"),
        "Bare spørsmål med skala 1–5 kan måle egnethet.",
    ),
    (
        "too many decimals",
        "POST",
        lambda d: f"{one(d)}/questions",
        lambda d: question_body(d, kind="number", minimum="0.001"),
        "decimal places",
    ),
    (
        "empty text",
        "PATCH",
        lambda d: f"{one(d)}/questions/{d.question.uuid}",
        lambda d: {"text": ""},
        "at least 1",
    ),
    (
        "text null",
        "PATCH",
        lambda d: f"{one(d)}/questions/{d.question.uuid}",
        lambda d: {"text": None},
        "Feltet kan ikke være tomt.",
    ),
    (
        "kind to single without options",
        "PATCH",
        lambda d: f"{one(d)}/questions/{d.question.uuid}",
        lambda d: {"kind": "single"},
        "minst to svaralternativer",
    ),
    (
        "move sideways",
        "POST",
        lambda d: f"{one(d)}/questions/{d.question.uuid}/move",
        lambda d: {"direction": "left"},
        "up",
    ),
]


@pytest.mark.parametrize(
    ("label", "method", "path", "body", "message"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT]
)
def test_bad_input_is_422_and_writes_nothing(
    data: Data,
    label: str,
    method: str,
    path: Callable[[Data], str],
    body: Callable[[Data], dict[str, Any]],
    message: str,
) -> None:
    before = snapshot(data.questionnaire), Questionnaire.objects.count(), Question.objects.count()
    response = api(data.world, "office", method, path(data), body(data))
    assert response.status_code == 422, response.content
    assert message in message_of(response)
    assert (
        snapshot(data.questionnaire),
        Questionnaire.objects.count(),
        Question.objects.count(),
    ) == before


# --- Locked and used questionnaires -------------------------------------------------------------------

LOCKED_WRITES = [
    "create section",
    "update section",
    "delete section",
    "create question",
    "update question",
    "delete question",
    "move question",
]


@pytest.mark.parametrize("name", LOCKED_WRITES)
def test_locked_questionnaire_answers_422_with_the_message(data: Data, name: str) -> None:
    use_in_campaign(data.world, data.questionnaire, answered=True)
    before = snapshot(data.questionnaire)
    write = WRITES[name]
    response = api(data.world, "admin", write.method, write.path(data), write.body(data))
    assert response.status_code == 422
    assert response.json()["detail"] == LOCKED
    assert snapshot(data.questionnaire) == before
    assert not write.happened(data)


def test_locked_questionnaire_may_still_be_renamed(data: Data) -> None:
    use_in_campaign(data.world, data.questionnaire, answered=True)
    response = api(
        data.world, "admin", "PATCH", one(data), {"name": "Evaluering 2026", "introduction": None}
    )
    assert response.status_code == 200
    assert response.json()["locked"] is True
    data.questionnaire.refresh_from_db()
    assert (data.questionnaire.name, data.questionnaire.introduction) == ("Evaluering 2026", "")


def test_questionnaire_used_by_a_campaign_cannot_be_deleted(data: Data) -> None:
    use_in_campaign(data.world, data.questionnaire, answered=False)
    response = api(data.world, "admin", "DELETE", one(data))
    assert response.status_code == 422
    assert (
        response.json()["detail"] == "Spørreskjemaet brukes i en undersøkelse og kan ikke slettes."
    )
    assert Questionnaire.objects.filter(pk=data.questionnaire.pk).exists()
    assert data.questionnaire.questions.count() == 17
