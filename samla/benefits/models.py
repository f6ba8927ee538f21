"""Benefit realisation: the benefit register, indicators with a baseline, a target and a
trajectory of intermediate targets, measurements against them, and benefit maps.

How the pieces fit:
- A *benefit* (``Benefit``) has an owner (gevinsteier) who answers for it and a responsible
  person (gevinstansvarlig) who does the work, the organisations it accrues to, and may be
  linked to the project or programme that delivers it and to the business-case line that
  promised it (a monetised ``cases.Line``).
- An *indicator* (``Indicator``) says how the benefit is measured: unit, baseline (value and
  date), target (value and date) and intermediate targets (``IndicatorTarget``) that together
  make the trajectory; how often and how it is measured, and from what source. A benefit
  with no indicator is listed as «mangler indikator», never hidden.
- A *measurement* (``Measurement``) is one value on one date, optionally for one member
  organisation. Realisation = (value − baseline) / (target − baseline).
- ``kroner_per_unit`` turns an indicator's values into kroner, so that measured values can be
  set against the business case's plan (kroner: 1; hours: an hourly rate).
- A *benefit map* (``BenefitMap``) per programme or project has nodes in four columns
  (challenges → objectives → changes/enablers → benefits) and links between them; a change
  node may name the project that delivers it, a benefit node the benefit of the register.
- ``ReminderSent`` makes ``samla remind`` idempotent within a day.

Every write goes through ``samla.benefits.services``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from samla.core.locking import Versioned
from samla.organisations.models import Collaboration, Organisation

USER = settings.AUTH_USER_MODEL
NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


class BenefitClass(models.TextChoices):
    """Prosjektveiviseren's four classes of benefit."""

    BUDGET = "budget", _("Budsjettgevinst i egen virksomhet")
    CAPACITY = "capacity", _("Annen bruk av frigjort kapasitet")
    ELSEWHERE = "elsewhere", _("Prissatt virkning i annen offentlig virksomhet")
    NON_PRICED = "non_priced", _("Ikke-prissatt virkning")


class BenefitKind(models.TextChoices):
    DIRECT = "direct", _("Direkte")
    INDIRECT = "indirect", _("Indirekte")
    QUALITATIVE = "qualitative", _("Kvalitativ")


class BenefitStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identifisert")
    PLANNED = "planned", _("Planlagt")
    REALISING = "realising", _("Under realisering")
    REALISED = "realised", _("Realisert")
    ABANDONED = "abandoned", _("Avsluttet uten å realiseres")


