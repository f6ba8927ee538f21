"""The plan of a project (activities, finish-to-start dependencies, the Gantt chart with the
critical path), its stakeholder register and communication plan, its log, and the lessons
learned across the collaboration.

Who may do what is decided by the access helpers: everyone with a role reads; the project
leader and managers change the plan, stakeholders and communication; editors of an
organisation the project concerns also write log entries and change their own."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samla.core.decorators import collaboration_view
from samla.core.history import history_of
from samla.governance import access as governance_access
from samla.governance import selectors, selectors_plans, services
from samla.governance.forms.plans import (
    ActivityForm,
    CommunicationItemForm,
    DependencyForm,
    LogEntryForm,
    LogFilterForm,
    StakeholderForm,
)
from samla.governance.models import Activity, Level, LogEntry, Project
from samla.governance.views.common import delete_then_redirect, form_page
from samla.organisations.access import CollaborationAccess

PROJECT_TAB = "governance/project_base.html"
LESSONS_PAGE_SIZE = 50


def _url(name: str, project: Project) -> str:
    return reverse(
        f"governance:{name}",
        kwargs={"slug": project.collaboration.slug, "project_id": project.uuid},
    )


def _form_context(project: Project, cancel_url: str, **extra: Any) -> dict[str, Any]:
    return {"project": project, "base_template": PROJECT_TAB, "cancel_url": cancel_url, **extra}


# --- Plan -----------------------------------------------------------------------------------


def _activity_rows(plan: selectors.ProjectPlan) -> list[dict[str, Any]]:
    by_pk = {activity.pk: activity for activity in plan.activities}
    predecessors: dict[int, list[dict[str, Any]]] = {a.pk: [] for a in plan.activities}
    for dependency in plan.dependencies:
        predecessors[dependency.successor_id].append(
            {"activity": by_pk[dependency.predecessor_id], "lag": dependency.lag_days}
        )
    schedule = plan.schedule
    rows = []
    for activity in plan.activities:
        conflict = schedule is not None and activity.pk in schedule.conflicts
        rows.append(
            {
                "activity": activity,
                "critical": plan.is_critical(activity),
                "slack": schedule.slack_days[activity.pk] if schedule else None,
                "earliest_start": schedule.early_start[activity.pk]
                if conflict and schedule
                else None,
                "predecessors": predecessors[activity.pk],
            }
        )
    return rows


@collaboration_view
def project_plan(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = governance_access.access_project(access, project_id)
    plan = selectors.project_plan(project)
    milestones = list(selectors_plans.plan_milestones(project))
    zoom = request.GET.get("zoom")
    if zoom not in selectors_plans.ZOOMS:
        zoom = selectors_plans.MONTH
    charts = [selectors_plans.gantt(plan, milestones, level) for level in selectors_plans.ZOOMS]
    by_pk = {activity.pk: activity for activity in plan.activities}
    dependencies = [
        {
            "dependency": dependency,
            "predecessor": by_pk[dependency.predecessor_id],
            "successor": by_pk[dependency.successor_id],
        }
        for dependency in plan.dependencies
    ]
    critical_path = (
        [by_pk[pk] for pk in plan.schedule.critical_path] if plan.schedule is not None else []
    )
    return render(
        request,
        "governance/plans/project_plan.html",
        {
            "project": project,
            "rows": _activity_rows(plan),
            "dependencies": dependencies,
            "milestones": [
                {"milestone": m, "date": selectors_plans.milestone_date(m)} for m in milestones
            ],
            "charts": [chart for chart in charts if chart is not None],
            "zoom": zoom,
            "schedule": plan.schedule,
            "critical_path": critical_path,
            "may_lead": governance_access.may_lead_project(access, project),
        },
    )


@collaboration_view
def activity_create(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = governance_access.access_project(access, project_id)
    governance_access.require_project_lead(access, project)
    form = ActivityForm(request.POST or None, project=project)
    plan_url = _url("project_plan", project)
    return form_page(
        request,
        form,
        lambda data: services.activity_create(project=project, **data),
        success_url=plan_url,
        title=_("Ny aktivitet"),
        context=_form_context(project, plan_url, submit_label=_("Legg til aktiviteten")),
        success_message=_("Aktiviteten er lagt til i planen."),
    )


@collaboration_view
def activity_edit(
    request: HttpRequest, access: CollaborationAccess, activity_id: str
) -> HttpResponse:
    activity = governance_access.access_activity(access, activity_id, for_change=True)
    project = activity.project
    form = ActivityForm(
        request.POST or None, project=project, initial=ActivityForm.initial_for(activity)
    )
    plan_url = _url("project_plan", project)
    return form_page(
        request,
        form,
        lambda data: services.activity_update(activity=activity, **data),
        success_url=plan_url,
        title=_("Endre aktiviteten «%(name)s»") % {"name": activity.name},
        context=_form_context(project, plan_url, history=history_of(activity)),
        instance=activity,
    )


@require_POST
@collaboration_view
def activity_delete(
    request: HttpRequest, access: CollaborationAccess, activity_id: str
) -> HttpResponse:
    activity = governance_access.access_activity(access, activity_id, for_change=True)
    return delete_then_redirect(
        request,
        lambda: services.activity_delete(activity=activity),
        _url("project_plan", activity.project),
    )


@collaboration_view
def dependency_create(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = governance_access.access_project(access, project_id)
    governance_access.require_project_lead(access, project)
    initial = {}
    for field in ("predecessor", "successor"):
        wanted = _uuid_or_none(request.GET.get(field, ""))
        if wanted and Activity.objects.filter(project=project, uuid=wanted).exists():
            initial[field] = str(wanted)
    form = DependencyForm(request.POST or None, project=project, initial=initial)
    plan_url = _url("project_plan", project)
    return form_page(
        request,
        form,
        lambda data: services.dependency_create(**data),
        success_url=plan_url,
        title=_("Ny avhengighet"),
        context=_form_context(
            project,
            plan_url,
            lead=_(
                "Slutt til start: etterfølgeren kan starte når forgjengeren er ferdig, "
                "pluss etterslepet. Avhengigheter som gir en sirkel, avvises."
            ),
            submit_label=_("Legg til avhengigheten"),
        ),
        success_message=_("Avhengigheten er lagt til."),
    )


def _uuid_or_none(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


@require_POST
@collaboration_view
def dependency_delete(
    request: HttpRequest, access: CollaborationAccess, dependency_id: str
) -> HttpResponse:
    dependency = governance_access.access_dependency(access, dependency_id, for_change=True)
    return delete_then_redirect(
        request,
        lambda: services.dependency_delete(dependency=dependency),
        _url("project_plan", dependency.predecessor.project),
    )


# --- Stakeholders and communication ---------------------------------------------------------

LEVELS_HIGH_FIRST = [Level.HIGH, Level.MEDIUM, Level.LOW]


@collaboration_view
def stakeholder_list(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = governance_access.access_project(access, project_id)
    stakeholders = list(project.stakeholders.select_related("organisation"))
    grid = [
        {
            "influence": influence,
            "cells": [
                [
                    s
                    for s in stakeholders
                    if s.influence == influence and s.interest_level == interest
                ]
                for interest in reversed(LEVELS_HIGH_FIRST)
            ],
        }
        for influence in LEVELS_HIGH_FIRST
    ]
    return render(
        request,
        "governance/plans/stakeholder_list.html",
        {
            "project": project,
            "stakeholders": stakeholders,
            "grid": grid,
            "interest_levels": list(reversed(LEVELS_HIGH_FIRST)),
            "communication_items": project.communication_items.select_related(
                "stakeholder", "responsible"
            ).order_by("date", "pk"),
            "may_lead": governance_access.may_lead_project(access, project),
        },
    )


@collaboration_view
def stakeholder_create(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = governance_access.access_project(access, project_id)
    governance_access.require_project_lead(access, project)
    form = StakeholderForm(request.POST or None, project=project)
    list_url = _url("stakeholder_list", project)
    return form_page(
        request,
        form,
        lambda data: services.stakeholder_create(project=project, **data),
        success_url=list_url,
        title=_("Ny interessent"),
        context=_form_context(project, list_url, submit_label=_("Legg til interessenten")),
        success_message=_("Interessenten er lagt til."),
    )


@collaboration_view
def stakeholder_edit(
    request: HttpRequest, access: CollaborationAccess, stakeholder_id: str
) -> HttpResponse:
    stakeholder = governance_access.access_stakeholder(access, stakeholder_id, for_change=True)
    project = stakeholder.project
    form = StakeholderForm(
        request.POST or None, project=project, initial=StakeholderForm.initial_for(stakeholder)
    )
    list_url = _url("stakeholder_list", project)
    return form_page(
        request,
        form,
        lambda data: services.stakeholder_update(stakeholder=stakeholder, **data),
        success_url=list_url,
        title=_("Endre interessenten «%(name)s»") % {"name": stakeholder.name},
        context=_form_context(project, list_url, history=history_of(stakeholder)),
        instance=stakeholder,
    )


@require_POST
@collaboration_view
def stakeholder_delete(
    request: HttpRequest, access: CollaborationAccess, stakeholder_id: str
) -> HttpResponse:
    stakeholder = governance_access.access_stakeholder(access, stakeholder_id, for_change=True)
    return delete_then_redirect(
        request,
        lambda: services.stakeholder_delete(stakeholder=stakeholder),
        _url("stakeholder_list", stakeholder.project),
    )


@collaboration_view
def communication_item_create(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = governance_access.access_project(access, project_id)
    governance_access.require_project_lead(access, project)
    initial = {}
    wanted = _uuid_or_none(request.GET.get("stakeholder", ""))
    stakeholder = project.stakeholders.filter(uuid=wanted).first() if wanted else None
    if stakeholder is not None:
        initial = {"stakeholder": stakeholder.uuid, "audience": stakeholder.name}
    form = CommunicationItemForm(request.POST or None, project=project, initial=initial)
    list_url = _url("stakeholder_list", project)
    return form_page(
        request,
        form,
        lambda data: services.communication_item_create(project=project, **data),
        success_url=list_url,
        title=_("Nytt kommunikasjonstiltak"),
        context=_form_context(project, list_url, submit_label=_("Legg til tiltaket")),
        success_message=_("Tiltaket er lagt til i kommunikasjonsplanen."),
    )


@collaboration_view
def communication_item_edit(
    request: HttpRequest, access: CollaborationAccess, communication_item_id: str
) -> HttpResponse:
    item = governance_access.access_communication_item(
        access, communication_item_id, for_change=True
    )
    project = item.project
    form = CommunicationItemForm(
        request.POST or None, project=project, initial=CommunicationItemForm.initial_for(item)
    )
    list_url = _url("stakeholder_list", project)
    return form_page(
        request,
        form,
        lambda data: services.communication_item_update(item=item, **data),
        success_url=list_url,
        title=_("Endre kommunikasjonstiltaket"),
        context=_form_context(project, list_url, history=history_of(item)),
        instance=item,
    )


@require_POST
@collaboration_view
def communication_item_delete(
    request: HttpRequest, access: CollaborationAccess, communication_item_id: str
) -> HttpResponse:
    item = governance_access.access_communication_item(
        access, communication_item_id, for_change=True
    )
    return delete_then_redirect(
        request,
        lambda: services.communication_item_delete(item=item),
        _url("stakeholder_list", item.project),
    )


# --- Log ------------------------------------------------------------------------------------


def _may_change_entry(
    access: CollaborationAccess, entry: LogEntry, leads: bool, contributes: bool
) -> bool:
    return leads or (contributes and entry.author_id == access.user.pk)


@collaboration_view
def project_log(request: HttpRequest, access: CollaborationAccess, project_id: str) -> HttpResponse:
    project = governance_access.access_project(access, project_id)
    filter_form = LogFilterForm(request.GET or None)
    kind = filter_form.cleaned_data.get("type") if filter_form.is_valid() else None
    leads = governance_access.may_lead_project(access, project)
    contributes = governance_access.may_contribute_to_project(access, project)
    entries = [
        {"entry": entry, "may_change": _may_change_entry(access, entry, leads, contributes)}
        for entry in selectors.project_log(project, kind=kind or None)
    ]
    return render(
        request,
        "governance/plans/project_log.html",
        {
            "project": project,
            "filter_form": filter_form,
            "kind": kind,
            "entries": entries,
            "may_contribute": contributes,
        },
    )


@collaboration_view
def log_entry_create(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = governance_access.access_project(access, project_id)
    governance_access.require_project_contributor(access, project)
    kind = request.GET.get("type")
    initial = {"kind": kind} if kind in LogEntry.Kind.values else {}
    form = LogEntryForm(request.POST or None, project=project, initial=initial)
    log_url = _url("project_log", project)
    return form_page(
        request,
        form,
        lambda data: services.log_entry_create(project=project, author=access.user, **data),
        success_url=log_url,
        title=_("Ny loggføring"),
        context=_form_context(project, log_url, submit_label=_("Loggfør")),
        success_message=_("Loggføringen er lagret."),
    )


@collaboration_view
def log_entry_edit(
    request: HttpRequest, access: CollaborationAccess, log_entry_id: str
) -> HttpResponse:
    entry = governance_access.access_log_entry(access, log_entry_id, for_change=True)
    project = entry.project
    form = LogEntryForm(
        request.POST or None, project=project, initial=LogEntryForm.initial_for(entry)
    )
    log_url = _url("project_log", project)

    def save(data: dict[str, Any]) -> LogEntry:
        if data.get("date") is None:
            data["date"] = entry.date
        return services.log_entry_update(entry=entry, **data)

    return form_page(
        request,
        form,
        save,
        success_url=log_url,
        title=_("Endre loggføringen «%(title)s»") % {"title": entry.title},
        context=_form_context(project, log_url, history=history_of(entry)),
        instance=entry,
    )


@require_POST
@collaboration_view
def log_entry_delete(
    request: HttpRequest, access: CollaborationAccess, log_entry_id: str
) -> HttpResponse:
    entry = governance_access.access_log_entry(access, log_entry_id, for_change=True)
    return delete_then_redirect(
        request,
        lambda: services.log_entry_delete(entry=entry),
        _url("project_log", entry.project),
    )


@collaboration_view
def lessons_learned(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    page = Paginator(selectors.lessons_learned(access.collaboration), LESSONS_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    return render(request, "governance/plans/lessons_learned.html", {"page": page})


P = "s/<slug:slug>/prosjekter/"
PR = P + "<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    path(PR + "plan/", project_plan, name="project_plan"),
    path(PR + "plan/aktiviteter/ny/", activity_create, name="activity_create"),
    path(P + "aktiviteter/<uuid:activity_id>/endre/", activity_edit, name="activity_edit"),
    path(P + "aktiviteter/<uuid:activity_id>/slett/", activity_delete, name="activity_delete"),
    path(PR + "plan/avhengigheter/ny/", dependency_create, name="dependency_create"),
    path(
        P + "avhengigheter/<uuid:dependency_id>/slett/",
        dependency_delete,
        name="dependency_delete",
    ),
    path(PR + "interessenter/", stakeholder_list, name="stakeholder_list"),
    path(PR + "interessenter/ny/", stakeholder_create, name="stakeholder_create"),
    path(
        P + "interessenter/<uuid:stakeholder_id>/endre/", stakeholder_edit, name="stakeholder_edit"
    ),
    path(
        P + "interessenter/<uuid:stakeholder_id>/slett/",
        stakeholder_delete,
        name="stakeholder_delete",
    ),
    path(PR + "kommunikasjon/ny/", communication_item_create, name="communication_item_create"),
    path(
        P + "kommunikasjon/<uuid:communication_item_id>/endre/",
        communication_item_edit,
        name="communication_item_edit",
    ),
    path(
        P + "kommunikasjon/<uuid:communication_item_id>/slett/",
        communication_item_delete,
        name="communication_item_delete",
    ),
    path(PR + "logg/", project_log, name="project_log"),
    path(PR + "logg/ny/", log_entry_create, name="log_entry_create"),
    path(P + "logg/<uuid:log_entry_id>/endre/", log_entry_edit, name="log_entry_edit"),
    path(P + "logg/<uuid:log_entry_id>/slett/", log_entry_delete, name="log_entry_delete"),
    path(P + "erfaringer/", lessons_learned, name="lessons_learned"),
]
