"""API: a project's plan (activities and finish-to-start dependencies), stakeholders, the
communication plan and the project log.

The project leader and managers change them; editors of an organisation the project
concerns may also add log entries, and change or delete their own."""

from __future__ import annotations

from typing import Any

from ninja import Router

from samla.governance import access as rights
from samla.governance import services
from samla.governance.api_common import Shape, child, crud, input_schema
from samla.governance.api_projects import PROJECT
from samla.governance.models import (
    Activity,
    CommunicationItem,
    Dependency,
    LogEntry,
    Project,
    Stakeholder,
)
from samla.organisations.access import CollaborationAccess

router = Router()


def _lead(access: CollaborationAccess, project: Project) -> None:
    rights.require_project_lead(access, project)


ACTIVITY = child(PROJECT, "activity", Activity, "activities", rights.access_activity, "project")
DEPENDENCY = child(
    PROJECT,
    "dependency",
    Dependency,
    "dependencies",
    rights.access_dependency,
    "predecessor__project",
)
STAKEHOLDER = child(
    PROJECT, "stakeholder", Stakeholder, "stakeholders", rights.access_stakeholder, "project"
)
COMMUNICATION_ITEM = child(
    PROJECT,
    "communication_item",
    CommunicationItem,
    "communication-items",
    rights.access_communication_item,
    "project",
    param="item_id",
)
LOG_ENTRY = child(
    PROJECT,
    "log_entry",
    LogEntry,
    "log-entries",
    rights.access_log_entry,
    "project",
    param="entry_id",
)

crud(
    router,
    ACTIVITY,
    Shape("ActivityOut", Activity, services.ACTIVITY_FIELDS),
    listing=lambda _a, project, _f: project.activities.select_related(
        "phase", "responsible", "milestone"
    ).order_by("order", "start", "pk"),
    may_create=_lead,
    create=lambda _a, project, f: services.activity_create(project=project, **f),
    create_in=input_schema("ActivityIn", Activity, services.ACTIVITY_FIELDS, optional=["order"]),
    update=lambda _a, obj, f: services.activity_update(activity=obj, **f),
    update_in=input_schema("ActivityPatch", Activity, services.ACTIVITY_FIELDS, partial=True),
    delete=lambda _a, obj: services.activity_delete(activity=obj),
)
crud(
    router,
    DEPENDENCY,
    Shape("DependencyOut", Dependency, ("predecessor", "successor", "lag_days")),
    listing=lambda _a, project, _f: (
        Dependency.objects.filter(predecessor__project=project)
        .select_related("predecessor", "successor")
        .order_by("pk")
    ),
    may_create=_lead,
    create=lambda _a, _project, f: services.dependency_create(**f),
    create_in=input_schema("DependencyIn", Dependency, ("predecessor", "successor", "lag_days")),
    update=lambda _a, obj, f: services.dependency_update(
        dependency=obj, lag_days=f.get("lag_days", obj.lag_days)
    ),
    update_in=input_schema("DependencyPatch", Dependency, ("lag_days",), partial=True),
    delete=lambda _a, obj: services.dependency_delete(dependency=obj),
    text={
        "create": "``successor`` starts ``lag_days`` after ``predecessor`` ends; both "
        "activities of this project (422 otherwise, and for a link that closes a cycle)."
    },
)
crud(
    router,
    STAKEHOLDER,
    Shape("StakeholderOut", Stakeholder, services.STAKEHOLDER_FIELDS),
    listing=lambda _a, project, _f: project.stakeholders.select_related("organisation").order_by(
        "order", "name", "pk"
    ),
    may_create=_lead,
    create=lambda _a, project, f: services.stakeholder_create(project=project, **f),
    create_in=input_schema("StakeholderIn", Stakeholder, services.STAKEHOLDER_FIELDS),
    update=lambda _a, obj, f: services.stakeholder_update(stakeholder=obj, **f),
    update_in=input_schema(
        "StakeholderPatch", Stakeholder, services.STAKEHOLDER_FIELDS, partial=True
    ),
    delete=lambda _a, obj: services.stakeholder_delete(stakeholder=obj),
)
crud(
    router,
    COMMUNICATION_ITEM,
    Shape("CommunicationItemOut", CommunicationItem, services.COMMUNICATION_FIELDS),
    listing=lambda _a, project, _f: project.communication_items.select_related(
        "stakeholder", "responsible"
    ).order_by("date", "pk"),
    may_create=_lead,
    create=lambda _a, project, f: services.communication_item_create(project=project, **f),
    create_in=input_schema("CommunicationItemIn", CommunicationItem, services.COMMUNICATION_FIELDS),
    update=lambda _a, obj, f: services.communication_item_update(item=obj, **f),
    update_in=input_schema(
        "CommunicationItemPatch", CommunicationItem, services.COMMUNICATION_FIELDS, partial=True
    ),
    delete=lambda _a, obj: services.communication_item_delete(item=obj),
)


def _log_entries(_a: CollaborationAccess, project: Project, given: dict[str, Any]) -> Any:
    entries = project.log_entries.select_related("author", "decision")
    if given["kind"]:
        entries = entries.filter(kind=given["kind"])
    return entries.order_by("-date", "-pk")


crud(
    router,
    LOG_ENTRY,
    Shape("LogEntryOut", LogEntry, (*services.LOG_FIELDS, "author", "created_at")),
    listing=_log_entries,
    filters={"kind": str},
    may_create=rights.require_project_contributor,
    create=lambda access, project, f: services.log_entry_create(
        project=project, author=access.user, **f
    ),
    create_in=input_schema("LogEntryIn", LogEntry, services.LOG_FIELDS, optional=["date"]),
    update=lambda _a, obj, f: services.log_entry_update(entry=obj, **f),
    update_in=input_schema("LogEntryPatch", LogEntry, services.LOG_FIELDS, partial=True),
    delete=lambda _a, obj: services.log_entry_delete(entry=obj),
    text={
        "list": "Comments, concerns, change requests, deviations and lessons learned, newest "
        "first; filter by kind.",
        "create": "The project leader, managers and editors of an organisation the project "
        "concerns; the author is the caller. Without ``date``: today.",
        "update": "The project leader and managers change every entry; other authors their own.",
    },
)
