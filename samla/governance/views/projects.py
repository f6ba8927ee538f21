"""Programme and project pages (area G1): the portfolio with its heat map and XLSX export,
creating a project from a phase model, a project's overview, its phases, gates, checklists
and milestones, programmes, and the phase-model library.

Views are thin: access helpers fetch and check rights, forms validate, services write,
selectors read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import BaseForm, Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samla.core import locking
from samla.core.dates import today
from samla.core.decorators import collaboration_view
from samla.core.history import history_of
from samla.core.xlsx import Column, register_xlsx
from samla.governance import access as gov_access
from samla.governance import selectors, selectors_projects, services
from samla.governance.forms.projects import (
    ApproverForm,
    ChecklistItemForm,
    ChecklistTickForm,
    GateForm,
    MilestoneForm,
    PhaseModelCopyForm,
    PhaseModelForm,
    PhaseModelInstallForm,
    ProgrammeForm,
    ProjectCreateForm,
    ProjectForm,
    ProjectPhaseForm,
    TemplateChecklistItemForm,
    TemplateGateForm,
    TemplateMilestoneForm,
    TemplatePhaseForm,
)
from samla.governance.models import Lifecycle, PhaseModel, Programme, Project, RagStatus
from samla.governance.phase_library import LIBRARY
from samla.governance.views.common import XLSX, delete_then_redirect, download, form_page
from samla.organisations.access import CollaborationAccess, _parse_uuid

P = "s/<slug:slug>/prosjekter/"
PROJECT_BASE = "governance/project_base.html"


def _slug(access: CollaborationAccess) -> str:
    return access.collaboration.slug


def project_url(project: Project) -> str:
    return reverse("governance:project_detail", args=[project.collaboration.slug, project.uuid])


def phases_url(project: Project) -> str:
    return reverse("governance:project_phases", args=[project.collaboration.slug, project.uuid])


def programme_url(programme: Programme) -> str:
    return reverse(
        "governance:programme_detail", args=[programme.collaboration.slug, programme.uuid]
    )


def phase_model_url(model: PhaseModel) -> str:
    return reverse("governance:phase_model_detail", args=[model.collaboration.slug, model.uuid])


def _form_page(
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[dict[str, Any]], Any],
    **kwargs: Any,
) -> HttpResponse:
    """``form_page`` for model forms too (they validate the same way)."""
    return form_page(request, cast(Form, form), save, **kwargs)


def _confirm_delete(
    request: HttpRequest,
    *,
    title: str,
    what: str,
    delete: Callable[[], None],
    success_url: str,
    cancel_url: str,
    context: dict[str, Any] | None = None,
    base_template: str = "governance/base_governance.html",
) -> HttpResponse:
    """GET asks for confirmation; POST deletes (a refusal comes back as a message)."""
    if request.method == "POST":
        return delete_then_redirect(request, delete, success_url)
    return render(
        request,
        "governance/projects/confirm_delete.html",
        {
            "title": title,
            "what": what,
            "cancel_url": cancel_url,
            "base_template": base_template,
            **(context or {}),
        },
    )


# --- Portfolio ------------------------------------------------------------------------------


def _programme_from_query(request: HttpRequest, access: CollaborationAccess) -> Programme | None:
    """The programme named by ``?program=<uuid>``; anything else is ignored."""
    programme_id = request.GET.get("program", "")
    if not programme_id:
        return None
    try:
        uuid = _parse_uuid(programme_id)
    except Http404:
        return None
    return Programme.objects.filter(collaboration=access.collaboration, uuid=uuid).first()


def _portfolio_filter(
    request: HttpRequest, access: CollaborationAccess
) -> selectors_projects.PortfolioFilter:
    programme = _programme_from_query(request, access)
    status = request.GET.get("status", "")
    rag = request.GET.get("samlet", "")
    return selectors_projects.PortfolioFilter(
        programme=programme,
        phase=request.GET.get("fase", "")[:200],
        status=status if status in Lifecycle.values else "",
        rag=rag if rag in [*RagStatus.values, "none"] else "",
    )


PORTFOLIO_PAGE_SIZE = 50


@collaboration_view
def project_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    chosen = _portfolio_filter(request, access)
    projects = selectors_projects.portfolio(access.collaboration, chosen)
    counts = selectors_projects.rag_counts(projects)
    # The counts cover every project; the map shows a page at a time, because a table of
    # hundreds of projects is neither readable nor quick to draw.
    page = Paginator(projects, PORTFOLIO_PAGE_SIZE).get_page(request.GET.get("side"))
    return render(
        request,
        "governance/projects/project_list.html",
        {
            "projects": page.object_list,
            "page": page,
            "total": page.paginator.count,
            "chosen": chosen,
            "query": request.GET.urlencode(),
            "programmes": Programme.objects.filter(collaboration=access.collaboration),
            "phase_names": selectors_projects.phase_names(access.collaboration),
            "statuses": Lifecycle.choices,
            "rag_choices": [*RagStatus.choices, ("none", _("Ikke rapportert"))],
            "rag_summary": [
                (value, label, counts[value])
                for value, label in [*RagStatus.choices, ("none", _("Ikke rapportert"))]
            ],
            "may_manage": gov_access.may_manage_governance(access),
        },
    )


def _rag_label(value: str) -> str:
    return str(RagStatus(value).label) if value in RagStatus.values else ""


@collaboration_view
def project_list_xlsx(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    projects = selectors_projects.portfolio(
        access.collaboration, _portfolio_filter(request, access)
    )
    columns = [
        Column(_("Prosjektnummer"), 14),
        Column(_("Prosjekt"), 36),
        Column(_("Program"), 24),
        Column(_("Status"), 14),
        Column(_("Fase"), 20),
        Column(_("Prosjektleder"), 22),
        Column(_("Start"), 12, "date"),
        Column(_("Planlagt slutt"), 12, "date"),
        Column(_("Siste statusrapport"), 14, "date"),
        Column(_("Samlet"), 10),
        Column(_("Fremdrift"), 10),
        Column(_("Kvalitet"), 10),
        Column(_("Økonomi"), 10),
        Column(_("Risiko"), 10),
        Column(_("Gevinster"), 10),
        Column(_("Kommentar, samlet"), 50, wrap=True),
    ]
    rows = []
    for project in projects:
        report = project.latest_status_report
        rows.append(
            [
                project.code,
                project.name,
                project.programme.name if project.programme else "",
                project.get_status_display(),
                project.current_phase.name if project.current_phase else "",
                str(project.leader) if project.leader else "",
                project.start,
                project.end,
                report.period if report else None,
                *(
                    _rag_label(getattr(report, dim)) if report else ""
                    for dim in selectors_projects.RAG_DIMENSIONS
                ),
                report.overall_comment if report else "",
            ]
        )
    content = register_xlsx(_("Prosjekter"), columns, rows)
    return download(content, f"prosjekter-{_slug(access)}.xlsx", XLSX)


# --- Projects -------------------------------------------------------------------------------


@collaboration_view
def project_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    initial: dict[str, Any] = {"start": today()}
    programme = _programme_from_query(request, access)
    if programme is not None:
        initial["programme"] = programme.uuid
    form = ProjectCreateForm(request.POST or None, access=access, initial=initial)
    return _form_page(
        request,
        form,
        lambda data: services.project_create(collaboration=access.collaboration, **data),
        success_url=project_url,
        title=_("Nytt prosjekt"),
        success_message=_("Prosjektet er opprettet."),
        context={
            "lead": _(
                "Velg en fasemodell for å få faser, beslutningspunkter med sjekklister og "
                "milepæler med planlagte datoer. Alt kan tilpasses etterpå."
            ),
            "cancel_url": reverse("governance:project_list", args=[_slug(access)]),
            "submit_label": _("Opprett prosjekt"),
        },
    )


@collaboration_view
def project_detail(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = gov_access.access_project(access, project_id)
    overview = selectors.project_overview(project)
    return render(
        request,
        "governance/projects/project_detail.html",
        {
            "project": project,
            "overview": overview,
            "organisations": list(project.organisations.order_by("name")),
            "decisions": list(selectors.decisions(access.collaboration, project=project)[:5]),
            "may_manage": gov_access.may_manage_governance(access),
            "may_lead": gov_access.may_lead_project(access, project),
            "rag_dimensions": _rag_rows(overview.latest_status),
        },
    )


def _rag_rows(report: Any) -> list[dict[str, Any]]:
    if report is None:
        return []
    labels = {
        "overall": _("Samlet"),
        "schedule": _("Fremdrift"),
        "quality": _("Kvalitet"),
        "economy": _("Økonomi"),
        "risk": _("Risiko"),
        "benefits": _("Gevinster"),
    }
    return [
        {
            "label": labels[dim],
            "value": getattr(report, dim),
            "display": _rag_label(getattr(report, dim)) or _("Ikke vurdert"),
            "comment": getattr(report, f"{dim}_comment"),
        }
        for dim in selectors_projects.RAG_DIMENSIONS
    ]


@collaboration_view
def project_edit(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = gov_access.access_project(access, project_id, for_change=True)
    form = ProjectForm(request.POST or None, access=access, instance=project)
    return _form_page(
        request,
        form,
        lambda data: services.project_update(project=project, **data),
        success_url=project_url,
        title=_("Endre prosjektet"),
        instance=project,
        context={
            "project": project,
            "base_template": PROJECT_BASE,
            "cancel_url": project_url(project),
            "history": history_of(project),
        },
    )


@collaboration_view
def project_delete(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = gov_access.access_project(access, project_id, for_change=True)
    return _confirm_delete(
        request,
        title=_("Slett prosjektet"),
        what=str(project),
        delete=lambda: services.project_delete(project=project),
        success_url=reverse("governance:project_list", args=[_slug(access)]),
        cancel_url=project_url(project),
    )


# --- Phases, gates, checklists, milestones --------------------------------------------------


@collaboration_view
def project_phases(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = gov_access.access_project(access, project_id)
    data = selectors_projects.project_phases(project, today=today())
    return render(
        request,
        "governance/projects/project_phases.html",
        {
            "project": project,
            "data": data,
            "phase_list": [row.phase for row in data.rows],
            "may_manage": gov_access.may_manage_governance(access),
            "may_lead": gov_access.may_lead_project(access, project),
        },
    )


@collaboration_view
def project_phase_edit(
    request: HttpRequest, access: CollaborationAccess, phase_id: str
) -> HttpResponse:
    phase = gov_access.access_project_phase(access, phase_id, for_change=True)
    project = phase.project
    form = ProjectPhaseForm(request.POST or None, access=access, project=project, instance=phase)
    return _form_page(
        request,
        form,
        lambda data: services.project_phase_update(phase=phase, **data),
        success_url=phases_url(project),
        title=_("Endre fasen %(name)s") % {"name": phase.name},
        instance=phase,
        context=_project_form_context(project, phase),
    )


@collaboration_view
def project_phase_create(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = gov_access.access_project(access, project_id)
    gov_access.require_project_lead(access, project)
    form = ProjectPhaseForm(request.POST or None, access=access, project=project)
    return _form_page(
        request,
        form,
        lambda data: services.project_phase_create(project=project, **data),
        success_url=phases_url(project),
        title=_("Ny fase"),
        context=_project_form_context(project),
    )


@collaboration_view
def project_phase_delete(
    request: HttpRequest, access: CollaborationAccess, phase_id: str
) -> HttpResponse:
    phase = gov_access.access_project_phase(access, phase_id, for_change=True)
    project = phase.project
    return _confirm_delete(
        request,
        title=_("Slett fasen"),
        what=phase.name,
        delete=lambda: services.project_phase_delete(phase=phase),
        success_url=phases_url(project),
        cancel_url=phases_url(project),
        context={"project": project},
        base_template=PROJECT_BASE,
    )


def _project_form_context(project: Project, obj: Any = None) -> dict[str, Any]:
    return {
        "project": project,
        "base_template": PROJECT_BASE,
        "cancel_url": phases_url(project),
        "history": history_of(obj) if obj is not None else None,
    }


@collaboration_view
def gate_edit(request: HttpRequest, access: CollaborationAccess, gate_id: str) -> HttpResponse:
    gate = gov_access.access_gate(access, gate_id, for_change=True)
    project = gate.project
    form = GateForm(request.POST or None, access=access, project=project, instance=gate)
    return _form_page(
        request,
        form,
        lambda data: services.gate_update(gate=gate, **data),
        success_url=phases_url(project),
        title=_("Endre beslutningspunktet %(code)s") % {"code": gate.code},
        instance=gate,
        context=_project_form_context(project, gate),
    )


@collaboration_view
def gate_create(request: HttpRequest, access: CollaborationAccess, project_id: str) -> HttpResponse:
    project = gov_access.access_project(access, project_id, for_change=True)
    form = GateForm(request.POST or None, access=access, project=project)
    return _form_page(
        request,
        form,
        lambda data: services.gate_create(project=project, **data),
        success_url=phases_url(project),
        title=_("Nytt beslutningspunkt"),
        context=_project_form_context(project),
    )


@collaboration_view
def gate_delete(request: HttpRequest, access: CollaborationAccess, gate_id: str) -> HttpResponse:
    gate = gov_access.access_gate(access, gate_id, for_change=True)
    project = gate.project
    return _confirm_delete(
        request,
        title=_("Slett beslutningspunktet"),
        what=str(gate),
        delete=lambda: services.gate_delete(gate=gate),
        success_url=phases_url(project),
        cancel_url=phases_url(project),
        context={"project": project},
        base_template=PROJECT_BASE,
    )


@collaboration_view
def checklist_item_create(
    request: HttpRequest, access: CollaborationAccess, gate_id: str
) -> HttpResponse:
    gate = gov_access.access_gate(access, gate_id, for_change=True)
    project = gate.project
    form = ChecklistItemForm(request.POST or None, access=access, project=project)
    return _form_page(
        request,
        form,
        lambda data: services.checklist_item_create(gate=gate, **data),
        success_url=phases_url(project) + f"#gate-{gate.uuid}",
        title=_("Nytt sjekkpunkt for %(code)s") % {"code": gate.code},
        context=_project_form_context(project),
    )


@collaboration_view
def checklist_item_edit(
    request: HttpRequest, access: CollaborationAccess, item_id: str
) -> HttpResponse:
    item = gov_access.access_checklist_item(access, item_id)
    access.require_manager()
    project = item.gate.project
    form = ChecklistItemForm(request.POST or None, access=access, project=project, instance=item)
    return _form_page(
        request,
        form,
        lambda data: services.checklist_item_update(item=item, **data),
        success_url=phases_url(project) + f"#gate-{item.gate.uuid}",
        title=_("Endre sjekkpunktet"),
        instance=item,
        context=_project_form_context(project, item),
    )


@collaboration_view
def checklist_item_delete(
    request: HttpRequest, access: CollaborationAccess, item_id: str
) -> HttpResponse:
    item = gov_access.access_checklist_item(access, item_id)
    access.require_manager()
    project = item.gate.project
    return _confirm_delete(
        request,
        title=_("Slett sjekkpunktet"),
        what=item.text,
        delete=lambda: services.checklist_item_delete(item=item),
        success_url=phases_url(project),
        cancel_url=phases_url(project),
        context={"project": project},
        base_template=PROJECT_BASE,
    )


@require_POST
@collaboration_view
def checklist_item_tick(
    request: HttpRequest, access: CollaborationAccess, item_id: str
) -> HttpResponse:
    """Tick an item off (or on again): the project leader and managers. With htmx, the
    gate's checklist comes back as a fragment."""
    item = gov_access.access_checklist_item(access, item_id, for_change=True)
    gate = item.gate
    project = gate.project
    form = ChecklistTickForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            with transaction.atomic():
                locking.check_version(item, locking.submitted_version(request))
                services.checklist_item_set_done(
                    item=item, done=form.cleaned_data["done"], user=access.user
                )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Ugyldig forespørsel.")
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "governance/projects/partials/_checklist.html",
            {
                "gate": selectors_projects.gate_with_checklist(gate),
                "project": project,
                "may_lead": True,
                "may_manage": access.is_manager,
                "error": error,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Sjekkpunktet er oppdatert."))
    return redirect(phases_url(project) + f"#gate-{gate.uuid}")


@collaboration_view
def project_approvers(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    """Let one of the collaboration's bodies approve every gate and milestone whose template
    names a kind of approver (for example «styringsgruppe»)."""
    project = gov_access.access_project(access, project_id, for_change=True)
    kinds = selectors_projects.approver_kinds(project)
    form = ApproverForm(request.POST or None, access=access, kinds=kinds)
    if not kinds:
        messages.info(
            request,
            _("Ingen beslutningspunkter eller milepæler i prosjektet nevner en type organ."),
        )
        return redirect(phases_url(project))

    def save(data: dict[str, Any]) -> Project:
        changed = services.project_assign_approver(
            project=project, kind=data["kind"], body=data["body"]
        )
        messages.info(
            request,
            _("%(count)s beslutningspunkter og milepæler er oppdatert.") % {"count": changed},
        )
        return project

    return _form_page(
        request,
        form,
        save,
        success_url=phases_url(project),
        title=_("Organ som godkjenner"),
        context={
            "project": project,
            "base_template": PROJECT_BASE,
            "cancel_url": phases_url(project),
            "lead": _(
                "Fasemodellen sier hvilken type organ som godkjenner. Velg hvilket av "
                "samarbeidets organer det er for dette prosjektet."
            ),
        },
    )


@collaboration_view
def milestone_create(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = gov_access.access_project(access, project_id)
    gov_access.require_project_lead(access, project)
    form = MilestoneForm(request.POST or None, access=access, project=project)
    return _form_page(
        request,
        form,
        lambda data: services.milestone_create(project=project, **data),
        success_url=phases_url(project),
        title=_("Ny milepæl"),
        context=_project_form_context(project),
    )


@collaboration_view
def milestone_edit(
    request: HttpRequest, access: CollaborationAccess, milestone_id: str
) -> HttpResponse:
    milestone = gov_access.access_milestone(access, milestone_id, for_change=True)
    project = milestone.project
    form = MilestoneForm(request.POST or None, access=access, project=project, instance=milestone)
    return _form_page(
        request,
        form,
        lambda data: services.milestone_update(milestone=milestone, **data),
        success_url=phases_url(project),
        title=_("Endre milepælen %(name)s") % {"name": milestone.name},
        instance=milestone,
        context=_project_form_context(project, milestone),
    )


@collaboration_view
def milestone_delete(
    request: HttpRequest, access: CollaborationAccess, milestone_id: str
) -> HttpResponse:
    milestone = gov_access.access_milestone(access, milestone_id, for_change=True)
    project = milestone.project
    return _confirm_delete(
        request,
        title=_("Slett milepælen"),
        what=str(milestone),
        delete=lambda: services.milestone_delete(milestone=milestone),
        success_url=phases_url(project),
        cancel_url=phases_url(project),
        context={"project": project},
        base_template=PROJECT_BASE,
    )


# --- Programmes -----------------------------------------------------------------------------


@collaboration_view
def programme_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    return render(
        request,
        "governance/projects/programme_list.html",
        {
            "programmes": list(selectors.programmes(access.collaboration).order_by("name")),
            "may_manage": gov_access.may_manage_governance(access),
        },
    )


@collaboration_view
def programme_detail(
    request: HttpRequest, access: CollaborationAccess, programme_id: str
) -> HttpResponse:
    programme = gov_access.access_programme(access, programme_id)
    projects = selectors.portfolio_heat_map(access.collaboration, programme=programme)
    return render(
        request,
        "governance/projects/programme_detail.html",
        {
            "programme": programme,
            "projects": projects,
            "may_manage": gov_access.may_manage_governance(access),
        },
    )


@collaboration_view
def programme_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    form = ProgrammeForm(request.POST or None, access=access)
    return _form_page(
        request,
        form,
        lambda data: services.programme_create(collaboration=access.collaboration, **data),
        success_url=programme_url,
        title=_("Nytt program"),
        context={"cancel_url": reverse("governance:programme_list", args=[_slug(access)])},
    )


@collaboration_view
def programme_edit(
    request: HttpRequest, access: CollaborationAccess, programme_id: str
) -> HttpResponse:
    programme = gov_access.access_programme(access, programme_id, for_change=True)
    form = ProgrammeForm(request.POST or None, access=access, instance=programme)
    return _form_page(
        request,
        form,
        lambda data: services.programme_update(programme=programme, **data),
        success_url=programme_url,
        title=_("Endre programmet"),
        instance=programme,
        context={"cancel_url": programme_url(programme), "history": history_of(programme)},
    )


@collaboration_view
def programme_delete(
    request: HttpRequest, access: CollaborationAccess, programme_id: str
) -> HttpResponse:
    programme = gov_access.access_programme(access, programme_id, for_change=True)
    return _confirm_delete(
        request,
        title=_("Slett programmet"),
        what=programme.name,
        delete=lambda: services.programme_delete(programme=programme),
        success_url=reverse("governance:programme_list", args=[_slug(access)]),
        cancel_url=programme_url(programme),
    )


# --- Phase-model library --------------------------------------------------------------------


@collaboration_view
def phase_model_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    models = list(selectors.phase_models(access.collaboration).order_by("name"))
    installed = {model.library_key for model in models if model.library_key}
    return render(
        request,
        "governance/projects/phase_model_list.html",
        {
            "phase_models": models,
            "library": [
                {"key": key, "template": template, "installed": key in installed}
                for key, template in LIBRARY.items()
            ],
            "may_manage": gov_access.may_manage_governance(access),
        },
    )


@require_POST
@collaboration_view
def phase_model_install(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    form = PhaseModelInstallForm(request.POST)
    back = reverse("governance:phase_model_list", args=[_slug(access)])
    if not form.is_valid():
        messages.error(request, _("Velg en fasemodell fra biblioteket."))
        return redirect(back)
    try:
        model = services.phase_model_install(
            collaboration=access.collaboration, key=form.cleaned_data["key"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, _("Fasemodellen er lagt inn og kan tilpasses."))
    return redirect(phase_model_url(model))


@collaboration_view
def phase_model_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    form = PhaseModelForm(request.POST or None, access=access)
    return _form_page(
        request,
        form,
        lambda data: services.phase_model_create(collaboration=access.collaboration, **data),
        success_url=phase_model_url,
        title=_("Ny fasemodell"),
        context={"cancel_url": reverse("governance:phase_model_list", args=[_slug(access)])},
    )


@collaboration_view
def phase_model_detail(
    request: HttpRequest, access: CollaborationAccess, phase_model_id: str
) -> HttpResponse:
    model = gov_access.access_phase_model(access, phase_model_id)
    return render(
        request,
        "governance/projects/phase_model_detail.html",
        {
            "phase_model": model,
            "rows": selectors_projects.phase_model_parts(model),
            "project_count": model.projects.count(),
            "may_manage": gov_access.may_manage_governance(access),
        },
    )


@collaboration_view
def phase_model_edit(
    request: HttpRequest, access: CollaborationAccess, phase_model_id: str
) -> HttpResponse:
    model = gov_access.access_phase_model(access, phase_model_id, for_change=True)
    form = PhaseModelForm(request.POST or None, access=access, instance=model)
    return _form_page(
        request,
        form,
        lambda data: services.phase_model_update(phase_model=model, **data),
        success_url=phase_model_url,
        title=_("Endre fasemodellen"),
        instance=model,
        context={"cancel_url": phase_model_url(model), "history": history_of(model)},
    )


@collaboration_view
def phase_model_copy(
    request: HttpRequest, access: CollaborationAccess, phase_model_id: str
) -> HttpResponse:
    model = gov_access.access_phase_model(access, phase_model_id, for_change=True)
    form = PhaseModelCopyForm(
        request.POST or None, initial={"name": _("Kopi av %(name)s") % {"name": model.name}}
    )
    return _form_page(
        request,
        form,
        lambda data: services.phase_model_copy(source=model, name=data["name"]),
        success_url=phase_model_url,
        title=_("Kopier fasemodellen %(name)s") % {"name": model.name},
        success_message=_("Kopien er laget. Endringer i den påvirker ikke originalen."),
        context={"cancel_url": phase_model_url(model), "submit_label": _("Lag kopi")},
    )


@collaboration_view
def phase_model_delete(
    request: HttpRequest, access: CollaborationAccess, phase_model_id: str
) -> HttpResponse:
    model = gov_access.access_phase_model(access, phase_model_id, for_change=True)
    return _confirm_delete(
        request,
        title=_("Slett fasemodellen"),
        what=model.name,
        delete=lambda: services.phase_model_delete(phase_model=model),
        success_url=reverse("governance:phase_model_list", args=[_slug(access)]),
        cancel_url=phase_model_url(model),
    )


def _template_part_page(
    request: HttpRequest,
    access: CollaborationAccess,
    *,
    model: PhaseModel,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    title: str,
    instance: Any = None,
) -> HttpResponse:
    return _form_page(
        request,
        form,
        save,
        success_url=phase_model_url(model),
        title=title,
        instance=instance,
        context={
            "cancel_url": phase_model_url(model),
            "lead": model.name,
            "history": history_of(instance) if instance is not None else None,
        },
    )


def _template_delete(
    request: HttpRequest, model: PhaseModel, title: str, what: str, delete: Callable[[], None]
) -> HttpResponse:
    return _confirm_delete(
        request,
        title=title,
        what=what,
        delete=delete,
        success_url=phase_model_url(model),
        cancel_url=phase_model_url(model),
    )


@collaboration_view
def template_phase_create(
    request: HttpRequest, access: CollaborationAccess, phase_model_id: str
) -> HttpResponse:
    model = gov_access.access_phase_model(access, phase_model_id, for_change=True)
    form = TemplatePhaseForm(
        request.POST or None,
        access=access,
        phase_model=model,
        initial={"order": model.phases.count() + 1, "duration_weeks": 4},
    )
    return _template_part_page(
        request,
        access,
        model=model,
        form=form,
        title=_("Ny fase"),
        save=lambda data: services.phase_model_phase_create(phase_model=model, **data),
    )


@collaboration_view
def template_phase_edit(
    request: HttpRequest, access: CollaborationAccess, phase_id: str
) -> HttpResponse:
    phase = gov_access.access_phase_model_phase(access, phase_id, for_change=True)
    form = TemplatePhaseForm(
        request.POST or None, access=access, phase_model=phase.phase_model, instance=phase
    )
    return _template_part_page(
        request,
        access,
        model=phase.phase_model,
        form=form,
        instance=phase,
        title=_("Endre fasen %(name)s") % {"name": phase.name},
        save=lambda data: services.phase_model_phase_update(phase=phase, **data),
    )


@collaboration_view
def template_phase_delete(
    request: HttpRequest, access: CollaborationAccess, phase_id: str
) -> HttpResponse:
    phase = gov_access.access_phase_model_phase(access, phase_id, for_change=True)
    return _template_delete(
        request,
        phase.phase_model,
        _("Slett fasen"),
        phase.name,
        lambda: services.phase_model_phase_delete(phase=phase),
    )


@collaboration_view
def template_gate_create(
    request: HttpRequest, access: CollaborationAccess, phase_model_id: str
) -> HttpResponse:
    model = gov_access.access_phase_model(access, phase_model_id, for_change=True)
    form = TemplateGateForm(request.POST or None, access=access, phase_model=model)
    return _template_part_page(
        request,
        access,
        model=model,
        form=form,
        title=_("Nytt beslutningspunkt"),
        save=lambda data: services.phase_model_gate_create(phase_model=model, **data),
    )


@collaboration_view
def template_gate_edit(
    request: HttpRequest, access: CollaborationAccess, gate_id: str
) -> HttpResponse:
    gate = gov_access.access_phase_model_gate(access, gate_id, for_change=True)
    form = TemplateGateForm(
        request.POST or None, access=access, phase_model=gate.phase_model, instance=gate
    )
    return _template_part_page(
        request,
        access,
        model=gate.phase_model,
        form=form,
        instance=gate,
        title=_("Endre beslutningspunktet %(code)s") % {"code": gate.code},
        save=lambda data: services.phase_model_gate_update(gate=gate, **data),
    )


@collaboration_view
def template_gate_delete(
    request: HttpRequest, access: CollaborationAccess, gate_id: str
) -> HttpResponse:
    gate = gov_access.access_phase_model_gate(access, gate_id, for_change=True)
    return _template_delete(
        request,
        gate.phase_model,
        _("Slett beslutningspunktet"),
        str(gate),
        lambda: services.phase_model_gate_delete(gate=gate),
    )


@collaboration_view
def template_checklist_item_create(
    request: HttpRequest, access: CollaborationAccess, gate_id: str
) -> HttpResponse:
    gate = gov_access.access_phase_model_gate(access, gate_id, for_change=True)
    form = TemplateChecklistItemForm(request.POST or None, access=access)
    return _template_part_page(
        request,
        access,
        model=gate.phase_model,
        form=form,
        title=_("Nytt sjekkpunkt for %(code)s") % {"code": gate.code},
        save=lambda data: services.phase_model_checklist_item_create(gate=gate, **data),
    )


@collaboration_view
def template_checklist_item_edit(
    request: HttpRequest, access: CollaborationAccess, item_id: str
) -> HttpResponse:
    item = gov_access.access_phase_model_checklist_item(access, item_id, for_change=True)
    form = TemplateChecklistItemForm(request.POST or None, access=access, instance=item)
    return _template_part_page(
        request,
        access,
        model=item.gate.phase_model,
        form=form,
        instance=item,
        title=_("Endre sjekkpunktet"),
        save=lambda data: services.phase_model_checklist_item_update(item=item, **data),
    )


@collaboration_view
def template_checklist_item_delete(
    request: HttpRequest, access: CollaborationAccess, item_id: str
) -> HttpResponse:
    item = gov_access.access_phase_model_checklist_item(access, item_id, for_change=True)
    return _template_delete(
        request,
        item.gate.phase_model,
        _("Slett sjekkpunktet"),
        item.text,
        lambda: services.phase_model_checklist_item_delete(item=item),
    )


@collaboration_view
def template_milestone_create(
    request: HttpRequest, access: CollaborationAccess, phase_model_id: str
) -> HttpResponse:
    model = gov_access.access_phase_model(access, phase_model_id, for_change=True)
    form = TemplateMilestoneForm(request.POST or None, access=access, phase_model=model)
    return _template_part_page(
        request,
        access,
        model=model,
        form=form,
        title=_("Ny milepæl"),
        save=lambda data: services.phase_model_milestone_create(phase_model=model, **data),
    )


@collaboration_view
def template_milestone_edit(
    request: HttpRequest, access: CollaborationAccess, milestone_id: str
) -> HttpResponse:
    milestone = gov_access.access_phase_model_milestone(access, milestone_id, for_change=True)
    form = TemplateMilestoneForm(
        request.POST or None, access=access, phase_model=milestone.phase_model, instance=milestone
    )
    return _template_part_page(
        request,
        access,
        model=milestone.phase_model,
        form=form,
        instance=milestone,
        title=_("Endre milepælen %(name)s") % {"name": milestone.name},
        save=lambda data: services.phase_model_milestone_update(milestone=milestone, **data),
    )


@collaboration_view
def template_milestone_delete(
    request: HttpRequest, access: CollaborationAccess, milestone_id: str
) -> HttpResponse:
    milestone = gov_access.access_phase_model_milestone(access, milestone_id, for_change=True)
    return _template_delete(
        request,
        milestone.phase_model,
        _("Slett milepælen"),
        str(milestone),
        lambda: services.phase_model_milestone_delete(milestone=milestone),
    )


urlpatterns: list[URLPattern] = [
    path(P, project_list, name="project_list"),
    path(P + "prosjekter.xlsx", project_list_xlsx, name="project_list_xlsx"),
    path(P + "ny/", project_create, name="project_create"),
    path(P + "<uuid:project_id>/", project_detail, name="project_detail"),
    path(P + "<uuid:project_id>/endre/", project_edit, name="project_edit"),
    path(P + "<uuid:project_id>/slett/", project_delete, name="project_delete"),
    path(P + "<uuid:project_id>/faser/", project_phases, name="project_phases"),
    path(P + "<uuid:project_id>/milepaeler/ny/", milestone_create, name="milestone_create"),
    path(P + "<uuid:project_id>/godkjennere/", project_approvers, name="project_approvers"),
    path(P + "<uuid:project_id>/faser/ny/", project_phase_create, name="project_phase_create"),
    path(P + "<uuid:project_id>/beslutningspunkter/ny/", gate_create, name="gate_create"),
    path(P + "faser/<uuid:phase_id>/endre/", project_phase_edit, name="project_phase_edit"),
    path(P + "faser/<uuid:phase_id>/slett/", project_phase_delete, name="project_phase_delete"),
    path(P + "beslutningspunkter/<uuid:gate_id>/slett/", gate_delete, name="gate_delete"),
    path(P + "beslutningspunkter/<uuid:gate_id>/endre/", gate_edit, name="gate_edit"),
    path(
        P + "beslutningspunkter/<uuid:gate_id>/sjekkpunkter/ny/",
        checklist_item_create,
        name="checklist_item_create",
    ),
    path(P + "sjekkpunkter/<uuid:item_id>/endre/", checklist_item_edit, name="checklist_item_edit"),
    path(
        P + "sjekkpunkter/<uuid:item_id>/slett/",
        checklist_item_delete,
        name="checklist_item_delete",
    ),
    path(
        P + "sjekkpunkter/<uuid:item_id>/kryss-av/", checklist_item_tick, name="checklist_item_tick"
    ),
    path(P + "milepaeler/<uuid:milestone_id>/endre/", milestone_edit, name="milestone_edit"),
    path(P + "milepaeler/<uuid:milestone_id>/slett/", milestone_delete, name="milestone_delete"),
    path(P + "programmer/", programme_list, name="programme_list"),
    path(P + "programmer/ny/", programme_create, name="programme_create"),
    path(P + "programmer/<uuid:programme_id>/", programme_detail, name="programme_detail"),
    path(P + "programmer/<uuid:programme_id>/endre/", programme_edit, name="programme_edit"),
    path(P + "programmer/<uuid:programme_id>/slett/", programme_delete, name="programme_delete"),
    path(P + "fasemodeller/", phase_model_list, name="phase_model_list"),
    path(P + "fasemodeller/installer/", phase_model_install, name="phase_model_install"),
    path(P + "fasemodeller/ny/", phase_model_create, name="phase_model_create"),
    path(P + "fasemodeller/<uuid:phase_model_id>/", phase_model_detail, name="phase_model_detail"),
    path(
        P + "fasemodeller/<uuid:phase_model_id>/endre/", phase_model_edit, name="phase_model_edit"
    ),
    path(
        P + "fasemodeller/<uuid:phase_model_id>/kopier/", phase_model_copy, name="phase_model_copy"
    ),
    path(
        P + "fasemodeller/<uuid:phase_model_id>/slett/",
        phase_model_delete,
        name="phase_model_delete",
    ),
    path(
        P + "fasemodeller/<uuid:phase_model_id>/faser/ny/",
        template_phase_create,
        name="template_phase_create",
    ),
    path(
        P + "fasemodeller/<uuid:phase_model_id>/beslutningspunkter/ny/",
        template_gate_create,
        name="template_gate_create",
    ),
    path(
        P + "fasemodeller/<uuid:phase_model_id>/milepaeler/ny/",
        template_milestone_create,
        name="template_milestone_create",
    ),
    path(P + "modellfaser/<uuid:phase_id>/endre/", template_phase_edit, name="template_phase_edit"),
    path(
        P + "modellfaser/<uuid:phase_id>/slett/",
        template_phase_delete,
        name="template_phase_delete",
    ),
    path(P + "modellpunkter/<uuid:gate_id>/endre/", template_gate_edit, name="template_gate_edit"),
    path(
        P + "modellpunkter/<uuid:gate_id>/slett/", template_gate_delete, name="template_gate_delete"
    ),
    path(
        P + "modellpunkter/<uuid:gate_id>/sjekkpunkter/ny/",
        template_checklist_item_create,
        name="template_checklist_item_create",
    ),
    path(
        P + "modellsjekkpunkter/<uuid:item_id>/endre/",
        template_checklist_item_edit,
        name="template_checklist_item_edit",
    ),
    path(
        P + "modellsjekkpunkter/<uuid:item_id>/slett/",
        template_checklist_item_delete,
        name="template_checklist_item_delete",
    ),
    path(
        P + "modellmilepaeler/<uuid:milestone_id>/endre/",
        template_milestone_edit,
        name="template_milestone_edit",
    ),
    path(
        P + "modellmilepaeler/<uuid:milestone_id>/slett/",
        template_milestone_delete,
        name="template_milestone_delete",
    ),
]
