"""The portfolio: proposals competing for a shared investment pot, criteria with weights
(entered, or from AHP pairwise comparisons), scores, and saved selection scenarios.

How the pieces fit:
- A *proposal* (``Proposal``) moves submitted → assessed → recommended → approved, rejected
  or parked → started (as a project of the governance app). Its cost and hours per plan
  year are ``ProposalCost`` rows (or come from a linked business-case version). It may
  require other proposals (``requires``) and belong to groups of mutual exclusion ("at most
  one of") or inclusion ("all or none of") (``ProposalGroup``).
- *Criteria* (``Criterion``) have weights that sum to 1; ``Comparison`` rows keep the upper
  triangle of the AHP matrix the weights came from, when they came from AHP. A proposal's
  value is Σ weight × score / 5 × 100 over its ``Score`` rows (0–100).
- The *pot* (``PotYear`` with ``Contribution`` per member) is the money and capacity of
  each year; a contribution is entered or computed with a cost-sharing key.
- A *scenario* (``Scenario``) is a saved run of the optimiser (``samla.finance.portfolio``)
  with its settings, forced-in and forced-out proposals, and the frozen result; the portfolio
  board's decision (a governance ``Decision``) records the chosen one.

Every write goes through ``samla.portfolio.services``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samla.core.locking import Versioned
from samla.organisations.models import Collaboration, Organisation

USER = settings.AUTH_USER_MODEL
NOT_NEGATIVE = [MinValueValidator(Decimal(0))]
YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]


def _user_fk(verbose_name: Any, related_name: str = "+") -> Any:
    return models.ForeignKey(
        USER, verbose_name=verbose_name, null=True, blank=True, on_delete=models.SET_NULL, related_name=related_name
    )


class Criterion(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="portfolio_criteria"
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    name = models.CharField(_("kriterium"), max_length=200)
    description = models.TextField(_("hva som gir høy score"), blank=True)
    weight = models.DecimalField(
        _("vekt"), max_digits=7, decimal_places=6, default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kriterium")
        verbose_name_plural = _("kriterier")
        ordering = ["collaboration", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "name"], name="criterion_name_unique",
                violation_error_message=_("Samarbeidet har allerede et kriterium med dette navnet."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Comparison(models.Model):
    """One AHP judgement: how much more important ``first`` is than ``second`` (1/9 … 9).
    Only the upper triangle is stored; the lower is its reciprocal."""

    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="portfolio_comparisons"
    )
    first = models.ForeignKey(Criterion, verbose_name=_("kriterium"), on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Criterion, verbose_name=_("sammenlignet med"), on_delete=models.CASCADE, related_name="+")
    value = models.FloatField(_("verdi"), validators=[MinValueValidator(1 / 9), MaxValueValidator(9)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("parvis sammenligning")
        verbose_name_plural = _("parvise sammenligninger")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="comparison_pair_unique"),
            models.CheckConstraint(condition=~Q(first=F("second")), name="comparison_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.first} : {self.second} = {self.value:g}"


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Innmeldt")
    ASSESSED = "assessed", _("Vurdert")
    RECOMMENDED = "recommended", _("Anbefalt")
    APPROVED = "approved", _("Godkjent")
    REJECTED = "rejected", _("Avslått")
    PARKED = "parked", _("Parkert")
    STARTED = "started", _("Startet som prosjekt")


# Which status may follow which: the flow of the issue, with a way back from parked.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProposalStatus.SUBMITTED: (ProposalStatus.ASSESSED, ProposalStatus.REJECTED, ProposalStatus.PARKED),
    ProposalStatus.ASSESSED: (ProposalStatus.RECOMMENDED, ProposalStatus.REJECTED, ProposalStatus.PARKED),
    ProposalStatus.RECOMMENDED: (ProposalStatus.APPROVED, ProposalStatus.REJECTED, ProposalStatus.PARKED),
    ProposalStatus.APPROVED: (ProposalStatus.STARTED, ProposalStatus.PARKED),
    ProposalStatus.PARKED: (ProposalStatus.SUBMITTED, ProposalStatus.ASSESSED),
    ProposalStatus.REJECTED: (),
    ProposalStatus.STARTED: (),
}


class Proposal(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="proposals"
    )
    code = models.CharField(_("nummer"), max_length=30, blank=True)
    title = models.CharField(_("tittel"), max_length=300)
    description = models.TextField(_("beskrivelse"), blank=True)
    sponsor = models.ForeignKey(
        Organisation, verbose_name=_("innmeldt av"), on_delete=models.PROTECT, related_name="portfolio_proposals"
    )
    contact = _user_fk(_("kontaktperson"), "portfolio_proposals")
    status = models.CharField(_("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED)
    expected_benefits = models.TextField(_("forventede gevinster"), blank=True)
    risk = models.PositiveSmallIntegerField(
        _("risiko (1–5)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    earliest_start = models.PositiveSmallIntegerField(_("tidligste oppstart (år)"), null=True, blank=True, validators=YEAR)
    npv = models.DecimalField(_("netto nåverdi"), max_digits=16, decimal_places=0, null=True, blank=True)
    case_version = models.ForeignKey(
        "cases.CaseVersion", verbose_name=_("business case"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="portfolio_proposals",
    )
    category = models.ForeignKey(
        "landscape.SystemCategory", verbose_name=_("systemkategori (konsolideringsmulighet)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="portfolio_proposals",
    )
    requires = models.ManyToManyField(
        "self", verbose_name=_("forutsetter"), symmetrical=False, blank=True, related_name="required_by"
    )
    project = models.ForeignKey(
        "governance.Project", verbose_name=_("prosjekt"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="portfolio_proposals",
    )
    created_at = models.DateTimeField(_("innmeldt"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[requires])

    class Meta:
        verbose_name = _("forslag")
        verbose_name_plural = _("forslag")
        ordering = ["collaboration", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "title"], name="proposal_title_unique",
                violation_error_message=_("Samarbeidet har allerede et forslag med denne tittelen."),
            ),
            models.UniqueConstraint(
                fields=["collaboration", "code"], condition=~Q(code=""), name="proposal_code_unique",
                violation_error_message=_("Nummeret er allerede i bruk."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title


class ProposalCost(Versioned):
    """What a proposal needs from the pot in one year: money and hours."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("forslag"), on_delete=models.CASCADE, related_name="costs")
    year = models.PositiveSmallIntegerField(_("år"), validators=YEAR)
    amount = models.DecimalField(_("beløp (kr)"), max_digits=14, decimal_places=0, validators=NOT_NEGATIVE)
    hours = models.DecimalField(_("timer"), max_digits=10, decimal_places=0, default=Decimal(0), validators=NOT_NEGATIVE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kostnad per år")
        verbose_name_plural = _("kostnader per år")
        ordering = ["proposal", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "year"], name="proposal_cost_one_per_year",
                violation_error_message=_("Forslaget har allerede en kostnad for dette året."),
            )
        ]


