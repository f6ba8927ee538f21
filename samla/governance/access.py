"""Access helpers for programmes and projects: the only way views, the API and the exports
fetch governance objects. Objects of another collaboration answer 404; a change the role
does not allow answers 403.

Who may do what (kept simple on purpose):

- everyone with a role in the collaboration reads everything here;
- managers (administrators and the programme office) change everything: phase models,
  programmes, projects, bodies, meetings, the decision register and action items;
- the project leader (``Project.leader``) runs their own project day to day: phases and
  milestone dates, ticking checklist items, the mandate and its parts, the plan, risks,
  status reports (including publishing), stakeholders, the communication plan and the log.
  Passing gates and approving milestones is done by decisions, which only managers record;
- an editor of an organisation the project concerns (``Project.organisations``) may add
  risks and log entries to it, and change or delete the log entries they wrote;
- viewers read.

``for_change=True`` checks the right to change the object fetched; to *add* something to a
project, fetch the project and call ``require_project_lead`` or
``require_project_contributor``.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from samla.governance.models import (
    ActionItem,
    Activity,
    AgendaItem,
    Body,
    BodyMember,
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
)
from samla.organisations.access import CollaborationAccess, _parse_uuid
from samla.organisations.models import Role

M = TypeVar("M", bound=models.Model)

LEAD_ONLY = "Bare prosjektlederen og programkontoret kan endre dette prosjektet."
CONTRIBUTOR_ONLY = "Du kan bare bidra til prosjekter som berører din organisasjon."


def _fetch(
    queryset: models.QuerySet[M],
    access: CollaborationAccess,
    object_id: str | uuid.UUID,
    path: str = "collaboration",
) -> M:
    obj = queryset.filter(**{"uuid": _parse_uuid(object_id), path: access.collaboration}).first()
    if obj is None:
        raise Http404
    return obj


# --- Rights ---------------------------------------------------------------------------------


def may_manage_governance(access: CollaborationAccess) -> bool:
    return access.is_manager


def may_lead_project(access: CollaborationAccess, project: Project) -> bool:
    """Managers, and the project's own leader."""
    return access.is_manager or (
        project.leader_id is not None and project.leader_id == access.user.pk
    )


def may_contribute_to_project(access: CollaborationAccess, project: Project) -> bool:
    """Those who lead it, and editors of an organisation it concerns."""
    if may_lead_project(access, project):
        return True
    organisation_id = access.editable_organisation_id
    return (
        access.role.kind == Role.Kind.EDITOR
        and organisation_id is not None
        and project.organisations.filter(pk=organisation_id).exists()
    )


def require_project_lead(access: CollaborationAccess, project: Project) -> None:
    if not may_lead_project(access, project):
        raise PermissionDenied(LEAD_ONLY)


def require_project_contributor(access: CollaborationAccess, project: Project) -> None:
    if not may_contribute_to_project(access, project):
        raise PermissionDenied(CONTRIBUTOR_ONLY)


def _require_lead_of(access: CollaborationAccess, project: Project | None) -> None:
    """For objects of a project (lead) or of a programme (managers)."""
    if project is None:
        access.require_manager()
    else:
        require_project_lead(access, project)


# --- Phase models ---------------------------------------------------------------------------


def access_phase_model(
    access: CollaborationAccess, model_id: str | uuid.UUID, *, for_change: bool = False
) -> PhaseModel:
    model = _fetch(PhaseModel.objects.all(), access, model_id)
    if for_change:
        access.require_manager()
    return model


def access_phase_model_phase(
    access: CollaborationAccess, phase_id: str | uuid.UUID, *, for_change: bool = False
) -> PhaseModelPhase:
    phase = _fetch(
        PhaseModelPhase.objects.select_related("phase_model"),
        access,
        phase_id,
        "phase_model__collaboration",
    )
    if for_change:
        access.require_manager()
    return phase


def access_phase_model_gate(
    access: CollaborationAccess, gate_id: str | uuid.UUID, *, for_change: bool = False
) -> PhaseModelGate:
    gate = _fetch(
        PhaseModelGate.objects.select_related("phase_model", "phase"),
        access,
        gate_id,
        "phase_model__collaboration",
    )
    if for_change:
        access.require_manager()
    return gate


def access_phase_model_checklist_item(
    access: CollaborationAccess, item_id: str | uuid.UUID, *, for_change: bool = False
) -> PhaseModelChecklistItem:
    item = _fetch(
        PhaseModelChecklistItem.objects.select_related("gate__phase_model"),
        access,
        item_id,
        "gate__phase_model__collaboration",
    )
    if for_change:
        access.require_manager()
    return item


def access_phase_model_milestone(
    access: CollaborationAccess, milestone_id: str | uuid.UUID, *, for_change: bool = False
) -> PhaseModelMilestone:
    milestone = _fetch(
        PhaseModelMilestone.objects.select_related("phase_model", "phase"),
        access,
        milestone_id,
        "phase_model__collaboration",
    )
    if for_change:
        access.require_manager()
    return milestone


