"""Risk registers (of projects and programmes) with the 5×5 matrix, the portfolio's top
risks, and the monthly status reports: drafts edited, publishing freezes a snapshot, a
published report shows what changed since the previous one. XLSX and DOCX downloads.

Who may do what is decided by the access helpers: everyone in the collaboration reads;
the project leader and managers change a project's risks and reports; editors of an
organisation the project concerns may add risks; programme risks are for managers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samla.core.decorators import collaboration_view
from samla.core.history import history_of
from samla.governance import exports, selectors, selectors_risks, services
from samla.governance.access import (
    access_programme,
    access_project,
    access_risk,
    access_status_cost_line,
    access_status_report,
    may_contribute_to_project,
    may_lead_project,
    require_project_contributor,
    require_project_lead,
)
from samla.governance.documents.status_report import change_lines, status_report_docx
from samla.governance.forms.risks import (
    RiskForm,
    StatusCostLineForm,
    StatusReportCreateForm,
    StatusReportForm,
)
from samla.governance.models import Level, Programme, Project, Risk, StatusReport
from samla.governance.views.common import DOCX, XLSX, delete_then_redirect, download, form_page
from samla.organisations.access import CollaborationAccess

P = "s/<slug:slug>/prosjekter/"
PROJECT = P + "<uuid:project_id>/"
PROGRAMME = P + "programmer/<uuid:programme_id>/"
RISK = P + "risiko/<uuid:risk_id>/"
REPORT = P + "status/<uuid:report_id>/"
COST_LINE = P + "status/kostnader/<uuid:line_id>/"
PROJECT_TABS = "governance/project_base.html"


def _project_url(name: str, project: Project) -> str:
    return reverse(
        f"governance:{name}",
        kwargs={"slug": project.collaboration.slug, "project_id": project.uuid},
    )


def _programme_url(name: str, programme: Programme) -> str:
    return reverse(
        f"governance:{name}",
        kwargs={"slug": programme.collaboration.slug, "programme_id": programme.uuid},
    )


def _report_url(name: str, report: StatusReport) -> str:
    return reverse(
        f"governance:{name}",
        kwargs={"slug": report.project.collaboration.slug, "report_id": report.uuid},
    )


def _register_url(risk: Risk) -> str:
    if risk.project is not None:
        return _project_url("project_risks", risk.project)
    assert risk.programme is not None
    return _programme_url("programme_risks", risk.programme)


# --- Risk registers -------------------------------------------------------------------------


def _register_context(risks: list[Risk]) -> dict[str, Any]:
    return {
        "risks": risks,
        "matrix_before": selectors_risks.matrix_rows(risks),
        "matrix_after": selectors_risks.matrix_rows(risks, residual=True),
        "open_count": sum(1 for risk in risks if risk.status == Risk.Status.OPEN),
        "probabilities": range(1, 6),
    }


@collaboration_view
def project_risks(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = access_project(access, project_id)
    risks = list(selectors.project_risks(project))
    return render(
        request,
        "governance/risks/project_risks.html",
        {
            "project": project,
            "may_add": may_contribute_to_project(access, project),
            "may_change": may_lead_project(access, project),
            **_register_context(risks),
        },
    )


@collaboration_view
def project_risks_xlsx(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = access_project(access, project_id)
    risks = selectors.project_risks(project).order_by("number")
    content = exports.risk_register_xlsx(_("Risikoregister"), risks)
    name = slugify(project.code or project.name) or "prosjekt"
    return download(content, f"risikoregister-{name}.xlsx", XLSX)


@collaboration_view
def programme_risks(
    request: HttpRequest, access: CollaborationAccess, programme_id: str
) -> HttpResponse:
    programme = access_programme(access, programme_id)
    risks = list(selectors_risks.programme_risks(programme))
    return render(
        request,
        "governance/risks/programme_risks.html",
        {"programme": programme, "may_change": access.is_manager, **_register_context(risks)},
    )


@collaboration_view
def programme_risks_xlsx(
    request: HttpRequest, access: CollaborationAccess, programme_id: str
) -> HttpResponse:
    programme = access_programme(access, programme_id)
    risks = selectors_risks.programme_risks(programme).order_by("number")
    content = exports.risk_register_xlsx(_("Risikoregister"), risks)
    name = slugify(programme.code or programme.name) or "program"
    return download(content, f"risikoregister-{name}.xlsx", XLSX)


@collaboration_view
def top_risks(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    """The portfolio's open risks with the highest scores, and all open risks in the matrix."""
    open_risks = selectors_risks.open_risks(access.collaboration)
    return render(
        request,
        "governance/risks/top_risks.html",
        {
            "risks": selectors.portfolio_top_risks(access.collaboration, limit=20),
            "matrix_before": selectors_risks.matrix_rows(counts=selectors.risk_matrix(open_risks)),
            "matrix_after": selectors_risks.matrix_rows(
                counts=selectors.risk_matrix(open_risks, residual=True)
            ),
            "probabilities": range(1, 6),
        },
    )


