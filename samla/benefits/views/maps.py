"""Benefit maps: challenges → objectives → changes/enablers → benefits, per programme or
project, drawn on the server as SVG with a text alternative; elements and links added and
removed by managers (see samla/benefits/access.py). Everyone in the collaboration reads."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samla.benefits import mapdraw, selectors_reports, services
from samla.benefits.access import (
    access_map,
    access_map_link,
    access_map_node,
    may_manage_maps,
)
from samla.benefits.forms.maps import BenefitMapForm, MapLinkForm, MapNodeForm
from samla.benefits.models import BenefitMap, MapNode
from samla.core.decorators import collaboration_view
from samla.core.history import history_of
from samla.governance.models import Programme, Project
from samla.governance.views.common import delete_then_redirect, form_page
from samla.organisations.access import CollaborationAccess, _parse_uuid

G = "s/<slug:slug>/gevinster/"
MAP = G + "kart/<uuid:benefit_map_id>/"
NODE = G + "kart/elementer/<uuid:map_node_id>/"
LINK = G + "kart/koblinger/<uuid:map_link_id>/"
FORM = "benefits/maps/map_form.html"


def _url(name: str, benefit_map: BenefitMap) -> str:
    return reverse(
        f"benefits:{name}",
        kwargs={"slug": benefit_map.collaboration.slug, "benefit_map_id": benefit_map.uuid},
    )


def _list_url(access: CollaborationAccess) -> str:
    return reverse("benefits:map_list", kwargs={"slug": access.collaboration.slug})


def _pick(model: Any, access: CollaborationAccess, value: str | None) -> Any:
    """A programme or project of the collaboration from a filter's UUID; None if not one."""
    if not value:
        return None
    try:
        key = _parse_uuid(value)
    except Exception:  # noqa: BLE001 - a mistyped filter shows everything
        return None
    return model.objects.filter(collaboration=access.collaboration, uuid=key).first()


@collaboration_view
def map_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    programme = _pick(Programme, access, request.GET.get("program"))
    project = _pick(Project, access, request.GET.get("prosjekt"))
    maps = list(
        selectors_reports.map_list(access.collaboration, programme=programme, project=project)
    )
    return render(
        request,
        "benefits/maps/map_list.html",
        {
            "maps": maps,
            "programmes": Programme.objects.filter(collaboration=access.collaboration).order_by(
                "name"
            ),
            "projects": Project.objects.filter(collaboration=access.collaboration).order_by("name"),
            "programme": programme,
            "project": project,
            "may_manage": may_manage_maps(access),
        },
    )


@collaboration_view
def map_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    initial: dict[str, Any] = {}
    for key, name in (("prosjekt", "project"), ("program", "programme")):
        if request.GET.get(key):
            initial[name] = request.GET[key]
    form = BenefitMapForm(
        request.POST or None, collaboration=access.collaboration, initial=initial or None
    )
    return form_page(
        request,
        form,
        lambda data: services.map_create(collaboration=access.collaboration, **data),
        success_url=lambda benefit_map: _url("map_detail", benefit_map),
        title=_("Nytt gevinstkart"),
        template=FORM,
        success_message=_("Gevinstkartet er opprettet. Legg til elementer og koblinger."),
        context={"cancel_url": _list_url(access)},
    )


def _benefit_url(access: CollaborationAccess) -> Any:
    def url(node: MapNode) -> str | None:
        if node.benefit is None:
            return None
        try:
            return reverse(
                "benefits:benefit_detail",
                kwargs={"slug": access.collaboration.slug, "benefit_id": node.benefit.uuid},
            )
        except Exception:  # noqa: BLE001 - the register's pages may not exist yet
            return None

    return url


@collaboration_view
def map_detail(
    request: HttpRequest, access: CollaborationAccess, benefit_map_id: str
) -> HttpResponse:
    benefit_map = access_map(access, benefit_map_id)
    view = selectors_reports.map_view(benefit_map)
    statuses = selectors_reports.map_benefit_statuses(view)
    benefit_url = _benefit_url(access)
    for node in view.nodes:
        node.benefit_url = benefit_url(node)  # type: ignore[attr-defined]
        node.status_label = statuses.get(node.benefit_id) if node.benefit_id else None  # type: ignore[attr-defined]
    svg = mapdraw.draw(
        view.nodes,
        view.links,
        title=_("Gevinstkart: %(name)s") % {"name": benefit_map.name},
        benefit_url=benefit_url,
        benefit_status=statuses,
    )
    return render(
        request,
        "benefits/maps/map_detail.html",
        {
            "benefit_map": benefit_map,
            "view": view,
            "svg": svg,
            "links": selectors_reports.map_links(benefit_map),
            "may_manage": may_manage_maps(access),
            "history": history_of(benefit_map),
        },
    )


