"""Demo surveys for Nye Asker: the evaluation of the care systems (pleie og omsorg) that
Digitale Asker ran before choosing Gerica, and a survey of the records systems still open.

- The shipped questionnaire, as the collaboration's own copy.
- "Brukerundersøkelse pleie og omsorg": closed, anonymous, Gerica (Asker, Røyken) against
  Profil (Hurum), four user groups with 21–46 answers each. Its results are accepted, so
  the installations' fit comes from it and the target portfolio shows it as evidence.
- "Brukerundersøkelse sak og arkiv": open, with invitations to a few people and an open
  link for one group. Nobody is mailed: the addresses are made up.

Answers are random but seeded, so every load gives the same figures. They are written by
:func:`responses_bulk_create`, which makes exactly the rows ``services.response_submit``
makes (a test holds the two side by side) in a few queries, so that seed_demo stays fast.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from samla.core.dates import today
from samla.landscape.models import Product, SystemCategory
from samla.organisations.models import Collaboration, Organisation, User
from samla.surveys import services, template
from samla.surveys.models import (
    Answer,
    Campaign,
    Invitation,
    Question,
    Questionnaire,
    Response,
    UserGroup,
)

CARE_CAMPAIGN = "Brukerundersøkelse pleie og omsorg"
RECORDS_CAMPAIGN = "Brukerundersøkelse sak og arkiv"
SEED = 2020


# --- Writing answers in bulk -------------------------------------------------------------------


def answer_rows(
    question: Question, value: services.AnswerValue, common: Mapping[str, object]
) -> list[Answer]:
    """The ``Answer`` rows ``services.response_submit`` stores for one question's value."""
    if value is None or value == "" or value == []:
        return []
    if value == services.DONT_KNOW:
        return [Answer(question=question, dont_know=True, **common)]
    if question.kind == Question.Kind.MULTIPLE:
        assert isinstance(value, list)
        return [Answer(question=question, option=option, **common) for option in value]
    assert not isinstance(value, list)
    if question.kind in (Question.Kind.LIKERT, Question.Kind.SINGLE):
        return [Answer(question=question, option=int(value), **common)]
    if question.kind == Question.Kind.NUMBER:
        return [Answer(question=question, number=Decimal(value), **common)]
    return [Answer(question=question, text=str(value), **common)]


def responses_bulk_create(
    *,
    campaign: Campaign,
    group: UserGroup,
    answer_sets: Sequence[Mapping[Question, services.AnswerValue]],
    days: Sequence[datetime.date],
    batch_size: int = 2000,
) -> int:
    """Store many anonymous responses of one group at once: the rows ``response_submit``
    would store, on the days given, without its checks (the campaign may be closed).

    For seeding and benchmarks only; respondents always go through ``response_submit``.
    """
    assert campaign.anonymous, "bulk responses carry no invitation"
    responses: list[Response] = []
    answers: list[Answer] = []
    for given, day in zip(answer_sets, days, strict=True):
        response = Response(
            campaign=campaign,
            user_group=group,
            organisation_id=group.organisation_id,
            product_id=group.product_id,
            submitted_on=day,
            invitation=None,
            submission_key=services.hash_token(services.new_token()),
        )
        responses.append(response)
        common = {
            "response": response,
            "product_id": group.product_id,
            "organisation_id": group.organisation_id,
        }
        for question, value in given.items():
            answers.extend(answer_rows(question, value, common))
    Response.objects.bulk_create(responses, batch_size=batch_size)
    Answer.objects.bulk_create(answers, batch_size=batch_size)
    return len(responses)


# --- Plausible answers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How users of a product tend to rate it (1–5), and what they write about it."""

    functional: float
    technical: float
    hours: float  # mean hours a month lost to workarounds
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]


