"""Reads for the organisations app. Each returns a QuerySet with what its pages need."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from samla.organisations.models import (
    ApiToken,
    Collaboration,
    CostSharingKey,
    CostSharingWeight,
    Membership,
    Role,
    User,
)


def collaborations_for_user(user: User) -> QuerySet[Collaboration]:
    if user.is_superuser:
        return Collaboration.objects.all()
    return Collaboration.objects.filter(roles__user=user).distinct()


def members(collaboration: Collaboration) -> QuerySet[Membership]:
    return Membership.objects.filter(collaboration=collaboration).select_related("organisation")


def active_members(collaboration: Collaboration, *, on_date: datetime.date) -> QuerySet[Membership]:
    return members(collaboration).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on_date),
        Q(valid_to__isnull=True) | Q(valid_to__gte=on_date),
    )


def collaboration_summary(collaboration: Collaboration) -> dict[str, int]:
    """Figures for the dashboard, in two queries whatever the size."""
    totals = Membership.objects.filter(collaboration=collaboration).aggregate(
        organisations=Count("id"),
        population=Sum("organisation__population"),
        employees=Sum("organisation__employees"),
    )
    users = Role.objects.filter(collaboration=collaboration).count()
    return {
        "organisations": totals["organisations"] or 0,
        "population": totals["population"] or 0,
        "employees": totals["employees"] or 0,
        "users": users,
    }


def roles(collaboration: Collaboration) -> QuerySet[Role]:
    return (
        Role.objects.filter(collaboration=collaboration)
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def cost_sharing_keys(collaboration: Collaboration) -> QuerySet[CostSharingKey]:
    return CostSharingKey.objects.filter(collaboration=collaboration).prefetch_related(
        Prefetch("weights", queryset=CostSharingWeight.objects.select_related("organisation"))
    )


def api_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
