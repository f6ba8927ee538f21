"""API resources for campaigns, their user groups and invitations, and live tracking.

Same rules as the pages (``samla.surveys.manage_views``) and the rest of the API
(``samla.landscape.api``): everyone with a role reads campaigns and tracking; managers
create, change, send out, close and remind; user groups and their invitations are changed by
managers and by an editor for their own organisation. Outsiders get 404, other roles 403 for
a change, and a service's ``ValidationError`` answers 422 and writes nothing.

Invitations are only ever added here, and the answer is counts: tokens are never returned
(only their hash is stored), and no endpoint says which address has answered.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from samla.api.transactions import atomic
from samla.api.versioning import VersionIn, VersionOut
from samla.core.dates import today
from samla.core.locking import check_version
from samla.landscape.models import Product, SystemCategory
from samla.organisations.access import CollaborationAccess, access_collaboration
from samla.organisations.api import READ_ERRORS, WRITE_ERRORS
from samla.organisations.models import Organisation, User
from samla.surveys import selectors, services
from samla.surveys.access import (
    access_campaign,
    access_user_group,
    may_manage_groups,
    require_group_manager,
)
from samla.surveys.models import Campaign, Questionnaire, UserGroup
from samla.surveys.selectors import GroupFigures, Sum

router = Router(tags=["surveys"])

PREFIX = "/collaborations/{slug}/campaigns"
ONE = PREFIX + "/{uuid:campaign_id}"
GROUPS = ONE + "/user-groups"
GROUP = GROUPS + "/{uuid:group_id}"
MAX_ADDRESSES = 10_000


# --- Schemas ---------------------------------------------------------------------------------


class RefOut(Schema):
    uuid: UUID
    name: str


class FiguresOut(Schema):
    invited: int = Field(description="Personal invitations.")
    answered: int = Field(description="Responses, through personal and open links.")
    expected: int | None = Field(
        description="What the response rate is measured against: the number invited, or for "
        "open-link groups their size; null when not known."
    )
    response_rate: float | None = Field(description="answered / expected, 0–1; null if unknown.")


class CampaignOut(FiguresOut, VersionOut):
    uuid: UUID
    name: str
    status: Campaign.Status
    questionnaire: RefOut
    category: RefOut | None
    products: list[RefOut]
    opens_on: datetime.date
    closes_on: datetime.date
    closed_early_on: datetime.date | None
    anonymous: bool
    launched_at: datetime.datetime | None


class CampaignCreateIn(Schema):
    name: str = Field(max_length=200)
    questionnaire: UUID = Field(description="A questionnaire's uuid.")
    category: UUID | None = Field(None, description="A system category's uuid, if any.")
    products: list[UUID] = Field(description="The products evaluated (at least one).")
    opens_on: datetime.date
    closes_on: datetime.date
    anonymous: bool = Field(True, description="Cannot be turned off once there are answers.")


class CampaignUpdateIn(VersionIn):
    """Only the fields given are changed; ``category: null`` removes the category."""

    name: str | None = Field(None, max_length=200)
    questionnaire: UUID | None = None
    category: UUID | None = None
    products: list[UUID] | None = None
    opens_on: datetime.date | None = None
    closes_on: datetime.date | None = None
    anonymous: bool | None = None


class LaunchOut(Schema):
    status: Campaign.Status
    sent: int = Field(description="Invitations mailed.")


class RemindOut(Schema):
    reminded: int = Field(description="Reminders mailed to those who have not answered.")


class UserGroupOut(FiguresOut, VersionOut):
    uuid: UUID
    name: str
    organisation: RefOut
    product: RefOut
    size: int | None
    open_link: bool
    open_link_url: str | None = Field(
        description="The shared link, for those who manage the group; null otherwise."
    )


class UserGroupCreateIn(Schema):
    name: str = Field(max_length=200)
    organisation: UUID = Field(description="A member organisation's uuid.")
    product: UUID = Field(description="One of the campaign's products.")
    size: int | None = Field(None, ge=1, le=1_000_000)
    open_link: bool = Field(False, description="Make a shared link for the group.")


class UserGroupUpdateIn(VersionIn):
    """Only the fields given are changed; ``size: null`` clears the size."""

    name: str | None = Field(None, max_length=200)
    organisation: UUID | None = None
    product: UUID | None = None
    size: int | None = Field(None, ge=1, le=1_000_000)


class OpenLinkIn(Schema):
    enabled: bool = Field(description="true makes a new link (the old one stops working).")


class InvitationsIn(Schema):
    emails: list[str] = Field(min_length=1, max_length=MAX_ADDRESSES)


class InvitationsOut(Schema):
    added: int
    skipped: int = Field(description="Addresses that were invited to the group already.")
    sent: bool = Field(description="Whether the new invitations were mailed at once.")


class TrackingGroupOut(FiguresOut):
    uuid: UUID
    name: str
    product: RefOut
    open_link: bool
    size: int | None


class TrackingOrganisationOut(FiguresOut):
    organisation: RefOut
    partial: bool = Field(description="Some groups have no known size and are left out.")
    user_groups: list[TrackingGroupOut]


class TrackingOut(FiguresOut):
    campaign: UUID
    status: Campaign.Status
    partial: bool
    organisations: list[TrackingOrganisationOut]


# --- Helpers ---------------------------------------------------------------------------------


def _access(request: HttpRequest, slug: str) -> CollaborationAccess:
    user: User = request.auth  # type: ignore[attr-defined]
    return access_collaboration(user, slug)


def _ref(obj: Any) -> dict[str, Any]:
    return {"uuid": obj.uuid, "name": obj.name}


def _figures(figures: GroupFigures | Sum) -> dict[str, Any]:
    return {
        "invited": figures.invited,
        "answered": figures.answered,
        "expected": figures.expected,
        "response_rate": figures.rate,
    }


def _campaign_out(campaign: Campaign, figures: Sum) -> dict[str, Any]:
    return {
        "uuid": campaign.uuid,
        "version": campaign.version,
        "name": campaign.name,
        "status": campaign.status_on(today()),
        "questionnaire": _ref(campaign.questionnaire),
        "category": _ref(campaign.category) if campaign.category else None,
        "products": [_ref(p) for p in campaign.products.order_by("name")],
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "closed_early_on": campaign.closed_early_on,
        "anonymous": campaign.anonymous,
        "launched_at": campaign.launched_at,
        **_figures(figures),
    }


def _campaign_detail(campaign: Campaign) -> dict[str, Any]:
    campaign = selectors.campaigns(campaign.collaboration).get(pk=campaign.pk)
    return _campaign_out(campaign, selectors.campaign_tracking(campaign))


def _not_found(field: str, values: list[UUID]) -> ValidationError:
    uuids = ", ".join(str(value) for value in values)
    return ValidationError({field: _("Finnes ikke i samarbeidet: %(uuids)s.") % {"uuids": uuids}})


def _one(queryset: Any, field: str, value: UUID) -> Any:
    obj = queryset.filter(uuid=value).first()
    if obj is None:
        raise _not_found(field, [value])
    return obj


def _campaign_fields(access: CollaborationAccess, given: dict[str, Any]) -> dict[str, Any]:
    """The service's keyword arguments: uuids become the collaboration's objects (422 if not)."""
    collaboration = access.collaboration
    fields = dict(given)
    if "questionnaire" in fields:
        if fields["questionnaire"] is None:
            raise ValidationError({"questionnaire": _("Feltet kan ikke være tomt.")})
        fields["questionnaire"] = _one(
            Questionnaire.objects.filter(collaboration=collaboration),
            "questionnaire",
            fields["questionnaire"],
        )
    if fields.get("category") is not None:
        fields["category"] = _one(
            SystemCategory.objects.filter(collaboration=collaboration),
            "category",
            fields["category"],
        )
    for name in ("name", "opens_on", "closes_on", "anonymous"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("Feltet kan ikke være tomt.")})
    if "products" in fields:
        wanted = fields["products"]
        if wanted is None:
            raise ValidationError({"products": _("Feltet kan ikke være tomt.")})
        found = {
            p.uuid: p for p in Product.objects.filter(collaboration=collaboration, uuid__in=wanted)
        }
        unknown = [value for value in wanted if value not in found]
        if unknown:
            raise _not_found("products", unknown)
        fields["products"] = [found[value] for value in dict.fromkeys(wanted)]
    return fields


def _group_of(
    access: CollaborationAccess, campaign_id: UUID, group_id: UUID, **kwargs: Any
) -> UserGroup:
    group = access_user_group(access, group_id, **kwargs)
    if group.campaign.uuid != campaign_id:
        raise Http404
    return group


def _member(access: CollaborationAccess, value: UUID) -> Organisation:
    organisation = Organisation.objects.filter(
        memberships__collaboration=access.collaboration, uuid=value
    ).first()
    if organisation is None:
        raise ValidationError(
            {"organisation": _("Ikke medlem av samarbeidet: %(uuid)s.") % {"uuid": value}}
        )
    return organisation


def _group_fields(
    access: CollaborationAccess, campaign: Campaign, given: dict[str, Any]
) -> dict[str, Any]:
    fields = dict(given)
    if "name" in fields and fields["name"] is None:
        raise ValidationError({"name": _("Feltet kan ikke være tomt.")})
    if "organisation" in fields:
        if fields["organisation"] is None:
            raise ValidationError({"organisation": _("Feltet kan ikke være tomt.")})
        fields["organisation"] = _member(access, fields["organisation"])
        require_group_manager(access, fields["organisation"])
    if "product" in fields:
        if fields["product"] is None:
            raise ValidationError({"product": _("Feltet kan ikke være tomt.")})
        product = campaign.products.filter(uuid=fields["product"]).first()
        if product is None:
            raise ValidationError({"product": _("Systemet evalueres ikke i denne undersøkelsen.")})
        fields["product"] = product
    return fields


def _group_out(
    request: HttpRequest, access: CollaborationAccess, figures: GroupFigures
) -> dict[str, Any]:
    group = figures.group
    url = None
    if group.open_token and may_manage_groups(access, group.organisation):
        url = request.build_absolute_uri(reverse("surveys:respond_open", args=[group.open_token]))
    return {
        "uuid": group.uuid,
        "version": group.version,
        "name": group.name,
        "organisation": _ref(group.organisation),
        "product": _ref(group.product),
        "size": group.size,
        "open_link": bool(group.open_token),
        "open_link_url": url,
        **_figures(figures),
    }


def _group_detail(
    request: HttpRequest, access: CollaborationAccess, group: UserGroup
) -> dict[str, Any]:
    tracking = selectors.campaign_tracking(group.campaign)
    figures = next(f for f in tracking.groups if f.group.pk == group.pk)
    return _group_out(request, access, figures)


# --- Campaigns -------------------------------------------------------------------------------


@router.get(PREFIX, response={200: list[CampaignOut], **READ_ERRORS})
def campaign_list(request: HttpRequest, slug: str) -> Any:
    """Every campaign with its status and response figures."""
    access = _access(request, slug)
    rows = selectors.campaign_list(access.collaboration, today=today())
    return [_campaign_out(row.campaign, row.figures) for row in rows]


@router.post(PREFIX, response={201: CampaignOut, **WRITE_ERRORS})
def campaign_create(request: HttpRequest, slug: str, payload: CampaignCreateIn) -> Any:
    """Create a campaign (administrators and the programme office). Nothing is sent yet."""
    access = _access(request, slug)
    access.require_manager()
    fields = _campaign_fields(access, payload.dict())
    campaign = services.campaign_create(collaboration=access.collaboration, **fields)
    return Status(201, _campaign_detail(campaign))


@router.get(ONE, response={200: CampaignOut, **READ_ERRORS})
def campaign_detail(request: HttpRequest, slug: str, campaign_id: UUID) -> Any:
    return _campaign_detail(access_campaign(_access(request, slug), campaign_id))


@router.patch(ONE, response={200: CampaignOut, **WRITE_ERRORS})
@atomic
def campaign_update(
    request: HttpRequest, slug: str, campaign_id: UUID, payload: CampaignUpdateIn
) -> Any:
    """Change a campaign. Anonymity cannot be turned off once there are answers (422)."""
    access = _access(request, slug)
    campaign = access_campaign(access, campaign_id, for_change=True)
    check_version(campaign, payload.version)
    fields = _campaign_fields(access, payload.dict(exclude_unset=True))
    services.campaign_update(campaign=campaign, **fields)
    return _campaign_detail(campaign)


@router.delete(ONE, response={204: None, **WRITE_ERRORS})
def campaign_delete(request: HttpRequest, slug: str, campaign_id: UUID) -> Any:
    """Only a campaign without answers can be deleted."""
    campaign = access_campaign(_access(request, slug), campaign_id, for_change=True)
    services.campaign_delete(campaign=campaign)
    return Status(204, None)


@router.post(ONE + "/launch", response={200: LaunchOut, **WRITE_ERRORS})
def campaign_launch(request: HttpRequest, slug: str, campaign_id: UUID) -> Any:
    """Send the campaign out: every invitation is mailed; open links work from the opening day."""
    campaign = access_campaign(_access(request, slug), campaign_id, for_change=True)
    sent = services.campaign_launch(campaign=campaign, base_url=request.build_absolute_uri("/"))
    campaign.refresh_from_db()
    return {"status": campaign.status_on(today()), "sent": sent}


@router.post(ONE + "/close", response={200: CampaignOut, **WRITE_ERRORS})
def campaign_close(request: HttpRequest, slug: str, campaign_id: UUID) -> Any:
    """Close an open campaign early."""
    campaign = access_campaign(_access(request, slug), campaign_id, for_change=True)
    services.campaign_close(campaign=campaign)
    return _campaign_detail(campaign)


@router.post(ONE + "/remind", response={200: RemindOut, **WRITE_ERRORS})
def campaign_remind(request: HttpRequest, slug: str, campaign_id: UUID) -> Any:
    """Remind those invited who have not answered (only while the campaign is open)."""
    campaign = access_campaign(_access(request, slug), campaign_id, for_change=True)
    reminded = services.invitations_remind(
        campaign=campaign, base_url=request.build_absolute_uri("/")
    )
    return {"reminded": reminded}


@router.get(ONE + "/tracking", response={200: TrackingOut, **READ_ERRORS})
def campaign_tracking(request: HttpRequest, slug: str, campaign_id: UUID) -> Any:
    """Invited, answered and response rate per organisation and user group, and in all."""
    campaign = access_campaign(_access(request, slug), campaign_id)
    tracking = selectors.campaign_tracking(campaign)
    return {
        "campaign": campaign.uuid,
        "status": campaign.status_on(today()),
        "partial": tracking.partial,
        **_figures(tracking),
        "organisations": [
            {
                "organisation": _ref(org.organisation),
                "partial": org.partial,
                **_figures(org),
                "user_groups": [
                    {
                        "uuid": g.group.uuid,
                        "name": g.group.name,
                        "product": _ref(g.group.product),
                        "open_link": g.open_link,
                        "size": g.group.size,
                        **_figures(g),
                    }
                    for g in org.groups
                ],
            }
            for org in tracking.organisations
        ],
    }


# --- User groups -----------------------------------------------------------------------------


@router.get(GROUPS, response={200: list[UserGroupOut], **READ_ERRORS})
def user_group_list(request: HttpRequest, slug: str, campaign_id: UUID) -> Any:
    access = _access(request, slug)
    campaign = access_campaign(access, campaign_id)
    tracking = selectors.campaign_tracking(campaign)
    return [_group_out(request, access, figures) for figures in tracking.groups]


@router.post(GROUPS, response={201: UserGroupOut, **WRITE_ERRORS})
def user_group_create(
    request: HttpRequest, slug: str, campaign_id: UUID, payload: UserGroupCreateIn
) -> Any:
    """Add a user group (managers, or an editor for their own organisation)."""
    access = _access(request, slug)
    campaign = access_campaign(access, campaign_id)
    require_group_manager(access)
    given = payload.dict()
    open_link = given.pop("open_link")
    fields = _group_fields(access, campaign, given)
    group = services.user_group_create(campaign=campaign, open_link=open_link, **fields)
    return Status(201, _group_detail(request, access, group))


@router.get(GROUP, response={200: UserGroupOut, **READ_ERRORS})
def user_group_detail(request: HttpRequest, slug: str, campaign_id: UUID, group_id: UUID) -> Any:
    access = _access(request, slug)
    return _group_detail(request, access, _group_of(access, campaign_id, group_id))


@router.patch(GROUP, response={200: UserGroupOut, **WRITE_ERRORS})
@atomic
def user_group_update(
    request: HttpRequest, slug: str, campaign_id: UUID, group_id: UUID, payload: UserGroupUpdateIn
) -> Any:
    access = _access(request, slug)
    group = _group_of(access, campaign_id, group_id, for_change=True)
    check_version(group, payload.version)
    fields = _group_fields(access, group.campaign, payload.dict(exclude_unset=True))
    services.user_group_update(group=group, **fields)
    return _group_detail(request, access, group)


@router.delete(GROUP, response={204: None, **WRITE_ERRORS})
def user_group_delete(request: HttpRequest, slug: str, campaign_id: UUID, group_id: UUID) -> Any:
    """Only a group without answers can be deleted; its invitations go with it."""
    group = _group_of(_access(request, slug), campaign_id, group_id, for_change=True)
    services.user_group_delete(group=group)
    return Status(204, None)


@router.post(GROUP + "/open-link", response={200: UserGroupOut, **WRITE_ERRORS})
def user_group_open_link(
    request: HttpRequest, slug: str, campaign_id: UUID, group_id: UUID, payload: OpenLinkIn
) -> Any:
    """Turn the group's shared link on (always a new one) or off."""
    access = _access(request, slug)
    group = _group_of(access, campaign_id, group_id, for_change=True)
    if payload.enabled and group.campaign.status_on(today()) == Campaign.Status.CLOSED:
        raise ValidationError(_("Undersøkelsen er avsluttet."))
    services.user_group_set_open_link(group=group, enabled=payload.enabled)
    return _group_detail(request, access, group)


@router.post(GROUP + "/invitations", response={200: InvitationsOut, **WRITE_ERRORS})
def invitations_add(
    request: HttpRequest, slug: str, campaign_id: UUID, group_id: UUID, payload: InvitationsIn
) -> Any:
    """Invite addresses to the group; mailed at once when the campaign is out. Never returns
    tokens or links: each is mailed to its address only."""
    access = _access(request, slug)
    group = _group_of(access, campaign_id, group_id, for_change=True)
    addresses = services.parse_email_list("\n".join(payload.emails))
    if not addresses:
        raise ValidationError({"emails": _("Oppgi minst én e-postadresse.")})
    added = services.invitations_add(
        group=group, emails=addresses, base_url=request.build_absolute_uri("/")
    )
    return {
        "added": added,
        "skipped": len(addresses) - added,
        "sent": bool(added) and group.campaign.launched_at is not None,
    }
