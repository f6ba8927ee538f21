"""Result pages: a campaign's results, the comparison of a category's products across its
campaigns, accepting results into the landscape, and the raw answers of campaigns that are
not anonymous.

Everyone with a role reads results (under the anonymity thresholds of
``samla.surveys.results``); managers accept them; raw answers only the programme office, and
only where the campaign is not anonymous (``access.require_raw_answers``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samla.core.dates import today
from samla.core.decorators import collaboration_view
from samla.landscape.access import access_category
from samla.organisations.access import CollaborationAccess
from samla.surveys import exports, results, services
from samla.surveys.access import access_campaign, may_see_raw_answers, require_raw_answers
from samla.surveys.models import Campaign

PRODUCTS_PER_PAGE = 10  # products per page of the result and comparison pages
RAW_PAGE_SIZE = 50  # responses per page of the raw answers

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(campaign: Campaign, suffix: str) -> str:
    return f"{slugify(campaign.name) or 'undersokelse'}-{suffix}"


@collaboration_view
def campaign_results(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str
) -> HttpResponse:
    campaign = access_campaign(access, campaign_id)
    wanted = request.GET.get("format")
    if wanted in ("xlsx", "csv"):
        if wanted == "xlsx" and request.GET.get("raw") == "1":
            require_raw_answers(access, campaign)
            return _download(
                exports.raw_answers_xlsx(campaign), _filename(campaign, "enkeltsvar.xlsx"), XLSX
            )
        outcome = results.campaign_results(campaign, collaboration=access.collaboration)
        if wanted == "xlsx":
            return _download(
                exports.results_xlsx(outcome), _filename(campaign, "resultater.xlsx"), XLSX
            )
        return _download(exports.results_csv(outcome), _filename(campaign, "resultater.csv"), CSV)
    # A list, not a queryset: a campaign's products are few, and this saves the COUNT.
    products = list(results.campaign_products(campaign))
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("side"))
    outcome = results.campaign_results(
        campaign, products=list(page.object_list), collaboration=access.collaboration
    )
    status = campaign.status_on(today())
    context = {
        "campaign": campaign,
        "results": outcome,
        "page": page,
        "status": status,
        "status_label": Campaign.Status(status).label,
        "may_accept": access.is_manager
        and status == Campaign.Status.CLOSED
        and campaign.results_accepted_at is None,
        "may_see_raw": may_see_raw_answers(access, campaign),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "surveys/results/_campaign_body.html", context)
    return render(request, "surveys/results/campaign.html", context)


@collaboration_view
def campaign_accept_results(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str
) -> HttpResponse:
    """Shows the fit each installation would get; a POST accepts them."""
    campaign = access_campaign(access, campaign_id, for_change=True)
    error = None
    if request.method == "POST":
        try:
            changed = services.campaign_accept_results(campaign=campaign, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Resultatene er godkjent. Egnetheten er satt på %(count)s installasjoner.")
                % {"count": len(changed)},
            )
            return redirect(
                "surveys:campaign_results",
                slug=access.collaboration.slug,
                campaign_id=campaign.uuid,
            )
    status = campaign.status_on(today())
    if error is None and campaign.results_accepted_at is not None:
        error = _("Resultatene er allerede godkjent.")
    elif error is None and status != Campaign.Status.CLOSED:
        error = _("Resultatene kan bare godkjennes når undersøkelsen er avsluttet.")
    outcome = results.campaign_results(
        campaign, with_texts=False, collaboration=access.collaboration
    )
    changes = results.accept_plan(campaign, outcome)
    return render(
        request,
        "surveys/results/accept.html",
        {"campaign": campaign, "results": outcome, "changes": changes, "error": error},
        status=200,
    )


@collaboration_view
def campaign_raw_answers(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str
) -> HttpResponse:
    campaign = access_campaign(access, campaign_id)
    require_raw_answers(access, campaign)
    page = Paginator(exports.raw_responses(campaign), RAW_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    questions, rows = exports.raw_answer_rows(campaign, list(page.object_list))
    return render(
        request,
        "surveys/results/raw_answers.html",
        {"campaign": campaign, "questions": questions, "page": page, "rows": list(rows)},
    )


@collaboration_view
def category_comparison(
    request: HttpRequest, access: CollaborationAccess, category_id: str
) -> HttpResponse:
    category = access_category(access, category_id)
    campaigns = results.comparison_campaigns(access.collaboration, category, today())
    page = Paginator(results.comparison_products(campaigns), PRODUCTS_PER_PAGE).get_page(
        request.GET.get("side")
    )
    comparison = results.category_comparison(category, campaigns, list(page.object_list))
    context = {"category": category, "comparison": comparison, "page": page}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "surveys/results/_comparison_body.html", context)
    return render(request, "surveys/results/comparison.html", context)


P = "s/<slug:slug>/undersokelser/"
C = P + "<uuid:campaign_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "sammenligning/<uuid:category_id>/", category_comparison, name="category_comparison"),
    path(C + "resultater/", campaign_results, name="campaign_results"),
    path(C + "resultater/godkjenn/", campaign_accept_results, name="campaign_accept_results"),
    path(C + "svar/", campaign_raw_answers, name="campaign_raw_answers"),
]
