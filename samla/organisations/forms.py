"""Forms for the organisations app. They validate; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.core.forms import AmountField, DateField, DateInput
from samla.core.validators import validate_organisation_number
from samla.organisations.models import (
    Collaboration,
    CostSharingKey,
    Membership,
    Organisation,
    Role,
    User,
)
from samla.organisations.services import ORGANISATION_FIELDS


class CollaborationForm(forms.ModelForm):
    procurement_threshold = AmountField(
        label=_("terskelverdi for anskaffelser (kr)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("Avtaler med høyere estimert verdi flagges i avtaletidslinjen."),
    )

    class Meta:
        model = Collaboration
        fields = [
            "name",
            "slug",
            "kind",
            "description",
            "planning_horizon_years",
            "procurement_threshold",
            "require_admin_totp",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)
        widgets = {"population_date": DateInput()}
        error_messages = {
            "population": {"min_value": _("Innbyggertallet kan ikke være negativt.")},
            "employees": {"min_value": _("Antall ansatte kan ikke være negativt.")},
        }

    organisation_number = forms.CharField(
        label=_("organisasjonsnummer"),
        max_length=11,
        required=False,
        help_text=_("Ni siffer fra Enhetsregisteret."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["population_date"] = DateField(
            label=_("innbyggertall per"), required=False
        )
        self.fields["organisation_number"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off"}
        )
        self.fields["municipality_number"].widget.attrs.update({"inputmode": "numeric"})

    def clean_organisation_number(self) -> str | None:
        value = (self.cleaned_data.get("organisation_number") or "").replace(" ", "").replace("\xa0", "")
        if not value:
            return None
        validate_organisation_number(value)
        taken = Organisation.objects.filter(organisation_number=value).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _(
                    "En organisasjon med dette organisasjonsnummeret finnes allerede. "
                    "Legg den til under Medlemmer i stedet."
                )
            )
        return value


def check_membership_period(form: forms.BaseForm, data: dict[str, Any]) -> dict[str, Any]:
    start, end = data.get("valid_from"), data.get("valid_to")
    if start and end and end < start:
        form.add_error("valid_to", _("Sluttdatoen kan ikke være før startdatoen."))
    return data


class MembershipFieldsMixin(forms.Form):
    valid_from = DateField(label=_("Medlem fra"), required=False)
    valid_to = DateField(label=_("Medlem til"), required=False)
    is_host = forms.BooleanField(label=_("Vertskommune"), required=False)

    def clean(self) -> dict[str, Any]:
        return check_membership_period(self, super().clean() or {})


class NewMemberOrganisationForm(OrganisationForm):
    valid_from = DateField(label=_("Medlem fra"), required=False)
    valid_to = DateField(label=_("Medlem til"), required=False)
    is_host = forms.BooleanField(label=_("Vertskommune"), required=False)

    def clean(self) -> dict[str, Any]:
        return check_membership_period(self, super().clean() or {})


class MembershipForm(MembershipFieldsMixin):
    pass


class AddExistingMemberForm(MembershipFieldsMixin):
    organisation_number = forms.CharField(
        label=_("Organisasjonsnummer"),
        max_length=11,
        help_text=_("Organisasjonen må allerede være registrert i Samla."),
    )

    def __init__(self, *args: Any, collaboration: Collaboration, **kwargs: Any) -> None:
        self.collaboration = collaboration
        super().__init__(*args, **kwargs)
        self.fields["organisation_number"].widget.attrs.update({"inputmode": "numeric"})

    def clean_organisation_number(self) -> Organisation:
        number = self.cleaned_data["organisation_number"].replace(" ", "")
        organisation = Organisation.objects.filter(organisation_number=number).first()
        if organisation is None:
            raise forms.ValidationError(
                _("Fant ingen organisasjon med organisasjonsnummer %(number)s. Registrer den som ny."),
                params={"number": number},
            )
        if Membership.objects.filter(
            collaboration=self.collaboration, organisation=organisation
        ).exists():
            raise forms.ValidationError(
                _("%(name)s er allerede medlem av samarbeidet."), params={"name": organisation}
            )
        return organisation


class MemberOrganisationChoiceField(forms.ModelChoiceField):
    def __init__(self, collaboration: Collaboration, **kwargs: Any) -> None:
        super().__init__(
            queryset=Organisation.objects.filter(memberships__collaboration=collaboration),
            to_field_name="uuid",
            **kwargs,
        )


class RoleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rolle"), choices=Role.Kind.choices)

    def __init__(self, *args: Any, collaboration: Collaboration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = MemberOrganisationChoiceField(
            collaboration,
            label=_("Organisasjon (for redaktører)"),
            required=False,
            empty_label=_("– ingen –"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Role.Kind.EDITOR and not data.get("organisation"):
            self.add_error("organisation", _("Velg organisasjonen redaktøren skal kunne endre."))
        return data


class InviteForm(RoleForm):
    email = forms.EmailField(label=_("E-post"))
    first_name = forms.CharField(label=_("Fornavn"), max_length=150)
    last_name = forms.CharField(label=_("Etternavn"), max_length=150)
    field_order = ["email", "first_name", "last_name", "kind", "organisation"]


class CostSharingKeyForm(forms.ModelForm):
    fixed_share_percent = AmountField(
        label=_("Fast andel (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Bare for «fast andel + innbyggertall»: delen som deles likt, f.eks. 30."),
    )

    class Meta:
        model = CostSharingKey
        fields = ["name", "method", "fixed_share_percent", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, members: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        stored = {}
        if self.instance.pk:
            stored = {w.organisation_id: w.weight for w in self.instance.weights.all()}
        for membership in members:
            organisation = membership.organisation
            self.fields[self.weight_field_name(organisation)] = AmountField(
                label=organisation.name,
                required=False,
                min_value=0,
                initial=stored.get(organisation.pk),
            )

    @staticmethod
    def weight_field_name(organisation: Organisation) -> str:
        return f"weight_{organisation.uuid.hex}"

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[self.weight_field_name(m.organisation)] for m in self.members]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("method")
        if method == CostSharingKey.Method.FIXED_PLUS_POPULATION and data.get("fixed_share_percent") is None:
            self.add_error("fixed_share_percent", _("Oppgi den faste andelen i prosent, for eksempel 30."))
        if method == CostSharingKey.Method.CUSTOM:
            weights = self.weights()
            if not any(w > 0 for w in weights.values()):
                self.add_error(None, _("Med egne vekter må minst én organisasjon ha en vekt større enn null."))
        return data

    def weights(self) -> dict[Organisation, Any]:
        result = {}
        for membership in self.members:
            value = self.cleaned_data.get(self.weight_field_name(membership.organisation))
            if value is not None:
                result[membership.organisation] = value
        return result


class SplitForm(forms.Form):
    amount = AmountField(label=_("Beløp (kr)"), max_digits=16, decimal_places=2)
    on_date = DateField(label=_("Medlemmer per dato"), required=False)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "language"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Navn på nøkkelen"), max_length=100)