@collaboration_view
def map_edit(
    request: HttpRequest, access: CollaborationAccess, benefit_map_id: str
) -> HttpResponse:
    benefit_map = access_map(access, benefit_map_id, for_change=True)
    form = BenefitMapForm(
        request.POST or None, collaboration=access.collaboration, instance=benefit_map
    )
    return form_page(
        request,
        form,
        lambda data: services.map_update(benefit_map=benefit_map, **data),
        success_url=_url("map_detail", benefit_map),
        title=_("Endre gevinstkartet %(name)s") % {"name": benefit_map.name},
        template=FORM,
        context={
            "benefit_map": benefit_map,
            "cancel_url": _url("map_detail", benefit_map),
            "history": history_of(benefit_map),
        },
        instance=benefit_map,
    )


@collaboration_view
@require_POST
def map_delete(
    request: HttpRequest, access: CollaborationAccess, benefit_map_id: str
) -> HttpResponse:
    benefit_map = access_map(access, benefit_map_id, for_change=True)
    return delete_then_redirect(
        request, lambda: services.map_delete(benefit_map=benefit_map), _list_url(access)
    )


@collaboration_view
def map_node_create(
    request: HttpRequest, access: CollaborationAccess, benefit_map_id: str
) -> HttpResponse:
    benefit_map = access_map(access, benefit_map_id, for_change=True)
    kind = request.GET.get("type")
    form = MapNodeForm(
        request.POST or None,
        collaboration=access.collaboration,
        initial={"kind": kind} if kind else None,
    )
    return form_page(
        request,
        form,
        lambda data: services.map_node_create(benefit_map=benefit_map, **data),
        success_url=_url("map_detail", benefit_map) + "#elementer",
        title=_("Nytt element i %(name)s") % {"name": benefit_map.name},
        template=FORM,
        success_message=_("Elementet er lagt til."),
        context={
            "benefit_map": benefit_map,
            "cancel_url": _url("map_detail", benefit_map),
        },
    )


@collaboration_view
def map_node_edit(
    request: HttpRequest, access: CollaborationAccess, map_node_id: str
) -> HttpResponse:
    node = access_map_node(access, map_node_id, for_change=True)
    benefit_map = node.map
    form = MapNodeForm(request.POST or None, collaboration=access.collaboration, instance=node)
    return form_page(
        request,
        form,
        lambda data: services.map_node_update(node=node, **data),
        success_url=_url("map_detail", benefit_map) + "#elementer",
        title=_("Endre elementet %(title)s") % {"title": node.title},
        template=FORM,
        context={
            "benefit_map": benefit_map,
            "cancel_url": _url("map_detail", benefit_map),
            "history": history_of(node),
        },
        instance=node,
    )


@collaboration_view
@require_POST
def map_node_delete(
    request: HttpRequest, access: CollaborationAccess, map_node_id: str
) -> HttpResponse:
    node = access_map_node(access, map_node_id, for_change=True)
    return delete_then_redirect(
        request,
        lambda: services.map_node_delete(node=node),
        _url("map_detail", node.map) + "#elementer",
    )


@collaboration_view
def map_link_create(
    request: HttpRequest, access: CollaborationAccess, benefit_map_id: str
) -> HttpResponse:
    benefit_map = access_map(access, benefit_map_id, for_change=True)
    initial = {"source": request.GET["fra"]} if request.GET.get("fra") else None
    form = MapLinkForm(request.POST or None, benefit_map=benefit_map, initial=initial)
    return form_page(
        request,
        form,
        lambda data: services.map_link_create(benefit_map=benefit_map, **data),
        success_url=_url("map_detail", benefit_map) + "#koblinger",
        title=_("Ny kobling i %(name)s") % {"name": benefit_map.name},
        template=FORM,
        success_message=_("Koblingen er lagt til."),
        context={
            "benefit_map": benefit_map,
            "cancel_url": _url("map_detail", benefit_map),
            "lead": _(
                "Velg hvilket element som fører til hvilket, for eksempel en endring som gir en gevinst."
            ),
        },
    )


@collaboration_view
@require_POST
def map_link_delete(
    request: HttpRequest, access: CollaborationAccess, map_link_id: str
) -> HttpResponse:
    link = access_map_link(access, map_link_id, for_change=True)
    return delete_then_redirect(
        request,
        lambda: services.map_link_delete(link=link),
        _url("map_detail", link.map) + "#koblinger",
    )


urlpatterns: list[URLPattern] = [
    path(G + "kart/", map_list, name="map_list"),
    path(G + "kart/nytt/", map_create, name="map_create"),
    path(MAP, map_detail, name="map_detail"),
    path(MAP + "endre/", map_edit, name="map_edit"),
    path(MAP + "slett/", map_delete, name="map_delete"),
    path(MAP + "elementer/nytt/", map_node_create, name="map_node_create"),
    path(MAP + "koblinger/ny/", map_link_create, name="map_link_create"),
    path(NODE + "endre/", map_node_edit, name="map_node_edit"),
    path(NODE + "slett/", map_node_delete, name="map_node_delete"),
    path(LINK + "slett/", map_link_delete, name="map_link_delete"),
]
