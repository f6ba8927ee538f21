"""The respondent's bad input: double submits, the back button, reused and altered links,
closed or not yet open campaigns, tampered forms and missing answers. Each gets a clear
Norwegian message and stores exactly one response, or none.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, TestCase

from conftest import World
from samla.surveys import respond_views, services
from samla.surveys.models import Answer, Campaign, Invitation, Question, Response
from samla.surveys.respond_forms import field_name, new_submission_key
from tests.test_survey_respond import (
    BASE_URL,
    TODAY,
    Survey,
    build_survey,
    freeze,
    full_answers,
    mailed_paths,
    open_form,
    required_answers,
    submit,
)

ALREADY = "Du har allerede svart. Takk!"
NOTHING_SAVED = "Skjemaet har feil. Ingenting er lagret."


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, TODAY)


@pytest.fixture
def survey(world: World, frozen: None) -> Survey:
    return build_survey(world)


def nothing_stored() -> None:
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0
    assert not Invitation.objects.filter(answered=True).exists()


def altered(path: str) -> str:
    """The link with one character of its token changed."""
    prefix, token = path.rstrip("/").rsplit("/", 1)
    swapped = ("A" if token[5] != "A" else "B").join((token[:5], token[6:]))
    return f"{prefix}/{swapped}/"


# --- Double submit, back button, reused links -------------------------------------------------


@pytest.mark.parametrize("kind", ["personal", "open"])
def test_double_submit_stores_one_response(survey: Survey, kind: str) -> None:
    path = survey.paths[0] if kind == "personal" else survey.open_path
    client = Client()
    _page, key = open_form(client, path)
    first = submit(client, path, full_answers(survey), key)
    second = submit(client, path, full_answers(survey), key)
    assert first.status_code == 302
    assert second.status_code == 200
    assert ALREADY in second.content.decode()
    assert Response.objects.count() == 1
    assert Answer.objects.filter(question=survey.question(Question.Kind.LIKERT)).count() == 1


def test_back_button_then_resubmit_personal_link(survey: Survey) -> None:
    client = Client()
    _page, key = open_form(client, survey.paths[0])
    submit(client, survey.paths[0], full_answers(survey), key)
    # Back: the browser shows the form again (from its history); the respondent changes an
    # answer and sends it once more.
    changed = {**full_answers(survey), field_name(survey.question(Question.Kind.LIKERT)): "1"}
    again = submit(client, survey.paths[0], changed, key)
    assert ALREADY in again.content.decode()
    # Reloading the link shows the same, with no form.
    reload = client.get(survey.paths[0])
    assert ALREADY in reload.content.decode() and "submission_key" not in reload.content.decode()
    assert Response.objects.count() == 1
    assert Answer.objects.get(question=survey.question(Question.Kind.LIKERT)).option == 4


def test_back_button_then_resubmit_open_link(survey: Survey) -> None:
    client = Client()
    _page, key = open_form(client, survey.open_path)
    submit(client, survey.open_path, full_answers(survey), key)
    again = submit(client, survey.open_path, full_answers(survey), key)
    assert ALREADY in again.content.decode()
    assert Response.objects.count() == 1


def test_reused_personal_link_from_a_second_tab(survey: Survey) -> None:
    """Two tabs opened the same link; the second sends a different (valid) form key."""
    first_tab, second_tab = Client(), Client()
    _page, first_key = open_form(first_tab, survey.paths[0])
    _page, second_key = open_form(second_tab, survey.paths[0])
    assert first_key != second_key
    assert submit(first_tab, survey.paths[0], full_answers(survey), first_key).status_code == 302
    late = submit(second_tab, survey.paths[0], full_answers(survey), second_key)
    assert ALREADY in late.content.decode()
    assert Response.objects.count() == 1
    # The other invitees' links are untouched.
    assert Client().get(survey.paths[1]).status_code == 200


def test_open_link_takes_one_answer_per_form(survey: Survey) -> None:
    """An open link is shared: each freshly opened form is a new respondent."""
    for _ in range(2):
        client = Client()
        _page, key = open_form(client, survey.open_path)
        assert submit(client, survey.open_path, full_answers(survey), key).status_code == 302
    assert Response.objects.filter(user_group=survey.open_group).count() == 2


def test_old_token_after_reminder_still_works_once(survey: Survey) -> None:
    first_mails = {m.to[0]: path for m, path in zip(mail.outbox, survey.paths, strict=True)}
    start = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        reminded = services.invitations_remind(campaign=survey.campaign, base_url=BASE_URL)
    assert reminded == 3
    reminders = {
        m.to[0]: path for m, path in zip(mail.outbox[start:], mailed_paths(start), strict=True)
    }
    old, new = first_mails["kari@a.kommune.no"], reminders["kari@a.kommune.no"]
    assert old != new
    client = Client()
    _page, key = open_form(client, old)
    assert submit(client, old, full_answers(survey), key).status_code == 302
    for path in (old, new):
        assert ALREADY in Client().get(path).content.decode()
    assert Response.objects.count() == 1
    assert Invitation.objects.get(answered=True).email == "kari@a.kommune.no"
    # Ola's new link works as well as his old one did.
    client = Client()
    _page, key = open_form(client, reminders["ola@a.kommune.no"])
    assert (
        submit(client, reminders["ola@a.kommune.no"], full_answers(survey), key).status_code == 302
    )
    assert ALREADY in Client().get(first_mails["ola@a.kommune.no"]).content.decode()
    assert Response.objects.count() == 2


def test_closed_open_link_is_gone(survey: Survey) -> None:
    old = survey.open_path
    services.user_group_set_open_link(group=survey.open_group, enabled=False)
    response = Client().post(old, full_answers(survey))
    assert response.status_code == 404
    nothing_stored()


# --- Altered links ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["personal", "open"])
def test_altered_token_is_404_and_stores_nothing(survey: Survey, kind: str) -> None:
    path = survey.paths[0] if kind == "personal" else survey.open_path
    client = Client()
    _page, key = open_form(client, path)
    wrong = altered(path)
    assert wrong != path
    page = client.get(wrong)
    assert page.status_code == 404
    assert "Lenken er ugyldig" in page.content.decode()
    posted = submit(client, wrong, full_answers(survey), key)
    assert posted.status_code == 404
    assert "Lenken er ugyldig" in posted.content.decode()
    nothing_stored()


def test_the_token_is_not_logged(
    survey: Survey, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    token = survey.paths[0].split("/")[2]
    client = Client()
    _page, key = open_form(client, survey.paths[0])
    submit(client, survey.paths[0], full_answers(survey), key)
    client.get(altered(survey.paths[0]))
    client.put(survey.paths[0])
    freeze(monkeypatch, TODAY + datetime.timedelta(days=30))
    assert client.get(survey.paths[1]).status_code == 410
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for path in survey.paths:
        assert path.split("/")[2] not in logged
    assert token[:10] not in logged
    assert altered(survey.paths[0]).split("/")[2] not in logged


# --- Closed and not yet open ------------------------------------------------------------------


def test_campaign_closed_between_opening_and_sending(
    survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    _page, key = open_form(client, survey.paths[0])
    freeze(monkeypatch, survey.campaign.closes_on + datetime.timedelta(days=1))
    response = submit(client, survey.paths[0], full_answers(survey), key)
    assert response.status_code == 410
    html = response.content.decode()
    assert "Undersøkelsen er avsluttet" in html
    assert "Svaret ditt ble ikke lagret" in html
    nothing_stored()


def test_campaign_closed_early_while_the_form_was_being_filled(survey: Survey) -> None:
    client = Client()
    _page, key = open_form(client, survey.open_path)
    services.campaign_close(campaign=survey.campaign)
    response = submit(client, survey.open_path, full_answers(survey), key)
    assert response.status_code == 410
    nothing_stored()


def test_campaign_closing_during_the_submit_itself(
    survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The view saw it open; the service, a moment later, did not."""
    client = Client()
    _page, key = open_form(client, survey.paths[0])
    real = services.respondent_may_answer
    calls: list[str] = []

    def first_open(link: services.Link, day: datetime.date | None = None) -> str:
        calls.append("checked")
        return Campaign.Status.OPEN if len(calls) == 1 else real(link, day)

    monkeypatch.setattr(respond_views.services, "respondent_may_answer", first_open)
    freeze(monkeypatch, survey.campaign.closes_on + datetime.timedelta(days=1))
    response = submit(client, survey.paths[0], full_answers(survey), key)
    assert response.status_code == 410
    assert "Svaret ditt ble ikke lagret" in response.content.decode()
    nothing_stored()