# --- Programmes and projects ----------------------------------------------------------------


def access_programme(
    access: CollaborationAccess, programme_id: str | uuid.UUID, *, for_change: bool = False
) -> Programme:
    programme = _fetch(Programme.objects.select_related("owner", "manager"), access, programme_id)
    if for_change:
        access.require_manager()
    return programme


PROJECT_RELATED = (
    "collaboration",
    "programme",
    "owner",
    "leader",
    "phase_model",
    "current_phase",
    "category",
    "business_case",
    "latest_status_report",
)


def access_project(
    access: CollaborationAccess, project_id: str | uuid.UUID, *, for_change: bool = False
) -> Project:
    """The project; changing its own fields (name, leader, members, programme …) is for
    managers."""
    project = _fetch(Project.objects.select_related(*PROJECT_RELATED), access, project_id)
    if for_change:
        access.require_manager()
    return project


def _project_part(
    model: type[M],
    related: tuple[str, ...],
    project_path: str,
    access: CollaborationAccess,
    object_id: str | uuid.UUID,
    for_change: bool,
) -> M:
    obj = _fetch(
        model._default_manager.select_related(*related, f"{project_path}__leader"),
        access,
        object_id,
        f"{project_path}__collaboration",
    )
    if for_change:
        project: Any = obj
        for step in project_path.split("__"):
            project = getattr(project, step)
        require_project_lead(access, project)
    return obj


def access_project_phase(
    access: CollaborationAccess, phase_id: str | uuid.UUID, *, for_change: bool = False
) -> ProjectPhase:
    return _project_part(ProjectPhase, ("project",), "project", access, phase_id, for_change)


def access_gate(
    access: CollaborationAccess, gate_id: str | uuid.UUID, *, for_change: bool = False
) -> Gate:
    """Changing a gate's definition is for managers; it is passed only by a decision."""
    gate = _fetch(
        Gate.objects.select_related("project", "phase", "approver_body", "decided_by__body"),
        access,
        gate_id,
        "project__collaboration",
    )
    if for_change:
        access.require_manager()
    return gate


def access_checklist_item(
    access: CollaborationAccess, item_id: str | uuid.UUID, *, for_change: bool = False
) -> ChecklistItem:
    """The project leader ticks items off; managers also edit them."""
    return _project_part(
        ChecklistItem, ("gate__project", "done_by"), "gate__project", access, item_id, for_change
    )


def access_milestone(
    access: CollaborationAccess, milestone_id: str | uuid.UUID, *, for_change: bool = False
) -> Milestone:
    return _project_part(
        Milestone,
        ("project", "phase", "responsible", "approver_body", "approved_by__body"),
        "project",
        access,
        milestone_id,
        for_change,
    )


# --- Mandate --------------------------------------------------------------------------------


def access_mandate(
    access: CollaborationAccess, project_id: str | uuid.UUID, *, for_change: bool = False
) -> Mandate:
    """The mandate of the project ``project_id`` (one per project)."""
    mandate = (
        Mandate.objects.select_related(
            "project__collaboration", "project__leader", "project__owner", "financing_key"
        )
        .filter(project__uuid=_parse_uuid(project_id), project__collaboration=access.collaboration)
        .first()
    )
    if mandate is None:
        raise Http404
    if for_change:
        require_project_lead(access, mandate.project)
    return mandate


def _mandate_part(
    model: type[M], access: CollaborationAccess, object_id: str | uuid.UUID, for_change: bool
) -> M:
    return _project_part(
        model, ("mandate__project",), "mandate__project", access, object_id, for_change
    )


def access_sub_goal(
    access: CollaborationAccess, object_id: str | uuid.UUID, *, for_change: bool = False
) -> SubGoal:
    return _mandate_part(SubGoal, access, object_id, for_change)


def access_concept(
    access: CollaborationAccess, object_id: str | uuid.UUID, *, for_change: bool = False
) -> Concept:
    return _mandate_part(Concept, access, object_id, for_change)


def access_mandate_role(
    access: CollaborationAccess, object_id: str | uuid.UUID, *, for_change: bool = False
) -> MandateRole:
    return _mandate_part(MandateRole, access, object_id, for_change)


def access_cost_line(
    access: CollaborationAccess, object_id: str | uuid.UUID, *, for_change: bool = False
) -> CostLine:
    return _mandate_part(CostLine, access, object_id, for_change)


def access_financing(
    access: CollaborationAccess, object_id: str | uuid.UUID, *, for_change: bool = False
) -> Financing:
    return _mandate_part(Financing, access, object_id, for_change)


def access_resource_line(
    access: CollaborationAccess, object_id: str | uuid.UUID, *, for_change: bool = False
) -> ResourceLine:
    return _mandate_part(ResourceLine, access, object_id, for_change)


# --- Bodies, meetings, decisions, action items ----------------------------------------------


