"""System-evaluation surveys: questionnaires, campaigns, user groups, invitations and answers.

Anonymity is a property of the data, not of the pages: in an anonymous campaign a
``Response`` has no link to an ``Invitation``, carries only the day it was given, and has a
random UUID as its key (so the order of keys says nothing about who answered when).
Invitations and answers have no history table either, since history rows carry
timestamps that would tie an "answered" flag to a response.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samla.core.locking import Versioned
from samla.landscape.models import Product, SystemCategory
from samla.organisations.models import Collaboration, Organisation

LIKERT_MIN, LIKERT_MAX = 1, 5


def in_language(norwegian: str, english: str) -> str:
    """The English wording when the page is in English and one is given."""
    if english and (get_language() or "nb").startswith("en"):
        return english
    return norwegian


class Questionnaire(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("samarbeid"),
        on_delete=models.CASCADE,
        related_name="questionnaires",
    )
    name = models.CharField(_("navn"), max_length=200)
    name_en = models.CharField(_("navn på engelsk"), max_length=200, blank=True)
    introduction = models.TextField(_("innledning"), blank=True)
    introduction_en = models.TextField(_("innledning på engelsk"), blank=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("spørreskjema")
        verbose_name_plural = _("spørreskjemaer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "name"], name="questionnaire_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return in_language(self.name, self.name_en)

    @property
    def display_introduction(self) -> str:
        return in_language(self.introduction, self.introduction_en)


class Section(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("spørreskjema"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    title = models.CharField(_("tittel"), max_length=200)
    title_en = models.CharField(_("tittel på engelsk"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("del")
        verbose_name_plural = _("deler")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return in_language(self.title, self.title_en)


class Question(Versioned):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Skala 1–5 med «vet ikke»")
        SINGLE = "single", _("Ett valg")
        MULTIPLE = "multiple", _("Flere valg")
        NUMBER = "number", _("Tall")
        TEXT = "text", _("Fritekst")

    class Measures(models.TextChoices):
        """What an accepted result sets on the installation evaluated (and so its TIME class)."""

        NOTHING = "", _("Ingenting")
        FUNCTIONAL_FIT = "functional_fit", _("Funksjonell egnethet")
        TECHNICAL_FIT = "technical_fit", _("Teknisk egnethet")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("spørreskjema"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    section = models.ForeignKey(
        Section, verbose_name=_("del"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    kind = models.CharField(_("spørsmålstype"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("spørsmål"), max_length=500)
    text_en = models.CharField(_("spørsmål på engelsk"), max_length=500, blank=True)
    help_text = models.CharField(_("hjelpetekst"), max_length=500, blank=True)
    help_text_en = models.CharField(_("hjelpetekst på engelsk"), max_length=500, blank=True)
    required = models.BooleanField(_("obligatorisk"), default=False)
    # Single and multiple choice: [{"nb": "…", "en": "…"}, …]; answers store the 1-based position.
    options = models.JSONField(_("svaralternativer"), default=list, blank=True)
    minimum = models.DecimalField(
        _("minste tall"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("største tall"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    measures = models.CharField(
        _("måler"), max_length=20, choices=Measures.choices, default=Measures.NOTHING, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("spørsmål")
        verbose_name_plural = _("spørsmål")
        ordering = ["section__order", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(measures="") | Q(kind="likert"),
                name="question_only_likert_measures_fit",
            ),
            models.CheckConstraint(
                condition=Q(minimum__isnull=True)
                | Q(maximum__isnull=True)
                | Q(maximum__gte=models.F("minimum")),
                name="question_minimum_not_above_maximum",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def display_text(self) -> str:
        return in_language(self.text, self.text_en)

    @property
    def display_help_text(self) -> str:
        return in_language(self.help_text, self.help_text_en)

    @property
    def option_labels(self) -> list[str]:
        return [in_language(o.get("nb", ""), o.get("en", "")) for o in self.options]

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)


class Campaign(Versioned):
    """One round of evaluation: a questionnaire sent to user groups about some products."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SCHEDULED = "scheduled", _("Planlagt")
        OPEN = "open", _("Åpen")
        CLOSED = "closed", _("Avsluttet")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("samarbeid"),
        on_delete=models.CASCADE,
        related_name="campaigns",
    )
    name = models.CharField(_("navn"), max_length=200)
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("spørreskjema"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    category = models.ForeignKey(
        SystemCategory,
        verbose_name=_("systemkategori"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    products = models.ManyToManyField(
        Product, verbose_name=_("systemer som evalueres"), related_name="campaigns"
    )
    opens_on = models.DateField(_("åpner"))
    closes_on = models.DateField(_("stenger"))
    anonymous = models.BooleanField(
        _("anonym"),
        default=True,
        help_text=_("Svar kan ikke knyttes til personer. Kan ikke slås av når det finnes svar."),
    )
    launched_at = models.DateTimeField(_("sendt ut"), null=True, blank=True)
    closed_early_on = models.DateField(_("stengt tidlig"), null=True, blank=True)
    results_accepted_at = models.DateTimeField(_("resultater godkjent"), null=True, blank=True)
    results_accepted_by = models.ForeignKey(
        "organisations.User",
        verbose_name=_("godkjent av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[products])

    class Meta:
        verbose_name = _("undersøkelse")
        verbose_name_plural = _("undersøkelser")
        ordering = ["-opens_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "name"], name="campaign_name_unique"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_closes_after_opens"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def status_on(self, day: datetime.date) -> str:
        if self.launched_at is None:
            return self.Status.DRAFT
        if self.closed_early_on is not None or day > self.closes_on:
            return self.Status.CLOSED
        if day < self.opens_on:
            return self.Status.SCHEDULED
        return self.Status.OPEN


class UserGroup(Versioned):
    """People in one organisation who use one of the evaluated products."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("undersøkelse"),
        on_delete=models.CASCADE,
        related_name="user_groups",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.PROTECT,
        related_name="survey_user_groups",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("system som evalueres"),
        on_delete=models.PROTECT,
        related_name="survey_user_groups",
    )
    name = models.CharField(_("navn"), max_length=200)
    size = models.PositiveIntegerField(
        _("antall personer"),
        null=True,
        blank=True,
        help_text=_("Brukes for svarprosent når gruppen svarer via en åpen lenke."),
    )
    # One shared link for groups without e-mail addresses. Not a personal secret, so it is
    # kept readable for the programme office to hand out again; it can be replaced.
    open_token = models.CharField(_("åpen lenke"), max_length=64, blank=True)
    history = HistoricalRecords(excluded_fields=["open_token"])

    class Meta:
        verbose_name = _("brukergruppe")
        verbose_name_plural = _("brukergrupper")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation", "product", "name"], name="user_group_unique"
            ),
            models.UniqueConstraint(
                fields=["open_token"],
                condition=~Q(open_token=""),
                name="user_group_open_token_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Invitation(models.Model):
    """A personal, single-use link. Only the SHA-256 of the token is stored."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    user_group = models.ForeignKey(UserGroup, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-post"))
    token_hash = models.CharField(max_length=64, unique=True)
    # The link of the mail before the latest reminder, still accepted.
    previous_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    answered = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("invitasjon")
        verbose_name_plural = _("invitasjoner")
        constraints = [
            models.UniqueConstraint(
                fields=["user_group", "email"], name="invitation_one_per_group_and_address"
            )
        ]

    def __str__(self) -> str:
        return self.email


class Response(models.Model):
    """One completed questionnaire about one product in one organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    user_group = models.ForeignKey(UserGroup, on_delete=models.PROTECT, related_name="responses")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField()  # the day only, never the time
    # Only in campaigns that are not anonymous.
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    # Hash of the random key in the form, so a second submit of the same form is refused.
    submission_key = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        indexes = [models.Index(fields=["campaign", "product", "organisation"])]

    def __str__(self) -> str:
        return f"{self.product} ({self.organisation}, {self.submitted_on})"


class Answer(models.Model):
    """One question's answer. Multiple choice stores one row per chosen option."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # Copied from the response so that results are counted from this one table.
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # Likert 1–5 or the 1-based position of a chosen option.
    option = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    text = models.TextField(blank=True)
    dont_know = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("svar på spørsmål")
        verbose_name_plural = _("svar på spørsmål")
        indexes = [models.Index(fields=["question", "product", "organisation"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(dont_know=False)
                | (Q(option__isnull=True) & Q(number__isnull=True) & Q(text="")),
                name="answer_dont_know_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.option or self.number or self.text or '–'}"
