"""Writes for collaborations, organisations, memberships, roles, cost-sharing keys and tokens.

Each service runs in one transaction, validates with ``full_clean()`` before saving, and
leaves the history rows to django-simple-history (which records the acting user from the
request, or ``history_user`` when set here).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from samla.core.dates import now, today
from samla.core.services import apply_fields as _apply
from samla.finance import sharing
from samla.organisations.models import (
    ApiToken,
    Collaboration,
    CostSharingKey,
    CostSharingWeight,
    Membership,
    Organisation,
    Role,
    User,
)

ORGANISATION_FIELDS = (
    "name",
    "kind",
    "organisation_number",
    "municipality_number",
    "population",
    "population_date",
    "employees",
)


# --- Collaborations -------------------------------------------------------------------------

COLLABORATION_FIELDS = (
    "name",
    "slug",
    "kind",
    "description",
    "planning_horizon_years",
    "require_admin_totp",
    "procurement_threshold",
)


@transaction.atomic
def collaboration_create(*, created_by: User, **fields: Any) -> Collaboration:
    """Create a collaboration and make its creator an administrator of it."""
    collaboration = Collaboration()
    _apply(collaboration, fields, COLLABORATION_FIELDS)
    collaboration.full_clean()
    collaboration.save()
    Role.objects.create(
        user=created_by, collaboration=collaboration, kind=Role.Kind.ADMINISTRATOR
    )
    # Every collaboration starts with the editable municipal system catalogue.
    from samla.landscape.services import catalogue_install

    catalogue_install(collaboration=collaboration)
    return collaboration


@transaction.atomic
def collaboration_update(*, collaboration: Collaboration, **fields: Any) -> Collaboration:
    _apply(collaboration, fields, COLLABORATION_FIELDS)
    collaboration.full_clean()
    collaboration.save()
    return collaboration


def user_switch_collaboration(*, user: User, collaboration: Collaboration) -> None:
    user.current_collaboration = collaboration
    user.save(update_fields=["current_collaboration"])


# --- Organisations and memberships ----------------------------------------------------------


@transaction.atomic
def organisation_create_as_member(
    *,
    collaboration: Collaboration,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    is_host: bool = False,
    **fields: Any,
) -> Membership:
    """Register a new organisation and make it a member of the collaboration."""
    organisation = Organisation()
    _apply(organisation, fields, ORGANISATION_FIELDS)
    organisation.organisation_number = organisation.organisation_number or None
    organisation.full_clean()
    organisation.save()
    return membership_create(
        collaboration=collaboration,
        organisation=organisation,
        valid_from=valid_from,
        valid_to=valid_to,
        is_host=is_host,
    )


@transaction.atomic
def organisation_update(*, organisation: Organisation, **fields: Any) -> Organisation:
    _apply(organisation, fields, ORGANISATION_FIELDS)
    organisation.organisation_number = organisation.organisation_number or None
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def membership_create(
    *,
    collaboration: Collaboration,
    organisation: Organisation,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    is_host: bool = False,
) -> Membership:
    if Membership.objects.filter(collaboration=collaboration, organisation=organisation).exists():
        raise ValidationError(
            _("%(organisation)s er allerede medlem av %(collaboration)s.")
            % {"organisation": organisation, "collaboration": collaboration}
        )
    membership = Membership(
        collaboration=collaboration,
        organisation=organisation,
        valid_from=valid_from,
        valid_to=valid_to,
        is_host=is_host,
    )
    membership.full_clean()
    if is_host:
        _clear_other_hosts(collaboration, keep=None)
    membership.save()
    return membership


def _clear_other_hosts(collaboration: Collaboration, keep: Membership | None) -> None:
    """A collaboration has at most one host organisation (vertskommune)."""
    for other in Membership.objects.filter(collaboration=collaboration, is_host=True):
        if keep is None or other.pk != keep.pk:
            other.is_host = False
            other.save(update_fields=["is_host"])


@transaction.atomic
def membership_update(
    *,
    membership: Membership,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    is_host: bool,
) -> Membership:
    membership.valid_from = valid_from
    membership.valid_to = valid_to
    membership.is_host = is_host
    membership.full_clean()
    if is_host:
        _clear_other_hosts(membership.collaboration, keep=membership)
    membership.save()
    return membership


@transaction.atomic
def membership_delete(*, membership: Membership) -> None:
    if Role.objects.filter(
        collaboration=membership.collaboration, organisation=membership.organisation
    ).exists():
        raise ValidationError(
            _("Organisasjonen har redaktører i samarbeidet. Fjern eller endre rollene deres først.")
        )
    CostSharingWeight.objects.filter(
        key__collaboration=membership.collaboration, organisation=membership.organisation
    ).delete()
    membership.delete()


# --- Users and roles -----------------------------------------------------------------------


def _check_role(collaboration: Collaboration, kind: str, organisation: Organisation | None) -> None:
    if kind == Role.Kind.EDITOR:
        if organisation is None:
            raise ValidationError({"organisation": _("En redaktør må ha en organisasjon.")})
        if not Membership.objects.filter(
            collaboration=collaboration, organisation=organisation
        ).exists():
            raise ValidationError(
                {"organisation": _("Organisasjonen er ikke medlem av samarbeidet.")}
            )


@transaction.atomic
def role_assign(
    *,
    collaboration: Collaboration,
    user: User,
    kind: str,
    organisation: Organisation | None = None,
) -> Role:
    """Give a user a role in a collaboration, replacing any role the user had there."""
    if kind != Role.Kind.EDITOR:
        organisation = None
    _check_role(collaboration, kind, organisation)
    role = Role.objects.filter(user=user, collaboration=collaboration).first() or Role(
        user=user, collaboration=collaboration
    )
    role.kind = kind
    role.organisation = organisation
    role.full_clean()
    role.save()
    return role


@transaction.atomic
def role_remove(*, role: Role, acting_user: User) -> None:
    if role.kind == Role.Kind.ADMINISTRATOR and not (
        Role.objects.filter(collaboration=role.collaboration, kind=Role.Kind.ADMINISTRATOR)
        .exclude(pk=role.pk)
        .exists()
    ):
        raise ValidationError(_("Samarbeidet må ha minst én administrator."))
    if role.user_id == acting_user.pk:
        raise ValidationError(_("Du kan ikke fjerne din egen rolle."))
    role.delete()


@transaction.atomic
def user_invite(
    *,
    collaboration: Collaboration,
    email: str,
    first_name: str,
    last_name: str,
    kind: str,
    organisation: Organisation | None,
    invited_by: User,
    login_url: str,
) -> Role:
    """Give a person a role; create the account if the e-mail address is new.

    New accounts get no password: the e-mail tells them to set one through "forgot
    password", or to log in through the organisation's identity provider.
    """
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User(
            username=_unique_username(email),
            email=email,
            first_name=first_name,
            last_name=last_name,
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif Role.objects.filter(user=user, collaboration=collaboration).exists():
        raise ValidationError(
            {"email": _("%(email)s har allerede en rolle i samarbeidet.") % {"email": email}}
        )
    role = role_assign(collaboration=collaboration, user=user, kind=kind, organisation=organisation)
    if user.current_collaboration_id is None:
        user_switch_collaboration(user=user, collaboration=collaboration)
    subject = _("Du er invitert til %(collaboration)s i Samla") % {"collaboration": collaboration}
    body = _(
        "%(inviter)s har gitt deg rollen «%(role)s» i %(collaboration)s.\n\n"
        "Logg inn her: %(url)s\n"
    ) % {
        "inviter": invited_by,
        "role": role.get_kind_display(),
        "collaboration": collaboration,
        "url": login_url,
    }
    if created:
        body += _(
            "Første gang velger du «Glemt passord?» for å lage et passord, "
            "eller logger inn med organisasjonens innlogging.\n"
        )
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True)
    )
    return role


def _unique_username(email: str) -> str:
    base = email.split("@")[0][:140] or "bruker"
    candidate, number = base, 1
    while User.objects.filter(username=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


@transaction.atomic
def user_update_profile(*, user: User, first_name: str, last_name: str, email: str, language: str) -> User:
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.language = language
    user.full_clean()
    user.save()
    return user


# --- Cost-sharing keys ---------------------------------------------------------------------

COST_KEY_FIELDS = ("name", "method", "fixed_share_percent", "description")


def _validate_key(key: CostSharingKey) -> None:
    if key.method == CostSharingKey.Method.FIXED_PLUS_POPULATION and key.fixed_share_percent is None:
        raise ValidationError(
            {"fixed_share_percent": _("Oppgi den faste andelen i prosent, for eksempel 30.")}
        )
    if key.method != CostSharingKey.Method.FIXED_PLUS_POPULATION:
        key.fixed_share_percent = None


@transaction.atomic
def cost_sharing_key_create(
    *,
    collaboration: Collaboration,
    weights: Mapping[Organisation, Decimal] | None = None,
    **fields: Any,
) -> CostSharingKey:
    key = CostSharingKey(collaboration=collaboration)
    _apply(key, fields, COST_KEY_FIELDS)
    _validate_key(key)
    key.full_clean()
    key.save()
    if key.method == CostSharingKey.Method.CUSTOM:
        cost_sharing_key_set_weights(key=key, weights=weights or {})
    return key


@transaction.atomic
def cost_sharing_key_update(
    *,
    key: CostSharingKey,
    weights: Mapping[Organisation, Decimal] | None = None,
    **fields: Any,
) -> CostSharingKey:
    _apply(key, fields, COST_KEY_FIELDS)
    _validate_key(key)
    key.full_clean()
    key.save()
    if key.method != CostSharingKey.Method.CUSTOM:
        key.weights.all().delete()
    elif weights is not None:
        cost_sharing_key_set_weights(key=key, weights=weights)
    elif not key.weights.filter(weight__gt=0).exists():
        raise ValidationError(_("Minst én organisasjon må ha en vekt større enn null."))
    return key


@transaction.atomic
def cost_sharing_key_set_weights(
    *, key: CostSharingKey, weights: Mapping[Organisation, Decimal]
) -> None:
    member_ids = set(
        Membership.objects.filter(collaboration=key.collaboration).values_list(
            "organisation_id", flat=True
        )
    )
    for organisation, weight in weights.items():
        if organisation.pk not in member_ids:
            raise ValidationError(_("%(name)s er ikke medlem av samarbeidet.") % {"name": organisation})
        if weight is None or weight < 0:
            raise ValidationError(_("Vektene kan ikke være negative."))
    if not any(weight > 0 for weight in weights.values()):
        raise ValidationError(_("Minst én organisasjon må ha en vekt større enn null."))
    key.weights.exclude(organisation__in=list(weights)).delete()
    for organisation, weight in weights.items():
        row = CostSharingWeight.objects.filter(key=key, organisation=organisation).first() or CostSharingWeight(
            key=key, organisation=organisation
        )
        row.weight = weight
        row.full_clean()
        row.save()


@transaction.atomic
def cost_sharing_key_delete(*, key: CostSharingKey) -> None:
    key.delete()


@dataclass(frozen=True)
class Share:
    organisation: Organisation
    weight: Decimal
    fraction: Decimal
    amount: Decimal


def cost_sharing_split(
    *, key: CostSharingKey, amount: Decimal, on_date: datetime.date | None = None
) -> list[Share]:
    """Split ``amount`` between the members on ``on_date`` (default today) by the key.

    Members without a population count as zero under population keys; if no member has a
    population, a population key refuses to split (a fixed + population key shares all equally).
    """
    from samla.organisations.selectors import active_members

    on_date = on_date or today()
    organisations = [m.organisation for m in active_members(key.collaboration, on_date=on_date)]
    if not organisations:
        raise ValidationError(_("Samarbeidet har ingen medlemmer på denne datoen."))
    population = {org: org.population or 0 for org in organisations}
    method = key.method
    if method == CostSharingKey.Method.POPULATION and sum(population.values()) == 0:
        raise ValidationError(
            _("Ingen av medlemmene har innbyggertall. Legg inn innbyggertall eller velg en annen nøkkel.")
        )
    weights: dict[Organisation, Decimal]
    if method == CostSharingKey.Method.POPULATION:
        weights = sharing.population_weights(population)
    elif method == CostSharingKey.Method.EQUAL:
        weights = sharing.equal_weights(organisations)
    elif method == CostSharingKey.Method.FIXED_PLUS_POPULATION:
        weights = sharing.fixed_plus_population_weights(
            population, key.fixed_share_percent or Decimal(0)
        )
    else:
        stored = {w.organisation_id: w.weight for w in key.weights.all()}
        weights = {org: stored.get(org.pk, Decimal(0)) for org in organisations}
    try:
        fractions = sharing.normalise_weights(weights)
        amounts = sharing.split_amount(amount, weights)
    except sharing.SharingError as exc:
        raise ValidationError(_("Nøkkelen kan ikke fordele beløpet: vektene er null.")) from exc
    return [
        Share(organisation=org, weight=weights[org], fraction=fractions[org], amount=amounts[org])
        for org in organisations
    ]


# --- API tokens ----------------------------------------------------------------------------

TOKEN_PREFIX = "samla_"


def api_token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the plain text is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Gi nøkkelen et navn.")})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], digest=api_token_digest(plain), prefix=plain[:12]
    )
    return token, plain


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = now()
        token.save(update_fields=["revoked_at"])


def api_token_authenticate(plain: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=api_token_digest(plain), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    moment = now()
    if token.last_used_at is None or (moment - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    return token.user
