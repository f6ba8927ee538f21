"""Writes for programmes and projects. Each runs in one transaction, validates with
``full_clean()`` before saving, and refuses bad input with a Norwegian ``ValidationError``
(the transaction then writes nothing).

The rules that are not plain field validation:

- A project copies its phase model when it is created; planned dates follow the template's
  durations from the project's start (scaled to fit when an end is given).
- Gates are passed and milestones approved only by ``decision_record``: a gate needs every
  mandatory checklist item done and every earlier gate passed, and is passed once; a
  milestone is approved once. When the gate or milestone names an approving body, the
  decision must be that body's. Passing a gate closes its phase and opens the next.
- A published status report never changes; publishing freezes a snapshot of its figures,
  milestones and risks and the changes since the previous published report, and makes it
  the project's latest report (for the one-query heat map).
- Dependencies are finish-to-start and may not form a cycle.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from samla.core.dates import today
from samla.core.services import apply_fields
from samla.finance import sharing
from samla.governance import scheduling
from samla.governance.models import (
    ActionItem,
    Activity,
    AgendaItem,
    Body,
    BodyMember,
    CalendarFeed,
    ChecklistItem,
    CommunicationItem,
    Concept,
    CostLine,
    Decision,
    Dependency,
    Financing,
    Gate,
    LogEntry,
    Mandate,
    MandateRole,
    Meeting,
    Milestone,
    PhaseModel,
    PhaseModelChecklistItem,
    PhaseModelGate,
    PhaseModelMilestone,
    PhaseModelPhase,
    Programme,
    Project,
    ProjectPhase,
    ResourceLine,
    Risk,
    Stakeholder,
    StatusCostLine,
    StatusReport,
    SubGoal,
    risk_level,
)
from samla.governance.phase_library import LIBRARY
from samla.organisations.models import (
    Collaboration,
    CostSharingKey,
    Membership,
    Organisation,
    Role,
    User,
)

PHASE_MODEL_FIELDS = ("name", "description", "source", "language")
TEMPLATE_PHASE_FIELDS = ("order", "name", "original_name", "description", "duration_weeks")
TEMPLATE_GATE_FIELDS = ("phase", "code", "name", "description", "approver", "approver_kind")
TEMPLATE_CHECKLIST_FIELDS = ("order", "text", "mandatory")
TEMPLATE_MILESTONE_FIELDS = (
    "phase",
    "order",
    "code",
    "name",
    "original_name",
    "deliverable",
    "responsible_role",
    "approver",
    "approver_kind",
)
PROGRAMME_FIELDS = ("name", "code", "description", "owner", "manager", "status", "start", "end")
PROJECT_FIELDS = (
    "programme",
    "name",
    "code",
    "description",
    "owner",
    "leader",
    "status",
    "start",
    "end",
    "category",
    "business_case",
)
PHASE_FIELDS = (
    "order",
    "name",
    "original_name",
    "description",
    "status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
)
GATE_FIELDS = (
    "phase",
    "order",
    "code",
    "name",
    "description",
    "approver",
    "approver_kind",
    "approver_body",
    "planned_date",
    "forecast_date",
)
CHECKLIST_FIELDS = ("order", "text", "mandatory", "comment")
MILESTONE_FIELDS = (
    "phase",
    "order",
    "code",
    "name",
    "original_name",
    "deliverable",
    "responsible_role",
    "responsible",
    "approver",
    "approver_kind",
    "approver_body",
    "planned_date",
    "forecast_date",
    "actual_date",
    "status",
)
MANDATE_FIELDS = (
    "background",
    "purpose",
    "main_goal",
    "scope",
    "limits",
    "frames",
    "expected_results",
    "risk_summary",
    "quality_assurance",
    "reporting_cadence",
    "reporting",
    "financing_note",
)
SUB_GOAL_FIELDS = ("order", "text", "measure", "target", "deadline")
CONCEPT_FIELDS = ("order", "name", "description", "is_zero", "is_chosen")
MANDATE_ROLE_FIELDS = ("kind", "group", "user", "name", "organisation", "title", "order")
COST_LINE_FIELDS = ("kind", "name", "year", "amount", "order")
FINANCING_FIELDS = ("organisation", "source", "amount", "order")
RESOURCE_FIELDS = ("order", "forum", "persons", "meetings", "hours_per_meeting", "hourly_rate")
BODY_FIELDS = ("kind", "name", "abbreviation", "description", "programme", "project")
BODY_MEMBER_FIELDS = ("user", "name", "organisation", "role", "order")
MEETING_FIELDS = ("title", "starts_at", "ends_at", "location", "status", "guests", "minutes")
AGENDA_FIELDS = (
    "order",
    "number",
    "title",
    "kind",
    "presenter",
    "case_paper_url",
    "proposal",
    "notes",
    "project",
)
DECISION_EDIT_FIELDS = ("title", "text", "alternatives", "agenda_item")
ACTION_FIELDS = ("text", "owner", "owner_name", "due", "status", "done_on", "project", "meeting")
RISK_FIELDS = (
    "title",
    "description",
    "cause",
    "consequence",
    "probability",
    "impact",
    "residual_probability",
    "residual_impact",
    "strategy",
    "measures",
    "owner",
    "status",
    "trend",
)
REPORT_FIELDS = (
    "overall",
    "overall_comment",
    "schedule",
    "schedule_comment",
    "quality",
    "quality_comment",
    "economy",
    "economy_comment",
    "risk",
    "risk_comment",
    "benefits",
    "benefits_comment",
    "summary",
    "next_steps",
)
STATUS_COST_FIELDS = ("order", "name", "budget", "spent", "forecast")
ACTIVITY_FIELDS = (
    "phase",
    "order",
    "code",
    "name",
    "start",
    "end",
    "responsible",
    "milestone",
    "progress",
)
STAKEHOLDER_FIELDS = (
    "name",
    "group",
    "organisation",
    "interest",
    "interest_level",
    "influence",
    "affected",
    "measures",
    "order",
)
COMMUNICATION_FIELDS = (
    "stakeholder",
    "audience",
    "message",
    "channel",
    "date",
    "responsible",
    "responsible_name",
    "status",
)
LOG_FIELDS = ("kind", "title", "text", "date", "status", "decision")

# Marked for extraction here, translated where raised.
OTHER_COLLABORATION = gettext_noop("Hører til et annet samarbeid.")
OTHER_PROJECT = gettext_noop("Hører til et annet prosjekt.")


# --- Shared checks -------------------------------------------------------------------------


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _same_collaboration(collaboration_id: int, **objects: Any) -> None:
    """Each object (a model with ``collaboration_id``) belongs to the collaboration."""
    for field, obj in objects.items():
        if obj is not None and obj.collaboration_id != collaboration_id:
            raise _error(field, _(OTHER_COLLABORATION))


def _same_project(project_id: int, **objects: Any) -> None:
    for field, obj in objects.items():
        if obj is not None and obj.project_id != project_id:
            raise _error(field, _(OTHER_PROJECT))


def _users_in_collaboration(collaboration_id: int, **users: User | None) -> None:
    """People named in a project come from the collaboration's users."""
    wanted = {field: user for field, user in users.items() if user is not None}
    if not wanted:
        return
    with_role = set(
        Role.objects.filter(
            collaboration_id=collaboration_id, user__in=list(wanted.values())
        ).values_list("user_id", flat=True)
    )
    for field, user in wanted.items():
        if user.pk not in with_role and not user.is_superuser:
            raise _error(field, _("%(user)s har ingen rolle i samarbeidet.") % {"user": user})


def _members(collaboration_id: int, organisations: Iterable[Organisation], field: str) -> None:
    wanted = {organisation.pk: organisation for organisation in organisations}
    if not wanted:
        return
    members = set(
        Membership.objects.filter(
            collaboration_id=collaboration_id, organisation_id__in=wanted
        ).values_list("organisation_id", flat=True)
    )
    for pk, organisation in wanted.items():
        if pk not in members:
            raise _error(
                field, _("%(name)s er ikke medlem av samarbeidet.") % {"name": organisation}
            )


def _dates(start: datetime.date | None, end: datetime.date | None, field: str = "end") -> None:
    if start is not None and end is not None and end < start:
        raise _error(field, _("Sluttdatoen kan ikke være før startdatoen."))


def _next_order(queryset: Any) -> int:
    return int(queryset.aggregate(m=Max("order"))["m"] or 0) + 1


def _save(obj: Any, fields: dict[str, Any], allowed: tuple[str, ...]) -> Any:
    apply_fields(obj, fields, allowed)
    obj.full_clean()
    obj.save()
    return obj


