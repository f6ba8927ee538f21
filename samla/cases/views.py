"""Business-case pages: the list, a version's results, editing a draft, freezing, comparing,
importing and exporting. Views are thin: forms validate, services write, selectors read."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import yaml
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samla.benefits.selectors_reports import case_version_benefits
from samla.cases import exports, selectors, services
from samla.cases.access import (
    access_alternative,
    access_assumption,
    access_case,
    access_effect,
    access_line,
    access_version,
    may_manage_cases,
)
from samla.cases.document import version_document
from samla.cases.forms import (
    AlternativeForm,
    AssumptionForm,
    CaseCreateForm,
    CaseForm,
    CompareForm,
    EffectForm,
    FreezeForm,
    ImportForm,
    LineForm,
    VersionForm,
)
from samla.cases.models import CaseVersion
from samla.core import locking
from samla.core.decorators import collaboration_view
from samla.core.history import history_of
from samla.finance.caseformat import CaseFormatError, Problem, parse_case
from samla.organisations.access import CollaborationAccess
from samla.organisations.views import _add_validation_error

CASE_PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _version_url(version: CaseVersion) -> str:
    return reverse("cases:version_detail", args=[version.case.collaboration.slug, version.uuid])


def _edit_url(version: CaseVersion) -> str:
    return reverse("cases:version_edit", args=[version.case.collaboration.slug, version.uuid])


def _refuse_if_frozen(request: HttpRequest, version: CaseVersion) -> HttpResponse | None:
    """A frozen version is read-only: every page that changes it sends the user back."""
    if version.is_frozen:
        messages.error(request, _("Versjonen er låst. Lag en ny versjon for å endre den."))
        return redirect(_version_url(version))
    return None


# --- The list, a new case and the import --------------------------------------------------


@collaboration_view
def case_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    page = Paginator(selectors.cases(access.collaboration), CASE_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    return render(
        request,
        "cases/case_list.html",
        {
            "rows": selectors.case_rows(list(page.object_list)),
            "page": page,
            "may_manage": may_manage_cases(access),
        },
    )


@collaboration_view
def case_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    form = CaseCreateForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(collaboration=access.collaboration, **form.cleaned_data)
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("Saken er opprettet med et første utkast."))
            return redirect(_edit_url(case.versions.get()))
    return render(request, "cases/case_form.html", {"form": form, "case": None})


def _problems(error: CaseFormatError) -> list[Problem]:
    return list(error.problems)


@collaboration_view
def case_import(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    """A YAML or JSON case file read by the engine's own reader (problems name field and
    line of the file), then saved by ``services.case_import`` – all or nothing."""
    access.require_manager()
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        text, syntax = form.cleaned_data["file"]
        try:
            parse_case(text, syntax)
        except CaseFormatError as error:
            problems = _problems(error)
        else:
            document = json.loads(text) if syntax == "json" else yaml.safe_load(text)
            try:
                case = services.case_import(
                    collaboration=access.collaboration,
                    document=document,
                    name=form.cleaned_data["name"],
                )
            except ValidationError as exc:
                _add_validation_error(form, exc)
            else:
                messages.success(request, _("Saken er lest inn."))
                return redirect(_version_url(case.versions.get()))
    return render(request, "cases/case_import.html", {"form": form, "problems": problems})


# --- A case and its versions ----------------------------------------------------------------


@collaboration_view
def case_detail(request: HttpRequest, access: CollaborationAccess, case_id: str) -> HttpResponse:
    """The case's latest version."""
    case = access_case(access, case_id)
    version = selectors.versions_of(case).first()
    if version is None:
        raise Http404
    version.case = case
    return _version_page(request, access, version)


@collaboration_view
def version_detail(
    request: HttpRequest, access: CollaborationAccess, version_id: str
) -> HttpResponse:
    return _version_page(request, access, access_version(access, version_id))


