"""Forms for risks and status reports. They check what the user typed (a probability outside
1–5, a month, amounts); the services check the rest (a published report, owners from the
collaboration) and write."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.core.dates import today
from samla.core.forms import AmountField
from samla.governance.models import (
    DIMENSION_LABELS,
    STATUS_DIMENSIONS,
    RagStatus,
    Risk,
    StatusCostLine,
    StatusReport,
)
from samla.organisations.models import Collaboration, User

PROBABILITY_CHOICES = [
    (1, _("1 – svært lite sannsynlig")),
    (2, _("2 – lite sannsynlig")),
    (3, _("3 – moderat sannsynlig")),
    (4, _("4 – sannsynlig")),
    (5, _("5 – svært sannsynlig")),
]
IMPACT_CHOICES = [
    (1, _("1 – ubetydelig")),
    (2, _("2 – liten")),
    (3, _("3 – moderat")),
    (4, _("4 – alvorlig")),
    (5, _("5 – svært alvorlig")),
]


def _one_to_five(
    label: Any, choices: list[tuple[int, Any]], message: Any, *, required: bool = True
) -> forms.TypedChoiceField:
    """A score from 1 to 5; anything else (0, 6, «høy») gets ``message``."""
    blank: list[tuple[Any, Any]] = [] if required else [("", _("Ikke vurdert"))]
    return forms.TypedChoiceField(
        label=label,
        choices=blank + choices,
        coerce=int,
        empty_value=None,
        required=required,
        error_messages={"invalid_choice": message, "required": message},
    )


def collaboration_users(collaboration: Collaboration) -> Any:
    return User.objects.filter(roles__collaboration=collaboration).order_by(
        "first_name", "last_name", "username"
    )


def _initial(instance: Any, names: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names} if instance is not None else {}


class RiskForm(forms.Form):
    title = forms.CharField(label=_("Risiko"), max_length=300, help_text=_("Kort: hva kan skje?"))
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    cause = forms.CharField(
        label=_("Årsak"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    consequence = forms.CharField(
        label=_("Konsekvens"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    probability = _one_to_five(
        _("Sannsynlighet (1–5)"), PROBABILITY_CHOICES, _("Sannsynligheten må være fra 1 til 5.")
    )
    impact = _one_to_five(
        _("Konsekvensgrad (1–5)"), IMPACT_CHOICES, _("Konsekvensen må være fra 1 til 5.")
    )
    strategy = forms.ChoiceField(label=_("Strategi"), choices=Risk.Strategy.choices)
    measures = forms.CharField(
        label=_("Tiltak"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    residual_probability = _one_to_five(
        _("Sannsynlighet etter tiltak (1–5)"),
        PROBABILITY_CHOICES,
        _("Sannsynligheten etter tiltak må være fra 1 til 5."),
        required=False,
    )
    residual_impact = _one_to_five(
        _("Konsekvensgrad etter tiltak (1–5)"),
        IMPACT_CHOICES,
        _("Konsekvensen etter tiltak må være fra 1 til 5."),
        required=False,
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        to_field_name="uuid",
        label=_("Risikoeier"),
        required=False,
        empty_label=_("Ingen valgt"),
    )
    status = forms.ChoiceField(label=_("Status"), choices=Risk.Status.choices)
    trend = forms.ChoiceField(label=_("Trend"), choices=Risk.Trend.choices)

    FIELDS = [
        "title",
        "description",
        "cause",
        "consequence",
        "probability",
        "impact",
        "strategy",
        "measures",
        "residual_probability",
        "residual_impact",
        "owner",
        "status",
        "trend",
    ]

    def __init__(
        self, *args: Any, collaboration: Collaboration, instance: Risk | None = None, **kwargs: Any
    ) -> None:
        defaults = {
            "strategy": Risk.Strategy.REDUCE,
            "status": Risk.Status.OPEN,
            "trend": Risk.Trend.STABLE,
        }
        kwargs.setdefault("initial", _initial(instance, self.FIELDS) or defaults)
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = collaboration_users(collaboration)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        residual = (cleaned.get("residual_probability"), cleaned.get("residual_impact"))
        if (residual[0] is None) != (residual[1] is None) and not self.errors:
            raise forms.ValidationError(
                _("Fyll ut både sannsynlighet og konsekvens etter tiltak, eller ingen av dem.")
            )
        return cleaned


def _rag_field(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", _("Ikke satt"))] + list(RagStatus.choices),
        required=False,
        error_messages={"invalid_choice": _("Velg grønn, gul eller rød.")},
    )


class StatusReportForm(forms.Form):
    """The six dimensions (colour and comment), the summary and the next steps."""

    def __init__(self, *args: Any, instance: StatusReport | None = None, **kwargs: Any) -> None:
        names = [*self.field_names()]
        kwargs.setdefault("initial", _initial(instance, names))
        super().__init__(*args, **kwargs)
        for key in STATUS_DIMENSIONS:
            label = DIMENSION_LABELS[key]
            self.fields[key] = _rag_field(label)
            self.fields[f"{key}_comment"] = forms.CharField(
                label=_("Kommentar: %(dimension)s") % {"dimension": str(label).lower()},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["summary"] = forms.CharField(
            label=_("Oppsummering"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )
        self.fields["next_steps"] = forms.CharField(
            label=_("Neste steg"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    @staticmethod
    def field_names() -> list[str]:
        names: list[str] = []
        for key in STATUS_DIMENSIONS:
            names += [key, f"{key}_comment"]
        return [*names, "summary", "next_steps"]


class StatusReportCreateForm(forms.Form):
    """Only the month: colours, texts and cost lines come from the previous report."""

    period = forms.DateField(
        label=_("Måned"),
        input_formats=["%Y-%m", "%m.%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_(
            "Rapporten gjelder hele måneden. Tekster og kostnader hentes fra forrige rapport."
        ),
        error_messages={
            "invalid": _("Skriv måneden som åååå-mm, for eksempel 2026-03."),
            "required": _("Velg en måned."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].initial = today().replace(day=1)

    def clean_period(self) -> datetime.date:
        period: datetime.date = self.cleaned_data["period"]
        return period.replace(day=1)


class StatusCostLineForm(forms.Form):
    name = forms.CharField(label=_("Kostnad"), max_length=200)
    budget = AmountField(
        label=_("Budsjett (kr)"), min_value=Decimal(0), max_digits=16, decimal_places=2
    )
    spent = AmountField(
        label=_("Påløpt (kr)"), min_value=Decimal(0), max_digits=16, decimal_places=2
    )
    forecast = AmountField(
        label=_("Prognose (kr)"),
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=2,
        help_text=_("Forventet sluttkostnad for linjen."),
    )

    def __init__(self, *args: Any, instance: StatusCostLine | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", _initial(instance, ["name", "budget", "spent", "forecast"]))
        super().__init__(*args, **kwargs)