@collaboration_view
def risk_create(request: HttpRequest, access: CollaborationAccess, project_id: str) -> HttpResponse:
    project = access_project(access, project_id)
    require_project_contributor(access, project)
    form = RiskForm(request.POST or None, collaboration=access.collaboration)
    return form_page(
        request,
        form,
        lambda data: services.risk_create(project=project, user=access.user, **data),
        success_url=_project_url("project_risks", project),
        title=_("Ny risiko"),
        success_message=_("Risikoen er registrert."),
        context={
            "project": project,
            "base_template": PROJECT_TABS,
            "cancel_url": _project_url("project_risks", project),
            "lead": _("Score = sannsynlighet × konsekvens. 1–4 er lav, 5–12 middels og 15–25 høy."),
        },
    )


@collaboration_view
def programme_risk_create(
    request: HttpRequest, access: CollaborationAccess, programme_id: str
) -> HttpResponse:
    programme = access_programme(access, programme_id, for_change=True)
    form = RiskForm(request.POST or None, collaboration=access.collaboration)
    return form_page(
        request,
        form,
        lambda data: services.risk_create(programme=programme, user=access.user, **data),
        success_url=_programme_url("programme_risks", programme),
        title=_("Ny risiko for programmet %(name)s") % {"name": programme.name},
        success_message=_("Risikoen er registrert."),
        context={"cancel_url": _programme_url("programme_risks", programme)},
    )


@collaboration_view
def risk_detail(request: HttpRequest, access: CollaborationAccess, risk_id: str) -> HttpResponse:
    risk = access_risk(access, risk_id)
    may_change = (
        may_lead_project(access, risk.project) if risk.project is not None else access.is_manager
    )
    return render(
        request,
        "governance/risks/risk_detail.html",
        {
            "risk": risk,
            "project": risk.project,
            "register_url": _register_url(risk),
            "may_change": may_change,
            "level_label": Level(risk.level).label,
            "history": history_of(risk),
        },
    )


@collaboration_view
def risk_edit(request: HttpRequest, access: CollaborationAccess, risk_id: str) -> HttpResponse:
    risk = access_risk(access, risk_id, for_change=True)
    form = RiskForm(request.POST or None, collaboration=access.collaboration, instance=risk)
    context: dict[str, Any] = {"cancel_url": _register_url(risk), "history": history_of(risk)}
    if risk.project is not None:
        context.update(project=risk.project, base_template=PROJECT_TABS)
    return form_page(
        request,
        form,
        lambda data: services.risk_update(risk=risk, **data),
        success_url=_register_url(risk),
        title=_("Endre %(risk)s") % {"risk": risk},
        context=context,
        instance=risk,
    )


@collaboration_view
@require_POST
def risk_delete(request: HttpRequest, access: CollaborationAccess, risk_id: str) -> HttpResponse:
    risk = access_risk(access, risk_id, for_change=True)
    return delete_then_redirect(
        request, lambda: services.risk_delete(risk=risk), _register_url(risk)
    )


# --- Status reports -------------------------------------------------------------------------


def _refuse_if_published(request: HttpRequest, report: StatusReport) -> HttpResponse | None:
    """A published report is a frozen snapshot: pages that would change it send the user
    back to it with a message, and nothing is written."""
    if report.is_published:
        messages.error(request, _(services.PUBLISHED_MESSAGE))
        return redirect(_report_url("status_report_detail", report))
    return None