# --- Phase models ---------------------------------------------------------------------------


@transaction.atomic
def phase_model_install(*, collaboration: Collaboration, key: str) -> PhaseModel:
    """Copy the shipped phase model ``key`` into the collaboration as editable rows."""
    template = LIBRARY.get(key)
    if template is None:
        raise _error("key", _("Fasemodellen «%(key)s» finnes ikke i biblioteket.") % {"key": key})
    if PhaseModel.objects.filter(collaboration=collaboration, library_key=key).exists():
        raise _error("key", _("Modellen fra biblioteket er allerede lagt inn."))
    model = PhaseModel(
        collaboration=collaboration,
        library_key=key,
        name=template.name,
        description=template.description,
        source=template.source,
        language=template.language,
    )
    model.full_clean()
    model.save()
    phases = bulk_create_with_history(
        [
            PhaseModelPhase(
                phase_model=model,
                order=index + 1,
                name=phase.name,
                original_name=phase.original_name,
                description=phase.description,
                duration_weeks=phase.duration_weeks,
            )
            for index, phase in enumerate(template.phases)
        ],
        PhaseModelPhase,
    )
    gates: list[PhaseModelGate] = []
    checklist_texts: list[tuple[int, Any]] = []
    milestones: list[PhaseModelMilestone] = []
    for phase_row, phase in zip(phases, template.phases, strict=True):
        for order, milestone in enumerate(phase.milestones):
            milestones.append(
                PhaseModelMilestone(
                    phase_model=model,
                    phase=phase_row,
                    order=order,
                    code=milestone.code,
                    name=milestone.name,
                    original_name=milestone.original_name,
                    deliverable=milestone.deliverable,
                    responsible_role=milestone.responsible_role,
                    approver=milestone.approver,
                    approver_kind=milestone.approver_kind,
                )
            )
        if phase.gate is not None:
            gates.append(
                PhaseModelGate(
                    phase_model=model,
                    phase=phase_row,
                    code=phase.gate.code,
                    name=phase.gate.name,
                    description=phase.gate.description,
                    approver=phase.gate.approver,
                    approver_kind=phase.gate.approver_kind,
                )
            )
            checklist_texts.append((len(gates) - 1, phase.gate.checklist))
    gate_rows = bulk_create_with_history(gates, PhaseModelGate)
    bulk_create_with_history(
        [
            PhaseModelChecklistItem(
                gate=gate_rows[gate_index], order=order, text=item.text, mandatory=item.mandatory
            )
            for gate_index, items in checklist_texts
            for order, item in enumerate(items)
        ],
        PhaseModelChecklistItem,
    )
    bulk_create_with_history(milestones, PhaseModelMilestone)
    return model


@transaction.atomic
def phase_model_create(*, collaboration: Collaboration, **fields: Any) -> PhaseModel:
    """An empty phase model to fill in by hand."""
    return _save(PhaseModel(collaboration=collaboration), fields, PHASE_MODEL_FIELDS)


@transaction.atomic
def phase_model_copy(*, source: PhaseModel, name: str) -> PhaseModel:
    """A copy of ``source`` under a new name, to adapt without touching the original."""
    copy = _save(
        PhaseModel(collaboration=source.collaboration),
        {
            "name": name,
            "description": source.description,
            "source": source.source,
            "language": source.language,
        },
        PHASE_MODEL_FIELDS,
    )
    phase_map: dict[int, PhaseModelPhase] = {}
    for phase in source.phases.all():
        phase_map[phase.pk] = PhaseModelPhase.objects.create(
            phase_model=copy, **{name: getattr(phase, name) for name in TEMPLATE_PHASE_FIELDS}
        )
    for gate in source.gates.prefetch_related("checklist"):
        new_gate = PhaseModelGate.objects.create(
            phase_model=copy,
            phase=phase_map[gate.phase_id],
            **{name: getattr(gate, name) for name in TEMPLATE_GATE_FIELDS if name != "phase"},
        )
        for item in gate.checklist.all():
            PhaseModelChecklistItem.objects.create(
                gate=new_gate, **{name: getattr(item, name) for name in TEMPLATE_CHECKLIST_FIELDS}
            )
    for milestone in source.milestones.all():
        PhaseModelMilestone.objects.create(
            phase_model=copy,
            phase=phase_map[milestone.phase_id],
            **{
                name: getattr(milestone, name)
                for name in TEMPLATE_MILESTONE_FIELDS
                if name != "phase"
            },
        )
    return copy


@transaction.atomic
def phase_model_update(*, phase_model: PhaseModel, **fields: Any) -> PhaseModel:
    return _save(phase_model, fields, PHASE_MODEL_FIELDS)


@transaction.atomic
def phase_model_delete(*, phase_model: PhaseModel) -> None:
    """Projects made from the model keep their own phases, gates and milestones."""
    phase_model.delete()


def _template_phase(phase_model: PhaseModel, phase: PhaseModelPhase | None) -> None:
    if phase is not None and phase.phase_model_id != phase_model.pk:
        raise _error("phase", _("Fasen hører til en annen fasemodell."))


@transaction.atomic
def phase_model_phase_create(*, phase_model: PhaseModel, **fields: Any) -> PhaseModelPhase:
    phase = PhaseModelPhase(phase_model=phase_model)
    if "order" not in fields:
        fields["order"] = _next_order(phase_model.phases)
    return _save(phase, fields, TEMPLATE_PHASE_FIELDS)


@transaction.atomic
def phase_model_phase_update(*, phase: PhaseModelPhase, **fields: Any) -> PhaseModelPhase:
    return _save(phase, fields, TEMPLATE_PHASE_FIELDS)


@transaction.atomic
def phase_model_phase_delete(*, phase: PhaseModelPhase) -> None:
    phase.delete()


@transaction.atomic
def phase_model_gate_create(*, phase_model: PhaseModel, **fields: Any) -> PhaseModelGate:
    _template_phase(phase_model, fields.get("phase"))
    return _save(PhaseModelGate(phase_model=phase_model), fields, TEMPLATE_GATE_FIELDS)


@transaction.atomic
def phase_model_gate_update(*, gate: PhaseModelGate, **fields: Any) -> PhaseModelGate:
    _template_phase(gate.phase_model, fields.get("phase"))
    return _save(gate, fields, TEMPLATE_GATE_FIELDS)


@transaction.atomic
def phase_model_gate_delete(*, gate: PhaseModelGate) -> None:
    gate.delete()


@transaction.atomic
def phase_model_checklist_item_create(
    *, gate: PhaseModelGate, **fields: Any
) -> PhaseModelChecklistItem:
    if "order" not in fields:
        fields["order"] = _next_order(gate.checklist)
    return _save(PhaseModelChecklistItem(gate=gate), fields, TEMPLATE_CHECKLIST_FIELDS)


@transaction.atomic
def phase_model_checklist_item_update(
    *, item: PhaseModelChecklistItem, **fields: Any
) -> PhaseModelChecklistItem:
    return _save(item, fields, TEMPLATE_CHECKLIST_FIELDS)


@transaction.atomic
def phase_model_checklist_item_delete(*, item: PhaseModelChecklistItem) -> None:
    item.delete()


@transaction.atomic
def phase_model_milestone_create(*, phase_model: PhaseModel, **fields: Any) -> PhaseModelMilestone:
    _template_phase(phase_model, fields.get("phase"))
    return _save(PhaseModelMilestone(phase_model=phase_model), fields, TEMPLATE_MILESTONE_FIELDS)


@transaction.atomic
def phase_model_milestone_update(
    *, milestone: PhaseModelMilestone, **fields: Any
) -> PhaseModelMilestone:
    _template_phase(milestone.phase_model, fields.get("phase"))
    return _save(milestone, fields, TEMPLATE_MILESTONE_FIELDS)


@transaction.atomic
def phase_model_milestone_delete(*, milestone: PhaseModelMilestone) -> None:
    milestone.delete()


# --- Programmes -----------------------------------------------------------------------------


def _validate_programme(programme: Programme) -> None:
    _dates(programme.start, programme.end)
    _users_in_collaboration(
        programme.collaboration_id, owner=programme.owner, manager=programme.manager
    )


@transaction.atomic
def programme_create(*, collaboration: Collaboration, **fields: Any) -> Programme:
    programme = Programme(collaboration=collaboration)
    apply_fields(programme, fields, PROGRAMME_FIELDS)
    _validate_programme(programme)
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, **fields: Any) -> Programme:
    apply_fields(programme, fields, PROGRAMME_FIELDS)
    _validate_programme(programme)
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def programme_delete(*, programme: Programme) -> None:
    if programme.projects.exists():
        raise ValidationError(
            _("Programmet har prosjekter. Flytt eller slett dem før programmet slettes.")
        )
    programme.delete()


