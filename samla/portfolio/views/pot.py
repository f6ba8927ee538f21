"""The investment pot: each year's money (one contribution per member, entered or split by a
cost-sharing key) and capacity in hours, and how much of it the decided (or else the latest)
scenario uses. Everyone in the collaboration reads; managers change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samla.core.decorators import collaboration_view
from samla.core.history import history_of
from samla.governance.views.common import XLSX, delete_then_redirect, download, form_page
from samla.organisations.access import CollaborationAccess
from samla.portfolio import exports, services
from samla.portfolio import selectors_scenarios as selectors
from samla.portfolio.access import access_pot_year, may_manage_portfolio
from samla.portfolio.forms.pot import ContributionsComputeForm, PotYearForm
from samla.portfolio.models import Contribution, PotYear

P = "s/<slug:slug>/portefolje/pott/"
FORM_TEMPLATE = "portfolio/pot/pot_form.html"


def _pot_url(access: CollaborationAccess) -> str:
    return reverse("portfolio:pot", kwargs={"slug": access.collaboration.slug})


@collaboration_view
def pot(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    overview = selectors.pot_overview(access.collaboration)
    if request.GET.get("format") == "xlsx":
        return download(
            exports.pot_xlsx(overview), f"potten-{access.collaboration.slug}.xlsx", XLSX
        )
    return render(
        request,
        "portfolio/pot/pot.html",
        {
            "overview": overview,
            "may_manage": may_manage_portfolio(access),
            "section": "pot",
        },
    )


def _save_pot_year(
    form: PotYearForm, data: dict[str, Any], access: CollaborationAccess, pot_year: PotYear | None
) -> PotYear:
    fields = {"year": data["year"], "capacity_hours": data["capacity_hours"]}
    if pot_year is None:
        pot_year = services.pot_year_create(collaboration=access.collaboration, **fields)
        existing: set[int] = set()
    else:
        pot_year = services.pot_year_update(pot_year=pot_year, **fields)
        existing = set(pot_year.contributions.values_list("organisation_id", flat=True))
    for organisation, amount in form.amounts().items():
        if amount is None and organisation.pk not in existing:
            continue  # nothing entered, nothing stored
        services.contribution_set(
            pot_year=pot_year, organisation=organisation, amount=amount or Decimal(0)
        )
    return pot_year


@collaboration_view
def pot_year_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    members = selectors.members(access.collaboration)
    latest = PotYear.objects.filter(collaboration=access.collaboration).order_by("-year").first()
    form = PotYearForm(
        request.POST or None,
        members=members,
        initial={"year": (latest.year + 1) if latest else None},
    )
    return form_page(
        request,
        form,
        lambda data: _save_pot_year(form, data, access, None),
        success_url=_pot_url(access),
        title=_("Nytt år i investeringspotten"),
        template=FORM_TEMPLATE,
        success_message=_("Året er lagt til i potten."),
        context={"cancel_url": _pot_url(access), "section": "pot"},
    )


@collaboration_view
def pot_year_edit(
    request: HttpRequest, access: CollaborationAccess, pot_year_id: str
) -> HttpResponse:
    pot_year = access_pot_year(access, pot_year_id, for_change=True)
    members = selectors.members(access.collaboration)
    contributions = dict(
        Contribution.objects.filter(pot_year=pot_year).values_list("organisation_id", "amount")
    )
    # A former member's contribution stays editable here.
    extra = [
        c.organisation
        for c in pot_year.contributions.select_related("organisation")
        if c.organisation not in members
    ]
    form = PotYearForm(
        request.POST or None,
        members=members + extra,
        instance=pot_year,
        contributions=contributions,
    )
    return form_page(
        request,
        form,
        lambda data: _save_pot_year(form, data, access, pot_year),
        success_url=_pot_url(access),
        title=_("Endre potten for %(year)s") % {"year": pot_year.year},
        template=FORM_TEMPLATE,
        instance=pot_year,
        context={
            "section": "pot",
            "cancel_url": _pot_url(access),
            "history": history_of(pot_year),
            "pot_year": pot_year,
        },
    )


@collaboration_view
def pot_year_compute(
    request: HttpRequest, access: CollaborationAccess, pot_year_id: str
) -> HttpResponse:
    pot_year = access_pot_year(access, pot_year_id, for_change=True)
    form = ContributionsComputeForm(request.POST or None, collaboration=access.collaboration)
    return form_page(
        request,
        form,
        lambda data: services.contributions_compute(
            pot_year=pot_year, total=data["total"], key=data["key"]
        ),
        success_url=_pot_url(access),
        title=_("Fordel bidragene for %(year)s") % {"year": pot_year.year},
        template=FORM_TEMPLATE,
        success_message=_("Bidragene er fordelt."),
        context={
            "section": "pot",
            "cancel_url": _pot_url(access),
            "lead": _(
                "Fordel et samlet beløp mellom medlemmene etter en kostnadsfordelingsnøkkel. "
                "Bidragene som er registrert for året, erstattes."
            ),
            "submit_label": _("Fordel"),
        },
    )


@collaboration_view
@require_POST
def pot_year_delete(
    request: HttpRequest, access: CollaborationAccess, pot_year_id: str
) -> HttpResponse:
    pot_year = access_pot_year(access, pot_year_id, for_change=True)
    return delete_then_redirect(
        request, lambda: services.pot_year_delete(pot_year=pot_year), _pot_url(access)
    )


urlpatterns: list[URLPattern] = [
    path(P, pot, name="pot"),
    path(P + "nytt-ar/", pot_year_create, name="pot_year_create"),
    path(P + "<uuid:pot_year_id>/endre/", pot_year_edit, name="pot_year_edit"),
    path(P + "<uuid:pot_year_id>/fordel/", pot_year_compute, name="pot_year_compute"),
    path(P + "<uuid:pot_year_id>/slett/", pot_year_delete, name="pot_year_delete"),
]
