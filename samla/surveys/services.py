"""Writes for surveys. Each runs in one transaction and validates before saving.

Tokens: a personal link carries 192 random bits (``secrets.token_urlsafe(24)``); only its
SHA-256 is stored, so the link is mailed when it is made and cannot be read back. A
reminder makes a new link; the one before it stays valid, so the first e-mail still works.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from samla.core.dates import today
from samla.core.services import apply_fields
from samla.landscape.models import Product, SystemCategory
from samla.organisations.models import Collaboration, Membership, Organisation
from samla.surveys import template
from samla.surveys.models import (
    Answer,
    Campaign,
    Invitation,
    Question,
    Questionnaire,
    Response,
    Section,
    UserGroup,
)

QUESTIONNAIRE_FIELDS = ("name", "name_en", "introduction", "introduction_en")
SECTION_FIELDS = ("title", "title_en", "order")
QUESTION_FIELDS = (
    "section",
    "order",
    "kind",
    "text",
    "text_en",
    "help_text",
    "help_text_en",
    "required",
    "options",
    "minimum",
    "maximum",
    "measures",
)
CAMPAIGN_FIELDS = ("name", "questionnaire", "category", "opens_on", "closes_on", "anonymous")
USER_GROUP_FIELDS = ("organisation", "product", "name", "size")
# Shown on the questionnaire page and given by every refused change to a locked one.
QUESTIONNAIRE_LOCKED = gettext_lazy("Skjemaet har svar og kan ikke endres – lag en kopi.")


class AlreadyAnswered(Exception):
    """The link was used before, or the same form was sent twice."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


# --- Questionnaires -----------------------------------------------------------------------


def questionnaire_is_locked(questionnaire: Questionnaire) -> bool:
    """A questionnaire with answers keeps its questions, so old answers keep their meaning."""
    return Answer.objects.filter(question__questionnaire=questionnaire).exists()


def _require_unlocked(questionnaire: Questionnaire) -> None:
    if questionnaire_is_locked(questionnaire):
        raise ValidationError(str(QUESTIONNAIRE_LOCKED))


@transaction.atomic
def questionnaire_create_from_template(
    *, collaboration: Collaboration, name: str = "", name_en: str = ""
) -> Questionnaire:
    """An editable copy of the shipped system-evaluation questionnaire."""
    questionnaire = Questionnaire(
        collaboration=collaboration,
        name=name or template.NAME,
        name_en=name_en or template.NAME_EN,
        introduction=template.INTRODUCTION,
        introduction_en=template.INTRODUCTION_EN,
    )
    questionnaire.full_clean()
    questionnaire.save()
    for section_order, source in enumerate(template.SECTIONS, start=1):
        section = Section.objects.create(
            questionnaire=questionnaire,
            order=section_order,
            title=source.title,
            title_en=source.title_en,
        )
        for order, q in enumerate(source.questions, start=1):
            question = Question(
                questionnaire=questionnaire,
                section=section,
                order=order,
                kind=q.kind,
                text=q.text,
                text_en=q.text_en,
                help_text=q.help_text,
                help_text_en=q.help_text_en,
                required=q.required,
                measures=q.measures,
                options=[{"nb": nb, "en": en} for nb, en in q.options],
                minimum=None if q.minimum is None else Decimal(q.minimum),
                maximum=None if q.maximum is None else Decimal(q.maximum),
            )
            question.full_clean()
            question.save()
    return questionnaire


@transaction.atomic
def questionnaire_copy(*, questionnaire: Questionnaire, name: str) -> Questionnaire:
    """A new, unlocked questionnaire with the same sections and questions."""
    copy = Questionnaire(
        collaboration=questionnaire.collaboration,
        name=name,
        name_en=questionnaire.name_en,
        introduction=questionnaire.introduction,
        introduction_en=questionnaire.introduction_en,
    )
    copy.full_clean()
    copy.save()
    for section in questionnaire.sections.prefetch_related("questions"):
        new_section = Section.objects.create(
            questionnaire=copy, order=section.order, title=section.title, title_en=section.title_en
        )
        for question in section.questions.all():
            question.pk = None
            question.id = None
            question._state.adding = True
            question.uuid = Question._meta.get_field("uuid").default()
            question.questionnaire = copy
            question.section = new_section
            question.save()
    return copy


