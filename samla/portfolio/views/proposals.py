"""Portfolio pages: the ranked list of proposals (with XLSX), a proposal with its transparent
score breakdown, costs per year, dependencies, groups and status flow, and its start as a
project; groups of mutual exclusion and inclusion (see samla/portfolio/urls.py).

Who may do what is decided by ``samla.portfolio.access``: everyone in the collaboration
reads; managers change everything; an editor submits proposals for their own organisation
and changes them (costs and dependencies included) while they are «innmeldt»."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samla.core.dates import today
from samla.core.decorators import collaboration_view
from samla.core.history import history_of
from samla.governance.views.common import XLSX, delete_then_redirect, download, form_page
from samla.organisations.access import CollaborationAccess
from samla.portfolio import exports, selectors, services
from samla.portfolio.access import (
    access_group,
    access_proposal,
    may_change_proposal,
    may_manage_portfolio,
)
from samla.portfolio.forms.proposals import (
    GroupForm,
    ProposalCostForm,
    ProposalForm,
    RequiresForm,
    ScoresForm,
    StartProjectForm,
    sponsor_choices,
)
from samla.portfolio.models import (
    TRANSITIONS,
    Proposal,
    ProposalCost,
    ProposalGroup,
    ProposalStatus,
)

P = "s/<slug:slug>/portefolje/"
PROPOSAL = P + "forslag/<uuid:proposal_id>/"
GROUP = P + "grupper/<uuid:proposal_group_id>/"
FORM = "portfolio/object_form.html"
PAGE_SIZE = 100


def _url(name: str, access: CollaborationAccess, **kwargs: Any) -> str:
    return reverse(f"portfolio:{name}", kwargs={"slug": access.collaboration.slug, **kwargs})


def _proposal_url(name: str, proposal: Proposal) -> str:
    return reverse(
        f"portfolio:{name}",
        kwargs={"slug": proposal.collaboration.slug, "proposal_id": proposal.uuid},
    )


# --- The ranked list ------------------------------------------------------------------------


def _filter(request: HttpRequest, access: CollaborationAccess) -> selectors.Filter:
    status = request.GET.get("status", "")
    sort = request.GET.get("sorter", "value")
    sponsor = None
    try:
        sponsor_id = uuid.UUID(request.GET.get("innmelder", ""))
    except ValueError:
        pass
    else:
        sponsor = selectors.sponsors(access.collaboration).filter(uuid=sponsor_id).first()
    return selectors.Filter(
        status=status if status in ProposalStatus.values else "",
        sponsor=sponsor,
        sort=sort if sort in selectors.SORTS else "value",
    )


SORT_LABELS = {
    "value": gettext_lazy("Verdi (rang)"),
    "value_per_million": gettext_lazy("Verdi per million kroner"),
    "cost": gettext_lazy("Kostnad"),
    "risk": gettext_lazy("Risiko (lavest først)"),
    "start": gettext_lazy("Tidligste oppstart"),
    "title": gettext_lazy("Tittel"),
}


@collaboration_view
def overview(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    """The proposals ranked by weighted value, with cost and value per million kroner."""
    chosen = _filter(request, access)
    if request.GET.get("format") == "xlsx":
        return _xlsx(access, chosen)
    rows = selectors.ranked(access.collaboration, chosen)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("side"))
    items = selectors.criteria(access.collaboration)
    query = request.GET.copy()
    query.pop("side", None)
    query.pop("format", None)
    bubble = {
        "kind": "bubble",
        "chosen": _("Forslag"),
        "x": _("Kostnad i alt (kr)"),
        "y": _("Verdi (0–100)"),
        "points": [
            {
                "name": str(row.proposal),
                "cost": float(row.cost),
                "value": round(row.value, 1),
                "risk": row.proposal.risk,
                "chosen": True,
            }
            for row in page.object_list
        ],
    }
    return render(
        request,
        "portfolio/proposals/overview.html",
        {
            "rows": page.object_list,
            "bubble": bubble,
            "page": page,
            "total": len(rows),
            "chosen": chosen,
            "query": query.urlencode(),
            "statuses": ProposalStatus.choices,
            "status_counts": selectors.status_counts(access.collaboration),
            "sponsors": selectors.sponsors(access.collaboration),
            "sorts": [(key, str(label)) for key, label in SORT_LABELS.items()],
            "criteria_count": len(items),
            "weight_total": selectors.weight_total(items),
            "may_manage": may_manage_portfolio(access),
            "may_submit": may_manage_portfolio(access)
            or access.editable_organisation_id is not None,
        },
    )


def _xlsx(access: CollaborationAccess, chosen: selectors.Filter) -> HttpResponse:
    rows = selectors.ranked(access.collaboration, chosen)
    return download(
        exports.proposal_register_xlsx(rows), f"forslag-{access.collaboration.slug}.xlsx", XLSX
    )


@collaboration_view
def proposal_xlsx(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    """The ranked list as shown (same filters and order), as a spreadsheet."""
    return _xlsx(access, _filter(request, access))


# --- One proposal ---------------------------------------------------------------------------


def _require_submitter(access: CollaborationAccess) -> None:
    if not (may_manage_portfolio(access) or access.editable_organisation_id is not None):
        raise PermissionDenied(_("Bare programkontoret og redaktører kan melde inn forslag."))


@collaboration_view
def proposal_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    _require_submitter(access)
    initial: dict[str, Any] = {}
    sponsors = list(sponsor_choices(access))
    if len(sponsors) == 1:
        initial["sponsor"] = sponsors[0]
    category = _category_from_query(request, access)
    if category is not None:
        initial["category"] = category
        initial["title"] = _("Felles løsning for %(category)s") % {"category": category.name}
    form = ProposalForm(request.POST or None, access=access, initial=initial)
    return form_page(
        request,
        form,
        lambda data: services.proposal_create(collaboration=access.collaboration, **data),
        success_url=lambda proposal: _proposal_url("proposal_detail", proposal),
        title=_("Meld inn forslag"),
        template=FORM,
        success_message=_("Forslaget er meldt inn."),
        context={
            "cancel_url": _url("overview", access),
            "lead": _(
                "Beskriv forslaget og hva det skal gi. Kostnader per år, avhengigheter og score "
                "legges inn på forslagets side etterpå."
            ),
        },
    )


def _category_from_query(request: HttpRequest, access: CollaborationAccess) -> Any:
    from samla.landscape.models import SystemCategory

    try:
        category_id = uuid.UUID(request.GET.get("category", ""))
    except ValueError:
        return None
    return SystemCategory.objects.filter(
        collaboration=access.collaboration, uuid=category_id
    ).first()


@collaboration_view
def proposal_detail(
    request: HttpRequest, access: CollaborationAccess, proposal_id: str
) -> HttpResponse:
    proposal = access_proposal(access, proposal_id)
    costs = selectors.proposal_costs(proposal)
    manager = may_manage_portfolio(access)
    next_statuses = [
        (value, ProposalStatus(value).label)
        for value in TRANSITIONS.get(proposal.status, ())
        if value != ProposalStatus.STARTED
    ]
    return render(
        request,
        "portfolio/proposals/proposal_detail.html",
        {
            "proposal": proposal,
            "breakdown": selectors.breakdown(proposal),
            "costs": costs,
            "cost_total": selectors.total_cost(costs),
            "requires": list(proposal.requires.select_related("sponsor").order_by("title")),
            "required_by": list(proposal.required_by.select_related("sponsor").order_by("title")),
            "groups": selectors.proposal_groups(proposal),
            "may_change": may_change_proposal(access, proposal)
            and proposal.status != ProposalStatus.STARTED,
            "may_manage": manager,
            "next_statuses": next_statuses if manager else [],
            "may_start": manager and proposal.status == ProposalStatus.APPROVED,
            "case_alternatives": selectors.case_alternatives(proposal),
            "history": history_of(proposal),
        },
    )


@collaboration_view
def proposal_edit(
    request: HttpRequest, access: CollaborationAccess, proposal_id: str
) -> HttpResponse:
    proposal = access_proposal(access, proposal_id, for_change=True)
    form = ProposalForm(request.POST or None, access=access, instance=proposal)
    return form_page(
        request,
        form,
        lambda data: services.proposal_update(proposal=proposal, **data),
        success_url=_proposal_url("proposal_detail", proposal),
        title=_("Endre %(proposal)s") % {"proposal": proposal},
        template=FORM,
        context={"cancel_url": _proposal_url("proposal_detail", proposal), "proposal": proposal},
        instance=proposal,
    )


@collaboration_view
@require_POST
def proposal_delete(
    request: HttpRequest, access: CollaborationAccess, proposal_id: str
) -> HttpResponse:
    proposal = access_proposal(access, proposal_id, for_change=True)
    try:
        services.proposal_delete(proposal=proposal)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_proposal_url("proposal_detail", proposal))
    messages.success(request, _("Forslaget er slettet."))
    return redirect(_url("overview", access))


@collaboration_view
@require_POST
def proposal_status(
    request: HttpRequest, access: CollaborationAccess, proposal_id: str
) -> HttpResponse:
    """One step along the flow (managers)."""
    proposal = access_proposal(access, proposal_id)
    access.require_manager()
    status = request.POST.get("status", "")
    if status not in ProposalStatus.values:
        messages.error(request, _("Velg en status."))
    else:
        try:
            services.proposal_set_status(proposal=proposal, status=status)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Forslaget har nå status «%(status)s».")
                % {"status": ProposalStatus(status).label},
            )
    return redirect(_proposal_url("proposal_detail", proposal))


@collaboration_view
def proposal_requires(
    request: HttpRequest, access: CollaborationAccess, proposal_id: str
) -> HttpResponse:
    proposal = access_proposal(access, proposal_id, for_change=True)
    form = RequiresForm(request.POST or None, proposal=proposal)
    return form_page(
        request,
        form,
        lambda data: services.proposal_set_requires(proposal=proposal, requires=data["requires"]),
        success_url=_proposal_url("proposal_detail", proposal),
        title=_("Hva %(proposal)s forutsetter") % {"proposal": proposal},
        template=FORM,
        context={
            "cancel_url": _proposal_url("proposal_detail", proposal),
            "proposal": proposal,
            "lead": _(
                "Et forslag kan bare velges i et scenario sammen med det det forutsetter. Avhengigheter i ring avvises."
            ),
        },
    )


def _cost_of(proposal: Proposal, year: int) -> ProposalCost:
    return get_object_or_404(ProposalCost, proposal=proposal, year=year)


@collaboration_view
def proposal_cost_create(
    request: HttpRequest, access: CollaborationAccess, proposal_id: str
) -> HttpResponse:
    proposal = access_proposal(access, proposal_id, for_change=True)
    form = ProposalCostForm(request.POST or None, proposal=proposal)
    return form_page(
        request,
        form,
        lambda data: services.proposal_cost_set(proposal=proposal, **data),
        success_url=_proposal_url("proposal_detail", proposal),
        title=_("Ny kostnad for %(proposal)s") % {"proposal": proposal},
        template=FORM,
        context={"cancel_url": _proposal_url("proposal_detail", proposal), "proposal": proposal},
    )


@collaboration_view
def proposal_cost_edit(
    request: HttpRequest, access: CollaborationAccess, proposal_id: str, year: int
) -> HttpResponse:
    proposal = access_proposal(access, proposal_id, for_change=True)
    cost = _cost_of(proposal, year)
    form = ProposalCostForm(request.POST or None, proposal=proposal, instance=cost)
    return form_page(
        request,
        form,
        lambda data: services.proposal_cost_set(proposal=proposal, year=year, **data),
        success_url=_proposal_url("proposal_detail", proposal),
        title=_("Kostnad %(year)s for %(proposal)s") % {"year": year, "proposal": proposal},
        template=FORM,
        context={"cancel_url": _proposal_url("proposal_detail", proposal), "proposal": proposal},
        instance=cost,
    )


@collaboration_view
@require_POST
def proposal_cost_delete(
    request: HttpRequest, access: CollaborationAccess, proposal_id: str, year: int
) -> HttpResponse:
    proposal = access_proposal(access, proposal_id, for_change=True)
    cost = _cost_of(proposal, year)
    return delete_then_redirect(
        request,
        lambda: services.proposal_cost_delete(cost=cost),
        _proposal_url("proposal_detail", proposal),
    )


@collaboration_view
@require_POST
def proposal_costs_from_case(
    request: HttpRequest, access: CollaborationAccess, proposal_id: str
) -> HttpResponse:
    """Replace the cost per year and the NPV with the linked business case's figures."""
    proposal = access_proposal(access, proposal_id, for_change=True)
    try:
        taken = services.proposal_costs_from_case(
            proposal=proposal, alternative=request.POST.get("alternative", "").strip()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = _(
            "Kostnadene per år og netto nåverdi er hentet fra alternativet «%(name)s» i "
            "business casen."
        ) % {"name": taken.alternative}
        if taken.draft:
            text += " " + _("Versjonen er et utkast, så tallene kan endre seg.")
        messages.success(request, text)
    return redirect(_proposal_url("proposal_detail", proposal))


@collaboration_view
def proposal_scores(
    request: HttpRequest, access: CollaborationAccess, proposal_id: str
) -> HttpResponse:
    """Every criterion's score and rationale in one form (managers)."""
    proposal = access_proposal(access, proposal_id)
    access.require_manager()
    items = selectors.criteria(access.collaboration)
    form = ScoresForm(request.POST or None, criteria=items, scores=selectors.scores_of(proposal))
    return form_page(
        request,
        form,
        lambda data: services.scores_set(proposal=proposal, rows=form.rows()),
        success_url=_proposal_url("proposal_detail", proposal),
        title=_("Score for %(proposal)s") % {"proposal": proposal},
        template="portfolio/proposals/scores_form.html",
        success_message=_("Scorene er lagret."),
        context={
            "cancel_url": _proposal_url("proposal_detail", proposal),
            "proposal": proposal,
            "criteria": items,
        },
    )


@collaboration_view
def proposal_start_project(
    request: HttpRequest, access: CollaborationAccess, proposal_id: str
) -> HttpResponse:
    """An approved proposal becomes a project (managers)."""
    proposal = access_proposal(access, proposal_id)
    access.require_manager()
    if proposal.status != ProposalStatus.APPROVED:
        messages.error(request, _("Bare godkjente forslag kan startes som prosjekt."))
        return redirect(_proposal_url("proposal_detail", proposal))
    form = StartProjectForm(request.POST or None, access=access, initial={"start": today()})
    return form_page(
        request,
        form,
        lambda data: services.proposal_start_project(proposal=proposal, **data),
        success_url=_proposal_url("proposal_detail", proposal),
        title=_("Start %(proposal)s som prosjekt") % {"proposal": proposal},
        template=FORM,
        success_message=_("Prosjektet er opprettet."),
        context={
            "cancel_url": _proposal_url("proposal_detail", proposal),
            "proposal": proposal,
            "submit_label": _("Start prosjektet"),
            "lead": _(
                "Prosjektet får forslagets tittel og beskrivelse, og gjelder organisasjonen som meldte "
                "det inn. Med en fasemodell får det faser, beslutningspunkter og milepæler."
            ),
        },
    )


# --- Groups ---------------------------------------------------------------------------------


@collaboration_view
def group_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    groups = selectors.groups(access.collaboration)
    if request.GET.get("format") == "xlsx":
        return download(
            exports.groups_xlsx(groups), f"grupper-{access.collaboration.slug}.xlsx", XLSX
        )
    return render(
        request,
        "portfolio/groups/group_list.html",
        {
            "groups": groups,
            "may_manage": may_manage_portfolio(access),
        },
    )


@collaboration_view
def proposal_group_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    form = GroupForm(request.POST or None, access=access)
    return form_page(
        request,
        form,
        lambda data: services.group_create(collaboration=access.collaboration, **data),
        success_url=_url("group_list", access),
        title=_("Ny gruppe av forslag"),
        template=FORM,
        context={
            "cancel_url": _url("group_list", access),
            "lead": _(
                "Gjensidig utelukkende: høyst ett av forslagene kan velges (for eksempel to "
                "alternative løsninger). Hører sammen: alle eller ingen velges."
            ),
        },
    )


@collaboration_view
def proposal_group_edit(
    request: HttpRequest, access: CollaborationAccess, proposal_group_id: str
) -> HttpResponse:
    group: ProposalGroup = access_group(access, proposal_group_id, for_change=True)
    form = GroupForm(request.POST or None, access=access, instance=group)
    return form_page(
        request,
        form,
        lambda data: services.group_update(group=group, **data),
        success_url=_url("group_list", access),
        title=_("Endre gruppen %(name)s") % {"name": group.name},
        template=FORM,
        context={"cancel_url": _url("group_list", access), "history": history_of(group)},
        instance=group,
    )


@collaboration_view
@require_POST
def proposal_group_delete(
    request: HttpRequest, access: CollaborationAccess, proposal_group_id: str
) -> HttpResponse:
    group = access_group(access, proposal_group_id, for_change=True)
    return delete_then_redirect(
        request, lambda: services.group_delete(group=group), _url("group_list", access)
    )


urlpatterns: list[URLPattern] = [
    path(P, overview, name="overview"),
    path(P + "forslag.xlsx", proposal_xlsx, name="proposal_xlsx"),
    path(P + "forslag/ny/", proposal_create, name="proposal_create"),
    path(PROPOSAL, proposal_detail, name="proposal_detail"),
    path(PROPOSAL + "endre/", proposal_edit, name="proposal_edit"),
    path(PROPOSAL + "slett/", proposal_delete, name="proposal_delete"),
    path(PROPOSAL + "status/", proposal_status, name="proposal_status"),
    path(PROPOSAL + "forutsetter/", proposal_requires, name="proposal_requires"),
    path(PROPOSAL + "kostnader/ny/", proposal_cost_create, name="proposal_cost_create"),
    path(PROPOSAL + "kostnader/<int:year>/", proposal_cost_edit, name="proposal_cost_edit"),
    path(
        PROPOSAL + "kostnader/<int:year>/slett/", proposal_cost_delete, name="proposal_cost_delete"
    ),
    path(
        PROPOSAL + "kostnader/fra-business-case/",
        proposal_costs_from_case,
        name="proposal_costs_from_case",
    ),
    path(PROPOSAL + "score/", proposal_scores, name="proposal_scores"),
    path(PROPOSAL + "start/", proposal_start_project, name="proposal_start_project"),
    path(P + "grupper/", group_list, name="group_list"),
    path(P + "grupper/ny/", proposal_group_create, name="proposal_group_create"),
    path(GROUP + "endre/", proposal_group_edit, name="proposal_group_edit"),
    path(GROUP + "slett/", proposal_group_delete, name="proposal_group_delete"),
]
