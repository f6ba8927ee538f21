"""API: phase models (the template library), programmes, projects and their phases, gates,
checklists and milestones.

Managers (administrators and the programme office) change templates, programmes, projects
and gates; a project's leader changes its phases and milestones and ticks checklist items.
Gates are passed and milestones approved only by recording a decision (``POST …/decisions``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from samla.governance import access as rights
from samla.governance import services
from samla.governance.api_common import (
    COLLABORATION,
    Shape,
    child,
    collaboration_access,
    crud,
    find,
    input_schema,
)
from samla.governance.models import (
    Body,
    BodyKind,
    ChecklistItem,
    Gate,
    Milestone,
    PhaseModel,
    PhaseModelChecklistItem,
    PhaseModelGate,
    PhaseModelMilestone,
    PhaseModelPhase,
    Programme,
    Project,
    ProjectPhase,
)
from samla.governance.phase_library import LIBRARY
from samla.organisations.api import READ_ERRORS, WRITE_ERRORS

router = Router()

# --- Resources ---------------------------------------------------------------------------------

PHASE_MODEL = child(None, "phase_model", PhaseModel, "phase-models", rights.access_phase_model)
TEMPLATE_PHASE = child(
    PHASE_MODEL,
    "phase_model_phase",
    PhaseModelPhase,
    "phases",
    rights.access_phase_model_phase,
    "phase_model",
    param="phase_id",
)
TEMPLATE_GATE = child(
    PHASE_MODEL,
    "phase_model_gate",
    PhaseModelGate,
    "gates",
    rights.access_phase_model_gate,
    "phase_model",
    param="gate_id",
)
TEMPLATE_CHECKLIST_ITEM = child(
    TEMPLATE_GATE,
    "phase_model_checklist_item",
    PhaseModelChecklistItem,
    "checklist",
    rights.access_phase_model_checklist_item,
    "gate",
    param="item_id",
)
TEMPLATE_MILESTONE = child(
    PHASE_MODEL,
    "phase_model_milestone",
    PhaseModelMilestone,
    "milestones",
    rights.access_phase_model_milestone,
    "phase_model",
    param="milestone_id",
)
PROGRAMME = child(None, "programme", Programme, "programmes", rights.access_programme)
PROJECT = child(None, "project", Project, "projects", rights.access_project)
PHASE = child(
    PROJECT,
    "project_phase",
    ProjectPhase,
    "phases",
    rights.access_project_phase,
    "project",
    param="phase_id",
)
GATE = child(PROJECT, "gate", Gate, "gates", rights.access_gate, "project")
CHECKLIST_ITEM = child(
    GATE,
    "checklist_item",
    ChecklistItem,
    "checklist",
    rights.access_checklist_item,
    "gate",
    param="item_id",
)
MILESTONE = child(PROJECT, "milestone", Milestone, "milestones", rights.access_milestone, "project")

# --- Shapes ------------------------------------------------------------------------------------

PHASE_MODEL_OUT = Shape(
    "PhaseModelOut",
    PhaseModel,
    ("library_key", "name", "description", "source", "language", "created_at"),
)
TEMPLATE_PHASE_OUT = Shape("PhaseModelPhaseOut", PhaseModelPhase, services.TEMPLATE_PHASE_FIELDS)
TEMPLATE_GATE_OUT = Shape("PhaseModelGateOut", PhaseModelGate, services.TEMPLATE_GATE_FIELDS)
TEMPLATE_CHECKLIST_OUT = Shape(
    "PhaseModelChecklistItemOut", PhaseModelChecklistItem, services.TEMPLATE_CHECKLIST_FIELDS
)
TEMPLATE_MILESTONE_OUT = Shape(
    "PhaseModelMilestoneOut", PhaseModelMilestone, services.TEMPLATE_MILESTONE_FIELDS
)
PROGRAMME_OUT = Shape("ProgrammeOut", Programme, (*services.PROGRAMME_FIELDS, "created_at"))
PROJECT_OUT = Shape(
    "ProjectOut",
    Project,
    (
        *services.PROJECT_FIELDS,
        "organisations",
        "phase_model",
        "current_phase",
        "latest_status_report",
        "created_at",
    ),
)
PHASE_OUT = Shape("ProjectPhaseOut", ProjectPhase, services.PHASE_FIELDS)
GATE_OUT = Shape("GateOut", Gate, (*services.GATE_FIELDS, "status", "decided_by"))
CHECKLIST_OUT = Shape(
    "ChecklistItemOut", ChecklistItem, (*services.CHECKLIST_FIELDS, "done", "done_by", "done_at")
)
MILESTONE_OUT = Shape("MilestoneOut", Milestone, (*services.MILESTONE_FIELDS, "approved_by"))


def _ordered(queryset: Any) -> Any:
    return queryset.order_by("order", "pk")


def _manager(access: Any, _obj: Any = None) -> None:
    access.require_manager()


def _lead(access: Any, project: Project) -> None:
    rights.require_project_lead(access, project)


# --- Phase models ------------------------------------------------------------------------------


class LibraryModelOut(Schema):
    key: str
    name: str
    description: str
    source: str
    language: str
    phases: int
    installed: bool


class InstallIn(Schema):
    key: str = Field(description="A shipped phase model's key (see …/phase-models/library).")


class CopyIn(Schema):
    name: str = Field(max_length=200)


@router.get(
    COLLABORATION + "/phase-models/library", response={200: list[LibraryModelOut], **READ_ERRORS}
)
def phase_model_library(request: HttpRequest, slug: str) -> Any:
    """The phase models shipped with Samla, and whether the collaboration has installed each."""
    access = collaboration_access(request, slug)
    installed = set(
        PhaseModel.objects.filter(collaboration=access.collaboration).values_list(
            "library_key", flat=True
        )
    )
    return [
        {
            "key": key,
            "name": model.name,
            "description": model.description,
            "source": model.source,
            "language": model.language,
            "phases": len(model.phases),
            "installed": key in installed,
        }
        for key, model in LIBRARY.items()
    ]


@router.post(
    COLLABORATION + "/phase-models/install",
    response={201: PHASE_MODEL_OUT.schema, **WRITE_ERRORS},
)
def phase_model_install(request: HttpRequest, slug: str, payload: InstallIn) -> Any:
    """Install a shipped phase model (managers); an unknown key answers 422."""
    access = collaboration_access(request, slug)
    access.require_manager()
    model = services.phase_model_install(collaboration=access.collaboration, key=payload.key)
    return Status(201, PHASE_MODEL_OUT.dump(model))


@router.post(PHASE_MODEL.path + "/copy", response={201: PHASE_MODEL_OUT.schema, **WRITE_ERRORS})
def phase_model_copy(request: HttpRequest, slug: str, phase_model_id: UUID, payload: CopyIn) -> Any:
    """A copy of the model with its phases, gates, checklists and milestones (managers)."""
    access = collaboration_access(request, slug)
    source = rights.access_phase_model(access, phase_model_id, for_change=True)
    return Status(
        201, PHASE_MODEL_OUT.dump(services.phase_model_copy(source=source, name=payload.name))
    )


crud(
    router,
    PHASE_MODEL,
    PHASE_MODEL_OUT,
    listing=lambda access, _parent, _f: PhaseModel.objects.filter(
        collaboration=access.collaboration
    ).order_by("name"),
    may_create=_manager,
    create=lambda access, _parent, f: services.phase_model_create(
        collaboration=access.collaboration, **f
    ),
    create_in=input_schema("PhaseModelIn", PhaseModel, services.PHASE_MODEL_FIELDS),
    update=lambda _access, obj, f: services.phase_model_update(phase_model=obj, **f),
    update_in=input_schema(
        "PhaseModelPatch", PhaseModel, services.PHASE_MODEL_FIELDS, partial=True
    ),
    delete=lambda _access, obj: services.phase_model_delete(phase_model=obj),
    text={"delete": "Projects made from the model keep their phases, gates and milestones."},
)


crud(
    router,
    TEMPLATE_PHASE,
    TEMPLATE_PHASE_OUT,
    listing=lambda _a, model, _f: _ordered(model.phases),
    may_create=_manager,
    create=lambda access, model, f: services.phase_model_phase_create(phase_model=model, **f),
    create_in=input_schema(
        "PhaseModelPhaseIn", PhaseModelPhase, services.TEMPLATE_PHASE_FIELDS, optional=["order"]
    ),
    update=lambda _a, obj, f: services.phase_model_phase_update(phase=obj, **f),
    update_in=input_schema(
        "PhaseModelPhasePatch", PhaseModelPhase, services.TEMPLATE_PHASE_FIELDS, partial=True
    ),
    delete=lambda _a, obj: services.phase_model_phase_delete(phase=obj),
)
crud(
    router,
    TEMPLATE_GATE,
    TEMPLATE_GATE_OUT,
    listing=lambda _a, model, _f: model.gates.order_by("phase__order", "pk"),
    may_create=_manager,
    create=lambda access, model, f: services.phase_model_gate_create(phase_model=model, **f),
    create_in=input_schema("PhaseModelGateIn", PhaseModelGate, services.TEMPLATE_GATE_FIELDS),
    update=lambda _a, obj, f: services.phase_model_gate_update(gate=obj, **f),
    update_in=input_schema(
        "PhaseModelGatePatch", PhaseModelGate, services.TEMPLATE_GATE_FIELDS, partial=True
    ),
    delete=lambda _a, obj: services.phase_model_gate_delete(gate=obj),
)
crud(
    router,
    TEMPLATE_CHECKLIST_ITEM,
    TEMPLATE_CHECKLIST_OUT,
    listing=lambda _a, gate, _f: _ordered(gate.checklist),
    may_create=_manager,
    create=lambda access, gate, f: services.phase_model_checklist_item_create(gate=gate, **f),
    create_in=input_schema(
        "PhaseModelChecklistItemIn", PhaseModelChecklistItem, services.TEMPLATE_CHECKLIST_FIELDS
    ),
    update=lambda _a, obj, f: services.phase_model_checklist_item_update(item=obj, **f),
    update_in=input_schema(
        "PhaseModelChecklistItemPatch",
        PhaseModelChecklistItem,
        services.TEMPLATE_CHECKLIST_FIELDS,
        partial=True,
    ),
    delete=lambda _a, obj: services.phase_model_checklist_item_delete(item=obj),
)
crud(
    router,
    TEMPLATE_MILESTONE,
    TEMPLATE_MILESTONE_OUT,
    listing=lambda _a, model, _f: model.milestones.order_by("phase__order", "order", "pk"),
    may_create=_manager,
    create=lambda access, model, f: services.phase_model_milestone_create(phase_model=model, **f),
    create_in=input_schema(
        "PhaseModelMilestoneIn", PhaseModelMilestone, services.TEMPLATE_MILESTONE_FIELDS
    ),
    update=lambda _a, obj, f: services.phase_model_milestone_update(milestone=obj, **f),
    update_in=input_schema(
        "PhaseModelMilestonePatch",
        PhaseModelMilestone,
        services.TEMPLATE_MILESTONE_FIELDS,
        partial=True,
    ),
    delete=lambda _a, obj: services.phase_model_milestone_delete(milestone=obj),
)

# --- Programmes --------------------------------------------------------------------------------

crud(
    router,
    PROGRAMME,
    PROGRAMME_OUT,
    listing=lambda access, _p, f: (
        Programme.objects.filter(
            collaboration=access.collaboration, **({"status": f["status"]} if f["status"] else {})
        )
        .select_related("owner", "manager")
        .order_by("name")
    ),
    filters={"status": str},
    may_create=_manager,
    create=lambda access, _p, f: services.programme_create(collaboration=access.collaboration, **f),
    create_in=input_schema("ProgrammeIn", Programme, services.PROGRAMME_FIELDS),
    update=lambda _a, obj, f: services.programme_update(programme=obj, **f),
    update_in=input_schema("ProgrammePatch", Programme, services.PROGRAMME_FIELDS, partial=True),
    delete=lambda _a, obj: services.programme_delete(programme=obj),
)

# --- Projects ----------------------------------------------------------------------------------

PROJECT_IN = (*services.PROJECT_FIELDS, "organisations", "phase_model")


def _projects(access: Any, _parent: Any, given: dict[str, Any]) -> Any:
    projects = Project.objects.filter(collaboration=access.collaboration)
    if given["programme"] is not None:
        projects = projects.filter(programme__uuid=given["programme"])
    if given["status"]:
        projects = projects.filter(status=given["status"])
    return (
        projects.select_related(*rights.PROJECT_RELATED)
        .prefetch_related("organisations")
        .order_by("name")
    )


crud(
    router,
    PROJECT,
    PROJECT_OUT,
    listing=_projects,
    filters={"programme": UUID, "status": str},
    may_create=_manager,
    create=lambda access, _p, f: services.project_create(collaboration=access.collaboration, **f),
    create_in=input_schema("ProjectIn", Project, PROJECT_IN),
    update=lambda _a, obj, f: services.project_update(project=obj, **f),
    update_in=input_schema(
        "ProjectPatch", Project, (*services.PROJECT_FIELDS, "organisations"), partial=True
    ),
    delete=lambda _a, obj: services.project_delete(project=obj),
    text={
        "create": "A project with an empty mandate (managers). With ``phase_model`` the "
        "template is instantiated: its phases, gates, checklists and milestones are copied "
        "in, with planned dates from ``start`` (fitted to ``end`` when given).",
        "delete": "A project with decisions or published status reports cannot be deleted "
        "(422): set its status to stopped.",
    },
)


class ApproversIn(Schema):
    kind: BodyKind = Field(description="The kind of approver the template names.")
    body: UUID | None = Field(description="A body's uuid; null: none.")


class ApproversOut(Schema):
    changed: int = Field(description="How many gates and milestones now name the body.")


@router.post(PROJECT.path + "/approvers", response={200: ApproversOut, **WRITE_ERRORS})
def project_approvers(
    request: HttpRequest, slug: str, project_id: UUID, payload: ApproversIn
) -> Any:
    """Let ``body`` approve every gate and milestone of the project whose template names an
    approver of ``kind`` (for example 'steering_group'), managers only. Their decisions must
    then be that body's."""
    access = collaboration_access(request, slug)
    project = rights.access_project(access, project_id, for_change=True)
    body = find(access, Body, payload.body, "body") if payload.body else None
    changed = services.project_assign_approver(project=project, kind=payload.kind, body=body)
    return {"changed": changed}