PROFILES: dict[str, Profile] = {
    "Gerica": Profile(
        3.9,
        3.5,
        3.0,
        (
            "Oversiktlig journal og god oversikt over vedtak og tiltak.",
            "Mobil dokumentasjon fungerer bra ute hos brukerne.",
            "Kjent system – lett å finne fram.",
            "Meldingene til fastlegen går rett fra systemet.",
            "Enkelt å dokumentere underveis.",
            "Stabilt, sjelden nede.",
            "Gode maler for rapporter.",
            "Oppgavelistene gjør vaktskiftet ryddigere.",
        ),
        (
            "Tregt om morgenen ved vaktskifte.",
            "Mange klikk for enkle ting.",
            "Rapportene er vanskelige å tilpasse.",
            "Innloggingen på mobilen tar tid.",
            "Lite intuitivt for vikarer og nyansatte.",
            "Kalenderen er uoversiktlig på små skjermer.",
        ),
    ),
    "Profil": Profile(
        2.6,
        2.3,
        7.0,
        (
            "Enkelt å lære.",
            "Greit for planlegging av tiltak.",
            "Rask hjelp fra leverandørens brukerstøtte.",
            "Oversiktlig kalender.",
            "Fungerer for det vi trenger i det daglige.",
        ),
        (
            "Faller ut flere ganger i uka.",
            "Mangler meldinger til fastlegen, vi ringer i stedet.",
            "Dobbeltregistrering mot økonomisystemet.",
            "Gammeldags skjermbilder.",
            "Tungt å hente ut statistikk.",
            "Tregt når mange er pålogget.",
        ),
    ),
}
DEFAULT_PROFILE = Profile(3.2, 3.0, 4.0, ("Fungerer greit.",), ("Kunne vært raskere.",))

# (member, product, user group, people in the group, responses)
CARE_GROUPS = [
    ("Asker kommune", "Gerica", "Hjemmetjenesten", 140, 46),
    ("Asker kommune", "Gerica", "Sykehjemmene", 110, 34),
    ("Røyken kommune", "Gerica", "Pleie og omsorg", 80, 28),
    ("Hurum kommune", "Profil", "Pleie og omsorg", 45, 21),
]
RECORDS_GROUPS = [
    ("Asker kommune", "ePhorte", "Arkivtjenesten", 12, ["arkiv1", "arkiv2", "arkiv3"]),
    ("Røyken kommune", "WebSak", "Saksbehandlere", 40, ["saksbehandler1", "saksbehandler2"]),
    ("Hurum kommune", "Public 360", "Servicetorget", 15, []),  # open link
]


def _likert(rng: random.Random, tendency: float) -> int:
    return max(1, min(5, round(rng.gauss(tendency, 0.85))))


def plausible_answers(
    rng: random.Random, questions: Sequence[Question], profile: Profile
) -> dict[Question, services.AnswerValue]:
    """One person's answers: Likert around the product's tendency plus their own mood,
    "vet ikke" now and then on optional questions, and free text from the product's pool."""
    mood = rng.gauss(0, 0.45)
    overall = (profile.functional + profile.technical) / 2
    answers: dict[Question, services.AnswerValue] = {}
    for question in questions:
        optional = not question.required
        if optional and rng.random() < 0.08:
            continue  # skipped
        if question.kind == Question.Kind.LIKERT:
            if optional and rng.random() < 0.07:
                answers[question] = services.DONT_KNOW
                continue
            tendencies: dict[str, float] = {
                Question.Measures.FUNCTIONAL_FIT: profile.functional,
                Question.Measures.TECHNICAL_FIT: profile.technical,
            }
            tendency = tendencies.get(question.measures, overall)
            answers[question] = _likert(rng, tendency + mood)
        elif question.kind == Question.Kind.SINGLE:
            weights = [0.62, 0.22, 0.1, 0.06, 0.04, 0.03][: len(question.options)]
            answers[question] = rng.choices(range(1, len(question.options) + 1), weights)[0]
        elif question.kind == Question.Kind.MULTIPLE:
            count = len(question.options)
            if rng.random() < 0.2:
                answers[question] = [count]  # the last option: "no need"
            else:
                picks = rng.sample(range(1, count), k=min(count - 1, rng.choice([1, 1, 2])))
                answers[question] = sorted(picks)
        elif question.kind == Question.Kind.NUMBER:
            hours = min(200, round(rng.expovariate(1 / profile.hours)))
            answers[question] = Decimal(hours)
        elif rng.random() < 0.55:
            pool = profile.strengths if "sterkeste" in question.text else profile.weaknesses
            answers[question] = rng.choice(pool)
    return answers


