"""The project mandate (prosjektmandat): one project tab showing it laid out as a Norwegian
mandate, an edit page for its text sections, add/edit/delete pages for each of its parts
(sub-goals, concepts, roles, cost lines, financing, resource lines), financing computed with
a cost-sharing key, and the mandate as a Word document.

Everyone with a role in the collaboration reads the mandate; the project leader and the
managers change it (``access_mandate(..., for_change=True)`` and the part helpers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samla.core.decorators import collaboration_view
from samla.core.history import history_of
from samla.governance import access as gov_access
from samla.governance import services
from samla.governance.documents.mandate import mandate_docx as build_mandate_docx
from samla.governance.forms.mandates import (
    ConceptForm,
    CostLineForm,
    FinancingComputeForm,
    FinancingForm,
    MandateForm,
    MandateRoleForm,
    ResourceLineForm,
    SubGoalForm,
)
from samla.governance.models import Financing, Mandate
from samla.governance.selectors_mandates import mandate_overview
from samla.governance.views.common import DOCX, delete_then_redirect, download, form_page
from samla.organisations.access import CollaborationAccess

PROJECT_BASE = "governance/project_base.html"
P = "s/<slug:slug>/prosjekter/"
M = P + "<uuid:project_id>/mandat/"
NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def _detail_url(mandate: Mandate, anchor: str = "") -> str:
    url = reverse(
        "governance:mandate_detail",
        kwargs={"slug": mandate.project.collaboration.slug, "project_id": mandate.project.uuid},
    )
    return f"{url}#{anchor}" if anchor else url


def _page_context(mandate: Mandate, anchor: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "project": mandate.project,
        "base_template": PROJECT_BASE,
        "cancel_url": _detail_url(mandate, anchor),
        **extra,
    }


# --- The mandate itself ---------------------------------------------------------------------


@collaboration_view
def mandate_detail(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    mandate = gov_access.access_mandate(access, project_id)
    project = mandate.project
    return render(
        request,
        "governance/mandates/mandate_detail.html",
        {
            "project": project,
            "mandate": mandate,
            "overview": mandate_overview(mandate),
            "may_change": gov_access.may_lead_project(access, project),
        },
    )


@collaboration_view
def mandate_edit(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    mandate = gov_access.access_mandate(access, project_id, for_change=True)
    form: Any = MandateForm(request.POST or None, instance=mandate)
    return form_page(
        request,
        form,
        lambda data: services.mandate_update(mandate=mandate, **data),
        success_url=_detail_url(mandate),
        title=_("Endre mandatet"),
        instance=mandate,
        success_message=_("Mandatet er lagret."),
        context=_page_context(
            mandate,
            lead=_(
                "Tekstene i mandatet. Delmål, konsepter, organisering, budsjett, finansiering og "
                "ressursplan endres hver for seg på mandatsiden."
            ),
            history=history_of(mandate),
        ),
    )


@collaboration_view
def mandate_docx(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    mandate = gov_access.access_mandate(access, project_id)
    name = slugify(mandate.project.name.translate(NORWEGIAN_LETTERS)) or "prosjekt"
    return download(build_mandate_docx(mandate), f"prosjektmandat-{name}.docx", DOCX)


@collaboration_view
def financing_compute(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    """Replace the members' shares with those a cost-sharing key gives."""
    mandate = gov_access.access_mandate(access, project_id, for_change=True)
    initial = {"key": mandate.financing_key.uuid} if mandate.financing_key else None
    form = FinancingComputeForm(request.POST or None, initial=initial, access=access)
    return form_page(
        request,
        form,
        lambda data: services.mandate_financing_compute(
            mandate=mandate, key=data["key"], amount=data["amount"]
        ),
        success_url=_detail_url(mandate, "financing-heading"),
        title=_("Beregn finansieringen med en fordelingsnøkkel"),
        success_message=_("Finansieringen er beregnet."),
        context=_page_context(
            mandate,
            "financing-heading",
            lead=_(
                "Medlemmenes andeler erstattes av andelene nøkkelen gir, fordelt mellom "
                "organisasjonene prosjektet berører (alle medlemmene når det ikke berører "
                "noen bestemte). Andre kilder beholdes."
            ),
            submit_label=_("Beregn"),
        ),
    )


# --- The parts: one spec each, three views each ---------------------------------------------


@dataclass(frozen=True)
class Part:
    kind: str  # URL-name prefix and kwarg stem: <kind>_create, <kind>_id
    segment: str  # path segment
    anchor: str  # section id on the mandate page
    fetch: Callable[..., Any]  # access helper
    form: Callable[..., Any]  # (data, access, obj) -> form
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    instance_kwarg: str  # the service's keyword for the object
    new_title: Any
    edit_title: Any


def _model_form(cls: type[Any]) -> Callable[..., Any]:
    def build(data: Any, access: CollaborationAccess, obj: Any) -> Any:
        return cls(data, instance=obj)

    return build


def _role_form(data: Any, access: CollaborationAccess, obj: Any) -> Any:
    return MandateRoleForm(data, instance=obj, access=access)


