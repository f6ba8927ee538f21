"""The application landscape: what every member uses, under which contract, at what cost."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samla.core.locking import RowVersioned, Versioned
from samla.organisations.models import Collaboration, Organisation

FIT_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class ServiceArea(Versioned):
    """Tjenesteområde: administrasjon, oppvekst, helse/omsorg …"""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="service_areas"
    )
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("navn"), max_length=120)
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tjenesteområde")
        verbose_name_plural = _("tjenesteområder")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "code"], name="service_area_code_unique"),
            models.UniqueConstraint(fields=["collaboration", "name"], name="service_area_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class SystemCategory(Versioned):
    """Systemkategori: sak/arkiv, pleie og omsorg, bibliotek …"""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="system_categories"
    )
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("tjenesteområde"),
        on_delete=models.PROTECT,
        related_name="categories",
    )
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("navn"), max_length=120)
    description = models.TextField(_("beskrivelse"), blank=True)
    examples = models.CharField(_("eksempler"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("systemkategori")
        verbose_name_plural = _("systemkategorier")
        ordering = ["service_area__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "code"], name="category_code_unique"),
            models.UniqueConstraint(fields=["collaboration", "name"], name="category_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Vendor(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="vendors"
    )
    name = models.CharField(_("navn"), max_length=200)
    organisation_number = models.CharField(_("organisasjonsnummer"), max_length=9, blank=True)
    website = models.URLField(_("nettsted"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leverandør")
        verbose_name_plural = _("leverandører")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "name"], name="vendor_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Product(RowVersioned):
    """A system (application) as sold by a vendor."""

    class Hosting(models.TextChoices):
        ON_PREMISES = "on_premises", _("Lokal drift")
        HOSTED = "hosted", _("Driftet hos leverandør")
        SAAS = "saas", _("Skytjeneste (SaaS)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="products"
    )
    vendor = models.ForeignKey(
        Vendor, verbose_name=_("leverandør"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="products",
    )
    name = models.CharField(_("navn"), max_length=200)
    version = models.CharField(_("versjon"), max_length=60, blank=True)
    hosting = models.CharField(_("drift"), max_length=20, choices=Hosting.choices, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("system")
        verbose_name_plural = _("systemer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "name"], name="product_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TimeClass(models.TextChoices):
    """Gartner's TIME: what to do with an installation, from its functional and technical fit."""

    TOLERATE = "tolerate", _("Tolerere")
    INVEST = "invest", _("Investere")
    MIGRATE = "migrate", _("Migrere")
    ELIMINATE = "eliminate", _("Avvikle")


def time_class_from_fit(functional_fit: int | None, technical_fit: int | None) -> str | None:
    """High fit is 3–4. Invest: high/high; migrate: high functional, low technical;
    tolerate: low functional, high technical; eliminate: low/low."""
    if functional_fit is None or technical_fit is None:
        return None
    functional_high, technical_high = functional_fit >= 3, technical_fit >= 3
    if functional_high and technical_high:
        return TimeClass.INVEST
    if functional_high:
        return TimeClass.MIGRATE
    if technical_high:
        return TimeClass.TOLERATE
    return TimeClass.ELIMINATE


