"""Scenarios: saved runs of the optimiser with their settings, the frozen result (chosen
proposals, roadmap, budget use per year and per member, bubble chart, what was left out and
why), the efficient frontier, a side-by-side comparison, the portfolio board's decision,
and the decision memo (DOCX) and workbook (XLSX). Everyone reads; managers change, run and
record the decision. A decided scenario is frozen."""

from __future__ import annotations

import dataclasses
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
from samla.governance.views.common import DOCX, XLSX, delete_then_redirect, download, form_page
from samla.organisations.access import CollaborationAccess
from samla.portfolio import exports_scenarios, services
from samla.portfolio import selectors_scenarios as selectors
from samla.portfolio.access import access_scenario, may_manage_portfolio
from samla.portfolio.documents.decision_memo import scenario_memo_docx
from samla.portfolio.forms.scenarios import DecisionChoiceForm, ScenarioForm
from samla.portfolio.models import Scenario

P = "s/<slug:slug>/portefolje/scenarioer/"
S = P + "<uuid:scenario_id>/"
FORM_TEMPLATE = "portfolio/scenarios/scenario_form.html"
MAX_COMPARED = 4


def _url(name: str, scenario: Scenario) -> str:
    return reverse(
        f"portfolio:{name}",
        kwargs={"slug": scenario.collaboration.slug, "scenario_id": scenario.uuid},
    )


def _list_url(access: CollaborationAccess) -> str:
    return reverse("portfolio:scenario_list", kwargs={"slug": access.collaboration.slug})


def _history(scenario: Scenario) -> list[Any]:
    """The scenario's history without the frozen result itself (it is shown above); the
    forced-in and held-out proposals come named by ``history_of``."""
    hidden = {str(Scenario._meta.get_field("result").verbose_name)}
    return [
        dataclasses.replace(entry, changes=[c for c in entry.changes if c.field not in hidden])
        for entry in history_of(scenario)
    ]


@collaboration_view
def scenario_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    scenarios = list(
        Scenario.objects.filter(collaboration=access.collaboration)
        .select_related("decision__body")
        .order_by("-created_at")
    )
    for scenario in scenarios:
        scenario.total_cost = sum(scenario.result["spent"]) if scenario.result else None  # type: ignore[attr-defined]
    return render(
        request,
        "portfolio/scenarios/scenario_list.html",
        {
            "scenarios": scenarios,
            "may_manage": may_manage_portfolio(access),
            "section": "scenarios",
        },
    )


@collaboration_view
def scenario_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    form = ScenarioForm(request.POST or None, collaboration=access.collaboration)
    return form_page(
        request,
        form,
        lambda data: services.scenario_create(
            collaboration=access.collaboration, user=access.user, **form.service_fields()
        ),
        success_url=lambda scenario: _url("scenario_detail", scenario),
        title=_("Nytt scenario"),
        template=FORM_TEMPLATE,
        success_message=_("Scenarioet er lagret. Beregn det for å se utvelgelsen."),
        context={"cancel_url": _list_url(access), "section": "scenarios"},
    )


@collaboration_view
def scenario_edit(
    request: HttpRequest, access: CollaborationAccess, scenario_id: str
) -> HttpResponse:
    scenario = access_scenario(access, scenario_id, for_change=True)
    form = ScenarioForm(request.POST or None, collaboration=access.collaboration, instance=scenario)
    return form_page(
        request,
        form,
        # Saved unchanged, the scenario keeps its result (an update clears it).
        lambda data: (
            services.scenario_update(scenario=scenario, **form.service_fields())
            if form.has_changed()
            else scenario
        ),
        success_url=_url("scenario_detail", scenario),
        title=_("Endre scenarioet %(name)s") % {"name": scenario.name},
        template=FORM_TEMPLATE,
        instance=scenario,
        success_message=_("Lagret. Beregn scenarioet på nytt for å se utvelgelsen."),
        context={
            "cancel_url": _url("scenario_detail", scenario),
            "scenario": scenario,
            "history": _history(scenario),
            "section": "scenarios",
        },
    )


@collaboration_view
@require_POST
def scenario_delete(
    request: HttpRequest, access: CollaborationAccess, scenario_id: str
) -> HttpResponse:
    scenario = access_scenario(access, scenario_id, for_change=True)
    if scenario.decision_id is not None:
        messages.error(request, _("Scenarioet er vedtatt og kan ikke slettes."))
        return redirect(_url("scenario_detail", scenario))
    return delete_then_redirect(
        request, lambda: services.scenario_delete(scenario=scenario), _list_url(access)
    )


@collaboration_view
@require_POST
def scenario_run(
    request: HttpRequest, access: CollaborationAccess, scenario_id: str
) -> HttpResponse:
    scenario = access_scenario(access, scenario_id, for_change=True)
    try:
        services.scenario_run(scenario=scenario)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Scenarioet er beregnet."))
    return redirect(_url("scenario_detail", scenario))


