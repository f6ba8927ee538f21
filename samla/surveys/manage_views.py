"""Campaign pages: the list, create and change, user groups, invitations and live tracking.

Who may do what is in ``samla.surveys.access``: managers run campaigns; an editor manages
the user groups (and their invitations and open links) of their own organisation; everyone
with a role reads campaigns and tracking. In an anonymous campaign no page says which
address has answered, or which was reminded (a reminder goes only to those who have not
answered, so it would tell the same); only counts per group are shown.
"""

from __future__ import annotations

import datetime
from contextlib import nullcontext
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from samla.core import locking, xlsx
from samla.core.dates import today
from samla.core.decorators import collaboration_view
from samla.landscape.models import SystemCategory
from samla.landscape.views import download, wants_xlsx
from samla.organisations.access import CollaborationAccess
from samla.organisations.views import _add_validation_error
from samla.surveys import selectors, services
from samla.surveys.access import (
    access_campaign,
    access_user_group,
    may_manage_groups,
    require_group_manager,
)
from samla.surveys.forms import FROM_TEMPLATE, CampaignForm, InviteForm, UserGroupForm, is_uuid
from samla.surveys.models import Campaign, UserGroup
from samla.surveys.selectors import Tracking

INVITATION_PAGE_SIZE = 100


def base_url(request: HttpRequest) -> str:
    """Where the links in the mails point: this server."""
    return request.build_absolute_uri("/")


def open_link_url(request: HttpRequest, group: UserGroup) -> str:
    if not group.open_token:
        return ""
    return request.build_absolute_uri(reverse("surveys:respond_open", args=[group.open_token]))


def _to_detail(access: CollaborationAccess, campaign: Campaign, anchor: str = "") -> HttpResponse:
    url = reverse("surveys:campaign_detail", args=[access.collaboration.slug, campaign.uuid])
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _group_of(
    access: CollaborationAccess, campaign: Campaign, group_id: str, **kwargs: Any
) -> UserGroup:
    group = access_user_group(access, group_id, **kwargs)
    if group.campaign_id != campaign.pk:
        raise Http404
    return group


def _closed(request: HttpRequest, campaign: Campaign) -> bool:
    """User groups, invitations and open links are added until the campaign closes."""
    if campaign.status_on(today()) != Campaign.Status.CLOSED:
        return False
    messages.error(
        request,
        _("Undersøkelsen er avsluttet; nye brukergrupper og invitasjoner kan ikke legges til."),
    )
    return True


# --- The list ---------------------------------------------------------------------------------


@collaboration_view
def campaign_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    rows = selectors.campaign_list(access.collaboration, today=today())
    return render(request, "surveys/campaigns/campaign_list.html", {"rows": rows})


# --- Create and change --------------------------------------------------------------------------


def _campaign_initial(campaign: Campaign) -> dict[str, Any]:
    return {
        "name": campaign.name,
        "questionnaire": str(campaign.questionnaire.uuid),
        "category": campaign.category.uuid if campaign.category else None,
        "products": [p.uuid for p in campaign.products.all()],
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "anonymous": campaign.anonymous,
    }


def _suggested_form(
    access: CollaborationAccess, source: QueryDict, kwargs: dict[str, Any]
) -> CampaignForm:
    """An unbound form holding what was typed, with the chosen category's systems ticked."""
    key = source.get("category", "")
    category = (
        SystemCategory.objects.filter(collaboration=access.collaboration, uuid=key).first()
        if is_uuid(key)
        else None
    )
    initial: dict[str, Any] = {
        name: source.get(name) for name in ("name", "questionnaire", "opens_on", "closes_on")
    }
    # A checkbox left unticked is not sent; a GET from htmx sends the whole form.
    initial["anonymous"] = bool(source.get("anonymous")) if "name" in source else True
    campaign: Campaign | None = kwargs.get("campaign")
    if campaign is not None:  # disabled fields are not sent: keep what they hold
        if campaign.launched_at is not None:
            initial["questionnaire"] = str(campaign.questionnaire.uuid)
        if campaign.anonymous and kwargs.get("has_answers"):
            initial["anonymous"] = True
    initial["category"] = category.uuid if category else None
    if category is not None:
        initial["products"] = [p.uuid for p in services.category_products(category)]
    else:
        initial["products"] = source.getlist("products")
    return CampaignForm(initial=initial, access=access, category=category, **kwargs)