# --- Projects -------------------------------------------------------------------------------


def plan_phase_dates(
    start: datetime.date, durations_weeks: Sequence[int], end: datetime.date | None = None
) -> list[tuple[datetime.date, datetime.date]]:
    """Consecutive phases from ``start`` with the template's durations, or, when ``end`` is
    given, the same proportions stretched or shrunk to end on ``end``."""
    if not durations_weeks:
        return []
    total = sum(durations_weeks) * 7
    available = total if end is None else (end - start).days + 1
    if available < len(durations_weeks):
        raise _error("end", _("Prosjektperioden er for kort til å gi hver fase minst én dag."))
    boundaries = [0]
    cumulative = 0
    for index, weeks in enumerate(durations_weeks):
        cumulative += weeks * 7
        boundary = round(cumulative * available / total)
        # Every phase keeps at least one day, and leaves one for each phase after it.
        boundary = max(boundary, boundaries[-1] + 1)
        boundary = min(boundary, available - (len(durations_weeks) - index - 1))
        boundaries.append(boundary)
    return [
        (
            start + datetime.timedelta(days=boundaries[i]),
            start + datetime.timedelta(days=boundaries[i + 1] - 1),
        )
        for i in range(len(durations_weeks))
    ]


def _spread(start: datetime.date, end: datetime.date, count: int) -> list[datetime.date]:
    """``count`` dates spread over the phase, the last on its end."""
    days = (end - start).days
    return [start + datetime.timedelta(days=round(days * (i + 1) / count)) for i in range(count)]


def _instantiate(project: Project, phase_model: PhaseModel) -> None:
    template_phases = list(phase_model.phases.order_by("order"))
    if not template_phases:
        return
    dates = plan_phase_dates(
        project.start, [phase.duration_weeks for phase in template_phases], project.end
    )
    phases = bulk_create_with_history(
        [
            ProjectPhase(
                project=project,
                order=index + 1,
                name=template.name,
                original_name=template.original_name,
                description=template.description,
                status=ProjectPhase.Status.ACTIVE
                if index == 0
                else ProjectPhase.Status.NOT_STARTED,
                planned_start=start,
                planned_end=end,
            )
            for index, (template, (start, end)) in enumerate(
                zip(template_phases, dates, strict=True)
            )
        ],
        ProjectPhase,
    )
    by_template = {
        template.pk: phase for template, phase in zip(template_phases, phases, strict=True)
    }
    template_gates = list(
        phase_model.gates.select_related("phase")
        .prefetch_related("checklist")
        .order_by("phase__order", "pk")
    )
    gates = bulk_create_with_history(
        [
            Gate(
                project=project,
                phase=by_template[template.phase_id],
                order=index + 1,
                code=template.code,
                name=template.name,
                description=template.description,
                approver=template.approver,
                approver_kind=template.approver_kind,
                planned_date=by_template[template.phase_id].planned_end,
            )
            for index, template in enumerate(template_gates)
        ],
        Gate,
    )
    bulk_create_with_history(
        [
            ChecklistItem(gate=gate, order=item.order, text=item.text, mandatory=item.mandatory)
            for template, gate in zip(template_gates, gates, strict=True)
            for item in template.checklist.all()
        ],
        ChecklistItem,
    )
    milestones: list[Milestone] = []
    template_milestones = list(phase_model.milestones.order_by("phase__order", "order", "pk"))
    for template_phase in template_phases:
        in_phase = [m for m in template_milestones if m.phase_id == template_phase.pk]
        phase = by_template[template_phase.pk]
        for order, (template, planned) in enumerate(
            zip(
                in_phase,
                _spread(phase.planned_start, phase.planned_end, len(in_phase)),
                strict=True,
            )
        ):
            milestones.append(
                Milestone(
                    project=project,
                    phase=phase,
                    order=order,
                    code=template.code,
                    name=template.name,
                    original_name=template.original_name,
                    deliverable=template.deliverable,
                    responsible_role=template.responsible_role,
                    approver=template.approver,
                    approver_kind=template.approver_kind,
                    planned_date=planned,
                )
            )
    bulk_create_with_history(milestones, Milestone)
    project.current_phase = phases[0]
    project.save(update_fields=["current_phase"])


def _validate_project(project: Project) -> None:
    _dates(project.start, project.end)
    _same_collaboration(
        project.collaboration_id,
        programme=project.programme,
        category=project.category,
        business_case=project.business_case,
    )
    _users_in_collaboration(project.collaboration_id, owner=project.owner, leader=project.leader)


@transaction.atomic
def project_create(
    *,
    collaboration: Collaboration,
    start: datetime.date,
    phase_model: PhaseModel | None = None,
    organisations: Iterable[Organisation] = (),
    **fields: Any,
) -> Project:
    """A project with an empty mandate; with a phase model, its phases, gates, checklists
    and milestones are copied in with planned dates."""
    project = Project(collaboration=collaboration, start=start, phase_model=phase_model)
    apply_fields(project, fields, PROJECT_FIELDS)
    _validate_project(project)
    _same_collaboration(collaboration.pk, phase_model=phase_model)
    organisation_list = list(organisations)
    _members(collaboration.pk, organisation_list, "organisations")
    project.full_clean()
    project.save()
    project.organisations.set(organisation_list)
    Mandate.objects.create(project=project)
    if phase_model is not None:
        _instantiate(project, phase_model)
    return project


@transaction.atomic
def project_update(
    *, project: Project, organisations: Iterable[Organisation] | None = None, **fields: Any
) -> Project:
    apply_fields(project, fields, PROJECT_FIELDS)
    _validate_project(project)
    project.full_clean()
    # Only the fields given: the current phase and the latest status report are kept by
    # decisions and publishing, and the caller's copy may be older than those.
    if fields:
        project.save(update_fields=list(fields))
    if organisations is not None:
        organisation_list = list(organisations)
        _members(project.collaboration_id, organisation_list, "organisations")
        project.organisations.set(organisation_list)
    return project


@transaction.atomic
def project_delete(*, project: Project) -> None:
    if project.decisions.exists() or Decision.objects.filter(gate__project=project).exists():
        raise ValidationError(
            _(
                "Prosjektet har vedtak i vedtaksregisteret og kan ikke slettes. Sett det til stanset."
            )
        )
    if project.status_reports.filter(state=StatusReport.State.PUBLISHED).exists():
        raise ValidationError(
            _(
                "Prosjektet har publiserte statusrapporter og kan ikke slettes. Sett det til stanset."
            )
        )
    Project.objects.filter(pk=project.pk).update(current_phase=None, latest_status_report=None)
    project.delete()


@transaction.atomic
def project_assign_approver(*, project: Project, kind: str, body: Body | None) -> int:
    """Let ``body`` approve every gate and milestone of the project whose template names an
    approver of ``kind``; returns how many were changed."""
    if body is not None:
        _same_collaboration(project.collaboration_id, body=body)
    changed = 0
    for gate in project.gates.filter(approver_kind=kind):
        gate.approver_body = body
        gate.save(update_fields=["approver_body"])
        changed += 1
    for milestone in project.milestones.filter(approver_kind=kind):
        milestone.approver_body = body
        milestone.save(update_fields=["approver_body"])
        changed += 1
    return changed


# --- Phases, gates, checklists, milestones of a project -------------------------------------


@transaction.atomic
def project_phase_create(*, project: Project, **fields: Any) -> ProjectPhase:
    phase = ProjectPhase(project=project)
    if "order" not in fields:
        fields["order"] = _next_order(project.phases)
    apply_fields(phase, fields, PHASE_FIELDS)
    _dates(phase.planned_start, phase.planned_end, "planned_end")
    _dates(phase.actual_start, phase.actual_end, "actual_end")
    phase.full_clean()
    phase.save()
    return phase


@transaction.atomic
def project_phase_update(*, phase: ProjectPhase, **fields: Any) -> ProjectPhase:
    apply_fields(phase, fields, PHASE_FIELDS)
    _dates(phase.planned_start, phase.planned_end, "planned_end")
    _dates(phase.actual_start, phase.actual_end, "actual_end")
    phase.full_clean()
    phase.save()
    return phase


@transaction.atomic
def project_phase_delete(*, phase: ProjectPhase) -> None:
    if phase.gates.exclude(status=Gate.Status.OPEN).exists():
        raise ValidationError(_("Fasen har et avgjort beslutningspunkt og kan ikke slettes."))
    Project.objects.filter(current_phase=phase).update(current_phase=None)
    phase.delete()