@collaboration_view
def scenario_detail(
    request: HttpRequest, access: CollaborationAccess, scenario_id: str
) -> HttpResponse:
    scenario = access_scenario(access, scenario_id)
    return render(
        request,
        "portfolio/scenarios/scenario_detail.html",
        {
            "scenario": scenario,
            "result": selectors.scenario_result(scenario),
            "forced_in": list(scenario.forced_in.all()),
            "forced_out": list(scenario.forced_out.all()),
            "may_manage": may_manage_portfolio(access),
            "history": _history(scenario),
            "section": "scenarios",
        },
    )


@collaboration_view
def scenario_frontier(
    request: HttpRequest, access: CollaborationAccess, scenario_id: str
) -> HttpResponse:
    scenario = access_scenario(access, scenario_id)
    error = ""
    points: list[selectors.FrontierPoint] = []
    try:
        points = selectors.frontier(scenario)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    chart = {
        "kind": "frontier",
        "x": _("Budsjett i planperioden (kr)"),
        "y": _("Beste samlede verdi"),
        "points": [[round(p.budget), round(p.value, 2)] for p in points if p.value is not None],
        "current": round(sum(scenario.result["budgets"])) if scenario.result else None,
    }
    return render(
        request,
        "portfolio/scenarios/scenario_frontier.html",
        {
            "scenario": scenario,
            "points": points,
            "chart": chart,
            "error": error,
            "section": "scenarios",
        },
    )


@collaboration_view
def scenario_compare(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    wanted = list(dict.fromkeys(request.GET.getlist("s")))
    all_scenarios = list(
        Scenario.objects.filter(collaboration=access.collaboration).order_by("-created_at")
    )
    error = ""
    comparison = None
    if wanted:
        if not 2 <= len(wanted) <= MAX_COMPARED:
            error = _("Velg fra to til fire scenarioer.")
        else:
            chosen = [access_scenario(access, key) for key in wanted]
            comparison = selectors.compare(chosen)
    return render(
        request,
        "portfolio/scenarios/scenario_compare.html",
        {
            "all_scenarios": all_scenarios,
            "wanted": wanted,
            "comparison": comparison,
            "error": error,
            "section": "compare",
        },
    )


@collaboration_view
def scenario_decision(
    request: HttpRequest, access: CollaborationAccess, scenario_id: str
) -> HttpResponse:
    scenario = access_scenario(access, scenario_id, for_change=True)
    form = DecisionChoiceForm(request.POST or None, collaboration=access.collaboration)
    return form_page(
        request,
        form,
        lambda data: services.scenario_record_decision(
            scenario=scenario, decision=data["decision"]
        ),
        success_url=_url("scenario_detail", scenario),
        title=_("Registrer vedtak for %(name)s") % {"name": scenario.name},
        template=FORM_TEMPLATE,
        success_message=_("Vedtaket er registrert. De valgte forslagene er godkjent."),
        context={
            "cancel_url": _url("scenario_detail", scenario),
            "scenario": scenario,
            "decision_form": True,
            "section": "scenarios",
            "submit_label": _("Registrer vedtak"),
        },
    )


@collaboration_view
def scenario_docx(
    request: HttpRequest, access: CollaborationAccess, scenario_id: str
) -> HttpResponse:
    scenario = access_scenario(access, scenario_id)
    name = slugify(scenario.name) or "scenario"
    return download(scenario_memo_docx(scenario), f"notat-for-beslutning-{name}.docx", DOCX)


@collaboration_view
def scenario_xlsx(
    request: HttpRequest, access: CollaborationAccess, scenario_id: str
) -> HttpResponse:
    scenario = access_scenario(access, scenario_id)
    name = slugify(scenario.name) or "scenario"
    return download(exports_scenarios.scenario_xlsx(scenario), f"scenario-{name}.xlsx", XLSX)


urlpatterns: list[URLPattern] = [
    path(P, scenario_list, name="scenario_list"),
    path(P + "nytt/", scenario_create, name="scenario_create"),
    path(P + "sammenlign/", scenario_compare, name="scenario_compare"),
    path(S, scenario_detail, name="scenario_detail"),
    path(S + "endre/", scenario_edit, name="scenario_edit"),
    path(S + "slett/", scenario_delete, name="scenario_delete"),
    path(S + "beregn/", scenario_run, name="scenario_run"),
    path(S + "effektiv-front/", scenario_frontier, name="scenario_frontier"),
    path(S + "vedtak/", scenario_decision, name="scenario_decision"),
    path(S + "notat.docx", scenario_docx, name="scenario_docx"),
    path(S + "scenario.xlsx", scenario_xlsx, name="scenario_xlsx"),
]
