"""The section menu of the governance pages and the tabs of a project.

A link is shown only when its page exists (the URL name reverses), so an area can be added
without touching the others."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()

SECTION = [
    ("governance:project_list", _("Prosjekter")),
    ("governance:programme_list", _("Programmer")),
    ("governance:body_list", _("Styringsorganer og møter")),
    ("governance:decision_register", _("Beslutningsregister")),
    ("governance:action_item_list", _("Oppfølgingspunkter")),
    ("governance:top_risks", _("Risiko i porteføljen")),
    ("governance:lessons_learned", _("Erfaringer")),
    ("governance:phase_model_list", _("Fasemodeller")),
    ("governance:calendar_feed", _("Kalender")),
]

PROJECT_TABS = [
    ("governance:project_detail", _("Oversikt")),
    ("governance:project_phases", _("Faser og milepæler")),
    ("governance:mandate_detail", _("Mandat")),
    ("governance:project_plan", _("Plan")),
    ("governance:project_risks", _("Risiko")),
    ("governance:status_report_list", _("Statusrapporter")),
    ("governance:project_decisions", _("Møter og beslutninger")),
    ("governance:stakeholder_list", _("Interessenter og kommunikasjon")),
    ("governance:project_log", _("Logg")),
]


def _links(request: Any, entries: list[tuple[str, Any]], kwargs: dict[str, Any]) -> list[dict[str, Any]]:
    links = []
    path = getattr(request, "path", "")
    for name, label in entries:
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        links.append({"url": url, "label": label, "current": path == url})
    return links


@register.inclusion_tag("governance/partials/section_nav.html", takes_context=True)
def governance_section_nav(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    slug = context["current_collaboration"].slug
    return {"links": _links(request, SECTION, {"slug": slug})}


@register.inclusion_tag("governance/partials/project_tabs.html", takes_context=True)
def project_tabs(context: template.Context, project: Any) -> dict[str, Any]:
    request = context.get("request")
    kwargs = {"slug": project.collaboration.slug, "project_id": project.uuid}
    return {"links": _links(request, PROJECT_TABS, kwargs), "project": project}