def _export(version: CaseVersion, kind: str) -> HttpResponse | None:
    name = f"{slugify(version.case.name) or 'business-case'}-v{version.number}"
    if kind == "yaml":
        text = yaml.safe_dump(version_document(version), allow_unicode=True, sort_keys=False)
        return download(text.encode(), f"{name}.yaml", "application/yaml; charset=utf-8")
    if kind == "json":
        text = json.dumps(version_document(version), indent=2, ensure_ascii=False)
        return download(text.encode(), f"{name}.json", "application/json; charset=utf-8")
    if kind == "xlsx":
        return download(exports.version_xlsx(version), f"{name}.xlsx", XLSX)
    if kind == "docx":
        return download(exports.version_docx(version), f"{name}.docx", DOCX)
    return None


def _version_page(
    request: HttpRequest, access: CollaborationAccess, version: CaseVersion
) -> HttpResponse:
    kind = request.GET.get("format")
    if kind:
        response = _export(version, kind)
        if response is None:
            raise Http404
        return response
    case = version.case
    versions = list(selectors.versions_of(case))
    alternatives = list(selectors.version_contents(version))
    results = selectors.version_results(version)
    manager = may_manage_cases(access)
    context = {
        "case": case,
        "version": version,
        "versions": versions,
        "results": results,
        "alternatives": alternatives,
        "effect_rows": selectors.effect_table(alternatives),
        "assumptions": list(version.assumptions.all()),
        "may_manage": manager,
        "may_edit": manager and not version.is_frozen,
        "has_draft": any(not v.is_frozen for v in versions),
        "freeze_form": FreezeForm(),
        "history": history_of(version),
        "linked_benefits": case_version_benefits(version),
    }
    return render(request, "cases/version_detail.html", context)