# --- Phases, gates, checklists, milestones ----------------------------------------------------


crud(
    router,
    PHASE,
    PHASE_OUT,
    listing=lambda _a, project, _f: _ordered(project.phases),
    may_create=_lead,
    create=lambda access, project, f: services.project_phase_create(project=project, **f),
    create_in=input_schema(
        "ProjectPhaseIn", ProjectPhase, services.PHASE_FIELDS, optional=["order"]
    ),
    update=lambda _a, obj, f: services.project_phase_update(phase=obj, **f),
    update_in=input_schema("ProjectPhasePatch", ProjectPhase, services.PHASE_FIELDS, partial=True),
    delete=lambda _a, obj: services.project_phase_delete(phase=obj),
)
crud(
    router,
    GATE,
    GATE_OUT,
    listing=lambda _a, project, _f: _ordered(
        project.gates.select_related("phase", "approver_body")
    ),
    may_create=_manager,
    create=lambda access, project, f: services.gate_create(project=project, **f),
    create_in=input_schema("GateIn", Gate, services.GATE_FIELDS, optional=["order"]),
    update=lambda _a, obj, f: services.gate_update(gate=obj, **f),
    update_in=input_schema("GatePatch", Gate, services.GATE_FIELDS, partial=True),
    delete=lambda _a, obj: services.gate_delete(gate=obj),
    text={"list": "A gate is passed by recording a decision with ``gate`` (POST …/decisions)."},
)


