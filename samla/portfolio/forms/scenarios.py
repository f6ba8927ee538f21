"""Forms for scenarios: the settings of a run (years, objective, share of the pot,
carry-forward, capacity, forced in and out), the choice of scenarios to compare, and the
portfolio board's decision. A proposal both forced in and held out is refused by the service
with the proposal named."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.core.dates import today
from samla.governance.models import Decision
from samla.organisations.models import Collaboration
from samla.portfolio.models import Proposal, Scenario
from samla.portfolio.services import OPEN_STATUSES


def _candidates(collaboration: Collaboration) -> Any:
    return Proposal.objects.filter(collaboration=collaboration, status__in=OPEN_STATUSES).order_by(
        "title"
    )


class ProposalChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Proposal) -> str:  # type: ignore[override]
        return str(obj)


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=200)
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    first_year = forms.IntegerField(label=_("Første år"), min_value=2000, max_value=2100)
    years = forms.IntegerField(
        label=_("Antall år"),
        min_value=1,
        max_value=10,
        initial=5,
        error_messages={
            "min_value": _("Velg fra 1 til 10 år."),
            "max_value": _("Velg fra 1 til 10 år."),
        },
    )
    objective = forms.ChoiceField(label=_("Maksimer"), choices=Scenario.Objective.choices)
    budget_percent = forms.IntegerField(
        label=_("Budsjett i prosent av potten"),
        min_value=10,
        max_value=500,
        initial=100,
        help_text=_("100 betyr hele potten hvert år; 80 betyr at 20 % holdes igjen."),
        error_messages={
            "min_value": _("Velg mellom 10 og 500 prosent."),
            "max_value": _("Velg mellom 10 og 500 prosent."),
        },
    )
    carry_forward = forms.BooleanField(
        label=_("Ubrukte midler overføres til neste år"), required=False, initial=True
    )
    use_capacity = forms.BooleanField(label=_("Ta hensyn til kapasitet i timer"), required=False)
    forced_in = ProposalChoices(
        label=_("Tvunget inn"),
        queryset=Proposal.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Forslag som må være med, for eksempel fordi de er lovpålagte."),
    )
    forced_out = ProposalChoices(
        label=_("Holdt utenfor"),
        queryset=Proposal.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Forslag som ikke skal vurderes i dette scenarioet."),
    )

    def __init__(
        self,
        *args: Any,
        collaboration: Collaboration,
        instance: Scenario | None = None,
        **kwargs: Any,
    ) -> None:
        if "initial" not in kwargs:
            if instance is not None:
                kwargs["initial"] = {
                    "name": instance.name,
                    "description": instance.description,
                    "first_year": instance.first_year,
                    "years": instance.years,
                    "objective": instance.objective,
                    "budget_percent": int(instance.budget_factor * 100),
                    "carry_forward": instance.carry_forward,
                    "use_capacity": instance.use_capacity,
                    "forced_in": [str(p.uuid) for p in instance.forced_in.all()],
                    "forced_out": [str(p.uuid) for p in instance.forced_out.all()],
                }
            else:
                kwargs["initial"] = {"first_year": today().year + 1}
        super().__init__(*args, **kwargs)
        for name in ("forced_in", "forced_out"):
            field: Any = self.fields[name]
            field.queryset = _candidates(collaboration)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["budget_factor"] = Decimal(data.pop("budget_percent")) / 100
        data["forced_in"] = list(data["forced_in"])
        data["forced_out"] = list(data["forced_out"])
        return data


class DecisionChoiceForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=_("Vedtak i beslutningsregisteret"),
        queryset=Decision.objects.none(),
        to_field_name="uuid",
        help_text=_(
            "Porteføljestyrets vedtak som velger dette scenarioet. Etterpå kan scenarioet ikke endres."
        ),
        error_messages={
            "required": _("Velg vedtaket."),
            "invalid_choice": _("Velg et vedtak fra listen."),
        },
    )

    def __init__(self, *args: Any, collaboration: Collaboration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["decision"]
        field.queryset = (
            Decision.objects.filter(collaboration=collaboration)
            .select_related("body")
            .order_by("-decided_on", "-sequence")
        )