def _financing_form(data: Any, access: CollaborationAccess, obj: Financing | None) -> Form:
    initial = None
    if obj is not None:
        initial = {
            "organisation": obj.organisation.uuid if obj.organisation else None,
            "source": obj.source,
            "amount": obj.amount,
        }
    return FinancingForm(data, initial=initial, access=access)


PARTS = [
    Part(
        "sub_goal",
        "delmal",
        "goals-heading",
        gov_access.access_sub_goal,
        _model_form(SubGoalForm),
        services.sub_goal_create,
        services.sub_goal_update,
        services.sub_goal_delete,
        "sub_goal",
        gettext_lazy("Nytt delmål"),
        gettext_lazy("Endre delmålet"),
    ),
    Part(
        "concept",
        "konsepter",
        "concepts-heading",
        gov_access.access_concept,
        _model_form(ConceptForm),
        services.concept_create,
        services.concept_update,
        services.concept_delete,
        "concept",
        gettext_lazy("Nytt konsept"),
        gettext_lazy("Endre konseptet"),
    ),
    Part(
        "mandate_role",
        "organisering",
        "organisation-heading",
        gov_access.access_mandate_role,
        _role_form,
        services.mandate_role_create,
        services.mandate_role_update,
        services.mandate_role_delete,
        "role",
        gettext_lazy("Ny rolle i prosjektorganisasjonen"),
        gettext_lazy("Endre rollen"),
    ),
    Part(
        "cost_line",
        "budsjett",
        "budget-heading",
        gov_access.access_cost_line,
        _model_form(CostLineForm),
        services.cost_line_create,
        services.cost_line_update,
        services.cost_line_delete,
        "cost_line",
        gettext_lazy("Ny budsjettlinje"),
        gettext_lazy("Endre budsjettlinjen"),
    ),
    Part(
        "financing",
        "finansiering",
        "financing-heading",
        gov_access.access_financing,
        _financing_form,
        services.financing_create,
        services.financing_update,
        services.financing_delete,
        "financing",
        gettext_lazy("Ny finansieringskilde"),
        gettext_lazy("Endre finansieringen"),
    ),
    Part(
        "resource_line",
        "ressurser",
        "resources-heading",
        gov_access.access_resource_line,
        _model_form(ResourceLineForm),
        services.resource_line_create,
        services.resource_line_update,
        services.resource_line_delete,
        "line",
        gettext_lazy("Ny linje i ressursplanen"),
        gettext_lazy("Endre linjen i ressursplanen"),
    ),
]


def _create_view(part: Part) -> Callable[..., HttpResponse]:
    @collaboration_view
    def view(request: HttpRequest, access: CollaborationAccess, project_id: str) -> HttpResponse:
        mandate = gov_access.access_mandate(access, project_id, for_change=True)
        form = part.form(request.POST or None, access, None)
        return form_page(
            request,
            form,
            lambda data: part.create(mandate=mandate, **data),
            success_url=_detail_url(mandate, part.anchor),
            title=str(part.new_title),
            context=_page_context(mandate, part.anchor),
        )

    view.__name__ = f"{part.kind}_create"
    return view


def _edit_view(part: Part) -> Callable[..., HttpResponse]:
    @collaboration_view
    def view(request: HttpRequest, access: CollaborationAccess, **kwargs: str) -> HttpResponse:
        obj = part.fetch(access, kwargs[f"{part.kind}_id"], for_change=True)
        form = part.form(request.POST or None, access, obj)
        return form_page(
            request,
            form,
            lambda data: part.update(**{part.instance_kwarg: obj}, **data),
            success_url=_detail_url(obj.mandate, part.anchor),
            title=str(part.edit_title),
            instance=obj,
            context=_page_context(obj.mandate, part.anchor, history=history_of(obj)),
        )

    view.__name__ = f"{part.kind}_edit"
    return view


def _delete_view(part: Part) -> Callable[..., HttpResponse]:
    @collaboration_view
    @require_POST
    def view(request: HttpRequest, access: CollaborationAccess, **kwargs: str) -> HttpResponse:
        obj = part.fetch(access, kwargs[f"{part.kind}_id"], for_change=True)
        mandate = obj.mandate
        return delete_then_redirect(
            request,
            lambda: part.delete(**{part.instance_kwarg: obj}),
            _detail_url(mandate, part.anchor),
        )

    view.__name__ = f"{part.kind}_delete"
    return view


def _part_patterns(part: Part) -> list[URLPattern]:
    one = f"{P}mandat/{part.segment}/<uuid:{part.kind}_id>/"
    return [
        path(f"{M}{part.segment}/ny/", _create_view(part), name=f"{part.kind}_create"),
        path(one + "endre/", _edit_view(part), name=f"{part.kind}_edit"),
        path(one + "slett/", _delete_view(part), name=f"{part.kind}_delete"),
    ]


urlpatterns: list[URLPattern] = [
    path(M, mandate_detail, name="mandate_detail"),
    path(M + "endre/", mandate_edit, name="mandate_edit"),
    path(M + "prosjektmandat.docx", mandate_docx, name="mandate_docx"),
    path(M + "finansiering/beregn/", financing_compute, name="financing_compute"),
    *(pattern for part in PARTS for pattern in _part_patterns(part)),
]
