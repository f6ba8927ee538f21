"""Programmes and projects: phase models with gates and milestones, mandates, governance
bodies with meetings and decisions, risks, monthly status reports, plans, stakeholders and
the project log.

How the pieces fit:

- A *phase model* (``PhaseModel`` and its phases, gates, checklist items and milestones) is
  an editable template in one collaboration. The shipped ones live as Python data in
  ``samla.governance.phase_library`` and are copied in by ``services.phase_model_install``.
- A *project* instantiates a phase model: from then on its phases (``ProjectPhase``), gates
  (``Gate`` with ``ChecklistItem``) and milestones (``Milestone``) are its own rows, with
  planned, forecast and actual dates. A project may belong to a *programme*.
- A *decision* (``Decision``) of a governance *body* is the only way to pass a gate or to
  approve a milestone. Decisions are numbered per body and calendar year of the decision
  date, as Norwegian case numbers are: "PS 12/2026" is the twelfth decision of the body
  abbreviated PS in 2026 (``Decision.number``). A gate is passed by exactly one decision
  (``decision_gate_passed_once``); a milestone is approved by at most one
  (``decision_milestone_once``). The gate and milestone point back at their decision, so the
  project overview and the register both read it without extra queries.
- A published ``StatusReport`` is an immutable snapshot; ``Project.latest_status_report`` is
  kept by the publish service so that the portfolio heat map is one query.

Every write goes through ``samla.governance.services``; the models hold fields, choices and
the constraints that must hold in the database too.
"""

from __future__ import annotations

import datetime
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
from samla.organisations.models import Collaboration, CostSharingKey, Organisation

USER = settings.AUTH_USER_MODEL
ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]
NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


def _user_fk(verbose_name: Any, related_name: str = "+") -> Any:
    return models.ForeignKey(
        USER,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
    )


def _dates_in_order(start: str, end: str, name: str, message: Any) -> models.CheckConstraint:
    """``end`` is not before ``start`` when both are given."""
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=message,
    )


END_BEFORE_START = _("Sluttdatoen kan ikke være før startdatoen.")


class BodyKind(models.TextChoices):
    """Kinds of governance bodies; also who approves a gate or milestone in a template."""

    STEERING_GROUP = "steering_group", _("Styringsgruppe")
    PROJECT_BOARD = "project_board", _("Prosjektstyre")
    PROGRAMME_BOARD = "programme_board", _("Programstyre")
    PORTFOLIO_BOARD = "portfolio_board", _("Porteføljestyre")
    MANAGEMENT = "management", _("Virksomhetsledelse / rådmannsutvalg")
    MUNICIPAL_COUNCIL = "municipal_council", _("Kommunestyre")
    OTHER = "other", _("Annet organ")


class RagStatus(models.TextChoices):
    """Traffic-light status of a status report dimension."""

    GREEN = "green", _("Grønn")
    YELLOW = "yellow", _("Gul")
    RED = "red", _("Rød")


class Level(models.TextChoices):
    LOW = "low", _("Lav")
    MEDIUM = "medium", _("Middels")
    HIGH = "high", _("Høy")


# --- Phase models (templates) ---------------------------------------------------------------


