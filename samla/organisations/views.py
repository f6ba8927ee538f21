"""Pages for a collaboration: dashboard, organisations, members, users and roles, keys."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samla.core import locking
from samla.core.decorators import collaboration_view
from samla.core.history import history_of
from samla.organisations import selectors, services
from samla.organisations.access import (
    CollaborationAccess,
    access_collaboration,
    access_cost_sharing_key,
    access_membership,
    access_organisation,
    access_role,
)
from samla.organisations.forms import (
    AddExistingMemberForm,
    ApiTokenForm,
    CollaborationForm,
    CostSharingKeyForm,
    InviteForm,
    MembershipForm,
    NewMemberOrganisationForm,
    OrganisationForm,
    ProfileForm,
    RoleForm,
    SplitForm,
)
from samla.organisations.models import ApiToken, CostSharingKey, Role


def _add_validation_error(form, exc: ValidationError) -> None:  # type: ignore[no-untyped-def]
    """Attach a service's ValidationError to the form so the page shows it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Home and switching ----------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Go to the chosen collaboration, or list the ones the user can choose between."""
    collaborations = list(selectors.collaborations_for_user(request.user))  # type: ignore[arg-type]
    current = request.user.current_collaboration  # type: ignore[union-attr]
    if current and current in collaborations:
        return redirect("organisations:dashboard", slug=current.slug)
    if len(collaborations) == 1:
        return redirect("organisations:dashboard", slug=collaborations[0].slug)
    return render(request, "organisations/choose_collaboration.html", {"collaborations": collaborations})


@login_required
@require_POST
def switch_collaboration(request: HttpRequest) -> HttpResponse:
    access = access_collaboration(request.user, request.POST.get("slug", ""))  # type: ignore[arg-type]
    services.user_switch_collaboration(user=request.user, collaboration=access.collaboration)  # type: ignore[arg-type]
    return redirect("organisations:dashboard", slug=access.collaboration.slug)