class Installation(Versioned):
    """One organisation's use of one product in one category."""

    class Lifecycle(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        ACTIVE = "active", _("I bruk")
        PHASING_OUT = "phasing_out", _("Under utfasing")
        RETIRED = "retired", _("Avviklet")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="installations"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisasjon"), on_delete=models.PROTECT,
        related_name="installations",
    )
    category = models.ForeignKey(
        SystemCategory, verbose_name=_("kategori"), on_delete=models.PROTECT,
        related_name="installations",
    )
    product = models.ForeignKey(
        Product, verbose_name=_("system"), on_delete=models.PROTECT, related_name="installations"
    )
    users = models.PositiveIntegerField(_("antall brukere"), null=True, blank=True)
    user_groups = models.CharField(_("brukergrupper"), max_length=300, blank=True)
    lifecycle = models.CharField(
        _("livsløp"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.ACTIVE
    )
    functional_fit = models.PositiveSmallIntegerField(
        _("funksjonell egnethet (1–4)"), null=True, blank=True, validators=FIT_VALIDATORS
    )
    technical_fit = models.PositiveSmallIntegerField(
        _("teknisk egnethet (1–4)"), null=True, blank=True, validators=FIT_VALIDATORS
    )
    time_override = models.CharField(
        _("TIME overstyrt til"), max_length=20, choices=TimeClass.choices, blank=True
    )
    time_override_reason = models.TextField(_("begrunnelse for overstyring"), blank=True)
    integrations = models.ManyToManyField(
        "self", verbose_name=_("integrasjoner"), symmetrical=False, blank=True,
        related_name="integrated_from",
    )
    notes = models.TextField(_("merknader"), blank=True)
    history = HistoricalRecords(m2m_fields=[integrations])

    class Meta:
        verbose_name = _("installasjon")
        verbose_name_plural = _("installasjoner")
        ordering = ["category__name", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "organisation", "category", "product"],
                name="installation_unique",
            ),
            models.CheckConstraint(
                condition=Q(functional_fit__isnull=True) | Q(functional_fit__gte=1, functional_fit__lte=4),
                name="installation_functional_fit_1_4",
            ),
            models.CheckConstraint(
                condition=Q(technical_fit__isnull=True) | Q(technical_fit__gte=1, technical_fit__lte=4),
                name="installation_technical_fit_1_4",
            ),
            models.CheckConstraint(
                condition=Q(time_override="") | ~Q(time_override_reason=""),
                name="installation_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} ({self.organisation}, {self.category})"

    @property
    def computed_time_class(self) -> str | None:
        return time_class_from_fit(self.functional_fit, self.technical_fit)

    @property
    def time_class(self) -> str | None:
        return self.time_override or self.computed_time_class

    def get_time_class_display(self) -> str:
        value = self.time_class
        return str(TimeClass(value).label) if value else ""


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` (negative allowed), clamped to the month's last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    next_month = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


class Contract(Versioned):
    class Procedure(models.TextChoices):
        OPEN = "open", _("Åpen anbudskonkurranse")
        RESTRICTED = "restricted", _("Begrenset anbudskonkurranse")
        NEGOTIATED = "negotiated", _("Konkurranse med forhandling")
        DIALOGUE = "dialogue", _("Konkurransepreget dialog")
        FRAMEWORK_CALL_OFF = "framework_call_off", _("Avrop på rammeavtale")
        BELOW_THRESHOLD = "below_threshold", _("Under terskelverdi")
        DIRECT_AWARD = "direct_award", _("Direkteanskaffelse")
        UNKNOWN = "unknown", _("Ukjent")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="contracts"
    )
    number = models.CharField(_("avtalenummer"), max_length=60)
    title = models.CharField(_("tittel"), max_length=200)
    vendor = models.ForeignKey(
        Vendor, verbose_name=_("leverandør"), on_delete=models.PROTECT, related_name="contracts"
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("avtaleparter"), related_name="contracts"
    )
    products = models.ManyToManyField(
        Product, verbose_name=_("systemer"), blank=True, related_name="contracts"
    )
    start_date = models.DateField(_("startdato"), null=True, blank=True)
    end_date = models.DateField(_("sluttdato"), null=True, blank=True)
    extension_options = models.PositiveSmallIntegerField(_("antall opsjoner"), default=0)
    extension_option_months = models.PositiveSmallIntegerField(_("måneder per opsjon"), default=0)
    notice_period_months = models.PositiveSmallIntegerField(_("oppsigelsestid (måneder)"), default=0)
    yearly_value = models.DecimalField(
        _("årlig verdi (kr)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    total_estimated_value = models.DecimalField(
        _("estimert totalverdi (kr)"), max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    procedure = models.CharField(
        _("anskaffelsesprosedyre"), max_length=30, choices=Procedure.choices, default=Procedure.UNKNOWN
    )
    is_framework_agreement = models.BooleanField(_("rammeavtale"), default=False)
    document_url = models.URLField(_("lenke til avtalen"), blank=True, max_length=500)
    history = HistoricalRecords(m2m_fields=[organisations, products])

    class Meta:
        verbose_name = _("avtale")
        verbose_name_plural = _("avtaler")
        ordering = ["end_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "number"], name="contract_number_unique"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="contract_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(yearly_value__isnull=True) | Q(yearly_value__gte=0),
                name="contract_yearly_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(total_estimated_value__isnull=True) | Q(total_estimated_value__gte=0),
                name="contract_total_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def notice_deadline(self) -> datetime.date | None:
        """The last day notice can be given so that the contract ends on its end date."""
        if self.end_date is None:
            return None
        return add_months(self.end_date, -self.notice_period_months)

    @property
    def latest_end_date(self) -> datetime.date | None:
        """The end date if every option to extend is used."""
        if self.end_date is None:
            return None
        return add_months(self.end_date, self.extension_options * self.extension_option_months)

    @property
    def has_options(self) -> bool:
        return self.extension_options > 0 and self.extension_option_months > 0


class IctCost(Versioned):
    """A line of an organisation's ICT costs in one year (kroner; income negative)."""

    class Kind(models.TextChoices):
        OPERATING = "operating", _("Drift")
        INVESTMENT = "investment", _("Investering")

    class Category(models.TextChoices):
        PERSONNEL = "personnel", _("Lønn inkl. sosiale utgifter")
        PERSONNEL_SERVICES = "personnel_services", _("Kjøp av tjenester – personalrelatert")
        FIBRE = "fibre", _("Fiber / kommunikasjonslinjer")
        LICENCES = "licences", _("Programvare – lisenser / vedlikehold")
        EQUIPMENT = "equipment", _("IT-utstyr")
        SERVICE_AGREEMENTS = "service_agreements", _("Serviceavtaler")
        CONSULTANTS = "consultants", _("Konsulenttjenester")
        INCOME = "income", _("Inntekter")
        INVESTMENT = "investment", _("Investering")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="ict_costs"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisasjon"), on_delete=models.PROTECT, related_name="ict_costs"
    )
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("kostnadsart"), max_length=30, choices=Category.choices)
    amount = models.DecimalField(_("beløp (kr)"), max_digits=16, decimal_places=2)
    exposed_to_competition = models.BooleanField(_("konkurranseutsatt"), default=False)
    description = models.CharField(_("beskrivelse"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("IKT-kostnad")
        verbose_name_plural = _("IKT-kostnader")
        ordering = ["organisation__name", "year", "kind", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "organisation", "year", "kind", "category", "description"],
                name="ict_cost_unique_line",
            ),
            models.CheckConstraint(
                condition=Q(category="income", amount__lte=0) | (~Q(category="income") & Q(amount__gte=0)),
                name="ict_cost_sign_by_category",
            ),
            models.CheckConstraint(condition=Q(year__gte=1990, year__lte=2100), name="ict_cost_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} {self.get_category_display()}"


# Categories bought in the market (Asker's table: "konkurranseutsatte IKT-tjenester").
EXPOSED_BY_DEFAULT = {
    IctCost.Category.FIBRE,
    IctCost.Category.LICENCES,
    IctCost.Category.EQUIPMENT,
    IctCost.Category.SERVICE_AGREEMENTS,
    IctCost.Category.CONSULTANTS,
    IctCost.Category.INVESTMENT,
}


class TargetChoice(Versioned):
    """The common product chosen for a category: the to-be portfolio."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="target_choices"
    )
    category = models.ForeignKey(
        SystemCategory, verbose_name=_("kategori"), on_delete=models.CASCADE, related_name="target_choices"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("målsystem"), on_delete=models.PROTECT, related_name="target_choices"
    )
    decided_by = models.CharField(_("besluttet av"), max_length=200)
    decided_on = models.DateField(_("besluttet dato"))
    rationale = models.TextField(_("begrunnelse"))
    migration_deadline = models.DateField(_("frist for overgang"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("valgt målsystem")
        verbose_name_plural = _("målportefølje")
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "category"], name="target_one_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.product}"