@collaboration_view
def case_edit(request: HttpRequest, access: CollaborationAccess, case_id: str) -> HttpResponse:
    case = access_case(access, case_id, for_change=True)
    initial = {
        "name": case.name,
        "description": case.description,
        "category": case.category.uuid if case.category else None,
    }
    form = CaseForm(request.POST or None, access=access, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with locking.checked(request, case):
                services.case_update(case=case, **form.cleaned_data)
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect("cases:case_detail", slug=access.collaboration.slug, case_id=case.uuid)
    return render(
        request, "cases/case_form.html", {"form": form, "case": case, "history": history_of(case)}
    )


@collaboration_view
@require_POST
def case_delete(request: HttpRequest, access: CollaborationAccess, case_id: str) -> HttpResponse:
    case = access_case(access, case_id, for_change=True)
    try:
        services.case_delete(case=case)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:case_detail", slug=access.collaboration.slug, case_id=case.uuid)
    messages.success(request, _("Saken er slettet."))
    return redirect("cases:case_list", slug=access.collaboration.slug)


@collaboration_view
@require_POST
def version_freeze(
    request: HttpRequest, access: CollaborationAccess, version_id: str
) -> HttpResponse:
    version = access_version(access, version_id, for_change=True)
    form = FreezeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Velg godkjent, oppdatert etter anskaffelse eller endelig."))
        return redirect(_version_url(version))
    try:
        services.version_freeze(
            version=version,
            stage=form.cleaned_data["stage"],
            user=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Versjonen er godkjent og låst."))
    return redirect(_version_url(version))


@collaboration_view
@require_POST
def version_new(request: HttpRequest, access: CollaborationAccess, case_id: str) -> HttpResponse:
    case = access_case(access, case_id, for_change=True)
    latest = selectors.versions_of(case).first()
    if latest is None:
        raise Http404
    try:
        draft = services.version_new(source=latest)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:case_detail", slug=access.collaboration.slug, case_id=case.uuid)
    messages.success(
        request, _("Nytt utkast er laget som kopi av versjon %(n)s.") % {"n": latest.number}
    )
    return redirect(_edit_url(draft))


@collaboration_view
def compare(request: HttpRequest, access: CollaborationAccess, case_id: str) -> HttpResponse:
    case = access_case(access, case_id)
    versions = selectors.versions_of(case)
    form = CompareForm(request.GET or None, versions=versions)
    context: dict[str, Any] = {"case": case, "form": form}
    if form.is_bound and form.is_valid():
        first, second = form.cleaned_data["a"], form.cleaned_data["b"]
        first.case = second.case = case
        context.update(
            first=first,
            second=second,
            rows=selectors.compare_results(first, second),
            line_changes=selectors.compare_lines(first, second),
        )
    return render(request, "cases/compare.html", context)


# --- Monte Carlo ----------------------------------------------------------------------------


def _monte_carlo_fragment(request: HttpRequest, version: CaseVersion) -> HttpResponse:
    results = selectors.version_results(version)
    return render(
        request,
        "cases/partials/_monte_carlo.html",
        {"version": version, "results": results, "case": version.case},
    )


@collaboration_view
def monte_carlo(request: HttpRequest, access: CollaborationAccess, version_id: str) -> HttpResponse:
    """GET: the simulation section (polled by htmx while a run is under way). POST: start
    the full simulation; anyone who reads the case may, as it changes no data."""
    version = access_version(access, version_id)
    if request.method == "POST":
        run = services.monte_carlo_start(version=version)
        if run.status == run.Status.FAILED:
            messages.error(request, _("Simuleringen feilet: %(error)s") % {"error": run.error})
        if not request.htmx:  # type: ignore[attr-defined]
            return redirect(_version_url(version) + "#monte-carlo-heading")
    elif not request.htmx:  # type: ignore[attr-defined]
        return redirect(_version_url(version) + "#monte-carlo-heading")
    return _monte_carlo_fragment(request, version)


# --- Editing a draft ------------------------------------------------------------------------


@collaboration_view
def version_edit(
    request: HttpRequest, access: CollaborationAccess, version_id: str
) -> HttpResponse:
    """The draft's settings, and its alternatives, lines, effects and assumptions."""
    version = access_version(access, version_id, for_change=True)
    refused = _refuse_if_frozen(request, version)
    if refused:
        return refused
    form = VersionForm(request.POST or None, access=access, version=version)
    if request.method == "POST" and form.is_valid():
        try:
            with locking.checked(request, version):
                services.version_update(version=version, **form.cleaned_data)
        except ValidationError as exc:
            version.refresh_from_db()
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("Innstillingene er lagret."))
            return redirect(_edit_url(version))
    return render(
        request,
        "cases/version_edit.html",
        {
            "case": version.case,
            "version": version,
            "form": form,
            "alternatives": list(selectors.version_contents(version)),
            "assumptions": list(version.assumptions.all()),
        },
    )


def _object_form(
    request: HttpRequest,
    version: CaseVersion,
    form: Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    context: dict[str, Any] | None = None,
    instance: Any = None,
) -> HttpResponse:
    """Validate, let the service save (its ValidationError goes on the form), go back to the
    draft's edit page. Pass ``instance`` when editing: a save over someone else's newer edit
    is refused (``samla.core.locking``)."""
    refused = _refuse_if_frozen(request, version)
    if refused:
        return refused
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if instance is not None:
                    locking.check_version(instance, locking.submitted_version(request))
                save(form.cleaned_data)
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("Lagret."))
            return redirect(_edit_url(version))
    return render(
        request,
        "cases/object_form.html",
        {
            "case": version.case,
            "version": version,
            "form": form,
            "title": title,
            "edited": instance,
            **(context or {}),
        },
    )


def _delete(request: HttpRequest, version: CaseVersion, delete: Callable[[], None]) -> HttpResponse:
    refused = _refuse_if_frozen(request, version)
    if refused:
        return refused
    try:
        delete()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Slettet."))
    return redirect(_edit_url(version))


@collaboration_view
def alternative_create(
    request: HttpRequest, access: CollaborationAccess, version_id: str
) -> HttpResponse:
    version = access_version(access, version_id, for_change=True)
    form = AlternativeForm(request.POST or None)
    return _object_form(
        request,
        version,
        form,
        lambda data: services.alternative_create(version=version, **data),
        title=_("Nytt alternativ"),
    )


@collaboration_view
def alternative_edit(
    request: HttpRequest, access: CollaborationAccess, alternative_id: str
) -> HttpResponse:
    alternative = access_alternative(access, alternative_id, for_change=True)
    initial = {
        "name": alternative.name,
        "description": alternative.description,
        "is_zero": alternative.is_zero,
    }
    form = AlternativeForm(request.POST or None, initial=initial)
    return _object_form(
        request,
        alternative.version,
        form,
        lambda data: services.alternative_update(alternative=alternative, **data),
        title=_("Endre %(name)s") % {"name": alternative.name},
        context={"history": history_of(alternative)},
        instance=alternative,
    )