def test_not_yet_open_campaign_takes_no_answers(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch, TODAY)
    survey = build_survey(world, opens_on=TODAY + datetime.timedelta(days=3))
    salt = f"samla.surveys.respond:{services.hash_token(survey.open_group.open_token)}"
    for path in (survey.paths[0], survey.open_path):
        response = Client().post(
            path, {**full_answers(survey), "submission_key": new_submission_key(salt)}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Undersøkelsen åpner 13.03.2026." in html
        assert "Svaret ditt ble ikke lagret." in html
    nothing_stored()


def test_draft_campaign_takes_no_answers(world: World, frozen: None) -> None:
    survey = build_survey(world, launch=False)
    response = Client().post(survey.open_path, full_answers(survey))
    assert "Undersøkelsen er ikke åpnet ennå." in response.content.decode()
    nothing_stored()


# --- Tampered forms ---------------------------------------------------------------------------


def _tamper(survey: Survey, change: str) -> tuple[dict[str, Any], str | None, str]:
    """Valid answers with one change; the field (or None for the whole form) and the message."""
    answers = full_answers(survey)
    likert = field_name(survey.question(Question.Kind.LIKERT))
    single = field_name(survey.question(Question.Kind.SINGLE))
    multiple = field_name(survey.question(Question.Kind.MULTIPLE))
    number = field_name(survey.question(Question.Kind.NUMBER))
    text = field_name(survey.question(Question.Kind.TEXT))
    unknown = "ikke finnes i denne undersøkelsen"
    cases: dict[str, tuple[dict[str, Any], str | None, str]] = {
        "unknown question uuid": ({f"q-{uuid.uuid4()}": "3"}, None, unknown),
        "not a uuid": ({"q-1 OR 1=1": "3"}, None, unknown),
        "likert 6": ({likert: "6"}, likert, "fra 1 til 5"),
        "likert 0": ({likert: "0"}, likert, "fra 1 til 5"),
        "likert text": ({likert: "fire"}, likert, "fra 1 til 5"),
        "option 99": ({single: "99"}, single, "Velg blant svaralternativene"),
        "option 0": ({single: "0"}, single, "Velg blant svaralternativene"),
        "two answers to one choice": ({single: ["1", "2"]}, single, "flere svar"),
        "multiple option 99": ({multiple: ["1", "99"]}, multiple, "Velg blant svaralternativene"),
        "multiple twice the same": ({multiple: ["2", "2"]}, multiple, "bare velges én gang"),
        "dont know on single": ({single: "dont_know"}, single, "Velg blant svaralternativene"),
        "dont know on multiple": (
            {multiple: ["dont_know"]},
            multiple,
            "Velg blant svaralternativene",
        ),
        "dont know on number": ({number: "dont_know"}, number, "Skriv et tall"),
        "number above max": ({number: "201"}, number, "ikke være større enn 200"),
        "number below min": ({number: "-1"}, number, "ikke være mindre enn 0"),
        "NaN": ({number: "NaN"}, number, "Skriv et tall"),
        "Infinity": ({number: "Infinity"}, number, "Skriv et tall"),
        "1e999": ({number: "1e999"}, number, "ikke være større enn 200"),
        "not a number": ({number: "mange"}, number, "Skriv et tall"),
        "two numbers": ({number: ["1", "2"]}, number, "flere svar"),
        "text too long": ({text: "x" * 5_001}, text, "høyst 5000 tegn"),
    }
    change_fields, field, message = cases[change]
    return {**answers, **change_fields}, field, message


TAMPERINGS = [
    "unknown question uuid",
    "not a uuid",
    "likert 6",
    "likert 0",
    "likert text",
    "option 99",
    "option 0",
    "two answers to one choice",
    "multiple option 99",
    "multiple twice the same",
    "dont know on single",
    "dont know on multiple",
    "dont know on number",
    "number above max",
    "number below min",
    "NaN",
    "Infinity",
    "1e999",
    "not a number",
    "two numbers",
    "text too long",
]


@pytest.mark.parametrize("change", TAMPERINGS)
def test_tampered_form_is_refused(survey: Survey, change: str) -> None:
    client = Client()
    _page, key = open_form(client, survey.paths[0])
    data, field, message = _tamper(survey, change)
    response = submit(client, survey.paths[0], data, key)
    assert response.status_code == 200
    html = response.content.decode()
    assert NOTHING_SAVED in html
    form = response.context["form"]
    errors = form.errors.get(field or "__all__", [])
    assert any(message in str(e) for e in errors), form.errors
    if field is not None:
        # The error sits beside the question and the summary links to it.
        assert f'href="#id_{field}"' in html
        assert f'id="id_{field}-error"' in html
    nothing_stored()
    # The same form, corrected, still goes through: the key was not spent.
    assert submit(client, survey.paths[0], full_answers(survey), key).status_code == 302
    assert Response.objects.count() == 1


def test_a_question_of_another_questionnaire_is_unknown(world: World, frozen: None) -> None:
    survey = build_survey(world)
    other = build_survey(world, name="Evaluering av økonomi 2026", launch=False)
    foreign = field_name(other.question(Question.Kind.LIKERT))
    client = Client()
    _page, key = open_form(client, survey.open_path)
    response = submit(client, survey.open_path, {**full_answers(survey), foreign: "3"}, key)
    assert "ikke finnes i denne undersøkelsen" in response.content.decode()
    nothing_stored()


@pytest.mark.parametrize("key_case", ["missing", "forged", "unsigned", "another link's"])
def test_submission_key_must_be_the_servers(survey: Survey, key_case: str) -> None:
    client = Client()
    _page, good = open_form(client, survey.paths[0])
    _other_page, other_link_key = open_form(Client(), survey.open_path)
    keys = {
        "missing": None,
        "forged": good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"),
        "unsigned": "my-own-key",
        "another link's": other_link_key,
    }
    data = full_answers(survey)
    if keys[key_case] is not None:
        data["submission_key"] = keys[key_case]
    response = client.post(survey.paths[0], data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skjemaet er endret eller ufullstendig" in html
    assert NOTHING_SAVED in html
    nothing_stored()
    # The page hands out a fresh, valid key; with it the answer goes through.
    fresh = response.context["form"].submission_key
    assert fresh != keys[key_case]
    assert submit(client, survey.paths[0], full_answers(survey), fresh).status_code == 302


# --- Missing answers --------------------------------------------------------------------------


def test_missing_required_answer_names_the_question(survey: Survey) -> None:
    required = survey.campaign.questionnaire.questions.filter(required=True).order_by(
        "section__order", "order"
    )
    missing = required[1]
    answers = full_answers(survey)
    del answers[field_name(missing)]
    client = Client()
    _page, key = open_form(client, survey.paths[0])
    response = submit(client, survey.paths[0], answers, key)
    html = response.content.decode()
    assert response.status_code == 200
    assert NOTHING_SAVED in html
    assert f"{missing.text}: Svar på dette spørsmålet." in html
    assert html.count("Svar på dette spørsmålet.") == 2  # in the summary and at the question
    # What was answered is still there.
    kept = field_name(required[0])
    assert f'name="{kept}" id="id_{kept}_1" value="2" checked' in html
    assert "Stabil og oversiktlig." in html
    nothing_stored()


def test_empty_form_lists_every_required_question(survey: Survey) -> None:
    client = Client()
    _page, key = open_form(client, survey.open_path)
    response = client.post(survey.open_path, {"submission_key": key})
    form = response.context["form"]
    required = survey.campaign.questionnaire.questions.filter(required=True)
    assert set(form.errors) == {field_name(q) for q in required}
    nothing_stored()


def test_blank_text_is_no_answer(survey: Survey) -> None:
    client = Client()
    _page, key = open_form(client, survey.open_path)
    text = field_name(survey.question(Question.Kind.TEXT))
    assert (
        submit(client, survey.open_path, {**required_answers(survey), text: "   "}, key).status_code
        == 302
    )
    assert not Answer.objects.filter(question__kind=Question.Kind.TEXT).exists()


# --- Anonymity --------------------------------------------------------------------------------


def test_anonymous_response_has_no_link_to_the_invitation(survey: Survey) -> None:
    client = Client()
    _page, key = open_form(client, survey.paths[0])
    submit(client, survey.paths[0], full_answers(survey), key)
    stored = Response.objects.get()
    assert stored.invitation is None
    assert type(stored.submitted_on) is datetime.date
    assert stored.submitted_on == TODAY
    assert stored.submission_key != key and len(stored.submission_key) == 64
    # Nothing else about the respondent: the model has no such field, and no session was made.
    assert {f.name for f in Response._meta.concrete_fields} == {
        "id",
        "campaign",
        "user_group",
        "organisation",
        "product",
        "submitted_on",
        "invitation",
        "submission_key",
    }
    assert Session.objects.count() == 0
    # The invitation only knows it was used.
    assert Invitation.objects.filter(answered=True).count() == 1


def test_non_anonymous_response_is_linked_to_the_invitation(world: World, frozen: None) -> None:
    survey = build_survey(world, anonymous=False)
    client = Client()
    response, key = open_form(client, survey.paths[0])
    assert "Undersøkelsen er ikke anonym" in response.content.decode()
    submit(client, survey.paths[0], full_answers(survey), key)
    stored = Response.objects.get()
    assert stored.invitation is not None
    assert stored.invitation.email == mail.outbox[0].to[0]
    # An open link has no invitation to link to.
    _page, key = open_form(client, survey.open_path)
    submit(client, survey.open_path, full_answers(survey), key)
    assert Response.objects.get(user_group=survey.open_group).invitation is None