def _validate_gate(gate: Gate) -> None:
    project = gate.project
    _same_project(project.pk, phase=gate.phase)
    _same_collaboration(project.collaboration_id, approver_body=gate.approver_body)


@transaction.atomic
def gate_create(*, project: Project, **fields: Any) -> Gate:
    gate = Gate(project=project)
    if "order" not in fields:
        fields["order"] = _next_order(project.gates)
    apply_fields(gate, fields, GATE_FIELDS)
    _validate_gate(gate)
    gate.full_clean()
    gate.save()
    return gate


@transaction.atomic
def gate_update(*, gate: Gate, **fields: Any) -> Gate:
    stored = Gate.objects.select_for_update().get(pk=gate.pk)
    if stored.status == Gate.Status.PASSED:
        raise ValidationError(_("Beslutningspunktet er passert og kan ikke endres."))
    # Status and deciding decision are the decisions' business, never the caller's.
    gate.status, gate.decided_by_id = stored.status, stored.decided_by_id
    apply_fields(gate, fields, GATE_FIELDS)
    _validate_gate(gate)
    gate.full_clean()
    gate.save()
    return gate


@transaction.atomic
def gate_delete(*, gate: Gate) -> None:
    if gate.decisions.exists():
        raise ValidationError(_("Beslutningspunktet har vedtak og kan ikke slettes."))
    gate.delete()


def _require_open_checklist(gate: Gate) -> None:
    """Read from the database: the caller's gate may be older than the decision."""
    if Gate.objects.filter(pk=gate.pk, status=Gate.Status.PASSED).exists():
        raise ValidationError(
            _("Beslutningspunktet %(gate)s er passert; sjekklisten kan ikke endres.")
            % {"gate": gate.code}
        )


@transaction.atomic
def checklist_item_create(*, gate: Gate, **fields: Any) -> ChecklistItem:
    _require_open_checklist(gate)
    if "order" not in fields:
        fields["order"] = _next_order(gate.checklist)
    return _save(ChecklistItem(gate=gate), fields, CHECKLIST_FIELDS)


@transaction.atomic
def checklist_item_update(*, item: ChecklistItem, **fields: Any) -> ChecklistItem:
    _require_open_checklist(item.gate)
    return _save(item, fields, CHECKLIST_FIELDS)


@transaction.atomic
def checklist_item_set_done(
    *, item: ChecklistItem, done: bool, user: User | None, comment: str | None = None
) -> ChecklistItem:
    _require_open_checklist(item.gate)
    item.done = done
    item.done_by = user if done else None
    item.done_at = timezone.now() if done else None
    if comment is not None:
        item.comment = comment
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def checklist_item_delete(*, item: ChecklistItem) -> None:
    _require_open_checklist(item.gate)
    item.delete()


def _validate_milestone(milestone: Milestone) -> None:
    project = milestone.project
    _same_project(project.pk, phase=milestone.phase)
    _same_collaboration(project.collaboration_id, approver_body=milestone.approver_body)
    _users_in_collaboration(project.collaboration_id, responsible=milestone.responsible)


@transaction.atomic
def milestone_create(*, project: Project, **fields: Any) -> Milestone:
    if fields.get("status") == Milestone.Status.APPROVED:
        raise _error("status", _("En milepæl godkjennes ved et vedtak i vedtaksregisteret."))
    milestone = Milestone(project=project)
    apply_fields(milestone, fields, MILESTONE_FIELDS)
    _validate_milestone(milestone)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, **fields: Any) -> Milestone:
    stored = Milestone.objects.select_for_update().get(pk=milestone.pk)
    approved = stored.status == Milestone.Status.APPROVED
    # Approval is the decisions' business, never the caller's.
    milestone.approved_by_id = stored.approved_by_id
    if approved:
        milestone.status = stored.status
    new_status = fields.get("status", milestone.status)
    if approved and new_status != Milestone.Status.APPROVED:
        raise _error("status", _("Milepælen er godkjent ved vedtak; statusen kan ikke endres."))
    if not approved and new_status == Milestone.Status.APPROVED:
        raise _error("status", _("En milepæl godkjennes ved et vedtak i vedtaksregisteret."))
    apply_fields(milestone, fields, MILESTONE_FIELDS)
    _validate_milestone(milestone)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone) -> None:
    if milestone.decisions.exists():
        raise ValidationError(_("Milepælen er godkjent ved vedtak og kan ikke slettes."))
    milestone.delete()


# --- Mandate --------------------------------------------------------------------------------


@transaction.atomic
def mandate_update(*, mandate: Mandate, **fields: Any) -> Mandate:
    return _save(mandate, fields, MANDATE_FIELDS)


def _mandate_child_create(
    model: type[Any], mandate: Mandate, fields: dict[str, Any], allowed: tuple[str, ...]
) -> Any:
    obj = model(mandate=mandate)
    if "order" in allowed and "order" not in fields:
        fields["order"] = _next_order(model.objects.filter(mandate=mandate))
    return _save(obj, fields, allowed)


@transaction.atomic
def sub_goal_create(*, mandate: Mandate, **fields: Any) -> SubGoal:
    return _mandate_child_create(SubGoal, mandate, fields, SUB_GOAL_FIELDS)


@transaction.atomic
def sub_goal_update(*, sub_goal: SubGoal, **fields: Any) -> SubGoal:
    return _save(sub_goal, fields, SUB_GOAL_FIELDS)


@transaction.atomic
def sub_goal_delete(*, sub_goal: SubGoal) -> None:
    sub_goal.delete()


@transaction.atomic
def concept_create(*, mandate: Mandate, **fields: Any) -> Concept:
    return _mandate_child_create(Concept, mandate, fields, CONCEPT_FIELDS)


@transaction.atomic
def concept_update(*, concept: Concept, **fields: Any) -> Concept:
    return _save(concept, fields, CONCEPT_FIELDS)


@transaction.atomic
def concept_delete(*, concept: Concept) -> None:
    concept.delete()


def _validate_mandate_role(role: MandateRole) -> None:
    collaboration_id = role.mandate.project.collaboration_id
    _users_in_collaboration(collaboration_id, user=role.user)
    if role.organisation is not None:
        _members(collaboration_id, [role.organisation], "organisation")


@transaction.atomic
def mandate_role_create(*, mandate: Mandate, **fields: Any) -> MandateRole:
    role = MandateRole(mandate=mandate)
    if "order" not in fields:
        fields["order"] = _next_order(mandate.roles.filter(kind=fields.get("kind", "")))
    apply_fields(role, fields, MANDATE_ROLE_FIELDS)
    _validate_mandate_role(role)
    role.full_clean()
    role.save()
    return role


@transaction.atomic
def mandate_role_update(*, role: MandateRole, **fields: Any) -> MandateRole:
    apply_fields(role, fields, MANDATE_ROLE_FIELDS)
    _validate_mandate_role(role)
    role.full_clean()
    role.save()
    return role


@transaction.atomic
def mandate_role_delete(*, role: MandateRole) -> None:
    role.delete()


@transaction.atomic
def cost_line_create(*, mandate: Mandate, **fields: Any) -> CostLine:
    return _mandate_child_create(CostLine, mandate, fields, COST_LINE_FIELDS)


@transaction.atomic
def cost_line_update(*, cost_line: CostLine, **fields: Any) -> CostLine:
    return _save(cost_line, fields, COST_LINE_FIELDS)


@transaction.atomic
def cost_line_delete(*, cost_line: CostLine) -> None:
    cost_line.delete()


def _validate_financing(financing: Financing) -> None:
    if financing.organisation is not None:
        _members(
            financing.mandate.project.collaboration_id, [financing.organisation], "organisation"
        )


@transaction.atomic
def financing_create(*, mandate: Mandate, **fields: Any) -> Financing:
    financing = Financing(mandate=mandate)
    if "order" not in fields:
        fields["order"] = _next_order(mandate.financing)
    apply_fields(financing, fields, FINANCING_FIELDS)
    _validate_financing(financing)
    financing.full_clean()
    financing.save()
    return financing


@transaction.atomic
def financing_update(*, financing: Financing, **fields: Any) -> Financing:
    apply_fields(financing, fields, FINANCING_FIELDS)
    financing.computed = False  # an edited share is entered, no longer the key's
    _validate_financing(financing)
    financing.full_clean()
    financing.save()
    return financing


@transaction.atomic
def financing_delete(*, financing: Financing) -> None:
    financing.delete()


