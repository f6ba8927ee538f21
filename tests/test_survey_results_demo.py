"""The demo surveys: what seed_demo loads for Nye Asker, that it is the same every time, and
that the bulk path writes exactly the rows ``services.response_submit`` writes."""

from __future__ import annotations

import datetime
import random
import time
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from conftest import World
from samla.core import dates
from samla.landscape.models import Installation
from samla.organisations.models import Collaboration, Organisation, User
from samla.surveys import demo, results, services
from samla.surveys.models import Answer, Campaign, Invitation, Response
from tests.test_survey_results import build_survey


@pytest.fixture
def seeded(db: None) -> Collaboration:
    started = time.perf_counter()
    call_command("seed_demo", stdout=StringIO())
    assert time.perf_counter() - started < 30
    return Collaboration.objects.get(slug="nye-asker")


def test_demo_has_a_closed_accepted_campaign_and_an_open_one(seeded: Collaboration) -> None:
    care = Campaign.objects.get(collaboration=seeded, name=demo.CARE_CAMPAIGN)
    assert care.anonymous and care.status_on(dates.today()) == Campaign.Status.CLOSED
    assert care.results_accepted_at is not None
    assert care.responses.count() == sum(count for *_rest, count in demo.CARE_GROUPS) == 129
    assert care.user_groups.count() == 4
    assert 12 <= Answer.objects.filter(response__campaign=care).count() / 129 <= 18

    outcome = results.campaign_results(care)
    assert [p.name for p in outcome.products] == ["Gerica", "Profil"]
    covers = next(q for q in outcome.questions if q.question.text.startswith("Systemet dekker"))
    gerica, profil = covers.products
    assert not gerica.stats.hidden and not profil.stats.hidden
    assert gerica.stats.mean is not None and profil.stats.mean is not None
    assert gerica.stats.mean > profil.stats.mean  # Gerica was the better-liked system
    strengths = next(q for q in outcome.questions if "sterkeste" in q.question.text)
    assert all(row.texts for row in strengths.products)  # enough free text for both
    assert all(row.texts == sorted(row.texts, key=str.casefold) for row in strengths.products)

    hurum = Installation.objects.get(
        collaboration=seeded, organisation__name="Hurum kommune", category__code="HSO-PLO"
    )
    assert hurum.history.count() == 2  # created, then the fit from the accepted results

    records = Campaign.objects.get(collaboration=seeded, name=demo.RECORDS_CAMPAIGN)
    assert records.status_on(dates.today()) == Campaign.Status.OPEN
    assert Invitation.objects.filter(campaign=records, sent_at__isnull=False).count() == 5
    assert records.user_groups.exclude(open_token="").count() == 1
    assert not records.responses.exists()


def test_demo_is_the_same_every_time_and_loads_once(seeded: Collaboration) -> None:
    care = Campaign.objects.get(collaboration=seeded, name=demo.CARE_CAMPAIGN)
    first = sorted(
        Answer.objects.filter(response__campaign=care).values_list(
            "question__text", "organisation__name", "option", "number", "text", "dont_know"
        ),
        key=str,
    )
    call_command("seed_demo", stdout=StringIO())  # again: nothing changes
    assert Campaign.objects.filter(collaboration=seeded).count() == 2
    Answer.objects.filter(response__campaign=care).delete()
    Response.objects.filter(campaign=care).delete()
    Campaign.objects.filter(collaboration=seeded).delete()
    organisations = {
        o.name: o for o in Organisation.objects.filter(memberships__collaboration=seeded)
    }
    demo.seed_nye_asker_surveys(
        seeded, organisations, accepted_by=User.objects.get(username="admin")
    )
    care = Campaign.objects.get(collaboration=seeded, name=demo.CARE_CAMPAIGN)
    second = sorted(
        Answer.objects.filter(response__campaign=care).values_list(
            "question__text", "organisation__name", "option", "number", "text", "dont_know"
        ),
        key=str,
    )
    assert first == second


def test_demo_pages_open_for_the_reader(seeded: Collaboration) -> None:
    client = Client()
    client.force_login(User.objects.get(username="leser"))
    care = Campaign.objects.get(collaboration=seeded, name=demo.CARE_CAMPAIGN)
    page = client.get(f"/s/nye-asker/undersokelser/{care.uuid}/resultater/")
    assert page.status_code == 200
    assert "Gerica" in page.content.decode() and 'data-chart="chart-' in page.content.decode()
    assert care.category is not None
    comparison = client.get(f"/s/nye-asker/undersokelser/sammenligning/{care.category.uuid}/")
    assert comparison.status_code == 200
    portfolio = client.get("/s/nye-asker/landskap/malportefolje/").content.decode()
    assert demo.CARE_CAMPAIGN in portfolio  # evidence for the choice of Gerica


def test_bulk_path_writes_the_rows_response_submit_writes(world: World) -> None:
    survey = build_survey(world, close=False)
    questions = list(survey.questionnaire.questions.all())
    rng = random.Random(7)
    answer_sets = [
        demo.plausible_answers(rng, questions, demo.PROFILES["Gerica"]) for _ in range(15)
    ]
    answer_sets[0][questions[2]] = services.DONT_KNOW
    group = survey.groups[("A", "Public 360")]
    before = set(Response.objects.values_list("pk", flat=True))
    for given in answer_sets:
        services.response_submit(
            link=services.Link(survey.campaign, group, None),
            answers=given,
            submission_key=uuid.uuid4().hex,
        )
    submitted = set(Response.objects.values_list("pk", flat=True)) - before
    demo.responses_bulk_create(
        campaign=survey.campaign,
        group=group,
        answer_sets=answer_sets,
        days=[dates.today()] * len(answer_sets),
    )
    bulk = set(Response.objects.values_list("pk", flat=True)) - before - submitted

    def rows(ids: set[uuid.UUID]) -> list[tuple[object, ...]]:
        return sorted(
            (
                tuple(
                    Answer.objects.filter(response_id=pk)
                    .order_by("question_id", "option")
                    .values_list(
                        "question_id",
                        "product_id",
                        "organisation_id",
                        "option",
                        "number",
                        "text",
                        "dont_know",
                    )
                )
                for pk in ids
            ),
            key=str,
        )

    assert rows(submitted) == rows(bulk)
    fields = (
        "campaign_id",
        "user_group_id",
        "organisation_id",
        "product_id",
        "submitted_on",
        "invitation_id",
    )
    assert set(Response.objects.filter(pk__in=submitted).values_list(*fields)) == set(
        Response.objects.filter(pk__in=bulk).values_list(*fields)
    )
    assert all(
        len(k) == 64
        for k in Response.objects.filter(pk__in=bulk).values_list("submission_key", flat=True)
    )


def test_bulk_path_refuses_a_campaign_that_is_not_anonymous(world: World) -> None:
    survey = build_survey(world, close=False, anonymous=False)
    with pytest.raises(AssertionError):
        demo.responses_bulk_create(
            campaign=survey.campaign,
            group=survey.groups[("A", "Public 360")],
            answer_sets=[{}],
            days=[datetime.date(2026, 1, 1)],
        )