@transaction.atomic
def questionnaire_create(*, collaboration: Collaboration, **fields: Any) -> Questionnaire:
    questionnaire = Questionnaire(collaboration=collaboration)
    apply_fields(questionnaire, fields, QUESTIONNAIRE_FIELDS)
    questionnaire.full_clean()
    questionnaire.save()
    return questionnaire


@transaction.atomic
def questionnaire_update(*, questionnaire: Questionnaire, **fields: Any) -> Questionnaire:
    # Wording of the title and introduction may change after answers; questions may not.
    apply_fields(questionnaire, fields, QUESTIONNAIRE_FIELDS)
    questionnaire.full_clean()
    questionnaire.save()
    return questionnaire


@transaction.atomic
def questionnaire_delete(*, questionnaire: Questionnaire) -> None:
    if questionnaire.campaigns.exists():
        raise ValidationError(_("Spørreskjemaet brukes i en undersøkelse og kan ikke slettes."))
    questionnaire.delete()


@transaction.atomic
def section_create(*, questionnaire: Questionnaire, **fields: Any) -> Section:
    _require_unlocked(questionnaire)
    section = Section(questionnaire=questionnaire)
    apply_fields(section, fields, SECTION_FIELDS)
    if "order" not in fields:
        section.order = (questionnaire.sections.aggregate(m=Max("order"))["m"] or 0) + 1
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_update(*, section: Section, **fields: Any) -> Section:
    _require_unlocked(section.questionnaire)
    apply_fields(section, fields, SECTION_FIELDS)
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_delete(*, section: Section) -> None:
    _require_unlocked(section.questionnaire)
    section.delete()