def key_weights(
    key: CostSharingKey | None, organisations: Sequence[Organisation]
) -> dict[Organisation, Decimal]:
    """Weights of ``organisations`` under ``key`` (None: by population)."""
    population = {org: org.population or 0 for org in organisations}
    method = key.method if key is not None else CostSharingKey.Method.POPULATION
    if method == CostSharingKey.Method.POPULATION:
        if sum(population.values()) == 0:
            raise _error(
                "key",
                _(
                    "Ingen av organisasjonene har innbyggertall. Legg inn innbyggertall eller velg en annen nøkkel."
                ),
            )
        return sharing.population_weights(population)
    if method == CostSharingKey.Method.EQUAL:
        return sharing.equal_weights(list(organisations))
    if method == CostSharingKey.Method.FIXED_PLUS_POPULATION:
        assert key is not None
        return sharing.fixed_plus_population_weights(
            population, key.fixed_share_percent or Decimal(0)
        )
    assert key is not None
    stored = {w.organisation_id: w.weight for w in key.weights.all()}
    return {org: stored.get(org.pk, Decimal(0)) for org in organisations}


@transaction.atomic
def mandate_financing_compute(
    *, mandate: Mandate, key: CostSharingKey | None = None, amount: Decimal | None = None
) -> list[Financing]:
    """Replace the members' financing with shares of ``amount`` by ``key`` (None: by
    population), between the members the project concerns (all members when it names
    none). Without an amount, the direct costs less other sources are split (seed 003:
    «prosjektledelse skal dekkes av deltakerkommunene etter innbyggertall»)."""
    project = mandate.project
    if key is not None:
        _same_collaboration(project.collaboration_id, key=key)
    organisations = list(project.organisations.order_by("name"))
    if not organisations:
        organisations = [
            m.organisation
            for m in Membership.objects.filter(collaboration_id=project.collaboration_id)
            .select_related("organisation")
            .order_by("organisation__name")
        ]
    if not organisations:
        raise _error("key", _("Samarbeidet har ingen medlemmer å fordele mellom."))
    if amount is None:
        direct = mandate.cost_lines.filter(kind=CostLine.Kind.DIRECT).aggregate(s=Sum("amount"))[
            "s"
        ]
        others = mandate.financing.filter(organisation__isnull=True).aggregate(s=Sum("amount"))["s"]
        amount = (direct or Decimal(0)) - (others or Decimal(0))
    if amount < 0:
        raise _error("amount", _("Beløpet som skal fordeles kan ikke være negativt."))
    try:
        shares = sharing.split_amount(amount, key_weights(key, organisations))
    except sharing.SharingError as exc:
        raise _error("key", _("Nøkkelen kan ikke fordele beløpet: vektene er null.")) from exc
    mandate.financing.filter(organisation__isnull=False).delete()
    mandate.financing_key = key
    mandate.save(update_fields=["financing_key"])
    start = _next_order(mandate.financing)
    rows = []
    for index, organisation in enumerate(organisations):
        row = Financing(
            mandate=mandate,
            organisation=organisation,
            amount=shares[organisation],
            computed=True,
            order=start + index,
        )
        row.full_clean()
        row.save()
        rows.append(row)
    return rows


@transaction.atomic
def resource_line_create(*, mandate: Mandate, **fields: Any) -> ResourceLine:
    return _mandate_child_create(ResourceLine, mandate, fields, RESOURCE_FIELDS)


@transaction.atomic
def resource_line_update(*, line: ResourceLine, **fields: Any) -> ResourceLine:
    return _save(line, fields, RESOURCE_FIELDS)


@transaction.atomic
def resource_line_delete(*, line: ResourceLine) -> None:
    line.delete()


# --- Bodies and meetings --------------------------------------------------------------------


def _validate_body(body: Body) -> None:
    _same_collaboration(body.collaboration_id, programme=body.programme, project=body.project)
    body.abbreviation = body.abbreviation.strip()


@transaction.atomic
def body_create(*, collaboration: Collaboration, **fields: Any) -> Body:
    body = Body(collaboration=collaboration)
    apply_fields(body, fields, BODY_FIELDS)
    _validate_body(body)
    body.full_clean()
    body.save()
    return body


@transaction.atomic
def body_update(*, body: Body, **fields: Any) -> Body:
    renamed = "abbreviation" in fields and fields["abbreviation"] != body.abbreviation
    if renamed and body.decisions.exists():
        raise _error(
            "abbreviation",
            _("Organet har vedtak; forkortelsen inngår i vedtaksnumrene og kan ikke endres."),
        )
    apply_fields(body, fields, BODY_FIELDS)
    _validate_body(body)
    body.full_clean()
    body.save()
    return body


@transaction.atomic
def body_delete(*, body: Body) -> None:
    if body.decisions.exists():
        raise ValidationError(_("Organet har vedtak i vedtaksregisteret og kan ikke slettes."))
    body.delete()


def _validate_body_member(member: BodyMember) -> None:
    collaboration_id = member.body.collaboration_id
    _users_in_collaboration(collaboration_id, user=member.user)
    if member.organisation is not None:
        _members(collaboration_id, [member.organisation], "organisation")


@transaction.atomic
def body_member_create(*, body: Body, **fields: Any) -> BodyMember:
    member = BodyMember(body=body)
    if "order" not in fields:
        fields["order"] = _next_order(body.members)
    apply_fields(member, fields, BODY_MEMBER_FIELDS)
    _validate_body_member(member)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def body_member_update(*, member: BodyMember, **fields: Any) -> BodyMember:
    apply_fields(member, fields, BODY_MEMBER_FIELDS)
    _validate_body_member(member)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def body_member_delete(*, member: BodyMember) -> None:
    member.delete()


def _validate_meeting(meeting: Meeting) -> None:
    if meeting.starts_at and meeting.ends_at and meeting.ends_at < meeting.starts_at:
        raise _error("ends_at", _("Møtet kan ikke slutte før det starter."))


@transaction.atomic
def meeting_create(*, body: Body, **fields: Any) -> Meeting:
    meeting = Meeting(body=body)
    apply_fields(meeting, fields, MEETING_FIELDS)
    _validate_meeting(meeting)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, **fields: Any) -> Meeting:
    apply_fields(meeting, fields, MEETING_FIELDS)
    _validate_meeting(meeting)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_set_present(*, meeting: Meeting, members: Iterable[BodyMember]) -> Meeting:
    member_list = list(members)
    for member in member_list:
        if member.body_id != meeting.body_id:
            raise _error("present", _("%(name)s er ikke medlem av organet.") % {"name": member})
    meeting.present.set(member_list)
    return meeting


@transaction.atomic
def meeting_delete(*, meeting: Meeting) -> None:
    if meeting.decisions.exists():
        raise ValidationError(_("Møtet har vedtak i vedtaksregisteret og kan ikke slettes."))
    meeting.delete()


def _validate_agenda_item(item: AgendaItem) -> None:
    _same_collaboration(item.meeting.body.collaboration_id, project=item.project)


@transaction.atomic
def agenda_item_create(*, meeting: Meeting, **fields: Any) -> AgendaItem:
    item = AgendaItem(meeting=meeting)
    if "order" not in fields:
        fields["order"] = _next_order(meeting.agenda_items)
    apply_fields(item, fields, AGENDA_FIELDS)
    _validate_agenda_item(item)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, **fields: Any) -> AgendaItem:
    apply_fields(item, fields, AGENDA_FIELDS)
    _validate_agenda_item(item)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    item.delete()


# --- Decisions ------------------------------------------------------------------------------


def _check_approver(body: Body, approver_body_id: int | None, what: str) -> None:
    if approver_body_id is not None and approver_body_id != body.pk:
        approver = Body.objects.get(pk=approver_body_id)
        raise _error(
            "body",
            _("%(what)s godkjennes av %(approver)s, ikke av %(body)s.")
            % {"what": what, "approver": approver, "body": body},
        )


def _check_gate_can_pass(gate: Gate, body: Body) -> None:
    if gate.status == Gate.Status.PASSED:
        raise _error(
            "gate", _("Beslutningspunktet %(gate)s er allerede passert.") % {"gate": gate.code}
        )
    earlier = (
        Gate.objects.filter(project_id=gate.project_id, order__lt=gate.order)
        .exclude(status=Gate.Status.PASSED)
        .order_by("order")
        .first()
    )
    if earlier is not None:
        raise _error(
            "gate",
            _("%(gate)s kan ikke passeres før %(earlier)s er passert.")
            % {"gate": gate.code, "earlier": earlier.code},
        )
    open_items = list(
        gate.checklist.filter(mandatory=True, done=False).values_list("text", flat=True)
    )
    if open_items:
        raise _error(
            "gate",
            _(
                "Beslutningspunktet %(gate)s kan ikke passeres: %(count)s obligatoriske "
                "sjekkpunkter er ikke utført: %(items)s."
            )
            % {"gate": gate.code, "count": len(open_items), "items": "; ".join(open_items)},
        )
    _check_approver(body, gate.approver_body_id, gate.code)