class Score(Versioned):
    proposal = models.ForeignKey(Proposal, verbose_name=_("forslag"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("kriterium"), on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score (0–5)"), validators=[MaxValueValidator(5)])
    rationale = models.TextField(_("begrunnelse"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scorer")
        constraints = [models.UniqueConstraint(fields=["proposal", "criterion"], name="score_once_per_criterion")]


class ProposalGroup(Versioned):
    class Kind(models.TextChoices):
        EXCLUSION = "exclusion", _("Gjensidig utelukkende (høyst ett)")
        INCLUSION = "inclusion", _("Hører sammen (alle eller ingen)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="proposal_groups"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("navn"), max_length=200)
    members = models.ManyToManyField(Proposal, verbose_name=_("forslag"), related_name="groups")
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("gruppe av forslag")
        verbose_name_plural = _("grupper av forslag")
        ordering = ["collaboration", "name"]


class PotYear(Versioned):
    """The shared investment pot of one year: the members' contributions and the capacity."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="pot_years"
    )
    year = models.PositiveSmallIntegerField(_("år"), validators=YEAR)
    capacity_hours = models.DecimalField(
        _("kapasitet (timer)"), max_digits=10, decimal_places=0, null=True, blank=True, validators=NOT_NEGATIVE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("investeringspott for et år")
        verbose_name_plural = _("investeringspott")
        ordering = ["collaboration", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "year"], name="pot_year_unique",
                violation_error_message=_("Potten har allerede dette året."),
            )
        ]


class Contribution(Versioned):
    pot_year = models.ForeignKey(PotYear, verbose_name=_("år"), on_delete=models.CASCADE, related_name="contributions")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("medlem"), on_delete=models.PROTECT, related_name="pot_contributions"
    )
    amount = models.DecimalField(_("bidrag (kr)"), max_digits=16, decimal_places=2, validators=NOT_NEGATIVE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bidrag")
        verbose_name_plural = _("bidrag")
        ordering = ["pot_year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["pot_year", "organisation"], name="contribution_once_per_member",
                violation_error_message=_("Medlemmet har allerede et bidrag dette året."),
            )
        ]


class Scenario(Versioned):
    class Objective(models.TextChoices):
        SCORE = "score", _("Vektet score")
        NPV = "npv", _("Netto nåverdi")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="portfolio_scenarios"
    )
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    first_year = models.PositiveSmallIntegerField(_("første år"), validators=YEAR)
    years = models.PositiveSmallIntegerField(_("antall år"), default=5, validators=[MinValueValidator(1), MaxValueValidator(10)])
    objective = models.CharField(_("maksimer"), max_length=10, choices=Objective.choices, default=Objective.SCORE)
    budget_factor = models.DecimalField(
        _("andel av potten"), max_digits=5, decimal_places=2, default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(5))],
    )
    carry_forward = models.BooleanField(_("ubrukte midler overføres til neste år"), default=True)
    use_capacity = models.BooleanField(_("ta hensyn til kapasitet i timer"), default=False)
    forced_in = models.ManyToManyField(Proposal, verbose_name=_("tvunget inn"), blank=True, related_name="+")
    forced_out = models.ManyToManyField(Proposal, verbose_name=_("holdt utenfor"), blank=True, related_name="+")
    # Frozen at each run: chosen proposals, value, spending per year, reasons, solver gap.
    result = models.JSONField(_("resultat"), null=True, blank=True, editable=False)
    solved_at = models.DateTimeField(_("beregnet"), null=True, blank=True, editable=False)
    decision = models.ForeignKey(
        "governance.Decision", verbose_name=_("vedtatt ved"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="portfolio_scenarios",
    )
    created_by = _user_fk(_("opprettet av"))
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[forced_in, forced_out])

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarioer")
        ordering = ["collaboration", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "name"], name="scenario_name_unique",
                violation_error_message=_("Samarbeidet har allerede et scenario med dette navnet."),
            )
        ]

    def __str__(self) -> str:
        return self.name