@collaboration_view
@require_POST
def alternative_delete(
    request: HttpRequest, access: CollaborationAccess, alternative_id: str
) -> HttpResponse:
    alternative = access_alternative(access, alternative_id, for_change=True)
    return _delete(
        request, alternative.version, lambda: services.alternative_delete(alternative=alternative)
    )


@collaboration_view
def line_create(
    request: HttpRequest, access: CollaborationAccess, alternative_id: str
) -> HttpResponse:
    alternative = access_alternative(access, alternative_id, for_change=True)
    version = alternative.version
    form = LineForm(request.POST or None, access=access, version=version)
    return _object_form(
        request,
        version,
        form,
        lambda data: services.line_create(alternative=alternative, **data),
        title=_("Ny linje i %(name)s") % {"name": alternative.name},
        context={"line_form": True},
    )


@collaboration_view
def line_edit(request: HttpRequest, access: CollaborationAccess, line_id: str) -> HttpResponse:
    line = access_line(access, line_id, for_change=True)
    version = line.alternative.version
    form = LineForm(request.POST or None, access=access, version=version, line=line)
    return _object_form(
        request,
        version,
        form,
        lambda data: services.line_update(line=line, **data),
        title=_("Endre %(name)s") % {"name": line.name},
        context={"line_form": True, "history": history_of(line)},
        instance=line,
    )


@collaboration_view
@require_POST
def line_delete(request: HttpRequest, access: CollaborationAccess, line_id: str) -> HttpResponse:
    line = access_line(access, line_id, for_change=True)
    return _delete(request, line.alternative.version, lambda: services.line_delete(line=line))


@collaboration_view
def effect_create(
    request: HttpRequest, access: CollaborationAccess, alternative_id: str
) -> HttpResponse:
    alternative = access_alternative(access, alternative_id, for_change=True)
    form = EffectForm(request.POST or None)
    return _object_form(
        request,
        alternative.version,
        form,
        lambda data: services.effect_create(alternative=alternative, **data),
        title=_("Ny ikke-prissatt virkning i %(name)s") % {"name": alternative.name},
    )


@collaboration_view
def effect_edit(request: HttpRequest, access: CollaborationAccess, effect_id: str) -> HttpResponse:
    effect = access_effect(access, effect_id, for_change=True)
    initial = {"name": effect.name, "score": effect.score, "reason": effect.reason}
    form = EffectForm(request.POST or None, initial=initial)
    return _object_form(
        request,
        effect.alternative.version,
        form,
        lambda data: services.effect_update(effect=effect, **data),
        title=_("Endre %(name)s") % {"name": effect.name},
        context={"history": history_of(effect)},
        instance=effect,
    )


@collaboration_view
@require_POST
def effect_delete(
    request: HttpRequest, access: CollaborationAccess, effect_id: str
) -> HttpResponse:
    effect = access_effect(access, effect_id, for_change=True)
    return _delete(
        request, effect.alternative.version, lambda: services.effect_delete(effect=effect)
    )


@collaboration_view
def assumption_create(
    request: HttpRequest, access: CollaborationAccess, version_id: str
) -> HttpResponse:
    version = access_version(access, version_id, for_change=True)
    form = AssumptionForm(request.POST or None)
    return _object_form(
        request,
        version,
        form,
        lambda data: services.assumption_create(version=version, **data),
        title=_("Ny forutsetning"),
    )


@collaboration_view
def assumption_edit(
    request: HttpRequest, access: CollaborationAccess, assumption_id: str
) -> HttpResponse:
    assumption = access_assumption(access, assumption_id, for_change=True)
    form = AssumptionForm(
        request.POST or None, initial={"text": assumption.text, "source": assumption.source}
    )
    return _object_form(
        request,
        assumption.version,
        form,
        lambda data: services.assumption_update(assumption=assumption, **data),
        title=_("Endre forutsetning"),
        context={"history": history_of(assumption)},
        instance=assumption,
    )


@collaboration_view
@require_POST
def assumption_delete(
    request: HttpRequest, access: CollaborationAccess, assumption_id: str
) -> HttpResponse:
    assumption = access_assumption(access, assumption_id, for_change=True)
    return _delete(
        request, assumption.version, lambda: services.assumption_delete(assumption=assumption)
    )