def _pass_gate(gate: Gate, decision: Decision) -> None:
    gate.status = Gate.Status.PASSED
    gate.decided_by = decision
    gate.save()
    phase = gate.phase
    if phase is None:
        return
    phase.status = ProjectPhase.Status.COMPLETED
    phase.actual_end = decision.decided_on
    if phase.actual_start is None or phase.actual_start > decision.decided_on:
        phase.actual_start = min(phase.planned_start, decision.decided_on)
    phase.save()
    following = (
        ProjectPhase.objects.filter(project_id=gate.project_id, order__gt=phase.order)
        .order_by("order")
        .first()
    )
    project = gate.project
    if following is not None:
        following.status = ProjectPhase.Status.ACTIVE
        following.actual_start = decision.decided_on
        following.save()
    project.current_phase = following
    project.save(update_fields=["current_phase"])


def next_decision_sequence(body: Body, year: int) -> int:
    return int(body.decisions.filter(year=year).aggregate(m=Max("sequence"))["m"] or 0) + 1


@transaction.atomic
def decision_record(
    *,
    body: Body,
    decided_on: datetime.date,
    title: str,
    text: str,
    alternatives: str = "",
    meeting: Meeting | None = None,
    agenda_item: AgendaItem | None = None,
    project: Project | None = None,
    gate: Gate | None = None,
    gate_outcome: str = Decision.GateOutcome.PASSED,
    milestone: Milestone | None = None,
    target_choice: Any = None,
    case_version: Any = None,
    user: User | None = None,
) -> Decision:
    """Record a decision of ``body`` in the register, numbered «ABBR n/year».

    With a ``gate`` the decision passes it (``gate_outcome`` "passed") or refuses it
    ("rejected"); with a ``milestone`` it approves it. It may also reference a system
    choice of the target portfolio or a version of a business case."""
    # Lock the body: decision numbers are handed out one at a time.
    body = Body.objects.select_for_update().get(pk=body.pk)
    collaboration_id = body.collaboration_id
    if meeting is not None and meeting.body_id != body.pk:
        raise _error("meeting", _("Møtet er et møte i et annet organ."))
    if agenda_item is not None:
        if meeting is None:
            meeting = agenda_item.meeting
        if agenda_item.meeting_id != meeting.pk:
            raise _error("agenda_item", _("Saken står på sakslisten til et annet møte."))
    if gate is not None:
        gate = (
            Gate.objects.select_for_update(of=("self",))
            .select_related("project", "phase")
            .get(pk=gate.pk)
        )
    if milestone is not None:
        milestone = (
            Milestone.objects.select_for_update(of=("self",))
            .select_related("project")
            .get(pk=milestone.pk)
        )
    for field, linked in (("gate", gate), ("milestone", milestone)):
        if linked is None:
            continue
        if project is None:
            project = linked.project
        elif linked.project_id != project.pk:
            raise _error(field, _(OTHER_PROJECT))
    _same_collaboration(collaboration_id, project=project)
    if target_choice is not None:
        _same_collaboration(collaboration_id, target_choice=target_choice)
    if case_version is not None and case_version.case.collaboration_id != collaboration_id:
        raise _error("case_version", _(OTHER_COLLABORATION))

    outcome = ""
    if gate is not None:
        if gate_outcome == Decision.GateOutcome.PASSED:
            _check_gate_can_pass(gate, body)
        elif gate_outcome == Decision.GateOutcome.REJECTED:
            if gate.status == Gate.Status.PASSED:
                raise _error(
                    "gate",
                    _("Beslutningspunktet %(gate)s er allerede passert.") % {"gate": gate.code},
                )
            _check_approver(body, gate.approver_body_id, gate.code)
        else:
            raise _error("gate_outcome", _("Velg om beslutningspunktet passeres eller ikke."))
        outcome = gate_outcome
    if milestone is not None:
        if milestone.status == Milestone.Status.APPROVED:
            raise _error(
                "milestone",
                _("Milepælen «%(name)s» er allerede godkjent.") % {"name": milestone.name},
            )
        if milestone.status == Milestone.Status.CANCELLED:
            raise _error("milestone", _("Milepælen utgår og kan ikke godkjennes."))
        _check_approver(body, milestone.approver_body_id, milestone.name)

    decision = Decision(
        collaboration_id=collaboration_id,
        body=body,
        meeting=meeting,
        agenda_item=agenda_item,
        year=decided_on.year if decided_on else 0,
        sequence=next_decision_sequence(body, decided_on.year) if decided_on else 1,
        decided_on=decided_on,
        title=title,
        text=text,
        alternatives=alternatives,
        project=project,
        gate=gate,
        gate_outcome=outcome,
        milestone=milestone,
        target_choice=target_choice,
        case_version=case_version,
        recorded_by=user,
    )
    decision.full_clean()
    decision.save()
    if gate is not None:
        if outcome == Decision.GateOutcome.PASSED:
            _pass_gate(gate, decision)
        else:
            gate.status = Gate.Status.REJECTED
            gate.decided_by = decision
            gate.save()
    if milestone is not None:
        milestone.status = Milestone.Status.APPROVED
        milestone.approved_by = decision
        if milestone.actual_date is None:
            milestone.actual_date = decided_on
        milestone.save()
    return decision


@transaction.atomic
def decision_update(*, decision: Decision, **fields: Any) -> Decision:
    """The wording may be corrected; what was decided (date, body, links) may not."""
    agenda_item = fields.get("agenda_item")
    if agenda_item is not None and agenda_item.meeting_id != decision.meeting_id:
        raise _error("agenda_item", _("Saken står på sakslisten til et annet møte."))
    return _save(decision, fields, DECISION_EDIT_FIELDS)


@transaction.atomic
def decision_delete(*, decision: Decision) -> None:
    if decision.gate_id is not None or decision.milestone_id is not None:
        raise ValidationError(
            _("Vedtaket har avgjort et beslutningspunkt eller en milepæl og kan ikke slettes.")
        )
    decision.delete()


# --- Action items ---------------------------------------------------------------------------


def _validate_action_item(item: ActionItem) -> None:
    _same_collaboration(item.collaboration_id, project=item.project)
    if item.meeting is not None and item.meeting.body.collaboration_id != item.collaboration_id:
        raise _error("meeting", _(OTHER_COLLABORATION))
    _users_in_collaboration(item.collaboration_id, owner=item.owner)
    if item.status == ActionItem.Status.DONE and item.done_on is None:
        item.done_on = today()
    if item.status != ActionItem.Status.DONE:
        item.done_on = None


@transaction.atomic
def action_item_create(*, collaboration: Collaboration, **fields: Any) -> ActionItem:
    item = ActionItem(collaboration=collaboration)
    apply_fields(item, fields, ACTION_FIELDS)
    _validate_action_item(item)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_update(*, item: ActionItem, **fields: Any) -> ActionItem:
    apply_fields(item, fields, ACTION_FIELDS)
    _validate_action_item(item)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_delete(*, item: ActionItem) -> None:
    item.delete()


# --- Risks ----------------------------------------------------------------------------------


def _validate_risk(risk: Risk) -> None:
    errors: dict[str, str] = {}
    for field in ("probability", "impact", "residual_probability", "residual_impact"):
        value = getattr(risk, field)
        if value is None and field in ("probability", "impact"):
            errors[field] = _("Feltet må fylles ut.")
        elif value is not None and not (isinstance(value, int) and 1 <= value <= 5):
            errors[field] = _("Verdien må være et helt tall fra 1 til 5.")
    if errors:
        raise ValidationError(errors)
    _users_in_collaboration(risk.collaboration_id, owner=risk.owner)