@collaboration_view
def status_report_list(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = access_project(access, project_id)
    return render(
        request,
        "governance/status/report_list.html",
        {
            "project": project,
            "reports": list(selectors_risks.status_report_list(project)),
            "may_change": may_lead_project(access, project),
        },
    )


@collaboration_view
def status_reports_xlsx(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = access_project(access, project_id)
    reports = selectors_risks.status_report_list(project).prefetch_related("cost_lines")
    name = slugify(project.code or project.name) or "prosjekt"
    return download(exports.status_reports_xlsx(reports), f"statusrapporter-{name}.xlsx", XLSX)


@collaboration_view
def status_report_create(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = access_project(access, project_id)
    require_project_lead(access, project)
    form = StatusReportCreateForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: services.status_report_create(
            project=project, period=data["period"], user=access.user
        ),
        success_url=lambda report: _report_url("status_report_edit", report),
        title=_("Ny statusrapport"),
        success_message=_("Utkastet er opprettet. Fyll ut status og kostnader, og publiser."),
        context={
            "project": project,
            "base_template": PROJECT_TABS,
            "cancel_url": _project_url("status_report_list", project),
            "submit_label": _("Lag utkast"),
            "lead": _(
                "Utkastet starter med farger, tekster og kostnadslinjer fra forrige rapport, "
                "eller med budsjettet i mandatet."
            ),
        },
    )


@collaboration_view
def status_report_detail(
    request: HttpRequest, access: CollaborationAccess, report_id: str
) -> HttpResponse:
    report = access_status_report(access, report_id)
    view = selectors_risks.report_view(report)
    return render(
        request,
        "governance/status/report_detail.html",
        {
            "project": report.project,
            "report": report,
            "view": view,
            "changes": change_lines(view),
            "may_change": may_lead_project(access, report.project) and not report.is_published,
            "history": history_of(report) if not report.is_published else [],
        },
    )


@collaboration_view
def status_report_edit(
    request: HttpRequest, access: CollaborationAccess, report_id: str
) -> HttpResponse:
    report = access_status_report(access, report_id, for_change=True)
    refused = _refuse_if_published(request, report)
    if refused is not None:
        return refused
    form = StatusReportForm(request.POST or None, instance=report)
    return form_page(
        request,
        form,
        lambda data: services.status_report_update(report=report, **data),
        success_url=_report_url("status_report_detail", report),
        title=_("Statusrapport %(month)s") % {"month": report.period.strftime("%m.%Y")},
        template="governance/status/report_edit.html",
        context={
            "project": report.project,
            "report": report,
            "cost_lines": list(report.cost_lines.all()),
            "cancel_url": _report_url("status_report_detail", report),
        },
        instance=report,
    )


@collaboration_view
def status_report_publish(
    request: HttpRequest, access: CollaborationAccess, report_id: str
) -> HttpResponse:
    """GET: what will be frozen and what is missing; POST: publish."""
    report = access_status_report(access, report_id, for_change=True)
    refused = _refuse_if_published(request, report)
    if refused is not None:
        return refused
    if request.method == "POST":
        try:
            services.status_report_publish(report=report, user=access.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(_report_url("status_report_publish", report))
        messages.success(request, _("Rapporten er publisert og låst."))
        return redirect(_report_url("status_report_detail", report))
    missing = [label for _key, label, colour, _comment in report.dimensions() if not colour]
    return render(
        request,
        "governance/status/report_publish.html",
        {"project": report.project, "report": report, "missing": missing},
    )


@collaboration_view
@require_POST
def status_report_delete(
    request: HttpRequest, access: CollaborationAccess, report_id: str
) -> HttpResponse:
    report = access_status_report(access, report_id, for_change=True)
    refused = _refuse_if_published(request, report)
    if refused is not None:
        return refused
    return delete_then_redirect(
        request,
        lambda: services.status_report_delete(report=report),
        _project_url("status_report_list", report.project),
    )


@collaboration_view
def status_report_docx_view(
    request: HttpRequest, access: CollaborationAccess, report_id: str
) -> HttpResponse:
    report = access_status_report(access, report_id)
    content = status_report_docx(selectors_risks.report_view(report))
    name = slugify(report.project.code or report.project.name) or "prosjekt"
    return download(content, f"statusrapport-{name}-{report.period:%Y-%m}.docx", DOCX)


def _cost_line_context(report: StatusReport) -> dict[str, Any]:
    return {
        "project": report.project,
        "base_template": PROJECT_TABS,
        "cancel_url": _report_url("status_report_edit", report),
    }


@collaboration_view
def status_cost_line_create(
    request: HttpRequest, access: CollaborationAccess, report_id: str
) -> HttpResponse:
    report = access_status_report(access, report_id, for_change=True)
    refused = _refuse_if_published(request, report)
    if refused is not None:
        return refused
    form = StatusCostLineForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: services.status_cost_line_create(report=report, **data),
        success_url=_report_url("status_report_edit", report),
        title=_("Ny kostnadslinje"),
        context=_cost_line_context(report),
    )


@collaboration_view
def status_cost_line_edit(
    request: HttpRequest, access: CollaborationAccess, line_id: str
) -> HttpResponse:
    line = access_status_cost_line(access, line_id, for_change=True)
    report = line.report
    refused = _refuse_if_published(request, report)
    if refused is not None:
        return refused
    form = StatusCostLineForm(request.POST or None, instance=line)
    return form_page(
        request,
        form,
        lambda data: services.status_cost_line_update(line=line, **data),
        success_url=_report_url("status_report_edit", report),
        title=_("Endre kostnadslinjen %(name)s") % {"name": line.name},
        context=_cost_line_context(report),
        instance=line,
    )


@collaboration_view
@require_POST
def status_cost_line_delete(
    request: HttpRequest, access: CollaborationAccess, line_id: str
) -> HttpResponse:
    line = access_status_cost_line(access, line_id, for_change=True)
    report = line.report
    refused = _refuse_if_published(request, report)
    if refused is not None:
        return refused
    return delete_then_redirect(
        request,
        lambda: services.status_cost_line_delete(line=line),
        _report_url("status_report_edit", report),
    )


urlpatterns: list[URLPattern] = [
    path(P + "risiko/", top_risks, name="top_risks"),
    path(PROJECT + "risiko/", project_risks, name="project_risks"),
    path(PROJECT + "risiko/risikoregister.xlsx", project_risks_xlsx, name="project_risks_xlsx"),
    path(PROJECT + "risiko/ny/", risk_create, name="risk_create"),
    path(PROGRAMME + "risiko/", programme_risks, name="programme_risks"),
    path(
        PROGRAMME + "risiko/risikoregister.xlsx", programme_risks_xlsx, name="programme_risks_xlsx"
    ),
    path(PROGRAMME + "risiko/ny/", programme_risk_create, name="programme_risk_create"),
    path(RISK, risk_detail, name="risk_detail"),
    path(RISK + "endre/", risk_edit, name="risk_edit"),
    path(RISK + "slett/", risk_delete, name="risk_delete"),
    path(PROJECT + "status/", status_report_list, name="status_report_list"),
    path(PROJECT + "status/statusrapporter.xlsx", status_reports_xlsx, name="status_reports_xlsx"),
    path(PROJECT + "status/ny/", status_report_create, name="status_report_create"),
    path(REPORT, status_report_detail, name="status_report_detail"),
    path(REPORT + "endre/", status_report_edit, name="status_report_edit"),
    path(REPORT + "publiser/", status_report_publish, name="status_report_publish"),
    path(REPORT + "slett/", status_report_delete, name="status_report_delete"),
    path(REPORT + "statusrapport.docx", status_report_docx_view, name="status_report_docx"),
    path(REPORT + "kostnader/ny/", status_cost_line_create, name="status_cost_line_create"),
    path(COST_LINE + "endre/", status_cost_line_edit, name="status_cost_line_edit"),
    path(COST_LINE + "slett/", status_cost_line_delete, name="status_cost_line_delete"),
]
