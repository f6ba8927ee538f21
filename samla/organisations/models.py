"""Collaborations, their member organisations, users, roles and cost-sharing keys."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samla.core.locking import Versioned
from samla.core.validators import validate_organisation_number


class User(AbstractUser):
    """A person who logs in. Respondents to surveys never get one."""

    class Language(models.TextChoices):
        NORWEGIAN = "nb", _("Norsk bokmål")
        ENGLISH = "en", _("English")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    language = models.CharField(
        _("språk"), max_length=8, choices=Language.choices, default=Language.NORWEGIAN
    )
    current_collaboration = models.ForeignKey(
        "organisations.Collaboration",
        verbose_name=_("valgt samarbeid"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Collaboration(Versioned):
    """A merger or collaboration in which several organisations digitalise together."""

    class Kind(models.TextChoices):
        MERGER = "merger", _("Kommunesammenslåing")
        INTER_MUNICIPAL = "inter_municipal", _("Interkommunalt samarbeid")
        AGENCY_CONSOLIDATION = "agency_consolidation", _("Virksomhetskonsolidering")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("navn"), max_length=200)
    slug = models.SlugField(
        _("kortnavn"), max_length=60, unique=True, help_text=_("Brukes i nettadressen.")
    )
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    description = models.TextField(_("beskrivelse"), blank=True)
    planning_horizon_years = models.PositiveSmallIntegerField(
        _("planleggingshorisont (år)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    require_admin_totp = models.BooleanField(_("krev tofaktor for administratorer"), default=False)
    procurement_threshold = models.DecimalField(
        _("terskelverdi for anskaffelser (kr)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("1300000"),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Avtaler med høyere estimert verdi flagges i avtaletidslinjen."),
    )
    survey_min_answers = models.PositiveSmallIntegerField(
        _("minste antall svar som vises i undersøkelser"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Grupper med færre svar skjules i resultatene, så ingen kan kjennes igjen."),
    )
    survey_min_free_text = models.PositiveSmallIntegerField(
        _("minste antall svar før fritekst vises"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("samarbeid")
        verbose_name_plural = _("samarbeid")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planning_horizon_years__gte=1) & Q(planning_horizon_years__lte=30),
                name="collaboration_horizon_1_to_30",
            ),
            models.CheckConstraint(
                condition=Q(survey_min_free_text__gte=models.F("survey_min_answers")),
                name="collaboration_free_text_threshold_not_below_answers",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(Versioned):
    """A municipality, county, agency or company. May be a member of several collaborations."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Kommune")
        COUNTY = "county", _("Fylkeskommune")
        AGENCY = "agency", _("Etat / virksomhet")
        COMPANY = "company", _("Selskap")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=32, choices=Kind.choices, default=Kind.MUNICIPALITY
    )
    organisation_number = models.CharField(
        _("organisasjonsnummer"),
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_organisation_number],
        help_text=_("Ni siffer fra Enhetsregisteret."),
    )
    municipality_number = models.CharField(
        _("kommunenummer"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Kommunenummeret må ha fire siffer."))],
    )
    population = models.PositiveIntegerField(_("innbyggertall"), null=True, blank=True)
    population_date = models.DateField(_("innbyggertall per"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("ansatte"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisasjon")
        verbose_name_plural = _("organisasjoner")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(population__isnull=True) | Q(population__gte=0),
                name="organisation_population_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(organisation_number__isnull=True)
                | Q(organisation_number__regex=r"^[0-9]{9}$"),
                name="organisation_number_nine_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(Versioned):
    """An organisation's membership of a collaboration."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    valid_from = models.DateField(_("medlem fra"), null=True, blank=True)
    valid_to = models.DateField(_("medlem til"), null=True, blank=True)
    is_host = models.BooleanField(_("vertskommune"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "organisation"], name="membership_unique_per_collaboration"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="membership_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} i {self.collaboration}"


class Role(Versioned):
    """What a user may do in one collaboration."""

    class Kind(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Administrator")
        PROGRAMME_OFFICE = "programme_office", _("Programkontor")
        EDITOR = "editor", _("Redaktør for organisasjon")
        VIEWER = "viewer", _("Leser")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("rolle"), max_length=32, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="editor_roles",
        help_text=_("Bare for redaktører: organisasjonen de kan endre."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rolle")
        verbose_name_plural = _("roller")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "collaboration"], name="role_one_per_collaboration"
            ),
            models.CheckConstraint(
                condition=(Q(kind="editor") & Q(organisation__isnull=False))
                | (~Q(kind="editor") & Q(organisation__isnull=True)),
                name="role_editor_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()}"

    @property
    def is_manager(self) -> bool:
        """Administrators and the programme office run the collaboration day to day."""
        return self.kind in {self.Kind.ADMINISTRATOR, self.Kind.PROGRAMME_OFFICE}

    @property
    def is_administrator(self) -> bool:
        return self.kind == self.Kind.ADMINISTRATOR

    def may_edit_organisation(self, organisation: Organisation) -> bool:
        return self.is_manager or (
            self.kind == self.Kind.EDITOR and self.organisation_id == organisation.pk
        )


class CostSharingKey(Versioned):
    """A rule for splitting an amount between the members of a collaboration."""

    class Method(models.TextChoices):
        POPULATION = "population", _("Etter innbyggertall")
        EQUAL = "equal", _("Like andeler")
        FIXED_PLUS_POPULATION = "fixed_plus_population", _("Fast andel + innbyggertall")
        CUSTOM = "custom", _("Egne vekter")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("samarbeid"),
        on_delete=models.CASCADE,
        related_name="cost_sharing_keys",
    )
    name = models.CharField(_("navn"), max_length=120)
    method = models.CharField(_("metode"), max_length=32, choices=Method.choices)
    fixed_share_percent = models.DecimalField(
        _("fast andel (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Den delen som deles likt; resten deles etter innbyggertall."),
    )
    description = models.TextField(_("beskrivelse"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fordelingsnøkkel")
        verbose_name_plural = _("fordelingsnøkler")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "name"], name="cost_key_unique_name"),
            models.CheckConstraint(
                condition=~Q(method="fixed_plus_population")
                | (Q(fixed_share_percent__gte=0) & Q(fixed_share_percent__lte=100)),
                name="cost_key_fixed_share_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CostSharingWeight(Versioned):
    """A custom weight for one organisation in a key with method ``custom``."""

    key = models.ForeignKey(CostSharingKey, on_delete=models.CASCADE, related_name="weights")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    weight = models.DecimalField(
        _("vekt"), max_digits=12, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vekt")
        verbose_name_plural = _("vekter")
        constraints = [
            models.UniqueConstraint(fields=["key", "organisation"], name="cost_weight_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="cost_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.weight}"


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest is stored."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("navn"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API-nøkkel")
        verbose_name_plural = _("API-nøkler")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