@transaction.atomic
def risk_create(
    *,
    project: Project | None = None,
    programme: Programme | None = None,
    user: User | None = None,
    **fields: Any,
) -> Risk:
    """A risk of a project or a programme (exactly one), numbered within it."""
    if (project is None) == (programme is None):
        raise ValidationError(_("En risiko hører til enten et prosjekt eller et program."))
    owner_object: Any = project if project is not None else programme
    collaboration_id = owner_object.collaboration_id
    # Lock the owner so that two risks created at once get different numbers.
    type(owner_object).objects.select_for_update().filter(pk=owner_object.pk).first()
    existing = (
        Risk.objects.filter(project=project)
        if project
        else Risk.objects.filter(programme=programme)
    )
    risk = Risk(
        collaboration_id=collaboration_id,
        project=project,
        programme=programme,
        number=int(existing.aggregate(m=Max("number"))["m"] or 0) + 1,
        created_by=user,
    )
    apply_fields(risk, fields, RISK_FIELDS)
    _validate_risk(risk)
    risk.full_clean()
    risk.save()
    return risk


@transaction.atomic
def risk_update(*, risk: Risk, **fields: Any) -> Risk:
    apply_fields(risk, fields, RISK_FIELDS)
    _validate_risk(risk)
    risk.full_clean()
    risk.save()
    return risk


@transaction.atomic
def risk_delete(*, risk: Risk) -> None:
    risk.delete()


# --- Status reports -------------------------------------------------------------------------

PUBLISHED_MESSAGE = gettext_noop("Rapporten er publisert og kan ikke endres.")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _require_draft(report: StatusReport) -> None:
    """Read from the database (and lock): the caller's report may be older than publishing."""
    stored = StatusReport.objects.select_for_update().filter(pk=report.pk).first()
    if stored is None or stored.state != StatusReport.State.DRAFT:
        raise ValidationError(_(PUBLISHED_MESSAGE))


@transaction.atomic
def status_report_create(
    *, project: Project, period: datetime.date, user: User | None = None, **fields: Any
) -> StatusReport:
    """A draft for the month of ``period``, starting from the latest report's texts,
    colours and cost lines (or the mandate's budget when there is none)."""
    if not isinstance(period, datetime.date):
        raise _error("period", _("Velg en måned."))
    period = month_start(period)
    if project.status_reports.filter(period=period).exists():
        raise _error(
            "period",
            _("Prosjektet har allerede en statusrapport for %(month)s.")
            % {"month": period.strftime("%m.%Y")},
        )
    previous = project.status_reports.filter(period__lt=period).order_by("-period").first()
    report = StatusReport(project=project, period=period, created_by=user)
    if previous is not None:
        for name in REPORT_FIELDS:
            setattr(report, name, getattr(previous, name))
    apply_fields(report, fields, REPORT_FIELDS)
    report.full_clean()
    report.save()
    if previous is not None:
        lines = [
            StatusCostLine(
                report=report,
                order=line.order,
                name=line.name,
                budget=line.budget,
                spent=line.spent,
                forecast=line.forecast,
            )
            for line in previous.cost_lines.all()
        ]
    else:
        budget = (
            CostLine.objects.filter(mandate__project=project)
            .values("name")
            .annotate(total=Sum("amount"), first=Max("order"))
            .order_by("first", "name")
        )
        lines = [
            StatusCostLine(
                report=report,
                order=index,
                name=row["name"],
                budget=row["total"],
                spent=Decimal(0),
                forecast=row["total"],
            )
            for index, row in enumerate(budget)
        ]
    if lines:
        bulk_create_with_history(lines, StatusCostLine)
    return report


@transaction.atomic
def status_report_update(*, report: StatusReport, **fields: Any) -> StatusReport:
    report = StatusReport.objects.select_for_update().get(pk=report.pk)
    _require_draft(report)
    return _save(report, fields, REPORT_FIELDS)


@transaction.atomic
def status_report_delete(*, report: StatusReport) -> None:
    _require_draft(report)
    report.delete()


@transaction.atomic
def status_cost_line_create(*, report: StatusReport, **fields: Any) -> StatusCostLine:
    _require_draft(report)
    if "order" not in fields:
        fields["order"] = _next_order(report.cost_lines)
    return _save(StatusCostLine(report=report), fields, STATUS_COST_FIELDS)


@transaction.atomic
def status_cost_line_update(*, line: StatusCostLine, **fields: Any) -> StatusCostLine:
    _require_draft(line.report)
    return _save(line, fields, STATUS_COST_FIELDS)


@transaction.atomic
def status_cost_line_delete(*, line: StatusCostLine) -> None:
    _require_draft(line.report)
    line.delete()


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def report_snapshot(report: StatusReport) -> dict[str, Any]:
    """The report's figures as plain JSON values, as they are at this moment."""
    project = report.project
    period_end = month_end(report.period)
    next_end = month_end(period_end + datetime.timedelta(days=1))
    # Late: due before the end of the month, or before today when published within it.
    cutoff = min(period_end + datetime.timedelta(days=1), today())
    lines = list(report.cost_lines.all())
    milestones = list(
        project.milestones.exclude(status__in=Milestone.FINISHED).order_by(
            "planned_date", "order", "pk"
        )
    )
    reached = list(
        project.milestones.filter(
            status__in=[Milestone.Status.REACHED, Milestone.Status.APPROVED],
            actual_date__gte=report.period,
            actual_date__lte=period_end,
        ).order_by("actual_date", "pk")
    )

    def milestone_json(milestone: Milestone) -> dict[str, Any]:
        return {
            "uuid": str(milestone.uuid),
            "code": milestone.code,
            "name": milestone.name,
            "planned": milestone.planned_date.isoformat(),
            "forecast": milestone.forecast_date.isoformat() if milestone.forecast_date else None,
            "actual": milestone.actual_date.isoformat() if milestone.actual_date else None,
            "status": milestone.status,
        }

    risks = list(
        project.risks.filter(status=Risk.Status.OPEN)
        .annotate(score_value=F("probability") * F("impact"))
        .order_by("-score_value", "number")[:5]
    )
    phase = project.current_phase
    return {
        "project": {"uuid": str(project.uuid), "name": project.name, "code": project.code},
        "period": report.period.isoformat(),
        "phase": phase.name if phase is not None else None,
        "dimensions": {
            key: {"status": colour, "comment": comment}
            for key, _label, colour, comment in report.dimensions()
        },
        "summary": report.summary,
        "next_steps": report.next_steps,
        "cost_lines": [
            {
                "name": line.name,
                "budget": _money(line.budget),
                "spent": _money(line.spent),
                "forecast": _money(line.forecast),
            }
            for line in lines
        ],
        "totals": {
            "budget": _money(sum((line.budget for line in lines), Decimal(0))),
            "spent": _money(sum((line.spent for line in lines), Decimal(0))),
            "forecast": _money(sum((line.forecast for line in lines), Decimal(0))),
        },
        "milestones_late": [milestone_json(m) for m in milestones if m.due_date < cutoff],
        "milestones_due": [
            milestone_json(m) for m in milestones if cutoff <= m.due_date <= next_end
        ],
        "milestones_reached": [milestone_json(m) for m in reached],
        "risks": [
            {
                "uuid": str(risk.uuid),
                "number": risk.number,
                "title": risk.title,
                "probability": risk.probability,
                "impact": risk.impact,
                "score": risk.score,
                "level": risk_level(risk.score),
                "trend": risk.trend,
            }
            for risk in risks
        ],
    }


def snapshot_changes(previous: dict[str, Any] | None, current: dict[str, Any]) -> dict[str, Any]:
    """What changed from the previous published snapshot to this one: dimension colours,
    cost lines (with the change in kroner), late milestones and top risks. Pure function."""
    if previous is None:
        return {"first": True}
    dimensions = [
        {
            "dimension": key,
            "from": previous["dimensions"].get(key, {}).get("status", ""),
            "to": value["status"],
        }
        for key, value in current["dimensions"].items()
        if previous["dimensions"].get(key, {}).get("status", "") != value["status"]
    ]
    before = {line["name"]: line for line in previous["cost_lines"]}
    after = {line["name"]: line for line in current["cost_lines"]}
    cost_lines = []
    for name, line in after.items():
        old = before.get(name)
        if old is None:
            cost_lines.append({"name": name, "change": "added"})
            continue
        deltas = {
            figure: _money(Decimal(line[figure]) - Decimal(old[figure]))
            for figure in ("budget", "spent", "forecast")
            if Decimal(line[figure]) != Decimal(old[figure])
        }
        if deltas:
            cost_lines.append({"name": name, "change": "changed", "deltas": deltas})
    cost_lines.extend({"name": name, "change": "removed"} for name in before if name not in after)
    late_before = {m["uuid"]: m for m in previous["milestones_late"]}
    late_now = {m["uuid"]: m for m in current["milestones_late"]}
    risks_before = {r["uuid"]: r for r in previous["risks"]}
    risks_now = {r["uuid"]: r for r in current["risks"]}
    return {
        "first": False,
        "previous_period": previous["period"],
        "dimensions": dimensions,
        "cost_lines": cost_lines,
        "totals": {
            figure: _money(Decimal(current["totals"][figure]) - Decimal(previous["totals"][figure]))
            for figure in ("budget", "spent", "forecast")
        },
        "phase": (
            {"from": previous.get("phase"), "to": current.get("phase")}
            if previous.get("phase") != current.get("phase")
            else None
        ),
        "milestones_newly_late": [m for key, m in late_now.items() if key not in late_before],
        "milestones_no_longer_late": [m for key, m in late_before.items() if key not in late_now],
        "risks_new": [r for key, r in risks_now.items() if key not in risks_before],
        "risks_gone": [r for key, r in risks_before.items() if key not in risks_now],
        "risks_changed": [
            {"uuid": key, "title": r["title"], "from": risks_before[key]["score"], "to": r["score"]}
            for key, r in risks_now.items()
            if key in risks_before and risks_before[key]["score"] != r["score"]
        ],
    }