class Benefit(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("samarbeid"),
        on_delete=models.CASCADE,
        related_name="benefits",
    )
    code = models.CharField(_("nummer"), max_length=30, blank=True)
    title = models.CharField(_("tittel"), max_length=300)
    description = models.TextField(_("beskrivelse"), blank=True)
    benefit_class = models.CharField(
        _("gevinstklasse"), max_length=20, choices=BenefitClass.choices
    )
    kind = models.CharField(
        _("type"), max_length=20, choices=BenefitKind.choices, default=BenefitKind.DIRECT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BenefitStatus.choices, default=BenefitStatus.IDENTIFIED
    )
    owner = models.ForeignKey(
        USER, verbose_name=_("gevinsteier"), on_delete=models.PROTECT, related_name="owned_benefits"
    )
    responsible = models.ForeignKey(
        USER,
        verbose_name=_("gevinstansvarlig"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="benefits_responsible_for",
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisasjoner gevinsten tilfaller"),
        blank=True,
        related_name="benefits",
    )
    project = models.ForeignKey(
        "governance.Project",
        verbose_name=_("prosjekt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="benefits",
    )
    programme = models.ForeignKey(
        "governance.Programme",
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="benefits",
    )
    case_line = models.ForeignKey(
        "cases.Line",
        verbose_name=_("linje i business case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="benefits",
    )
    preconditions = models.TextField(_("forutsetninger for realisering"), blank=True)
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[organisations])

    class Meta:
        verbose_name = _("gevinst")
        verbose_name_plural = _("gevinster")
        ordering = ["collaboration", "code", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "title"],
                name="benefit_title_unique",
                violation_error_message=_(
                    "Samarbeidet har allerede en gevinst med denne tittelen."
                ),
            ),
            models.UniqueConstraint(
                fields=["collaboration", "code"],
                condition=~Q(code=""),
                name="benefit_code_unique",
                violation_error_message=_("Nummeret er allerede i bruk."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title


class Unit(models.TextChoices):
    KRONER = "kroner", _("kroner")
    HOURS = "hours", _("timer")
    PERCENT = "percent", _("prosent")
    COUNT = "count", _("antall")
    CUSTOM = "custom", _("annen enhet")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Månedlig")
    QUARTERLY = "quarterly", _("Kvartalsvis")
    HALF_YEARLY = "half_yearly", _("Halvårlig")
    YEARLY = "yearly", _("Årlig")


# Months between two measurements, for reminders and the next due date.
FREQUENCY_MONTHS = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.HALF_YEARLY: 6,
    Frequency.YEARLY: 12,
}


class Indicator(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    benefit = models.ForeignKey(
        Benefit, verbose_name=_("gevinst"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indikator"), max_length=300)
    unit = models.CharField(_("enhet"), max_length=20, choices=Unit.choices)
    custom_unit = models.CharField(_("egen enhet"), max_length=40, blank=True)
    baseline_value = models.DecimalField(_("nullpunkt (verdi)"), max_digits=18, decimal_places=4)
    baseline_date = models.DateField(_("nullpunkt (dato)"))
    target_value = models.DecimalField(_("mål (verdi)"), max_digits=18, decimal_places=4)
    target_date = models.DateField(_("mål (dato)"))
    frequency = models.CharField(
        _("måles"), max_length=20, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    method = models.TextField(_("målemetode"), blank=True)
    data_source = models.CharField(_("datakilde"), max_length=300, blank=True)
    kroner_per_unit = models.DecimalField(
        _("kroner per enhet"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        help_text=_(
            "Gjør målte verdier om til kroner for plan mot faktisk. Tom for kroner (1) og ikke-prissatte."
        ),
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["benefit", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit", "name"],
                name="indicator_name_unique",
                violation_error_message=_("Gevinsten har allerede en indikator med dette navnet."),
            ),
            models.CheckConstraint(
                condition=~Q(target_value=F("baseline_value")),
                name="indicator_target_differs_from_baseline",
                violation_error_message=_("Målet kan ikke være lik nullpunktet."),
            ),
            models.CheckConstraint(
                condition=Q(target_date__gt=F("baseline_date")),
                name="indicator_target_after_baseline",
                violation_error_message=_("Måldatoen må være etter nullpunktets dato."),
            ),
            models.CheckConstraint(
                condition=~Q(unit="custom") | ~Q(custom_unit=""),
                name="indicator_custom_unit_named",
                violation_error_message=_("Skriv navnet på enheten."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def unit_label(self) -> str:
        return self.custom_unit if self.unit == Unit.CUSTOM else str(self.get_unit_display())

    @property
    def kroner_factor(self) -> Decimal | None:
        """Kroner per unit, or None where the indicator cannot be priced."""
        if self.unit == Unit.KRONER:
            return self.kroner_per_unit or Decimal(1)
        return self.kroner_per_unit


class IndicatorTarget(Versioned):
    """An intermediate target on the way from baseline to target: the trajectory."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indikator"), on_delete=models.CASCADE, related_name="targets"
    )
    date = models.DateField(_("dato"))
    value = models.DecimalField(_("delmål (verdi)"), max_digits=18, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("indikator", "delmål")
        verbose_name_plural = pgettext_lazy("indikator", "delmål")
        ordering = ["indicator", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date"],
                name="indicator_target_one_per_date",
                violation_error_message=_("Indikatoren har allerede et delmål på denne datoen."),
            )
        ]


class Measurement(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indikator"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="benefit_measurements",
        help_text=_("Tom: målt for hele gevinsten."),
    )
    measured_on = models.DateField(_("målt dato"))
    value = models.DecimalField(_("verdi"), max_digits=18, decimal_places=4)
    comment = models.TextField(_("kommentar"), blank=True)
    measured_by = models.ForeignKey(
        USER,
        verbose_name=_("målt av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("måling")
        verbose_name_plural = _("målinger")
        ordering = ["indicator", "measured_on", "pk"]
        indexes = [models.Index(fields=["indicator", "measured_on"], name="measurement_by_date")]


class ReminderSent(models.Model):
    """One reminder e-mail for one indicator on one day: ``samla remind`` is idempotent."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    due_on = models.DateField()
    recipient = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "sent_on"], name="reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.sent_on}"


class BenefitMap(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("samarbeid"),
        on_delete=models.CASCADE,
        related_name="benefit_maps",
    )
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    programme = models.ForeignKey(
        "governance.Programme",
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="benefit_maps",
    )
    project = models.ForeignKey(
        "governance.Project",
        verbose_name=_("prosjekt"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="benefit_maps",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gevinstkart")
        verbose_name_plural = _("gevinstkart")
        ordering = ["collaboration", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "name"],
                name="benefit_map_name_unique",
                violation_error_message=_(
                    "Samarbeidet har allerede et gevinstkart med dette navnet."
                ),
            ),
            models.CheckConstraint(
                condition=Q(programme__isnull=True) | Q(project__isnull=True),
                name="benefit_map_one_owner",
                violation_error_message=_(
                    "Et gevinstkart hører til et program eller et prosjekt, ikke begge."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NodeKind(models.TextChoices):
    """The columns of a benefit map, left to right."""

    CHALLENGE = "challenge", _("Utfordring")
    OBJECTIVE = "objective", pgettext_lazy("gevinstkart", "Mål")
    CHANGE = "change", _("Endring / forutsetning")
    BENEFIT = "benefit", _("Gevinst")


NODE_COLUMNS: tuple[str, ...] = tuple(NodeKind.values)


class MapNode(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    map = models.ForeignKey(
        BenefitMap, verbose_name=_("gevinstkart"), on_delete=models.CASCADE, related_name="nodes"
    )
    kind = models.CharField(_("type"), max_length=20, choices=NodeKind.choices)
    title = models.CharField(_("tekst"), max_length=300)
    description = models.TextField(_("beskrivelse"), blank=True)
    benefit = models.ForeignKey(
        Benefit,
        verbose_name=_("gevinst i registeret"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="map_nodes",
    )
    project = models.ForeignKey(
        "governance.Project",
        verbose_name=_("leveres av prosjekt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="benefit_map_nodes",
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("element i gevinstkart")
        verbose_name_plural = _("elementer i gevinstkart")
        ordering = ["map", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class MapLink(Versioned):
    """``source`` leads to ``target`` (a challenge to an objective, a change to a benefit …)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    map = models.ForeignKey(
        BenefitMap, verbose_name=_("gevinstkart"), on_delete=models.CASCADE, related_name="links"
    )
    source = models.ForeignKey(
        MapNode, verbose_name=_("fra"), on_delete=models.CASCADE, related_name="links_out"
    )
    target = models.ForeignKey(
        MapNode, verbose_name=_("til"), on_delete=models.CASCADE, related_name="links_in"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kobling i gevinstkart")
        verbose_name_plural = _("koblinger i gevinstkart")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target"],
                name="map_link_once",
                violation_error_message=_("Koblingen finnes allerede."),
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="map_link_not_to_itself",
                violation_error_message=_("Et element kan ikke kobles til seg selv."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"