def _campaign_form_page(
    request: HttpRequest, access: CollaborationAccess, campaign: Campaign | None
) -> HttpResponse:
    has_answers = campaign is not None and selectors.campaign_has_answers(campaign)
    kwargs: dict[str, Any] = {"campaign": campaign, "has_answers": has_answers}
    day = today()
    initial = (
        _campaign_initial(campaign)
        if campaign
        else {"opens_on": day, "closes_on": day + datetime.timedelta(days=14), "anonymous": True}
    )
    template = "surveys/campaigns/campaign_form.html"
    if request.method == "GET" and "category" in request.GET:
        # The category changed: offer its systems (htmx swaps the product choices only).
        form = _suggested_form(access, request.GET, kwargs)
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "surveys/campaigns/_product_choices.html", {"form": form})
    elif request.method == "POST" and "suggest" in request.POST:
        # The same without JavaScript: the "suggest systems" button posts the form back.
        form = _suggested_form(access, request.POST, kwargs)
    elif request.method == "POST":
        form = CampaignForm(request.POST, access=access, initial=initial, **kwargs)
        if form.is_valid():
            try:
                with locking.checked(request, campaign) if campaign else nullcontext():
                    saved = _save_campaign(access, campaign, form.cleaned_data)
            except ValidationError as exc:
                _add_validation_error(form, exc)
            else:
                messages.success(request, _("Undersøkelsen er lagret."))
                return _to_detail(access, saved)
    else:
        form = CampaignForm(initial=initial, access=access, **kwargs)
    # A new category refreshes the product choices in place (the button does it without JS).
    form.fields["category"].widget.attrs.update(
        {
            "hx-get": request.path,
            "hx-trigger": "change",
            "hx-target": "#product-choices",
            "hx-swap": "outerHTML",
        }
    )
    return render(
        request, template, {"form": form, "campaign": campaign, "has_answers": has_answers}
    )


def _save_campaign(
    access: CollaborationAccess, campaign: Campaign | None, data: dict[str, Any]
) -> Campaign:
    fields = {
        "name": data["name"],
        "category": data["category"],
        "opens_on": data["opens_on"],
        "closes_on": data["closes_on"],
        "anonymous": data["anonymous"],
    }
    products = list(data["products"])
    with transaction.atomic():
        questionnaire = data["questionnaire"]
        if questionnaire == FROM_TEMPLATE:
            questionnaire = services.questionnaire_create_from_template(
                collaboration=access.collaboration
            )
        if campaign is None:
            return services.campaign_create(
                collaboration=access.collaboration,
                products=products,
                questionnaire=questionnaire,
                **fields,
            )
        return services.campaign_update(
            campaign=campaign, products=products, questionnaire=questionnaire, **fields
        )


@collaboration_view
def campaign_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    return _campaign_form_page(request, access, None)


@collaboration_view
def campaign_edit(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str
) -> HttpResponse:
    campaign = access_campaign(access, campaign_id, for_change=True)
    return _campaign_form_page(request, access, campaign)


@collaboration_view
@require_POST
def campaign_delete(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str
) -> HttpResponse:
    campaign = access_campaign(access, campaign_id, for_change=True)
    try:
        services.campaign_delete(campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _to_detail(access, campaign)
    messages.success(request, _("Undersøkelsen er slettet."))
    return redirect("surveys:campaign_list", slug=access.collaboration.slug)


# --- Detail and the campaign's actions --------------------------------------------------------


@collaboration_view
def campaign_detail(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str
) -> HttpResponse:
    campaign = access_campaign(access, campaign_id)
    tracking = selectors.campaign_tracking(campaign)
    status = campaign.status_on(today())
    groups = [
        {
            "figures": figures,
            "may_manage": may_manage_groups(access, figures.group.organisation),
            "open_link_url": open_link_url(request, figures.group)
            if may_manage_groups(access, figures.group.organisation)
            else "",
        }
        for figures in tracking.groups
    ]
    return render(
        request,
        "surveys/campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "status": status,
            "products": list(campaign.products.order_by("name")),
            "groups": groups,
            "may_add_group": may_manage_groups(access) and status != Campaign.Status.CLOSED,
            "has_answers": tracking.answered > 0,
            **_tracking_context(request, access, campaign, tracking, status),
        },
    )


@collaboration_view
@require_POST
def campaign_launch(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str
) -> HttpResponse:
    campaign = access_campaign(access, campaign_id, for_change=True)
    try:
        sent = services.campaign_launch(campaign=campaign, base_url=base_url(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "Undersøkelsen er sendt ut. %(count)s invitasjon er sendt på e-post.",
                "Undersøkelsen er sendt ut. %(count)s invitasjoner er sendt på e-post.",
                sent,
            )
            % {"count": sent},
        )
    return _to_detail(access, campaign)