@login_required
def collaboration_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:  # type: ignore[union-attr]
        raise PermissionDenied
    form = CollaborationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        collaboration = services.collaboration_create(created_by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Samarbeidet er opprettet."))
        return redirect("organisations:dashboard", slug=collaboration.slug)
    return render(request, "organisations/collaboration_form.html", {"form": form, "creating": True})


@collaboration_view
def dashboard(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    collaboration = access.collaboration
    if request.user.current_collaboration_id != collaboration.pk:  # type: ignore[union-attr]
        services.user_switch_collaboration(user=request.user, collaboration=collaboration)  # type: ignore[arg-type]
    return render(
        request,
        "organisations/dashboard.html",
        {
            "summary": selectors.collaboration_summary(collaboration),
            "members": selectors.members(collaboration),
        },
    )


@collaboration_view
def collaboration_edit(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_administrator()
    collaboration = access.collaboration
    form = CollaborationForm(request.POST or None, instance=collaboration)
    if request.method == "POST" and form.is_valid():
        with locking.checked(request, collaboration):
            services.collaboration_update(collaboration=collaboration, **form.cleaned_data)
        messages.success(request, _("Endringene er lagret."))
        return redirect("organisations:collaboration_edit", slug=collaboration.slug)
    return render(
        request,
        "organisations/collaboration_form.html",
        {"form": form, "history": history_of(collaboration)},
    )


# --- Organisations ---------------------------------------------------------------------------


@collaboration_view
def organisation_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    return render(
        request,
        "organisations/organisation_list.html",
        {"members": selectors.members(access.collaboration)},
    )


@collaboration_view
def organisation_detail(request: HttpRequest, access: CollaborationAccess, organisation_id: str) -> HttpResponse:
    organisation = access_organisation(access, organisation_id)
    membership = selectors.members(access.collaboration).get(organisation=organisation)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "membership": membership,
            "may_edit": access.may_edit_organisation(organisation),
            "history": history_of(organisation),
        },
    )


@collaboration_view
def organisation_edit(request: HttpRequest, access: CollaborationAccess, organisation_id: str) -> HttpResponse:
    organisation = access_organisation(access, organisation_id, for_change=True)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            with locking.checked(request, organisation):
                services.organisation_update(organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect(
                "organisations:organisation_detail",
                slug=access.collaboration.slug,
                organisation_id=organisation.uuid,
            )
    return render(request, "organisations/organisation_form.html", {"form": form, "organisation": organisation})


@collaboration_view
def organisation_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    form = NewMemberOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.organisation_create_as_member(
                collaboration=access.collaboration, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s er registrert som medlem.") % {"name": membership.organisation})
            return redirect(
                "organisations:organisation_detail",
                slug=access.collaboration.slug,
                organisation_id=membership.organisation.uuid,
            )
    return render(request, "organisations/organisation_form.html", {"form": form, "creating": True})


# --- Members ---------------------------------------------------------------------------------


@collaboration_view
def member_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    form = AddExistingMemberForm(request.POST or None, collaboration=access.collaboration)
    if request.method == "POST":
        access.require_manager()
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.membership_create(
                    collaboration=access.collaboration,
                    organisation=data["organisation_number"],
                    valid_from=data["valid_from"],
                    valid_to=data["valid_to"],
                    is_host=data["is_host"],
                )
            except ValidationError as exc:
                _add_validation_error(form, exc)
            else:
                messages.success(request, _("Medlemmet er lagt til."))
                return redirect("organisations:member_list", slug=access.collaboration.slug)
    return render(
        request,
        "organisations/member_list.html",
        {"members": selectors.members(access.collaboration), "form": form},
    )


@collaboration_view
def member_edit(request: HttpRequest, access: CollaborationAccess, membership_id: str) -> HttpResponse:
    membership = access_membership(access, membership_id, for_change=True)
    initial = {"valid_from": membership.valid_from, "valid_to": membership.valid_to, "is_host": membership.is_host}
    form = MembershipForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with locking.checked(request, membership):
                services.membership_update(membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("Medlemskapet er oppdatert."))
            return redirect("organisations:member_list", slug=access.collaboration.slug)
    return render(
        request,
        "organisations/member_form.html",
        {"form": form, "membership": membership, "history": history_of(membership)},
    )


@collaboration_view
@require_POST
def member_remove(request: HttpRequest, access: CollaborationAccess, membership_id: str) -> HttpResponse:
    membership = access_membership(access, membership_id, for_change=True)
    try:
        services.membership_delete(membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s er fjernet fra samarbeidet.") % {"name": membership.organisation})
    return redirect("organisations:member_list", slug=access.collaboration.slug)


# --- Users and roles -------------------------------------------------------------------------


@collaboration_view
def role_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    return render(request, "organisations/role_list.html", {"roles": selectors.roles(access.collaboration)})


@collaboration_view
def role_invite(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_administrator()
    form = InviteForm(request.POST or None, collaboration=access.collaboration)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_invite(
                collaboration=access.collaboration,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                kind=data["kind"],
                organisation=data.get("organisation"),
                invited_by=request.user,  # type: ignore[arg-type]
                login_url=request.build_absolute_uri(reverse("account_login")),
            )
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("%(email)s har fått tilgang.") % {"email": data["email"]})
            return redirect("organisations:role_list", slug=access.collaboration.slug)
    return render(request, "organisations/role_form.html", {"form": form, "creating": True})


@collaboration_view
def role_edit(request: HttpRequest, access: CollaborationAccess, role_id: str) -> HttpResponse:
    role = access_role(access, role_id, for_change=True)
    initial = {"kind": role.kind, "organisation": role.organisation.uuid if role.organisation else None}
    form = RoleForm(request.POST or None, initial=initial, collaboration=access.collaboration)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if role.user_id == request.user.pk and data["kind"] != Role.Kind.ADMINISTRATOR:
            form.add_error("kind", _("Du kan ikke ta fra deg selv administratorrollen."))
        else:
            try:
                with locking.checked(request, role):
                    services.role_assign(
                        collaboration=access.collaboration,
                        user=role.user,
                        kind=data["kind"],
                        organisation=data.get("organisation"),
                    )
            except ValidationError as exc:
                _add_validation_error(form, exc)
            else:
                messages.success(request, _("Rollen er endret."))
                return redirect("organisations:role_list", slug=access.collaboration.slug)
    return render(
        request,
        "organisations/role_form.html",
        {"form": form, "role": role, "history": history_of(role)},
    )


@collaboration_view
@require_POST
def role_remove(request: HttpRequest, access: CollaborationAccess, role_id: str) -> HttpResponse:
    role = access_role(access, role_id, for_change=True)
    try:
        services.role_remove(role=role, acting_user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Tilgangen er fjernet."))
    return redirect("organisations:role_list", slug=access.collaboration.slug)


# --- Cost-sharing keys -----------------------------------------------------------------------


@collaboration_view
def cost_key_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    return render(
        request,
        "organisations/cost_key_list.html",
        {"keys": selectors.cost_sharing_keys(access.collaboration)},
    )


def _split_context(key: CostSharingKey, form: SplitForm) -> dict[str, object]:
    context: dict[str, object] = {"split_form": form, "key": key}
    if form.is_bound and form.is_valid():
        try:
            shares = services.cost_sharing_split(
                key=key, amount=form.cleaned_data["amount"], on_date=form.cleaned_data["on_date"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            context["shares"] = shares
            context["total"] = sum((s.amount for s in shares), start=0)
    return context


@collaboration_view
def cost_key_detail(request: HttpRequest, access: CollaborationAccess, key_id: str) -> HttpResponse:
    key = access_cost_sharing_key(access, key_id)
    form = SplitForm(request.GET if "amount" in request.GET else None)
    context = _split_context(key, form)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "organisations/partials/_split.html", context)
    context["history"] = history_of(key)
    return render(request, "organisations/cost_key_detail.html", context)


@collaboration_view
def cost_key_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    members = list(selectors.members(access.collaboration))
    form = CostSharingKeyForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("name", "method", "fixed_share_percent", "description")}
        try:
            key = services.cost_sharing_key_create(
                collaboration=access.collaboration, weights=form.weights(), **data
            )
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("Fordelingsnøkkelen er lagret."))
            return redirect("organisations:cost_key_detail", slug=access.collaboration.slug, key_id=key.uuid)
    return render(request, "organisations/cost_key_form.html", {"form": form, "creating": True})


@collaboration_view
def cost_key_edit(request: HttpRequest, access: CollaborationAccess, key_id: str) -> HttpResponse:
    key = access_cost_sharing_key(access, key_id, for_change=True)
    members = list(selectors.members(access.collaboration))
    form = CostSharingKeyForm(request.POST or None, instance=key, members=members)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("name", "method", "fixed_share_percent", "description")}
        try:
            with locking.checked(request, key):
                services.cost_sharing_key_update(key=key, weights=form.weights(), **data)
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("Fordelingsnøkkelen er lagret."))
            return redirect("organisations:cost_key_detail", slug=access.collaboration.slug, key_id=key.uuid)
    return render(request, "organisations/cost_key_form.html", {"form": form, "key": key})


@collaboration_view
@require_POST
def cost_key_delete(request: HttpRequest, access: CollaborationAccess, key_id: str) -> HttpResponse:
    key = access_cost_sharing_key(access, key_id, for_change=True)
    services.cost_sharing_key_delete(key=key)
    messages.success(request, _("Fordelingsnøkkelen er slettet."))
    return redirect("organisations:cost_key_list", slug=access.collaboration.slug)


# --- Own profile and API tokens --------------------------------------------------------------


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Profilen er lagret."))
        return redirect("organisations:profile")
    return render(
        request,
        "organisations/profile.html",
        {
            "form": form,
            "token_form": ApiTokenForm(),
            "tokens": selectors.api_tokens(request.user),  # type: ignore[arg-type]
            "roles": Role.objects.filter(user=request.user).select_related("collaboration", "organisation"),  # type: ignore[misc]
        },
    )


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "organisations/profile.html",
            {
                "form": ProfileForm(instance=request.user),
                "token_form": form,
                "tokens": selectors.api_tokens(request.user),  # type: ignore[arg-type]
            },
            status=400,
        )
    token, plain = services.api_token_create(user=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
    return render(request, "organisations/api_token_created.html", {"token": token, "plain": plain})


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    token = get_object_or_404(ApiToken, uuid=token_id, user=request.user)
    services.api_token_revoke(token=token)
    messages.success(request, _("API-nøkkelen er trukket tilbake."))
    return redirect("organisations:profile")
