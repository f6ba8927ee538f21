"""The benefit register (see samla/benefits/urls.py): the list with filters and counts, its
XLSX download, a benefit's page (indicators with trajectory, realisation, status and the
rule behind it, measurements, history), and creating, changing and deleting benefits.

Who may: everyone with a role reads; managers register and delete; the owner and the
responsible person change their benefit (samla/benefits/access.py)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samla.benefits import exports, selectors, selectors_pages, selectors_reports, services
from samla.benefits.access import (
    access_benefit,
    access_benefit_for_delete,
    may_change_benefit,
    may_create_benefit,
    may_measure,
)
from samla.benefits.forms.register import BenefitForm
from samla.benefits.models import Benefit
from samla.core.dates import today
from samla.core.decorators import collaboration_view
from samla.core.history import history_of
from samla.governance.views.common import XLSX, download, form_page
from samla.organisations.access import CollaborationAccess

G = "s/<slug:slug>/gevinster/"
REGISTER = G + "register/"
BENEFIT = REGISTER + "<uuid:benefit_id>/"
FORM_TEMPLATE = "benefits/object_form.html"


def list_url(slug: str) -> str:
    return reverse("benefits:benefit_list", kwargs={"slug": slug})


def benefit_url(benefit: Benefit) -> str:
    return reverse(
        "benefits:benefit_detail",
        kwargs={"slug": benefit.collaboration.slug, "benefit_id": benefit.uuid},
    )


# The register shows a page of benefits at a time (as the governance portfolio does); the
# order and the filter counts still cover every benefit (computed from plain values).
REGISTER_PAGE_SIZE = 50


def _register_entries(
    request: HttpRequest, access: CollaborationAccess
) -> tuple[list[Any], Any, Any]:
    entries = selectors.register_entries(access.collaboration, today=today())
    shown, facets, chosen = selectors_pages.filter_register(
        entries, request.GET, access.collaboration
    )
    return shown, facets, chosen


@collaboration_view
def benefit_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    entries, facets, chosen = _register_entries(request, access)
    page = Paginator(entries, REGISTER_PAGE_SIZE).get_page(request.GET.get("side"))
    rows = selectors.rows_for(
        access.collaboration, [entry.pk for entry in page.object_list], today=today()
    )
    return render(
        request,
        "benefits/register/benefit_list.html",
        {
            "rows": rows,
            "page": page,
            "total": page.paginator.count,
            "facets": facets,
            "chosen": chosen,
            "query": request.GET.urlencode() if chosen else "",
            "may_create": may_create_benefit(access),
            "may_import": selectors_pages.may_import(access),
            "status_rule": selectors.STATUS_RULE,
        },
    )


@collaboration_view
def benefit_list_xlsx(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    entries, _facets, _chosen = _register_entries(request, access)
    # every benefit that passes the filters, not just a page
    rows = selectors.rows_for(access.collaboration, [entry.pk for entry in entries], today=today())
    content = exports.register_xlsx(rows)
    return download(content, f"gevinstregister-{access.collaboration.slug}.xlsx", XLSX)


@collaboration_view
def benefit_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    form = BenefitForm(request.POST or None, access=access)
    return form_page(
        request,
        cast(Form, form),
        lambda data: services.benefit_create(collaboration=access.collaboration, **data),
        success_url=benefit_url,
        title=_("Ny gevinst"),
        template=FORM_TEMPLATE,
        success_message=_("Gevinsten er registrert. Legg til en indikator for å kunne måle den."),
        context={"cancel_url": list_url(access.collaboration.slug)},
    )


@collaboration_view
def benefit_detail(
    request: HttpRequest, access: CollaborationAccess, benefit_id: str
) -> HttpResponse:
    benefit = access_benefit(access, benefit_id)
    day = today()
    indicators = []
    for indicator in benefit.indicators.prefetch_related("targets").order_by("order", "pk"):
        progress = selectors.indicator_progress(indicator, today=day)
        measurements = list(selectors.measurements_of(indicator))
        indicators.append(
            {
                "indicator": indicator,
                "progress": progress,
                "targets": list(indicator.targets.all()),
                "measurements": [
                    {
                        "measurement": m,
                        "may_change": selectors_pages.may_change_measurement(access, benefit, m),
                    }
                    for m in measurements
                ],
                "trajectory": selectors_pages.trajectory(indicator, measurements),
                "chart_id": f"trajectory-{indicator.uuid}",
                "colour": selectors_pages.status_colour(progress.status),
            }
        )
    may_change = may_change_benefit(access, benefit)
    return render(
        request,
        "benefits/register/benefit_detail.html",
        {
            "benefit": benefit,
            "organisations": list(benefit.organisations.order_by("name")),
            "indicators": indicators,
            "may_change": may_change,
            "may_measure": may_measure(access, benefit),
            "may_delete": access.is_manager,
            "status_rule": selectors.STATUS_RULE,
            "pva": selectors_reports.benefit_plan_versus_actual(benefit),
            "history": history_of(benefit),
        },
    )


@collaboration_view
def benefit_edit(
    request: HttpRequest, access: CollaborationAccess, benefit_id: str
) -> HttpResponse:
    benefit = access_benefit(access, benefit_id, for_change=True)
    form = BenefitForm(request.POST or None, access=access, instance=benefit)
    return form_page(
        request,
        cast(Form, form),
        lambda data: services.benefit_update(benefit=benefit, **data),
        success_url=benefit_url,
        title=_("Endre gevinsten"),
        template=FORM_TEMPLATE,
        instance=benefit,
        context={
            "benefit": benefit,
            "cancel_url": benefit_url(benefit),
            "history": history_of(benefit),
        },
    )


@collaboration_view
@require_POST
def benefit_delete(
    request: HttpRequest, access: CollaborationAccess, benefit_id: str
) -> HttpResponse:
    """A benefit with measurements is kept (its history is the point); the page says so."""
    benefit = access_benefit_for_delete(access, benefit_id)
    try:
        services.benefit_delete(benefit=benefit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(benefit_url(benefit))
    messages.success(request, _("Gevinsten er slettet."))
    return redirect(list_url(access.collaboration.slug))


urlpatterns: list[URLPattern] = [
    path(REGISTER, benefit_list, name="benefit_list"),
    path(REGISTER + "gevinstregister.xlsx", benefit_list_xlsx, name="benefit_list_xlsx"),
    path(REGISTER + "ny/", benefit_create, name="benefit_create"),
    path(BENEFIT, benefit_detail, name="benefit_detail"),
    path(BENEFIT + "endre/", benefit_edit, name="benefit_edit"),
    path(BENEFIT + "slett/", benefit_delete, name="benefit_delete"),
]
