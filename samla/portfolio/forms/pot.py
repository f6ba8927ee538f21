"""Forms for the investment pot: a year with its capacity and one contribution per member,
and the computation of the contributions from a total and a cost-sharing key. They check
what was typed (numbers, not negative); the services check the rest and write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.core.forms import AmountField
from samla.organisations.models import Collaboration, CostSharingKey, Organisation
from samla.portfolio.models import PotYear

NOT_NEGATIVE = _("Beløpet kan ikke være negativt.")


def _plain(amount: Decimal) -> Decimal:
    """10000000.00 shown as 10000000, 1234.50 as 1234.50."""
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


def member_field_name(organisation: Organisation) -> str:
    return f"member_{organisation.uuid.hex}"


class PotYearForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    capacity_hours = AmountField(
        label=_("Kapasitet (timer)"),
        required=False,
        min_value=Decimal(0),
        decimal_places=0,
        help_text=_(
            "Timer samarbeidet kan sette inn i porteføljen dette året. Tomt: ingen grense."
        ),
        error_messages={"min_value": _("Kapasiteten kan ikke være negativ.")},
    )

    def __init__(
        self,
        *args: Any,
        members: list[Organisation],
        instance: PotYear | None = None,
        contributions: dict[int, Decimal] | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {"year": instance.year, "capacity_hours": instance.capacity_hours}
            for organisation in members:
                amount = (contributions or {}).get(organisation.pk)
                if amount is not None:
                    kwargs["initial"][member_field_name(organisation)] = _plain(amount)
        super().__init__(*args, **kwargs)
        self.members = members
        for organisation in members:
            self.fields[member_field_name(organisation)] = AmountField(
                label=_("Bidrag fra %(name)s (kr)") % {"name": organisation.name},
                required=False,
                min_value=Decimal(0),
                max_digits=16,
                decimal_places=2,
                error_messages={"min_value": NOT_NEGATIVE},
            )

    def amounts(self) -> dict[Organisation, Decimal | None]:
        return {org: self.cleaned_data.get(member_field_name(org)) for org in self.members}


class ContributionsComputeForm(forms.Form):
    total = AmountField(
        label=_("Beløp som skal fordeles (kr)"),
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=2,
        error_messages={"min_value": NOT_NEGATIVE},
    )
    key = forms.ModelChoiceField(
        label=_("Kostnadsfordelingsnøkkel"),
        queryset=CostSharingKey.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("Etter innbyggertall"),
        help_text=_("Bidragene som er registrert for året, erstattes."),
    )

    def __init__(self, *args: Any, collaboration: Collaboration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["key"]
        field.queryset = CostSharingKey.objects.filter(collaboration=collaboration).order_by("name")
