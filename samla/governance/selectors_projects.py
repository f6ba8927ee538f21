"""Reads for the project, programme and phase-model pages (area G1): the portfolio with its
filters, one project's phases with their gates, checklists and milestones, and a phase
model's parts. Each runs a fixed number of queries whatever the amount of data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from samla.governance import selectors
from samla.governance.models import (
    BodyKind,
    ChecklistItem,
    Gate,
    Milestone,
    PhaseModel,
    PhaseModelGate,
    PhaseModelMilestone,
    PhaseModelPhase,
    Programme,
    Project,
    ProjectPhase,
    RagStatus,
)
from samla.organisations.models import Collaboration

RAG_DIMENSIONS = ("overall", "schedule", "quality", "economy", "risk", "benefits")


@dataclass(frozen=True)
class PortfolioFilter:
    programme: Programme | None = None
    phase: str = ""
    status: str = ""
    rag: str = ""

    @property
    def active(self) -> bool:
        return bool(self.programme or self.phase or self.status or self.rag)


def portfolio(collaboration: Collaboration, chosen: PortfolioFilter) -> QuerySet[Project]:
    """The heat map's projects, narrowed in the database by programme, phase name, lifecycle
    status and the overall colour of the latest published report ("none" for projects not
    yet reported). A queryset, so that a page of it is one query."""
    rows = selectors.portfolio_heat_map_queryset(collaboration, programme=chosen.programme)
    if chosen.phase:
        rows = rows.filter(current_phase__name=chosen.phase)
    if chosen.status:
        rows = rows.filter(status=chosen.status)
    if chosen.rag == "none":
        rows = rows.filter(_NOT_REPORTED)
    elif chosen.rag:
        rows = rows.filter(latest_status_report__overall=chosen.rag)
    return rows


# No published report yet, or one without an overall colour.
_NOT_REPORTED = Q(latest_status_report__isnull=True) | Q(latest_status_report__overall="")


def overall_of(project: Project) -> str:
    """The overall colour of the latest published report; "none" before the first."""
    report = project.latest_status_report
    return report.overall if report is not None and report.overall else "none"


def phase_names(collaboration: Collaboration) -> list[str]:
    """The names of the phases projects are in now, for the phase filter."""
    return sorted(
        set(
            Project.objects.filter(
                collaboration=collaboration, current_phase__isnull=False
            ).values_list("current_phase__name", flat=True)
        )
    )


def rag_counts(projects: QuerySet[Project]) -> dict[str, int]:
    """How many of ``projects`` have each overall colour, in one query."""
    counts = projects.order_by().aggregate(
        none=Count("pk", filter=_NOT_REPORTED),
        **{value: Count("pk", filter=Q(latest_status_report__overall=value)) for value in RagStatus.values},
    )
    return {key: int(value or 0) for key, value in counts.items()}


@dataclass
class PhaseRow:
    phase: ProjectPhase
    gates: list[Gate] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)


@dataclass(frozen=True)
class ProjectPhases:
    project: Project
    rows: list[PhaseRow]
    unphased_gates: list[Gate]
    unphased_milestones: list[Milestone]
    today: datetime.date


def _gates_with_checklists() -> Any:
    return (
        Gate.objects.select_related("approver_body", "decided_by__body")
        .prefetch_related(
            Prefetch(
                "checklist",
                queryset=ChecklistItem.objects.select_related("done_by").order_by("order", "pk"),
            )
        )
        .annotate(
            open_mandatory=Count(
                "checklist", filter=Q(checklist__mandatory=True, checklist__done=False)
            ),
            done_count=Count("checklist", filter=Q(checklist__done=True)),
        )
    )


def gate_with_checklist(gate: Gate) -> Gate:
    """One gate as the phases page shows it (for the htmx fragment after a tick)."""
    return _gates_with_checklists().get(pk=gate.pk)  # type: ignore[no-any-return]


def project_phases(project: Project, *, today: datetime.date) -> ProjectPhases:
    """Every phase with its gates (each with its checklist and counts) and milestones, in
    four queries."""
    phases = list(ProjectPhase.objects.filter(project=project).order_by("order"))
    gates = list(_gates_with_checklists().filter(project=project).order_by("order"))
    milestones = list(
        Milestone.objects.filter(project=project)
        .select_related("responsible", "approver_body", "approved_by__body")
        .order_by("planned_date", "order", "pk")
    )
    rows = {phase.pk: PhaseRow(phase) for phase in phases}
    unphased_gates = []
    unphased_milestones = []
    for gate in gates:
        if gate.phase_id in rows:
            rows[gate.phase_id].gates.append(gate)
        else:
            unphased_gates.append(gate)
    for milestone in milestones:
        milestone.late = milestone.is_late(today)  # type: ignore[attr-defined]
        if milestone.phase_id in rows:
            rows[milestone.phase_id].milestones.append(milestone)
        else:
            unphased_milestones.append(milestone)
    return ProjectPhases(project, list(rows.values()), unphased_gates, unphased_milestones, today)


def approver_kinds(project: Project) -> list[tuple[str, str]]:
    """The kinds of approving body the project's gates and milestones name, in two queries."""
    used = set(
        Gate.objects.filter(project=project)
        .exclude(approver_kind="")
        .values_list("approver_kind", flat=True)
    ) | set(
        Milestone.objects.filter(project=project)
        .exclude(approver_kind="")
        .values_list("approver_kind", flat=True)
    )
    return [(value, str(label)) for value, label in BodyKind.choices if value in used]


@dataclass
class TemplatePhaseRow:
    phase: PhaseModelPhase
    gates: list[PhaseModelGate] = field(default_factory=list)
    milestones: list[PhaseModelMilestone] = field(default_factory=list)


def phase_model_parts(phase_model: PhaseModel) -> list[TemplatePhaseRow]:
    """A phase model's phases with their gates (and checklists) and milestones, in four
    queries."""
    rows = {
        phase.pk: TemplatePhaseRow(phase)
        for phase in PhaseModelPhase.objects.filter(phase_model=phase_model).order_by("order")
    }
    for gate in (
        PhaseModelGate.objects.filter(phase_model=phase_model)
        .prefetch_related("checklist")
        .order_by("phase__order", "pk")
    ):
        rows[gate.phase_id].gates.append(gate)
    for milestone in PhaseModelMilestone.objects.filter(phase_model=phase_model).order_by(
        "phase__order", "order", "pk"
    ):
        rows[milestone.phase_id].milestones.append(milestone)
    return list(rows.values())