@transaction.atomic
def status_report_publish(*, report: StatusReport, user: User | None) -> StatusReport:
    """Freeze the draft: snapshot, changes since the previous published report, and the
    project's latest report."""
    report = (
        StatusReport.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=report.pk)
    )
    if report.state == StatusReport.State.PUBLISHED:
        raise ValidationError(_("Rapporten er allerede publisert."))
    missing = [str(label) for key, label, colour, _c in report.dimensions() if not colour]
    if missing:
        raise ValidationError(
            _("Sett status for alle områdene før publisering. Mangler: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    project = Project.objects.select_for_update().get(pk=report.project_id)
    newer = project.status_reports.filter(
        state=StatusReport.State.PUBLISHED, period__gt=report.period
    ).first()
    if newer is not None:
        raise ValidationError(
            _(
                "Rapporten for %(month)s er allerede publisert; en eldre måned kan ikke publiseres etter den."
            )
            % {"month": newer.period.strftime("%m.%Y")}
        )
    previous = (
        project.status_reports.filter(state=StatusReport.State.PUBLISHED, period__lt=report.period)
        .order_by("-period")
        .first()
    )
    report.project = project
    snapshot = report_snapshot(report)
    report.snapshot = snapshot
    report.changes = snapshot_changes(previous.snapshot if previous else None, snapshot)
    report.previous = previous
    report.state = StatusReport.State.PUBLISHED
    report.published_at = timezone.now()
    report.published_by = user
    report.full_clean()
    report.save()
    project.latest_status_report = report
    project.save(update_fields=["latest_status_report"])
    return report


# --- Plan -----------------------------------------------------------------------------------


def _validate_activity(activity: Activity) -> None:
    if activity.start is not None and activity.end is not None and activity.end < activity.start:
        raise _error("end", _("Sluttdatoen kan ikke være før startdatoen."))
    _same_project(activity.project_id, phase=activity.phase, milestone=activity.milestone)
    _users_in_collaboration(activity.project.collaboration_id, responsible=activity.responsible)


@transaction.atomic
def activity_create(*, project: Project, **fields: Any) -> Activity:
    activity = Activity(project=project)
    if "order" not in fields:
        fields["order"] = _next_order(project.activities)
    apply_fields(activity, fields, ACTIVITY_FIELDS)
    _validate_activity(activity)
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, **fields: Any) -> Activity:
    apply_fields(activity, fields, ACTIVITY_FIELDS)
    _validate_activity(activity)
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity) -> None:
    activity.delete()


@transaction.atomic
def dependency_create(
    *, predecessor: Activity, successor: Activity, lag_days: int = 0
) -> Dependency:
    """``successor`` starts after ``predecessor`` ends; refuses links that close a cycle."""
    if predecessor.project_id != successor.project_id:
        raise _error("successor", _("Aktivitetene hører til forskjellige prosjekter."))
    if predecessor.pk == successor.pk:
        raise _error("successor", _("En aktivitet kan ikke avhenge av seg selv."))
    # Lock the project so that two links added at once cannot close a cycle together.
    Project.objects.select_for_update().filter(pk=predecessor.project_id).first()
    links = [
        scheduling.Link(predecessor=a, successor=b)
        for a, b in Dependency.objects.filter(
            predecessor__project_id=predecessor.project_id
        ).values_list("predecessor_id", "successor_id")
    ]
    cycle = scheduling.would_create_cycle(links, predecessor.pk, successor.pk)
    if cycle is not None:
        names = dict(Activity.objects.filter(pk__in=set(cycle)).values_list("pk", "name"))
        raise _error(
            "successor",
            _("Avhengigheten ville gi en sirkel: %(cycle)s.")
            % {"cycle": " → ".join(names[pk] for pk in cycle)},
        )
    dependency = Dependency(predecessor=predecessor, successor=successor, lag_days=lag_days)
    dependency.full_clean()
    dependency.save()
    return dependency


@transaction.atomic
def dependency_update(*, dependency: Dependency, lag_days: int) -> Dependency:
    dependency.lag_days = lag_days
    dependency.full_clean()
    dependency.save()
    return dependency


@transaction.atomic
def dependency_delete(*, dependency: Dependency) -> None:
    dependency.delete()


# --- Stakeholders, communication, log -------------------------------------------------------


def _validate_stakeholder(stakeholder: Stakeholder) -> None:
    if stakeholder.organisation is not None:
        _members(stakeholder.project.collaboration_id, [stakeholder.organisation], "organisation")


@transaction.atomic
def stakeholder_create(*, project: Project, **fields: Any) -> Stakeholder:
    stakeholder = Stakeholder(project=project)
    if "order" not in fields:
        fields["order"] = _next_order(project.stakeholders)
    apply_fields(stakeholder, fields, STAKEHOLDER_FIELDS)
    _validate_stakeholder(stakeholder)
    stakeholder.full_clean()
    stakeholder.save()
    return stakeholder


@transaction.atomic
def stakeholder_update(*, stakeholder: Stakeholder, **fields: Any) -> Stakeholder:
    apply_fields(stakeholder, fields, STAKEHOLDER_FIELDS)
    _validate_stakeholder(stakeholder)
    stakeholder.full_clean()
    stakeholder.save()
    return stakeholder


@transaction.atomic
def stakeholder_delete(*, stakeholder: Stakeholder) -> None:
    stakeholder.delete()


def _validate_communication(item: CommunicationItem) -> None:
    _same_project(item.project_id, stakeholder=item.stakeholder)
    _users_in_collaboration(item.project.collaboration_id, responsible=item.responsible)


@transaction.atomic
def communication_item_create(*, project: Project, **fields: Any) -> CommunicationItem:
    item = CommunicationItem(project=project)
    apply_fields(item, fields, COMMUNICATION_FIELDS)
    _validate_communication(item)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def communication_item_update(*, item: CommunicationItem, **fields: Any) -> CommunicationItem:
    apply_fields(item, fields, COMMUNICATION_FIELDS)
    _validate_communication(item)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def communication_item_delete(*, item: CommunicationItem) -> None:
    item.delete()


def _validate_log_entry(entry: LogEntry) -> None:
    if entry.decision is not None:
        _same_collaboration(entry.project.collaboration_id, decision=entry.decision)


@transaction.atomic
def log_entry_create(*, project: Project, author: User | None, **fields: Any) -> LogEntry:
    entry = LogEntry(project=project, author=author, date=fields.pop("date", None) or today())
    apply_fields(entry, fields, LOG_FIELDS)
    _validate_log_entry(entry)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def log_entry_update(*, entry: LogEntry, **fields: Any) -> LogEntry:
    apply_fields(entry, fields, LOG_FIELDS)
    _validate_log_entry(entry)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def log_entry_delete(*, entry: LogEntry) -> None:
    entry.delete()


# --- Calendar feed --------------------------------------------------------------------------

CALENDAR_TOKEN_PREFIX = "samlacal_"


def calendar_token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, user: User) -> tuple[CalendarFeed, str]:
    """A new private feed token for ``user`` (shown once); the previous one stops working."""
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = CALENDAR_TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        user=user,
        digest=calendar_token_digest(token),
        prefix=token[:12],  # "samlacal_" and three characters: enough to tell feeds apart
    )
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, feed: CalendarFeed) -> None:
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])


def calendar_feed_user(token: str) -> User | None:
    """The user of an active feed token, or None; notes when the feed was last read."""
    if not token.startswith(CALENDAR_TOKEN_PREFIX):
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(digest=calendar_token_digest(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed.user