@collaboration_view
@require_POST
def campaign_close(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str
) -> HttpResponse:
    campaign = access_campaign(access, campaign_id, for_change=True)
    try:
        services.campaign_close(campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Undersøkelsen er stengt. Nye svar tas ikke imot."))
    return _to_detail(access, campaign)


@collaboration_view
@require_POST
def campaign_remind(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str
) -> HttpResponse:
    campaign = access_campaign(access, campaign_id, for_change=True)
    try:
        reminded = services.invitations_remind(campaign=campaign, base_url=base_url(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "Påminnelse er sendt til %(count)s som ikke har svart.",
                "Påminnelse er sendt til %(count)s som ikke har svart.",
                reminded,
            )
            % {"count": reminded},
        )
    return _to_detail(access, campaign)


# --- Tracking ---------------------------------------------------------------------------------


def _tracking_context(
    request: HttpRequest,
    access: CollaborationAccess,
    campaign: Campaign,
    tracking: Tracking,
    status: str,
) -> dict[str, Any]:
    url = reverse("surveys:campaign_tracking", args=[access.collaboration.slug, campaign.uuid])
    seen = request.GET.get("siste")
    return {
        "tracking": tracking,
        "polling": status == Campaign.Status.OPEN,
        "poll_url": f"{url}?siste={tracking.answered}",
        "tracking_url": url,
        # The live summary is sent again only when the count has changed since the last poll.
        "summary_changed": seen is not None and seen != str(tracking.answered),
    }


TRACKING_COLUMNS = [
    xlsx.Column(_("Organisasjon"), 24),
    xlsx.Column(_("Brukergruppe"), 28),
    xlsx.Column(_("System"), 22),
    xlsx.Column(_("Åpen lenke"), 10),
    xlsx.Column(_("Antall personer"), 12, "integer"),
    xlsx.Column(_("Invitert"), 10, "integer"),
    xlsx.Column(_("Svart"), 10, "integer"),
    xlsx.Column(_("Svarprosent"), 12, "integer"),
]


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def tracking_xlsx(tracking: Tracking) -> bytes:
    """One row per user group, a sum per organisation and one for the whole campaign."""
    yes, no = _("ja"), _("nei")
    rows: list[list[Any]] = []
    for organisation in tracking.organisations:
        name = organisation.organisation.name if organisation.organisation else ""
        for figures in organisation.groups:
            group = figures.group
            rows.append(
                [
                    name,
                    group.name,
                    group.product.name,
                    yes if figures.open_link else no,
                    group.size,
                    figures.invited,
                    figures.answered,
                    _percent(figures.rate),
                ]
            )
        rows.append(
            [
                _("Sum %(name)s") % {"name": name},
                "",
                "",
                "",
                None,
                organisation.invited,
                organisation.answered,
                _percent(organisation.rate),
            ]
        )
    rows.append(
        [_("Sum"), "", "", "", None, tracking.invited, tracking.answered, _percent(tracking.rate)]
    )
    columns = [*TRACKING_COLUMNS[:-1], xlsx.Column(_("Svarprosent (%)"), 12, "integer")]
    return xlsx.register_xlsx(_("Svarinngang"), columns, rows)


@collaboration_view
def campaign_tracking(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str
) -> HttpResponse:
    campaign = access_campaign(access, campaign_id)
    tracking = selectors.campaign_tracking(campaign)
    if wants_xlsx(request):
        return download(tracking_xlsx(tracking), f"svarinngang-{campaign.uuid}.xlsx")
    status = campaign.status_on(today())
    context = {
        "campaign": campaign,
        "status": status,
        **_tracking_context(request, access, campaign, tracking, status),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "surveys/partials/_tracking.html", context)
    return render(request, "surveys/campaigns/campaign_tracking.html", context)


# --- User groups --------------------------------------------------------------------------------


def _user_group_form_page(
    request: HttpRequest, access: CollaborationAccess, campaign: Campaign, group: UserGroup | None
) -> HttpResponse:
    form = UserGroupForm(request.POST or None, access=access, campaign=campaign, group=group)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if group is None:
                require_group_manager(access, data["organisation"])
                saved = services.user_group_create(
                    campaign=campaign, open_link=data.pop("open_link"), **data
                )
            else:
                with locking.checked(request, group):
                    saved = services.user_group_update(group=group, **data)
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(
                request, _("Brukergruppen «%(name)s» er lagret.") % {"name": saved.name}
            )
            return _to_detail(access, campaign, "groups-heading")
    return render(
        request,
        "surveys/campaigns/user_group_form.html",
        {"form": form, "campaign": campaign, "group": group},
    )


@collaboration_view
def user_group_create(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str
) -> HttpResponse:
    campaign = access_campaign(access, campaign_id)
    require_group_manager(access)
    if _closed(request, campaign):
        return _to_detail(access, campaign)
    return _user_group_form_page(request, access, campaign, None)


@collaboration_view
def user_group_edit(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str, group_id: str
) -> HttpResponse:
    campaign = access_campaign(access, campaign_id)
    group = _group_of(access, campaign, group_id, for_change=True)
    return _user_group_form_page(request, access, campaign, group)


@collaboration_view
@require_POST
def user_group_delete(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str, group_id: str
) -> HttpResponse:
    campaign = access_campaign(access, campaign_id)
    group = _group_of(access, campaign, group_id, for_change=True)
    try:
        services.user_group_delete(group=group)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Brukergruppen «%(name)s» er slettet.") % {"name": group.name})
    return _to_detail(access, campaign, "groups-heading")


@collaboration_view
@require_POST
def user_group_open_link(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str, group_id: str
) -> HttpResponse:
    """Turn the group's shared link on (a new one each time) or off."""
    campaign = access_campaign(access, campaign_id)
    group = _group_of(access, campaign, group_id, for_change=True)
    enabled = request.POST.get("enabled") == "1"
    if enabled and _closed(request, campaign):
        return _to_detail(access, campaign, f"group-{group.uuid}")
    services.user_group_set_open_link(group=group, enabled=enabled)
    if enabled:
        messages.success(
            request,
            _("Gruppen «%(name)s» har fått en ny åpen lenke. En eldre lenke virker ikke lenger.")
            % {"name": group.name},
        )
    else:
        messages.success(
            request, _("Den åpne lenken til «%(name)s» er slått av.") % {"name": group.name}
        )
    return _to_detail(access, campaign, f"group-{group.uuid}")


@collaboration_view
def user_group_invite(
    request: HttpRequest, access: CollaborationAccess, campaign_id: str, group_id: str
) -> HttpResponse:
    """Paste addresses to invite; the list of the group's invitations."""
    campaign = access_campaign(access, campaign_id)
    group = _group_of(access, campaign, group_id, for_change=True)
    status = campaign.status_on(today())
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        addresses = form.cleaned_data["addresses"]
        try:
            added = services.invitations_add(
                group=group, emails=addresses, base_url=base_url(request)
            )
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            text = ngettext(
                "%(added)s adresse er lagt til, %(skipped)s var invitert fra før.",
                "%(added)s adresser er lagt til, %(skipped)s var invitert fra før.",
                added,
            ) % {"added": added, "skipped": len(addresses) - added}
            if added and campaign.launched_at is not None:
                text += " " + _("Invitasjonene er sendt på e-post.")
            messages.success(request, text)
            return redirect(request.path)
    tracking_row = next(
        (g for g in selectors.campaign_tracking(campaign).groups if g.group.pk == group.pk), None
    )
    page = Paginator(selectors.group_invitations(group), INVITATION_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    return render(
        request,
        "surveys/campaigns/user_group_invite.html",
        {
            "campaign": campaign,
            "group": group,
            "form": form,
            "page": page,
            "figures": tracking_row,
            "status": status,
            "may_invite": status != Campaign.Status.CLOSED,
            # Who answered is shown only where answers are not anonymous.
            "show_answered": not campaign.anonymous,
        },
    )


P = "s/<slug:slug>/undersokelser/"
C = P + "<uuid:campaign_id>/"
G = C + "brukergrupper/<uuid:group_id>/"

urlpatterns: list[URLPattern] = [
    path(P, campaign_list, name="campaign_list"),
    path(P + "ny/", campaign_create, name="campaign_create"),
    path(C, campaign_detail, name="campaign_detail"),
    path(C + "endre/", campaign_edit, name="campaign_edit"),
    path(C + "slett/", campaign_delete, name="campaign_delete"),
    path(C + "send-ut/", campaign_launch, name="campaign_launch"),
    path(C + "steng/", campaign_close, name="campaign_close"),
    path(C + "paminn/", campaign_remind, name="campaign_remind"),
    path(C + "svarinngang/", campaign_tracking, name="campaign_tracking"),
    path(C + "brukergrupper/ny/", user_group_create, name="user_group_create"),
    path(G + "endre/", user_group_edit, name="user_group_edit"),
    path(G + "slett/", user_group_delete, name="user_group_delete"),
    path(G + "apen-lenke/", user_group_open_link, name="user_group_open_link"),
    path(G + "inviter/", user_group_invite, name="user_group_invite"),
]