class PhaseModel(Versioned):
    """An editable phase model of one collaboration, from the library or made by hand."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("samarbeid"),
        on_delete=models.CASCADE,
        related_name="phase_models",
    )
    library_key = models.CharField(
        _("bibliotekmodell"),
        max_length=40,
        blank=True,
        help_text=_("Nøkkelen i det medfølgende biblioteket modellen er kopiert fra."),
    )
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    source = models.CharField(_("kilde"), max_length=500, blank=True)
    language = models.CharField(
        _("språk i originalen"), max_length=8, blank=True, help_text=_("For eksempel «da».")
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fasemodell")
        verbose_name_plural = _("fasemodeller")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "name"],
                name="phase_model_name_unique",
                violation_error_message=_(
                    "Samarbeidet har allerede en fasemodell med dette navnet."
                ),
            ),
            models.UniqueConstraint(
                fields=["collaboration", "library_key"],
                condition=~Q(library_key=""),
                name="phase_model_library_key_unique",
                violation_error_message=_("Modellen fra biblioteket er allerede lagt inn."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PhaseModelPhase(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phase_model = models.ForeignKey(
        PhaseModel, verbose_name=_("fasemodell"), on_delete=models.CASCADE, related_name="phases"
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"))
    name = models.CharField(_("navn"), max_length=200)
    original_name = models.CharField(
        _("navn i originalen"), max_length=200, blank=True, help_text=_("For eksempel dansk.")
    )
    description = models.TextField(_("formål og hovedaktiviteter"), blank=True)
    duration_weeks = models.PositiveSmallIntegerField(
        _("normal varighet (uker)"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(520)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fase i fasemodell")
        verbose_name_plural = _("faser i fasemodell")
        ordering = ["phase_model", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase_model", "order"],
                name="phase_model_phase_order_unique",
                violation_error_message=_("To faser kan ikke ha samme plass i rekkefølgen."),
            ),
            models.CheckConstraint(
                condition=Q(duration_weeks__gte=1), name="phase_model_phase_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PhaseModelGate(Versioned):
    """A decision gate at the end of a phase of the template."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phase_model = models.ForeignKey(
        PhaseModel, verbose_name=_("fasemodell"), on_delete=models.CASCADE, related_name="gates"
    )
    phase = models.ForeignKey(
        PhaseModelPhase,
        verbose_name=_("avslutter fasen"),
        on_delete=models.CASCADE,
        related_name="gates",
    )
    code = models.CharField(_("kode"), max_length=20, help_text=_("For eksempel «BP3»."))
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    approver = models.CharField(
        _("godkjennes av"), max_length=200, help_text=_("Slik det står i modellen.")
    )
    approver_kind = models.CharField(
        _("type organ som godkjenner"),
        max_length=32,
        choices=BodyKind.choices,
        default=BodyKind.STEERING_GROUP,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beslutningspunkt i fasemodell")
        verbose_name_plural = _("beslutningspunkter i fasemodell")
        ordering = ["phase_model", "phase__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase_model", "code"],
                name="phase_model_gate_code_unique",
                violation_error_message=_(
                    "Fasemodellen har allerede et beslutningspunkt med denne koden."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PhaseModelChecklistItem(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gate = models.ForeignKey(
        PhaseModelGate,
        verbose_name=_("beslutningspunkt"),
        on_delete=models.CASCADE,
        related_name="checklist",
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    text = models.CharField(_("punkt"), max_length=500)
    mandatory = models.BooleanField(_("obligatorisk"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sjekkpunkt i fasemodell")
        verbose_name_plural = _("sjekkpunkter i fasemodell")
        ordering = ["gate", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class PhaseModelMilestone(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phase_model = models.ForeignKey(
        PhaseModel,
        verbose_name=_("fasemodell"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    phase = models.ForeignKey(
        PhaseModelPhase, verbose_name=_("fase"), on_delete=models.CASCADE, related_name="milestones"
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge i fasen"), default=0)
    code = models.CharField(
        _("nummer"), max_length=20, blank=True, help_text=_("For eksempel «1.3».")
    )
    name = models.CharField(_("milepæl"), max_length=300)
    original_name = models.CharField(_("navn i originalen"), max_length=300, blank=True)
    deliverable = models.TextField(_("leveranse"), blank=True)
    responsible_role = models.CharField(_("ansvarlig rolle"), max_length=300, blank=True)
    approver = models.CharField(_("godkjennes av"), max_length=200, blank=True)
    approver_kind = models.CharField(
        _("type organ som godkjenner"), max_length=32, choices=BodyKind.choices, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milepæl i fasemodell")
        verbose_name_plural = _("milepæler i fasemodell")
        ordering = ["phase_model", "phase__order", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


# --- Programmes and projects ---------------------------------------------------------------


class Lifecycle(models.TextChoices):
    PROPOSED = "proposed", _("Forslag")
    ACTIVE = "active", _("Pågår")
    ON_HOLD = "on_hold", _("Satt på vent")
    COMPLETED = "completed", _("Avsluttet")
    CANCELLED = "cancelled", _("Stanset")


class Programme(Versioned):
    """A programme holds related projects (seed 002: «programmet»)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("samarbeid"),
        on_delete=models.CASCADE,
        related_name="programmes",
    )
    name = models.CharField(_("navn"), max_length=200)
    code = models.CharField(_("kortnavn"), max_length=30, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    owner = _user_fk(_("programeier"))
    manager = _user_fk(_("programleder"))
    status = models.CharField(
        _("status"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.ACTIVE
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("slutt"), null=True, blank=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programmer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "name"],
                name="programme_name_unique",
                violation_error_message=_("Samarbeidet har allerede et program med dette navnet."),
            ),
            _dates_in_order("start", "end", "programme_end_after_start", END_BEFORE_START),
        ]

    def __str__(self) -> str:
        return self.name


class Project(Versioned):
    """A project of a collaboration, concerning some of its members."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("samarbeid"),
        on_delete=models.CASCADE,
        related_name="projects",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    name = models.CharField(_("navn"), max_length=200)
    code = models.CharField(_("prosjektnummer"), max_length=30, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("berørte medlemmer"),
        blank=True,
        related_name="governance_projects",
    )
    owner = _user_fk(_("prosjekteier"), "owned_projects")
    leader = _user_fk(_("prosjektleder"), "led_projects")
    status = models.CharField(
        _("status"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.ACTIVE
    )
    phase_model = models.ForeignKey(
        PhaseModel,
        verbose_name=_("fasemodell"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    current_phase = models.ForeignKey(
        "ProjectPhase",
        verbose_name=_("nåværende fase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("planlagt slutt"), null=True, blank=True)
    category = models.ForeignKey(
        "landscape.SystemCategory",
        verbose_name=_("systemkategori"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="governance_projects",
    )
    business_case = models.ForeignKey(
        "cases.BusinessCase",
        verbose_name=_("business case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="governance_projects",
    )
    # Kept by services.status_report_publish: the heat map reads it with one join.
    latest_status_report = models.ForeignKey(
        "StatusReport",
        verbose_name=_("siste statusrapport"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[organisations])

    class Meta:
        verbose_name = _("prosjekt")
        verbose_name_plural = _("prosjekter")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "name"],
                name="project_name_unique",
                violation_error_message=_("Samarbeidet har allerede et prosjekt med dette navnet."),
            ),
            models.UniqueConstraint(
                fields=["collaboration", "code"],
                condition=~Q(code=""),
                name="project_code_unique",
                violation_error_message=_("Prosjektnummeret er allerede i bruk."),
            ),
            _dates_in_order("start", "end", "project_end_after_start", END_BEFORE_START),
        ]
        indexes = [models.Index(fields=["collaboration", "status"], name="project_by_status")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name


class ProjectPhase(Versioned):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Ikke startet")
        ACTIVE = "active", _("Pågår")
        COMPLETED = "completed", _("Fullført")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Project, verbose_name=_("prosjekt"), on_delete=models.CASCADE, related_name="phases"
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"))
    name = models.CharField(_("navn"), max_length=200)
    original_name = models.CharField(_("navn i originalen"), max_length=200, blank=True)
    description = models.TextField(_("formål og hovedaktiviteter"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    planned_start = models.DateField(_("planlagt start"))
    planned_end = models.DateField(_("planlagt slutt"))
    actual_start = models.DateField(_("faktisk start"), null=True, blank=True)
    actual_end = models.DateField(_("faktisk slutt"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fase")
        verbose_name_plural = _("faser")
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "order"],
                name="project_phase_order_unique",
                violation_error_message=_("To faser kan ikke ha samme plass i rekkefølgen."),
            ),
            _dates_in_order(
                "planned_start", "planned_end", "project_phase_planned_in_order", END_BEFORE_START
            ),
            _dates_in_order(
                "actual_start", "actual_end", "project_phase_actual_in_order", END_BEFORE_START
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Gate(Versioned):
    """A decision gate of a project (beslutningspunkt), passed only by a decision."""

    class Status(models.TextChoices):
        OPEN = "open", _("Åpent")
        PASSED = "passed", _("Passert")
        REJECTED = "rejected", _("Ikke godkjent")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Project, verbose_name=_("prosjekt"), on_delete=models.CASCADE, related_name="gates"
    )
    phase = models.ForeignKey(
        ProjectPhase,
        verbose_name=_("avslutter fasen"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="gates",
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"))
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    approver = models.CharField(_("godkjennes av"), max_length=200, blank=True)
    approver_kind = models.CharField(
        _("type organ som godkjenner"), max_length=32, choices=BodyKind.choices, blank=True
    )
    approver_body = models.ForeignKey(
        "Body",
        verbose_name=_("organ som godkjenner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gates",
    )
    planned_date = models.DateField(_("planlagt dato"), null=True, blank=True)
    forecast_date = models.DateField(_("prognose"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    # The decision that last set the status; decisions are kept (PROTECT) as records.
    decided_by = models.ForeignKey(
        "Decision",
        verbose_name=_("avgjort ved vedtak"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beslutningspunkt")
        verbose_name_plural = _("beslutningspunkter")
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code"],
                name="gate_code_unique",
                violation_error_message=_(
                    "Prosjektet har allerede et beslutningspunkt med denne koden."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(decided_by__isnull=False),
                name="gate_decided_has_decision",
                violation_error_message=_("Et beslutningspunkt avgjøres bare ved et vedtak."),
            ),
        ]
        indexes = [models.Index(fields=["planned_date"], name="gate_by_planned_date")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def due_date(self) -> datetime.date | None:
        return self.forecast_date or self.planned_date


class ChecklistItem(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gate = models.ForeignKey(
        Gate, verbose_name=_("beslutningspunkt"), on_delete=models.CASCADE, related_name="checklist"
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    text = models.CharField(_("punkt"), max_length=500)
    mandatory = models.BooleanField(_("obligatorisk"), default=False)
    done = models.BooleanField(_("utført"), default=False)
    done_by = _user_fk(_("utført av"))
    done_at = models.DateTimeField(_("utført"), null=True, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sjekkpunkt")
        verbose_name_plural = _("sjekkpunkter")
        ordering = ["gate", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done=False) | Q(done_at__isnull=False),
                name="checklist_item_done_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Milestone(Versioned):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        IN_PROGRESS = "in_progress", _("Pågår")
        REACHED = "reached", _("Nådd")
        APPROVED = "approved", _("Godkjent")
        CANCELLED = "cancelled", _("Utgår")

    # Statuses at which a milestone is no longer due.
    FINISHED = (Status.REACHED, Status.APPROVED, Status.CANCELLED)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Project, verbose_name=_("prosjekt"), on_delete=models.CASCADE, related_name="milestones"
    )
    phase = models.ForeignKey(
        ProjectPhase,
        verbose_name=_("fase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones",
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    code = models.CharField(_("nummer"), max_length=20, blank=True)
    name = models.CharField(_("milepæl"), max_length=300)
    original_name = models.CharField(_("navn i originalen"), max_length=300, blank=True)
    deliverable = models.TextField(_("leveranse"), blank=True)
    responsible_role = models.CharField(_("ansvarlig rolle"), max_length=300, blank=True)
    responsible = _user_fk(_("ansvarlig"), "governance_milestones")
    approver = models.CharField(_("godkjennes av"), max_length=200, blank=True)
    approver_kind = models.CharField(
        _("type organ som godkjenner"), max_length=32, choices=BodyKind.choices, blank=True
    )
    approver_body = models.ForeignKey(
        "Body",
        verbose_name=_("organ som godkjenner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones",
    )
    planned_date = models.DateField(_("planlagt dato"))
    forecast_date = models.DateField(_("prognose"), null=True, blank=True)
    actual_date = models.DateField(_("faktisk dato"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    approved_by = models.ForeignKey(
        "Decision",
        verbose_name=_("godkjent ved vedtak"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milepæl")
        verbose_name_plural = _("milepæler")
        ordering = ["project", "planned_date", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_by__isnull=False),
                name="milestone_approved_has_decision",
                violation_error_message=_("En milepæl godkjennes bare ved et vedtak."),
            ),
        ]
        indexes = [
            models.Index(fields=["project", "planned_date"], name="milestone_by_project_date"),
            models.Index(fields=["planned_date"], name="milestone_by_date"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def due_date(self) -> datetime.date:
        return self.forecast_date or self.planned_date

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    def is_late(self, today: datetime.date) -> bool:
        return not self.is_finished and self.due_date < today


# --- Mandate --------------------------------------------------------------------------------


class Mandate(Versioned):
    """The project mandate (prosjektmandat), laid out as a Norwegian mandate is."""

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", _("Månedlig")
        QUARTERLY = "quarterly", _("Kvartalsvis")
        PER_PHASE = "per_phase", _("Ved faseoverganger")
        PER_MEETING = "per_meeting", _("Til hvert møte i styringsgruppen")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.OneToOneField(
        Project, verbose_name=_("prosjekt"), on_delete=models.CASCADE, related_name="mandate"
    )
    background = models.TextField(_("bakgrunn"), blank=True)
    purpose = models.TextField(_("formål"), blank=True)
    main_goal = models.TextField(_("hovedmål"), blank=True)
    scope = models.TextField(_("omfang"), blank=True)
    limits = models.TextField(_("avgrensninger"), blank=True)
    frames = models.TextField(
        _("rammer"), blank=True, help_text=_("Lover, forskrifter, avtaler og styrende dokumenter.")
    )
    expected_results = models.TextField(_("forventede resultater"), blank=True)
    risk_summary = models.TextField(
        _("risiko og kritiske suksessfaktorer"),
        blank=True,
        help_text=_("Enkeltrisikoene føres i prosjektets risikoregister."),
    )
    quality_assurance = models.TextField(_("kvalitetssikring"), blank=True)
    reporting_cadence = models.CharField(
        _("rapporteringshyppighet"),
        max_length=20,
        choices=Cadence.choices,
        default=Cadence.MONTHLY,
    )
    reporting = models.TextField(
        _("rapportering"), blank=True, help_text=_("Til hvem, om hva og hvordan.")
    )
    financing_note = models.TextField(_("merknad om finansiering"), blank=True)
    financing_key = models.ForeignKey(
        CostSharingKey,
        verbose_name=_("fordelingsnøkkel for finansiering"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mandat")
        verbose_name_plural = _("mandater")

    def __str__(self) -> str:
        return str(_("Mandat for %(project)s") % {"project": self.project})


class SubGoal(Versioned):
    """A measurable sub-goal (delmål) with its target and deadline."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandat"), on_delete=models.CASCADE, related_name="sub_goals"
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    text = models.TextField(_("delmål"))
    measure = models.CharField(
        _("måles ved"), max_length=300, blank=True, help_text=_("Indikator eller målemetode.")
    )
    target = models.CharField(
        _("målverdi"),
        max_length=200,
        blank=True,
        help_text=_("For eksempel «5 % av innkjøpsvolumet»."),
    )
    deadline = models.DateField(_("frist"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delmål")
        verbose_name_plural = _("delmål")
        ordering = ["mandate", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Concept(Versioned):
    """A concept (alternative) considered, the zero alternative included."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandat"), on_delete=models.CASCADE, related_name="concepts"
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    name = models.CharField(_("konsept"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    is_zero = models.BooleanField(_("nullalternativet"), default=False)
    is_chosen = models.BooleanField(_("anbefalt"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vurdert konsept")
        verbose_name_plural = _("vurderte konsepter")
        ordering = ["mandate", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mandate"],
                condition=Q(is_zero=True),
                name="concept_one_zero",
                violation_error_message=_("Mandatet har allerede et nullalternativ."),
            ),
            models.UniqueConstraint(
                fields=["mandate"],
                condition=Q(is_chosen=True),
                name="concept_one_chosen",
                violation_error_message=_("Bare ett konsept kan være anbefalt."),
            ),
            models.UniqueConstraint(
                fields=["mandate", "name"],
                name="concept_name_unique",
                violation_error_message=_("Mandatet har allerede et konsept med dette navnet."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MandateRole(Versioned):
    """A person in the project organisation, with the organisation they represent."""

    class Kind(models.TextChoices):
        OWNER = "owner", _("Prosjekteier")
        STEERING_GROUP = "steering_group", _("Styringsgruppe")
        PROJECT_LEADER = "project_leader", _("Prosjektleder")
        PROJECT_GROUP = "project_group", _("Prosjektgruppe")
        WORKING_GROUP = "working_group", _("Arbeidsgruppe")
        REFERENCE_GROUP = "reference_group", _("Referansegruppe")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandat"), on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(_("rolle i prosjektet"), max_length=20, choices=Kind.choices)
    group = models.CharField(
        _("gruppe"),
        max_length=200,
        blank=True,
        help_text=_("Hvilken arbeids- eller referansegruppe, for eksempel «Økonominettverket»."),
    )
    user = _user_fk(_("person"), "governance_roles")
    name = models.CharField(
        _("navn"), max_length=200, blank=True, help_text=_("For personer uten brukerkonto.")
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("representerer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(
        _("funksjon"),
        max_length=200,
        blank=True,
        help_text=_("For eksempel «leder» eller «tillitsvalgt»."),
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rolle i prosjektorganisasjonen")
        verbose_name_plural = _("prosjektorganisasjon")
        ordering = ["mandate", "kind", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name="") | ~Q(group=""),
                name="mandate_role_names_someone",
                violation_error_message=_("Velg en person, skriv et navn eller en gruppe."),
            ),
        ]

    def __str__(self) -> str:
        who = self.user or self.name or self.group
        return f"{self.get_kind_display()}: {who}"

    @property
    def person_name(self) -> str:
        return str(self.user) if self.user_id else self.name


class CostLine(Versioned):
    """A budget line of the mandate for one year (direct or indirect cost)."""

    class Kind(models.TextChoices):
        DIRECT = "direct", _("Direkte kostnad")
        INDIRECT = "indirect", _("Indirekte kostnad")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandat"), on_delete=models.CASCADE, related_name="cost_lines"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.DIRECT)
    name = models.CharField(_("kostnad"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    amount = models.DecimalField(
        _("beløp (kr)"), max_digits=16, decimal_places=2, validators=NOT_NEGATIVE
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budsjettlinje")
        verbose_name_plural = _("budsjett")
        ordering = ["mandate", "kind", "order", "year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mandate", "kind", "name", "year"],
                name="cost_line_unique",
                violation_error_message=_("Budsjettet har allerede denne kostnaden for året."),
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="cost_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class Financing(Versioned):
    """Who pays: a member organisation (entered or computed by a key) or another source."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandat"), on_delete=models.CASCADE, related_name="financing"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(
        _("annen kilde"),
        max_length=200,
        blank=True,
        help_text=_("For eksempel «Difi» eller «Skjønnsmidler»."),
    )
    amount = models.DecimalField(
        _("beløp (kr)"), max_digits=16, decimal_places=2, validators=NOT_NEGATIVE
    )
    computed = models.BooleanField(
        _("beregnet med fordelingsnøkkel"), default=False, editable=False
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finansiering")
        verbose_name_plural = _("finansiering")
        ordering = ["mandate", "order", "organisation__name", "source"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(source=""))
                | (Q(organisation__isnull=True) & ~Q(source="")),
                name="financing_organisation_or_source",
                violation_error_message=_("Velg enten en organisasjon eller skriv en annen kilde."),
            ),
            models.UniqueConstraint(
                fields=["mandate", "organisation"],
                condition=Q(organisation__isnull=False),
                name="financing_one_per_organisation",
                violation_error_message=_("Organisasjonen har allerede en finansieringslinje."),
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="financing_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation or self.source}: {self.amount}"


class ResourceLine(Versioned):
    """Planned internal effort of one forum: persons × meetings × hours per meeting
    = hours; hours × hourly rate = cost (seed 003, «Planlagt ressursinnsats»)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandat"), on_delete=models.CASCADE, related_name="resources"
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    forum = models.CharField(_("forum"), max_length=200)
    persons = models.PositiveIntegerField(_("antall personer"))
    meetings = models.PositiveIntegerField(_("antall møter"))
    hours_per_meeting = models.DecimalField(
        _("gj.snitt timer per møte"), max_digits=8, decimal_places=2, validators=NOT_NEGATIVE
    )
    hourly_rate = models.DecimalField(
        _("timepris (kr)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("500"),
        validators=NOT_NEGATIVE,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ressurslinje")
        verbose_name_plural = _("ressursplan")
        ordering = ["mandate", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mandate", "forum"],
                name="resource_line_forum_unique",
                violation_error_message=_("Ressursplanen har allerede dette forumet."),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_meeting__gte=0) & Q(hourly_rate__gte=0),
                name="resource_line_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.forum

    @property
    def hours(self) -> Decimal:
        return Decimal(self.persons) * Decimal(self.meetings) * Decimal(self.hours_per_meeting)

    @property
    def cost(self) -> Decimal:
        return (self.hours * Decimal(self.hourly_rate)).quantize(Decimal("0.01"))


# --- Bodies, meetings, decisions ------------------------------------------------------------


class Body(Versioned):
    """A governance body: steering group, project board, portfolio board, council …"""

    Kind = BodyKind

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="bodies"
    )
    kind = models.CharField(_("type"), max_length=32, choices=BodyKind.choices)
    name = models.CharField(_("navn"), max_length=200)
    abbreviation = models.CharField(
        _("forkortelse"),
        max_length=12,
        help_text=_("Brukes i vedtaksnummeret, for eksempel «PS» i «PS 12/2026»."),
    )
    description = models.TextField(_("mandat og sammensetning"), blank=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bodies",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("prosjekt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bodies",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("styringsorgan")
        verbose_name_plural = _("styringsorganer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "name"],
                name="body_name_unique",
                violation_error_message=_("Samarbeidet har allerede et organ med dette navnet."),
            ),
            models.UniqueConstraint(
                fields=["collaboration", "abbreviation"],
                name="body_abbreviation_unique",
                violation_error_message=_("Forkortelsen er allerede i bruk av et annet organ."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BodyMember(Versioned):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Leder")
        MEMBER = "member", _("Medlem")
        DEPUTY = "deputy", _("Vara")
        SECRETARY = "secretary", _("Sekretær")
        OBSERVER = "observer", _("Observatør")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.CASCADE, related_name="members"
    )
    user = _user_fk(_("person"), "governance_body_memberships")
    name = models.CharField(_("navn"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("representerer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medlem")
        verbose_name_plural = _("medlemmer")
        ordering = ["body", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""),
                name="body_member_names_someone",
                violation_error_message=_("Velg en person eller skriv et navn."),
            ),
            models.UniqueConstraint(
                fields=["body", "user"],
                condition=Q(user__isnull=False),
                name="body_member_user_once",
                violation_error_message=_("Personen er allerede medlem av organet."),
            ),
        ]

    def __str__(self) -> str:
        return self.person_name

    @property
    def person_name(self) -> str:
        return str(self.user) if self.user_id else self.name


class Meeting(Versioned):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        HELD = "held", _("Avholdt")
        CANCELLED = "cancelled", _("Avlyst")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(_("tittel"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starter"))
    ends_at = models.DateTimeField(_("slutter"), null=True, blank=True)
    location = models.CharField(_("sted"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    present = models.ManyToManyField(
        BodyMember, verbose_name=_("til stede"), blank=True, related_name="meetings_attended"
    )
    guests = models.TextField(_("andre til stede"), blank=True)
    minutes = models.TextField(_("referat"), blank=True)
    history = HistoricalRecords(m2m_fields=[present])

    class Meta:
        verbose_name = _("møte")
        verbose_name_plural = _("møter")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("Møtet kan ikke slutte før det starter."),
            ),
        ]
        indexes = [
            models.Index(fields=["body", "starts_at"], name="meeting_by_body_start"),
            models.Index(fields=["starts_at"], name="meeting_by_start"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.body} {self.starts_at:%d.%m.%Y}"


class AgendaItem(Versioned):
    class Kind(models.TextChoices):
        DECISION = "decision", _("Beslutningssak")
        DISCUSSION = "discussion", _("Drøftingssak")
        ORIENTATION = "orientation", _("Orienteringssak")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møte"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    number = models.CharField(_("saksnummer"), max_length=20, blank=True)
    title = models.CharField(_("sak"), max_length=300)
    kind = models.CharField(
        _("type sak"), max_length=20, choices=Kind.choices, default=Kind.DECISION
    )
    presenter = models.CharField(_("innleder"), max_length=200, blank=True)
    case_paper_url = models.URLField(_("saksframlegg (lenke)"), max_length=500, blank=True)
    proposal = models.TextField(_("forslag til vedtak"), blank=True)
    notes = models.TextField(_("referat fra saken"), blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("prosjekt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sak på sakslisten")
        verbose_name_plural = _("saksliste")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class Decision(Versioned):
    """An entry of the decision register. What it decides is linked: a gate (passed or
    not), a milestone (approved), a system choice of the target portfolio or a version of a
    business case."""

    class GateOutcome(models.TextChoices):
        NONE = "", _("—")
        PASSED = "passed", _("Beslutningspunktet passeres")
        REJECTED = "rejected", _("Beslutningspunktet passeres ikke")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("samarbeid"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="decisions"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("møte"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("sak"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    year = models.PositiveSmallIntegerField(_("år"))
    sequence = models.PositiveIntegerField(_("løpenummer"))
    decided_on = models.DateField(_("dato"))
    title = models.CharField(_("tittel"), max_length=300)
    text = models.TextField(_("vedtak"))
    alternatives = models.TextField(
        _("alternativer som ble vurdert"), blank=True, help_text=_("Ett alternativ per avsnitt.")
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("prosjekt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    gate = models.ForeignKey(
        Gate,
        verbose_name=_("beslutningspunkt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    gate_outcome = models.CharField(
        _("utfall for beslutningspunktet"),
        max_length=20,
        choices=GateOutcome.choices,
        default=GateOutcome.NONE,
        blank=True,
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("godkjent milepæl"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    target_choice = models.ForeignKey(
        "landscape.TargetChoice",
        verbose_name=_("valg i målporteføljen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="governance_decisions",
    )
    case_version = models.ForeignKey(
        "cases.CaseVersion",
        verbose_name=_("versjon av business case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="governance_decisions",
    )
    recorded_by = _user_fk(_("registrert av"))
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vedtak")
        verbose_name_plural = _("vedtak")
        ordering = ["-decided_on", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "sequence"],
                name="decision_number_unique",
                violation_error_message=_("Organet har allerede et vedtak med dette nummeret."),
            ),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="decision_sequence_positive"),
            models.CheckConstraint(
                condition=(Q(gate__isnull=True) & Q(gate_outcome=""))
                | (Q(gate__isnull=False) & Q(gate_outcome__in=["passed", "rejected"])),
                name="decision_gate_has_outcome",
                violation_error_message=_("Et vedtak om et beslutningspunkt må ha et utfall."),
            ),
            models.UniqueConstraint(
                fields=["gate"],
                condition=Q(gate_outcome="passed"),
                name="decision_gate_passed_once",
                violation_error_message=_("Beslutningspunktet er allerede passert."),
            ),
            models.UniqueConstraint(
                fields=["milestone"],
                condition=Q(milestone__isnull=False),
                name="decision_milestone_once",
                violation_error_message=_("Milepælen er allerede godkjent."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["collaboration", "-decided_on", "-sequence"], name="decision_register"
            ),
            models.Index(fields=["collaboration", "year"], name="decision_by_year"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """«PS 12/2026»: the body's abbreviation, the sequence and the year."""
        return f"{self.body.abbreviation} {self.sequence}/{self.year}"

    @property
    def alternative_list(self) -> list[str]:
        return [part.strip() for part in self.alternatives.split("\n\n") if part.strip()]


class ActionItem(Versioned):
    """A task agreed in a meeting (oppfølgingspunkt), with owner and due date."""

    class Status(models.TextChoices):
        OPEN = "open", _("Åpen")
        DONE = "done", _("Utført")
        CANCELLED = "cancelled", _("Utgår")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("samarbeid"),
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("fra møte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("prosjekt"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    text = models.TextField(_("oppgave"))
    owner = _user_fk(_("ansvarlig"), "governance_action_items")
    owner_name = models.CharField(_("ansvarlig (navn)"), max_length=200, blank=True)
    due = models.DateField(_("frist"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(_("utført dato"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("oppfølgingspunkt")
        verbose_name_plural = _("oppfølgingspunkter")
        ordering = ["status", "due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="action_item_done_has_date",
            ),
        ]
        indexes = [models.Index(fields=["collaboration", "status", "due"], name="action_by_due")]

    def __str__(self) -> str:
        return self.text[:80]


# --- Risks ----------------------------------------------------------------------------------


class Risk(Versioned):
    """A risk of a project or of a programme; probability and impact 1–5, before and after
    mitigation."""

    class Strategy(models.TextChoices):
        REDUCE = "reduce", _("Redusere")
        MONITOR = "monitor", _("Overvåke")
        AVOID = "avoid", _("Unngå")
        TRANSFER = "transfer", _("Overføre")
        SHARE = "share", _("Dele")
        ACCEPT = "accept", _("Akseptere")

    class Status(models.TextChoices):
        OPEN = "open", _("Åpen")
        OCCURRED = "occurred", _("Inntruffet")
        CLOSED = "closed", _("Lukket")

    class Trend(models.TextChoices):
        RISING = "rising", _("Økende")
        STABLE = "stable", _("Uendret")
        FALLING = "falling", _("Synkende")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("samarbeid"), on_delete=models.CASCADE, related_name="risks"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("prosjekt"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="risks",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="risks",
    )
    number = models.PositiveIntegerField(_("nummer"))
    title = models.CharField(_("risiko"), max_length=300)
    description = models.TextField(_("beskrivelse"), blank=True)
    cause = models.TextField(_("årsak"), blank=True)
    consequence = models.TextField(_("konsekvens"), blank=True)
    probability = models.PositiveSmallIntegerField(_("sannsynlighet (1–5)"), validators=ONE_TO_FIVE)
    impact = models.PositiveSmallIntegerField(_("konsekvens (1–5)"), validators=ONE_TO_FIVE)
    residual_probability = models.PositiveSmallIntegerField(
        _("sannsynlighet etter tiltak (1–5)"), null=True, blank=True, validators=ONE_TO_FIVE
    )
    residual_impact = models.PositiveSmallIntegerField(
        _("konsekvens etter tiltak (1–5)"), null=True, blank=True, validators=ONE_TO_FIVE
    )
    strategy = models.CharField(
        _("strategi"), max_length=20, choices=Strategy.choices, default=Strategy.REDUCE
    )
    measures = models.TextField(_("tiltak"), blank=True)
    owner = _user_fk(_("risikoeier"), "governance_risks")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    trend = models.CharField(_("trend"), max_length=20, choices=Trend.choices, default=Trend.STABLE)
    created_by = _user_fk(_("registrert av"))
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risiko")
        verbose_name_plural = _("risikoer")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(project__isnull=False) & Q(programme__isnull=True))
                | (Q(project__isnull=True) & Q(programme__isnull=False)),
                name="risk_project_or_programme",
                violation_error_message=_(
                    "En risiko hører til enten et prosjekt eller et program."
                ),
            ),
            models.CheckConstraint(
                condition=Q(probability__gte=1, probability__lte=5),
                name="risk_probability_1_5",
                violation_error_message=_("Sannsynligheten må være fra 1 til 5."),
            ),
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=5),
                name="risk_impact_1_5",
                violation_error_message=_("Konsekvensen må være fra 1 til 5."),
            ),
            models.CheckConstraint(
                condition=Q(residual_probability__isnull=True)
                | Q(residual_probability__gte=1, residual_probability__lte=5),
                name="risk_residual_probability_1_5",
                violation_error_message=_("Sannsynligheten etter tiltak må være fra 1 til 5."),
            ),
            models.CheckConstraint(
                condition=Q(residual_impact__isnull=True)
                | Q(residual_impact__gte=1, residual_impact__lte=5),
                name="risk_residual_impact_1_5",
                violation_error_message=_("Konsekvensen etter tiltak må være fra 1 til 5."),
            ),
            models.UniqueConstraint(
                fields=["project", "number"],
                condition=Q(project__isnull=False),
                name="risk_number_per_project",
            ),
            models.UniqueConstraint(
                fields=["programme", "number"],
                condition=Q(programme__isnull=False),
                name="risk_number_per_programme",
            ),
        ]
        indexes = [
            models.Index(fields=["collaboration", "status"], name="risk_by_status"),
            models.Index(fields=["project", "status"], name="risk_by_project"),
        ]

    def __str__(self) -> str:
        return f"R{self.number} {self.title}"

    @property
    def score(self) -> int:
        return self.probability * self.impact

    @property
    def residual_score(self) -> int | None:
        if self.residual_probability is None or self.residual_impact is None:
            return None
        return self.residual_probability * self.residual_impact

    @property
    def level(self) -> str:
        """Low (1–4), medium (5–12) or high (15–25), as the colours of the 5×5 matrix."""
        return risk_level(self.score)


def risk_level(score: int) -> str:
    if score >= 15:
        return Level.HIGH
    if score >= 5:
        return Level.MEDIUM
    return Level.LOW


# --- Status reports -------------------------------------------------------------------------

STATUS_DIMENSIONS = ("overall", "schedule", "quality", "economy", "risk", "benefits")
DIMENSION_LABELS = {
    "overall": _("Samlet"),
    "schedule": _("Fremdrift"),
    "quality": _("Kvalitet"),
    "economy": _("Økonomi"),
    "risk": _("Risiko"),
    "benefits": _("Gevinster"),
}


def _rag(label: Any) -> Any:
    return models.CharField(label, max_length=10, choices=RagStatus.choices, blank=True)


class StatusReport(Versioned):
    """A monthly status report. A draft can change; a published one is a frozen snapshot
    with the changes since the previous published report."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        PUBLISHED = "published", _("Publisert")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Project, verbose_name=_("prosjekt"), on_delete=models.CASCADE, related_name="status_reports"
    )
    period = models.DateField(_("måned"), help_text=_("Første dag i måneden rapporten gjelder."))
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.DRAFT)
    overall = _rag(_("samlet"))
    overall_comment = models.TextField(_("kommentar, samlet"), blank=True)
    schedule = _rag(_("fremdrift"))
    schedule_comment = models.TextField(_("kommentar, fremdrift"), blank=True)
    quality = _rag(_("kvalitet"))
    quality_comment = models.TextField(_("kommentar, kvalitet"), blank=True)
    economy = _rag(_("økonomi"))
    economy_comment = models.TextField(_("kommentar, økonomi"), blank=True)
    risk = _rag(_("risiko"))
    risk_comment = models.TextField(_("kommentar, risiko"), blank=True)
    benefits = _rag(_("gevinster"))
    benefits_comment = models.TextField(_("kommentar, gevinster"), blank=True)
    summary = models.TextField(_("oppsummering"), blank=True)
    next_steps = models.TextField(_("neste steg"), blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("forrige publiserte rapport"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Frozen at publishing: the report's figures, milestones due or late and top risks
    # (``snapshot``) and what changed since ``previous`` (``changes``).
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    changes = models.JSONField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("publisert"), null=True, blank=True, editable=False)
    published_by = _user_fk(_("publisert av"))
    created_by = _user_fk(_("opprettet av"))
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("statusrapport")
        verbose_name_plural = _("statusrapporter")
        ordering = ["project", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period"],
                name="status_report_one_per_month",
                violation_error_message=_(
                    "Prosjektet har allerede en statusrapport for denne måneden."
                ),
            ),
            models.CheckConstraint(
                condition=Q(state="draft")
                | (Q(published_at__isnull=False) & Q(snapshot__isnull=False)),
                name="status_report_published_has_snapshot",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "state", "-period"], name="status_report_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.period:%m.%Y}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    def dimensions(self) -> list[tuple[str, str, str, str]]:
        """(key, label, colour, comment) for the six dimensions, in report order."""
        return [
            (key, str(DIMENSION_LABELS[key]), getattr(self, key), getattr(self, f"{key}_comment"))
            for key in STATUS_DIMENSIONS
        ]


class StatusCostLine(Versioned):
    """Budget, spent and forecast for one cost line in a status report."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(
        StatusReport,
        verbose_name=_("statusrapport"),
        on_delete=models.CASCADE,
        related_name="cost_lines",
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    name = models.CharField(_("kostnad"), max_length=200)
    budget = models.DecimalField(
        _("budsjett (kr)"), max_digits=16, decimal_places=2, validators=NOT_NEGATIVE
    )
    spent = models.DecimalField(
        _("påløpt (kr)"), max_digits=16, decimal_places=2, validators=NOT_NEGATIVE
    )
    forecast = models.DecimalField(
        _("prognose (kr)"), max_digits=16, decimal_places=2, validators=NOT_NEGATIVE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kostnadslinje")
        verbose_name_plural = _("kostnadslinjer")
        ordering = ["report", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "name"],
                name="status_cost_line_unique",
                violation_error_message=_("Rapporten har allerede en linje med dette navnet."),
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0) & Q(spent__gte=0) & Q(forecast__gte=0),
                name="status_cost_line_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def deviation(self) -> Decimal:
        """Forecast minus budget: positive is an overrun."""
        return self.forecast - self.budget


# --- Plan -----------------------------------------------------------------------------------


class Activity(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Project, verbose_name=_("prosjekt"), on_delete=models.CASCADE, related_name="activities"
    )
    phase = models.ForeignKey(
        ProjectPhase,
        verbose_name=_("fase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    code = models.CharField(_("nummer"), max_length=20, blank=True)
    name = models.CharField(_("aktivitet"), max_length=300)
    start = models.DateField(_("start"))
    end = models.DateField(_("slutt"))
    responsible = _user_fk(_("ansvarlig"), "governance_activities")
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("milepæl"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    progress = models.PositiveSmallIntegerField(
        _("fullført (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        ordering = ["project", "start", "order", "pk"]
        constraints = [
            _dates_in_order("start", "end", "activity_end_after_start", END_BEFORE_START),
            models.CheckConstraint(condition=Q(progress__lte=100), name="activity_progress_0_100"),
        ]
        indexes = [models.Index(fields=["project", "start"], name="activity_by_project_start")]

    def __str__(self) -> str:
        return self.name

    @property
    def duration_days(self) -> int:
        """Calendar days, both ends included."""
        return (self.end - self.start).days + 1


class Dependency(Versioned):
    """Finish-to-start: the successor starts after the predecessor ends (plus a lag)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    predecessor = models.ForeignKey(
        Activity,
        verbose_name=_("forgjenger"),
        on_delete=models.CASCADE,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        Activity,
        verbose_name=_("etterfølger"),
        on_delete=models.CASCADE,
        related_name="predecessor_links",
    )
    lag_days = models.PositiveSmallIntegerField(_("etterslep (dager)"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avhengighet")
        verbose_name_plural = _("avhengigheter")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="dependency_unique",
                violation_error_message=_("Avhengigheten finnes allerede."),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="dependency_not_self",
                violation_error_message=_("En aktivitet kan ikke avhenge av seg selv."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


# --- Stakeholders, communication, log ------------------------------------------------------


class Stakeholder(Versioned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Project, verbose_name=_("prosjekt"), on_delete=models.CASCADE, related_name="stakeholders"
    )
    name = models.CharField(_("interessent"), max_length=200)
    group = models.CharField(
        _("gruppe"),
        max_length=200,
        blank=True,
        help_text=_("For eksempel «tillitsvalgte» eller «innbyggere»."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    interest = models.TextField(_("interesse og forventninger"), blank=True)
    interest_level = models.CharField(
        _("interesse"), max_length=10, choices=Level.choices, default=Level.MEDIUM
    )
    influence = models.CharField(
        _("innflytelse"), max_length=10, choices=Level.choices, default=Level.MEDIUM
    )
    affected = models.TextField(_("hvordan berøres de"), blank=True)
    measures = models.TextField(_("tiltak"), blank=True)
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("interessent")
        verbose_name_plural = _("interessenter")
        ordering = ["project", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="stakeholder_name_unique",
                violation_error_message=_("Interessenten finnes allerede i prosjektet."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CommunicationItem(Versioned):
    class Channel(models.TextChoices):
        MEETING = "meeting", _("Møte")
        EMAIL = "email", _("E-post")
        INTRANET = "intranet", _("Intranett")
        WEBSITE = "website", _("Nettside")
        NEWSLETTER = "newsletter", _("Nyhetsbrev")
        WORKSHOP = "workshop", _("Samling / arbeidsmøte")
        PRESS = "press", _("Presse")
        SOCIAL = "social", _("Sosiale medier")
        OTHER = "other", _("Annet")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        DONE = "done", _("Gjennomført")
        CANCELLED = "cancelled", _("Utgår")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Project,
        verbose_name=_("prosjekt"),
        on_delete=models.CASCADE,
        related_name="communication_items",
    )
    stakeholder = models.ForeignKey(
        Stakeholder,
        verbose_name=_("interessent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="communication_items",
    )
    audience = models.CharField(_("målgruppe"), max_length=200)
    message = models.TextField(_("budskap"))
    channel = models.CharField(_("kanal"), max_length=20, choices=Channel.choices)
    date = models.DateField(_("dato"), null=True, blank=True)
    responsible = _user_fk(_("ansvarlig"), "governance_communication_items")
    responsible_name = models.CharField(_("ansvarlig (navn)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kommunikasjonstiltak")
        verbose_name_plural = _("kommunikasjonsplan")
        ordering = ["project", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.audience}: {self.message[:60]}"


class LogEntry(Versioned):
    """The project log: comments, concerns, change requests, deviations, lessons learned."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Kommentar")
        CONCERN = "concern", _("Bekymring")
        CHANGE_REQUEST = "change_request", _("Endringsønske")
        DEVIATION = "deviation", _("Avvik")
        LESSON = "lesson", _("Erfaring")

    class Status(models.TextChoices):
        OPEN = "open", _("Åpen")
        CLOSED = "closed", _("Lukket")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Project, verbose_name=_("prosjekt"), on_delete=models.CASCADE, related_name="log_entries"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("tittel"), max_length=300)
    text = models.TextField(_("tekst"), blank=True)
    author = _user_fk(_("skrevet av"), "governance_log_entries")
    date = models.DateField(_("dato"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("behandlet i vedtak"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="log_entries",
    )
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loggføring")
        verbose_name_plural = _("prosjektlogg")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["project", "-date"], name="log_by_project_date"),
            models.Index(fields=["kind", "-date"], name="log_by_kind_date"),
        ]

    def __str__(self) -> str:
        return self.title


# --- Calendar feed --------------------------------------------------------------------------


class CalendarFeed(models.Model):
    """A private iCalendar feed URL of one user. Only a SHA-256 digest of the token is
    stored, as for API tokens; a new token revokes the old one."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="governance_calendar_feeds"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kalenderabonnement")
        verbose_name_plural = _("kalenderabonnementer")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.prefix}…)"