crud(
    router,
    CHECKLIST_ITEM,
    CHECKLIST_OUT,
    listing=lambda _a, gate, _f: _ordered(gate.checklist.select_related("done_by")),
    may_create=_manager,
    create=lambda access, gate, f: services.checklist_item_create(gate=gate, **f),
    create_in=input_schema("ChecklistItemIn", ChecklistItem, services.CHECKLIST_FIELDS),
    update=lambda _a, obj, f: services.checklist_item_update(item=obj, **f),
    update_in=input_schema(
        "ChecklistItemPatch", ChecklistItem, services.CHECKLIST_FIELDS, partial=True
    ),
    delete=lambda _a, obj: services.checklist_item_delete(item=obj),
    may_change=_manager,
    text={
        "update": "Edit the item's text (managers); tick it off with …/tick. A passed "
        "gate's checklist is closed (422)."
    },
)


class TickIn(Schema):
    done: bool = True
    comment: str | None = Field(None, description="Replaces the item's comment when given.")


@router.post(CHECKLIST_ITEM.path + "/tick", response={200: CHECKLIST_OUT.schema, **WRITE_ERRORS})
def checklist_item_tick(
    request: HttpRequest,
    slug: str,
    project_id: UUID,
    gate_id: UUID,
    item_id: UUID,
    payload: TickIn,
) -> Any:
    """Tick the item off (``done: false`` to undo), as the project leader or a manager."""
    access = collaboration_access(request, slug)
    ids = {"project_id": project_id, "gate_id": gate_id, "item_id": item_id}
    item = CHECKLIST_ITEM.get(access, ids, for_change=True)
    services.checklist_item_set_done(
        item=item, done=payload.done, user=access.user, comment=payload.comment
    )
    return CHECKLIST_OUT.dump(CHECKLIST_ITEM.get(access, ids))


crud(
    router,
    MILESTONE,
    MILESTONE_OUT,
    listing=lambda _a, project, _f: project.milestones.select_related(
        "phase", "responsible", "approver_body", "approved_by"
    ).order_by("planned_date", "order", "pk"),
    may_create=_lead,
    create=lambda access, project, f: services.milestone_create(project=project, **f),
    create_in=input_schema("MilestoneIn", Milestone, services.MILESTONE_FIELDS),
    update=lambda _a, obj, f: services.milestone_update(milestone=obj, **f),
    update_in=input_schema("MilestonePatch", Milestone, services.MILESTONE_FIELDS, partial=True),
    delete=lambda _a, obj: services.milestone_delete(milestone=obj),
    text={"list": "A milestone is approved by recording a decision with ``milestone``."},
)
