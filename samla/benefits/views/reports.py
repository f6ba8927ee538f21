"""Benefit reports: the dashboard (planned and realised kroner per year, organisation and
programme; indicators behind plan first), the realisation plans per project and per
organisation as DOCX and XLSX, and one benefit's plan against actual. Everyone in the
collaboration reads them; nothing here writes."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samla.benefits import selectors_reports
from samla.benefits.access import access_benefit
from samla.benefits.documents.realisation_plan import realisation_plan_docx
from samla.benefits.exports_reports import realisation_plan_xlsx
from samla.benefits.selectors import STATUS_RULE
from samla.core.decorators import collaboration_view
from samla.governance.access import access_project
from samla.governance.views.common import DOCX, XLSX, download
from samla.organisations.access import CollaborationAccess, access_organisation

G = "s/<slug:slug>/gevinster/"


@collaboration_view
def dashboard(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    board = selectors_reports.dashboard(access.collaboration)
    plan_label, actual_label = _("Planlagt"), _("Realisert")
    charts = {
        name: selectors_reports.chart(sums, plan_label=plan_label, actual_label=actual_label)
        for name, sums in (
            ("year", board.by_year),
            ("organisation", board.by_organisation),
            ("programme", board.by_programme),
        )
    }
    return render(
        request,
        "benefits/reports/dashboard.html",
        {
            "board": board,
            "charts": charts,
            "status_rule": STATUS_RULE,
        },
    )


@collaboration_view
def plan_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    projects, organisations = selectors_reports.plan_choices(access.collaboration)
    return render(
        request,
        "benefits/reports/plan_list.html",
        {"projects": projects, "organisations": organisations},
    )


@collaboration_view
def project_plan_docx(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = access_project(access, project_id)
    content = realisation_plan_docx(selectors_reports.project_plan(project))
    name = slugify(project.code or project.name) or "prosjekt"
    return download(content, f"gevinstrealiseringsplan-{name}.docx", DOCX)


@collaboration_view
def project_plan_xlsx(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = access_project(access, project_id)
    content = realisation_plan_xlsx(selectors_reports.project_plan(project))
    name = slugify(project.code or project.name) or "prosjekt"
    return download(content, f"gevinstrealiseringsplan-{name}.xlsx", XLSX)


@collaboration_view
def organisation_plan_docx(
    request: HttpRequest, access: CollaborationAccess, organisation_id: str
) -> HttpResponse:
    organisation = access_organisation(access, organisation_id)
    plan = selectors_reports.organisation_plan(access.collaboration, organisation)
    name = slugify(organisation.name) or "organisasjon"
    return download(realisation_plan_docx(plan), f"gevinstrealiseringsplan-{name}.docx", DOCX)


@collaboration_view
def organisation_plan_xlsx(
    request: HttpRequest, access: CollaborationAccess, organisation_id: str
) -> HttpResponse:
    organisation = access_organisation(access, organisation_id)
    plan = selectors_reports.organisation_plan(access.collaboration, organisation)
    name = slugify(organisation.name) or "organisasjon"
    return download(realisation_plan_xlsx(plan), f"gevinstrealiseringsplan-{name}.xlsx", XLSX)


@collaboration_view
def benefit_plan_vs_actual(
    request: HttpRequest, access: CollaborationAccess, benefit_id: str
) -> HttpResponse:
    benefit = access_benefit(access, benefit_id)
    return render(
        request,
        "benefits/reports/benefit_plan_vs_actual.html",
        {
            "benefit": benefit,
            "pva": selectors_reports.benefit_plan_versus_actual(benefit),
        },
    )


urlpatterns: list[URLPattern] = [
    path(G, dashboard, name="dashboard"),
    path(G + "planer/", plan_list, name="plan_list"),
    path(
        G + "planer/prosjekt/<uuid:project_id>/gevinstrealiseringsplan.docx",
        project_plan_docx,
        name="project_plan_docx",
    ),
    path(
        G + "planer/prosjekt/<uuid:project_id>/gevinstrealiseringsplan.xlsx",
        project_plan_xlsx,
        name="project_plan_xlsx",
    ),
    path(
        G + "planer/organisasjon/<uuid:organisation_id>/gevinstrealiseringsplan.docx",
        organisation_plan_docx,
        name="organisation_plan_docx",
    ),
    path(
        G + "planer/organisasjon/<uuid:organisation_id>/gevinstrealiseringsplan.xlsx",
        organisation_plan_xlsx,
        name="organisation_plan_xlsx",
    ),
    path(
        G + "<uuid:benefit_id>/plan-mot-faktisk/",
        benefit_plan_vs_actual,
        name="benefit_plan_vs_actual",
    ),
]