def _days(
    rng: random.Random, first: datetime.date, last: datetime.date, count: int
) -> list[datetime.date]:
    span = max((last - first).days, 0)
    return sorted(first + datetime.timedelta(days=rng.randint(0, span)) for _ in range(count))


# --- The demo ---------------------------------------------------------------------------------


def _products(collaboration: Collaboration, names: set[str]) -> dict[str, Product]:
    return {p.name: p for p in Product.objects.filter(collaboration=collaboration, name__in=names)}


@transaction.atomic
def seed_nye_asker_surveys(
    collaboration: Collaboration, organisations: dict[str, Organisation], accepted_by: User
) -> None:
    """Load the demo surveys once; nothing happens if the collaboration has campaigns."""
    if Campaign.objects.filter(collaboration=collaboration).exists():
        return
    categories = {
        c.code: c
        for c in SystemCategory.objects.filter(
            collaboration=collaboration, code__in=["HSO-PLO", "ADM-SAK"]
        )
    }
    if len(categories) < 2:
        return  # no landscape to evaluate
    questionnaire = Questionnaire.objects.filter(
        collaboration=collaboration, name=template.NAME
    ).first() or services.questionnaire_create_from_template(collaboration=collaboration)
    questions = list(questionnaire.questions.select_related("section"))
    day = today()
    rng = random.Random(SEED)

    # The closed evaluation of the care systems, with its results accepted.
    care_products = _products(collaboration, {p for _m, p, _g, _s, _n in CARE_GROUPS})
    care = services.campaign_create(
        collaboration=collaboration,
        products=list(care_products.values()),
        name=CARE_CAMPAIGN,
        questionnaire=questionnaire,
        category=categories["HSO-PLO"],
        opens_on=day - datetime.timedelta(days=60),
        closes_on=day - datetime.timedelta(days=39),
        anonymous=True,
    )
    care_groups = []
    for member, product, name, size, count in CARE_GROUPS:
        group = services.user_group_create(
            campaign=care,
            organisation=organisations[member],
            product=care_products[product],
            name=name,
            size=size,
            open_link=True,
        )
        care_groups.append((group, product, count))
    # Sent out on its first day, long ago: set directly, as the launch service mails people.
    Campaign.objects.filter(pk=care.pk).update(
        launched_at=timezone.now() - datetime.timedelta(days=60)
    )
    care.refresh_from_db()
    for group, product, count in care_groups:
        profile = PROFILES.get(product, DEFAULT_PROFILE)
        responses_bulk_create(
            campaign=care,
            group=group,
            answer_sets=[plausible_answers(rng, questions, profile) for _ in range(count)],
            days=_days(rng, care.opens_on, care.closes_on, count),
        )
    services.campaign_accept_results(campaign=care, user=accepted_by)

    # The records systems: open now, with personal invitations and one open link.
    records_products = _products(collaboration, {p for _m, p, _g, _s, _e in RECORDS_GROUPS})
    records = services.campaign_create(
        collaboration=collaboration,
        products=list(records_products.values()),
        name=RECORDS_CAMPAIGN,
        questionnaire=questionnaire,
        category=categories["ADM-SAK"],
        opens_on=day - datetime.timedelta(days=7),
        closes_on=day + datetime.timedelta(days=21),
        anonymous=True,
    )
    for member, product, name, size, people in RECORDS_GROUPS:
        group = services.user_group_create(
            campaign=records,
            organisation=organisations[member],
            product=records_products[product],
            name=name,
            size=size,
            open_link=not people,
        )
        domain = member.split()[0].lower().replace("ø", "o")
        services.invitations_add(
            group=group, emails=[f"{p}@{domain}.kommune.invalid" for p in people], base_url=""
        )
    # Out a week ago; the made-up addresses count as mailed, no mail is sent.
    now = timezone.now()
    Campaign.objects.filter(pk=records.pk).update(launched_at=now - datetime.timedelta(days=7))
    Invitation.objects.filter(campaign=records).update(sent_at=now - datetime.timedelta(days=7))
