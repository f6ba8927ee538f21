"""Business cases: versions of a case, its alternatives and their lines, assumptions and
non-monetised effects. The numbers are never computed here: a version is turned into the
documented case format (``samla.cases.document``) and evaluated by ``samla.finance``, the
same path as ``samla case evaluate``, so the pages, the API and the CLI agree.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samla.core.locking import RowVersioned, Versioned
from samla.landscape.models import SystemCategory
from samla.organisations.models import Collaboration, CostSharingKey


class BusinessCase(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("samarbeid"),
        on_delete=models.CASCADE,
        related_name="business_cases",
    )
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    # What the case justifies. Later issues add projects and portfolio proposals.
    category = models.ForeignKey(
        SystemCategory,
        verbose_name=_("systemkategori"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="business_cases",
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("business case")
        verbose_name_plural = _("business case")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "name"], name="business_case_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CaseVersion(Versioned):
    """One version of a case. Only a draft can change; the other stages are frozen."""

    class Stage(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        APPROVED = "approved", _("Godkjent")
        AFTER_PROCUREMENT = "after_procurement", _("Oppdatert etter anskaffelse")
        FINAL = "final", _("Endelig")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        BusinessCase,
        verbose_name=_("business case"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveSmallIntegerField(_("versjon"))
    stage = models.CharField(_("status"), max_length=20, choices=Stage.choices, default=Stage.DRAFT)
    note = models.CharField(_("merknad"), max_length=300, blank=True)
    base_year = models.PositiveSmallIntegerField(
        _("basisår"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    years = models.PositiveSmallIntegerField(
        _("analyseperiode (år, basisåret medregnet)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    discount_rate = models.DecimalField(
        _("kalkulasjonsrente (reell)"),
        max_digits=6,
        decimal_places=4,
        default=Decimal("0.04"),
        validators=[MinValueValidator(Decimal("-0.5")), MaxValueValidator(Decimal("1"))],
        help_text=_("DFØ anbefaler 4 % reell rente."),
    )
    hourly_rate = models.DecimalField(
        _("timepris (kr)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("500"),
        validators=[MinValueValidator(Decimal(0))],
    )
    tax_financing = models.BooleanField(
        _("ta med skattefinansieringskostnad"),
        default=False,
        help_text=_("20 % av netto virkning på offentlige budsjetter (DFØ)."),
    )

    class OptimismBias(models.TextChoices):
        NONE = "", _("Ingen")
        IT_LOWER = "green_book_it_lower", _("Green Book, IT-prosjekt: nedre anslag")
        IT_UPPER = "green_book_it_upper", _("Green Book, IT-prosjekt: øvre anslag")

    optimism_bias = models.CharField(
        _("påslag for optimismebias"),
        max_length=30,
        choices=OptimismBias.choices,
        default=OptimismBias.NONE,
        blank=True,
        help_text=_("Påslag på investeringer og drift; tallene står i dokumentasjonen."),
    )
    split_key = models.ForeignKey(
        CostSharingKey,
        verbose_name=_("fordelingsnøkkel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tom: etter innbyggertall."),
    )
    monte_carlo_iterations = models.PositiveIntegerField(
        _("Monte Carlo-trekk"),
        default=10_000,
        validators=[MinValueValidator(100), MaxValueValidator(1_000_000)],
    )
    monte_carlo_seed = models.PositiveIntegerField(_("startverdi for tilfeldige tall"), default=1)
    # The whole case document as it was when the version was frozen (populations and
    # cost-sharing keys included), so a frozen version's numbers never change.
    frozen_document = models.JSONField(null=True, blank=True)
    frozen_at = models.DateTimeField(_("låst"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        "organisations.User",
        verbose_name=_("låst av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("versjon")
        verbose_name_plural = _("versjoner")
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="case_version_number_unique"),
            models.CheckConstraint(
                condition=Q(stage="draft") | Q(frozen_at__isnull=False),
                name="case_version_frozen_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.stage != self.Stage.DRAFT

    @property
    def last_year(self) -> int:
        return self.base_year + self.years - 1


class Alternative(RowVersioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(
        CaseVersion,
        verbose_name=_("versjon"),
        on_delete=models.CASCADE,
        related_name="alternatives",
    )
    name = models.CharField(_("navn"), max_length=120)
    description = models.TextField(_("beskrivelse"), blank=True)
    is_zero = models.BooleanField(_("nullalternativet"), default=False)
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("alternativ")
        verbose_name_plural = _("alternativer")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="alternative_name_unique"),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(is_zero=True),
                name="alternative_one_zero_per_version",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Line(Versioned):
    """A cash-flow line of an alternative, for one year or a range of years."""

    class Kind(models.TextChoices):
        INVESTMENT = "investment", _("Investering")
        OPERATING = "operating", _("Driftskostnad")
        BENEFIT = "benefit", _("Prissatt gevinst")
        TIME_SAVING = "time_saving", _("Spart tid (timer)")
        RESIDUAL = "residual", _("Restverdi")

    class Distribution(models.TextChoices):
        POINT = "point", _("Fast beløp")
        TRIANGULAR = "triangular", _("Trekant (min, mest sannsynlig, maks)")
        PERT = "pert", _("PERT (min, mest sannsynlig, maks)")
        UNIFORM = "uniform", _("Uniform (min, maks)")
        NORMAL = "normal", _("Normal (forventning, standardavvik)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    alternative = models.ForeignKey(
        Alternative, verbose_name=_("alternativ"), on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("navn"), max_length=200)
    description = models.CharField(_("beskrivelse"), max_length=500, blank=True)
    distribution = models.CharField(
        _("usikkerhet"), max_length=20, choices=Distribution.choices, default=Distribution.POINT
    )
    # Kroner a year (time saving: hours a year). Point and normal: the value or mean in
    # ``amount``; triangular and PERT: ``low``, ``amount`` (the mode) and ``high``;
    # uniform: ``low`` and ``high``; normal: ``spread`` is the standard deviation.
    amount = models.DecimalField(_("beløp"), max_digits=16, decimal_places=2, null=True, blank=True)
    low = models.DecimalField(_("lavt"), max_digits=16, decimal_places=2, null=True, blank=True)
    high = models.DecimalField(_("høyt"), max_digits=16, decimal_places=2, null=True, blank=True)
    spread = models.DecimalField(
        _("standardavvik"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    first_year = models.PositiveSmallIntegerField(_("fra år"))
    last_year = models.PositiveSmallIntegerField(_("til år"))
    split_key = models.ForeignKey(
        CostSharingKey,
        verbose_name=_("egen fordelingsnøkkel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    affects_budget = models.BooleanField(
        _("påvirker budsjett"),
        null=True,
        blank=True,
        help_text=_(
            "Tom: investeringer, drift og gevinster påvirker budsjett; spart tid og restverdi ikke."
        ),
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("linje")
        verbose_name_plural = _("linjer")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["alternative", "name"], name="line_name_unique"),
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")), name="line_years_in_order"
            ),
            models.CheckConstraint(
                condition=(Q(amount__isnull=True) | Q(amount__gte=0))
                & (Q(low__isnull=True) | Q(low__gte=0))
                & (Q(high__isnull=True) | Q(high__gte=0)),
                name="line_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Assumption(RowVersioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(
        CaseVersion, verbose_name=_("versjon"), on_delete=models.CASCADE, related_name="assumptions"
    )
    text = models.TextField(_("forutsetning"))
    source = models.CharField(_("kilde"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("forutsetning")
        verbose_name_plural = _("forutsetninger")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Effect(Versioned):
    """A non-monetised effect of an alternative, scored −4…+4 (DFØ's pluss-minus method)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    alternative = models.ForeignKey(
        Alternative, verbose_name=_("alternativ"), on_delete=models.CASCADE, related_name="effects"
    )
    name = models.CharField(_("virkning"), max_length=200)
    score = models.SmallIntegerField(
        _("vurdering (−4 til +4)"), validators=[MinValueValidator(-4), MaxValueValidator(4)]
    )
    reason = models.TextField(_("begrunnelse"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ikke-prissatt virkning")
        verbose_name_plural = _("ikke-prissatte virkninger")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=-4, score__lte=4), name="effect_score_range"
            ),
            models.UniqueConstraint(fields=["alternative", "name"], name="effect_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.score:+d})"


class MonteCarloRun(models.Model):
    """A Monte Carlo simulation of one version, run in the background when it is large."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("Kjører")
        DONE = "done", _("Ferdig")
        FAILED = "failed", _("Feilet")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(
        CaseVersion, on_delete=models.CASCADE, related_name="monte_carlo_runs"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    # A digest of the case document the run used: a draft changed since is run again.
    document_digest = models.CharField(max_length=64)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.version} {self.status}"
