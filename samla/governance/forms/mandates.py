"""Forms for the project mandate and its parts. They check what the user typed; the services
write and check the rest (people and organisations of the collaboration, one zero
alternative, no duplicate lines)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.core.forms import AmountField, DateField
from samla.governance.models import (
    Concept,
    CostLine,
    Mandate,
    MandateRole,
    ResourceLine,
    SubGoal,
)
from samla.organisations.access import CollaborationAccess
from samla.organisations.models import CostSharingKey, Organisation, User


def _textarea(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _members(access: CollaborationAccess) -> Any:
    return Organisation.objects.filter(memberships__collaboration=access.collaboration).order_by(
        "name"
    )


def _people(access: CollaborationAccess) -> Any:
    return (
        User.objects.filter(roles__collaboration=access.collaboration, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class MandateForm(forms.ModelForm):
    class Meta:
        model = Mandate
        fields = [
            "background",
            "purpose",
            "main_goal",
            "expected_results",
            "scope",
            "limits",
            "frames",
            "risk_summary",
            "quality_assurance",
            "reporting_cadence",
            "reporting",
            "financing_note",
        ]
        widgets = {
            name: _textarea(3 if name in {"main_goal", "purpose"} else 5)
            for name in fields
            if name != "reporting_cadence"
        }


class SubGoalForm(forms.ModelForm):
    deadline = DateField(label=_("Frist"), required=False)

    class Meta:
        model = SubGoal
        fields = ["text", "measure", "target", "deadline"]
        widgets = {"text": _textarea(3)}


class ConceptForm(forms.ModelForm):
    class Meta:
        model = Concept
        fields = ["name", "description", "is_zero", "is_chosen"]
        widgets = {"description": _textarea(4)}
        help_texts = {
            "is_zero": _("Dagens situasjon videreført: det alternativet de andre måles mot."),
            "is_chosen": _("Konseptet prosjektet anbefaler. Bare ett kan være anbefalt."),
        }


class MandateRoleForm(forms.ModelForm):
    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        to_field_name="uuid",
        label=_("Person"),
        required=False,
        empty_label=_("Ingen bruker – skriv navnet under"),
        help_text=_("Velg blant samarbeidets brukere."),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        label=_("Representerer"),
        required=False,
        empty_label=_("Ingen bestemt organisasjon"),
        help_text=_("Organisasjonen personen representerer i prosjektet."),
    )

    class Meta:
        model = MandateRole
        fields = ["kind", "user", "name", "group", "title", "organisation"]

    def __init__(self, *args: Any, access: CollaborationAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _people(access)  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = _members(access)  # type: ignore[attr-defined]
        # The choices are named by uuid, so the stored choices must be shown by uuid too.
        if self.instance.pk is not None:
            self.initial["user"] = self.instance.user.uuid if self.instance.user_id else None
            self.initial["organisation"] = (
                self.instance.organisation.uuid if self.instance.organisation_id else None
            )


class CostLineForm(forms.ModelForm):
    amount = AmountField(
        label=_("Beløp (kr)"), min_value=Decimal(0), max_digits=16, decimal_places=2
    )

    class Meta:
        model = CostLine
        fields = ["kind", "name", "year", "amount"]


class FinancingForm(forms.Form):
    """One source: a member organisation or another source (not both)."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        label=_("Organisasjon"),
        required=False,
        empty_label=_("Annen kilde – skriv den under"),
    )
    source = forms.CharField(
        label=_("Annen kilde"),
        max_length=200,
        required=False,
        help_text=_("For eksempel «Difi» eller «Skjønnsmidler»."),
    )
    amount = AmountField(
        label=_("Beløp (kr)"), min_value=Decimal(0), max_digits=16, decimal_places=2
    )

    def __init__(self, *args: Any, access: CollaborationAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _members(access)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organisation, source = data.get("organisation"), (data.get("source") or "").strip()
        data["source"] = source
        if organisation is None and not source:
            raise forms.ValidationError(_("Velg en organisasjon eller skriv en annen kilde."))
        if organisation is not None and source:
            raise forms.ValidationError(
                _("Velg enten en organisasjon eller skriv en annen kilde, ikke begge.")
            )
        return data


class FinancingComputeForm(forms.Form):
    key = forms.ModelChoiceField(
        queryset=CostSharingKey.objects.none(),
        to_field_name="uuid",
        label=_("Fordelingsnøkkel"),
        required=False,
        empty_label=_("Etter innbyggertall"),
    )
    amount = AmountField(
        label=_("Beløp som skal fordeles (kr)"),
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=2,
        required=False,
        help_text=_("Tomt: de direkte kostnadene minus andre kilder."),
    )

    def __init__(self, *args: Any, access: CollaborationAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].queryset = CostSharingKey.objects.filter(  # type: ignore[attr-defined]
            collaboration=access.collaboration
        ).order_by("name")


class ResourceLineForm(forms.ModelForm):
    hours_per_meeting = AmountField(
        label=_("Gj.snitt timer per møte"), min_value=Decimal(0), max_digits=8, decimal_places=2
    )
    hourly_rate = AmountField(
        label=_("Timepris (kr)"),
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        initial=Decimal(500),
        help_text=_("Intern kalkulatorisk timepris, for eksempel 500 kr."),
    )

    class Meta:
        model = ResourceLine
        fields = ["forum", "persons", "meetings", "hours_per_meeting", "hourly_rate"]
