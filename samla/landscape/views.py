"""Landscape pages: the registers, the analyses, the target portfolio and the import."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samla.core import locking
from samla.core.dates import today
from samla.core.decorators import collaboration_view
from samla.core.history import history_of
from samla.landscape import analysis, exports, services
from samla.landscape.access import (
    access_target_choice,
    may_edit_landscape,
    require_landscape_editor,
)
from samla.landscape.forms import ImportForm, MatrixFilterForm, TargetChoiceForm
from samla.landscape.registers import REGISTERS, Register
from samla.organisations.access import CollaborationAccess
from samla.organisations.views import _add_validation_error
from samla.surveys.results import accepted_campaigns_by_category

PAGE_SIZE = 50  # contracts per page of the timeline
MATRIX_COLUMNS = 15  # members per page of the landscape matrix
REGISTER_PAGE_SIZE = 100  # rows per page of a register
MEMBER_LIST_LIMIT = 30  # above this many members the portfolio shows counts per action
COST_PAGE_SIZE = 10  # organisations per page of the ICT cost tables

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def _register(slug: str) -> Register:
    register = REGISTERS.get(slug)
    if register is None:
        raise Http404
    return register


# --- Registers ---------------------------------------------------------------------------


@collaboration_view
def register_list(request: HttpRequest, access: CollaborationAccess, register: str) -> HttpResponse:
    reg = _register(register)
    page = Paginator(reg.queryset(access), REGISTER_PAGE_SIZE).get_page(request.GET.get("side"))
    rows = [(obj, [(column.value(obj), column.numeric) for column in reg.columns]) for obj in page.object_list]
    return render(
        request,
        "landscape/register_list.html",
        {"register": reg, "rows": rows, "may_create": reg.may_create(access), "page": page},
    )


@collaboration_view
def register_detail(request: HttpRequest, access: CollaborationAccess, register: str, object_id: str) -> HttpResponse:
    reg = _register(register)
    obj = reg.fetch(access, object_id)
    facts = [(column.label, column.value(obj)) for column in [*reg.columns, *reg.extra_facts]]
    return render(
        request,
        "landscape/register_detail.html",
        {
            "register": reg,
            "object": obj,
            "facts": facts,
            "may_change": reg.may_change(access, obj),
            "history": history_of(obj),
        },
    )


def _save_form(request: HttpRequest, access: CollaborationAccess, reg: Register, obj: Any | None) -> HttpResponse:
    form = reg.form(request.POST or None, instance=obj, access=access)  # type: ignore[call-arg]
    if request.method == "POST" and form.is_valid():
        try:
            with locking.checked(request, obj) if obj is not None else nullcontext():
                saved = reg.save(access, form, obj)
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("Lagret."))
            return redirect("landscape:register_detail", slug=access.collaboration.slug, register=reg.slug, object_id=saved.uuid)
    return render(request, "landscape/register_form.html", {"register": reg, "form": form, "object": obj})


@collaboration_view
def register_create(request: HttpRequest, access: CollaborationAccess, register: str) -> HttpResponse:
    reg = _register(register)
    if not reg.may_create(access):
        raise PermissionDenied
    return _save_form(request, access, reg, None)


@collaboration_view
def register_edit(request: HttpRequest, access: CollaborationAccess, register: str, object_id: str) -> HttpResponse:
    reg = _register(register)
    obj = reg.fetch(access, object_id, for_change=True)
    return _save_form(request, access, reg, obj)


@collaboration_view
@require_POST
def register_delete(request: HttpRequest, access: CollaborationAccess, register: str, object_id: str) -> HttpResponse:
    reg = _register(register)
    obj = reg.fetch(access, object_id, for_change=True)
    try:
        reg.delete(obj)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("landscape:register_detail", slug=access.collaboration.slug, register=reg.slug, object_id=obj.uuid)
    messages.success(request, _("Slettet."))
    return redirect("landscape:register_list", slug=access.collaboration.slug, register=reg.slug)


# --- Analyses ----------------------------------------------------------------------------


@collaboration_view
def matrix(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    form = MatrixFilterForm(request.GET or None, access=access)
    service_area = time_class = None
    if form.is_bound and form.is_valid():
        service_area = form.cleaned_data["service_area"]
        time_class = form.cleaned_data["time_class"] or None
    if wants_xlsx(request):
        return download(exports.matrix_xlsx(access.collaboration), f"landskap-{access.collaboration.slug}.xlsx")
    page = Paginator(analysis.member_organisations(access.collaboration), MATRIX_COLUMNS).get_page(
        request.GET.get("side")
    )
    result = analysis.landscape_matrix(
        access.collaboration,
        service_area=service_area,
        time_class=time_class,
        organisations=list(page.object_list),
    )
    context = {"filter_form": form, "matrix": result, "may_edit": may_edit_landscape(access), "page": page}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "landscape/partials/_matrix.html", context)
    return render(request, "landscape/matrix.html", context)


@collaboration_view
def harmonisation(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    if wants_xlsx(request):
        return download(exports.harmonisation_xlsx(access.collaboration, today=today()), "harmonisering.xlsx")
    rows = analysis.harmonisation(access.collaboration, today=today())
    return render(request, "landscape/harmonisation.html", {"rows": rows})


@collaboration_view
def consolidation(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    if wants_xlsx(request):
        return download(exports.consolidation_xlsx(access.collaboration, today=today()), "konsolidering.xlsx")
    rows = analysis.consolidation_opportunities(access.collaboration, today=today())
    weights = {k: int(v * 100) for k, v in analysis.SCORE_WEIGHTS.items()}
    return render(request, "landscape/consolidation.html", {"rows": rows, "weights": weights})


@collaboration_view
def contract_timeline(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    day = today()
    if wants_xlsx(request):
        return download(exports.contract_timeline_xlsx(access.collaboration, today=day), "avtaletidslinje.xlsx")
    page = Paginator(analysis.contracts(access.collaboration).order_by("end_date", "number"), PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    entries = analysis.contract_timeline(access.collaboration, today=day, queryset=page.object_list)  # type: ignore[arg-type]
    horizon = analysis.horizon_end(access.collaboration, day)
    return render(
        request,
        "landscape/contract_timeline.html",
        {
            "entries": entries,
            "today": day,
            "horizon_end": horizon,
            "chart": timeline_geometry(entries, day, horizon),
            "threshold": access.collaboration.procurement_threshold,
            "page": page,
        },
    )


@collaboration_view
def ict_costs(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    if wants_xlsx(request):
        return download(exports.ict_costs_xlsx(access.collaboration), "ikt-kostnader.xlsx")
    page = Paginator(analysis.organisations_with_costs(access.collaboration), COST_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    years, rows = analysis.ict_costs(access.collaboration, organisations=list(page.object_list))
    return render(request, "landscape/ict_costs.html", {"years": years, "rows": rows, "page": page})


# --- Target portfolio and exit plan --------------------------------------------------------


@collaboration_view
def target_portfolio(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    if wants_xlsx(request):
        return download(exports.target_portfolio_xlsx(access.collaboration), "malportefolje-og-exitplan.xlsx")
    if request.GET.get("format") == "docx":
        content = exports.target_portfolio_docx(access.collaboration, today=today())
        return download(content, "malportefolje-og-exitplan.docx", DOCX)
    portfolio = analysis.target_portfolio(access.collaboration)
    form = TargetChoiceForm(request.POST or None, access=access)
    if request.method == "POST":
        access.require_manager()
        if form.is_valid():
            try:
                services.target_choice_set(collaboration=access.collaboration, **form.cleaned_data)
            except ValidationError as exc:
                _add_validation_error(form, exc)
            else:
                messages.success(request, _("Målsystemet er lagret."))
                return redirect("landscape:target_portfolio", slug=access.collaboration.slug)
    exit_page = Paginator(analysis.exit_plan(access.collaboration, portfolio=portfolio), PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    return render(
        request,
        "landscape/target_portfolio.html",
        {
            "portfolio": portfolio,
            "exit_plan": exit_page.object_list,
            "page": exit_page,
            "form": form,
            "list_members": len(portfolio[0].transitions) <= MEMBER_LIST_LIMIT if portfolio else True,
            # Accepted survey results per category: the evidence behind each choice.
            "evidence": accepted_campaigns_by_category(
                access.collaboration, [ct.choice.category_id for ct in portfolio]
            ),
        },
    )


@collaboration_view
@require_POST
def target_choice_remove(request: HttpRequest, access: CollaborationAccess, choice_id: str) -> HttpResponse:
    choice = access_target_choice(access, choice_id, for_change=True)
    services.target_choice_remove(choice=choice)
    messages.success(request, _("Valget er fjernet."))
    return redirect("landscape:target_portfolio", slug=access.collaboration.slug)


# The contract timeline is drawn as a server-side SVG (no script, no inline style): one bar
# per contract from start to end, a lighter bar for the options, a mark at the last day to
# give notice, and lines for today and the end of the planning horizon.
TIMELINE_WIDTH = 1000
TIMELINE_LABEL = 0
TIMELINE_ROW = 22


def timeline_geometry(entries: list[analysis.TimelineEntry], day: Any, horizon: Any) -> dict[str, Any]:
    dates = [day, horizon]
    for entry in entries:
        c = entry.contract
        dates += [d for d in (c.start_date, c.end_date, c.latest_end_date) if d]
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)

    def x(date: Any) -> float:
        return round(TIMELINE_WIDTH * (date - first).days / span, 1)

    bars = []
    for index, entry in enumerate(entries):
        c = entry.contract
        start = c.start_date or day
        end = c.end_date or start
        y = index * TIMELINE_ROW + 24
        bars.append(
            {
                "entry": entry,
                "y": y,
                "text_y": y + 14,
                "x": x(start),
                "width": max(x(end) - x(start), 2),
                "option_x": x(end),
                "option_width": max(x(c.latest_end_date) - x(end), 0) if c.latest_end_date else 0,
                "notice_x": x(c.notice_deadline) if c.notice_deadline else None,
            }
        )
    years = []
    for year in range(first.year + 1, last.year + 1):
        years.append({"year": year, "x": x(first.replace(year=year, month=1, day=1))})
    return {
        "bars": bars,
        "years": years,
        "today_x": x(day),
        "horizon_x": x(horizon),
        "height": len(entries) * TIMELINE_ROW + 40,
        "width": TIMELINE_WIDTH,
    }


# --- Import and the full export ------------------------------------------------------------


@collaboration_view
def import_export(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    """Upload an XLSX/CSV file (checked first, saved only when asked), download the
    template or every register."""
    from samla.landscape import io as landscape_io

    if request.GET.get("format") == "template":
        return download(landscape_io.landscape_template_workbook(access.collaboration), "landskap-mal.xlsx")
    if request.GET.get("format") == "xlsx":
        return download(
            landscape_io.export_landscape_workbook(access.collaboration),
            f"landskap-{access.collaboration.slug}-registre.xlsx",
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST":
        require_landscape_editor(access)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            restrict = None if access.is_manager else access.role.organisation
            report = landscape_io.import_landscape_file(
                access.collaboration,
                upload,
                upload.name,
                dry_run=form.cleaned_data["dry_run"],
                restrict_to_organisation=restrict,
                user=request.user,
            )
            if report.saved:
                messages.success(request, _("Importen er lagret."))
    return render(
        request,
        "landscape/import.html",
        {"form": form, "report": report, "may_import": may_edit_landscape(access)},
    )