def _validate_question(question: Question) -> None:
    errors: dict[str, str] = {}
    if (
        question.section_id is not None
        and question.section.questionnaire_id != question.questionnaire_id
    ):
        errors["section"] = _("Delen hører til et annet spørreskjema.")
    if question.has_options:
        options = question.options if isinstance(question.options, list) else []
        if len(options) < 2:
            errors["options"] = _("Et valgspørsmål trenger minst to svaralternativer.")
        elif any(not isinstance(o, dict) or not str(o.get("nb", "")).strip() for o in options):
            errors["options"] = _("Hvert svaralternativ trenger en tekst på bokmål.")
        elif len({str(o["nb"]).strip().casefold() for o in options}) != len(options):
            errors["options"] = _("To svaralternativer har samme tekst.")
    elif question.options:
        question.options = []
    if question.kind != Question.Kind.NUMBER:
        question.minimum = question.maximum = None
    elif (
        question.minimum is not None
        and question.maximum is not None
        and question.minimum > question.maximum
    ):
        errors["maximum"] = _("Største tall kan ikke være mindre enn minste tall.")
    if question.measures and question.kind != Question.Kind.LIKERT:
        errors["measures"] = _("Bare spørsmål med skala 1–5 kan måle egnethet.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def question_create(*, questionnaire: Questionnaire, **fields: Any) -> Question:
    _require_unlocked(questionnaire)
    question = Question(questionnaire=questionnaire)
    apply_fields(question, fields, QUESTION_FIELDS)
    if "order" not in fields and question.section_id is not None:
        question.order = (question.section.questions.aggregate(m=Max("order"))["m"] or 0) + 1
    _validate_question(question)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_update(*, question: Question, **fields: Any) -> Question:
    _require_unlocked(question.questionnaire)
    apply_fields(question, fields, QUESTION_FIELDS)
    _validate_question(question)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    _require_unlocked(question.questionnaire)
    question.delete()


@transaction.atomic
def question_move(*, question: Question, step: int) -> None:
    """Swap with the neighbour above (step −1) or below (+1) in the same section."""
    _require_unlocked(question.questionnaire)
    siblings = list(question.section.questions.order_by("order", "pk"))
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    other = index + step
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for order, sibling in enumerate(siblings, start=1):
        if sibling.order != order:
            sibling.order = order
            sibling.save(update_fields=["order"])


# --- Campaigns ----------------------------------------------------------------------------


def _validate_campaign(campaign: Campaign, products: Sequence[Product] | None) -> None:
    errors: dict[str, str] = {}
    collaboration_id = campaign.collaboration_id
    if campaign.questionnaire_id and campaign.questionnaire.collaboration_id != collaboration_id:
        errors["questionnaire"] = _("Hører til et annet samarbeid.")
    if campaign.category is not None and campaign.category.collaboration_id != collaboration_id:
        errors["category"] = _("Hører til et annet samarbeid.")
    if products is not None:
        if not products:
            errors["products"] = _("Velg minst ett system som skal evalueres.")
        elif any(p.collaboration_id != collaboration_id for p in products):
            errors["products"] = _("Hører til et annet samarbeid.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def campaign_create(
    *, collaboration: Collaboration, products: Sequence[Product], **fields: Any
) -> Campaign:
    campaign = Campaign(collaboration=collaboration)
    apply_fields(campaign, fields, CAMPAIGN_FIELDS)
    _validate_campaign(campaign, products)
    campaign.full_clean()
    campaign.save()
    campaign.products.set(products)
    return campaign


@transaction.atomic
def campaign_update(
    *, campaign: Campaign, products: Sequence[Product] | None = None, **fields: Any
) -> Campaign:
    before = Campaign.objects.select_for_update().get(pk=campaign.pk)
    has_answers = before.responses.exists()
    apply_fields(campaign, fields, CAMPAIGN_FIELDS)
    if before.anonymous and not campaign.anonymous and has_answers:
        raise ValidationError(
            {
                "anonymous": _(
                    "Undersøkelsen har svar som ble gitt anonymt; den kan ikke gjøres ikke-anonym."
                )
            }
        )
    if campaign.questionnaire_id != before.questionnaire_id and before.launched_at is not None:
        raise ValidationError(
            {
                "questionnaire": _(
                    "Spørreskjemaet kan ikke byttes etter at undersøkelsen er sendt ut."
                )
            }
        )
    if products is not None:
        in_groups = set(before.user_groups.values_list("product_id", flat=True))
        if not in_groups <= {p.pk for p in products}:
            raise ValidationError(
                {
                    "products": _(
                        "Et system som har brukergrupper kan ikke fjernes. Slett gruppene først."
                    )
                }
            )
    if products is not None and has_answers:
        answered = set(before.responses.values_list("product_id", flat=True))
        if not answered <= {p.pk for p in products}:
            raise ValidationError({"products": _("Et system som har fått svar kan ikke fjernes.")})
    _validate_campaign(campaign, products)
    campaign.full_clean()
    campaign.save()
    if products is not None:
        campaign.products.set(products)
    return campaign


@transaction.atomic
def campaign_delete(*, campaign: Campaign) -> None:
    if campaign.responses.exists():
        raise ValidationError(_("Undersøkelsen har svar og kan ikke slettes."))
    campaign.delete()


@transaction.atomic
def campaign_launch(*, campaign: Campaign, base_url: str) -> int:
    """Open the campaign for answers and send every unsent invitation. Returns mails sent."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.launched_at is not None:
        raise ValidationError(_("Undersøkelsen er allerede sendt ut."))
    if not campaign.questionnaire.questions.exists():
        raise ValidationError(_("Spørreskjemaet har ingen spørsmål."))
    if not campaign.user_groups.exists():
        raise ValidationError(_("Legg til minst én brukergruppe før undersøkelsen sendes ut."))
    if campaign.closes_on < today():
        raise ValidationError(_("Sluttdatoen er passert. Flytt den før undersøkelsen sendes ut."))
    campaign.launched_at = timezone.now()
    campaign.save(update_fields=["launched_at"])
    return invitations_send(campaign=campaign, base_url=base_url)


@transaction.atomic
def campaign_close(*, campaign: Campaign) -> Campaign:
    if campaign.status_on(today()) != Campaign.Status.OPEN:
        raise ValidationError(_("Bare en åpen undersøkelse kan stenges."))
    campaign.closed_early_on = today()
    campaign.save(update_fields=["closed_early_on"])
    return campaign


# --- User groups and invitations ----------------------------------------------------------


def _validate_user_group(group: UserGroup) -> None:
    errors: dict[str, str] = {}
    campaign = group.campaign
    if (
        group.organisation_id is not None
        and not Membership.objects.filter(
            collaboration_id=campaign.collaboration_id, organisation_id=group.organisation_id
        ).exists()
    ):
        errors["organisation"] = _("Organisasjonen er ikke medlem av samarbeidet.")
    if group.product_id is not None and not campaign.products.filter(pk=group.product_id).exists():
        errors["product"] = _("Systemet evalueres ikke i denne undersøkelsen.")
    if errors:
        raise ValidationError(errors)


def _require_not_closed(campaign: Campaign) -> None:
    if campaign.status_on(today()) == Campaign.Status.CLOSED:
        raise ValidationError(
            _("Undersøkelsen er avsluttet; nye brukergrupper og invitasjoner kan ikke legges til.")
        )


@transaction.atomic
def user_group_create(*, campaign: Campaign, open_link: bool = False, **fields: Any) -> UserGroup:
    _require_not_closed(campaign)
    group = UserGroup(campaign=campaign)
    apply_fields(group, fields, USER_GROUP_FIELDS)
    group.full_clean(exclude=["open_token"])
    _validate_user_group(group)
    if open_link:
        group.open_token = new_token()
    group.save()
    return group


@transaction.atomic
def user_group_update(*, group: UserGroup, **fields: Any) -> UserGroup:
    if group.responses.exists() and (
        fields.get("organisation", group.organisation) != group.organisation
        or fields.get("product", group.product) != group.product
    ):
        raise ValidationError(_("Gruppen har svar; organisasjon og system kan ikke endres."))
    apply_fields(group, fields, USER_GROUP_FIELDS)
    group.full_clean(exclude=["open_token"])
    _validate_user_group(group)
    group.save()
    return group


@transaction.atomic
def user_group_delete(*, group: UserGroup) -> None:
    if group.responses.exists():
        raise ValidationError(_("Gruppen har svar og kan ikke slettes."))
    group.delete()


@transaction.atomic
def user_group_set_open_link(*, group: UserGroup, enabled: bool) -> UserGroup:
    """Turn the shared link on (a new one each time, so an old leaked link dies) or off."""
    group.open_token = new_token() if enabled else ""
    group.save(update_fields=["open_token"])
    return group


def parse_email_list(text: str) -> list[str]:
    """Addresses separated by commas, semicolons, spaces or lines (as pasted from Outlook)."""
    addresses: list[str] = []
    invalid: list[str] = []
    for raw in text.replace(";", "\n").replace(",", "\n").split():
        address = raw.strip().strip("<>").lower()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            invalid.append(raw)
            continue
        if address not in addresses:
            addresses.append(address)
    if invalid:
        raise ValidationError(
            _("Ugyldige e-postadresser: %(addresses)s") % {"addresses": ", ".join(invalid[:10])}
        )
    return addresses


@transaction.atomic
def invitations_add(*, group: UserGroup, emails: Iterable[str], base_url: str) -> int:
    """Invite addresses not already in the group. Sent at once if the campaign is out."""
    _require_not_closed(group.campaign)
    existing = set(group.invitations.values_list("email", flat=True))
    wanted = dict.fromkeys(email.strip().lower() for email in emails)
    new = [
        Invitation(
            campaign=group.campaign,
            user_group=group,
            email=email,
            token_hash=hash_token(new_token()),
        )
        for email in wanted
        if email and email not in existing
    ]
    Invitation.objects.bulk_create(new)
    if group.campaign.launched_at is not None and new:
        invitations_send(campaign=group.campaign, base_url=base_url)
    return len(new)


def _invitation_mail(
    invitation: Invitation, token: str, base_url: str, reminder: bool
) -> tuple[str, str, str, list[str]]:
    campaign = invitation.campaign
    group = invitation.user_group
    link = base_url.rstrip("/") + reverse("surveys:respond", args=[token])
    with override("nb"):
        subject = (
            _("Påminnelse: %(campaign)s") if reminder else _("Spørreundersøkelse: %(campaign)s")
        ) % {"campaign": campaign.name}
        body = _(
            "Hei!\n\n%(collaboration)s ber deg vurdere %(product)s slik det brukes i %(organisation)s. "
            "Svarene brukes når kommunene velger felles system.\n\n"
            "Svar innen %(closes)s her (lenken er personlig og kan brukes én gang):\n%(link)s\n\n"
            "%(anonymity)s\n"
        ) % {
            "collaboration": campaign.collaboration.name,
            "product": group.product.name,
            "organisation": group.organisation.name,
            "closes": campaign.closes_on.strftime("%d.%m.%Y"),
            "link": link,
            "anonymity": _("Undersøkelsen er anonym: svaret ditt kan ikke knyttes til deg.")
            if campaign.anonymous
            else _("Undersøkelsen er ikke anonym: programkontoret kan se hvem som har svart hva."),
        }
    return subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email]


@transaction.atomic
def invitations_send(*, campaign: Campaign, base_url: str) -> int:
    """Mail every invitation of a launched campaign that has not been sent yet."""
    pending = list(
        campaign.invitations.filter(sent_at__isnull=True).select_related(
            "campaign__collaboration", "user_group__product", "user_group__organisation"
        )
    )
    now = timezone.now()
    messages = []
    for invitation in pending:
        token = new_token()
        invitation.token_hash = hash_token(token)
        invitation.sent_at = now
        messages.append(_invitation_mail(invitation, token, base_url, reminder=False))
    Invitation.objects.bulk_update(pending, ["token_hash", "sent_at"])
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
    return len(messages)


@transaction.atomic
def invitations_remind(*, campaign: Campaign, base_url: str) -> int:
    """Remind only those who have not answered, while the campaign is open."""
    if campaign.status_on(today()) != Campaign.Status.OPEN:
        raise ValidationError(_("Påminnelser kan bare sendes mens undersøkelsen er åpen."))
    pending = list(
        campaign.invitations.filter(answered=False, sent_at__isnull=False).select_related(
            "campaign__collaboration", "user_group__product", "user_group__organisation"
        )
    )
    now = timezone.now()
    messages = []
    for invitation in pending:
        token = new_token()
        invitation.previous_token_hash = invitation.token_hash
        invitation.token_hash = hash_token(token)
        invitation.reminded_at = now
        invitation.reminders += 1
        messages.append(_invitation_mail(invitation, token, base_url, reminder=True))
    Invitation.objects.bulk_update(
        pending, ["previous_token_hash", "token_hash", "reminded_at", "reminders"]
    )
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
    return len(messages)


# --- Answering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """What a respondent's link opens: a campaign, a user group, and maybe an invitation."""

    campaign: Campaign
    user_group: UserGroup
    invitation: Invitation | None


def link_resolve(token: str, *, open_link: bool) -> Link | None:
    """The invitation or open group behind a token; None for an unknown or altered token."""
    if not token or len(token) > 64:
        return None
    related = ("campaign__collaboration", "campaign__questionnaire", "organisation", "product")
    if open_link:
        group = (
            UserGroup.objects.select_related(*related)
            .filter(open_token=token)
            .exclude(open_token="")
            .first()
        )
        return Link(group.campaign, group, None) if group else None
    digest = hash_token(token)
    invitation = (
        Invitation.objects.select_related(*(f"user_group__{r}" for r in related))
        .filter(token_hash=digest)
        .first()
        or Invitation.objects.select_related(*(f"user_group__{r}" for r in related))
        .filter(previous_token_hash=digest)
        .first()
    )
    if invitation is None:
        return None
    return Link(invitation.user_group.campaign, invitation.user_group, invitation)


AnswerValue = int | Decimal | str | list[int] | None
DONT_KNOW = "dont_know"


@transaction.atomic
def response_submit(
    *,
    link: Link,
    answers: Mapping[Question, AnswerValue],
    submission_key: str,
) -> Response:
    """Store one response, exactly once.

    ``answers`` is already validated by the form (types, ranges, required). A personal link
    is spent by a conditional UPDATE, so two simultaneous submits cannot both pass; the
    hashed form key catches a second submit of the same open-link form.
    """
    campaign = link.campaign
    if campaign.status_on(today()) != Campaign.Status.OPEN:
        raise ValidationError(_("Undersøkelsen er ikke åpen for svar."))
    if link.invitation is not None:
        spent = Invitation.objects.filter(pk=link.invitation.pk, answered=False).update(
            answered=True
        )
        if not spent:
            raise AlreadyAnswered
    group = link.user_group
    response = Response(
        campaign=campaign,
        user_group=group,
        organisation_id=group.organisation_id,
        product_id=group.product_id,
        submitted_on=today(),
        invitation=None if campaign.anonymous else link.invitation,
        submission_key=hash_token(submission_key),
    )
    try:
        with transaction.atomic():
            response.save(force_insert=True)
    except IntegrityError as exc:
        raise AlreadyAnswered from exc
    rows: list[Answer] = []
    common = {
        "response": response,
        "product_id": group.product_id,
        "organisation_id": group.organisation_id,
    }
    for question, value in answers.items():
        if question.questionnaire_id != campaign.questionnaire_id:
            raise ValidationError(_("Svaret gjelder et spørsmål som ikke er i skjemaet."))
        if value is None or value == "" or value == []:
            continue
        if value == DONT_KNOW:
            rows.append(Answer(question=question, dont_know=True, **common))
        elif question.kind == Question.Kind.MULTIPLE:
            assert isinstance(value, list)
            rows.extend(Answer(question=question, option=option, **common) for option in value)
        elif question.kind in (Question.Kind.LIKERT, Question.Kind.SINGLE):
            rows.append(Answer(question=question, option=int(value), **common))  # type: ignore[arg-type]
        elif question.kind == Question.Kind.NUMBER:
            rows.append(Answer(question=question, number=Decimal(value), **common))  # type: ignore[arg-type]
        else:
            rows.append(Answer(question=question, text=str(value), **common))
    Answer.objects.bulk_create(rows)
    return response


def respondent_may_answer(link: Link, day: datetime.date | None = None) -> str:
    """The campaign's status for the respondent: open, scheduled, closed or draft."""
    return link.campaign.status_on(day or today())


def organisations_of(collaboration: Collaboration) -> list[Organisation]:
    return list(
        Organisation.objects.filter(memberships__collaboration=collaboration)
        .distinct()
        .order_by("name")
    )


def category_products(category: SystemCategory) -> list[Product]:
    """Products installed somewhere in the category: the usual candidates for a campaign."""
    return list(
        Product.objects.filter(installations__category=category).distinct().order_by("name")
    )


def user_may_see_raw_answers(campaign: Campaign, is_manager: bool) -> bool:
    return is_manager and not campaign.anonymous


# --- Results ------------------------------------------------------------------------------


@transaction.atomic
def campaign_accept_results(*, campaign: Campaign, user: Any) -> list[Any]:
    """Accept a closed campaign's results: set the fit they give on the installations evaluated.

    For each organisation and product where the threshold holds (see
    ``samla.surveys.results``), the installations of that product in that organisation – in
    the campaign's category, or in any category when it has none – get the functional and
    technical fit the answers give (a fit without enough answers is left as it was). The
    landscape's service writes them, so their history records the change. Returns the
    installations changed.
    """
    from samla.landscape import services as landscape_services
    from samla.surveys import results

    campaign = (
        Campaign.objects.select_for_update().select_related("collaboration").get(pk=campaign.pk)
    )
    if campaign.results_accepted_at is not None:
        raise ValidationError(_("Resultatene er allerede godkjent."))
    if campaign.status_on(today()) != Campaign.Status.CLOSED:
        raise ValidationError(_("Resultatene kan bare godkjennes når undersøkelsen er avsluttet."))
    outcome = results.campaign_results(
        campaign, with_texts=False, collaboration=campaign.collaboration
    )
    changed = []
    for change in results.accept_plan(campaign, outcome):
        fields: dict[str, Any] = {}
        if change.functional is not None:
            fields["functional_fit"] = change.functional.fit
        if change.technical is not None:
            fields["technical_fit"] = change.technical.fit
        changed.append(
            landscape_services.installation_save(
                collaboration=campaign.collaboration, installation=change.installation, **fields
            )
        )
    campaign.results_accepted_at = timezone.now()
    campaign.results_accepted_by = user
    campaign.save(update_fields=["results_accepted_at", "results_accepted_by"])
    return changed
