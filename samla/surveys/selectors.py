"""Reads for the campaign pages and the API: campaign lists and response tracking.

Every figure here is a count per user group, taken with one GROUP BY query over the
invitations and one over the responses, so a page costs the same few queries whether a
campaign has three groups or three hundred. Nothing here says which address answered: in an
anonymous campaign the pages may show how many in a group answered, never who.

How the response rate is counted: a group that answers through personal links is measured
against the number invited; a group with an open link (or with no invitations) against its
stated size, and only when the size is known. Sums over organisations and the whole
campaign take the groups whose rate is known, and say so when some are left out.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from samla.landscape.models import Product
from samla.organisations.models import Collaboration, Organisation
from samla.surveys.models import Campaign, Invitation, Response, UserGroup


@dataclass(frozen=True)
class Counts:
    """How many were invited, mailed, answered and could still be reminded in one group."""

    invited: int = 0
    sent: int = 0
    answered: int = 0  # responses given in the group, through personal or open links
    unanswered_sent: int = 0  # personal links mailed and not used: whom a reminder reaches
    reminders_sent: int = 0  # invitations that have had at least one reminder


def _rate(answered: int, expected: int | None) -> float | None:
    return answered / expected if expected else None


@dataclass(frozen=True)
class GroupFigures:
    group: UserGroup
    counts: Counts

    @property
    def invited(self) -> int:
        return self.counts.invited

    @property
    def answered(self) -> int:
        return self.counts.answered

    @property
    def open_link(self) -> bool:
        return bool(self.group.open_token)

    @property
    def measured_by_size(self) -> bool:
        """Open-link groups (and groups nobody was invited to) are measured by their size."""
        return self.open_link or self.counts.invited == 0

    @property
    def expected(self) -> int | None:
        """Whom the response rate is measured against; None when not known."""
        if self.measured_by_size:
            return self.group.size or None
        return self.counts.invited

    @property
    def rate(self) -> float | None:
        return _rate(self.answered, self.expected)


@dataclass(frozen=True)
class Sum:
    """Figures summed over several groups (an organisation's, or the whole campaign's)."""

    groups: list[GroupFigures] = field(default_factory=list)

    @property
    def invited(self) -> int:
        return sum(g.invited for g in self.groups)

    @property
    def answered(self) -> int:
        return sum(g.answered for g in self.groups)

    @property
    def expected(self) -> int | None:
        known = [g.expected for g in self.groups if g.expected]
        return sum(known) if known else None

    @property
    def answered_where_known(self) -> int:
        return sum(g.answered for g in self.groups if g.expected)

    @property
    def rate(self) -> float | None:
        return _rate(self.answered_where_known, self.expected)

    @property
    def partial(self) -> bool:
        """Some groups have no known size, so the rate leaves them out."""
        return any(not g.expected for g in self.groups)

    @property
    def unanswered_sent(self) -> int:
        return sum(g.counts.unanswered_sent for g in self.groups)


@dataclass(frozen=True)
class OrganisationFigures(Sum):
    organisation: Organisation | None = None


@dataclass(frozen=True)
class Tracking(Sum):
    campaign: Campaign | None = None
    organisations: list[OrganisationFigures] = field(default_factory=list)


def _counts_by_group(campaign_filter: Q) -> dict[int, Counts]:
    """Two GROUP BY queries: invitations and responses per user group."""
    invited: dict[int, Any] = {
        row["user_group_id"]: row
        for row in Invitation.objects.filter(campaign_filter)
        .values("user_group_id")
        .annotate(
            invited=Count("id"),
            sent=Count("id", filter=Q(sent_at__isnull=False)),
            unanswered_sent=Count("id", filter=Q(sent_at__isnull=False, answered=False)),
            reminders_sent=Count("id", filter=Q(reminders__gt=0)),
        )
        .order_by()
    }
    answered: dict[int, int] = {
        row["user_group_id"]: row["n"]
        for row in Response.objects.filter(campaign_filter)
        .values("user_group_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    counts: dict[int, Counts] = {}
    for group_id in set(invited) | set(answered):
        row = invited.get(group_id, {})
        counts[group_id] = Counts(
            invited=row.get("invited", 0),
            sent=row.get("sent", 0),
            answered=answered.get(group_id, 0),
            unanswered_sent=row.get("unanswered_sent", 0),
            reminders_sent=row.get("reminders_sent", 0),
        )
    return counts


def campaign_user_groups(campaign: Campaign) -> QuerySet[UserGroup]:
    return (
        UserGroup.objects.filter(campaign=campaign)
        .select_related("organisation", "product")
        .order_by("organisation__name", "name", "product__name")
    )


def campaign_tracking(campaign: Campaign) -> Tracking:
    """Invited, answered and response rate per user group, organisation and in all.

    Three queries: the groups, and the two GROUP BY counts.
    """
    groups = list(campaign_user_groups(campaign))
    counts = _counts_by_group(Q(campaign=campaign))
    figures = [GroupFigures(group, counts.get(group.pk, Counts())) for group in groups]
    by_organisation: dict[int, list[GroupFigures]] = defaultdict(list)
    for figure in figures:
        by_organisation[figure.group.organisation_id].append(figure)
    organisations = [
        OrganisationFigures(groups=items, organisation=items[0].group.organisation)
        for items in by_organisation.values()
    ]
    organisations.sort(key=lambda o: o.organisation.name if o.organisation else "")
    return Tracking(groups=figures, campaign=campaign, organisations=organisations)


@dataclass(frozen=True)
class CampaignRow:
    campaign: Campaign
    status: str
    products: list[Product]
    figures: Sum


def campaigns(collaboration: Collaboration) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(collaboration=collaboration)
        .select_related("questionnaire", "category")
        .prefetch_related(Prefetch("products", queryset=Product.objects.order_by("name")))
    )


def campaign_list(collaboration: Collaboration, *, today: datetime.date) -> list[CampaignRow]:
    """Every campaign with its status, products and response rate, in five queries."""
    items = list(campaigns(collaboration))
    groups = list(
        UserGroup.objects.filter(campaign__collaboration=collaboration).only(
            "id", "campaign_id", "organisation_id", "size", "open_token"
        )
    )
    counts = _counts_by_group(Q(campaign__collaboration=collaboration))
    by_campaign: dict[int, list[GroupFigures]] = defaultdict(list)
    for group in groups:
        by_campaign[group.campaign_id].append(GroupFigures(group, counts.get(group.pk, Counts())))
    return [
        CampaignRow(
            campaign=campaign,
            status=campaign.status_on(today),
            products=list(campaign.products.all()),
            figures=Sum(groups=by_campaign.get(campaign.pk, [])),
        )
        for campaign in items
    ]


def campaign_has_answers(campaign: Campaign) -> bool:
    return Response.objects.filter(campaign=campaign).exists()


def group_invitations(group: UserGroup) -> QuerySet[Invitation]:
    """The group's invitations, for those who manage it. Tokens are never read from here."""
    return group.invitations.only(
        "id", "email", "sent_at", "reminded_at", "reminders", "answered"
    ).order_by("email")