def access_body(
    access: CollaborationAccess, body_id: str | uuid.UUID, *, for_change: bool = False
) -> Body:
    body = _fetch(Body.objects.select_related("programme", "project"), access, body_id)
    if for_change:
        access.require_manager()
    return body


def access_body_member(
    access: CollaborationAccess, member_id: str | uuid.UUID, *, for_change: bool = False
) -> BodyMember:
    member = _fetch(
        BodyMember.objects.select_related("body", "user", "organisation"),
        access,
        member_id,
        "body__collaboration",
    )
    if for_change:
        access.require_manager()
    return member


def access_meeting(
    access: CollaborationAccess, meeting_id: str | uuid.UUID, *, for_change: bool = False
) -> Meeting:
    meeting = _fetch(
        Meeting.objects.select_related("body"), access, meeting_id, "body__collaboration"
    )
    if for_change:
        access.require_manager()
    return meeting


def access_agenda_item(
    access: CollaborationAccess, item_id: str | uuid.UUID, *, for_change: bool = False
) -> AgendaItem:
    item = _fetch(
        AgendaItem.objects.select_related("meeting__body", "project"),
        access,
        item_id,
        "meeting__body__collaboration",
    )
    if for_change:
        access.require_manager()
    return item


def access_decision(
    access: CollaborationAccess, decision_id: str | uuid.UUID, *, for_change: bool = False
) -> Decision:
    decision = _fetch(
        Decision.objects.select_related(
            "body",
            "meeting",
            "agenda_item",
            "project",
            "gate",
            "milestone",
            "target_choice__category",
            "target_choice__product",
            "case_version__case",
            "recorded_by",
        ),
        access,
        decision_id,
    )
    if for_change:
        access.require_manager()
    return decision


def access_action_item(
    access: CollaborationAccess, item_id: str | uuid.UUID, *, for_change: bool = False
) -> ActionItem:
    item = _fetch(
        ActionItem.objects.select_related("meeting__body", "project__leader", "owner"),
        access,
        item_id,
    )
    if for_change:
        access.require_manager()
    return item


# --- Risks ----------------------------------------------------------------------------------


def access_risk(
    access: CollaborationAccess, risk_id: str | uuid.UUID, *, for_change: bool = False
) -> Risk:
    """Project risks are changed by the project leader, programme risks by managers."""
    risk = _fetch(
        Risk.objects.select_related("project__leader", "programme", "owner", "created_by"),
        access,
        risk_id,
    )
    if for_change:
        _require_lead_of(access, risk.project)
    return risk


# --- Status reports -------------------------------------------------------------------------


def access_status_report(
    access: CollaborationAccess, report_id: str | uuid.UUID, *, for_change: bool = False
) -> StatusReport:
    """Whether a report is still a draft is the services' business: they refuse every
    change to a published one with a message."""
    return _project_part(
        StatusReport,
        ("project", "published_by", "created_by", "previous"),
        "project",
        access,
        report_id,
        for_change,
    )


def access_status_cost_line(
    access: CollaborationAccess, line_id: str | uuid.UUID, *, for_change: bool = False
) -> StatusCostLine:
    return _project_part(
        StatusCostLine, ("report__project",), "report__project", access, line_id, for_change
    )


# --- Plan -----------------------------------------------------------------------------------


def access_activity(
    access: CollaborationAccess, activity_id: str | uuid.UUID, *, for_change: bool = False
) -> Activity:
    return _project_part(
        Activity,
        ("project", "responsible", "milestone", "phase"),
        "project",
        access,
        activity_id,
        for_change,
    )


def access_dependency(
    access: CollaborationAccess, dependency_id: str | uuid.UUID, *, for_change: bool = False
) -> Dependency:
    return _project_part(
        Dependency,
        ("predecessor__project", "successor"),
        "predecessor__project",
        access,
        dependency_id,
        for_change,
    )


# --- Stakeholders, communication, log -------------------------------------------------------


def access_stakeholder(
    access: CollaborationAccess, stakeholder_id: str | uuid.UUID, *, for_change: bool = False
) -> Stakeholder:
    return _project_part(
        Stakeholder, ("project", "organisation"), "project", access, stakeholder_id, for_change
    )


def access_communication_item(
    access: CollaborationAccess, item_id: str | uuid.UUID, *, for_change: bool = False
) -> CommunicationItem:
    return _project_part(
        CommunicationItem,
        ("project", "stakeholder", "responsible"),
        "project",
        access,
        item_id,
        for_change,
    )


def access_log_entry(
    access: CollaborationAccess, entry_id: str | uuid.UUID, *, for_change: bool = False
) -> LogEntry:
    """The project leader changes every entry; other authors their own."""
    entry = _fetch(
        LogEntry.objects.select_related("project__leader", "author", "decision"),
        access,
        entry_id,
        "project__collaboration",
    )
    own = entry.author_id == access.user.pk and may_contribute_to_project(access, entry.project)
    if for_change and not own and not may_lead_project(access, entry.project):
        raise PermissionDenied(LEAD_ONLY)
    return entry
