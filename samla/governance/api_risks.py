"""API: risks of projects and programmes, and projects' monthly status reports with their
cost lines.

Editors of an organisation a project concerns may add risks to it; its leader and managers
change them (programme risks: managers). The project leader writes status reports; a
published report is a snapshot that never changes (422 for every change to it or its lines).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router

from samla.governance import access as rights
from samla.governance import services
from samla.governance.api_common import Shape, child, collaboration_access, crud, input_schema
from samla.governance.api_projects import PROGRAMME, PROJECT
from samla.governance.models import Project, Risk, StatusCostLine, StatusReport
from samla.organisations.access import CollaborationAccess
from samla.organisations.api import WRITE_ERRORS

router = Router()

# --- Risks -------------------------------------------------------------------------------------

PROJECT_RISK = child(
    PROJECT, "project_risk", Risk, "risks", rights.access_risk, "project", param="risk_id"
)
PROGRAMME_RISK = child(
    PROGRAMME, "programme_risk", Risk, "risks", rights.access_risk, "programme", param="risk_id"
)
RISK_OUT = Shape(
    "RiskOut",
    Risk,
    (
        "project",
        "programme",
        "number",
        *services.RISK_FIELDS,
        "created_by",
        "created_at",
        "updated_at",
    ),
    extras={
        "score": (int, lambda risk: risk.score),
        "residual_score": (int | None, lambda risk: risk.residual_score),
        "level": (str, lambda risk: risk.level),
    },
)
RISK_FILTERS = {"status": str}


def _risks(owner: str) -> Any:
    def listing(_a: CollaborationAccess, parent: Any, given: dict[str, Any]) -> Any:
        risks = Risk.objects.filter(**{owner: parent})
        if given["status"]:
            risks = risks.filter(status=given["status"])
        return risks.select_related("project", "programme", "owner", "created_by").order_by(
            "number"
        )

    return listing


crud(
    router,
    PROJECT_RISK,
    RISK_OUT,
    listing=_risks("project"),
    filters=RISK_FILTERS,
    may_create=rights.require_project_contributor,
    create=lambda access, project, f: services.risk_create(project=project, user=access.user, **f),
    create_in=input_schema("RiskIn", Risk, services.RISK_FIELDS),
    update=lambda _a, obj, f: services.risk_update(risk=obj, **f),
    update_in=input_schema("RiskPatch", Risk, services.RISK_FIELDS, partial=True),
    delete=lambda _a, obj: services.risk_delete(risk=obj),
    text={
        "create": "Add a risk, numbered within the project: the project leader, managers and "
        "editors of an organisation the project concerns.",
        "update": "Only the fields given are changed (the project leader and managers).",
    },
)
crud(
    router,
    PROGRAMME_RISK,
    RISK_OUT,
    listing=_risks("programme"),
    filters=RISK_FILTERS,
    may_create=lambda access, _programme: access.require_manager(),
    create=lambda access, programme, f: services.risk_create(
        programme=programme, user=access.user, **f
    ),
    create_in=input_schema("ProgrammeRiskIn", Risk, services.RISK_FIELDS),
    update=lambda _a, obj, f: services.risk_update(risk=obj, **f),
    update_in=input_schema("ProgrammeRiskPatch", Risk, services.RISK_FIELDS, partial=True),
    delete=lambda _a, obj: services.risk_delete(risk=obj),
)

# --- Status reports ----------------------------------------------------------------------------

STATUS_REPORT = child(
    PROJECT,
    "status_report",
    StatusReport,
    "status-reports",
    rights.access_status_report,
    "project",
    param="report_id",
)
STATUS_COST_LINE = child(
    STATUS_REPORT,
    "status_cost_line",
    StatusCostLine,
    "cost-lines",
    rights.access_status_cost_line,
    "report",
    param="line_id",
)
REPORT_OUT = Shape(
    "StatusReportOut",
    StatusReport,
    (
        "period",
        "state",
        *services.REPORT_FIELDS,
        "previous",
        "published_at",
        "published_by",
        "created_by",
        "created_at",
        "updated_at",
        "snapshot",
        "changes",
    ),
)
COST_LINE_OUT = Shape("StatusCostLineOut", StatusCostLine, services.STATUS_COST_FIELDS)


def _lead(access: CollaborationAccess, project: Project) -> None:
    rights.require_project_lead(access, project)


crud(
    router,
    STATUS_REPORT,
    REPORT_OUT,
    listing=lambda _a, project, _f: project.status_reports.select_related(
        "previous", "published_by", "created_by"
    ).order_by("-period"),
    may_create=_lead,
    create=lambda access, project, f: services.status_report_create(
        project=project, user=access.user, **f
    ),
    create_in=input_schema("StatusReportIn", StatusReport, ("period", *services.REPORT_FIELDS)),
    update=lambda _a, obj, f: services.status_report_update(report=obj, **f),
    update_in=input_schema("StatusReportPatch", StatusReport, services.REPORT_FIELDS, partial=True),
    delete=lambda _a, obj: services.status_report_delete(report=obj),
    text={
        "list": "The project's status reports, newest month first.",
        "create": "A draft for the month of ``period`` (the project leader and managers), "
        "starting from the latest report's texts, colours and cost lines (the mandate's "
        "budget when there is none); one report per month.",
        "update": "Change a draft; a published report answers 422.",
        "delete": "Only a draft can be deleted (422 otherwise).",
    },
)


@router.post(STATUS_REPORT.path + "/publish", response={200: REPORT_OUT.schema, **WRITE_ERRORS})
def status_report_publish(
    request: HttpRequest, slug: str, project_id: UUID, report_id: UUID
) -> Any:
    """Publish the draft: freeze its snapshot (figures, milestones, risks) and the changes
    since the previous published report, and make it the project's latest report. A
    published report answers 422."""
    access = collaboration_access(request, slug)
    ids = {"project_id": project_id, "report_id": report_id}
    report = STATUS_REPORT.get(access, ids, for_change=True)
    services.status_report_publish(report=report, user=access.user)
    return REPORT_OUT.dump(STATUS_REPORT.get(access, ids))


crud(
    router,
    STATUS_COST_LINE,
    COST_LINE_OUT,
    listing=lambda _a, report, _f: report.cost_lines.order_by("order", "pk"),
    may_create=lambda access, report: _lead(access, report.project),
    create=lambda _a, report, f: services.status_cost_line_create(report=report, **f),
    create_in=input_schema(
        "StatusCostLineIn", StatusCostLine, services.STATUS_COST_FIELDS, optional=["order"]
    ),
    update=lambda _a, obj, f: services.status_cost_line_update(line=obj, **f),
    update_in=input_schema(
        "StatusCostLinePatch", StatusCostLine, services.STATUS_COST_FIELDS, partial=True
    ),
    delete=lambda _a, obj: services.status_cost_line_delete(line=obj),
    text={"update": "Change a draft's line; a published report's answers 422."},
)
